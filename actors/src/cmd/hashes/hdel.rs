//! HDEL key field [field ...]
//!
//! Removes the given fields, deleting the key once the hash is empty; replies with how many
//! fields were removed.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::notify;

pub const SPEC: CommandSpec = spec(
    "hdel",
    -3,
    WRITE | FAST,
    KEY1,
    "hash",
    "2.0.0",
    "Delete one or more hash fields",
    hdel,
);

fn hdel(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let Some(h) = super::write_hash(ex, key)? else {
        ex.out.int(0);
        return Ok(());
    };
    let deleted = args.filter(|f| h.remove(f)).count();
    let emptied = h.is_empty();
    if deleted > 0 {
        if emptied {
            let db = ex.session.db;
            ex.ks.db(db).remove(key);
        }
        ex.changed(notify::HASH, "hdel", key);
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
    fn deletes_fields_then_the_key() {
        let mut h = with_events(Harness::new());
        h.check(&[
            ("HDEL h a", ":0\r\n"),
            ("HSET h a 1 b 2 c 3", ":3\r\n"),
            ("HDEL h a a x", ":1\r\n"),
            ("HDEL h x", ":0\r\n"),
            ("HDEL h b c d", ":2\r\n"),
            ("EXISTS h", ":0\r\n"),
            ("SET s x", "+OK\r\n"),
            (
                "HDEL s a",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "HDEL h",
                "-ERR wrong number of arguments for 'hdel' command\r\n",
            ),
        ]);
        assert_eq!(h.ks.dirty, 3 + 1 + 2 + 1);
        assert_eq!(
            events(&h),
            ["new", "hset", "hdel", "hdel", "del", "keymiss", "new", "set"]
        );
    }
}
