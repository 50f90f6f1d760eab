//! LRANGE key start stop
//!
//! The elements from index `start` to `stop` inclusive; negative indexes count from the tail
//! (-1 is the last), out-of-range ones are clamped, and an empty range is an empty array. The
//! indexes are checked before the key.

use super::{clamp_range, read_list};
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "lrange",
    4,
    READONLY,
    KEY1,
    "list",
    "1.0.0",
    "Get a range of elements from a list",
    run,
);

fn run(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let start = args.i64()?;
    let stop = args.i64()?;
    let Some(list) = read_list(ex.ks, ex.session.db, key, ex.now)? else {
        ex.out.array(0);
        return Ok(());
    };
    match clamp_range(list.len(), start, stop) {
        None => ex.out.array(0),
        Some((from, to)) => {
            ex.out.array(to - from + 1);
            for e in list.range(from, to) {
                ex.out.bulk(e);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn ranges_clamp_and_count_from_the_tail() {
        let mut h = Harness::new();
        h.check(&[
            ("LRANGE k 0 -1", "*0\r\n"),
            (
                "LRANGE k x 1",
                "-ERR value is not an integer or out of range\r\n",
            ),
            ("RPUSH k a b c d e", ":5\r\n"),
            (
                "LRANGE k 0 -1",
                "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n",
            ),
            ("LRANGE k 1 2", "*2\r\n$1\r\nb\r\n$1\r\nc\r\n"),
            ("LRANGE k -2 100", "*2\r\n$1\r\nd\r\n$1\r\ne\r\n"),
            ("LRANGE k -100 0", "*1\r\n$1\r\na\r\n"),
            ("LRANGE k 3 1", "*0\r\n"),
            ("LRANGE k 5 10", "*0\r\n"),
            ("LRANGE k 0 -6", "*0\r\n"),
            (
                "LRANGE k -9223372036854775808 9223372036854775807",
                "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n",
            ),
            (
                "LRANGE k 0 x",
                "-ERR value is not an integer or out of range\r\n",
            ),
            (
                "LRANGE k 1.5 2",
                "-ERR value is not an integer or out of range\r\n",
            ),
            ("SET s v", "+OK\r\n"),
            (
                "LRANGE s 0 -1",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "LRANGE s x 0",
                "-ERR value is not an integer or out of range\r\n",
            ),
        ]);
        let mut h = Harness::new().resp3();
        h.check(&[
            ("LRANGE k 0 -1", "*0\r\n"),
            ("RPUSH k a", ":1\r\n"),
            ("LRANGE k 0 -1", "*1\r\n$1\r\na\r\n"),
        ]);
    }
}
