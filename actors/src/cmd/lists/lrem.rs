//! LREM key count element
//!
//! Removes elements equal to `element`: the first `count` from the head when positive, the
//! last `-count` from the tail when negative, all of them for 0. Replies with how many went;
//! a list left empty is deleted.

use super::{delete_if_empty, write_list};
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::keyspace::list::End;
use crate::notify;

pub const SPEC: CommandSpec = spec(
    "lrem",
    4,
    WRITE,
    KEY1,
    "list",
    "1.0.0",
    "Remove elements from a list",
    run,
);

fn run(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let count = args.i64()?;
    let element = args.required()?;
    let Some(list) = write_list(ex.ks, ex.session.db, key, ex.now)? else {
        ex.out.int(0);
        return Ok(());
    };
    let from = if count < 0 { End::Tail } else { End::Head };
    let limit = usize::try_from(count.unsigned_abs()).unwrap_or(usize::MAX);
    let removed = list.remove_matching(element, limit, from);
    ex.ks.dirty += removed as u64;
    if removed > 0 {
        ex.changed(notify::LIST, "lrem", key);
        delete_if_empty(ex, key, false);
    }
    ex.out.int(removed as i64);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn removes_from_either_end() {
        let mut h = Harness::new();
        h.check(&[
            ("LREM k 0 a", ":0\r\n"),
            (
                "LREM k x a",
                "-ERR value is not an integer or out of range\r\n",
            ),
            ("RPUSH k a b a c a d a", ":7\r\n"),
            ("LREM k 2 a", ":2\r\n"),
            (
                "LRANGE k 0 -1",
                "*5\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nd\r\n$1\r\na\r\n",
            ),
            ("LREM k -1 a", ":1\r\n"),
            (
                "LRANGE k 0 -1",
                "*4\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nd\r\n",
            ),
            ("LREM k 0 zz", ":0\r\n"),
            ("LREM k 0 a", ":1\r\n"),
            ("LRANGE k 0 -1", "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n"),
            ("LREM k 0 b", ":1\r\n"),
            ("LREM k 0 c", ":1\r\n"),
            ("LREM k 0 d", ":1\r\n"),
            ("EXISTS k", ":0\r\n"),
            ("SET s v", "+OK\r\n"),
            (
                "LREM s 0 a",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "LREM s x a",
                "-ERR value is not an integer or out of range\r\n",
            ),
        ]);
    }
}
