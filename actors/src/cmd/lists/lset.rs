//! LSET key index element
//!
//! Replaces the element at `index` (negative counts from the tail). `ERR no such key` when the
//! key is absent (checked before the index), `ERR index out of range` past either end.

use super::write_list;
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::notify;

pub const SPEC: CommandSpec = spec(
    "lset",
    4,
    WRITE | DENYOOM,
    KEY1,
    "list",
    "1.0.0",
    "Set the value of an element in a list by its index",
    run,
);

fn run(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let list = write_list(ex.ks, ex.session.db, key, ex.now)?.ok_or(CmdError::NoSuchKey)?;
    let index = args.i64()?;
    if !list.set(index, args.required()?) {
        return Err(CmdError::other("ERR index out of range"));
    }
    ex.out.ok();
    ex.changed(notify::LIST, "lset", key);
    ex.ks.dirty += 1;
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn replaces_in_range_only() {
        let mut h = Harness::new();
        h.check(&[
            ("LSET k 0 a", "-ERR no such key\r\n"),
            ("LSET k x a", "-ERR no such key\r\n"),
            ("RPUSH k a b c", ":3\r\n"),
            ("LSET k 0 A", "+OK\r\n"),
            ("LSET k -1 C", "+OK\r\n"),
            ("LSET k 3 z", "-ERR index out of range\r\n"),
            ("LSET k -4 z", "-ERR index out of range\r\n"),
            (
                "LSET k x z",
                "-ERR value is not an integer or out of range\r\n",
            ),
            ("LRANGE k 0 -1", "*3\r\n$1\r\nA\r\n$1\r\nb\r\n$1\r\nC\r\n"),
            ("SET s v", "+OK\r\n"),
            (
                "LSET s 0 a",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
        ]);
        assert_eq!(h.ks.dirty, 6);
    }
}
