//! SDIFF key [key ...]
//!
//! The members of the first set that are in none of the others; absent keys are empty sets.

use super::SetOp;
use crate::cmd::flags::*;
use crate::cmd::table::spec;
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "sdiff",
    -2,
    READONLY,
    (1, -1, 1),
    "set",
    "1.0.0",
    "Subtract multiple sets",
    sdiff,
);

fn sdiff(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    super::sunion::reply_union_diff(ex, args, SetOp::Diff)
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn subtracts() {
        let mut h = Harness::new();
        h.check(&[
            ("SDIFF nokey a", "*0\r\n"),
            ("SADD a 5 3 1 x", ":4\r\n"),
            ("SADD b 3 x", ":2\r\n"),
            ("SDIFF a b", "*2\r\n$1\r\n1\r\n$1\r\n5\r\n"),
            ("SDIFF a nokey b", "*2\r\n$1\r\n1\r\n$1\r\n5\r\n"),
            ("SDIFF a b a", "*0\r\n"),
            ("SET str x", "+OK\r\n"),
            (
                "SDIFF nokey str",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
        ]);
    }
}
