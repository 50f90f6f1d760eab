//! SPOP key [count]
//!
//! Removes and returns random members of the set at `key`, deleting it once empty. Without
//! `count`: one member, nil when the key is absent. With `count`: a set of up to `count`
//! distinct members.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::keyspace::set::SetValue;
use crate::keyspace::value::parse_i64_strict;
use crate::notify;

pub const SPEC: CommandSpec = spec(
    "spop",
    -2,
    WRITE | FAST,
    KEY1,
    "set",
    "1.0.0",
    "Remove and return one or multiple random members from a set",
    spop,
);

/// When fewer than this many times the popped count would stay, Redis builds the remainder
/// as a new set rather than popping one by one (SPOP_MOVE_STRATEGY_MUL).
const MOVE_STRATEGY_MUL: u64 = 5;

fn spop(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let Some(count) = args.next() else {
        return pop_one(ex, key);
    };
    if !args.is_empty() {
        return Err(CmdError::Syntax);
    }
    let count = parse_i64_strict(count)
        .filter(|&n| n >= 0)
        .ok_or_else(|| CmdError::other("ERR value is out of range, must be positive"))?
        as u64;
    let Some(set) = super::write_set(ex, key)? else {
        ex.out.set(0);
        return Ok(());
    };
    if count == 0 {
        ex.out.set(0);
        return Ok(());
    }
    let size = set.len() as u64;
    let db = ex.session.db;
    ex.ks.notify(notify::SET, "spop", db, key);
    ex.ks.dirty += count.min(size);
    if count >= size {
        // Redis answers with SUNION of the one key (a read lookup, counted as a hit), so an
        // all-integer hashtable set comes out as a sorted intset would.
        let max = super::max_intset(ex);
        let sets = super::lookup_sets(ex.ks, db, ex.now, &[bytes::Bytes::copy_from_slice(key)])?;
        let all = super::union_diff(&sets, super::SetOp::Union, max);
        super::reply_members(&mut ex.out, all.iter());
        ex.ks.db(db).remove(key);
        ex.ks.notify(notify::GENERIC, "del", db, key);
        ex.ks.signal_modified(db, key);
        let del: &[u8] = if ex.server.config.tunables().lazyfree_lazy_server_del {
            b"UNLINK"
        } else {
            b"DEL"
        };
        ex.propagate_as(&[del, key]);
        return Ok(());
    }
    let mut rng = ex.ks.rng.clone();
    let max = super::max_intset(ex);
    let set = super::write_set(ex, key)?.expect("checked above");
    let remaining = size - count;
    let popped: Vec<Vec<u8>> = if remaining * MOVE_STRATEGY_MUL > count {
        (0..count)
            .map(|_| set.remove_index(rng.below(set.len() as u64) as usize))
            .collect()
    } else {
        let mut kept: Option<SetValue> = None;
        for _ in 0..remaining {
            let m = set.remove_index(rng.below(set.len() as u64) as usize);
            kept.get_or_insert_with(|| SetValue::for_member(&m))
                .add(&m, max);
        }
        let rest = std::mem::replace(set, kept.expect("remaining > 0"));
        rest.iter().map(|m| m.to_vec()).collect()
    };
    ex.ks.rng = rng;
    ex.out.set(popped.len());
    for m in &popped {
        ex.out.bulk(m);
    }
    ex.ks.signal_modified(db, key);
    // Random picks cannot be replayed: each member goes out as its own SREM (7.0 does not
    // batch them), wrapped in MULTI/EXEC with the rest.
    for m in &popped {
        ex.also_propagate(&[b"SREM", key, m]);
    }
    ex.propagate_nothing();
    Ok(())
}

