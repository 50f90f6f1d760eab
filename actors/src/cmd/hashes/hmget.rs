//! HMGET key field [field ...]
//!
//! The value of each `field`, nil for absent ones; an absent key reads as an empty hash.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "hmget",
    -3,
    READONLY | FAST,
    KEY1,
    "hash",
    "2.0.0",
    "Get the values of all the given hash fields",
    hmget,
);

fn hmget(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let fields = args.rest();
    let (h, out) = super::read_hash(ex, key)?;
    out.array(fields.len());
    for f in fields {
        super::reply_field(out, h.and_then(|h| h.get(f)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn gets_many_fields() {
        let mut h = Harness::new();
        h.check(&[
            ("HMGET h a b", "*2\r\n$-1\r\n$-1\r\n"),
            ("HSET h a 1", ":1\r\n"),
            ("HMGET h b a", "*2\r\n$-1\r\n$1\r\n1\r\n"),
            ("SET s x", "+OK\r\n"),
            (
                "HMGET s a",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "HMGET h",
                "-ERR wrong number of arguments for 'hmget' command\r\n",
            ),
        ]);
        let mut h = Harness::new().resp3();
        h.check(&[("HMGET h a", "*1\r\n_\r\n")]);
    }
}
