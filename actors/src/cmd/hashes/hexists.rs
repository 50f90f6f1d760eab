//! HEXISTS key field
//!
//! 1 when the hash at `key` has `field`, 0 otherwise.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "hexists",
    3,
    READONLY | FAST,
    KEY1,
    "hash",
    "2.0.0",
    "Determine if a hash field exists",
    hexists,
);

fn hexists(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let field = args.required()?;
    let (h, out) = super::read_hash(ex, key)?;
    out.int(h.is_some_and(|h| h.contains(field)) as i64);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn tells_whether_fields_exist() {
        let mut h = Harness::new();
        h.check(&[
            ("HEXISTS h a", ":0\r\n"),
            ("HSET h a 1", ":1\r\n"),
            ("HEXISTS h a", ":1\r\n"),
            ("HEXISTS h b", ":0\r\n"),
            ("SET s x", "+OK\r\n"),
            (
                "HEXISTS s a",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
        ]);
    }
}
