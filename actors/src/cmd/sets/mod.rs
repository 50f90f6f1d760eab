//! Set commands.

pub mod sadd;
pub mod scard;
pub mod sdiff;
pub mod sdiffstore;
pub mod sinter;
pub mod sintercard;
pub mod sinterstore;
pub mod sismember;
pub mod smembers;
pub mod smismember;
pub mod smove;
pub mod spop;
pub mod srandmember;
pub mod srem;
pub mod sscan;
pub mod sunion;
pub mod sunionstore;

use super::{CmdError, Exec};
use crate::keyspace::set::{Member, SetValue};
use crate::keyspace::state::Keyspace;
use crate::keyspace::value::{parse_i64_strict, Value};
use crate::notify;
use bytes::Bytes;
use protocol::ReplyWriter;

pub static COMMANDS: &[super::CommandSpec] = &[
    sadd::SPEC,
    scard::SPEC,
    sdiff::SPEC,
    sdiffstore::SPEC,
    sinter::SPEC,
    sintercard::SPEC,
    sinterstore::SPEC,
    sismember::SPEC,
    smembers::SPEC,
    smismember::SPEC,
    smove::SPEC,
    spop::SPEC,
    srandmember::SPEC,
    srem::SPEC,
    sscan::SPEC,
    sunion::SPEC,
    sunionstore::SPEC,
];

/// The set under `key` for reading, with the reply writer alongside so a reply can be written
/// straight from it. Counts a keyspace hit or miss, as Redis's `lookupKeyRead`.
pub fn read_set<'e, 'a>(
    ex: &'e mut Exec<'a>,
    key: &[u8],
) -> Result<(Option<&'e SetValue>, &'e mut ReplyWriter<'a>), CmdError> {
    let out = &mut ex.out;
    match ex.ks.read(ex.session.db, key, ex.now) {
        None => Ok((None, out)),
        Some(e) => match &e.value {
            Value::Set(s) => Ok((Some(s), out)),
            _ => Err(CmdError::WrongType),
        },
    }
}

/// The set under `key` for modifying, without hit/miss counting (`lookupKeyWrite`).
pub fn write_set<'e>(ex: &'e mut Exec, key: &[u8]) -> Result<Option<&'e mut SetValue>, CmdError> {
    match ex.ks.write(ex.session.db, key, ex.now) {
        None => Ok(None),
        Some(e) => match &mut e.value {
            Value::Set(s) => Ok(Some(s)),
            _ => Err(CmdError::WrongType),
        },
    }
}

/// `set-max-intset-entries`.
pub fn max_intset(ex: &Exec) -> u64 {
    ex.server.config.tunables().set_max_intset_entries
}

/// The count of SRANDMEMBER and HRANDFIELD: any i64 but the one whose negation overflows.
pub fn random_count(arg: &[u8]) -> Result<i64, CmdError> {
    let n = parse_i64_strict(arg).ok_or(CmdError::NotInteger)?;
    if n == i64::MIN {
        return Err(CmdError::other(
            "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
        ));
    }
    Ok(n)
}

/// Looks up every source key for reading as Redis's set algebra does: each lookup counts a
/// hit or miss, and any key of another type fails the whole command. Absent keys are `None`.
pub fn lookup_sets<'k>(
    ks: &'k mut Keyspace,
    db: usize,
    now: u64,
    keys: &[Bytes],
) -> Result<Vec<Option<&'k SetValue>>, CmdError> {
    for k in keys {
        if let Some(e) = ks.read(db, k, now) {
            if !matches!(e.value, Value::Set(_)) {
                return Err(CmdError::WrongType);
            }
        }
    }
    let d = &ks.dbs[db];
    Ok(keys
        .iter()
        .map(|k| match d.get(k).map(|e| &e.value) {
            Some(Value::Set(s)) => Some(s),
            _ => None,
        })
        .collect())
}

/// Writes a set, or any member list, as a RESP3 set reply.
pub fn reply_members<'m>(
    out: &mut ReplyWriter,
    members: impl ExactSizeIterator<Item = Member<'m>>,
) {
    out.set(members.len());
    for m in members {
        m.write(out);
    }
}

