//! SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
//!
//! One step of an incremental walk over the keys: the next cursor (0 when the walk is over)
//! and the keys of this step that are live, match `pattern` and have type `type`. COUNT is how
//! much work to do per step (10 by default), not an exact number of keys.

use super::glob::glob_match;
use crate::cmd::args::int_arg;
use crate::cmd::flags::*;
use crate::cmd::table::{spec, NO_KEYS};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "scan",
    -2,
    READONLY,
    NO_KEYS,
    "generic",
    "2.8.0",
    "Incrementally iterate the keys space",
    scan,
);

/// Redis parses the cursor with `strtoul`: an optional sign (a negative number wraps), then
/// decimal digits up to the end or a NUL byte; leading space, other bytes and overflow are
/// refused. An empty cursor is 0.
pub fn parse_cursor(arg: &[u8]) -> Result<u64, CmdError> {
    let bad = || CmdError::other("ERR invalid cursor");
    let s = arg.split(|&c| c == 0).next().unwrap_or_default();
    if s.is_empty() {
        return Ok(0);
    }
    let (neg, digits) = match s[0] {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(bad());
    }
    let mut v: u64 = 0;
    for &d in digits {
        v = v
            .checked_mul(10)
            .and_then(|v| v.checked_add((d - b'0') as u64))
            .ok_or_else(bad)?;
    }
    Ok(if neg { v.wrapping_neg() } else { v })
}

fn scan(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let cursor = parse_cursor(args.required()?)?;
    let (mut count, mut pattern, mut type_name) = (10i64, None, None);
    while let Some(opt) = args.next() {
        let has_value = !args.is_empty();
        if opt.eq_ignore_ascii_case(b"COUNT") && has_value {
            count = int_arg(args.required()?)?;
            if count < 1 {
                return Err(CmdError::Syntax);
            }
        } else if opt.eq_ignore_ascii_case(b"MATCH") && has_value {
            let p = args.required()?;
            // `*` matches everything, so it is the same as no pattern.
            pattern = if p == b"*" { None } else { Some(p) };
        } else if opt.eq_ignore_ascii_case(b"TYPE") && has_value {
            type_name = Some(args.required()?);
        } else {
            return Err(CmdError::Syntax);
        }
    }
    let db = ex.session.db;
    let mut batch = Vec::new();
    let next = ex.ks.dbs[db].scan(cursor, count as usize, |k, _| batch.push(k.clone()));
    batch.retain(|k| pattern.is_none_or(|p| glob_match(p, k, false)));
    if let Some(want) = type_name {
        // Redis looks each key up as a read here, expiring it and counting hits and misses.
        batch.retain(|k| {
            let name = ex
                .ks
                .read(db, k, ex.now)
                .map_or("none", |e| e.value.type_name());
            want.eq_ignore_ascii_case(name.as_bytes())
        });
    }
    batch.retain(|k| !ex.ks.expire_if_needed(db, k, ex.now));
    ex.out.array(2);
    ex.out.bulk(next.to_string().as_bytes());
    ex.out.array(batch.len());
    for k in &batch {
        ex.out.bulk(k);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_cursor;
    use crate::cmd::testing::Harness;

    /// Runs a whole scan with extra arguments; returns the sorted keys seen.
    fn full_scan(h: &mut Harness, extra: &[&str]) -> Vec<String> {
        let mut cursor = "0".to_string();
        let mut seen = Vec::new();
        loop {
            let mut cmd = vec!["SCAN", &cursor];
            cmd.extend_from_slice(extra);
            let reply = h.run(&cmd);
            let lines: Vec<&str> = reply.split("\r\n").collect();
            assert_eq!(lines[0], "*2", "{reply}");
            let next = lines[2].to_string();
            seen.extend(
                lines[4..]
                    .iter()
                    .filter(|l| !l.starts_with('$') && !l.is_empty())
                    .map(|s| s.to_string()),
            );
            if next == "0" {
                break;
            }
            cursor = next;
        }
        seen.sort();
        seen
    }

    #[test]
    fn walks_everything_with_filters() {
        let mut h = Harness::new();
        for i in 0..50 {
            h.run(&["SET", &format!("key:{i}"), "v"]);
        }
        h.run(&["SET", "other", "v"]);
        h.run(&["SET", "gone", "v", "PXAT", "1"]);
        let all = full_scan(&mut h, &["COUNT", "7"]);
        assert_eq!(all.len(), 51);
        assert!(!all.contains(&"gone".to_string()));
        assert_eq!(full_scan(&mut h, &["MATCH", "key:1*"]).len(), 11);
        assert_eq!(
            full_scan(&mut h, &["MATCH", "*", "TYPE", "STRING"]).len(),
            51
        );
        assert_eq!(full_scan(&mut h, &["TYPE", "list"]).len(), 0);
        assert_eq!(h.ks.dbs[0].len(), 51);
    }

    #[test]
    fn errors_and_cursor_parsing_match_redis() {
        let mut h = Harness::new();
        h.check(&[
            ("SCAN 0", "*2\r\n$1\r\n0\r\n*0\r\n"),
            ("SCAN -1", "*2\r\n$1\r\n0\r\n*0\r\n"),
            ("SCAN +0", "*2\r\n$1\r\n0\r\n*0\r\n"),
            ("SCAN 18446744073709551615", "*2\r\n$1\r\n0\r\n*0\r\n"),
            ("SCAN 18446744073709551616", "-ERR invalid cursor\r\n"),
            ("SCAN 0x", "-ERR invalid cursor\r\n"),
            ("SCAN abc", "-ERR invalid cursor\r\n"),
            ("SCAN 0 COUNT 0", "-ERR syntax error\r\n"),
            (
                "SCAN 0 COUNT abc",
                "-ERR value is not an integer or out of range\r\n",
            ),
            ("SCAN 0 MATCH", "-ERR syntax error\r\n"),
            ("SCAN 0 TYPE", "-ERR syntax error\r\n"),
            ("SCAN 0 FOO bar", "-ERR syntax error\r\n"),
            (
                "SCAN",
                "-ERR wrong number of arguments for 'scan' command\r\n",
            ),
        ]);
        assert_eq!(h.run(&["SCAN", ""]), "*2\r\n$1\r\n0\r\n*0\r\n");
        assert_eq!(h.run(&["SCAN", " 0"]), "-ERR invalid cursor\r\n");
        assert_eq!(parse_cursor(b"-18446744073709551615"), Ok(1));
        assert_eq!(parse_cursor(b"12\0zz"), Ok(12));
        assert!(parse_cursor(b"-").is_err() && parse_cursor(b"1 ").is_err());
    }
}
