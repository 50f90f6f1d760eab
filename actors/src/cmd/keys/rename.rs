//! RENAME key newkey
//!
//! Moves the value (and its time to live) of `key` to `newkey`, replacing anything there.
//! `ERR no such key` when `key` does not exist. Events: `new` on `newkey`, `rename_from` on
//! `key`, `rename_to` on `newkey`.

use super::notify_new;
use crate::cmd::flags::*;
use crate::cmd::table::spec;
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::notify;

pub const SPEC: CommandSpec = spec(
    "rename",
    3,
    WRITE,
    (1, 2, 1),
    "generic",
    "1.0.0",
    "Rename a key",
    rename,
);

/// Redis's `renameGenericCommand`; returns whether the key was renamed (NX may refuse). Renaming
/// a key to itself succeeds without doing anything.
pub fn rename_generic(ex: &mut Exec, mut args: Args, nx: bool) -> Result<bool, CmdError> {
    let src = args.required()?;
    let dst = args.required()?;
    let db = ex.session.db;
    if ex.ks.write(db, src, ex.now).is_none() {
        return Err(CmdError::NoSuchKey);
    }
    if src == dst {
        return Ok(!nx);
    }
    if ex.ks.write(db, dst, ex.now).is_some() && nx {
        return Ok(false);
    }
    let d = ex.ks.db(db);
    let entry = d.remove(src).expect("looked up above");
    d.insert(dst, entry.value, entry.expire_at);
    // Redis deletes an existing `newkey` first, so its dbAdd always announces a new key.
    notify_new(ex, db, dst);
    ex.ks.signal_modified(db, src);
    ex.ks.signal_modified(db, dst);
    ex.ks.notify(notify::GENERIC, "rename_from", db, src);
    ex.ks.notify(notify::GENERIC, "rename_to", db, dst);
    ex.ks.dirty += 1;
    Ok(true)
}

fn rename(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    rename_generic(ex, args, false)?;
    ex.out.ok();
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn renames_with_ttl() {
        let mut h = Harness::new();
        h.check(&[
            ("RENAME a b", "-ERR no such key\r\n"),
            ("RENAME a a", "-ERR no such key\r\n"),
            ("SETEX a 100 v", "+OK\r\n"),
            ("SET b old", "+OK\r\n"),
            ("RENAME a a", "+OK\r\n"),
            ("RENAME a b", "+OK\r\n"),
            ("EXISTS a", ":0\r\n"),
            ("GET b", "$1\r\nv\r\n"),
            ("TTL b", ":100\r\n"),
            ("SET c w", "+OK\r\n"),
            ("RENAME c b", "+OK\r\n"),
            ("TTL b", ":-1\r\n"),
            ("SET e v PXAT 1", "+OK\r\n"),
            ("RENAME e f", "-ERR no such key\r\n"),
        ]);
        assert_eq!(h.ks.dirty, 2 + 2 + 1 + 1);
    }

    #[test]
    fn events_from_then_to() {
        use crate::cmd::strings::{events, notifying, NONE};
        let mut h = notifying();
        h.run(&["SET", "a", "v"]);
        assert_eq!(
            events(&mut h, "RENAME a b"),
            ["new 0 b", "rename_from 0 a", "rename_to 0 b"]
        );
        h.run(&["SET", "c", "v"]);
        // Over an existing key: Redis deletes it first, so the key is new all the same.
        assert_eq!(
            events(&mut h, "RENAME b c"),
            ["new 0 c", "rename_from 0 b", "rename_to 0 c"]
        );
        assert_eq!(events(&mut h, "RENAME c c"), NONE);
        assert_eq!(events(&mut h, "RENAME nosuch x"), NONE);
        h.run(&["SET", "d", "v"]);
        assert_eq!(events(&mut h, "RENAMENX c d"), NONE);
        assert_eq!(
            events(&mut h, "RENAMENX c e"),
            ["new 0 e", "rename_from 0 c", "rename_to 0 e"]
        );
    }

    #[test]
    fn invalidates_watches_on_both_keys() {
        use crate::cmd::testing::Harness;
        for watched in ["a", "b"] {
            let mut h = Harness::new();
            h.check(&[
                ("SET a v", "+OK\r\n"),
                (&format!("WATCH {watched}"), "+OK\r\n"),
                ("RENAME a b", "+OK\r\n"),
                ("MULTI", "+OK\r\n"),
                ("EXEC", "*-1\r\n"),
            ]);
        }
    }
}
