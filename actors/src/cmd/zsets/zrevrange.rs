//! ZREVRANGE key start stop [WITHSCORES]
//!
//! Members by rank, counted from the highest score.

use super::range::{range_generic, Dir, Kind};
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "zrevrange",
    -4,
    READONLY,
    KEY1,
    "sorted-set",
    "1.2.0",
    "Return a range of members in a sorted set, by index, with scores ordered from high to low",
    zrevrange,
);

fn zrevrange(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    range_generic(ex, args, None, Kind::Rank, Dir::Reverse)
}
