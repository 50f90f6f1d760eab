//! EXPIRETIME key
//!
//! The Unix time in seconds at which `key` expires, -1 when it has no expiry, -2 when it does
//! not exist.

use super::ttl_generic;
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "expiretime",
    2,
    READONLY | FAST,
    KEY1,
    "generic",
    "7.0.0",
    "Get the expiration Unix timestamp for a key",
    run,
);

fn run(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    ttl_generic(ex, args, false, true)
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn absolute_seconds_rounded() {
        let mut h = Harness::new();
        h.check(&[
            ("EXPIRETIME k", ":-2\r\n"),
            ("SET k v", "+OK\r\n"),
            ("EXPIRETIME k", ":-1\r\n"),
            ("PEXPIREAT k 99999999999499", ":1\r\n"),
            ("EXPIRETIME k", ":99999999999\r\n"),
            ("PEXPIREAT k 99999999999500", ":1\r\n"),
            ("EXPIRETIME k", ":100000000000\r\n"),
        ]);
    }
}
