//! DISCARD
//!
//! Drops the queued commands and every WATCH.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, NO_KEYS};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "discard",
    1,
    NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY | TRANSACTION_CONTROL,
    NO_KEYS,
    "transactions",
    "2.0.0",
    "Discard all commands issued after MULTI",
    discard,
);

fn discard(ex: &mut Exec, _: Args) -> Result<(), CmdError> {
    if ex.session.multi.is_none() {
        return Err(CmdError::other("ERR DISCARD without MULTI"));
    }
    super::discard_state(ex);
    ex.out.ok();
    Ok(())
}
