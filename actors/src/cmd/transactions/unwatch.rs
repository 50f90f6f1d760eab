//! UNWATCH
//!
//! Forgets every WATCHed key of the connection.

use super::unwatch_all;
use crate::cmd::flags::*;
use crate::cmd::table::{spec, NO_KEYS};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "unwatch",
    1,
    NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY,
    NO_KEYS,
    "transactions",
    "2.2.0",
    "Forget about all watched keys",
    unwatch,
);

fn unwatch(ex: &mut Exec, _: Args) -> Result<(), CmdError> {
    let watched = std::mem::take(&mut ex.session.watched);
    unwatch_all(ex.ks, ex.session.id, &watched);
    ex.out.ok();
    Ok(())
}
