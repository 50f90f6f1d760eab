//! PEXPIRE key milliseconds [NX | XX | GT | LT]
//!
//! EXPIRE with a time to live in milliseconds.

use super::{expire_generic, ExpireKind};
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "pexpire",
    -3,
    WRITE | FAST,
    KEY1,
    "generic",
    "2.6.0",
    "Set a key's time to live in milliseconds",
    run,
);

const KIND: ExpireKind = ExpireKind {
    name: "pexpire",
    seconds: false,
    relative: true,
};

fn run(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    expire_generic(ex, args, KIND)
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn sets_ms_ttl() {
        let mut h = Harness::new();
        h.check(&[
            ("SET k v", "+OK\r\n"),
            ("PEXPIRE k 100000", ":1\r\n"),
            ("TTL k", ":100\r\n"),
            (
                "PEXPIRE k 9223372036854775807",
                "-ERR invalid expire time in 'pexpire' command\r\n",
            ),
            ("PEXPIRE k -9223372036854775808", ":1\r\n"),
            ("EXISTS k", ":0\r\n"),
        ]);
    }
}
