//! SINTER key [key ...]
//!
//! The members common to every given set; an absent key is an empty set, so the result is
//! empty too. Walks the smallest set, so an intset there gives ascending order.

use crate::cmd::flags::*;
use crate::cmd::table::spec;
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use bytes::Bytes;

pub const SPEC: CommandSpec = spec(
    "sinter",
    -2,
    READONLY,
    (1, -1, 1),
    "set",
    "1.0.0",
    "Intersect multiple sets",
    sinter,
);

fn sinter(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    reply_intersection(ex, args.rest())
}

/// SINTER and SMEMBERS: the intersection of `keys` as a set reply.
pub fn reply_intersection(ex: &mut Exec, keys: &[Bytes]) -> Result<(), CmdError> {
    let (db, now) = (ex.session.db, ex.now);
    let sets = super::lookup_sets(ex.ks, db, now, keys)?;
    let out = &mut ex.out;
    let Some(mut sets) = sets.into_iter().collect::<Option<Vec<_>>>() else {
        out.set(0);
        return Ok(());
    };
    let found = super::intersection(&mut sets, 0);
    super::reply_members(out, found.into_iter());
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::hashes::testutil::texts;
    use crate::cmd::testing::Harness;

    #[test]
    fn intersects() {
        let mut h = Harness::new();
        h.check(&[
            ("SADD a 5 3 1 7", ":4\r\n"),
            ("SADD b 7 1 3 x", ":4\r\n"),
            ("SADD c 3 1 9 7 11", ":5\r\n"),
            ("SINTER a c", "*3\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n7\r\n"),
            (
                "SINTER a a",
                "*4\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n5\r\n$1\r\n7\r\n",
            ),
            ("SINTER a nokey", "*0\r\n"),
            ("SET str x", "+OK\r\n"),
            (
                "SINTER nokey str",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
        ]);
        // a (intset) and b (hashtable) have the same size; the stable sort walks a first.
        assert_eq!(texts(&h.run(&["SINTER", "a", "b"])), ["1", "3", "7"]);
        let mut got = texts(&h.run(&["SINTER", "b", "c"]));
        got.sort();
        assert_eq!(got, ["1", "3", "7"]);
        let mut h = Harness::new().resp3();
        h.check(&[("SINTER a", "~0\r\n")]);
    }
}
