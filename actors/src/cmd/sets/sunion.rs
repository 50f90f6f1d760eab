//! SUNION key [key ...]
//!
//! The members of any of the given sets; absent keys are empty sets. An all-integer result
//! small enough for an intset comes out in ascending order, as in Redis.

use super::SetOp;
use crate::cmd::flags::*;
use crate::cmd::table::spec;
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "sunion",
    -2,
    READONLY,
    (1, -1, 1),
    "set",
    "1.0.0",
    "Add multiple sets",
    sunion,
);

fn sunion(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    reply_union_diff(ex, args, SetOp::Union)
}

/// SUNION and SDIFF: the result set, built as Redis builds it, as a set reply.
pub fn reply_union_diff(ex: &mut Exec, args: Args, op: SetOp) -> Result<(), CmdError> {
    let max = super::max_intset(ex);
    let (db, now) = (ex.session.db, ex.now);
    let sets = super::lookup_sets(ex.ks, db, now, args.rest())?;
    let result = super::union_diff(&sets, op, max);
    super::reply_members(&mut ex.out, result.iter());
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::hashes::testutil::texts;
    use crate::cmd::testing::Harness;

    #[test]
    fn unites() {
        let mut h = Harness::new();
        h.check(&[
            ("SUNION nokey", "*0\r\n"),
            ("SADD a 5 3", ":2\r\n"),
            ("SADD b 4 x", ":2\r\n"),
            ("SREM b x", ":1\r\n"),
            (
                "SUNION a nokey b",
                "*3\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n",
            ),
            ("SET str x", "+OK\r\n"),
            (
                "SUNION a str",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
        ]);
        let mut got = texts(&h.run(&["SUNION", "a", "b", "c"]));
        got.sort();
        assert_eq!(got, ["3", "4", "5"]);
        h.run(&["SADD", "b", "y"]);
        let mut got = texts(&h.run(&["SUNION", "a", "b"]));
        got.sort();
        assert_eq!(got, ["3", "4", "5", "y"]);
        let mut h = Harness::new().resp3();
        h.check(&[("SUNION a", "~0\r\n")]);
    }
}
