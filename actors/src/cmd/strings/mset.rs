//! MSET key value [key value ...]
//!
//! Stores every pair, dropping any time to live the keys had. Events per pair, in order: `new`
//! for a key it creates, then `set`.

use crate::cmd::flags::*;
use crate::cmd::keys::notify_new;
use crate::cmd::table::spec;
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::keyspace::value::Value;
use crate::notify;

pub const SPEC: CommandSpec = spec(
    "mset",
    -3,
    WRITE | DENYOOM,
    (1, -1, 2),
    "string",
    "1.0.1",
    "Set multiple keys to multiple values",
    mset,
);

/// Stores every pair of `pairs`, as MSET and MSETNX do once they decided to: Redis's `setKey`
/// per pair, which looks the key up for a write first (an expired key goes, with its event).
pub fn store_pairs(ex: &mut Exec, pairs: &[bytes::Bytes]) {
    let db = ex.session.db;
    for pair in pairs.chunks_exact(2) {
        let key = &pair[0];
        let found = ex.ks.write(db, key, ex.now).is_some();
        ex.ks.db(db).insert(key, Value::str(&pair[1]), 0);
        if !found {
            notify_new(ex, db, key);
        }
        ex.changed(notify::STRING, "set", key);
    }
    ex.ks.dirty += (pairs.len() / 2) as u64;
}

fn mset(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    let pairs = args.rest();
    if !pairs.len().is_multiple_of(2) {
        return Err(CmdError::Arity("mset".into()));
    }
    store_pairs(ex, pairs);
    ex.out.ok();
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn stores_pairs_and_checks_arity() {
        let mut h = Harness::new();
        h.check(&[
            (
                "MSET a",
                "-ERR wrong number of arguments for 'mset' command\r\n",
            ),
            (
                "MSET a 1 b",
                "-ERR wrong number of arguments for 'mset' command\r\n",
            ),
            ("SETEX a 100 x", "+OK\r\n"),
            ("MSET a 1 b 2 a 3", "+OK\r\n"),
            ("MGET a b", "*2\r\n$1\r\n3\r\n$1\r\n2\r\n"),
            ("TTL a", ":-1\r\n"),
        ]);
        assert_eq!(h.ks.dirty, 4);
    }

    #[test]
    fn events_per_pair_in_order() {
        use crate::cmd::strings::{events, notifying};
        let mut h = notifying();
        assert_eq!(
            events(&mut h, "MSET a 1 b 2 a 3"),
            ["new 0 a", "set 0 a", "new 0 b", "set 0 b", "set 0 a"]
        );
        // setKey looks each key up for a write: an expired one goes first.
        h.run(&["SET", "e", "v", "PXAT", "1"]);
        assert_eq!(
            events(&mut h, "MSET e 1"),
            ["expired 0 e", "new 0 e", "set 0 e"]
        );
    }
}
