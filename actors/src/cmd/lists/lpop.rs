//! LPOP key [count]
//!
//! Removes and returns the first element of the list at `key` (nil when absent). With `count`,
//! up to that many elements as an array, first first: an empty array for 0, a nil array when the
//! key is absent; a negative or non-numeric count is refused before the key is looked at.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::keyspace::list::End;

pub const SPEC: CommandSpec = spec(
    "lpop",
    -2,
    WRITE | FAST,
    KEY1,
    "list",
    "1.0.0",
    "Remove and get the first elements in a list",
    run,
);

fn run(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    super::pop_generic(ex, args, End::Head, "lpop")
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn pops_from_the_head_with_and_without_count() {
        let mut h = Harness::new();
        h.check(&[
            ("LPOP k", "$-1\r\n"),
            ("LPOP k 2", "*-1\r\n"),
            ("LPOP k 0", "*-1\r\n"),
            (
                "LPOP k -1",
                "-ERR value is out of range, must be positive\r\n",
            ),
            (
                "LPOP k x",
                "-ERR value is out of range, must be positive\r\n",
            ),
            ("RPUSH k a b c d e", ":5\r\n"),
            ("LPOP k", "$1\r\na\r\n"),
            ("LPOP k 0", "*0\r\n"),
            ("LPOP k 2", "*2\r\n$1\r\nb\r\n$1\r\nc\r\n"),
            ("LPOP k 9", "*2\r\n$1\r\nd\r\n$1\r\ne\r\n"),
            ("EXISTS k", ":0\r\n"),
            ("SET s v", "+OK\r\n"),
            (
                "LPOP s",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "LPOP s 0",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "LPOP s x",
                "-ERR value is out of range, must be positive\r\n",
            ),
            (
                "LPOP k 1 2",
                "-ERR wrong number of arguments for 'lpop' command\r\n",
            ),
            (
                "LPOP",
                "-ERR wrong number of arguments for 'lpop' command\r\n",
            ),
        ]);
        let mut h = Harness::new().resp3();
        h.check(&[
            ("LPOP k", "_\r\n"),
            ("LPOP k 2", "_\r\n"),
            ("RPUSH k a", ":1\r\n"),
            ("LPOP k 0", "*0\r\n"),
            ("LPOP k 5", "*1\r\n$1\r\na\r\n"),
        ]);
        h.ks.notify_flags = u32::MAX;
        h.check(&[("RPUSH k a b", ":2\r\n"), ("LPOP k 0", "*0\r\n")]);
        let first = h.ks.events.len();
        h.check(&[("LPOP k 2", "*2\r\n$1\r\na\r\n$1\r\nb\r\n")]);
        let events: Vec<_> = h.ks.events[first..].iter().map(|e| e.event).collect();
        assert_eq!(events, ["lpop", "del"]);
    }
}
