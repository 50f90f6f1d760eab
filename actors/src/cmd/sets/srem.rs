//! SREM key member [member ...]
//!
//! Removes the members from the set at `key`, deleting the key once it is empty; replies with
//! how many were removed.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::notify;

pub const SPEC: CommandSpec = spec(
    "srem",
    -3,
    WRITE | FAST,
    KEY1,
    "set",
    "1.0.0",
    "Remove one or more members from a set",
    srem,
);

fn srem(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let Some(set) = super::write_set(ex, key)? else {
        ex.out.int(0);
        return Ok(());
    };
    let deleted = args.filter(|m| set.remove(m)).count();
    let emptied = set.is_empty();
    if deleted > 0 {
        if emptied {
            let db = ex.session.db;
            ex.ks.db(db).remove(key);
        }
        ex.changed(notify::SET, "srem", key);
        if emptied {
            ex.ks.notify(notify::GENERIC, "del", ex.session.db, key);
        }
        ex.ks.dirty += deleted as u64;
    }
    ex.out.int(deleted as i64);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::hashes::testutil::{events, with_events};
    use crate::cmd::testing::Harness;

    #[test]
    fn removes_members_then_the_key() {
        let mut h = with_events(Harness::new());
        h.check(&[
            ("SREM s a", ":0\r\n"),
            ("SADD s 1 2 a", ":3\r\n"),
            ("SREM s 1 1 x", ":1\r\n"),
            ("SREM s 01", ":0\r\n"),
            ("SREM s 2 a", ":2\r\n"),
            ("EXISTS s", ":0\r\n"),
            ("SADD i 1 2", ":2\r\n"),
            ("SREM i 02 x 2", ":1\r\n"),
            ("SET str x", "+OK\r\n"),
            (
                "SREM str a",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
        ]);
        assert_eq!(
            events(&h),
            [
                "new", "sadd", "srem", "srem", "del", "keymiss", "new", "sadd", "srem", "new",
                "set"
            ]
        );
        assert_eq!(h.ks.dirty, 3 + 1 + 2 + 2 + 1 + 1);
    }
}
