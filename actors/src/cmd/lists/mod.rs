//! List commands, and the pieces they share: typed lookups, LEFT/RIGHT, popping with replies
//! and the bookkeeping after elements leave a list (Redis's `listElementsRemoved`).

pub mod blmove;
pub mod blmpop;
pub mod blocking;
pub mod blpop;
pub mod brpop;
pub mod brpoplpush;
pub mod lindex;
pub mod linsert;
pub mod llen;
pub mod lmove;
pub mod lmpop;
pub mod lpop;
pub mod lpos;
pub mod lpush;
pub mod lpushx;
pub mod lrange;
pub mod lrem;
pub mod lset;
pub mod ltrim;
pub mod rpop;
pub mod rpoplpush;
pub mod rpush;
pub mod rpushx;

pub static COMMANDS: &[super::CommandSpec] = &[
    blmove::SPEC,
    blmpop::SPEC,
    blpop::SPEC,
    brpop::SPEC,
    brpoplpush::SPEC,
    lindex::SPEC,
    linsert::SPEC,
    llen::SPEC,
    lmove::SPEC,
    lmpop::SPEC,
    lpop::SPEC,
    lpos::SPEC,
    lpush::SPEC,
    lpushx::SPEC,
    lrange::SPEC,
    lrem::SPEC,
    lset::SPEC,
    ltrim::SPEC,
    rpop::SPEC,
    rpoplpush::SPEC,
    rpush::SPEC,
    rpushx::SPEC,
];

use super::{Args, CmdError, Exec};
use crate::keyspace::db::Entry;
use crate::keyspace::list::{End, ListValue};
use crate::keyspace::state::Keyspace;
use crate::keyspace::value::{parse_i64_strict, Value};
use crate::notify;
use protocol::ReplyWriter;

fn as_list(e: Option<&mut Entry>) -> Result<Option<&mut ListValue>, CmdError> {
    match e {
        None => Ok(None),
        Some(e) => match &mut e.value {
            Value::List(l) => Ok(Some(l)),
            _ => Err(CmdError::WrongType),
        },
    }
}

/// The list under `key` for reading (Redis's `lookupKeyRead` + `checkType`): counts a hit or
/// miss; WRONGTYPE for other types.
pub fn read_list<'k>(
    ks: &'k mut Keyspace,
    db: usize,
    key: &[u8],
    now: u64,
) -> Result<Option<&'k mut ListValue>, CmdError> {
    as_list(ks.read(db, key, now))
}

/// The list under `key` for changing (`lookupKeyWrite` + `checkType`): no hit/miss counting.
pub fn write_list<'k>(
    ks: &'k mut Keyspace,
    db: usize,
    key: &[u8],
    now: u64,
) -> Result<Option<&'k mut ListValue>, CmdError> {
    as_list(ks.write(db, key, now))
}

/// The list under `key`, created empty when absent; WRONGTYPE for other types.
fn list_or_new<'k>(
    ks: &'k mut Keyspace,
    db: usize,
    key: &[u8],
    now: u64,
) -> Result<&'k mut ListValue, CmdError> {
    if write_list(ks, db, key, now)?.is_none() {
        ks.db(db).insert(key, Value::List(ListValue::new()), 0);
        // Redis's dbAdd: `new` comes before the push event.
        ks.notify(crate::notify::NEW, "new", db, key);
    }
    // Expiry and type were settled just above.
    match ks.db(db).get_mut(key).map(|e| &mut e.value) {
        Some(Value::List(l)) => Ok(l),
        _ => unreachable!("a list is there"),
    }
}

/// `LEFT` or `RIGHT`, any case; anything else is a syntax error.
pub fn parse_end(arg: &[u8]) -> Result<End, CmdError> {
    if arg.eq_ignore_ascii_case(b"left") {
        Ok(End::Head)
    } else if arg.eq_ignore_ascii_case(b"right") {
        Ok(End::Tail)
    } else {
        Err(CmdError::Syntax)
    }
}

pub fn pop_event(end: End) -> &'static str {
    match end {
        End::Head => "lpop",
        End::Tail => "rpop",
    }
}

pub fn push_event(end: End) -> &'static str {
    match end {
        End::Head => "lpush",
        End::Tail => "rpush",
    }
}

