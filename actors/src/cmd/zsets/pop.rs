//! Redis's `genericZpopCommand`, behind ZPOPMIN, ZPOPMAX, ZMPOP and the blocking pops: pops
//! from the first of `keys` holding a sorted set and replies in one of four shapes.

use crate::cmd::{CmdError, Exec};
use crate::notify;

/// How a pop replies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Lead with the key name (blocking pops and ZMPOP).
    pub emit_key: bool,
    /// [member, score] pairs instead of a flat list (ZMPOP, and ZPOPMIN/MAX with a count in
    /// RESP3).
    pub nested: bool,
    /// Nil (instead of an empty array) when there is nothing to pop.
    pub nil_when_empty: bool,
}

/// Pops up to `count` (-1: one, without a count) lowest or (`max`) highest members.
pub fn pop_generic<K: AsRef<[u8]>>(
    ex: &mut Exec,
    keys: &[K],
    max: bool,
    count: i64,
    shape: Shape,
) -> Result<(), CmdError> {
    let (db, now) = (ex.session.db, ex.now);
    let mut found = None;
    for k in keys {
        if super::write(ex.ks, db, k.as_ref(), now)?.is_some() {
            found = Some(k.as_ref());
            break;
        }
    }
    let Some(key) = found else {
        if shape.nil_when_empty {
            ex.out.null_array();
        } else {
            ex.out.array(0);
        }
        return Ok(());
    };
    if count == 0 {
        ex.out.array(0);
        return Ok(());
    }
    pop_from(ex, key, max, count.max(1) as usize, shape);
    if shape.emit_key {
        // The blocking pops and ZMPOP reach replicas as the plain pop: ZMPOP and BZMPOP with
        // the count asked for, BZPOPMIN/BZPOPMAX without one.
        let name: &[u8] = if max { b"ZPOPMAX" } else { b"ZPOPMIN" };
        let n = count.max(1).to_string();
        if shape.nested {
            ex.propagate_as(&[name, key, n.as_bytes()]);
        } else {
            ex.propagate_as(&[name, key]);
        }
    }
    Ok(())
}

/// Pops from `key`, which holds a non-empty sorted set, and writes the reply.
pub fn pop_from(ex: &mut Exec, key: &[u8], max: bool, count: usize, shape: Shape) {
    let (db, now) = (ex.session.db, ex.now);
    let Ok(Some(z)) = super::write(ex.ks, db, key, now) else {
        return;
    };
    let len = z.len();
    let n = count.min(len);
    let (start, end) = if max { (len - n, len - 1) } else { (0, n - 1) };
    let mut popped = Vec::with_capacity(n);
    z.remove_ranks(start, end, |m, s| popped.push((m, s)));
    if max {
        popped.reverse();
    }
    let out = &mut ex.out;
    match (shape.nested, shape.emit_key) {
        (false, false) => out.array(2 * n),
        (true, false) => out.array(n),
        (false, true) => {
            out.array(2 * n + 1);
            out.bulk(key);
        }
        (true, true) => {
            out.array(2);
            out.bulk(key);
            out.array(n);
        }
    }
    for (m, s) in &popped {
        if shape.nested {
            out.array(2);
        }
        out.bulk(m);
        out.double(*s);
    }
    ex.ks.dirty += n as u64;
    ex.changed(notify::ZSET, if max { "zpopmax" } else { "zpopmin" }, key);
    super::drop_if_empty(ex, key);
}
