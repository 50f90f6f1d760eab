//! DECRBY key decrement
//!
//! Subtracts `decrement` from the integer stored at `key` (0 when absent) and replies with the
//! result.

use super::incr_by;
use crate::cmd::args::int_arg;
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "decrby",
    3,
    WRITE | DENYOOM | FAST,
    KEY1,
    "string",
    "1.0.0",
    "Decrement the integer value of a key by the given number",
    decrby,
);

fn decrby(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let by = int_arg(args.required()?)?;
    // Negating i64::MIN overflows; Redis has its own message for it.
    if by == i64::MIN {
        return Err(CmdError::other("ERR decrement would overflow"));
    }
    incr_by(ex, key, -by)
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn decrements_by_amount() {
        let mut h = Harness::new();
        h.check(&[
            ("DECRBY n 10", ":-10\r\n"),
            ("DECRBY n -25", ":15\r\n"),
            (
                "DECRBY n -9223372036854775808",
                "-ERR decrement would overflow\r\n",
            ),
            (
                "DECRBY n x",
                "-ERR value is not an integer or out of range\r\n",
            ),
            ("SET m -9223372036854775807", "+OK\r\n"),
            ("DECRBY m 1", ":-9223372036854775808\r\n"),
            (
                "DECRBY m 1",
                "-ERR increment or decrement would overflow\r\n",
            ),
        ]);
    }

    #[test]
    fn events_incrby() {
        use crate::cmd::strings::{events, notifying, NONE};
        let mut h = notifying();
        assert_eq!(events(&mut h, "DECRBY n 5"), ["new 0 n", "incrby 0 n"]);
        assert_eq!(events(&mut h, "DECRBY n -9223372036854775808"), NONE);
    }
}