/// Redis's `getRangeLongFromObjectOrReply(c, arg, min, LONG_MAX, &v, msg)` with a message:
/// the same `msg` whether the argument is not a number or below `min`.
pub fn int_at_least(arg: &[u8], min: i64, msg: &str) -> Result<i64, CmdError> {
    match parse_i64_strict(arg) {
        Some(v) if v >= min => Ok(v),
        _ => Err(CmdError::other(msg)),
    }
}

/// Resolves LRANGE/LTRIM's inclusive `start`/`end` (negative from the tail) against `len`;
/// `None` for an empty range.
pub fn clamp_range(len: usize, start: i64, end: i64) -> Option<(usize, usize)> {
    let len = len as i64;
    let start = if start < 0 {
        (len + start).max(0)
    } else {
        start
    };
    let end = if end < 0 { len + end } else { end };
    if start > end || start >= len {
        return None;
    }
    Some((start as usize, end.min(len - 1) as usize))
}

/// Pops up to `count` elements from `end`, replying with them as an array in popping order.
/// Returns how many were popped.
pub fn pop_many(out: &mut ReplyWriter, list: &mut ListValue, end: End, count: usize) -> usize {
    let n = count.min(list.len());
    out.array(n);
    if n == 0 {
        return 0;
    }
    let len = list.len();
    match end {
        End::Head => {
            for e in list.range(0, n - 1) {
                out.bulk(e);
            }
            list.trim(n, 0);
        }
        End::Tail => {
            for e in list.range(len - n, len - 1).rev() {
                out.bulk(e);
            }
            list.trim(0, n);
        }
    }
    n
}

/// Redis's `listElementsRemoved`: the pop event, the key's removal once empty, and `count`
/// changes for `dirty`.
pub fn elements_removed(ex: &mut Exec, key: &[u8], end: End, count: usize) {
    ex.changed(notify::LIST, pop_event(end), key);
    delete_if_empty(ex, key, false);
    ex.ks.dirty += count as u64;
}

/// Removes `key` if it holds an empty list (Redis never keeps one). `served`: on behalf of a
/// woken client, where Redis only notifies: the push that woke it already signalled the key.
pub fn delete_if_empty(ex: &mut Exec, key: &[u8], served: bool) {
    let db = ex.db();
    let empty = matches!(ex.ks.db(db).get(key), Some(e) if matches!(&e.value, Value::List(l) if l.is_empty()));
    if empty {
        ex.ks.db(db).remove(key);
        if served {
            ex.ks.notify(notify::GENERIC, "del", db, key);
        } else {
            ex.changed(notify::GENERIC, "del", key);
        }
    }
}

/// The first of `keys` holding a non-empty list, as the multi-key pops scan them: absent keys
/// are skipped, another type is WRONGTYPE (even when a later key has elements).
pub fn first_nonempty<'k>(
    ex: &mut Exec,
    keys: impl IntoIterator<Item = &'k [u8]>,
) -> Result<Option<&'k [u8]>, CmdError> {
    let (db, now) = (ex.db(), ex.now);
    for key in keys {
        if let Some(l) = write_list(ex.ks, db, key, now)? {
            if !l.is_empty() {
                return Ok(Some(key));
            }
        }
    }
    Ok(None)
}

/// Pops up to `count` elements from the list at `key` (present and non-empty), replying
/// `[key, [elements]]` as LMPOP does.
pub fn pop_with_key(ex: &mut Exec, key: &[u8], end: End, count: usize) {
    let (db, now) = (ex.db(), ex.now);
    ex.out.array(2);
    ex.out.bulk(key);
    let list = write_list(ex.ks, db, key, now)
        .ok()
        .flatten()
        .expect("caller checked the list");
    let n = pop_many(&mut ex.out, list, end, count);
    elements_removed(ex, key, end, n);
    // LMPOP and BLMPOP go out as the pop they did, with the count that was served.
    let n = n.to_string();
    ex.propagate_as(&[pop_name(end), key, n.as_bytes()]);
}

/// The plain pop a blocking or multi-key pop is propagated as.
pub fn pop_name(end: End) -> &'static [u8] {
    match end {
        End::Head => b"LPOP",
        End::Tail => b"RPOP",
    }
}

