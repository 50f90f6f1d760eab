//! EXPIREAT key unix-time-seconds [NX | XX | GT | LT]
//!
//! EXPIRE with an absolute Unix time in seconds; a time already past deletes the key.

use super::{expire_generic, ExpireKind};
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "expireat",
    -3,
    WRITE | FAST,
    KEY1,
    "generic",
    "1.2.0",
    "Set the expiration for a key as a UNIX timestamp",
    run,
);

const KIND: ExpireKind = ExpireKind {
    name: "expireat",
    seconds: true,
    relative: false,
};

fn run(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    expire_generic(ex, args, KIND)
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn absolute_seconds() {
        let mut h = Harness::new();
        h.check(&[
            ("SET k v", "+OK\r\n"),
            ("EXPIREAT k 99999999999", ":1\r\n"),
            ("EXPIRETIME k", ":99999999999\r\n"),
            ("PEXPIRETIME k", ":99999999999000\r\n"),
            ("EXPIREAT k 9223372036854775", ":1\r\n"),
            (
                "EXPIREAT k 9223372036854776",
                "-ERR invalid expire time in 'expireat' command\r\n",
            ),
            ("EXPIREAT k 1", ":1\r\n"),
            ("EXISTS k", ":0\r\n"),
        ]);
    }
}
