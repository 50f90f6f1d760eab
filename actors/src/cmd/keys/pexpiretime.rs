//! PEXPIRETIME key
//!
//! The Unix time in milliseconds at which `key` expires, -1 when it has no expiry, -2 when it
//! does not exist.

use super::ttl_generic;
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "pexpiretime",
    2,
    READONLY | FAST,
    KEY1,
    "generic",
    "7.0.0",
    "Get the expiration Unix timestamp for a key in milliseconds",
    run,
);

fn run(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    ttl_generic(ex, args, true, true)
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn absolute_milliseconds() {
        let mut h = Harness::new();
        h.check(&[
            ("PEXPIRETIME k", ":-2\r\n"),
            ("SET k v", "+OK\r\n"),
            ("PEXPIRETIME k", ":-1\r\n"),
            ("SET k v PXAT 99999999999123", "+OK\r\n"),
            ("PEXPIRETIME k", ":99999999999123\r\n"),
        ]);
    }
}
