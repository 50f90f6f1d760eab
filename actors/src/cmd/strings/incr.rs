//! INCR key
//!
//! Adds 1 to the integer stored at `key` (0 when absent) and replies with the result.

use super::incr_by;
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "incr",
    2,
    WRITE | DENYOOM | FAST,
    KEY1,
    "string",
    "1.0.0",
    "Increment the integer value of a key by one",
    incr,
);

fn incr(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    incr_by(ex, key, 1)
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn increments_strict_integers_only() {
        let mut h = Harness::new();
        h.check(&[
            ("INCR n", ":1\r\n"),
            ("INCR n", ":2\r\n"),
            ("GET n", "$1\r\n2\r\n"),
            ("SET s 9223372036854775806", "+OK\r\n"),
            ("INCR s", ":9223372036854775807\r\n"),
            ("INCR s", "-ERR increment or decrement would overflow\r\n"),
            ("SET s 12345678901234567890", "+OK\r\n"),
            ("INCR s", "-ERR value is not an integer or out of range\r\n"),
            ("SET s 007", "+OK\r\n"),
            ("INCR s", "-ERR value is not an integer or out of range\r\n"),
            ("SET s -0", "+OK\r\n"),
            ("INCR s", "-ERR value is not an integer or out of range\r\n"),
            ("SET s +1", "+OK\r\n"),
            ("INCR s", "-ERR value is not an integer or out of range\r\n"),
            ("SET s 1.5", "+OK\r\n"),
            ("INCR s", "-ERR value is not an integer or out of range\r\n"),
            ("SETEX t 100 5", "+OK\r\n"),
            ("INCR t", ":6\r\n"),
            ("TTL t", ":100\r\n"),
        ]);
        for v in [" 1", "1 ", ""] {
            h.run(&["SET", "s", v]);
            assert_eq!(
                h.run(&["INCR", "s"]),
                "-ERR value is not an integer or out of range\r\n"
            );
        }
    }

    #[test]
    fn events_incrby() {
        use crate::cmd::strings::{events, notifying, NONE};
        let mut h = notifying();
        assert_eq!(events(&mut h, "INCR n"), ["new 0 n", "incrby 0 n"]);
        assert_eq!(events(&mut h, "INCR n"), ["incrby 0 n"]);
        h.run(&["SET", "s", "abc"]);
        assert_eq!(events(&mut h, "INCR s"), NONE);
        h.run(&["SET", "max", "9223372036854775807"]);
        assert_eq!(events(&mut h, "INCR max"), NONE);
    }
}
