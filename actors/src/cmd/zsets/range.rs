//! The engine behind ZRANGE, ZRANGESTORE, ZREVRANGE and the BYSCORE/BYLEX variants: Redis's
//! `zrangeGenericCommand`, from option parsing (whose order decides which error wins) to the
//! reply or the stored result.

use super::parse::{lex_range, score_range};
use crate::cmd::args::int_arg;
use crate::cmd::{Args, CmdError, Exec};
use crate::keyspace::zset::range::Range;
use crate::keyspace::zset::ZSetValue;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// ZRANGE/ZRANGESTORE: BYSCORE or BYLEX may pick, rank by default.
    Auto,
    Rank,
    Score,
    Lex,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    /// ZRANGE/ZRANGESTORE: REV may pick, forward by default.
    Auto,
    Forward,
    Reverse,
}

/// Runs a range command. `args` is at the source key (after the destination for a store).
pub fn range_generic(
    ex: &mut Exec,
    mut args: Args,
    dst: Option<&[u8]>,
    mut kind: Kind,
    mut dir: Dir,
) -> Result<(), CmdError> {
    let key = args.required()?;
    let (mut min, mut max) = (args.required()?, args.required()?);
    let (mut withscores, mut offset, mut limit) = (false, 0i64, -1i64);
    let rest = args.rest();
    let mut j = 0;
    while j < rest.len() {
        let opt = &rest[j][..];
        let is = |w: &str| opt.eq_ignore_ascii_case(w.as_bytes());
        if dst.is_none() && is("WITHSCORES") {
            withscores = true;
        } else if is("LIMIT") && rest.len() - j > 2 {
            offset = int_arg(&rest[j + 1])?;
            limit = int_arg(&rest[j + 2])?;
            j += 2;
        } else if dir == Dir::Auto && is("REV") {
            dir = Dir::Reverse;
        } else if kind == Kind::Auto && is("BYLEX") {
            kind = Kind::Lex;
        } else if kind == Kind::Auto && is("BYSCORE") {
            kind = Kind::Score;
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }
    let reverse = dir == Dir::Reverse;
    if kind == Kind::Auto {
        kind = Kind::Rank;
    }
    // As in Redis, `LIMIT x -1` is indistinguishable from no LIMIT.
    if limit != -1 && kind == Kind::Rank {
        return Err(CmdError::other(
            "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
        ));
    }
    if withscores && kind == Kind::Lex {
        return Err(CmdError::other(
            "ERR syntax error, WITHSCORES not supported in combination with BYLEX",
        ));
    }
    if reverse && kind != Kind::Rank {
        // Reverse ranges are written max first.
        std::mem::swap(&mut min, &mut max);
    }
    let select = match kind {
        Kind::Score => Select::By(Box::new(score_range(min, max)?)),
        Kind::Lex => Select::By(Box::new(lex_range(min, max)?)),
        _ => Select::Rank(int_arg(min)?, int_arg(max)?),
    };
    let (db, now) = (ex.session.db, ex.now);
    let z = super::read(ex.ks, db, key, now)?;
    let items = z.map_or_else(Vec::new, |z| select.run(z, reverse, offset, limit));
    match dst {
        None => super::reply_entries(&mut ex.out, items.into_iter(), withscores),
        Some(dst) => {
            let owned = items.into_iter().map(|(m, s)| (m.to_vec(), s)).collect();
            let z = ZSetValue::from_entries(owned, super::limits(ex));
            super::store(ex, dst, z, "zrangestore");
        }
    }
    Ok(())
}

/// What to take: a rank interval, or a score/lex range.
enum Select {
    Rank(i64, i64),
    By(Box<dyn Range>),
}

impl Select {
    fn run(self, z: &ZSetValue, reverse: bool, offset: i64, limit: i64) -> Vec<(&[u8], f64)> {
        let len = z.len() as i64;
        match self {
            Select::Rank(mut start, mut end) => {
                if start < 0 {
                    start += len;
                }
                if end < 0 {
                    end += len;
                }
                start = start.max(0);
                if start > end || start >= len {
                    return Vec::new();
                }
                end = end.min(len - 1);
                let from = if reverse { len - 1 - start } else { start };
                z.iter_from(from as usize, reverse)
                    .take((end - start + 1) as usize)
                    .collect()
            }
            Select::By(r) => {
                let first = if reverse {
                    z.last_in(r.as_ref())
                } else {
                    z.first_in(r.as_ref())
                };
                // A negative offset walks Redis's cursor off the end: nothing is returned.
                let (Some(first), Ok(offset)) = (first, usize::try_from(offset)) else {
                    return Vec::new();
                };
                // A negative limit means no limit.
                let limit = usize::try_from(limit).unwrap_or(usize::MAX);
                z.iter_from(first, reverse)
                    .skip(offset)
                    .take(limit)
                    .take_while(|(m, s)| {
                        if reverse {
                            r.gte_min(*s, m)
                        } else {
                            r.lte_max(*s, m)
                        }
                    })
                    .collect()
            }
        }
    }
}
