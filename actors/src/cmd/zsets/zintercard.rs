//! ZINTERCARD numkeys key [key ...] [LIMIT limit]
//!
//! How many members the intersection has, counting no further than `limit` (0: no limit).

use super::setop::{setop_generic, Op, Output};
use crate::cmd::flags::*;
use crate::cmd::table::spec;
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "zintercard",
    -3,
    READONLY,
    (0, 0, 0),
    "sorted-set",
    "7.0.0",
    "Intersect multiple sorted sets and return the cardinality of the result",
    zintercard,
);

fn zintercard(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    setop_generic(ex, args, "zintercard", Op::Inter, Output::Cardinality)
}
