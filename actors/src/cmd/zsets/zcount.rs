//! ZCOUNT key min max
//!
//! How many members have a score in [min, max]; `(` makes a bound exclusive, `-inf`/`+inf`
//! are open ends.

use super::parse::score_range;
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "zcount",
    4,
    READONLY | FAST,
    KEY1,
    "sorted-set",
    "2.0.0",
    "Count the members in a sorted set with scores within the given values",
    zcount,
);

fn zcount(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let range = score_range(args.required()?, args.required()?)?;
    let (db, now) = (ex.session.db, ex.now);
    let n = super::read(ex.ks, db, key, now)?.map_or(0, |z| z.count_in(&range));
    ex.out.int(n as i64);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn zcount_ranges() {
        let mut h = Harness::new();
        h.check(&[
            ("ZCOUNT z 0 1", ":0\r\n"),
            ("ZADD z 1 a 2 b 3 c 4 d", ":4\r\n"),
            ("ZCOUNT z -inf +inf", ":4\r\n"),
            ("ZCOUNT z 2 3", ":2\r\n"),
            ("ZCOUNT z (2 3", ":1\r\n"),
            ("ZCOUNT z (2 (3", ":0\r\n"),
            ("ZCOUNT z 3 2", ":0\r\n"),
            ("ZCOUNT z 1 x", "-ERR min or max is not a float\r\n"),
            ("ZCOUNT z nan 1", "-ERR min or max is not a float\r\n"),
            ("ZCOUNT z  (", ":0\r\n"),
        ]);
    }
}
