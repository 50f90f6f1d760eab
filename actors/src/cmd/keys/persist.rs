//! PERSIST key
//!
//! Removes the time to live of `key`: 1 (and a `persist` event) when it had one, 0 otherwise.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::notify;

pub const SPEC: CommandSpec = spec(
    "persist",
    2,
    WRITE | FAST,
    KEY1,
    "generic",
    "2.2.0",
    "Remove the expiration from a key",
    persist,
);

fn persist(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let db = ex.session.db;
    let had_ttl = ex
        .ks
        .write(db, key, ex.now)
        .is_some_and(|e| e.expire_at != 0);
    if had_ttl {
        ex.ks.db(db).set_expire(key, 0);
        ex.changed(notify::GENERIC, "persist", key);
        ex.ks.dirty += 1;
    }
    ex.out.int(had_ttl as i64);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn removes_ttl() {
        let mut h = Harness::new();
        h.check(&[
            ("PERSIST k", ":0\r\n"),
            ("SET k v", "+OK\r\n"),
            ("PERSIST k", ":0\r\n"),
            ("EXPIRE k 100", ":1\r\n"),
            ("PERSIST k", ":1\r\n"),
            ("TTL k", ":-1\r\n"),
            ("PERSIST k", ":0\r\n"),
        ]);
        assert_eq!(h.ks.dirty, 3);
        assert_eq!(h.ks.dbs[0].expires_len(), 0);
    }

    #[test]
    fn events_persist_only_when_removed() {
        use crate::cmd::strings::{events, notifying, NONE};
        let mut h = notifying();
        h.run(&["SET", "k", "v"]);
        assert_eq!(events(&mut h, "PERSIST k"), NONE);
        assert_eq!(events(&mut h, "PERSIST nosuch"), NONE);
        h.run(&["EXPIRE", "k", "100"]);
        assert_eq!(events(&mut h, "PERSIST k"), ["persist 0 k"]);
    }
}
