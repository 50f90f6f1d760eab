//! SUNIONSTORE destination key [key ...]
//!
//! Stores the union of the given sets at `destination` (deleting it when the result is empty)
//! and replies with its size.

use super::SetOp;
use crate::cmd::flags::*;
use crate::cmd::table::spec;
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "sunionstore",
    -3,
    WRITE | DENYOOM,
    (1, -1, 1),
    "set",
    "1.0.0",
    "Add multiple sets and store the resulting set in a key",
    sunionstore,
);

fn sunionstore(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    store_union_diff(ex, args, SetOp::Union)
}

/// SUNIONSTORE and SDIFFSTORE.
pub fn store_union_diff(ex: &mut Exec, mut args: Args, op: SetOp) -> Result<(), CmdError> {
    let dst = args.required()?;
    let max = super::max_intset(ex);
    let (db, now) = (ex.session.db, ex.now);
    let sets = super::lookup_sets(ex.ks, db, now, args.rest())?;
    let result = super::union_diff(&sets, op, max);
    let event = match op {
        SetOp::Union => "sunionstore",
        SetOp::Diff => "sdiffstore",
    };
    super::store(ex, dst, result, event);
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
            ("SADD a 1 x", ":2\r\n"),
            ("SADD b 2", ":1\r\n"),
            ("SUNIONSTORE d a b", ":3\r\n"),
            ("OBJECT ENCODING d", "$9\r\nhashtable\r\n"),
            ("SUNIONSTORE d b", ":1\r\n"),
            ("OBJECT ENCODING d", "$6\r\nintset\r\n"),
            ("SUNIONSTORE d nokey", ":0\r\n"),
            ("EXISTS d", ":0\r\n"),
            ("SUNIONSTORE a a b", ":3\r\n"),
            ("SET str x", "+OK\r\n"),
            (
                "SUNIONSTORE d a str",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "SUNIONSTORE d",
                "-ERR wrong number of arguments for 'sunionstore' command\r\n",
            ),
        ]);
        assert_eq!(
            events(&h),
            [
                "new",
                "sadd",
                "new",
                "sadd",
                "new",
                "sunionstore",
                "sunionstore",
                "keymiss",
                "del",
                "keymiss",
                "sunionstore",
                "new",
                "set"
            ]
        );
        assert_eq!(h.ks.dirty, 2 + 1 + 1 + 1 + 1 + 1 + 1);
    }
}
