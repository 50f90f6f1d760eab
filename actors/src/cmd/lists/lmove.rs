//! LMOVE source destination LEFT|RIGHT LEFT|RIGHT
//!
//! Pops an element from one end of `source` and pushes it onto one end of `destination`
//! (created when absent; may be `source` itself, rotating it), replying with the element; nil
//! when `source` is absent. A `destination` of another type is WRONGTYPE and moves nothing.

use super::{move_element, parse_end};
use crate::cmd::flags::*;
use crate::cmd::table::spec;
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "lmove",
    5,
    WRITE | DENYOOM,
    (1, 2, 1),
    "list",
    "6.2.0",
    "Pop an element from a list, push it to another list and return it",
    run,
);

fn run(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let src = args.required()?;
    let dst = args.required()?;
    let from = parse_end(args.required()?)?;
    let to = parse_end(args.required()?)?;
    if !move_element(ex, src, dst, from, to, false)? {
        ex.out.null();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn moves_between_any_ends() {
        let mut h = Harness::new();
        h.check(&[
            ("LMOVE s d LEFT RIGHT", "$-1\r\n"),
            ("RPUSH s a b c", ":3\r\n"),
            ("LMOVE s d LEFT RIGHT", "$1\r\na\r\n"),
            ("LMOVE s d RIGHT LEFT", "$1\r\nc\r\n"),
            ("LMOVE s d left left", "$1\r\nb\r\n"),
            ("LRANGE d 0 -1", "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n"),
            ("EXISTS s", ":0\r\n"),
            ("LMOVE d d LEFT RIGHT", "$1\r\nb\r\n"),
            ("LRANGE d 0 -1", "*3\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nb\r\n"),
            ("LMOVE d d RIGHT RIGHT", "$1\r\nb\r\n"),
            ("LRANGE d 0 -1", "*3\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nb\r\n"),
            ("LMOVE d s UP LEFT", "-ERR syntax error\r\n"),
            ("LMOVE d s LEFT UP", "-ERR syntax error\r\n"),
            ("LMOVE x s UP LEFT", "-ERR syntax error\r\n"),
            ("SET str v", "+OK\r\n"),
            (
                "LMOVE d str LEFT LEFT",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            ("LRANGE d 0 -1", "*3\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nb\r\n"),
            (
                "LMOVE str d LEFT LEFT",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            ("LMOVE nosuch str LEFT LEFT", "$-1\r\n"),
        ]);
        let mut h = Harness::new().resp3();
        h.check(&[
            ("LMOVE s d LEFT LEFT", "_\r\n"),
            ("RPUSH s a", ":1\r\n"),
            ("LMOVE s d LEFT LEFT", "$1\r\na\r\n"),
        ]);
        h.ks.notify_flags = u32::MAX;
        let first = h.ks.events.len();
        h.check(&[("LMOVE d e RIGHT LEFT", "$1\r\na\r\n")]);
        let events: Vec<_> = h.ks.events[first..]
            .iter()
            .map(|e| (e.event, String::from_utf8_lossy(&e.key).into_owned()))
            .collect();
        assert_eq!(
            events,
            [
                ("new", "e".into()),
                ("lpush", "e".into()),
                ("rpop", "d".into()),
                ("del", "d".into())
            ]
        );
    }
}
