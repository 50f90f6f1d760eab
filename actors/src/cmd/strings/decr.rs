//! DECR key
//!
//! Subtracts 1 from the integer stored at `key` (0 when absent) and replies with the result.

use super::incr_by;
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "decr",
    2,
    WRITE | DENYOOM | FAST,
    KEY1,
    "string",
    "1.0.0",
    "Decrement the integer value of a key by one",
    decr,
);

fn decr(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    incr_by(ex, key, -1)
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn decrements() {
        let mut h = Harness::new();
        h.check(&[
            ("DECR n", ":-1\r\n"),
            ("DECR n", ":-2\r\n"),
            ("SET s -9223372036854775808", "+OK\r\n"),
            ("DECR s", "-ERR increment or decrement would overflow\r\n"),
            ("SET s abc", "+OK\r\n"),
            ("DECR s", "-ERR value is not an integer or out of range\r\n"),
        ]);
        assert_eq!(h.ks.dirty, 4);
    }

    #[test]
    fn events_incrby() {
        use crate::cmd::strings::{events, notifying};
        let mut h = notifying();
        assert_eq!(events(&mut h, "DECR n"), ["new 0 n", "incrby 0 n"]);
        assert_eq!(events(&mut h, "DECR n"), ["incrby 0 n"]);
    }
}
