//! HSCAN key cursor [MATCH pattern] [COUNT count]
//!
//! One step of an incremental walk over the fields of the hash at `key`: the next cursor (0
//! when done) and a flat list of fields matching `pattern` with their values. A listpack hash
//! is small, so, as in Redis, it is returned whole in one step with cursor 0.

use crate::cmd::args::int_arg;
use crate::cmd::flags::*;
use crate::cmd::keys::glob::glob_match;
use crate::cmd::keys::scan::parse_cursor;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::keyspace::hash::HashValue;
use protocol::ReplyWriter;

pub const SPEC: CommandSpec = spec(
    "hscan",
    -3,
    READONLY,
    KEY1,
    "hash",
    "2.8.0",
    "Incrementally iterate hash fields and associated values",
    hscan,
);

/// The options of HSCAN, SSCAN and ZSCAN.
pub struct ScanOptions<'a> {
    /// How many slots to visit per step.
    pub count: usize,
    /// None when absent or `*`, which matches everything.
    pub pattern: Option<&'a [u8]>,
}

impl ScanOptions<'_> {
    pub fn matches(&self, s: &[u8]) -> bool {
        self.pattern.is_none_or(|p| glob_match(p, s, false))
    }
}

/// Parses the options after the cursor. Redis only gets here once the key was found and has
/// the right type, so a missing key answers an empty scan whatever the options say.
pub fn scan_options<'a>(args: &mut Args<'a>) -> Result<ScanOptions<'a>, CmdError> {
    let mut opts = ScanOptions {
        count: 10,
        pattern: None,
    };
    while let Some(opt) = args.next() {
        let has_value = !args.is_empty();
        if opt.eq_ignore_ascii_case(b"COUNT") && has_value {
            let count = int_arg(args.required()?)?;
            if count < 1 {
                return Err(CmdError::Syntax);
            }
            opts.count = usize::try_from(count).unwrap_or(usize::MAX);
        } else if opt.eq_ignore_ascii_case(b"MATCH") && has_value {
            let p = args.required()?;
            opts.pattern = if p == b"*" { None } else { Some(p) };
        } else {
            return Err(CmdError::Syntax);
        }
    }
    Ok(opts)
}

/// One step over slots `0..len` of an indexed hashtable, walking downwards as the keyspace
/// SCAN does: removals only move the last slot into a hole, so an element present for the
/// whole walk is never missed. Cursor 0 starts; `c` means slots below `c - 1` are left.
pub fn scan_slots(len: usize, cursor: u64, count: usize, mut visit: impl FnMut(usize)) -> u64 {
    let mut next = if cursor == 0 {
        len
    } else {
        usize::try_from(cursor - 1).unwrap_or(usize::MAX).min(len)
    };
    let mut steps = count.max(1);
    while next > 0 && steps > 0 {
        next -= 1;
        steps -= 1;
        visit(next);
    }
    if next == 0 {
        0
    } else {
        next as u64 + 1
    }
}

/// The reply Redis gives when there is nothing to scan.
pub fn empty_scan(out: &mut ReplyWriter) {
    out.array(2);
    out.bulk(b"0");
    out.array(0);
}

fn hscan(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let cursor = parse_cursor(args.required()?)?;
    let (h, out) = super::read_hash(ex, key)?;
    let Some(h) = h else {
        empty_scan(out);
        return Ok(());
    };
    let opts = scan_options(&mut args)?;
    let mut found = Vec::new();
    let next = match h {
        HashValue::Listpack(_) => {
            found.extend(0..h.len());
            0
        }
        HashValue::Table(_) => scan_slots(h.len(), cursor, opts.count, |i| found.push(i)),
    };
    found.retain(|&i| opts.matches(h.get_index(i).0));
    out.array(2);
    out.bulk(next.to_string().as_bytes());
    out.array(2 * found.len());
    for i in found {
        let (f, v) = h.get_index(i);
        out.bulk(f);
        out.bulk(v);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::hashes::testutil::{decode, items, text};
    use crate::cmd::testing::Harness;

    #[test]
    fn listpack_comes_whole_in_order() {
        let mut h = Harness::new();
        h.check(&[
            ("HSCAN h 0 COUNT 0", "*2\r\n$1\r\n0\r\n*0\r\n"),
            ("HSCAN h x", "-ERR invalid cursor\r\n"),
            ("HSET h b 1 a 2 ab 3", ":3\r\n"),
            ("HSCAN h 0", "*2\r\n$1\r\n0\r\n*6\r\n$1\r\nb\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n2\r\n$2\r\nab\r\n$1\r\n3\r\n"),
            ("HSCAN h 7 COUNT 1 MATCH a*", "*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$1\r\n2\r\n$2\r\nab\r\n$1\r\n3\r\n"),
            ("HSCAN h 0 MATCH", "-ERR syntax error\r\n"),
            ("HSCAN h 0 COUNT 0", "-ERR syntax error\r\n"),
            ("HSCAN h 0 COUNT x", "-ERR value is not an integer or out of range\r\n"),
            ("HSCAN h 0 TYPE hash", "-ERR syntax error\r\n"),
            ("SET s x", "+OK\r\n"),
            ("HSCAN s 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("HSCAN s x", "-ERR invalid cursor\r\n"),
        ]);
    }

    #[test]
    fn hashtable_walk_sees_every_field_once() {
        let mut h = Harness::new();
        for i in 0..1000 {
            h.run(&["HSET", "h", &format!("f{i}"), &format!("v{i}")]);
        }
        let mut cursor = "0".to_string();
        let mut seen = Vec::new();
        let mut steps = 0;
        loop {
            let reply = items(decode(
                &h.run(&["HSCAN", "h", &cursor, "COUNT", "50", "MATCH", "f1*"]),
            ));
            cursor = text(&reply[0]);
            let flat = items(reply[1].clone());
            for pair in flat.chunks(2) {
                assert_eq!(text(&pair[0])[1..], text(&pair[1])[1..]);
                seen.push(text(&pair[0]));
            }
            steps += 1;
            if cursor == "0" {
                break;
            }
        }
        assert_eq!(steps, 20);
        seen.sort();
        let before = seen.len();
        seen.dedup();
        assert_eq!((before, seen.len()), (111, 111));
    }
}
