//! MSETNX key value [key value ...]
//!
//! Stores every pair only if none of the keys exists: 1 when it stored (with MSET's events),
//! 0 otherwise.

use super::mset::store_pairs;
use crate::cmd::flags::*;
use crate::cmd::table::spec;
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "msetnx",
    -3,
    WRITE | DENYOOM,
    (1, -1, 2),
    "string",
    "1.0.1",
    "Set multiple keys to multiple values, only if none of the keys exist",
    msetnx,
);

fn msetnx(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    let pairs = args.rest();
    if !pairs.len().is_multiple_of(2) {
        return Err(CmdError::Arity("msetnx".into()));
    }
    let db = ex.session.db;
    for pair in pairs.chunks_exact(2) {
        if ex.ks.exists(db, &pair[0], ex.now) {
            ex.out.int(0);
            return Ok(());
        }
    }
    store_pairs(ex, pairs);
    ex.out.int(1);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn all_or_nothing() {
        let mut h = Harness::new();
        h.check(&[
            (
                "MSETNX a 1 b",
                "-ERR wrong number of arguments for 'msetnx' command\r\n",
            ),
            ("MSETNX a 1 b 2", ":1\r\n"),
            ("MSETNX c 3 a 9", ":0\r\n"),
            ("EXISTS c", ":0\r\n"),
            ("MGET a b", "*2\r\n$1\r\n1\r\n$1\r\n2\r\n"),
            ("SET e v PXAT 1", "+OK\r\n"),
            ("MSETNX e 1 f 2", ":1\r\n"),
            ("MSETNX x 1 x 2", ":1\r\n"),
            ("GET x", "$1\r\n2\r\n"),
        ]);
    }

    #[test]
    fn events_only_when_stored() {
        use crate::cmd::strings::{events, notifying, NONE};
        let mut h = notifying();
        assert_eq!(
            events(&mut h, "MSETNX a 1 b 2"),
            ["new 0 a", "set 0 a", "new 0 b", "set 0 b"]
        );
        assert_eq!(events(&mut h, "MSETNX c 1 a 2"), NONE);
    }
}
