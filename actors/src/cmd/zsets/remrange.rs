//! The engine behind ZREMRANGEBYRANK, ZREMRANGEBYSCORE and ZREMRANGEBYLEX: Redis's
//! `zremrangeGenericCommand`.

use super::parse::{lex_range, score_range};
use crate::cmd::args::int_arg;
use crate::cmd::{Args, CmdError, Exec};
use crate::keyspace::zset::range::Range;
use crate::notify;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    Rank,
    Score,
    Lex,
}

pub fn remrange_generic(ex: &mut Exec, mut args: Args, by: By) -> Result<(), CmdError> {
    let key = args.required()?;
    let (a, b) = (args.required()?, args.required()?);
    // The range is parsed before the key is looked at, so its errors come first.
    let (what, event): (What, &'static str) = match by {
        By::Rank => (What::Rank(int_arg(a)?, int_arg(b)?), "zremrangebyrank"),
        By::Score => (What::By(Box::new(score_range(a, b)?)), "zremrangebyscore"),
        By::Lex => (What::By(Box::new(lex_range(a, b)?)), "zremrangebylex"),
    };
    let (db, now) = (ex.session.db, ex.now);
    let Some(z) = super::write(ex.ks, db, key, now)? else {
        ex.out.int(0);
        return Ok(());
    };
    let deleted = match what {
        What::Rank(mut start, mut end) => {
            let len = z.len() as i64;
            if start < 0 {
                start += len;
            }
            if end < 0 {
                end += len;
            }
            start = start.max(0);
            if start > end || start >= len {
                ex.out.int(0);
                return Ok(());
            }
            let before = z.len();
            z.remove_ranks(start as usize, end.min(len - 1) as usize, |_, _| {});
            before - z.len()
        }
        What::By(r) => z.remove_range(r.as_ref()),
    };
    if deleted > 0 {
        ex.changed(notify::ZSET, event, key);
        super::drop_if_empty(ex, key);
    }
    ex.ks.dirty += deleted as u64;
    ex.out.int(deleted as i64);
    Ok(())
}

enum What {
    Rank(i64, i64),
    By(Box<dyn Range>),
}
