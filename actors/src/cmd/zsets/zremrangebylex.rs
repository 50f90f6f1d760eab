//! ZREMRANGEBYLEX key min max
//!
//! Removes the members between two lex bounds (`[a`, `(a`, `-`, `+`).
//! Replies with how many were removed; the key goes when it empties.

use super::remrange::{remrange_generic, By};
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "zremrangebylex",
    4,
    WRITE,
    KEY1,
    "sorted-set",
    "2.8.9",
    "Remove all members in a sorted set between the given lexicographical range",
    zremrangebylex,
);

fn zremrangebylex(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    remrange_generic(ex, args, By::Lex)
}
