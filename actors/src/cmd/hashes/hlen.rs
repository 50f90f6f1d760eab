//! HLEN key
//!
//! The number of fields in the hash at `key`, 0 when absent.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "hlen",
    2,
    READONLY | FAST,
    KEY1,
    "hash",
    "2.0.0",
    "Get the number of fields in a hash",
    hlen,
);

fn hlen(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let (h, out) = super::read_hash(ex, key)?;
    out.int(h.map_or(0, |h| h.len()) as i64);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn counts_fields() {
        let mut h = Harness::new();
        h.check(&[
            ("HLEN h", ":0\r\n"),
            ("HSET h a 1 b 2", ":2\r\n"),
            ("HLEN h", ":2\r\n"),
            ("SET s x", "+OK\r\n"),
            (
                "HLEN s",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
        ]);
    }
}
