//! SHUTDOWN [NOSAVE | SAVE] [NOW] [FORCE] [ABORT]
//!
//! Stops the server, saving the dataset first when save points are configured (or SAVE is
//! given) unless NOSAVE; ABORT answers as Redis does when no shutdown is in progress.

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
    // As Redis: save on the way out when asked to, or when save points are configured and
    // NOSAVE was not given; a failed save keeps the server up.
    slog::warn!(ex.server.log, "User requested shutdown...");
    let wants_save = save || (!nosave && !ex.server.config.tunables().save.is_empty());
    if wants_save {
        slog::info!(
            ex.server.log,
            "Saving the final RDB snapshot before exiting."
        );
        if !super::save::save_now(ex) {
            slog::warn!(ex.server.log, "Error trying to save the DB, can't exit.");
            return Err(CmdError::other(
                "ERR Errors trying to SHUTDOWN. Check logs.",
            ));
        }
    }
    ex.session.close_after_reply = true;
    ex.effect = Effect::Shutdown;
    Ok(())
}
