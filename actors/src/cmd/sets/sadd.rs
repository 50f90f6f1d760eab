//! SADD key member [member ...]
//!
//! Adds the members to the set at `key`, creating it when absent, and replies with how many
//! were new. A new set starts as an intset when its first member is an integer.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::keyspace::set::SetValue;
use crate::keyspace::value::Value;
use crate::notify;

pub const SPEC: CommandSpec = spec(
    "sadd",
    -3,
    WRITE | DENYOOM | FAST,
    KEY1,
    "set",
    "1.0.0",
    "Add one or more members to a set",
    sadd,
);

fn sadd(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let members = args.rest();
    let max = super::max_intset(ex);
    if super::write_set(ex, key)?.is_none() {
        let db = ex.session.db;
        let fresh = SetValue::for_member(&members[0]);
        ex.ks.db(db).insert(key, Value::Set(fresh), 0);
        crate::cmd::keys::notify_new(ex, db, key);
    }
    let set = super::write_set(ex, key)?.expect("just created");
    let added = members.iter().filter(|m| set.add(m, max)).count();
    if added > 0 {
        ex.changed(notify::SET, "sadd", key);
    }
    ex.ks.dirty += added as u64;
    ex.out.int(added as i64);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::hashes::testutil::{events, with_events};
    use crate::cmd::sets::set_of;
    use crate::cmd::strings::server_with;
    use crate::cmd::testing::Harness;

    #[test]
    fn adds_and_picks_encodings() {
        let mut h = with_events(Harness::new());
        h.check(&[
            ("SADD s 3 1 2 1", ":3\r\n"),
            ("SADD s 2", ":0\r\n"),
            ("OBJECT ENCODING s", "$6\r\nintset\r\n"),
            ("SMEMBERS s", "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
            ("SADD s -5 9223372036854775807 -9223372036854775808", ":3\r\n"),
            ("SMEMBERS s", "*6\r\n$20\r\n-9223372036854775808\r\n$2\r\n-5\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$19\r\n9223372036854775807\r\n"),
            ("SADD s 01", ":1\r\n"),
            ("OBJECT ENCODING s", "$9\r\nhashtable\r\n"),
            ("SREM s 01", ":1\r\n"),
            ("OBJECT ENCODING s", "$9\r\nhashtable\r\n"),
            ("SADD t a 1", ":2\r\n"),
            ("OBJECT ENCODING t", "$9\r\nhashtable\r\n"),
            ("SET str x", "+OK\r\n"),
            ("SADD str a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("SADD s", "-ERR wrong number of arguments for 'sadd' command\r\n"),
        ]);
        assert_eq!(h.ks.dirty, 3 + 3 + 1 + 1 + 2 + 1);
        assert_eq!(
            events(&h),
            ["new", "sadd", "sadd", "sadd", "srem", "new", "sadd", "new", "set"]
        );
    }

    #[test]
    fn intset_converts_past_the_limit() {
        let mut h = Harness::with_server(server_with(|t| t.set_max_intset_entries = 3));
        h.check(&[
            ("SADD s 1 2 3", ":3\r\n"),
            ("OBJECT ENCODING s", "$6\r\nintset\r\n"),
            ("SADD s 4", ":1\r\n"),
            ("OBJECT ENCODING s", "$9\r\nhashtable\r\n"),
        ]);
        assert_eq!(set_of(&h, "s").len(), 4);
    }
}
