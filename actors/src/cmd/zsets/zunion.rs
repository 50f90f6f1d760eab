//! ZUNION numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM | MIN | MAX] [WITHSCORES]
//!
//! Every member of any input, scored by aggregating (SUM by default) its weighted scores; sets count as scores of 1.

use super::setop::{setop_generic, Op, Output};
use crate::cmd::flags::*;
use crate::cmd::table::spec;
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "zunion",
    -3,
    READONLY,
    (0, 0, 0),
    "sorted-set",
    "6.2.0",
    "Add multiple sorted sets",
    zunion,
);

fn zunion(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    setop_generic(ex, args, "zunion", Op::Union, Output::List)
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    /// Replies as redis-server 7.0.15 gives them.
    #[test]
    fn union_inter_diff_match_redis() {
        let mut h = Harness::new();
        h.check(&[
            ("ZADD a 1 x 2 y 3 z", ":3\r\n"),
            ("ZADD b 10 y 20 z 30 w", ":3\r\n"),
            ("ZUNION 2 a b WITHSCORES", "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n$1\r\nw\r\n$2\r\n30\r\n"),
            ("ZINTER 2 a b WITHSCORES", "*4\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n"),
            ("ZDIFF 2 a b WITHSCORES", "*2\r\n$1\r\nx\r\n$1\r\n1\r\n"),
            ("ZUNION 2 a b WEIGHTS 2 0.5 AGGREGATE MAX WITHSCORES", "*8\r\n$1\r\nx\r\n$1\r\n2\r\n$1\r\ny\r\n$1\r\n5\r\n$1\r\nz\r\n$2\r\n10\r\n$1\r\nw\r\n$2\r\n15\r\n"),
            ("ZINTER 2 a b AGGREGATE MIN", "*2\r\n$1\r\ny\r\n$1\r\nz\r\n"),
            ("ZUNION 2 a b WEIGHTS 1", "-ERR syntax error\r\n"),
            ("ZUNION 2 a b WEIGHTS 1 x", "-ERR weight value is not a float\r\n"),
            ("ZUNION 2 a b AGGREGATE AVG", "-ERR syntax error\r\n"),
            ("ZDIFF 2 a b WEIGHTS 1 1", "-ERR syntax error\r\n"),
            ("ZUNION 0 a", "-ERR at least 1 input key is needed for 'zunion' command\r\n"),
            ("ZUNION 3 a b", "-ERR syntax error\r\n"),
            ("ZUNION x a", "-ERR value is not an integer or out of range\r\n"),
            ("ZUNION 1 a WITHSCORES WITHSCORES", "*6\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\nz\r\n$1\r\n3\r\n"),
            ("ZADD i1 inf m", ":1\r\n"),
            ("ZADD i2 -inf m", ":1\r\n"),
            ("ZUNION 2 i1 i2 WITHSCORES", "*2\r\n$1\r\nm\r\n$1\r\n0\r\n"),
            ("ZINTER 2 i1 i2 WEIGHTS 0 1 AGGREGATE MIN WITHSCORES", "*2\r\n$1\r\nm\r\n$4\r\n-inf\r\n"),
            ("SET s v", "+OK\r\n"),
            ("ZUNION 2 a s", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("ZUNION 2 s a WEIGHTS x y", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("ZUNIONSTORE d 2 a b", ":4\r\n"),
            ("ZRANGE d 0 -1 WITHSCORES", "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n$1\r\nw\r\n$2\r\n30\r\n"),
            ("ZINTERSTORE d 2 a nokey", ":0\r\n"),
            ("EXISTS d", ":0\r\n"),
            ("ZDIFFSTORE d 2 b a", ":1\r\n"),
            ("ZRANGE d 0 -1 WITHSCORES", "*2\r\n$1\r\nw\r\n$2\r\n30\r\n"),
            ("ZUNIONSTORE d 1 a WITHSCORES", "-ERR syntax error\r\n"),
            ("ZINTERSTORE d 0 a", "-ERR at least 1 input key is needed for 'zinterstore' command\r\n"),
            ("ZINTERCARD 2 a b", ":2\r\n"),
            ("ZINTERCARD 2 a b LIMIT 1", ":1\r\n"),
            ("ZINTERCARD 2 a b LIMIT -1", "-ERR LIMIT can't be negative\r\n"),
            ("ZINTERCARD 2 a b WITHSCORES", "-ERR syntax error\r\n"),
            ("ZINTERCARD 0 a", "-ERR at least 1 input key is needed for 'zintercard' command\r\n"),
        ]);
        let mut h = Harness::new().resp3();
        h.check(&[
            ("ZADD a 1 x 2 y", ":2\r\n"),
            (
                "ZUNION 1 a WITHSCORES",
                "*2\r\n*2\r\n$1\r\nx\r\n,1\r\n*2\r\n$1\r\ny\r\n,2\r\n",
            ),
            ("ZDIFF 1 a", "*2\r\n$1\r\nx\r\n$1\r\ny\r\n"),
        ]);
    }
}
