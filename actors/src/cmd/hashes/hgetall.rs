//! HGETALL key
//!
//! Every field and value of the hash at `key`: a map in RESP3, a flat array in RESP2. A
//! listpack hash lists them in insertion order, as Redis does.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "hgetall",
    2,
    READONLY,
    KEY1,
    "hash",
    "2.0.0",
    "Get all the fields and values in a hash",
    hgetall,
);

/// Which parts of each pair HGETALL, HKEYS and HVALS list.
#[derive(Clone, Copy, PartialEq)]
pub enum Parts {
    Both,
    Fields,
    Values,
}

fn hgetall(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    list(ex, args, Parts::Both)
}

pub fn list(ex: &mut Exec, mut args: Args, parts: Parts) -> Result<(), CmdError> {
    let key = args.required()?;
    let (h, out) = super::read_hash(ex, key)?;
    let len = h.map_or(0, |h| h.len());
    if parts == Parts::Both {
        out.map(len);
    } else {
        out.array(len);
    }
    for (f, v) in h.into_iter().flat_map(|h| h.iter()) {
        if parts != Parts::Values {
            out.bulk(f);
        }
        if parts != Parts::Fields {
            out.bulk(v);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn lists_pairs_in_insertion_order() {
        let mut h = Harness::new();
        h.check(&[
            ("HGETALL h", "*0\r\n"),
            ("HSET h z 1 a 2", ":2\r\n"),
            (
                "HGETALL h",
                "*4\r\n$1\r\nz\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n2\r\n",
            ),
            ("SET s x", "+OK\r\n"),
            (
                "HGETALL s",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
        ]);
        let mut h = Harness::new().resp3();
        h.check(&[
            ("HGETALL h", "%0\r\n"),
            ("HSET h z 1 a 2", ":2\r\n"),
            (
                "HGETALL h",
                "%2\r\n$1\r\nz\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n2\r\n",
            ),
        ]);
    }
}
