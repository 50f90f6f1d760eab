//! SETEX key seconds value
//!
//! Stores `value` with a time to live of `seconds`.

use super::set::{set_generic, ExpireOpt, SetOpts};
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "setex",
    4,
    WRITE | DENYOOM,
    KEY1,
    "string",
    "2.0.0",
    "Set the value and expiration of a key",
    setex,
);

fn setex(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let seconds = args.required()?;
    let value = args.required()?;
    let opts = SetOpts {
        nx: false,
        xx: false,
        get: false,
        expire: ExpireOpt::Ex(seconds),
    };
    set_generic(ex, key, value, opts, "setex")?;
    ex.out.ok();
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn sets_with_ttl() {
        let mut h = Harness::new();
        h.check(&[
            (
                "SETEX k 0 v",
                "-ERR invalid expire time in 'setex' command\r\n",
            ),
            (
                "SETEX k -5 v",
                "-ERR invalid expire time in 'setex' command\r\n",
            ),
            (
                "SETEX k abc v",
                "-ERR value is not an integer or out of range\r\n",
            ),
            (
                "SETEX k 9223372036854776 v",
                "-ERR invalid expire time in 'setex' command\r\n",
            ),
            ("EXISTS k", ":0\r\n"),
            ("SETEX k 10 v", "+OK\r\n"),
            ("TTL k", ":10\r\n"),
            ("GET k", "$1\r\nv\r\n"),
            (
                "SETEX k 10",
                "-ERR wrong number of arguments for 'setex' command\r\n",
            ),
        ]);
    }

    #[test]
    fn events_set_then_expire() {
        use crate::cmd::strings::{events, notifying, NONE};
        let mut h = notifying();
        assert_eq!(
            events(&mut h, "SETEX k 10 v"),
            ["new 0 k", "set 0 k", "expire 0 k"]
        );
        assert_eq!(events(&mut h, "SETEX k 10 w"), ["set 0 k", "expire 0 k"]);
        assert_eq!(events(&mut h, "SETEX k 0 w"), NONE);
    }
}
