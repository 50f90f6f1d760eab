//! PTTL key
//!
//! Milliseconds left before `key` expires, -1 when it has no expiry, -2 when it does not exist.

use super::ttl_generic;
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "pttl",
    2,
    READONLY | FAST,
    KEY1,
    "generic",
    "2.6.0",
    "Get the time to live for a key in milliseconds",
    run,
);

fn run(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    ttl_generic(ex, args, true, false)
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn milliseconds_left() {
        let mut h = Harness::new();
        h.check(&[
            ("PTTL k", ":-2\r\n"),
            ("SET k v", "+OK\r\n"),
            ("PTTL k", ":-1\r\n"),
        ]);
        h.run(&["PEXPIRE", "k", "100000"]);
        let left: i64 = h
            .run(&["PTTL", "k"])
            .trim_start_matches(':')
            .trim_end()
            .parse()
            .unwrap();
        assert!((99_000..=100_000).contains(&left), "{left}");
    }
}
