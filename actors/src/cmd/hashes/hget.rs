//! HGET key field
//!
//! The value of `field` in the hash at `key`, nil when either is absent.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "hget",
    3,
    READONLY | FAST,
    KEY1,
    "hash",
    "2.0.0",
    "Get the value of a hash field",
    hget,
);

fn hget(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let field = args.required()?;
    let (h, out) = super::read_hash(ex, key)?;
    super::reply_field(out, h.and_then(|h| h.get(field)));
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn gets_fields() {
        let mut h = Harness::new();
        h.check(&[
            ("HGET h a", "$-1\r\n"),
            ("HSET h a 1", ":1\r\n"),
            ("HGET h a", "$1\r\n1\r\n"),
            ("HGET h b", "$-1\r\n"),
            ("SET s x", "+OK\r\n"),
            (
                "HGET s a",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
        ]);
        let mut h = Harness::new().resp3();
        h.check(&[("HGET h a", "_\r\n")]);
    }
}
