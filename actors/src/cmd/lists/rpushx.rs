//! RPUSHX key element [element ...]
//!
//! RPUSH, but only onto an existing list: 0 and no key created when `key` is absent.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::keyspace::list::End;

pub const SPEC: CommandSpec = spec(
    "rpushx",
    -3,
    WRITE | DENYOOM | FAST,
    KEY1,
    "list",
    "2.2.0",
    "Append an element to a list, only if the list exists",
    run,
);

fn run(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    super::push_generic(ex, args, End::Tail, true)
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn pushes_only_onto_existing_lists() {
        let mut h = Harness::new();
        h.check(&[
            ("RPUSHX k a", ":0\r\n"),
            ("EXISTS k", ":0\r\n"),
            ("RPUSH k x", ":1\r\n"),
            ("RPUSHX k a b", ":3\r\n"),
            ("LRANGE k 0 -1", "*3\r\n$1\r\nx\r\n$1\r\na\r\n$1\r\nb\r\n"),
            ("SET s v", "+OK\r\n"),
            (
                "RPUSHX s a",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "RPUSHX k",
                "-ERR wrong number of arguments for 'rpushx' command\r\n",
            ),
        ]);
    }
}
