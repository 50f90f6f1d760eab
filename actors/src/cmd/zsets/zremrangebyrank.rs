//! ZREMRANGEBYRANK key start stop
//!
//! Removes the members whose rank (0-based, negative from the end) is in [start, stop].
//! Replies with how many were removed; the key goes when it empties.

use super::remrange::{remrange_generic, By};
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "zremrangebyrank",
    4,
    WRITE,
    KEY1,
    "sorted-set",
    "2.0.0",
    "Remove all members in a sorted set within the given indexes",
    zremrangebyrank,
);

fn zremrangebyrank(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    remrange_generic(ex, args, By::Rank)
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    /// Replies as redis-server 7.0.15 gives them.
    #[test]
    fn zremrange_variants_match_redis() {
        let mut h = Harness::new();
        h.check(&[
            ("ZADD z 1 a 2 b 3 c 4 d 5 e", ":5\r\n"),
            ("ZREMRANGEBYRANK z 0 0", ":1\r\n"),
            ("ZREMRANGEBYRANK z -1 -1", ":1\r\n"),
            ("ZREMRANGEBYRANK z 2 1", ":0\r\n"),
            (
                "ZREMRANGEBYRANK z x 1",
                "-ERR value is not an integer or out of range\r\n",
            ),
            ("ZREMRANGEBYSCORE z (2 3", ":1\r\n"),
            (
                "ZREMRANGEBYSCORE z x 1",
                "-ERR min or max is not a float\r\n",
            ),
            ("ZRANGE z 0 -1", "*2\r\n$1\r\nb\r\n$1\r\nd\r\n"),
            ("ZREMRANGEBYLEX z - +", ":2\r\n"),
            ("EXISTS z", ":0\r\n"),
            (
                "ZREMRANGEBYLEX z x +",
                "-ERR min or max not valid string range item\r\n",
            ),
            ("ZREMRANGEBYRANK nokey 0 1", ":0\r\n"),
            ("SET s v", "+OK\r\n"),
            (
                "ZREMRANGEBYSCORE s 0 1",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "ZREMRANGEBYSCORE s x 1",
                "-ERR min or max is not a float\r\n",
            ),
        ]);
    }
}
