//! HMSET key field value [field value ...]
//!
//! HSET's effect with the reply of its pre-4.0 form: `+OK`.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "hmset",
    -4,
    WRITE | DENYOOM | FAST,
    KEY1,
    "hash",
    "2.0.0",
    "Set multiple hash fields to multiple values",
    hmset,
);

fn hmset(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    super::hset::set_pairs(ex, args, "hmset")?;
    ex.out.ok();
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn replies_ok() {
        let mut h = Harness::new();
        h.check(&[
            ("HMSET h a 1 b 2", "+OK\r\n"),
            ("HMSET h a 3", "+OK\r\n"),
            ("HMGET h a b", "*2\r\n$1\r\n3\r\n$1\r\n2\r\n"),
            (
                "HMSET h a 1 b",
                "-ERR wrong number of arguments for 'hmset' command\r\n",
            ),
            (
                "HMSET h",
                "-ERR wrong number of arguments for 'hmset' command\r\n",
            ),
        ]);
        assert_eq!(h.ks.dirty, 3);
    }
}
