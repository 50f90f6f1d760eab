//! SINTERCARD numkeys key [key ...] [LIMIT limit]
//!
//! The size of the intersection of the `numkeys` given sets, counting no further than `limit`
//! when it is not 0.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, NO_KEYS};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::keyspace::value::parse_i64_strict;

pub const SPEC: CommandSpec = spec(
    "sintercard",
    -3,
    READONLY,
    // The keys' position depends on `numkeys`, which COMMAND reports as no fixed keys.
    NO_KEYS,
    "set",
    "7.0.0",
    "Intersect multiple sets and return the cardinality of the result",
    sintercard,
);

fn sintercard(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let numkeys = parse_i64_strict(args.required()?)
        .filter(|&n| n >= 1)
        .ok_or_else(|| CmdError::other("ERR numkeys should be greater than 0"))?;
    if numkeys as u64 > args.remaining() as u64 {
        return Err(CmdError::other(
            "ERR Number of keys can't be greater than number of args",
        ));
    }
    let keys = &args.rest()[..numkeys as usize];
    for _ in 0..numkeys {
        args.next();
    }
    let mut limit = 0;
    while let Some(opt) = args.next() {
        if opt.eq_ignore_ascii_case(b"LIMIT") && !args.is_empty() {
            limit = parse_i64_strict(args.required()?)
                .filter(|&n| n >= 0)
                .ok_or_else(|| CmdError::other("ERR LIMIT can't be negative"))?;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    let (db, now) = (ex.session.db, ex.now);
    let sets = super::lookup_sets(ex.ks, db, now, keys)?;
    let n = match sets.into_iter().collect::<Option<Vec<_>>>() {
        None => 0,
        Some(mut sets) => {
            super::intersection(&mut sets, usize::try_from(limit).unwrap_or(usize::MAX)).len()
        }
    };
    ex.out.int(n as i64);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn counts_the_intersection() {
        let mut h = Harness::new();
        h.check(&[
            ("SADD a 1 2 3 4", ":4\r\n"),
            ("SADD b 2 3 4 x", ":4\r\n"),
            ("SINTERCARD 2 a b", ":3\r\n"),
            ("SINTERCARD 2 a b LIMIT 2", ":2\r\n"),
            ("SINTERCARD 2 a b limit 0", ":3\r\n"),
            ("SINTERCARD 1 a LIMIT 10", ":4\r\n"),
            ("SINTERCARD 2 a nokey", ":0\r\n"),
            (
                "SINTERCARD 0 a",
                "-ERR numkeys should be greater than 0\r\n",
            ),
            (
                "SINTERCARD x a",
                "-ERR numkeys should be greater than 0\r\n",
            ),
            (
                "SINTERCARD 3 a b",
                "-ERR Number of keys can't be greater than number of args\r\n",
            ),
            (
                "SINTERCARD 2 a b LIMIT -1",
                "-ERR LIMIT can't be negative\r\n",
            ),
            (
                "SINTERCARD 2 a b LIMIT x",
                "-ERR LIMIT can't be negative\r\n",
            ),
            ("SINTERCARD 2 a b LIMIT", "-ERR syntax error\r\n"),
            ("SINTERCARD 2 a b FOO 1", "-ERR syntax error\r\n"),
            ("SET str x", "+OK\r\n"),
            (
                "SINTERCARD 2 a str",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "SINTERCARD 1",
                "-ERR wrong number of arguments for 'sintercard' command\r\n",
            ),
        ]);
    }
}
