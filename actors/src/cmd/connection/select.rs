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
    let idx = args.i64()?;
    if idx < 0 || idx as usize >= ex.ks.dbs.len() {
        return Err(CmdError::DbIndexOutOfRange);
    }
    ex.session.db = idx as usize;
    ex.out.ok();
    Ok(())
}
