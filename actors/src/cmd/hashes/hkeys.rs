//! HKEYS key
//!
//! Every field of the hash at `key` (listpack hashes in insertion order).

use super::hgetall::{list, Parts};
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "hkeys",
    2,
    READONLY,
    KEY1,
    "hash",
    "2.0.0",
    "Get all the fields in a hash",
    hkeys,
);

fn hkeys(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    list(ex, args, Parts::Fields)
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn lists_fields() {
        let mut h = Harness::new().resp3();
        h.check(&[
            ("HKEYS h", "*0\r\n"),
            ("HSET h z 1 a 2", ":2\r\n"),
            ("HKEYS h", "*2\r\n$1\r\nz\r\n$1\r\na\r\n"),
        ]);
    }
}
