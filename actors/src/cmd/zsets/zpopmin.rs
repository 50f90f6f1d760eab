//! ZPOPMIN key [count]
//!
//! Removes and returns the `count` (default 1) lowest-scored members with their scores: a
//! flat member, score list, except in RESP3 with a count, where it is [member, score] pairs.

use super::pop::{pop_generic, Shape};
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use protocol::Resp;

pub const SPEC: CommandSpec = spec(
    "zpopmin",
    -2,
    WRITE | FAST,
    KEY1,
    "sorted-set",
    "5.0.0",
    "Remove and return members with the lowest scores in a sorted set",
    zpopmin,
);

fn zpopmin(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    zpop(ex, args, false)
}

/// ZPOPMIN and ZPOPMAX.
pub fn zpop(ex: &mut Exec, mut args: Args, max: bool) -> Result<(), CmdError> {
    let key = args.required()?;
    if args.remaining() > 1 {
        return Err(CmdError::Syntax);
    }
    let count = match args.next() {
        Some(c) => {
            super::parse::long_in(c, 0, i64::MAX, "value is out of range, must be positive")?
        }
        None => -1,
    };
    let shape = Shape {
        emit_key: false,
        nested: ex.out.resp() == Resp::V3 && count != -1,
        nil_when_empty: false,
    };
    pop_generic(ex, &[key], max, count, shape)
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn zpopmin_and_zpopmax_shapes() {
        let mut h = Harness::new();
        h.check(&[
            ("ZPOPMIN z", "*0\r\n"),
            ("ZADD z 1 a 2 b 3 c 4 d", ":4\r\n"),
            ("ZPOPMIN z", "*2\r\n$1\r\na\r\n$1\r\n1\r\n"),
            (
                "ZPOPMAX z 2",
                "*4\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n3\r\n",
            ),
            ("ZPOPMIN z 0", "*0\r\n"),
            (
                "ZPOPMIN z -1",
                "-ERR value is out of range, must be positive\r\n",
            ),
            (
                "ZPOPMIN z x",
                "-ERR value is out of range, must be positive\r\n",
            ),
            ("ZPOPMIN z 1 2", "-ERR syntax error\r\n"),
            ("ZPOPMIN z 10", "*2\r\n$1\r\nb\r\n$1\r\n2\r\n"),
            ("EXISTS z", ":0\r\n"),
        ]);
        let mut h = Harness::new().resp3();
        h.check(&[
            ("ZADD z 1 a 2 b", ":2\r\n"),
            ("ZPOPMIN z", "*2\r\n$1\r\na\r\n,1\r\n"),
            ("ZPOPMAX z 1", "*1\r\n*2\r\n$1\r\nb\r\n,2\r\n"),
            ("ZPOPMAX z 1", "*0\r\n"),
        ]);
    }
}
