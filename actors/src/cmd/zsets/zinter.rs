//! ZINTER numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM | MIN | MAX] [WITHSCORES]
//!
//! The members of every input, scored by aggregating (SUM by default) their weighted scores.

use super::setop::{setop_generic, Op, Output};
use crate::cmd::flags::*;
use crate::cmd::table::spec;
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "zinter",
    -3,
    READONLY,
    (0, 0, 0),
    "sorted-set",
    "6.2.0",
    "Intersect multiple sorted sets",
    zinter,
);

fn zinter(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    setop_generic(ex, args, "zinter", Op::Inter, Output::List)
}
