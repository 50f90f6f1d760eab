//! ZRANGE key start stop [BYSCORE | BYLEX] [REV] [LIMIT offset count] [WITHSCORES]
//!
//! Members by rank (default), score (BYSCORE: `min`/`max` with `(`, `-inf`, `+inf`) or lex
//! (BYLEX: `[a`, `(a`, `-`, `+`); REV walks from the top (the range is then written max first);
//! LIMIT pages score/lex ranges; WITHSCORES adds the scores (RESP3: [member, score] pairs).

use super::range::{range_generic, Dir, Kind};
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "zrange",
    -4,
    READONLY,
    KEY1,
    "sorted-set",
    "1.2.0",
    "Return a range of members in a sorted set",
    zrange,
);

fn zrange(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    range_generic(ex, args, None, Kind::Auto, Dir::Auto)
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    /// Replies as redis-server 7.0.15 gives them.
    #[test]
    fn zrange_variants_match_redis() {
        let mut h = Harness::new();
        h.check(&[
            ("ZADD z 1 a 2 b 3 c 4 d 5 e", ":5\r\n"),
            ("ZRANGE z 0 -1", "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"),
            ("ZRANGE z 1 2 WITHSCORES", "*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"),
            ("ZRANGE z -2 -1 REV", "*2\r\n$1\r\nb\r\n$1\r\na\r\n"),
            ("ZRANGE z 3 1", "*0\r\n"),
            ("ZRANGE z 2 4 BYSCORE LIMIT 1 5", "*2\r\n$1\r\nc\r\n$1\r\nd\r\n"),
            ("ZRANGE z (4 2 BYSCORE REV WITHSCORES", "*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n"),
            ("ZRANGE z -inf +inf BYSCORE LIMIT -1 2", "*0\r\n"),
            ("ZRANGE z [b (d BYLEX", "*2\r\n$1\r\nb\r\n$1\r\nc\r\n"),
            ("ZRANGE z + - BYLEX REV LIMIT 0 2", "*2\r\n$1\r\ne\r\n$1\r\nd\r\n"),
            ("ZRANGE z 0 1 LIMIT 0 1", "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n"),
            ("ZRANGE z - + BYLEX WITHSCORES", "-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n"),
            ("ZRANGE z 0 1 REV REV", "-ERR syntax error\r\n"),
            ("ZRANGE z 0 1 LIMIT x 1", "-ERR value is not an integer or out of range\r\n"),
            ("ZRANGE z x 1", "-ERR value is not an integer or out of range\r\n"),
            ("ZRANGE z a b BYSCORE", "-ERR min or max is not a float\r\n"),
            ("ZRANGE z a b BYLEX", "-ERR min or max not valid string range item\r\n"),
            ("ZRANGE z 0 1 LIMIT 0 -1", "*2\r\n$1\r\na\r\n$1\r\nb\r\n"),
            ("ZRANGE nokey 0 -1", "*0\r\n"),
            ("ZREVRANGE z 0 1 WITHSCORES", "*4\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nd\r\n$1\r\n4\r\n"),
            ("ZRANGEBYSCORE z (1 3 WITHSCORES LIMIT 1 1", "*2\r\n$1\r\nc\r\n$1\r\n3\r\n"),
            ("ZREVRANGEBYSCORE z 3 (1", "*2\r\n$1\r\nc\r\n$1\r\nb\r\n"),
            ("ZRANGEBYSCORE z 1 2 REV", "-ERR syntax error\r\n"),
            ("ZRANGEBYLEX z [c +", "*3\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"),
            ("ZREVRANGEBYLEX z [c - LIMIT 1 1", "*1\r\n$1\r\nb\r\n"),
            ("ZRANGEBYLEX z - + WITHSCORES", "-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n"),
            ("SET s v", "+OK\r\n"),
            ("ZRANGE s 0 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("ZRANGE s 0 1 FOO", "-ERR syntax error\r\n"),
        ]);
        let mut h = Harness::new().resp3();
        h.check(&[
            ("ZADD z 1 a 2 b", ":2\r\n"),
            (
                "ZRANGE z 0 -1 WITHSCORES",
                "*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2\r\n",
            ),
            (
                "ZRANGEBYSCORE z -inf inf WITHSCORES",
                "*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2\r\n",
            ),
            (
                "ZREVRANGE z 0 0 WITHSCORES",
                "*1\r\n*2\r\n$1\r\nb\r\n,2\r\n",
            ),
            ("ZRANGE z 0 -1", "*2\r\n$1\r\na\r\n$1\r\nb\r\n"),
        ]);
    }
}
