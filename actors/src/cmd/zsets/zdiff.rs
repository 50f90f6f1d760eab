//! ZDIFF numkeys key [key ...] [WITHSCORES]
//!
//! The members of the first input that are in none of the others, with their scores.

use super::setop::{setop_generic, Op, Output};
use crate::cmd::flags::*;
use crate::cmd::table::spec;
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "zdiff",
    -3,
    READONLY,
    (0, 0, 0),
    "sorted-set",
    "6.2.0",
    "Subtract multiple sorted sets",
    zdiff,
);

fn zdiff(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    setop_generic(ex, args, "zdiff", Op::Diff, Output::List)
}
