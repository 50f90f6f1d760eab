//! LINDEX key index
//!
//! The element at `index` (negative counts from the tail); nil when out of range or when the
//! key is absent. The key is looked up before the index is parsed, so an absent key answers nil
//! whatever the index.

use super::read_list;
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "lindex",
    3,
    READONLY,
    KEY1,
    "list",
    "1.0.0",
    "Get an element from a list by its index",
    run,
);

fn run(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let Some(list) = read_list(ex.ks, ex.session.db, key, ex.now)? else {
        ex.out.null();
        return Ok(());
    };
    let index = args.i64()?;
    match list.get(index) {
        Some(e) => ex.out.bulk(e),
        None => ex.out.null(),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn indexes_from_both_ends() {
        let mut h = Harness::new();
        h.check(&[
            ("LINDEX k 0", "$-1\r\n"),
            ("LINDEX k x", "$-1\r\n"),
            ("RPUSH k a b c", ":3\r\n"),
            ("LINDEX k 0", "$1\r\na\r\n"),
            ("LINDEX k -1", "$1\r\nc\r\n"),
            ("LINDEX k 3", "$-1\r\n"),
            ("LINDEX k -4", "$-1\r\n"),
            ("LINDEX k -9223372036854775808", "$-1\r\n"),
            (
                "LINDEX k x",
                "-ERR value is not an integer or out of range\r\n",
            ),
            ("SET s v", "+OK\r\n"),
            (
                "LINDEX s 0",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "LINDEX s x",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
        ]);
        let mut h = Harness::new().resp3();
        h.check(&[
            ("LINDEX k 0", "_\r\n"),
            ("RPUSH k a", ":1\r\n"),
            ("LINDEX k 1", "_\r\n"),
        ]);
    }
}
