//! SMOVE source destination member
//!
//! Moves `member` from the set at `source` to the set at `destination` (created when absent):
//! 1 when it was in `source`, 0 otherwise. `source` is deleted once empty.

use crate::cmd::flags::*;
use crate::cmd::table::spec;
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::keyspace::set::SetValue;
use crate::keyspace::value::Value;
use crate::notify;

pub const SPEC: CommandSpec = spec(
    "smove",
    4,
    WRITE | FAST,
    (1, 2, 1),
    "set",
    "1.0.0",
    "Move a member from one set to another",
    smove,
);

/// What a write lookup found: nothing, a set, or another type.
fn kind(ex: &mut Exec, key: &[u8]) -> Option<bool> {
    ex.ks
        .write(ex.session.db, key, ex.now)
        .map(|e| matches!(e.value, Value::Set(_)))
}

fn smove(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let src = args.required()?;
    let dst = args.required()?;
    let member = args.required()?;
    let max = super::max_intset(ex);
    let db = ex.session.db;
    let (src_kind, dst_kind) = (kind(ex, src), kind(ex, dst));
    // An absent source answers 0 before any type is checked.
    let Some(src_is_set) = src_kind else {
        ex.out.int(0);
        return Ok(());
    };
    if !src_is_set || dst_kind == Some(false) {
        return Err(CmdError::WrongType);
    }
    let set = super::write_set(ex, src)?.expect("checked above");
    if src == dst {
        let has = set.contains(member);
        ex.out.int(has as i64);
        return Ok(());
    }
    if !set.remove(member) {
        ex.out.int(0);
        return Ok(());
    }
    let emptied = set.is_empty();
    ex.ks.notify(notify::SET, "srem", db, src);
    if emptied {
        ex.ks.db(db).remove(src);
        ex.ks.notify(notify::GENERIC, "del", db, src);
    }
    if dst_kind.is_none() {
        let fresh = SetValue::for_member(member);
        ex.ks.db(db).insert(dst, Value::Set(fresh), 0);
        crate::cmd::keys::notify_new(ex, db, dst);
    }
    ex.ks.signal_modified(db, src);
    ex.ks.dirty += 1;
    let target = super::write_set(ex, dst)?.expect("exists now");
    if target.add(member, max) {
        ex.ks.dirty += 1;
        ex.changed(notify::SET, "sadd", dst);
    }
    ex.out.int(1);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::hashes::testutil::{events, with_events};
    use crate::cmd::testing::Harness;

    #[test]
    fn moves_members() {
        let mut h = with_events(Harness::new());
        h.check(&[
            ("SMOVE a b x", ":0\r\n"),
            ("SADD a 1 x", ":2\r\n"),
            ("SMOVE a b y", ":0\r\n"),
            ("SMOVE a a x", ":1\r\n"),
            ("SMOVE a a y", ":0\r\n"),
            ("SMOVE a b 1", ":1\r\n"),
            ("OBJECT ENCODING b", "$6\r\nintset\r\n"),
            ("SADD c x", ":1\r\n"),
            ("SMOVE a c x", ":1\r\n"),
            ("EXISTS a", ":0\r\n"),
            ("SMEMBERS c", "*1\r\n$1\r\nx\r\n"),
            ("SET str v", "+OK\r\n"),
            ("SMOVE nokey str x", ":0\r\n"),
            (
                "SMOVE str b x",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "SMOVE b str 1",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
        ]);
        assert_eq!(
            events(&h),
            [
                "new", "sadd", "srem", "new", "sadd", "new", "sadd", "srem", "del", "keymiss",
                "new", "set"
            ]
        );
        assert_eq!(h.ks.dirty, 2 + 2 + 1 + 1 + 1);
    }
}
