//! The engine behind ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD: Redis's
//! `zunionInterDiffGenericCommand`. Inputs may be sorted sets or plain sets (every member
//! scoring 1); missing keys are empty.

use super::parse::{long_in, parse_double};
use crate::cmd::args::int_arg;
use crate::cmd::{Args, CmdError, Exec};
use crate::keyspace::set::SetValue;
use crate::keyspace::value::Value;
use crate::keyspace::zset::{order, ZSetValue};
use std::borrow::Cow;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Union,
    Inter,
    Diff,
}

/// What a STORE form or ZINTERCARD does with the result instead of listing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output<'a> {
    List,
    Store(&'a [u8]),
    Cardinality,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Aggregate {
    Sum,
    Min,
    Max,
}

/// One input, read-only.
enum Src<'a> {
    Missing,
    Z(&'a ZSetValue),
    S(&'a SetValue),
}

impl<'a> Src<'a> {
    fn len(&self) -> usize {
        match self {
            Src::Missing => 0,
            Src::Z(z) => z.len(),
            Src::S(s) => s.len(),
        }
    }

    fn entries(&self) -> Box<dyn Iterator<Item = (Cow<'a, [u8]>, f64)> + 'a> {
        match *self {
            Src::Missing => Box::new(std::iter::empty()),
            Src::Z(z) => Box::new(z.iter().map(|(m, s)| (Cow::Borrowed(m), s))),
            Src::S(s) => Box::new(s.iter().map(|m| (Cow::Owned(m.to_vec()), 1.0))),
        }
    }

    fn find(&self, member: &[u8]) -> Option<f64> {
        match self {
            Src::Missing => None,
            Src::Z(z) => z.score(member),
            Src::S(s) => s.contains(member).then_some(1.0),
        }
    }
}

fn aggregate(target: &mut f64, v: f64, how: Aggregate) {
    match how {
        Aggregate::Sum => {
            *target += v;
            // inf + -inf: Redis's convention is 0.
            if target.is_nan() {
                *target = 0.0;
            }
        }
        // NaN compares false both ways, so it never replaces the current value.
        Aggregate::Min if v < *target => *target = v,
        Aggregate::Max if v > *target => *target = v,
        _ => {}
    }
}

/// Runs the operation. `args` is at `numkeys`; `name` is the command's name for the numkeys
/// error.
pub fn setop_generic(
    ex: &mut Exec,
    mut args: Args,
    name: &str,
    op: Op,
    output: Output,
) -> Result<(), CmdError> {
    let numkeys = int_arg(args.required()?)?;
    if numkeys < 1 {
        return Err(CmdError::other(format!(
            "ERR at least 1 input key is needed for '{name}' command"
        )));
    }
    let rest = args.rest();
    if numkeys as u64 > rest.len() as u64 {
        return Err(CmdError::Syntax);
    }
    let (keys, opts) = rest.split_at(numkeys as usize);
    let (db, now) = (ex.session.db, ex.now);
    // Every key is looked up (and type-checked) before the options are parsed.
    for k in keys {
        match ex.ks.read(db, k, now).map(|e| &e.value) {
            None | Some(Value::ZSet(_)) | Some(Value::Set(_)) => {}
            Some(_) => return Err(CmdError::WrongType),
        }
    }
    let card = output == Output::Cardinality;
    let mut weights = vec![1.0; keys.len()];
    let (mut how, mut withscores, mut limit) = (Aggregate::Sum, false, 0usize);
    let mut i = 0;
    while i < opts.len() {
        let left = opts.len() - i;
        let is = |w: &str| opts[i].eq_ignore_ascii_case(w.as_bytes());
        if op != Op::Diff && !card && left > keys.len() && is("WEIGHTS") {
            for (w, a) in weights.iter_mut().zip(&opts[i + 1..]) {
                *w = parse_double(a)
                    .ok_or_else(|| CmdError::other("ERR weight value is not a float"))?;
            }
            i += 1 + keys.len();
        } else if op != Op::Diff && !card && left >= 2 && is("AGGREGATE") {
            let v = &opts[i + 1];
            how = if v.eq_ignore_ascii_case(b"SUM") {
                Aggregate::Sum
            } else if v.eq_ignore_ascii_case(b"MIN") {
                Aggregate::Min
            } else if v.eq_ignore_ascii_case(b"MAX") {
                Aggregate::Max
            } else {
                return Err(CmdError::Syntax);
            };
            i += 2;
        } else if output == Output::List && is("WITHSCORES") {
            withscores = true;
            i += 1;
        } else if card && left >= 2 && is("LIMIT") {
            limit = long_in(&opts[i + 1], 0, i64::MAX, "LIMIT can't be negative")? as usize;
            i += 2;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    let d = &ex.ks.dbs[db];
    let mut srcs: Vec<(Src, f64)> = keys
        .iter()
        .zip(weights)
        .map(|(k, w)| {
            let src = match d.get(k).map(|e| &e.value) {
                Some(Value::ZSet(z)) => Src::Z(z),
                Some(Value::Set(s)) => Src::S(s),
                _ => Src::Missing,
            };
            (src, w)
        })
        .collect();
    if op != Op::Diff {
        // Smallest first: intersections then probe the fewest candidates.
        srcs.sort_by_key(|(s, _)| s.len());
    }
    if card {
        let n = intersect(&srcs, how, limit).len();
        ex.out.int(n as i64);
        return Ok(());
    }
    let mut result = match op {
        Op::Union => union(&srcs, how),
        Op::Inter => intersect(&srcs, how, 0),
        Op::Diff => diff(&srcs),
    };
    match output {
        Output::Store(dst) => {
            let owned = result
                .into_iter()
                .map(|(m, s)| (m.into_owned(), s))
                .collect();
            let z = ZSetValue::from_entries(owned, super::limits(ex));
            let event = match op {
                Op::Union => "zunionstore",
                Op::Inter => "zinterstore",
                Op::Diff => "zdiffstore",
            };
            super::store(ex, dst, z, event);
        }
        _ => {
            result.sort_by(|a, b| order((&a.0, a.1), (&b.0, b.1)));
            let items = result.iter().map(|(m, s)| (&m[..], *s));
            super::reply_entries(&mut ex.out, items, withscores);
        }
    }
    Ok(())
}

type Entries<'a> = Vec<(Cow<'a, [u8]>, f64)>;

/// A weighted score, where 0 * inf counts as 0.
fn weighted(w: f64, s: f64) -> f64 {
    let v = w * s;
    if v.is_nan() {
        0.0
    } else {
        v
    }
}

fn union<'a>(srcs: &[(Src<'a>, f64)], how: Aggregate) -> Entries<'a> {
    let mut acc: HashMap<Cow<'a, [u8]>, f64> =
        HashMap::with_capacity(srcs.last().map_or(0, |(s, _)| s.len()));
    for (src, w) in srcs {
        for (m, s) in src.entries() {
            let v = weighted(*w, s);
            match acc.get_mut(&m[..]) {
                Some(t) => aggregate(t, v, how),
                None => {
                    acc.insert(m, v);
                }
            }
        }
    }
    acc.into_iter().collect()
}

/// The members of every input; stops after `limit` of them when `limit` is not 0.
fn intersect<'a>(srcs: &[(Src<'a>, f64)], how: Aggregate, limit: usize) -> Entries<'a> {
    let mut out = Vec::new();
    let Some(((first, w0), others)) = srcs.split_first() else {
        return out;
    };
    'members: for (m, s) in first.entries() {
        let mut score = weighted(*w0, s);
        for (src, w) in others {
            match src.find(&m) {
                Some(v) => aggregate(&mut score, v * w, how),
                None => continue 'members,
            }
        }
        out.push((m, score));
        if limit != 0 && out.len() >= limit {
            break;
        }
    }
    out
}

fn diff<'a>(srcs: &[(Src<'a>, f64)]) -> Entries<'a> {
    let Some(((first, _), others)) = srcs.split_first() else {
        return Vec::new();
    };
    first
        .entries()
        .filter(|(m, _)| others.iter().all(|(src, _)| src.find(m).is_none()))
        .collect()
}
