//! HSETNX key field value
//!
//! Sets `field` only when the hash at `key` does not have it yet: 1 when set, 0 otherwise.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::notify;

pub const SPEC: CommandSpec = spec(
    "hsetnx",
    4,
    WRITE | DENYOOM | FAST,
    KEY1,
    "hash",
    "2.0.0",
    "Set the value of a hash field, only if the field does not exist",
    hsetnx,
);

fn hsetnx(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let field = args.required()?;
    let value = args.required()?;
    let limits = super::limits(ex);
    let h = super::hash_or_create(ex, key)?;
    if h.contains(field) {
        ex.out.int(0);
        return Ok(());
    }
    h.set(field, value.to_vec(), limits);
    ex.out.int(1);
    ex.changed(notify::HASH, "hset", key);
    ex.ks.dirty += 1;
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::hashes::testutil::{events, with_events};
    use crate::cmd::testing::Harness;

    #[test]
    fn sets_only_new_fields() {
        let mut h = with_events(Harness::new());
        h.check(&[
            ("HSETNX h a 1", ":1\r\n"),
            ("HSETNX h a 2", ":0\r\n"),
            ("HGET h a", "$1\r\n1\r\n"),
            ("SET s x", "+OK\r\n"),
            (
                "HSETNX s a 1",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "HSETNX h a",
                "-ERR wrong number of arguments for 'hsetnx' command\r\n",
            ),
        ]);
        assert_eq!(h.ks.dirty, 2);
        assert_eq!(events(&h), ["new", "hset", "new", "set"]);
    }
}
