//! HVALS key
//!
//! Every value of the hash at `key` (listpack hashes in insertion order).

use super::hgetall::{list, Parts};
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "hvals",
    2,
    READONLY,
    KEY1,
    "hash",
    "2.0.0",
    "Get all the values in a hash",
    hvals,
);

fn hvals(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    list(ex, args, Parts::Values)
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn lists_values() {
        let mut h = Harness::new().resp3();
        h.check(&[
            ("HVALS h", "*0\r\n"),
            ("HSET h z 1 a 2", ":2\r\n"),
            ("HVALS h", "*2\r\n$1\r\n1\r\n$1\r\n2\r\n"),
        ]);
    }
}
