//! INCRBY key increment
//!
//! Adds `increment` to the integer stored at `key` (0 when absent) and replies with the result.

use super::incr_by;
use crate::cmd::args::int_arg;
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "incrby",
    3,
    WRITE | DENYOOM | FAST,
    KEY1,
    "string",
    "1.0.0",
    "Increment the integer value of a key by the given amount",
    incrby,
);

fn incrby(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let by = int_arg(args.required()?)?;
    incr_by(ex, key, by)
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn increments_by_amount() {
        let mut h = Harness::new();
        h.check(&[
            ("INCRBY n 10", ":10\r\n"),
            ("INCRBY n -25", ":-15\r\n"),
            (
                "INCRBY n abc",
                "-ERR value is not an integer or out of range\r\n",
            ),
            (
                "INCRBY n 9223372036854775808",
                "-ERR value is not an integer or out of range\r\n",
            ),
            (
                "INCRBY n -9223372036854775808",
                "-ERR increment or decrement would overflow\r\n",
            ),
            ("INCRBY m -9223372036854775808", ":-9223372036854775808\r\n"),
            ("SET s x", "+OK\r\n"),
            (
                "INCRBY s 1",
                "-ERR value is not an integer or out of range\r\n",
            ),
            (
                "INCRBY n",
                "-ERR wrong number of arguments for 'incrby' command\r\n",
            ),
        ]);
    }

    #[test]
    fn events_incrby() {
        use crate::cmd::strings::{events, notifying, NONE};
        let mut h = notifying();
        assert_eq!(events(&mut h, "INCRBY n 5"), ["new 0 n", "incrby 0 n"]);
        assert_eq!(events(&mut h, "INCRBY n x"), NONE);
        assert_eq!(events(&mut h, "INCRBY n 9223372036854775807"), NONE);
    }
}
