//! BRPOPLPUSH source destination timeout
//!
//! `BLMOVE source destination RIGHT LEFT timeout`.

use super::blocking::{self, parse_timeout, ListBlock, ListBlockOp};
use crate::cmd::flags::*;
use crate::cmd::table::spec;
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::keyspace::list::End;
use bytes::Bytes;

pub const SPEC: CommandSpec = spec(
    "brpoplpush",
    4,
    WRITE | DENYOOM | NOSCRIPT | BLOCKING,
    (1, 2, 1),
    "list",
    "2.2.0",
    "Pop an element from a list, push it to another list and return it; or block until one is available",
    run,
);

/// `source destination timeout`.
pub fn parse(args: &[Bytes]) -> Result<ListBlock, CmdError> {
    let [src, dst, timeout] = args else {
        return Err(CmdError::Arity("brpoplpush".into()));
    };
    Ok(ListBlock {
        timeout_ms: parse_timeout(timeout)?,
        keys: vec![src.to_vec()],
        op: ListBlockOp::Move {
            dst: dst.to_vec(),
            from: End::Tail,
            to: End::Head,
        },
    })
}

fn run(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    let block = parse(args.rest())?;
    blocking::run(ex, block)?;
    let a = args.all();
    ex.propagate_as(&[b"RPOPLPUSH", &a[1], &a[2]]);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn answers_at_once_when_the_source_has_elements() {
        // The harness refuses blocking, as MULTI does: there, with nothing to move, Redis
        // answers the nil bulk string (a timeout would answer the nil array).
        let mut h = Harness::new();
        h.check(&[
            ("RPUSH s a b", ":2\r\n"),
            ("BRPOPLPUSH s d 0", "$1\r\nb\r\n"),
            ("BRPOPLPUSH s s 0", "$1\r\na\r\n"),
            ("BRPOPLPUSH s d 0", "$1\r\na\r\n"),
            ("LRANGE d 0 -1", "*2\r\n$1\r\na\r\n$1\r\nb\r\n"),
            ("EXISTS s", ":0\r\n"),
            ("BRPOPLPUSH s d 0.01", "$-1\r\n"),
            (
                "BRPOPLPUSH s d x",
                "-ERR timeout is not a float or out of range\r\n",
            ),
            ("BRPOPLPUSH s d -1", "-ERR timeout is negative\r\n"),
            ("SET str v", "+OK\r\n"),
            (
                "BRPOPLPUSH str d 0",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "BRPOPLPUSH d str 0",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "BRPOPLPUSH s d",
                "-ERR wrong number of arguments for 'brpoplpush' command\r\n",
            ),
        ]);
    }
}