/// The members of the intersection of `sets` (all present), as Redis's `sinterGenericCommand`
/// walks them: the smallest set's members in its order (a stable sort, as glibc's qsort is
/// for these small arrays), kept when every other set has them. Stops at `limit` (0: none).
pub fn intersection<'s>(sets: &mut [&'s SetValue], limit: usize) -> Vec<Member<'s>> {
    sets.sort_by_key(|s| s.len());
    let first = sets[0];
    let mut found = Vec::new();
    for m in first.iter() {
        let everywhere = sets[1..]
            .iter()
            .all(|s| std::ptr::eq(*s, first) || s.contains_member(m));
        if everywhere {
            found.push(m);
            if found.len() == limit {
                break;
            }
        }
    }
    found
}

#[derive(Clone, Copy, PartialEq)]
pub enum SetOp {
    Union,
    Diff,
}

/// Redis's `sunionDiffGenericCommand` result: a fresh set, built by adding to an empty intset
/// exactly the members Redis adds (and for DIFF's second algorithm, removing), so that it ends
/// with the encoding Redis's would have.
pub fn union_diff(sets: &[Option<&SetValue>], op: SetOp, max_intset: u64) -> SetValue {
    let mut dst = SetValue::IntSet(Vec::new());
    match op {
        SetOp::Union => {
            for s in sets.iter().flatten() {
                for m in s.iter() {
                    dst.add_member(m, max_intset);
                }
            }
        }
        SetOp::Diff => {
            let Some(first) = sets[0] else { return dst };
            let others = &sets[1..];
            if others.iter().flatten().any(|s| std::ptr::eq(*s, first)) {
                return dst;
            }
            // Redis's work estimate: walking the first set against every other one, halved
            // for its better constants, versus adding the first and removing all the others.
            let present = sets.iter().flatten();
            let algo_one = present.clone().count() * first.len() / 2;
            let algo_two: usize = present.map(|s| s.len()).sum();
            if algo_one <= algo_two {
                for m in first.iter() {
                    if !others.iter().flatten().any(|s| s.contains_member(m)) {
                        dst.add_member(m, max_intset);
                    }
                }
            } else {
                for m in first.iter() {
                    dst.add_member(m, max_intset);
                }
                for s in others.iter().flatten() {
                    if dst.is_empty() {
                        break;
                    }
                    for m in s.iter() {
                        dst.remove(&m.to_vec());
                    }
                }
            }
        }
    }
    dst
}

/// The end of SINTERSTORE, SUNIONSTORE and SDIFFSTORE: a non-empty result replaces whatever
/// `dst` held (dropping its time to live); an empty one deletes `dst`. Replies with the size.
pub fn store(ex: &mut Exec, dst: &[u8], result: SetValue, event: &'static str) {
    let db = ex.session.db;
    let n = result.len();
    if n > 0 {
        // Redis's setKey looks the key up for writing first, which expires it if due.
        let existed = ex.ks.write(db, dst, ex.now).is_some();
        ex.ks.db(db).insert(dst, Value::Set(result), 0);
        if !existed {
            super::keys::notify_new(ex, db, dst);
        }
        ex.out.int(n as i64);
        ex.changed(notify::SET, event, dst);
        ex.ks.dirty += 1;
    } else {
        ex.out.int(0);
        // dbDelete, which removes the entry even when it is expired but not yet reclaimed.
        if ex.ks.db(db).remove(dst).is_some() {
            ex.ks.dirty += 1;
            ex.changed(notify::GENERIC, "del", dst);
        }
    }
}

/// The test-side view of a stored set.
#[cfg(test)]
pub fn set_of<'h>(h: &'h crate::cmd::testing::Harness, key: &str) -> &'h SetValue {
    match &h.ks.dbs[0].get(key.as_bytes()).expect("key exists").value {
        Value::Set(s) => s,
        _ => panic!("not a set"),
    }
}
