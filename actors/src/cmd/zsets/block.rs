//! The blocking pops (BZPOPMIN, BZPOPMAX, BZMPOP): their parsed form and the pop that serves
//! a client, both when the command runs and when a parked client is woken.
//!
//! The command parks through `Exec::block_on` and is simply run again when a key it waits on
//! is written. For a keyspace that would rather serve a woken client directly: build a
//! [`ZBlock`] from the command line with [`ZBlock::from_command`]; when one of its keys is
//! written, call [`serve`], which pops and writes the reply (true) or leaves everything
//! untouched (false: keep waiting).

use super::parse::{long_in, timeout_arg};
use super::pop::{pop_from, Shape};
use crate::cmd::{CmdError, Exec, TimeoutReply};
use crate::keyspace::value::Value;
use bytes::Bytes;

/// Which blocking pop, with what it pops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZBlockOp {
    /// BZPOPMIN / BZPOPMAX: one element, replied as [key, member, score].
    Pop { max: bool },
    /// BZMPOP: up to `count`, replied as [key, [[member, score] ...]].
    MPop { max: bool, count: usize },
}

/// A parsed blocking pop: the keys to wait on, in order, and the wait (ms, 0 = forever).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZBlock {
    pub keys: Vec<Vec<u8>>,
    pub timeout_ms: u64,
    pub op: ZBlockOp,
}

impl ZBlock {
    /// Parses a whole BZPOPMIN, BZPOPMAX or BZMPOP command line (name included, arity already
    /// checked), with Redis's error precedence: BZMPOP checks numkeys, MIN|MAX and COUNT before
    /// the timeout; the others only have the timeout to check.
    pub fn from_command(argv: &[Bytes]) -> Result<ZBlock, CmdError> {
        let name = argv[0].to_ascii_lowercase();
        if name == b"bzmpop" {
            let (keys, max, count) = parse_mpop(&argv[2..])?;
            let timeout_ms = timeout_arg(&argv[1])?;
            return Ok(ZBlock {
                keys,
                timeout_ms,
                op: ZBlockOp::MPop { max, count },
            });
        }
        let (last, keys) = argv[1..].split_last().ok_or(CmdError::Syntax)?;
        Ok(ZBlock {
            timeout_ms: timeout_arg(last)?,
            keys: keys.iter().map(|k| k.to_vec()).collect(),
            op: ZBlockOp::Pop {
                max: name == b"bzpopmax",
            },
        })
    }
}

