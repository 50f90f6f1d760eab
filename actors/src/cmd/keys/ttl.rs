//! TTL key
//!
//! Seconds left before `key` expires (rounded), -1 when it has no expiry, -2 when it does not exist.

use super::ttl_generic;
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "ttl",
    2,
    READONLY | FAST,
    KEY1,
    "generic",
    "1.0.0",
    "Get the time to live for a key in seconds",
    run,
);

fn run(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    ttl_generic(ex, args, false, false)
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn rounds_to_nearest_second() {
        let mut h = Harness::new();
        h.check(&[
            ("TTL k", ":-2\r\n"),
            ("SET k v", "+OK\r\n"),
            ("TTL k", ":-1\r\n"),
        ]);
        let t = crate::server::unix_ms();
        h.ks.dbs[0].set_expire(b"k", t + 1499 + 1000);
        assert_eq!(h.run(&["TTL", "k"]), ":2\r\n");
        h.ks.dbs[0].set_expire(b"k", t + 5000 + 1000);
        assert_eq!(h.run(&["TTL", "k"]), ":6\r\n");
        let mut h = Harness::new().resp3();
        h.check(&[("TTL k", ":-2\r\n")]);
    }
}
