//! BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout
//!
//! LMOVE that, when `source` is absent, waits up to `timeout` seconds (0: forever) for a push
//! onto it, then answers a nil array. The directions are checked before the timeout; only
//! `source`'s type is checked before waiting.

use super::blocking::{self, parse_timeout, ListBlock, ListBlockOp};
use super::parse_end;
use crate::cmd::flags::*;
use crate::cmd::table::spec;
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use bytes::Bytes;

pub const SPEC: CommandSpec = spec(
    "blmove",
    6,
    WRITE | DENYOOM | NOSCRIPT | BLOCKING,
    (1, 2, 1),
    "list",
    "6.2.0",
    "Pop an element from a list, push it to another list and return it; or block until one is available",
    run,
);

/// `source destination LEFT|RIGHT LEFT|RIGHT timeout`.
pub fn parse(args: &[Bytes]) -> Result<ListBlock, CmdError> {
    let [src, dst, from, to, timeout] = args else {
        return Err(CmdError::Arity("blmove".into()));
    };
    let from = parse_end(from)?;
    let to = parse_end(to)?;
    Ok(ListBlock {
        timeout_ms: parse_timeout(timeout)?,
        keys: vec![src.to_vec()],
        op: ListBlockOp::Move {
            dst: dst.to_vec(),
            from,
            to,
        },
    })
}

fn run(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    let block = parse(args.rest())?;
    blocking::run(ex, block)?;
    // Replicas must not block: they get the plain move, sides as the client wrote them.
    let a = args.all();
    if ex.ks.serving_blocked {
        // Served later, Redis writes its own lower-case sides.
        let side = |s: &[u8]| -> &'static [u8] {
            if s.eq_ignore_ascii_case(b"left") {
                b"left"
            } else {
                b"right"
            }
        };
        ex.propagate_as(&[b"LMOVE", &a[1], &a[2], side(&a[3]), side(&a[4])]);
    } else {
        ex.propagate_as(&[b"LMOVE", &a[1], &a[2], &a[3], &a[4]]);
    }
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
            ("BLMOVE s d LEFT RIGHT 0", "$1\r\na\r\n"),
            ("BLMOVE s s RIGHT LEFT 0", "$1\r\nb\r\n"),
            ("LRANGE s 0 -1", "*1\r\n$1\r\nb\r\n"),
            ("BLMOVE s d LEFT LEFT 0", "$1\r\nb\r\n"),
            ("EXISTS s", ":0\r\n"),
            ("LRANGE d 0 -1", "*2\r\n$1\r\nb\r\n$1\r\na\r\n"),
            ("BLMOVE s d LEFT LEFT 0.01", "$-1\r\n"),
            ("BLMOVE s d UP LEFT x", "-ERR syntax error\r\n"),
            (
                "BLMOVE s d LEFT LEFT x",
                "-ERR timeout is not a float or out of range\r\n",
            ),
            ("BLMOVE s d LEFT LEFT -1", "-ERR timeout is negative\r\n"),
            ("SET str v", "+OK\r\n"),
            (
                "BLMOVE str d LEFT LEFT 0",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "BLMOVE d str LEFT LEFT 0",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            ("BLMOVE s str LEFT LEFT 0.01", "$-1\r\n"),
            (
                "BLMOVE s d LEFT LEFT",
                "-ERR wrong number of arguments for 'blmove' command\r\n",
            ),
        ]);
        let mut h = Harness::new().resp3();
        h.check(&[
            ("BLMOVE s d LEFT LEFT 0.01", "_\r\n"),
            ("RPUSH s a", ":1\r\n"),
            ("BLMOVE s d LEFT LEFT 0", "$1\r\na\r\n"),
        ]);
    }
}
