//! TOUCH key [key ...]
//!
//! How many of the given keys exist (a repeated key counts each time), accessing them.

use crate::cmd::flags::*;
use crate::cmd::table::spec;
use crate::cmd::CommandSpec;

pub const SPEC: CommandSpec = spec(
    "touch",
    -2,
    READONLY | FAST,
    (1, -1, 1),
    "generic",
    "3.2.1",
    "Alters the last access time of a key(s). Returns the number of existing keys specified.",
    super::exists::exists,
);

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn counts_existing() {
        let mut h = Harness::new();
        h.check(&[
            ("TOUCH a b", ":0\r\n"),
            ("MSET a 1 b 2", "+OK\r\n"),
            ("TOUCH a b c a", ":3\r\n"),
            (
                "TOUCH",
                "-ERR wrong number of arguments for 'touch' command\r\n",
            ),
        ]);
    }
}
