//! ZINCRBY key increment member
//!
//! Adds `increment` to the score of `member` (0 when it is absent) and replies with the new
//! score. Same as `ZADD key INCR increment member`.

use super::zadd::add_generic;
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::keyspace::zset::AddFlags;

pub const SPEC: CommandSpec = spec(
    "zincrby",
    4,
    WRITE | DENYOOM | FAST,
    KEY1,
    "sorted-set",
    "1.2.0",
    "Increment the score of a member in a sorted set",
    zincrby,
);

fn zincrby(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let flags = AddFlags {
        incr: true,
        ..AddFlags::default()
    };
    add_generic(ex, key, args.rest(), flags, false)
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn zincrby_adds_to_scores() {
        let mut h = Harness::new();
        h.check(&[
            ("ZINCRBY z 2 a", "$1\r\n2\r\n"),
            ("ZINCRBY z -0.5 a", "$3\r\n1.5\r\n"),
            ("ZINCRBY z 1e400 a", "-ERR value is not a valid float\r\n"),
            ("ZINCRBY z inf a", "$3\r\ninf\r\n"),
            (
                "ZINCRBY z -inf a",
                "-ERR resulting score is not a number (NaN)\r\n",
            ),
            (
                "ZINCRBY z x",
                "-ERR wrong number of arguments for 'zincrby' command\r\n",
            ),
        ]);
        let mut h = Harness::new().resp3();
        h.check(&[("ZINCRBY z 0.2 a", ",0.20000000000000001\r\n")]);
    }
}
