//! ZREVRANK key member
//!
//! The 0-based position of `member` by descending score, or nil.

use super::zrank::rank_generic;
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "zrevrank",
    3,
    READONLY | FAST,
    KEY1,
    "sorted-set",
    "2.0.0",
    "Determine the index of a member in a sorted set, with scores ordered from high to low",
    zrevrank,
);

fn zrevrank(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    rank_generic(ex, args, true)
}
