//! PING [message]
//!
//! PONG, or the message as a bulk string.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, NO_KEYS};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "ping",
    -1,
    FAST | SENTINEL | PUBSUB_CONTEXT,
    NO_KEYS,
    "connection",
    "1.0.0",
    "Ping the server",
    ping,
);

fn ping(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    let msg = match args.rest() {
        [] => None,
        [msg] => Some(msg),
        _ => return Err(CmdError::Arity("ping".into())),
    };
    // A RESP2 subscriber cannot tell replies from messages, so it gets a `pong` message.
    if ex.session.in_resp2_pubsub() {
        ex.out.array(2);
        ex.out.bulk(b"pong");
        ex.out.bulk(msg.map_or(&b""[..], |m| &m[..]));
        return Ok(());
    }
    match msg {
        None => ex.out.simple("PONG"),
        Some(m) => ex.out.bulk(m),
    }
    Ok(())
}
