//! SINTERSTORE destination key [key ...]
//!
//! Stores the intersection of the given sets at `destination` (deleting it when the result is
//! empty) and replies with its size.

use crate::cmd::flags::*;
use crate::cmd::table::spec;
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::keyspace::set::SetValue;

pub const SPEC: CommandSpec = spec(
    "sinterstore",
    -3,
    WRITE | DENYOOM,
    (1, -1, 1),
    "set",
    "1.0.0",
    "Intersect multiple sets and store the resulting set in a key",
    sinterstore,
);

fn sinterstore(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let dst = args.required()?;
    let max = super::max_intset(ex);
    let (db, now) = (ex.session.db, ex.now);
    let sets = super::lookup_sets(ex.ks, db, now, args.rest())?;
    let mut result = SetValue::IntSet(Vec::new());
    if let Some(mut sets) = sets.into_iter().collect::<Option<Vec<_>>>() {
        for m in super::intersection(&mut sets, 0) {
            result.add_member(m, max);
        }
    }
    super::store(ex, dst, result, "sinterstore");
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::hashes::testutil::{events, with_events};
    use crate::cmd::testing::Harness;

    #[test]
    fn stores_or_deletes() {
        let mut h = with_events(Harness::new());
        h.check(&[
            ("SADD a 1 2 3 x", ":4\r\n"),
            ("SADD b 3 2 x", ":3\r\n"),
            ("SET d v EX 100", "+OK\r\n"),
            ("SINTERSTORE d a b", ":3\r\n"),
            ("TTL d", ":-1\r\n"),
            ("OBJECT ENCODING d", "$9\r\nhashtable\r\n"),
            ("SREM a x", ":1\r\n"),
            ("SINTERSTORE d a b", ":2\r\n"),
            ("OBJECT ENCODING d", "$6\r\nintset\r\n"),
            ("SMEMBERS d", "*2\r\n$1\r\n2\r\n$1\r\n3\r\n"),
            ("SINTERSTORE d a nokey", ":0\r\n"),
            ("EXISTS d", ":0\r\n"),
            ("SINTERSTORE d a nokey", ":0\r\n"),
            ("SET str x", "+OK\r\n"),
            (
                "SINTERSTORE d a str",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            ("SINTERSTORE str a", ":3\r\n"),
            ("TYPE str", "+set\r\n"),
        ]);
        assert_eq!(
            events(&h),
            [
                "new",
                "sadd",
                "new",
                "sadd",
                "new",
                "set",
                "expire",
                "sinterstore",
                "srem",
                "sinterstore",
                "keymiss",
                "del",
                "keymiss",
                "keymiss",
                "new",
                "set",
                "sinterstore"
            ]
        );
    }
}
