//! ZREMRANGEBYSCORE key min max
//!
//! Removes the members with a score in [min, max] (`(` for exclusive bounds).
//! Replies with how many were removed; the key goes when it empties.

use super::remrange::{remrange_generic, By};
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "zremrangebyscore",
    4,
    WRITE,
    KEY1,
    "sorted-set",
    "1.2.0",
    "Remove all members in a sorted set within the given scores",
    zremrangebyscore,
);

fn zremrangebyscore(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    remrange_generic(ex, args, By::Score)
}
