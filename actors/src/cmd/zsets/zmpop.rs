//! ZMPOP numkeys key [key ...] MIN | MAX [COUNT count]
//!
//! Pops up to `count` (default 1) lowest or highest members from the first key holding a
//! sorted set; replies [key, [[member, score] ...]], or nil when every key is empty.

use super::block::parse_mpop;
use super::pop::{pop_generic, Shape};
use crate::cmd::flags::*;
use crate::cmd::table::spec;
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "zmpop",
    -4,
    WRITE,
    (0, 0, 0),
    "sorted-set",
    "7.0.0",
    "Remove and return members with scores in a sorted set",
    zmpop,
);

fn zmpop(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    let (keys, max, count) = parse_mpop(args.rest())?;
    let shape = Shape {
        emit_key: true,
        nested: true,
        nil_when_empty: true,
    };
    pop_generic(ex, &keys, max, count as i64, shape)
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn zmpop_replies_and_errors() {
        let mut h = Harness::new();
        h.check(&[
            ("ZMPOP 1 z MIN", "*-1\r\n"),
            ("ZADD z 1 a 2 b 3 c", ":3\r\n"),
            (
                "ZMPOP 2 x z MIN",
                "*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n",
            ),
            (
                "ZMPOP 1 z max COUNT 10",
                "*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n",
            ),
            ("EXISTS z", ":0\r\n"),
            ("ZMPOP 0 z MIN", "-ERR numkeys should be greater than 0\r\n"),
            ("ZMPOP x z MIN", "-ERR numkeys should be greater than 0\r\n"),
            ("ZMPOP 2 z MIN", "-ERR syntax error\r\n"),
            ("ZMPOP 1 z LEFT", "-ERR syntax error\r\n"),
            (
                "ZMPOP 1 z MIN COUNT 0",
                "-ERR count should be greater than 0\r\n",
            ),
            ("ZMPOP 1 z MIN COUNT 1 COUNT 1", "-ERR syntax error\r\n"),
            ("ZMPOP 1 z MIN COUNT", "-ERR syntax error\r\n"),
        ]);
        let mut h = Harness::new().resp3();
        h.check(&[
            ("ZMPOP 1 z MIN", "_\r\n"),
            ("ZADD z 1 a", ":1\r\n"),
            (
                "ZMPOP 1 z MIN",
                "*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\na\r\n,1\r\n",
            ),
        ]);
    }
}
