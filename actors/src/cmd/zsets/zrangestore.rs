//! ZRANGESTORE dst src min max [BYSCORE | BYLEX] [REV] [LIMIT offset count]
//!
//! Stores what ZRANGE would return (with scores) at `dst` and replies with its size; an empty
//! result deletes `dst`.

use super::range::{range_generic, Dir, Kind};
use crate::cmd::flags::*;
use crate::cmd::table::spec;
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "zrangestore",
    -5,
    WRITE | DENYOOM,
    (1, 2, 1),
    "sorted-set",
    "6.2.0",
    "Store a range of members from sorted set into another key",
    zrangestore,
);

fn zrangestore(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let dst = args.required()?;
    range_generic(ex, args, Some(dst), Kind::Auto, Dir::Auto)
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    /// Replies as redis-server 7.0.15 gives them.
    #[test]
    fn zrangestore_matches_redis() {
        let mut h = Harness::new();
        h.check(&[
            ("ZADD src 1 a 2 b 3 c", ":3\r\n"),
            ("ZRANGESTORE dst src 0 1", ":2\r\n"),
            (
                "ZRANGE dst 0 -1 WITHSCORES",
                "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n",
            ),
            (
                "ZRANGESTORE dst src (1 +inf BYSCORE REV LIMIT 0 1",
                ":0\r\n",
            ),
            ("ZRANGE dst 0 -1 WITHSCORES", "*0\r\n"),
            ("ZRANGESTORE dst src 5 6", ":0\r\n"),
            ("EXISTS dst", ":0\r\n"),
            (
                "ZRANGESTORE dst src 0 -1 WITHSCORES",
                "-ERR syntax error\r\n",
            ),
            ("ZRANGESTORE dst nokey 0 -1", ":0\r\n"),
            ("SET str v", "+OK\r\n"),
            (
                "ZRANGESTORE dst str 0 -1",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            ("ZRANGESTORE str src 0 0", ":1\r\n"),
            ("TYPE str", "+zset\r\n"),
        ]);
    }
}
