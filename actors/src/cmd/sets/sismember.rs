//! SISMEMBER key member
//!
//! 1 when `member` is in the set at `key`, 0 otherwise.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "sismember",
    3,
    READONLY | FAST,
    KEY1,
    "set",
    "1.0.0",
    "Determine if a given value is a member of a set",
    sismember,
);

fn sismember(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let member = args.required()?;
    let (set, out) = super::read_set(ex, key)?;
    out.int(set.is_some_and(|s| s.contains(member)) as i64);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn tests_membership() {
        let mut h = Harness::new();
        h.check(&[
            ("SISMEMBER s 1", ":0\r\n"),
            ("SADD s 1 2", ":2\r\n"),
            ("SISMEMBER s 1", ":1\r\n"),
            ("SISMEMBER s 01", ":0\r\n"),
            ("SISMEMBER s a", ":0\r\n"),
            ("SADD t a", ":1\r\n"),
            ("SISMEMBER t a", ":1\r\n"),
            ("SET str x", "+OK\r\n"),
            (
                "SISMEMBER str a",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
        ]);
    }
}
