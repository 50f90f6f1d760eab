//! BRPOP key [key ...] timeout
//!
//! BLPOP popping from the tail.

use super::blocking;
use crate::cmd::flags::*;
use crate::cmd::table::spec;
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::keyspace::list::End;

pub const SPEC: CommandSpec = spec(
    "brpop",
    -3,
    WRITE | NOSCRIPT | BLOCKING,
    (1, -2, 1),
    "list",
    "2.0.0",
    "Remove and get the last element in a list, or block until one is available",
    run,
);

fn run(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    let block = super::blpop::parse(args.rest(), End::Tail, "brpop")?;
    blocking::run(ex, block)
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn answers_at_once_when_a_list_has_elements() {
        let mut h = Harness::new();
        h.check(&[
            ("RPUSH b 1 2", ":2\r\n"),
            ("BRPOP a b 0", "*2\r\n$1\r\nb\r\n$1\r\n2\r\n"),
            ("BRPOP a b 0", "*2\r\n$1\r\nb\r\n$1\r\n1\r\n"),
            ("BRPOP a b 0.01", "*-1\r\n"),
            ("EXISTS b", ":0\r\n"),
            (
                "BRPOP a x",
                "-ERR timeout is not a float or out of range\r\n",
            ),
            ("BRPOP a -1", "-ERR timeout is negative\r\n"),
            ("SET s v", "+OK\r\n"),
            (
                "BRPOP s 0",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "BRPOP a",
                "-ERR wrong number of arguments for 'brpop' command\r\n",
            ),
        ]);
    }
}