/// LPUSH, RPUSH, LPUSHX, RPUSHX: pushes every element in argument order and replies with the
/// new length. `only_existing` (the X forms) replies 0 for an absent key instead of creating it.
pub fn push_generic(
    ex: &mut Exec,
    mut args: Args,
    end: End,
    only_existing: bool,
) -> Result<(), CmdError> {
    let key = args.required()?;
    let (db, now) = (ex.db(), ex.now);
    let list = if only_existing {
        match write_list(ex.ks, db, key, now)? {
            Some(l) => l,
            None => {
                ex.out.int(0);
                return Ok(());
            }
        }
    } else {
        list_or_new(ex.ks, db, key, now)?
    };
    let mut pushed = 0;
    for v in args {
        list.push(end, v);
        pushed += 1;
    }
    let len = list.len();
    ex.ks.dirty += pushed;
    ex.out.int(len as i64);
    ex.changed(notify::LIST, push_event(end), key);
    Ok(())
}

/// LPOP and RPOP: `key [count]`. Without a count, one element as a bulk string (nil when
/// absent); with one, an array of up to `count` elements (a nil array when absent).
pub fn pop_generic(ex: &mut Exec, args: Args, end: End, name: &str) -> Result<(), CmdError> {
    let rest = args.rest();
    if rest.len() > 2 {
        return Err(CmdError::Arity(name.into()));
    }
    let key = &rest[0][..];
    let count = match rest.get(1) {
        Some(a) => {
            Some(int_at_least(a, 0, "ERR value is out of range, must be positive")? as usize)
        }
        None => None,
    };
    let (db, now) = (ex.db(), ex.now);
    let Some(list) = write_list(ex.ks, db, key, now)? else {
        match count {
            Some(_) => ex.out.null_array(),
            None => ex.out.null(),
        }
        return Ok(());
    };
    let popped = match count {
        // Nothing to pop: not even an event.
        Some(0) => {
            ex.out.array(0);
            return Ok(());
        }
        Some(n) => pop_many(&mut ex.out, list, end, n),
        None => {
            let v = list.pop(end).expect("lists are never empty");
            ex.out.bulk(&v);
            1
        }
    };
    elements_removed(ex, key, end, popped);
    Ok(())
}

/// LMOVE and friends: pops from `from` of `src` and pushes onto `to` of `dst`, replying with
/// the element. `Ok(false)` (nothing written) when `src` has no elements. `served`: on behalf
/// of a woken BLMOVE, which Redis does without signalling `src` or counting a change.
pub fn move_element(
    ex: &mut Exec,
    src: &[u8],
    dst: &[u8],
    from: End,
    to: End,
    served: bool,
) -> Result<bool, CmdError> {
    let (db, now) = (ex.db(), ex.now);
    match write_list(ex.ks, db, src, now)? {
        Some(l) if !l.is_empty() => {}
        _ => return Ok(false),
    }
    // The destination's type is checked before anything moves.
    write_list(ex.ks, db, dst, now)?;
    let value = write_list(ex.ks, db, src, now)?
        .and_then(|l| l.pop(from))
        .expect("checked above");
    list_or_new(ex.ks, db, dst, now)?.push(to, &value);
    ex.changed(notify::LIST, push_event(to), dst);
    ex.out.bulk(&value);
    if served {
        ex.ks.notify(notify::LIST, pop_event(from), db, src);
        delete_if_empty(ex, src, true);
    } else {
        ex.changed(notify::LIST, pop_event(from), src);
        delete_if_empty(ex, src, false);
        ex.ks.dirty += 1;
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_clamp_like_redis() {
        type Case = (usize, i64, i64, Option<(usize, usize)>);
        let table: &[Case] = &[
            (5, 0, -1, Some((0, 4))),
            (5, 1, 2, Some((1, 2))),
            (5, -2, 100, Some((3, 4))),
            (5, -100, 0, Some((0, 0))),
            (5, 3, 2, None),
            (5, 5, 10, None),
            (5, 0, -6, None),
            (0, 0, -1, None),
            (5, i64::MIN, i64::MAX, Some((0, 4))),
            (5, i64::MAX, i64::MIN, None),
        ];
        for (len, s, e, want) in table {
            assert_eq!(clamp_range(*len, *s, *e), *want, "{len} {s} {e}");
        }
    }

    #[test]
    fn ends_parse_case_insensitively() {
        assert_eq!(parse_end(b"LeFt"), Ok(End::Head));
        assert_eq!(parse_end(b"right"), Ok(End::Tail));
        assert_eq!(parse_end(b"up"), Err(CmdError::Syntax));
    }
}
