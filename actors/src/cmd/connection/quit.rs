//! QUIT
//!
//! +OK, then the server closes the connection once the reply is written.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, NO_KEYS};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "quit",
    -1,
    ALLOW_BUSY | NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | TRANSACTION_CONTROL | PUBSUB_CONTEXT,
    NO_KEYS,
    "connection",
    "1.0.0",
    "Close the connection",
    quit,
);

fn quit(ex: &mut Exec, _: Args) -> Result<(), CmdError> {
    ex.out.ok();
    ex.session.close_after_reply = true;
    Ok(())
}
