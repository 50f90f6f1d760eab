//! SELECT index
//!
//! Switches the connection to database `index`.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, NO_KEYS};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "select",
    2,
    LOADING | STALE | FAST,
    NO_KEYS,
    "connection",
    "1.0.0",
    "Change the selected database for the current connection",
    select,
);

fn select(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    ex.session.db = crate::cmd::keys::db_index(ex, args.required()?)?;
    ex.out.ok();
    Ok(())
}
