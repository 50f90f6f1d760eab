//! SMEMBERS key
//!
//! Every member of the set at `key` (an intset in ascending order), as a RESP3 set.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "smembers",
    2,
    READONLY,
    KEY1,
    "set",
    "1.0.0",
    "Get all the members in a set",
    smembers,
);

/// Redis serves SMEMBERS with SINTER of one key, and so do we.
fn smembers(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    super::sinter::reply_intersection(ex, args.rest())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn lists_members() {
        let mut h = Harness::new();
        h.check(&[
            ("SMEMBERS s", "*0\r\n"),
            ("SADD s 10 -1 3", ":3\r\n"),
            ("SMEMBERS s", "*3\r\n$2\r\n-1\r\n$1\r\n3\r\n$2\r\n10\r\n"),
            ("SET str x", "+OK\r\n"),
            (
                "SMEMBERS str",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
        ]);
        let mut h = Harness::new().resp3();
        h.check(&[
            ("SMEMBERS s", "~0\r\n"),
            ("SADD s 2 1", ":2\r\n"),
            ("SMEMBERS s", "~2\r\n$1\r\n1\r\n$1\r\n2\r\n"),
        ]);
    }
}
