//! GETSET key value
//!
//! Stores `value` and replies with the old value (nil when there was none). Drops any time to
//! live, as SET does. Events: `new` when it creates the key, then `set`.

use super::read_str;
use crate::cmd::flags::*;
use crate::cmd::keys::notify_new;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::keyspace::value::Value;
use crate::notify;

pub const SPEC: CommandSpec = spec(
    "getset",
    3,
    WRITE | DENYOOM | FAST,
    KEY1,
    "string",
    "1.0.0",
    "Set the string value of a key and return its old value",
    getset,
);

fn getset(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let value = args.required()?;
    let old = read_str(ex, key)?.map(|s| s.data.clone());
    let old_is_none = old.is_none();
    match old {
        Some(old) => ex.out.bulk(&old),
        None => ex.out.null(),
    }
    let db = ex.session.db;
    ex.ks.db(db).insert(key, Value::str(value), 0);
    if old_is_none {
        notify_new(ex, db, key);
    }
    ex.changed(notify::STRING, "set", key);
    ex.ks.dirty += 1;
    ex.propagate_as(&[b"SET", key, value]);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn swaps_and_drops_ttl() {
        let mut h = Harness::new();
        h.check(&[
            ("GETSET k a", "$-1\r\n"),
            ("GETSET k b", "$1\r\na\r\n"),
            ("EXPIRE k 100", ":1\r\n"),
            ("GETSET k c", "$1\r\nb\r\n"),
            ("TTL k", ":-1\r\n"),
            ("GET k", "$1\r\nc\r\n"),
        ]);
        assert_eq!(h.ks.dirty, 4);
        let mut h = Harness::new().resp3();
        h.check(&[("GETSET k a", "_\r\n")]);
    }

    #[test]
    fn events() {
        use crate::cmd::strings::{events, notifying};
        let mut h = notifying();
        assert_eq!(events(&mut h, "GETSET k a"), ["new 0 k", "set 0 k"]);
        assert_eq!(events(&mut h, "GETSET k b"), ["set 0 k"]);
    }
}
