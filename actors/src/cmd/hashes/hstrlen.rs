//! HSTRLEN key field
//!
//! The length of the value of `field`, 0 when the key or field is absent.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "hstrlen",
    3,
    READONLY | FAST,
    KEY1,
    "hash",
    "3.2.0",
    "Get the length of the value of a hash field",
    hstrlen,
);

fn hstrlen(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let field = args.required()?;
    let (h, out) = super::read_hash(ex, key)?;
    out.int(h.and_then(|h| h.get(field)).map_or(0, |v| v.len()) as i64);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn measures_values() {
        let mut h = Harness::new();
        h.check(&[
            ("HSTRLEN h a", ":0\r\n"),
            ("HSET h a hello n -123", ":2\r\n"),
            ("HSTRLEN h a", ":5\r\n"),
            ("HSTRLEN h n", ":4\r\n"),
            ("HSTRLEN h b", ":0\r\n"),
            ("SET s x", "+OK\r\n"),
            (
                "HSTRLEN s a",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
        ]);
    }
}
