//! ZRANGEBYLEX key min max [LIMIT offset count]
//!
//! Members between two lex bounds, ascending.

use super::range::{range_generic, Dir, Kind};
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "zrangebylex",
    -4,
    READONLY,
    KEY1,
    "sorted-set",
    "2.8.9",
    "Return a range of members in a sorted set, by lexicographical range",
    zrangebylex,
);

fn zrangebylex(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    range_generic(ex, args, None, Kind::Lex, Dir::Forward)
}
