//! SHUTDOWN [NOSAVE | SAVE] [NOW] [FORCE] [ABORT]
//!
//! Stops the server. Nothing is persisted yet, so SAVE has nothing to write; ABORT answers as
//! Redis does when no shutdown is in progress.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, NO_KEYS};
use crate::cmd::{Args, CmdError, CommandSpec, Effect, Exec};

pub const SPEC: CommandSpec = spec(
    "shutdown",
    -1,
    ADMIN | NOSCRIPT | LOADING | STALE | NO_MULTI | SENTINEL | ALLOW_BUSY,
    NO_KEYS,
    "server",
    "1.0.0",
    "Synchronously save the dataset to disk and then shut down the server",
    shutdown,
);

fn shutdown(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let (mut nosave, mut save, mut abort) = (false, false, false);
    for a in args.by_ref() {
        match &a.to_ascii_lowercase()[..] {
            b"nosave" => nosave = true,
            b"save" => save = true,
            b"now" | b"force" => {}
            b"abort" => abort = true,
            _ => return Err(CmdError::Syntax),
        }
    }
    if (nosave && save) || (abort && (nosave || save || args.all().len() > 2)) {
        return Err(CmdError::Syntax);
    }
    if abort {
        return Err(CmdError::other("ERR No shutdown in progress."));
    }
    ex.session.close_after_reply = true;
    ex.effect = Effect::Shutdown;
    Ok(())
}
