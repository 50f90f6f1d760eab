//! BLPOP key [key ...] timeout
//!
//! Pops the head element of the first key holding a non-empty list, replying `[key, element]`.
//! When none has one, waits up to `timeout` seconds (a float; 0 waits forever) for a push, then
//! answers a nil array. The timeout is checked before the keys; a key of another type met
//! before a non-empty list is WRONGTYPE.

use super::blocking::{self, parse_timeout, ListBlock, ListBlockOp};
use crate::cmd::flags::*;
use crate::cmd::table::spec;
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::keyspace::list::End;
use bytes::Bytes;

pub const SPEC: CommandSpec = spec(
    "blpop",
    -3,
    WRITE | NOSCRIPT | BLOCKING,
    (1, -2, 1),
    "list",
    "2.0.0",
    "Remove and get the first element in a list, or block until one is available",
    run,
);

/// BLPOP's and BRPOP's `key [key ...] timeout`.
pub fn parse(args: &[Bytes], end: End, name: &str) -> Result<ListBlock, CmdError> {
    let Some((timeout, keys)) = args.split_last().filter(|(_, k)| !k.is_empty()) else {
        return Err(CmdError::Arity(name.into()));
    };
    Ok(ListBlock {
        timeout_ms: parse_timeout(timeout)?,
        keys: keys.iter().map(|k| k.to_vec()).collect(),
        op: ListBlockOp::Pop(end),
    })
}

fn run(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    let block = parse(args.rest(), End::Head, "blpop")?;
    blocking::run(ex, block)
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn answers_at_once_when_a_list_has_elements() {
        let mut h = Harness::new();
        h.check(&[
            ("RPUSH b 1 2", ":2\r\n"),
            ("RPUSH c 3", ":1\r\n"),
            ("BLPOP a b c 0", "*2\r\n$1\r\nb\r\n$1\r\n1\r\n"),
            ("BLPOP a b c 1.5", "*2\r\n$1\r\nb\r\n$1\r\n2\r\n"),
            ("BLPOP a b c 0", "*2\r\n$1\r\nc\r\n$1\r\n3\r\n"),
            ("EXISTS b", ":0\r\n"),
            ("EXISTS c", ":0\r\n"),
            ("BLPOP a 0.01", "*-1\r\n"),
            (
                "BLPOP a x",
                "-ERR timeout is not a float or out of range\r\n",
            ),
            ("BLPOP a -1", "-ERR timeout is negative\r\n"),
            ("BLPOP a inf", "-ERR timeout is negative\r\n"),
            ("BLPOP a 1e20", "-ERR timeout is negative\r\n"),
            ("SET s v", "+OK\r\n"),
            (
                "BLPOP s 0",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "BLPOP a s 0",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "BLPOP a",
                "-ERR wrong number of arguments for 'blpop' command\r\n",
            ),
        ]);
        let mut h = Harness::new().resp3();
        h.check(&[
            ("RPUSH q v", ":1\r\n"),
            ("BLPOP q 0", "*2\r\n$1\r\nq\r\n$1\r\nv\r\n"),
            ("BLPOP q 0.01", "_\r\n"),
        ]);
    }
}
