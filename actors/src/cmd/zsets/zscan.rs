//! ZSCAN key cursor [MATCH pattern] [COUNT count]
//!
//! One step of an incremental walk over the members: the next cursor (0 at the end) and a
//! flat member, score list. A small (listpack) set comes whole in one step.

use crate::cmd::args::int_arg;
use crate::cmd::flags::*;
use crate::cmd::keys::glob::glob_match;
use crate::cmd::keys::scan::parse_cursor;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use protocol::format_double;

pub const SPEC: CommandSpec = spec(
    "zscan",
    -3,
    READONLY,
    KEY1,
    "sorted-set",
    "2.8.0",
    "Incrementally iterate sorted sets elements and associated scores",
    zscan,
);

fn zscan(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let cursor = parse_cursor(args.required()?)?;
    let (db, now) = (ex.session.db, ex.now);
    let Exec { ks, out, .. } = ex;
    let Some(z) = super::read(ks, db, key, now)? else {
        out.array(2);
        out.bulk(b"0");
        out.array(0);
        return Ok(());
    };
    // Options are only looked at once the key is known to be a sorted set, as in Redis.
    let (mut count, mut pattern) = (10i64, None);
    while let Some(opt) = args.next() {
        if opt.eq_ignore_ascii_case(b"COUNT") && !args.is_empty() {
            count = int_arg(args.required()?)?;
            if count < 1 {
                return Err(CmdError::Syntax);
            }
        } else if opt.eq_ignore_ascii_case(b"MATCH") && !args.is_empty() {
            let p = args.required()?;
            pattern = if p == b"*" { None } else { Some(p) };
        } else {
            return Err(CmdError::Syntax);
        }
    }
    let listpack = z.is_listpack();
    let mut batch = Vec::new();
    let next = z.scan(cursor, count as usize, |m, s| {
        if pattern.is_none_or(|p| glob_match(p, m, false)) {
            batch.push((m, score_text(s, listpack)));
        }
    });
    out.array(2);
    out.bulk(next.to_string().as_bytes());
    out.array(batch.len() * 2);
    for (m, s) in batch {
        out.bulk(m);
        out.bulk(s.as_bytes());
    }
    Ok(())
}

/// A score as ZSCAN prints it: a listpack keeps integral scores (within ±2^62) as integers,
/// which print without an exponent; everything else prints as `%.17g`.
fn score_text(s: f64, listpack: bool) -> String {
    const SAFE: f64 = (i64::MAX / 2) as f64;
    if listpack && s.fract() == 0.0 && (-SAFE..=SAFE).contains(&s) {
        (s as i64).to_string()
    } else {
        format_double(s)
    }
}

#[cfg(test)]
mod tests {
    use super::score_text;
    use crate::cmd::testing::Harness;

    #[test]
    fn zscan_listpack_and_errors() {
        let mut h = Harness::new();
        h.check(&[
            ("ZSCAN z 0", "*2\r\n$1\r\n0\r\n*0\r\n"),
            ("ZSCAN z 0 COUNT x", "*2\r\n$1\r\n0\r\n*0\r\n"),
            ("ZADD z 2 b 1.5 a 1e17 c", ":3\r\n"),
            ("ZSCAN z 0", "*2\r\n$1\r\n0\r\n*6\r\n$1\r\na\r\n$3\r\n1.5\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$18\r\n100000000000000000\r\n"),
            ("ZSCAN z 0 MATCH b*", "*2\r\n$1\r\n0\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"),
            ("ZSCAN z 0 COUNT 0", "-ERR syntax error\r\n"),
            ("ZSCAN z 0 COUNT x", "-ERR value is not an integer or out of range\r\n"),
            ("ZSCAN z 0 TYPE zset", "-ERR syntax error\r\n"),
            ("ZSCAN z x", "-ERR invalid cursor\r\n"),
        ]);
        assert_eq!(score_text(1e17, false), "1e+17");
        assert_eq!(score_text(-0.0, false), "-0");
    }

    #[test]
    fn zscan_walks_a_skiplist() {
        let mut h = Harness::new();
        for i in 0..300 {
            h.run(&["ZADD", "z", &i.to_string(), &format!("m{i}")]);
        }
        let mut cursor = "0".to_string();
        let mut seen = Vec::new();
        loop {
            let reply = h.run(&["ZSCAN", "z", &cursor, "COUNT", "50"]);
            let lines: Vec<&str> = reply.split("\r\n").collect();
            cursor = lines[2].to_string();
            seen.extend(
                lines[5..]
                    .iter()
                    .step_by(4)
                    .filter(|l| l.starts_with('m'))
                    .map(|s| s.to_string()),
            );
            if cursor == "0" {
                break;
            }
        }
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 300);
    }
}
