//! MULTI
//!
//! Starts a transaction: the commands that follow are queued (each answered +QUEUED) until
//! EXEC or DISCARD.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, NO_KEYS};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "multi",
    1,
    NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY | TRANSACTION_CONTROL,
    NO_KEYS,
    "transactions",
    "1.2.0",
    "Mark the start of a transaction block",
    multi,
);

fn multi(ex: &mut Exec, _: Args) -> Result<(), CmdError> {
    if ex.session.multi.is_some() {
        return Err(CmdError::other("ERR MULTI calls can not be nested"));
    }
    ex.session.multi = Some(Vec::new());
    ex.session.multi_error = false;
    ex.out.ok();
    Ok(())
}
