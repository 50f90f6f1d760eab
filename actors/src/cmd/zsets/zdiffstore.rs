//! ZDIFFSTORE destination numkeys key [key ...]
//!
//! Stores ZDIFF's result at `destination` and replies with its size (0 deletes it).

use super::setop::{setop_generic, Op, Output};
use crate::cmd::flags::*;
use crate::cmd::table::spec;
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "zdiffstore",
    -4,
    WRITE | DENYOOM,
    (1, 1, 1),
    "sorted-set",
    "6.2.0",
    "Subtract multiple sorted sets and store the resulting sorted set in a new key",
    zdiffstore,
);

fn zdiffstore(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let dst = args.required()?;
    setop_generic(ex, args, "zdiffstore", Op::Diff, Output::Store(dst))
}
