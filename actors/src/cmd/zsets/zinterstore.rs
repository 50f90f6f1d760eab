//! ZINTERSTORE destination numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM | MIN | MAX]
//!
//! Stores ZINTER's result at `destination` and replies with its size (0 deletes it).

use super::setop::{setop_generic, Op, Output};
use crate::cmd::flags::*;
use crate::cmd::table::spec;
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "zinterstore",
    -4,
    WRITE | DENYOOM,
    (1, 1, 1),
    "sorted-set",
    "2.0.0",
    "Intersect multiple sorted sets and store the resulting sorted set in a new key",
    zinterstore,
);

fn zinterstore(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let dst = args.required()?;
    setop_generic(ex, args, "zinterstore", Op::Inter, Output::Store(dst))
}
