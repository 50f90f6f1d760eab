//! LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]
//!
//! Pops up to `count` (default 1) elements from the first of the keys holding a non-empty list,
//! replying `[key, [elements]]`; a nil array when none does. A key of another type met before
//! that is WRONGTYPE.

use super::{first_nonempty, int_at_least, parse_end, pop_with_key};
use crate::cmd::flags::*;
use crate::cmd::table::{spec, NO_KEYS};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::keyspace::list::End;
use bytes::Bytes;

pub const SPEC: CommandSpec = spec(
    "lmpop",
    -4,
    WRITE,
    NO_KEYS,
    "list",
    "7.0.0",
    "Pop elements from a list",
    run,
);

/// What LMPOP and BLMPOP ask for.
pub struct MPop<'a> {
    pub keys: &'a [Bytes],
    pub end: End,
    pub count: usize,
}

/// Parses `numkeys key [key ...] LEFT|RIGHT [COUNT count]`, with Redis's errors in its order.
pub fn parse_mpop(args: &[Bytes]) -> Result<MPop<'_>, CmdError> {
    let numkeys = int_at_least(&args[0], 1, "ERR numkeys should be greater than 0")?;
    // The keys and the LEFT|RIGHT after them must all be there.
    let Some(end_at) = usize::try_from(numkeys)
        .ok()
        .filter(|n| *n < args.len() - 1)
    else {
        return Err(CmdError::Syntax);
    };
    let end_at = end_at + 1;
    let end = parse_end(&args[end_at])?;
    let mut count = None;
    let mut opts = args[end_at + 1..].iter();
    while let Some(opt) = opts.next() {
        let value = opts.as_slice().first();
        match value {
            Some(v) if count.is_none() && opt.eq_ignore_ascii_case(b"count") => {
                count = Some(int_at_least(v, 1, "ERR count should be greater than 0")? as usize);
                opts.next();
            }
            _ => return Err(CmdError::Syntax),
        }
    }
    Ok(MPop {
        keys: &args[1..end_at],
        end,
        count: count.unwrap_or(1),
    })
}

fn run(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    let p = parse_mpop(args.rest())?;
    match first_nonempty(ex, p.keys.iter().map(|k| &k[..]))? {
        Some(key) => pop_with_key(ex, key, p.end, p.count),
        None => ex.out.null_array(),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn pops_from_the_first_non_empty_key() {
        let mut h = Harness::new();
        h.check(&[
            ("LMPOP 1 k LEFT", "*-1\r\n"),
            ("RPUSH b 1 2 3 4 5", ":5\r\n"),
            ("LMPOP 2 a b LEFT", "*2\r\n$1\r\nb\r\n*1\r\n$1\r\n1\r\n"),
            (
                "LMPOP 2 a b RIGHT COUNT 2",
                "*2\r\n$1\r\nb\r\n*2\r\n$1\r\n5\r\n$1\r\n4\r\n",
            ),
            (
                "LMPOP 2 a b left count 10",
                "*2\r\n$1\r\nb\r\n*2\r\n$1\r\n2\r\n$1\r\n3\r\n",
            ),
            ("EXISTS b", ":0\r\n"),
            (
                "LMPOP 0 a LEFT",
                "-ERR numkeys should be greater than 0\r\n",
            ),
            (
                "LMPOP -1 a LEFT",
                "-ERR numkeys should be greater than 0\r\n",
            ),
            (
                "LMPOP x a LEFT",
                "-ERR numkeys should be greater than 0\r\n",
            ),
            ("LMPOP 2 a LEFT", "-ERR syntax error\r\n"),
            ("LMPOP 1 a UP", "-ERR syntax error\r\n"),
            ("LMPOP 1 a LEFT COUNT", "-ERR syntax error\r\n"),
            (
                "LMPOP 1 a LEFT COUNT 0",
                "-ERR count should be greater than 0\r\n",
            ),
            (
                "LMPOP 1 a LEFT COUNT x",
                "-ERR count should be greater than 0\r\n",
            ),
            ("LMPOP 1 a LEFT COUNT 1 COUNT 1", "-ERR syntax error\r\n"),
            ("LMPOP 1 a LEFT FOO", "-ERR syntax error\r\n"),
            ("LMPOP 9223372036854775807 a LEFT", "-ERR syntax error\r\n"),
            ("SET s v", "+OK\r\n"),
            ("RPUSH l x", ":1\r\n"),
            (
                "LMPOP 2 s l LEFT",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            ("LMPOP 2 l s LEFT", "*2\r\n$1\r\nl\r\n*1\r\n$1\r\nx\r\n"),
            (
                "LMPOP 1 s LEFT",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
        ]);
        let mut h = Harness::new().resp3();
        h.check(&[
            ("LMPOP 1 k LEFT", "_\r\n"),
            ("RPUSH k a b", ":2\r\n"),
            (
                "LMPOP 1 k RIGHT COUNT 5",
                "*2\r\n$1\r\nk\r\n*2\r\n$1\r\nb\r\n$1\r\na\r\n",
            ),
        ]);
    }
}
