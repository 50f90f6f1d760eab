//! PSETEX key milliseconds value
//!
//! Stores `value` with a time to live of `milliseconds`.

use super::set::{set_generic, ExpireOpt, SetOpts};
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "psetex",
    4,
    WRITE | DENYOOM,
    KEY1,
    "string",
    "2.6.0",
    "Set the value and expiration in milliseconds of a key",
    psetex,
);

fn psetex(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let ms = args.required()?;
    let value = args.required()?;
    let opts = SetOpts {
        nx: false,
        xx: false,
        get: false,
        expire: ExpireOpt::Px(ms),
    };
    set_generic(ex, key, value, opts, "psetex")?;
    ex.out.ok();
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn sets_with_ttl_in_ms() {
        let mut h = Harness::new();
        h.check(&[
            (
                "PSETEX k 0 v",
                "-ERR invalid expire time in 'psetex' command\r\n",
            ),
            (
                "PSETEX k x v",
                "-ERR value is not an integer or out of range\r\n",
            ),
            (
                "PSETEX k 9223372036854775807 v",
                "-ERR invalid expire time in 'psetex' command\r\n",
            ),
            ("PSETEX k 100000 v", "+OK\r\n"),
            ("TTL k", ":100\r\n"),
            ("GET k", "$1\r\nv\r\n"),
        ]);
        let pttl = h.run(&["PTTL", "k"]);
        assert!(pttl.starts_with(":99") || pttl == ":100000\r\n", "{pttl}");
    }

    #[test]
    fn events_set_then_expire() {
        use crate::cmd::strings::{events, notifying, NONE};
        let mut h = notifying();
        assert_eq!(
            events(&mut h, "PSETEX k 10000 v"),
            ["new 0 k", "set 0 k", "expire 0 k"]
        );
        assert_eq!(events(&mut h, "PSETEX k -1 v"), NONE);
    }
}
