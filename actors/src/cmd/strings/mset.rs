//! MSET key value [key value ...]
//!
//! Stores every pair, dropping any time to live the keys had.

use crate::cmd::flags::*;
use crate::cmd::table::spec;
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::keyspace::value::Value;

pub const SPEC: CommandSpec = spec(
    "mset",
    -3,
    WRITE | DENYOOM,
    (1, -1, 2),
    "string",
    "1.0.1",
    "Set multiple keys to multiple values",
    mset,
);

/// Stores every pair of `pairs`, as MSET and MSETNX do once they decided to.
pub fn store_pairs(ex: &mut Exec, pairs: &[bytes::Bytes]) {
    let db = ex.session.db;
    let d = ex.ks.db(db);
    for pair in pairs.chunks_exact(2) {
        d.insert(&pair[0], Value::str(&pair[1]), 0);
    }
    ex.ks.dirty += (pairs.len() / 2) as u64;
}

fn mset(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    let pairs = args.rest();
    if !pairs.len().is_multiple_of(2) {
        return Err(CmdError::Arity("mset".into()));
    }
    store_pairs(ex, pairs);
    ex.out.ok();
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn stores_pairs_and_checks_arity() {
        let mut h = Harness::new();
        h.check(&[
            (
                "MSET a",
                "-ERR wrong number of arguments for 'mset' command\r\n",
            ),
            (
                "MSET a 1 b",
                "-ERR wrong number of arguments for 'mset' command\r\n",
            ),
            ("SETEX a 100 x", "+OK\r\n"),
            ("MSET a 1 b 2 a 3", "+OK\r\n"),
            ("MGET a b", "*2\r\n$1\r\n3\r\n$1\r\n2\r\n"),
            ("TTL a", ":-1\r\n"),
        ]);
        assert_eq!(h.ks.dirty, 4);
    }
}
