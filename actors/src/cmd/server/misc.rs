//! TIME | LASTSAVE | ROLE
//!
//! Small server queries.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, NO_KEYS};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::server::unix_us;

pub const TIME: CommandSpec = spec(
    "time",
    1,
    LOADING | STALE | FAST,
    NO_KEYS,
    "server",
    "2.6.0",
    "Return the current server time",
    time,
);

pub const LASTSAVE: CommandSpec = spec(
    "lastsave",
    1,
    LOADING | STALE | FAST,
    NO_KEYS,
    "server",
    "1.0.0",
    "Get the UNIX time stamp of the last successful save to disk",
    lastsave,
);

pub const ROLE: CommandSpec = spec(
    "role",
    1,
    NOSCRIPT | LOADING | STALE | FAST | SENTINEL,
    NO_KEYS,
    "server",
    "2.8.12",
    "Return the role of the instance in the context of replication",
    role,
);

fn time(ex: &mut Exec, _: Args) -> Result<(), CmdError> {
    let us = unix_us();
    ex.out.array(2);
    ex.out.bulk((us / 1_000_000).to_string().as_bytes());
    ex.out.bulk((us % 1_000_000).to_string().as_bytes());
    Ok(())
}

fn lastsave(ex: &mut Exec, _: Args) -> Result<(), CmdError> {
    ex.out.int(ex.ks.lastsave as i64);
    Ok(())
}

fn role(ex: &mut Exec, _: Args) -> Result<(), CmdError> {
    // A lone master until replication arrives: offset 0, no replicas.
    ex.out.array(3);
    ex.out.bulk(b"master");
    ex.out.int(0);
    ex.out.array(0);
    Ok(())
}
