//! BZPOPMIN key [key ...] timeout
//!
//! Pops the lowest-scored member of the first non-empty sorted set among the keys, replying [key, member, score]; waits up to `timeout` seconds (0: forever) when all are empty.

use crate::cmd::flags::*;
use crate::cmd::table::spec;
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "bzpopmin",
    -3,
    WRITE | NOSCRIPT | BLOCKING | FAST,
    (1, -2, 1),
    "sorted-set",
    "5.0.0",
    "Remove and return the member with the lowest score from one or more sorted sets, or block until one is available",
    bzpopmin,
);

fn bzpopmin(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    super::block::run(ex, args.all())
}
