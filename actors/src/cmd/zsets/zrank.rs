//! ZRANK key member
//!
//! The 0-based position of `member` by ascending score, or nil.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "zrank",
    3,
    READONLY | FAST,
    KEY1,
    "sorted-set",
    "2.0.0",
    "Determine the index of a member in a sorted set",
    zrank,
);

fn zrank(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    rank_generic(ex, args, false)
}

/// ZRANK and ZREVRANK.
pub fn rank_generic(ex: &mut Exec, mut args: Args, reverse: bool) -> Result<(), CmdError> {
    let key = args.required()?;
    let member = args.required()?;
    let (db, now) = (ex.session.db, ex.now);
    let rank = super::read(ex.ks, db, key, now)?.and_then(|z| {
        z.rank(member)
            .map(|r| if reverse { z.len() - 1 - r } else { r })
    });
    match rank {
        Some(r) => ex.out.int(r as i64),
        None => ex.out.null(),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn zrank_and_zrevrank() {
        let mut h = Harness::new();
        h.check(&[
            ("ZRANK z a", "$-1\r\n"),
            ("ZADD z 1 a 2 b 3 c", ":3\r\n"),
            ("ZRANK z a", ":0\r\n"),
            ("ZRANK z c", ":2\r\n"),
            ("ZREVRANK z c", ":0\r\n"),
            ("ZREVRANK z a", ":2\r\n"),
            ("ZRANK z x", "$-1\r\n"),
        ]);
        let mut h = Harness::new().resp3();
        h.check(&[("ZREVRANK z a", "_\r\n")]);
    }
}
