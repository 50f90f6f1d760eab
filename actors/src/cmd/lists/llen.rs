//! LLEN key
//!
//! The length of the list at `key`; 0 when absent.

use super::read_list;
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "llen",
    2,
    READONLY | FAST,
    KEY1,
    "list",
    "1.0.0",
    "Get the length of a list",
    run,
);

fn run(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let len = read_list(ex.ks, ex.session.db, key, ex.now)?.map_or(0, |l| l.len());
    ex.out.int(len as i64);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn lengths() {
        let mut h = Harness::new();
        h.check(&[
            ("LLEN k", ":0\r\n"),
            ("RPUSH k a b", ":2\r\n"),
            ("LLEN k", ":2\r\n"),
            ("SET s v", "+OK\r\n"),
            (
                "LLEN s",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "LLEN",
                "-ERR wrong number of arguments for 'llen' command\r\n",
            ),
            (
                "LLEN k k",
                "-ERR wrong number of arguments for 'llen' command\r\n",
            ),
        ]);
    }
}
