//! EXISTS key [key ...]
//!
//! How many of the given keys exist; a key named twice counts twice.

use crate::cmd::flags::*;
use crate::cmd::table::spec;
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "exists",
    -2,
    READONLY | FAST,
    (1, -1, 1),
    "generic",
    "1.0.0",
    "Determine if a key exists",
    exists,
);

/// Counts the live keys among the arguments, repeats included; TOUCH answers the same.
pub fn exists(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    let db = ex.session.db;
    let count = args
        .rest()
        .iter()
        .filter(|k| ex.ks.read(db, k, ex.now).is_some())
        .count();
    ex.out.int(count as i64);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn counts_repeats() {
        let mut h = Harness::new();
        h.check(&[
            ("EXISTS a", ":0\r\n"),
            ("SET a 1", "+OK\r\n"),
            ("EXISTS a a nokey a", ":3\r\n"),
            ("SET e v PXAT 1", "+OK\r\n"),
            ("EXISTS e", ":0\r\n"),
        ]);
        assert_eq!(
            (h.ks.stats.keyspace_hits, h.ks.stats.keyspace_misses),
            (3, 3)
        );
    }
}
