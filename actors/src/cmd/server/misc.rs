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
    let st = ex.server.repl.get();
    match &st.master {
        None => {
            // Replicas' ports and offsets go out as bulk strings, as Redis sends them.
            ex.out.array(3);
            ex.out.bulk(b"master");
            ex.out.int(st.master_repl_offset);
            // Only replicas past their full sync are listed, as Redis lists them.
            let online: Vec<_> = st.replicas.iter().filter(|r| r.state == "online").collect();
            ex.out.array(online.len());
            for r in online {
                ex.out.array(3);
                ex.out.bulk(r.ip.as_bytes());
                ex.out.bulk(r.port.to_string().as_bytes());
                ex.out.bulk(r.offset.to_string().as_bytes());
            }
        }
        Some(m) => {
            ex.out.array(5);
            ex.out.bulk(b"slave");
            ex.out.bulk(m.host.as_bytes());
            ex.out.int(i64::from(m.port));
            ex.out.bulk(m.state.as_bytes());
            ex.out
                .int(if m.state == "connected" { m.offset } else { -1 });
        }
    }
    Ok(())
}
