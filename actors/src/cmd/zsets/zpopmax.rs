//! ZPOPMAX key [count]
//!
//! Removes and returns the `count` (default 1) highest-scored members, highest first; reply
//! shapes as ZPOPMIN.

use super::zpopmin::zpop;
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "zpopmax",
    -2,
    WRITE | FAST,
    KEY1,
    "sorted-set",
    "5.0.0",
    "Remove and return members with the highest scores in a sorted set",
    zpopmax,
);

fn zpopmax(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    zpop(ex, args, true)
}
