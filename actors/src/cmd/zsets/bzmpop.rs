//! BZMPOP timeout numkeys key [key ...] MIN | MAX [COUNT count]
//!
//! ZMPOP that waits up to `timeout` seconds (0: forever) when every key is empty.

use crate::cmd::flags::*;
use crate::cmd::table::spec;
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "bzmpop",
    -5,
    WRITE | BLOCKING,
    (0, 0, 0),
    "sorted-set",
    "7.0.0",
    "Remove and return members with scores in a sorted set or block until one is available",
    bzmpop,
);

fn bzmpop(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    super::block::run(ex, args.all())
}
