//! GETRANGE key start end
//! SUBSTR key start end
//!
//! The substring of the string at `key` between the inclusive offsets `start` and `end`;
//! negative offsets count from the end. An empty string when the range is empty or the key
//! is absent.

use super::read_str;
use crate::cmd::args::int_arg;
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "getrange",
    4,
    READONLY,
    KEY1,
    "string",
    "2.4.0",
    "Get a substring of the string stored at a key",
    getrange,
);

/// The pre-2.0 name of GETRANGE, still accepted.
pub const SUBSTR: CommandSpec = spec(
    "substr",
    4,
    READONLY,
    KEY1,
    "string",
    "1.0.0",
    "Get a substring of the string stored at a key",
    getrange,
);

/// Redis's clamping of a `[start, end]` range over `len` bytes; `None` when it is empty.
pub fn clamp_range(mut start: i64, mut end: i64, len: usize) -> Option<(usize, usize)> {
    let len = len as i64;
    if start < 0 && end < 0 && start > end {
        return None;
    }
    if start < 0 {
        start = start.saturating_add(len);
    }
    if end < 0 {
        end = end.saturating_add(len);
    }
    start = start.max(0);
    end = end.max(0);
    if end >= len {
        end = len - 1;
    }
    if start > end || len == 0 {
        return None;
    }
    Some((start as usize, end as usize))
}

fn getrange(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let start = int_arg(args.required()?)?;
    let end = int_arg(args.required()?)?;
    let part = match read_str(ex, key)? {
        None => Vec::new(),
        Some(s) => match clamp_range(start, end, s.data.len()) {
            None => Vec::new(),
            Some((a, b)) => s.data[a..=b].to_vec(),
        },
    };
    ex.out.bulk(&part);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::clamp_range;
    use crate::cmd::testing::Harness;

    #[test]
    fn ranges_match_redis() {
        let mut h = Harness::new();
        h.run(&["SET", "k", "This is a string"]);
        let table: &[(&str, &str)] = &[
            ("GETRANGE k 0 3", "$4\r\nThis\r\n"),
            ("GETRANGE k -3 -1", "$3\r\ning\r\n"),
            ("GETRANGE k 0 -1", "$16\r\nThis is a string\r\n"),
            ("GETRANGE k 10 100", "$6\r\nstring\r\n"),
            ("GETRANGE k 5 3", "$0\r\n\r\n"),
            ("GETRANGE k -1 -5", "$0\r\n\r\n"),
            ("GETRANGE k -100 2", "$3\r\nThi\r\n"),
            ("GETRANGE k 100 200", "$0\r\n\r\n"),
            (
                "GETRANGE k -9223372036854775808 9223372036854775807",
                "$16\r\nThis is a string\r\n",
            ),
            ("SUBSTR k 0 0", "$1\r\nT\r\n"),
            ("GETRANGE nokey 0 -1", "$0\r\n\r\n"),
            (
                "GETRANGE k a 1",
                "-ERR value is not an integer or out of range\r\n",
            ),
            (
                "GETRANGE k 0 b",
                "-ERR value is not an integer or out of range\r\n",
            ),
            ("SET n 12345", "+OK\r\n"),
            ("GETRANGE n 1 2", "$2\r\n23\r\n"),
        ];
        h.check(table);
        let mut h = Harness::new().resp3();
        h.check(&[("GETRANGE nokey 0 1", "$0\r\n\r\n")]);
        assert_eq!(clamp_range(0, -1, 0), None);
    }
}
