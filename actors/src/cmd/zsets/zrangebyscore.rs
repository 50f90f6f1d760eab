//! ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count]
//!
//! Members with a score in [min, max], ascending.

use super::range::{range_generic, Dir, Kind};
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "zrangebyscore",
    -4,
    READONLY,
    KEY1,
    "sorted-set",
    "1.0.5",
    "Return a range of members in a sorted set, by score",
    zrangebyscore,
);

fn zrangebyscore(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    range_generic(ex, args, None, Kind::Score, Dir::Forward)
}
