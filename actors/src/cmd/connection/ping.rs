//! PING [message]
//!
//! PONG, or the message as a bulk string.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, NO_KEYS};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "ping",
    -1,
    FAST | SENTINEL,
    NO_KEYS,
    "connection",
    "1.0.0",
    "Ping the server",
    ping,
);

fn ping(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    match args.rest() {
        [] => ex.out.simple("PONG"),
        [msg] => ex.out.bulk(msg),
        _ => return Err(CmdError::Arity("ping".into())),
    }
    Ok(())
}
