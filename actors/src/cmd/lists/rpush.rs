//! RPUSH key element [element ...]
//!
//! Appends each element to the tail of the list at `key`, creating the list when absent, and replies with the new length.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::keyspace::list::End;

pub const SPEC: CommandSpec = spec(
    "rpush",
    -3,
    WRITE | DENYOOM | FAST,
    KEY1,
    "list",
    "1.0.0",
    "Append one or multiple elements to a list",
    run,
);

fn run(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    super::push_generic(ex, args, End::Tail, false)
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn appends_each_element_at_the_tail() {
        let mut h = Harness::new();
        h.check(&[
            ("RPUSH k a b c", ":3\r\n"),
            ("LRANGE k 0 -1", "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"),
            ("RPUSH k d", ":4\r\n"),
            ("LINDEX k -1", "$1\r\nd\r\n"),
            ("SET s v", "+OK\r\n"),
            (
                "RPUSH s a",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "RPUSH k",
                "-ERR wrong number of arguments for 'rpush' command\r\n",
            ),
            ("rpush k e", ":5\r\n"),
            ("LLEN k", ":5\r\n"),
        ]);
    }
}
