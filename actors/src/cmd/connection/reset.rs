//! RESET
//!
//! Puts the connection back as it was when it opened: db 0, RESP2, no name, and no longer
//! authenticated when a password is required. Answers +RESET.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, NO_KEYS};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use protocol::Resp;

pub const SPEC: CommandSpec = spec(
    "reset",
    1,
    NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | ALLOW_BUSY | TRANSACTION_CONTROL | PUBSUB_CONTEXT,
    NO_KEYS,
    "connection",
    "6.2.0",
    "Reset the connection",
    reset,
);

fn reset(ex: &mut Exec, _: Args) -> Result<(), CmdError> {
    // Out of any transaction, WATCH and subscription first, as Redis's clearClientConnectionState.
    crate::cmd::transactions::discard_state(ex);
    crate::cmd::pubsub::subscribe::drop_all(ex);
    crate::cmd::server::monitor::stop(ex);
    let s = &mut *ex.session;
    s.db = 0;
    s.resp = Resp::V2;
    s.authenticated = ex.server.config.tunables().requirepass.is_none();
    if let Some(h) = &s.handle {
        h.set_name(None);
    }
    // The reply goes out in the protocol the client now speaks.
    ex.out.set_resp(Resp::V2);
    ex.out.simple("RESET");
    Ok(())
}
