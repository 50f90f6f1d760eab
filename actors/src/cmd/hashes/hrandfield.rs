//! HRANDFIELD key [count [WITHVALUES]]
//!
//! Random fields of the hash at `key`. Without `count`: one field, nil when the key is absent.
//! A positive `count`: that many distinct fields (all of them when the hash is smaller). A
//! negative `count`: `-count` independent picks, repeats allowed. WITHVALUES adds each value:
//! flat in RESP2, `[field, value]` pairs in RESP3.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::keyspace::hash::HashValue;
use crate::server::Rng;
use protocol::{ReplyWriter, Resp};

pub const SPEC: CommandSpec = spec(
    "hrandfield",
    -2,
    READONLY,
    KEY1,
    "hash",
    "6.2.0",
    "Get one or multiple random fields from a hash",
    hrandfield,
);

/// With at most this many times more fields than asked for, picking by elimination beats
/// rejecting repeats (Redis's HRANDFIELD_SUB_STRATEGY_MUL).
const SUB_STRATEGY_MUL: u64 = 3;

fn hrandfield(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    // The generator is taken out while the hash and the reply writer borrow the keyspace.
    let mut rng = ex.ks.rng.clone();
    let Some(count) = args.next() else {
        let (h, out) = super::read_hash(ex, key)?;
        match h {
            None => out.null(),
            Some(h) => out.bulk(h.get_index(rng.below(h.len() as u64) as usize).0),
        }
        ex.ks.rng = rng;
        return Ok(());
    };
    let count = super::super::sets::random_count(count)?;
    let with_values = match args.next() {
        None => false,
        Some(w) if w.eq_ignore_ascii_case(b"WITHVALUES") && args.is_empty() => true,
        Some(_) => return Err(CmdError::Syntax),
    };
    if with_values && count.unsigned_abs() > (i64::MAX / 2) as u64 {
        return Err(CmdError::other("ERR value is out of range"));
    }
    let (h, out) = super::read_hash(ex, key)?;
    let Some(h) = h else {
        out.array(0);
        return Ok(());
    };
    let pairs = with_values && out.resp() == Resp::V3;
    let n = count.unsigned_abs();
    if count < 0 || n == 1 {
        // Streamed, as Redis does: nothing but the reply grows with `count`.
        out.array(if with_values && !pairs { 2 * n } else { n } as usize);
        for _ in 0..n {
            let i = rng.below(h.len() as u64) as usize;
            reply_pair(out, h, i, with_values, pairs);
        }
    } else {
        let picks = pick_distinct(h, n, &mut rng);
        out.array(if with_values && !pairs {
            2 * picks.len()
        } else {
            picks.len()
        });
        for i in picks {
            reply_pair(out, h, i, with_values, pairs);
        }
    }
    ex.ks.rng = rng;
    Ok(())
}

fn reply_pair(out: &mut ReplyWriter, h: &HashValue, i: usize, values: bool, pairs: bool) {
    let (f, v) = h.get_index(i);
    if pairs {
        out.array(2);
    }
    out.bulk(f);
    if values {
        out.bulk(v);
    }
}

