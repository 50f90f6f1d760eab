//! ECHO message
//!
//! The message, as a bulk string.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, NO_KEYS};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "echo",
    2,
    FAST,
    NO_KEYS,
    "connection",
    "1.0.0",
    "Echo the given string",
    echo,
);

fn echo(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    ex.out.bulk(args.required()?);
    Ok(())
}
