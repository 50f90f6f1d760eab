//! ZRANDMEMBER key [count [WITHSCORES]]
//!
//! Without a count: one random member (nil for a missing key). With a positive count: that
//! many distinct members (the whole set when it is smaller, in order); with a negative count:
//! that many picks that may repeat. WITHSCORES adds scores (RESP3: [member, score] pairs).

use crate::cmd::args::int_arg;
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use std::collections::HashSet;

pub const SPEC: CommandSpec = spec(
    "zrandmember",
    -2,
    READONLY,
    KEY1,
    "sorted-set",
    "6.2.0",
    "Get one or multiple random elements from a sorted set",
    zrandmember,
);

fn zrandmember(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let (db, now) = (ex.session.db, ex.now);
    let Some(count) = args.next() else {
        let Exec { ks, out, .. } = ex;
        let mut rng = ks.rng.clone();
        let Some(z) = super::read(ks, db, key, now)? else {
            out.null();
            return Ok(());
        };
        out.bulk(z.random(&mut rng).0);
        ks.rng = rng;
        return Ok(());
    };
    let count = int_arg(count)?;
    if count == i64::MIN {
        return Err(CmdError::other(
            "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
        ));
    }
    let withscores = match args.next() {
        None => false,
        Some(w) if args.is_empty() && w.eq_ignore_ascii_case(b"WITHSCORES") => true,
        Some(_) => return Err(CmdError::Syntax),
    };
    // Two reply entries per pick must still fit a long.
    if withscores && !(-(i64::MAX / 2)..=i64::MAX / 2).contains(&count) {
        return Err(CmdError::other("ERR value is out of range"));
    }
    with_count(ex, key, count, withscores)
}

fn with_count(ex: &mut Exec, key: &[u8], count: i64, withscores: bool) -> Result<(), CmdError> {
    let (db, now) = (ex.session.db, ex.now);
    let Exec { ks, out, .. } = ex;
    let mut rng = ks.rng.clone();
    let Some(z) = super::read(ks, db, key, now)? else {
        out.array(0);
        return Ok(());
    };
    let size = z.len();
    let (n, unique) = (count.unsigned_abs(), count >= 0);
    if !unique || n == 1 {
        // Picks that may repeat are written as they are drawn: a huge negative count must not
        // also cost a vector of that many slots.
        let items = (0..n as usize).map(|_| z.slot(rng.below(size as u64) as usize));
        super::reply_entries(out, items, withscores);
        ks.rng = rng;
        return Ok(());
    }
    let slots: Vec<usize> = if n == 0 {
        Vec::new()
    } else if n >= size as u64 {
        // The whole set, from the highest score down, as Redis's set-operation iterator walks.
        let all: Vec<(&[u8], f64)> = z.iter().rev().collect();
        super::reply_entries(out, all.into_iter(), withscores);
        return Ok(());
    } else if n * 3 > size as u64 {
        // Close to the whole set: drop random slots until `n` are left.
        let mut left: Vec<usize> = (0..size).collect();
        while left.len() as u64 > n {
            let i = rng.below(left.len() as u64) as usize;
            left.swap_remove(i);
        }
        left
    } else {
        let mut seen = HashSet::with_capacity(n as usize);
        let mut picked = Vec::with_capacity(n as usize);
        while (picked.len() as u64) < n {
            let i = rng.below(size as u64) as usize;
            if seen.insert(i) {
                picked.push(i);
            }
        }
        picked
    };
    let items = slots.iter().map(|&i| z.slot(i));
    super::reply_entries(out, items, withscores);
    ks.rng = rng;
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn zrandmember_counts_and_errors() {
        let mut h = Harness::new();
        h.check(&[
            ("ZRANDMEMBER z", "$-1\r\n"),
            ("ZRANDMEMBER z 5", "*0\r\n"),
            ("ZADD z 1 a 2 b 3 c", ":3\r\n"),
            ("ZRANDMEMBER z 0", "*0\r\n"),
            ("ZRANDMEMBER z 3 WITHSCORES", "*6\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n"),
            ("ZRANDMEMBER z 9", "*3\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n"),
            ("ZRANDMEMBER z x", "-ERR value is not an integer or out of range\r\n"),
            ("ZRANDMEMBER z 1 x", "-ERR syntax error\r\n"),
            ("ZRANDMEMBER z 1 WITHSCORES x", "-ERR syntax error\r\n"),
            ("ZRANDMEMBER z -9223372036854775808", "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n"),
            ("ZRANDMEMBER z 4611686018427387904 WITHSCORES", "-ERR value is out of range\r\n"),
        ]);
        let one = h.run(&["ZRANDMEMBER", "z"]);
        assert!(["$1\r\na\r\n", "$1\r\nb\r\n", "$1\r\nc\r\n"].contains(&one.as_str()));
        let rep = h.run(&["ZRANDMEMBER", "z", "-10"]);
        assert!(rep.starts_with("*10\r\n"));
        for n in 1..3 {
            let reply = h.run(&["ZRANDMEMBER", "z", &n.to_string()]);
            let mut members: Vec<&str> = reply.split("\r\n").filter(|l| l.len() == 1).collect();
            members.sort();
            members.dedup();
            assert_eq!(members.len(), n, "{reply}");
        }
        let mut h = Harness::new().resp3();
        h.run(&["ZADD", "z", "1", "a"]);
        assert_eq!(
            h.run(&["ZRANDMEMBER", "z", "-2", "WITHSCORES"]),
            "*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\na\r\n,1\r\n"
        );
    }
}
