//! ZCARD key
//!
//! The number of members, 0 for a missing key.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "zcard",
    2,
    READONLY | FAST,
    KEY1,
    "sorted-set",
    "1.2.0",
    "Get the number of members in a sorted set",
    zcard,
);

fn zcard(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let (db, now) = (ex.session.db, ex.now);
    let n = super::read(ex.ks, db, key, now)?.map_or(0, |z| z.len());
    ex.out.int(n as i64);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn zcard_counts() {
        let mut h = Harness::new();
        h.check(&[
            ("ZCARD z", ":0\r\n"),
            ("ZADD z 1 a 2 b", ":2\r\n"),
            ("ZCARD z", ":2\r\n"),
            ("SET l a", "+OK\r\n"),
            (
                "ZCARD l",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
        ]);
    }
}
