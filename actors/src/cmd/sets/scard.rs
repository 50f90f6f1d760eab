//! SCARD key
//!
//! The number of members of the set at `key`, 0 when absent.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "scard",
    2,
    READONLY | FAST,
    KEY1,
    "set",
    "1.0.0",
    "Get the number of members in a set",
    scard,
);

fn scard(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let (set, out) = super::read_set(ex, key)?;
    out.int(set.map_or(0, |s| s.len()) as i64);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn counts_members() {
        let mut h = Harness::new();
        h.check(&[
            ("SCARD s", ":0\r\n"),
            ("SADD s a b 1", ":3\r\n"),
            ("SCARD s", ":3\r\n"),
            ("SET str x", "+OK\r\n"),
            (
                "SCARD str",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
        ]);
    }
}
