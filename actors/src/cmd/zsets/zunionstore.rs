//! ZUNIONSTORE destination numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM | MIN | MAX]
//!
//! Stores ZUNION's result at `destination` and replies with its size (0 deletes it).

use super::setop::{setop_generic, Op, Output};
use crate::cmd::flags::*;
use crate::cmd::table::spec;
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "zunionstore",
    -4,
    WRITE | DENYOOM,
    (1, 1, 1),
    "sorted-set",
    "2.0.0",
    "Add multiple sorted sets and store the resulting sorted set in a new key",
    zunionstore,
);

fn zunionstore(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let dst = args.required()?;
    setop_generic(ex, args, "zunionstore", Op::Union, Output::Store(dst))
}
