//! SSCAN key cursor [MATCH pattern] [COUNT count]
//!
//! One step of an incremental walk over the members of the set at `key`: the next cursor (0
//! when done) and the members that match `pattern`. An intset is small, so, as in Redis, it
//! is returned whole, in ascending order, in one step with cursor 0.

use crate::cmd::flags::*;
use crate::cmd::hashes::hscan::{empty_scan, scan_options, scan_slots};
use crate::cmd::keys::scan::parse_cursor;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::keyspace::set::SetValue;

pub const SPEC: CommandSpec = spec(
    "sscan",
    -3,
    READONLY,
    KEY1,
    "set",
    "2.8.0",
    "Incrementally iterate Set elements",
    sscan,
);

fn sscan(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let cursor = parse_cursor(args.required()?)?;
    let (set, out) = super::read_set(ex, key)?;
    let Some(set) = set else {
        empty_scan(out);
        return Ok(());
    };
    let opts = scan_options(&mut args)?;
    let mut found = Vec::new();
    let next = match set {
        SetValue::IntSet(_) => {
            found.extend(0..set.len());
            0
        }
        SetValue::Table(_) => scan_slots(set.len(), cursor, opts.count, |i| found.push(i)),
    };
    let members: Vec<Vec<u8>> = found
        .into_iter()
        .map(|i| set.get_index(i).to_vec())
        .filter(|m| opts.matches(m))
        .collect();
    out.array(2);
    out.bulk(next.to_string().as_bytes());
    out.array(members.len());
    for m in &members {
        out.bulk(m);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::hashes::testutil::{decode, items, text};
    use crate::cmd::testing::Harness;

    #[test]
    fn intset_comes_whole_and_sorted() {
        let mut h = Harness::new();
        h.check(&[
            ("SSCAN s 0 COUNT 0", "*2\r\n$1\r\n0\r\n*0\r\n"),
            ("SADD s 12 3 -1 10", ":4\r\n"),
            (
                "SSCAN s 0",
                "*2\r\n$1\r\n0\r\n*4\r\n$2\r\n-1\r\n$1\r\n3\r\n$2\r\n10\r\n$2\r\n12\r\n",
            ),
            (
                "SSCAN s 5 COUNT 1 MATCH 1*",
                "*2\r\n$1\r\n0\r\n*2\r\n$2\r\n10\r\n$2\r\n12\r\n",
            ),
            ("SSCAN s 0 COUNT -1", "-ERR syntax error\r\n"),
            ("SSCAN s 0 TYPE set", "-ERR syntax error\r\n"),
            (
                "SSCAN s -1",
                "*2\r\n$1\r\n0\r\n*4\r\n$2\r\n-1\r\n$1\r\n3\r\n$2\r\n10\r\n$2\r\n12\r\n",
            ),
            ("SET str x", "+OK\r\n"),
            (
                "SSCAN str 0",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
        ]);
    }

    #[test]
    fn hashtable_walk_sees_every_member() {
        let mut h = Harness::new();
        for i in 0..500 {
            h.run(&["SADD", "s", &format!("m{i}")]);
        }
        let mut cursor = "0".to_string();
        let mut seen = Vec::new();
        loop {
            let reply = items(decode(&h.run(&["SSCAN", "s", &cursor, "COUNT", "7"])));
            cursor = text(&reply[0]);
            seen.extend(items(reply[1].clone()).iter().map(text));
            if cursor == "0" {
                break;
            }
        }
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 500);
    }
}
