//! ZLEXCOUNT key min max
//!
//! How many members lie between two lex bounds (`[a` inclusive, `(a` exclusive, `-` and `+`
//! the ends); meaningful when all scores are equal.

use super::parse::lex_range;
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "zlexcount",
    4,
    READONLY | FAST,
    KEY1,
    "sorted-set",
    "2.8.9",
    "Count the number of members in a sorted set between a given lexicographical range",
    zlexcount,
);

fn zlexcount(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let range = lex_range(args.required()?, args.required()?)?;
    let (db, now) = (ex.session.db, ex.now);
    let n = super::read(ex.ks, db, key, now)?.map_or(0, |z| z.count_in(&range));
    ex.out.int(n as i64);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn zlexcount_ranges() {
        let mut h = Harness::new();
        h.check(&[
            ("ZADD z 0 a 0 b 0 c 0 d", ":4\r\n"),
            ("ZLEXCOUNT z - +", ":4\r\n"),
            ("ZLEXCOUNT z [b [c", ":2\r\n"),
            ("ZLEXCOUNT z (b [c", ":1\r\n"),
            ("ZLEXCOUNT z + -", ":0\r\n"),
            ("ZLEXCOUNT z [c [b", ":0\r\n"),
            (
                "ZLEXCOUNT z b [c",
                "-ERR min or max not valid string range item\r\n",
            ),
            ("ZLEXCOUNT nokey - +", ":0\r\n"),
        ]);
    }
}