fn pop_one(ex: &mut Exec, key: &[u8]) -> Result<(), CmdError> {
    let mut rng = ex.ks.rng.clone();
    let Some(set) = super::write_set(ex, key)? else {
        ex.out.null();
        return Ok(());
    };
    let m = set.remove_index(rng.below(set.len() as u64) as usize);
    let emptied = set.is_empty();
    ex.ks.rng = rng;
    let db = ex.session.db;
    ex.ks.notify(notify::SET, "spop", db, key);
    ex.out.bulk(&m);
    if emptied {
        ex.ks.db(db).remove(key);
        ex.ks.notify(notify::GENERIC, "del", db, key);
    }
    ex.ks.signal_modified(db, key);
    ex.ks.dirty += 1;
    ex.propagate_as(&[b"SREM", key, &m]);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::hashes::testutil::texts;
    use crate::cmd::hashes::testutil::{events, with_events};
    use crate::cmd::sets::set_of;
    use crate::cmd::testing::Harness;

    #[test]
    fn pops_one() {
        let mut h = with_events(Harness::new());
        h.check(&[
            ("SPOP s", "$-1\r\n"),
            ("SADD s a", ":1\r\n"),
            ("SPOP s", "$1\r\na\r\n"),
            ("EXISTS s", ":0\r\n"),
            ("SPOP s 1 2", "-ERR syntax error\r\n"),
            ("SET str x", "+OK\r\n"),
            (
                "SPOP str",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
        ]);
        assert_eq!(
            events(&h),
            ["new", "sadd", "spop", "del", "keymiss", "new", "set"]
        );
        let mut h = Harness::new().resp3();
        h.check(&[("SPOP s", "_\r\n"), ("SPOP s 2", "~0\r\n")]);
    }

    #[test]
    fn pops_with_count() {
        let mut h = with_events(Harness::new());
        h.check(&[
            ("SPOP s 3", "*0\r\n"),
            (
                "SPOP s -1",
                "-ERR value is out of range, must be positive\r\n",
            ),
            (
                "SPOP s x",
                "-ERR value is out of range, must be positive\r\n",
            ),
            ("SADD s 3 1 2", ":3\r\n"),
            ("SPOP s 0", "*0\r\n"),
            ("SPOP s 10", "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
            ("EXISTS s", ":0\r\n"),
            ("SADD t 1 x", ":2\r\n"),
            ("SREM t x", ":1\r\n"),
            ("SADD t 3 2", ":2\r\n"),
            ("SPOP t 3", "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
            ("SET str x", "+OK\r\n"),
            (
                "SPOP str 1",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
        ]);
        assert_eq!(
            events(&h),
            [
                "new", "sadd", "spop", "del", "keymiss", "new", "sadd", "srem", "sadd", "spop",
                "del", "new", "set"
            ]
        );
    }

    #[test]
    fn both_strategies_pop_distinct_members() {
        for (count, big) in [
            (10, false),
            (90, false),
            (99, false),
            (100, true),
            (990, true),
        ] {
            let mut h = Harness::new();
            let n = if big { 1000 } else { 100 };
            for i in 0..n {
                h.run(&["SADD", "s", &i.to_string()]);
            }
            h.run(&["EXPIRE", "s", "100"]);
            let mut got = texts(&h.run(&["SPOP", "s", &count.to_string()]));
            let before = got.len();
            got.sort();
            got.dedup();
            assert_eq!((before, got.len()), (count, count));
            assert_eq!(set_of(&h, "s").len(), n - count);
            for m in &got {
                assert_eq!(h.run(&["SISMEMBER", "s", m]), ":0\r\n");
            }
            assert_eq!(h.run(&["TTL", "s"]), ":100\r\n");
            assert_eq!(h.ks.dirty as usize, n + 1 + count);
        }
    }

    #[test]
    fn intset_pops_come_sorted_when_the_rest_is_rebuilt() {
        let mut h = Harness::new();
        h.run(&["SADD", "s", "5", "4", "3", "2", "1", "0"]);
        let got = texts(&h.run(&["SPOP", "s", "5"]));
        let mut sorted = got.clone();
        sorted.sort();
        assert_eq!(got, sorted);
        assert_eq!(set_of(&h, "s").encoding(), "intset");
    }
}
