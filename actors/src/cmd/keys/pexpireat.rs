//! PEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT]
//!
//! EXPIRE with an absolute Unix time in milliseconds; a time already past deletes the key.

use super::{expire_generic, ExpireKind};
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "pexpireat",
    -3,
    WRITE | FAST,
    KEY1,
    "generic",
    "2.6.0",
    "Set the expiration for a key as a UNIX timestamp specified in milliseconds",
    run,
);

const KIND: ExpireKind = ExpireKind {
    name: "pexpireat",
    seconds: false,
    relative: false,
};

fn run(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    expire_generic(ex, args, KIND)
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn absolute_milliseconds() {
        let mut h = Harness::new();
        h.check(&[
            ("PEXPIREAT k 99999999999999", ":0\r\n"),
            ("SET k v", "+OK\r\n"),
            ("PEXPIREAT k 99999999999999", ":1\r\n"),
            ("PEXPIRETIME k", ":99999999999999\r\n"),
            ("PEXPIREAT k 9223372036854775807", ":1\r\n"),
            ("PEXPIRETIME k", ":9223372036854775807\r\n"),
            ("EXPIRETIME k", ":9223372036854776\r\n"),
            ("PEXPIREAT k 99999999999999 GT", ":0\r\n"),
            ("PEXPIREAT k -1", ":1\r\n"),
            ("EXISTS k", ":0\r\n"),
        ]);
    }

    #[test]
    fn events_expire_or_del() {
        use crate::cmd::strings::{events, notifying};
        let mut h = notifying();
        h.run(&["SET", "k", "v"]);
        assert_eq!(events(&mut h, "PEXPIREAT k 99999999999999"), ["expire 0 k"]);
        assert_eq!(events(&mut h, "PEXPIREAT k 1"), ["del 0 k"]);
    }
}
