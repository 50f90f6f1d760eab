//! SRANDMEMBER key [count]
//!
//! Random members of the set at `key`, left in place. Without `count`: one member, nil when the
//! key is absent. A positive `count`: that many distinct members (all of them when the set is
//! smaller). A negative `count`: `-count` independent picks, repeats allowed.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::keyspace::set::SetValue;
use crate::server::Rng;

pub const SPEC: CommandSpec = spec(
    "srandmember",
    -2,
    READONLY,
    KEY1,
    "set",
    "1.0.0",
    "Get one or multiple random members from a set",
    srandmember,
);

/// With at most this many times more members than asked for, picking by elimination beats
/// rejecting repeats (Redis's SRANDMEMBER_SUB_STRATEGY_MUL).
const SUB_STRATEGY_MUL: u64 = 3;

fn srandmember(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let count = args.next();
    if !args.is_empty() {
        return Err(CmdError::Syntax);
    }
    let count = count.map(super::random_count).transpose()?;
    // The generator is taken out while the set and the reply writer borrow the keyspace.
    let mut rng = ex.ks.rng.clone();
    let (set, out) = super::read_set(ex, key)?;
    match (set, count) {
        (None, None) => out.null(),
        (None, Some(_)) => out.array(0),
        (Some(set), None) => set.random(&mut rng).write(out),
        (Some(set), Some(count)) if count < 0 || count == 1 => {
            // Streamed, as Redis does: nothing but the reply grows with `count`.
            let n = count.unsigned_abs();
            out.array(n as usize);
            for _ in 0..n {
                set.random(&mut rng).write(out);
            }
        }
        (Some(set), Some(count)) => {
            let picks = pick_distinct(set, count as u64, &mut rng);
            out.array(picks.len());
            for i in picks {
                set.get_index(i).write(out);
            }
        }
    }
    ex.ks.rng = rng;
    Ok(())
}

/// The slots of `wanted` (> 1) distinct members, following Redis's strategies: the whole set
/// in its order (an intset ascending), else samples in no particular order.
fn pick_distinct(set: &SetValue, wanted: u64, rng: &mut Rng) -> Vec<usize> {
    let size = set.len() as u64;
    if wanted >= size {
        return (0..size as usize).collect();
    }
    if wanted * SUB_STRATEGY_MUL > size {
        let mut slots: Vec<usize> = (0..size as usize).collect();
        while slots.len() as u64 > wanted {
            let victim = rng.below(slots.len() as u64) as usize;
            slots.swap_remove(victim);
        }
        return slots;
    }
    let mut seen = std::collections::HashSet::with_capacity(wanted as usize);
    let mut out = Vec::with_capacity(wanted as usize);
    while (out.len() as u64) < wanted {
        let i = rng.below(size) as usize;
        if seen.insert(i) {
            out.push(i);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::cmd::hashes::testutil::texts;
    use crate::cmd::testing::Harness;

    #[test]
    fn argument_errors_and_trivial_cases() {
        let mut h = Harness::new();
        h.check(&[
            ("SRANDMEMBER s", "$-1\r\n"),
            ("SRANDMEMBER s 3", "*0\r\n"),
            ("SRANDMEMBER s x", "-ERR value is not an integer or out of range\r\n"),
            ("SRANDMEMBER s 1 2", "-ERR syntax error\r\n"),
            (
                "SRANDMEMBER s -9223372036854775808",
                "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n",
            ),
            ("SADD s 2 1", ":2\r\n"),
            ("SRANDMEMBER s 0", "*0\r\n"),
            ("SRANDMEMBER s 2", "*2\r\n$1\r\n1\r\n$1\r\n2\r\n"),
            ("SRANDMEMBER s 20", "*2\r\n$1\r\n1\r\n$1\r\n2\r\n"),
            ("SET str x", "+OK\r\n"),
            ("SRANDMEMBER str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("SRANDMEMBER str 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ]);
        let mut h = Harness::new().resp3();
        h.check(&[
            ("SRANDMEMBER s", "_\r\n"),
            ("SRANDMEMBER s 2", "*0\r\n"),
            ("SADD s a", ":1\r\n"),
            (
                "SRANDMEMBER s -3",
                "*3\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n",
            ),
        ]);
    }

    #[test]
    fn counts_give_distinct_or_repeated_members() {
        for n in [100usize, 1000] {
            let mut h = Harness::new();
            for i in 0..n {
                h.run(&["SADD", "s", &format!("m{i}")]);
            }
            for count in [1i64, 5, 40, 90, n as i64 - 1, n as i64 + 5, -3, -500] {
                let got = texts(&h.run(&["SRANDMEMBER", "s", &count.to_string()]));
                let want = if count < 0 {
                    (-count) as usize
                } else {
                    (count as usize).min(n)
                };
                assert_eq!(got.len(), want, "count {count}");
                let mut distinct = got.clone();
                distinct.sort();
                distinct.dedup();
                if count > 0 {
                    assert_eq!(distinct.len(), want);
                }
                assert!(got.iter().all(|m| m.starts_with('m')));
            }
            assert_eq!(h.run(&["SCARD", "s"]), format!(":{n}\r\n"));
        }
    }
}
