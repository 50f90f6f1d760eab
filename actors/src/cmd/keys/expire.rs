//! EXPIRE key seconds [NX | XX | GT | LT]
//!
//! Sets the time to live of `key` in seconds; NX only when it has none, XX only when it has one,
//! GT/LT only when the new expiry is later/earlier (no expiry counts as infinite). A time not in
//! the future deletes the key. 1 when done, 0 when refused or the key does not exist.

use super::{expire_generic, ExpireKind};
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "expire",
    -3,
    WRITE | FAST,
    KEY1,
    "generic",
    "1.0.0",
    "Set a key's time to live in seconds",
    run,
);

const KIND: ExpireKind = ExpireKind {
    name: "expire",
    seconds: true,
    relative: true,
};

fn run(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    expire_generic(ex, args, KIND)
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn options_and_errors_match_redis() {
        let mut h = Harness::new();
        h.check(&[
            ("EXPIRE k 100", ":0\r\n"),
            ("SET k v", "+OK\r\n"),
            ("EXPIRE k 100 FOO", "-ERR Unsupported option FOO\r\n"),
            (
                "EXPIRE k 100 NX XX",
                "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n",
            ),
            (
                "EXPIRE k 100 NX GT",
                "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n",
            ),
            (
                "EXPIRE k 100 LT NX",
                "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n",
            ),
            (
                "EXPIRE k 100 GT LT",
                "-ERR GT and LT options at the same time are not compatible\r\n",
            ),
            ("EXPIRE k abc FOO", "-ERR Unsupported option FOO\r\n"),
            (
                "EXPIRE k abc",
                "-ERR value is not an integer or out of range\r\n",
            ),
            (
                "EXPIRE k 9223372036854776",
                "-ERR invalid expire time in 'expire' command\r\n",
            ),
            (
                "EXPIRE k -9223372036854776",
                "-ERR invalid expire time in 'expire' command\r\n",
            ),
            (
                "EXPIRE k 9223372036854775",
                "-ERR invalid expire time in 'expire' command\r\n",
            ),
            ("EXPIRE k 100 XX", ":0\r\n"),
            ("EXPIRE k 100 GT", ":0\r\n"),
            ("EXPIRE k 100 LT", ":1\r\n"),
            ("TTL k", ":100\r\n"),
            ("EXPIRE k 50 NX", ":0\r\n"),
            ("EXPIRE k 200 LT", ":0\r\n"),
            ("EXPIRE k 99 GT", ":0\r\n"),
            ("EXPIRE k 200 gt", ":1\r\n"),
            ("EXPIRE k 150 xx lt", ":1\r\n"),
            ("TTL k", ":150\r\n"),
            ("EXPIRE k 300 nx nx", ":0\r\n"),
            ("EXPIRE k 0", ":1\r\n"),
            ("EXISTS k", ":0\r\n"),
            ("SET k v", "+OK\r\n"),
            ("EXPIRE k -5 NX", ":1\r\n"),
            ("EXISTS k", ":0\r\n"),
            (
                "EXPIRE k",
                "-ERR wrong number of arguments for 'expire' command\r\n",
            ),
        ]);
        // SETs, LT, GT, XX LT, 0 (delete), -5 (delete).
        assert_eq!(h.ks.dirty, 2 + 5);
        assert_eq!(
            h.run(&["EXPIRE", "k", "1", "a\0b"]),
            "-ERR Unsupported option a\r\n"
        );
    }

    #[test]
    fn events_expire_or_del() {
        use crate::cmd::strings::{events, notifying, NONE};
        let mut h = notifying();
        assert_eq!(events(&mut h, "EXPIRE k 100"), NONE);
        h.run(&["SET", "k", "v"]);
        assert_eq!(events(&mut h, "EXPIRE k 100 XX"), NONE);
        assert_eq!(events(&mut h, "EXPIRE k 100"), ["expire 0 k"]);
        assert_eq!(events(&mut h, "EXPIRE k 200 NX"), NONE);
        assert_eq!(events(&mut h, "EXPIRE k 50 GT"), NONE);
        assert_eq!(events(&mut h, "EXPIRE k 50 LT"), ["expire 0 k"]);
        assert_eq!(events(&mut h, "EXPIRE k abc"), NONE);
        assert_eq!(events(&mut h, "EXPIRE k -1"), ["del 0 k"]);
        assert_eq!(events(&mut h, "EXPIRE k 10"), NONE);
    }
}
