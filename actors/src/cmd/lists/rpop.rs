//! RPOP key [count]
//!
//! Removes and returns the last element of the list at `key` (nil when absent). With `count`,
//! up to that many elements as an array, last first: an empty array for 0, a nil array when the
//! key is absent; a negative or non-numeric count is refused before the key is looked at.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::keyspace::list::End;

pub const SPEC: CommandSpec = spec(
    "rpop",
    -2,
    WRITE | FAST,
    KEY1,
    "list",
    "1.0.0",
    "Remove and get the last elements in a list",
    run,
);

fn run(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    super::pop_generic(ex, args, End::Tail, "rpop")
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn pops_from_the_tail_with_and_without_count() {
        let mut h = Harness::new();
        h.check(&[
            ("RPOP k", "$-1\r\n"),
            ("RPOP k 1", "*-1\r\n"),
            ("RPUSH k a b c d e", ":5\r\n"),
            ("RPOP k", "$1\r\ne\r\n"),
            ("RPOP k 2", "*2\r\n$1\r\nd\r\n$1\r\nc\r\n"),
            ("RPOP k 0", "*0\r\n"),
            ("RPOP k 9", "*2\r\n$1\r\nb\r\n$1\r\na\r\n"),
            ("EXISTS k", ":0\r\n"),
            (
                "RPOP k -5",
                "-ERR value is out of range, must be positive\r\n",
            ),
            (
                "RPOP k 9223372036854775808",
                "-ERR value is out of range, must be positive\r\n",
            ),
            (
                "RPOP",
                "-ERR wrong number of arguments for 'rpop' command\r\n",
            ),
        ]);
        let mut h = Harness::new().resp3();
        h.check(&[("RPOP k", "_\r\n"), ("RPOP k 1", "_\r\n")]);
    }
}
