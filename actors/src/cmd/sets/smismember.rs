//! SMISMEMBER key member [member ...]
//!
//! 1 or 0 for each `member`, whether it is in the set at `key`; an absent key is empty.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "smismember",
    -3,
    READONLY | FAST,
    KEY1,
    "set",
    "6.2.0",
    "Returns the membership associated with the given elements for a set",
    smismember,
);

fn smismember(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let members = args.rest();
    let (set, out) = super::read_set(ex, key)?;
    out.array(members.len());
    for m in members {
        out.int(set.is_some_and(|s| s.contains(m)) as i64);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn tests_many_members() {
        let mut h = Harness::new();
        h.check(&[
            ("SMISMEMBER s a b", "*2\r\n:0\r\n:0\r\n"),
            ("SADD s a", ":1\r\n"),
            ("SMISMEMBER s b a", "*2\r\n:0\r\n:1\r\n"),
            ("SET str x", "+OK\r\n"),
            (
                "SMISMEMBER str a",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "SMISMEMBER s",
                "-ERR wrong number of arguments for 'smismember' command\r\n",
            ),
        ]);
    }
}
