//! ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count]
//!
//! Members with a score in [min, max], descending.

use super::range::{range_generic, Dir, Kind};
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "zrevrangebyscore",
    -4,
    READONLY,
    KEY1,
    "sorted-set",
    "2.2.0",
    "Return a range of members in a sorted set, by score, with scores ordered from high to low",
    zrevrangebyscore,
);

fn zrevrangebyscore(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    range_generic(ex, args, None, Kind::Score, Dir::Reverse)
}
