//! LTRIM key start stop
//!
//! Keeps only the elements from `start` to `stop` inclusive (indexes as LRANGE's); an empty
//! range deletes the key. Always OK, also for an absent key.

use super::{clamp_range, delete_if_empty, write_list};
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::notify;

pub const SPEC: CommandSpec = spec(
    "ltrim",
    4,
    WRITE,
    KEY1,
    "list",
    "1.0.0",
    "Trim a list to the specified range",
    run,
);

fn run(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let start = args.i64()?;
    let stop = args.i64()?;
    let Some(list) = write_list(ex.ks, ex.session.db, key, ex.now)? else {
        ex.out.ok();
        return Ok(());
    };
    let len = list.len();
    let (head, tail) = match clamp_range(len, start, stop) {
        Some((from, to)) => (from, len - 1 - to),
        None => (len, 0),
    };
    list.trim(head, tail);
    // Redis notifies even when the range already covered the whole list.
    ex.changed(notify::LIST, "ltrim", key);
    delete_if_empty(ex, key, false);
    ex.ks.dirty += (head + tail) as u64;
    ex.out.ok();
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn keeps_a_range_or_deletes() {
        let mut h = Harness::new();
        h.check(&[
            ("LTRIM k 0 1", "+OK\r\n"),
            (
                "LTRIM k x 1",
                "-ERR value is not an integer or out of range\r\n",
            ),
            ("RPUSH k a b c d e", ":5\r\n"),
            ("LTRIM k 1 -2", "+OK\r\n"),
            ("LRANGE k 0 -1", "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n"),
            ("LTRIM k -100 100", "+OK\r\n"),
            ("LRANGE k 0 -1", "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n"),
            ("LTRIM k 2 1", "+OK\r\n"),
            ("EXISTS k", ":0\r\n"),
            ("RPUSH k a b", ":2\r\n"),
            ("LTRIM k 5 10", "+OK\r\n"),
            ("EXISTS k", ":0\r\n"),
            ("SET s v", "+OK\r\n"),
            (
                "LTRIM s 0 1",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "LTRIM s 0 x",
                "-ERR value is not an integer or out of range\r\n",
            ),
        ]);
    }
}
