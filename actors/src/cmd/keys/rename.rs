//! RENAME key newkey
//!
//! Moves the value (and its time to live) of `key` to `newkey`, replacing anything there.
//! `ERR no such key` when `key` does not exist.

use crate::cmd::flags::*;
use crate::cmd::table::spec;
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

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
}
