//! BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]
//!
//! LMPOP that, when no key has elements, waits up to `timeout` seconds (0: forever) for a push
//! and then answers a nil array. Everything after the timeout is checked before the timeout.

use super::blocking::{self, parse_timeout, ListBlock, ListBlockOp};
use super::lmpop::parse_mpop;
use crate::cmd::flags::*;
use crate::cmd::table::{spec, NO_KEYS};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use bytes::Bytes;

pub const SPEC: CommandSpec = spec(
    "blmpop",
    -5,
    WRITE | BLOCKING,
    NO_KEYS,
    "list",
    "7.0.0",
    "Pop elements from a list, or block until one is available",
    run,
);

/// `timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]`.
pub fn parse(args: &[Bytes]) -> Result<ListBlock, CmdError> {
    if args.len() < 4 {
        return Err(CmdError::Arity("blmpop".into()));
    }
    let p = parse_mpop(&args[1..])?;
    Ok(ListBlock {
        timeout_ms: parse_timeout(&args[0])?,
        keys: p.keys.iter().map(|k| k.to_vec()).collect(),
        op: ListBlockOp::MPop {
            end: p.end,
            count: p.count,
        },
    })
}

fn run(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    let block = parse(args.rest())?;
    blocking::run(ex, block)
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn answers_at_once_when_a_list_has_elements() {
        let mut h = Harness::new();
        h.check(&[
            ("BLMPOP 0.01 1 a LEFT", "*-1\r\n"),
            ("RPUSH b 1 2 3", ":3\r\n"),
            ("BLMPOP 0 2 a b LEFT", "*2\r\n$1\r\nb\r\n*1\r\n$1\r\n1\r\n"),
            (
                "BLMPOP 0 2 a b RIGHT COUNT 5",
                "*2\r\n$1\r\nb\r\n*2\r\n$1\r\n3\r\n$1\r\n2\r\n",
            ),
            ("EXISTS b", ":0\r\n"),
            (
                "BLMPOP x 1 a LEFT",
                "-ERR timeout is not a float or out of range\r\n",
            ),
            ("BLMPOP -1 1 a LEFT", "-ERR timeout is negative\r\n"),
            (
                "BLMPOP x 0 a LEFT",
                "-ERR numkeys should be greater than 0\r\n",
            ),
            ("BLMPOP x 1 a UP", "-ERR syntax error\r\n"),
            (
                "BLMPOP x 1 a LEFT COUNT 0",
                "-ERR count should be greater than 0\r\n",
            ),
            ("BLMPOP x 2 a LEFT", "-ERR syntax error\r\n"),
            ("SET s v", "+OK\r\n"),
            (
                "BLMPOP 0 1 s LEFT",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "BLMPOP 0 1 a",
                "-ERR wrong number of arguments for 'blmpop' command\r\n",
            ),
        ]);
        let mut h = Harness::new().resp3();
        h.check(&[
            ("RPUSH k a", ":1\r\n"),
            ("BLMPOP 0 1 k LEFT", "*2\r\n$1\r\nk\r\n*1\r\n$1\r\na\r\n"),
            ("BLMPOP 0.01 1 k LEFT", "_\r\n"),
        ]);
    }
}
