//! LPUSH key element [element ...]
//!
//! Inserts each element at the head of the list at `key` in turn (so the last ends up first), creating the list when absent, and replies with the new length.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::keyspace::list::End;

pub const SPEC: CommandSpec = spec(
    "lpush",
    -3,
    WRITE | DENYOOM | FAST,
    KEY1,
    "list",
    "1.0.0",
    "Prepend one or multiple elements to a list",
    run,
);

fn run(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    super::push_generic(ex, args, End::Head, false)
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn pushes_each_element_at_the_head() {
        let mut h = Harness::new();
        h.check(&[
            ("LPUSH k a b c", ":3\r\n"),
            ("LRANGE k 0 -1", "*3\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n"),
            ("LPUSH k d", ":4\r\n"),
            ("LINDEX k 0", "$1\r\nd\r\n"),
            ("TYPE k", "+list\r\n"),
            ("OBJECT ENCODING k", "$9\r\nquicklist\r\n"),
            ("SET s v", "+OK\r\n"),
            (
                "LPUSH s a",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "LPUSH",
                "-ERR wrong number of arguments for 'lpush' command\r\n",
            ),
            (
                "LPUSH k",
                "-ERR wrong number of arguments for 'lpush' command\r\n",
            ),
        ]);
        let mut h = Harness::new().resp3();
        h.check(&[("LPUSH k a", ":1\r\n"), ("LPUSH k b", ":2\r\n")]);
        assert_eq!(h.ks.dirty, 2);
    }
}
