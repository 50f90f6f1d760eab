//! LINSERT key BEFORE|AFTER pivot element
//!
//! Inserts `element` next to the first occurrence (from the head) of `pivot` and replies with
//! the new length; -1 when there is no such pivot, 0 when the key is absent. The position word
//! is checked before the key.

use super::write_list;
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::notify;

pub const SPEC: CommandSpec = spec(
    "linsert",
    5,
    WRITE | DENYOOM,
    KEY1,
    "list",
    "2.2.0",
    "Insert an element before or after another element in a list",
    run,
);

fn run(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let after = if args.eat("after") {
        true
    } else if args.eat("before") {
        false
    } else {
        return Err(CmdError::Syntax);
    };
    let pivot = args.required()?;
    let element = args.required()?;
    let Some(list) = write_list(ex.ks, ex.session.db, key, ex.now)? else {
        ex.out.int(0);
        return Ok(());
    };
    let Some(at) = list.iter().position(|e| e == pivot) else {
        ex.out.int(-1);
        return Ok(());
    };
    list.insert(at + after as usize, element);
    let len = list.len();
    ex.changed(notify::LIST, "linsert", key);
    ex.ks.dirty += 1;
    ex.out.int(len as i64);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn inserts_next_to_the_first_pivot() {
        let mut h = Harness::new();
        h.check(&[
            ("LINSERT k BEFORE a x", ":0\r\n"),
            ("LINSERT k MIDDLE a x", "-ERR syntax error\r\n"),
            ("RPUSH k a b a", ":3\r\n"),
            ("LINSERT k before a x", ":4\r\n"),
            ("LINSERT k AFTER a y", ":5\r\n"),
            ("LINSERT k AfTeR b z", ":6\r\n"),
            ("LINSERT k BEFORE nope q", ":-1\r\n"),
            (
                "LRANGE k 0 -1",
                "*6\r\n$1\r\nx\r\n$1\r\na\r\n$1\r\ny\r\n$1\r\nb\r\n$1\r\nz\r\n$1\r\na\r\n",
            ),
            ("SET s v", "+OK\r\n"),
            (
                "LINSERT s BEFORE a b",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            ("LINSERT s UP a b", "-ERR syntax error\r\n"),
            (
                "LINSERT k BEFORE a",
                "-ERR wrong number of arguments for 'linsert' command\r\n",
            ),
        ]);
    }
}