/// The slots of `wanted` (> 1) distinct fields, following Redis's strategies so that what is
/// observable about their order matches: a whole hash and listpack samples in listpack order.
fn pick_distinct(h: &HashValue, wanted: u64, rng: &mut Rng) -> Vec<usize> {
    let size = h.len() as u64;
    if wanted >= size {
        return (0..size as usize).collect();
    }
    if wanted * SUB_STRATEGY_MUL > size {
        // Remove random slots until `wanted` are left; Redis replies from a scratch dict, in
        // no particular order.
        let mut slots: Vec<usize> = (0..size as usize).collect();
        while slots.len() as u64 > wanted {
            let victim = rng.below(slots.len() as u64) as usize;
            slots.swap_remove(victim);
        }
        return slots;
    }
    match h {
        // One pass of selection sampling keeps the listpack order (lpRandomPairsUnique).
        HashValue::Listpack(_) => {
            let mut out = Vec::with_capacity(wanted as usize);
            for i in 0..size {
                let left = wanted - out.len() as u64;
                if left == 0 {
                    break;
                }
                if rng.below(size - i) < left {
                    out.push(i as usize);
                }
            }
            out
        }
        HashValue::Table(_) => {
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
    }
}

#[cfg(test)]
mod tests {
    use crate::cmd::hashes::testutil::{decode, items, text};
    use crate::cmd::testing::Harness;

    #[test]
    fn argument_errors_and_trivial_cases() {
        let mut h = Harness::new();
        h.check(&[
            ("HRANDFIELD h", "$-1\r\n"),
            ("HRANDFIELD h 5", "*0\r\n"),
            ("HRANDFIELD h -5 WITHVALUES", "*0\r\n"),
            ("HRANDFIELD h x", "-ERR value is not an integer or out of range\r\n"),
            ("HRANDFIELD h 1 WITHVALUE", "-ERR syntax error\r\n"),
            ("HRANDFIELD h 1 WITHVALUES x", "-ERR syntax error\r\n"),
            (
                "HRANDFIELD h -9223372036854775808",
                "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n",
            ),
            ("HRANDFIELD h 4611686018427387904 WITHVALUES", "-ERR value is out of range\r\n"),
            ("HRANDFIELD h -4611686018427387904 WITHVALUES", "-ERR value is out of range\r\n"),
            ("HRANDFIELD h 4611686018427387903 WITHVALUES", "*0\r\n"),
            ("HSET h a 1", ":1\r\n"),
            ("HRANDFIELD h", "$1\r\na\r\n"),
            ("HRANDFIELD h 0", "*0\r\n"),
            ("HRANDFIELD h -2", "*2\r\n$1\r\na\r\n$1\r\na\r\n"),
            ("HRANDFIELD h 1 withvalues", "*2\r\n$1\r\na\r\n$1\r\n1\r\n"),
            ("SET s x", "+OK\r\n"),
            ("HRANDFIELD s", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("HRANDFIELD s 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ]);
        let mut h = Harness::new().resp3();
        h.check(&[
            ("HRANDFIELD h", "_\r\n"),
            ("HSET h a 1 b 2", ":2\r\n"),
            (
                "HRANDFIELD h 5 WITHVALUES",
                "*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n",
            ),
            ("HRANDFIELD h 5", "*2\r\n$1\r\na\r\n$1\r\nb\r\n"),
        ]);
    }

    #[test]
    fn counts_give_distinct_or_repeated_fields() {
        for (big, resp3) in [(false, false), (true, false), (false, true), (true, true)] {
            let mut h = if resp3 {
                Harness::new().resp3()
            } else {
                Harness::new()
            };
            let n = if big { 1000 } else { 100 };
            for i in 0..n {
                h.run(&["HSET", "h", &format!("f{i}"), &format!("v{i}")]);
            }
            let enc = h.run(&["OBJECT", "ENCODING", "h"]);
            assert!(enc.contains(if big { "hashtable" } else { "listpack" }));
            for count in [1i64, 5, 40, 90, n as i64, n as i64 + 5, -3, -500] {
                let reply = items(decode(&h.run(&[
                    "HRANDFIELD",
                    "h",
                    &count.to_string(),
                    "WITHVALUES",
                ])));
                let pairs: Vec<(String, String)> = if resp3 {
                    reply
                        .into_iter()
                        .map(|p| {
                            let p = items(p);
                            (text(&p[0]), text(&p[1]))
                        })
                        .collect()
                } else {
                    reply
                        .chunks(2)
                        .map(|c| (text(&c[0]), text(&c[1])))
                        .collect()
                };
                let want = if count < 0 {
                    (-count) as usize
                } else {
                    (count as usize).min(n)
                };
                assert_eq!(pairs.len(), want, "count {count}");
                for (f, v) in &pairs {
                    assert_eq!(f[1..], v[1..], "value belongs to its field");
                }
                let mut distinct: Vec<_> = pairs.iter().map(|p| &p.0).collect();
                distinct.sort();
                distinct.dedup();
                if count > 0 {
                    assert_eq!(distinct.len(), want, "distinct for {count}");
                }
            }
        }
    }

    #[test]
    fn listpack_samples_keep_listpack_order() {
        let mut h = Harness::new();
        for i in 0..100 {
            h.run(&["HSET", "h", &format!("f{i:03}"), "v"]);
        }
        let reply = items(decode(&h.run(&["HRANDFIELD", "h", "20"])));
        let got: Vec<String> = reply.iter().map(text).collect();
        let mut sorted = got.clone();
        sorted.sort();
        assert_eq!(got, sorted);
        let whole = items(decode(&h.run(&["HRANDFIELD", "h", "100"])));
        assert_eq!(text(&whole[0]), "f000");
        assert_eq!(text(&whole[99]), "f099");
    }
}
