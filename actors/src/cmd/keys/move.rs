//! MOVE key db
//!
//! Moves `key` (with its time to live) to database `db`: 1 when moved, 0 when `key` does not
//! exist or `db` already has it. Events: `new` in `db`, `move_from` in the current database,
//! `move_to` in `db`.

use super::{db_index, notify_new, same_object};
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::notify;

pub const SPEC: CommandSpec = spec(
    "move",
    3,
    WRITE | FAST,
    KEY1,
    "generic",
    "1.0.0",
    "Move a key to another database",
    move_key,
);

fn move_key(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let dst = db_index(ex, args.required()?)?;
    let src = ex.session.db;
    if src == dst {
        return Err(same_object());
    }
    if ex.ks.write(src, key, ex.now).is_none() || ex.ks.write(dst, key, ex.now).is_some() {
        ex.out.int(0);
        return Ok(());
    }
    let entry = ex.ks.db(src).remove(key).expect("looked up above");
    ex.ks.db(dst).insert(key, entry.value, entry.expire_at);
    notify_new(ex, dst, key);
    ex.ks.signal_modified(src, key);
    ex.ks.signal_modified(dst, key);
    ex.ks.notify(notify::GENERIC, "move_from", src, key);
    ex.ks.notify(notify::GENERIC, "move_to", dst, key);
    ex.ks.dirty += 1;
    ex.out.int(1);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn moves_between_databases() {
        let mut h = Harness::new();
        h.check(&[
            ("MOVE k 1", ":0\r\n"),
            ("SETEX k 100 v", "+OK\r\n"),
            (
                "MOVE k 0",
                "-ERR source and destination objects are the same\r\n",
            ),
            ("MOVE k 16", "-ERR DB index is out of range\r\n"),
            ("MOVE k -1", "-ERR DB index is out of range\r\n"),
            (
                "MOVE k 2147483648",
                "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n",
            ),
            (
                "MOVE k 9223372036854775808",
                "-ERR value is not an integer or out of range\r\n",
            ),
            (
                "MOVE k x",
                "-ERR value is not an integer or out of range\r\n",
            ),
            ("MOVE k 1", ":1\r\n"),
            ("EXISTS k", ":0\r\n"),
        ]);
        assert_eq!(h.ks.dbs[1].get(b"k").map(|e| e.expire_at > 0), Some(true));
        h.run(&["SET", "k", "again"]);
        assert_eq!(h.run(&["MOVE", "k", "1"]), ":0\r\n");
        assert_eq!(h.ks.dirty, 3);
    }

    #[test]
    fn events_in_both_databases() {
        use crate::cmd::strings::{events, notifying, NONE};
        let mut h = notifying();
        h.run(&["SET", "k", "v"]);
        assert_eq!(
            events(&mut h, "MOVE k 1"),
            ["new 1 k", "move_from 0 k", "move_to 1 k"]
        );
        assert_eq!(events(&mut h, "MOVE k 1"), NONE);
        h.run(&["SET", "k", "v"]);
        assert_eq!(events(&mut h, "MOVE k 1"), NONE);
    }

    #[test]
    fn invalidates_a_watch_in_the_destination() {
        use crate::cmd::testing::Harness;
        let mut h = Harness::new();
        h.check(&[
            ("SELECT 1", "+OK\r\n"),
            ("WATCH k", "+OK\r\n"),
            ("SELECT 0", "+OK\r\n"),
            ("SET k v", "+OK\r\n"),
            ("MOVE k 1", ":1\r\n"),
            ("MULTI", "+OK\r\n"),
            ("EXEC", "*-1\r\n"),
        ]);
    }
}
