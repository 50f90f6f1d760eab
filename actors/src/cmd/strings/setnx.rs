//! SETNX key value
//!
//! Stores `value` only if `key` does not exist; replies 1 when it stored, 0 otherwise.

use super::set::{set_generic, ExpireOpt, SetOpts};
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "setnx",
    3,
    WRITE | DENYOOM | FAST,
    KEY1,
    "string",
    "1.0.0",
    "Set the value of a key, only if the key does not exist",
    setnx,
);

fn setnx(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let value = args.required()?;
    let opts = SetOpts {
        nx: true,
        xx: false,
        get: false,
        expire: ExpireOpt::None,
    };
    let stored = set_generic(ex, key, value, opts, "setnx")?;
    ex.out.int(stored as i64);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn only_when_absent() {
        let mut h = Harness::new();
        h.check(&[
            ("SETNX k a", ":1\r\n"),
            ("SETNX k b", ":0\r\n"),
            ("GET k", "$1\r\na\r\n"),
            ("SET e v PXAT 1", "+OK\r\n"),
            ("SETNX e w", ":1\r\n"),
            (
                "SETNX k",
                "-ERR wrong number of arguments for 'setnx' command\r\n",
            ),
        ]);
    }

    #[test]
    fn events_only_when_stored() {
        use crate::cmd::strings::{events, notifying, NONE};
        let mut h = notifying();
        assert_eq!(events(&mut h, "SETNX k a"), ["new 0 k", "set 0 k"]);
        assert_eq!(events(&mut h, "SETNX k b"), NONE);
    }
}
