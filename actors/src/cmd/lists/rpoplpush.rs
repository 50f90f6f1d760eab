//! RPOPLPUSH source destination
//!
//! `LMOVE source destination RIGHT LEFT`.

use super::move_element;
use crate::cmd::flags::*;
use crate::cmd::table::spec;
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::keyspace::list::End;

pub const SPEC: CommandSpec = spec(
    "rpoplpush",
    3,
    WRITE | DENYOOM,
    (1, 2, 1),
    "list",
    "1.2.0",
    "Remove the last element in a list, prepend it to another list and return it",
    run,
);

fn run(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let src = args.required()?;
    let dst = args.required()?;
    if !move_element(ex, src, dst, End::Tail, End::Head, false)? {
        ex.out.null();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn moves_tail_to_head() {
        let mut h = Harness::new();
        h.check(&[
            ("RPOPLPUSH s d", "$-1\r\n"),
            ("RPUSH s a b", ":2\r\n"),
            ("RPOPLPUSH s d", "$1\r\nb\r\n"),
            ("RPOPLPUSH s s", "$1\r\na\r\n"),
            ("LRANGE s 0 -1", "*1\r\n$1\r\na\r\n"),
            ("RPOPLPUSH s d", "$1\r\na\r\n"),
            ("LRANGE d 0 -1", "*2\r\n$1\r\na\r\n$1\r\nb\r\n"),
            ("EXISTS s", ":0\r\n"),
            ("SET str v", "+OK\r\n"),
            (
                "RPOPLPUSH d str",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "RPOPLPUSH str d",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "RPOPLPUSH s",
                "-ERR wrong number of arguments for 'rpoplpush' command\r\n",
            ),
        ]);
    }
}
