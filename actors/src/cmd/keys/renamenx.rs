//! RENAMENX key newkey
//!
//! RENAME only when `newkey` does not exist: 1 when renamed, 0 otherwise.

use super::rename::rename_generic;
use crate::cmd::flags::*;
use crate::cmd::table::spec;
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "renamenx",
    3,
    WRITE | FAST,
    (1, 2, 1),
    "generic",
    "1.0.0",
    "Rename a key, only if the new key does not exist",
    renamenx,
);

fn renamenx(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    let done = rename_generic(ex, args, true)?;
    ex.out.int(done as i64);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn renames_only_to_new_names() {
        let mut h = Harness::new();
        h.check(&[
            ("RENAMENX a b", "-ERR no such key\r\n"),
            ("MSET a 1 b 2", "+OK\r\n"),
            ("RENAMENX a b", ":0\r\n"),
            ("RENAMENX a a", ":0\r\n"),
            ("RENAMENX a c", ":1\r\n"),
            ("MGET a b c", "*3\r\n$-1\r\n$1\r\n2\r\n$1\r\n1\r\n"),
            ("SET x v PXAT 1", "+OK\r\n"),
            ("RENAMENX c x", ":1\r\n"),
        ]);
    }
}