/// Parses `numkeys key [key ...] MIN|MAX [COUNT count]` (ZMPOP and BZMPOP after the timeout).
pub fn parse_mpop(args: &[Bytes]) -> Result<(Vec<Vec<u8>>, bool, usize), CmdError> {
    let numkeys = long_in(&args[0], 1, i64::MAX, "numkeys should be greater than 0")? as u64;
    let rest = &args[1..];
    if numkeys >= rest.len() as u64 {
        return Err(CmdError::Syntax);
    }
    let (keys, opts) = rest.split_at(numkeys as usize);
    let max = if opts[0].eq_ignore_ascii_case(b"MAX") {
        true
    } else if opts[0].eq_ignore_ascii_case(b"MIN") {
        false
    } else {
        return Err(CmdError::Syntax);
    };
    let mut count = None;
    let mut i = 1;
    while i < opts.len() {
        let more = i + 1 < opts.len();
        if count.is_none() && opts[i].eq_ignore_ascii_case(b"COUNT") && more {
            count = Some(long_in(
                &opts[i + 1],
                1,
                i64::MAX,
                "count should be greater than 0",
            )?);
            i += 2;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    let keys = keys.iter().map(|k| k.to_vec()).collect();
    Ok((keys, max, count.unwrap_or(1) as usize))
}

/// Serves a blocked client from `key` if it holds a sorted set: pops, writes the reply in the
/// blocking shape, and returns true. Returns false (nothing written) otherwise.
pub fn serve(ex: &mut Exec, block: &ZBlock, key: &[u8]) -> bool {
    let (db, now) = (ex.session.db, ex.now);
    match ex.ks.write(db, key, now).map(|e| &e.value) {
        Some(Value::ZSet(z)) if !z.is_empty() => {}
        _ => return false,
    }
    let (max, count, nested) = match block.op {
        ZBlockOp::Pop { max } => (max, 1, false),
        ZBlockOp::MPop { max, count } => (max, count, true),
    };
    let shape = Shape {
        emit_key: true,
        nested,
        nil_when_empty: nested,
    };
    let len = match ex.ks.dbs[db].get(key).map(|e| &e.value) {
        Some(Value::ZSet(z)) => z.len(),
        _ => 0,
    };
    pop_from(ex, key, max, count, shape);
    // Replicas get the plain pop: BZMPOP with the count asked for, or, when a waiting client
    // is served later, the count it got, as Redis 7.0 writes them.
    let name: &[u8] = if max { b"ZPOPMAX" } else { b"ZPOPMIN" };
    if nested {
        let n = if ex.ks.serving_blocked {
            count.min(len)
        } else {
            count
        };
        let n = n.to_string();
        ex.propagate_as(&[name, key, n.as_bytes()]);
    } else {
        ex.propagate_as(&[name, key]);
    }
    true
}

/// The command itself: answer at once from the first key holding a sorted set (a key of
/// another type is an error), or wait.
pub fn run(ex: &mut Exec, argv: &[Bytes]) -> Result<(), CmdError> {
    let block = ZBlock::from_command(argv)?;
    let (db, now) = (ex.session.db, ex.now);
    for key in &block.keys {
        if super::write(ex.ks, db, key, now)?.is_some() {
            serve(ex, &block, key);
            return Ok(());
        }
    }
    // BLOCK: parked on the keys; a write to one of them runs the command again. Inside MULTI
    // the wait times out at once: the null array, as Redis answers a denied block.
    ex.block_on(block.keys, block.timeout_ms, TimeoutReply::NullArray);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd::testing::Harness;

    fn argv(line: &str) -> Vec<Bytes> {
        line.split(' ')
            .map(|s| Bytes::copy_from_slice(s.as_bytes()))
            .collect()
    }

    #[test]
    fn parses_blocking_command_lines() {
        let b = ZBlock::from_command(&argv("BZPOPMAX a b 1.5")).unwrap();
        assert_eq!(b.keys, vec![b"a".to_vec(), b"b".to_vec()]);
        assert_eq!((b.timeout_ms, b.op), (1500, ZBlockOp::Pop { max: true }));
        let b = ZBlock::from_command(&argv("bzmpop 0 2 a b MIN COUNT 3")).unwrap();
        assert_eq!(
            b.op,
            ZBlockOp::MPop {
                max: false,
                count: 3
            }
        );
        assert_eq!(b.timeout_ms, 0);
        let err = |l: &str| ZBlock::from_command(&argv(l)).unwrap_err().to_string();
        assert_eq!(
            err("BZMPOP x 1 a MIN"),
            "ERR timeout is not a float or out of range"
        );
        assert_eq!(
            err("BZMPOP x 0 a MIN"),
            "ERR numkeys should be greater than 0"
        );
        assert_eq!(err("BZMPOP -1 1 a MIN"), "ERR timeout is negative");
        assert_eq!(
            err("BZMPOP 0 1 a MIN COUNT 0"),
            "ERR count should be greater than 0"
        );
        assert_eq!(err("BZPOPMIN a -1"), "ERR timeout is negative");
    }

    #[test]
    fn immediate_pops_use_the_blocking_shapes() {
        let mut h = Harness::new();
        h.check(&[
            ("ZADD z 1 a 2 b 3 c", ":3\r\n"),
            ("SET s v", "+OK\r\n"),
            ("BZPOPMIN x z 0", "*3\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\n1\r\n"),
            ("BZPOPMAX z 0", "*3\r\n$1\r\nz\r\n$1\r\nc\r\n$1\r\n3\r\n"),
            (
                "BZPOPMIN x s z 0",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            ("BZPOPMIN x 0.01", "*-1\r\n"),
            ("BZPOPMIN x -1", "-ERR timeout is negative\r\n"),
            (
                "BZMPOP 0 2 x z MAX COUNT 5",
                "*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n",
            ),
            ("EXISTS z", ":0\r\n"),
            ("BZMPOP 0.01 1 z MIN", "*-1\r\n"),
            ("BZMPOP 0 1 z LEFT", "-ERR syntax error\r\n"),
        ]);
        let mut h = Harness::new().resp3();
        h.check(&[
            ("ZADD z 1 a", ":1\r\n"),
            ("BZPOPMIN z 0", "*3\r\n$1\r\nz\r\n$1\r\na\r\n,1\r\n"),
            ("BZPOPMIN z 0.01", "_\r\n"),
        ]);
    }
}
