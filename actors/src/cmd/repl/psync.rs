//! PSYNC replicationid offset | SYNC
//!
//! A replica asks for the stream: from `offset` of history `replicationid` if the backlog still
//! holds it (a partial resync), otherwise from a fresh snapshot (a full resync; `PSYNC ? -1` asks
//! for one outright, and so does the old SYNC). The answer (`+CONTINUE` or `+FULLRESYNC` and the
//! payload) is written by the replica's link actor, so the connection becomes a replica here.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, NO_KEYS};
use crate::cmd::{Args, CmdError, CommandSpec, Effect, Exec};
use crate::keyspace::value::parse_i64_strict;
use crate::session::ReplRole;

pub const PSYNC: CommandSpec = spec(
    "psync",
    -3,
    ADMIN | NOSCRIPT | NO_MULTI,
    NO_KEYS,
    "server",
    "2.8.0",
    "Internal command used for replication",
    psync,
);

pub const SYNC: CommandSpec = spec(
    "sync",
    1,
    ADMIN | NOSCRIPT | NO_MULTI,
    NO_KEYS,
    "server",
    "1.0.0",
    "Internal command used for replication",
    sync,
);

/// The request: which history and where in it (`None`: SYNC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncRequest {
    pub replid: String,
    pub offset: i64,
    pub psync: bool,
    pub listening_port: u16,
    pub ip: Option<String>,
    pub capa_psync2: bool,
    /// `PSYNC <replid> <offset> FAILOVER`: our master hands over to us.
    pub failover: bool,
}

fn psync(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    let a = args.rest();
    let offset = parse_i64_strict(&a[1]).ok_or(CmdError::NotInteger)?;
    let replid = String::from_utf8_lossy(&a[0]).into_owned();
    let failover = a
        .get(2)
        .is_some_and(|w| w.eq_ignore_ascii_case(b"failover"));
    if failover && !replid.eq_ignore_ascii_case(&ex.ks.repl.history.replid) {
        return Err(CmdError::other(
            "ERR PSYNC FAILOVER replid must match my replid.",
        ));
    }
    request(ex, replid, offset, true, failover)
}

fn sync(ex: &mut Exec, _: Args) -> Result<(), CmdError> {
    request(ex, "?".into(), -1, false, false)
}

fn request(
    ex: &mut Exec,
    replid: String,
    offset: i64,
    psync: bool,
    failover: bool,
) -> Result<(), CmdError> {
    // A replica asking again is ignored, as Redis does.
    if ex.session.repl == ReplRole::Replica {
        return Ok(());
    }
    if ex.ks.repl.master.is_some() && !ex.ks.repl.link_up && !failover {
        return Err(CmdError::other(
            "NOMASTERLINK Can't SYNC while not connected with my master",
        ));
    }
    let (listening_port, ip, capa_psync2) = match std::mem::take(&mut ex.session.repl) {
        ReplRole::Handshaking {
            listening_port,
            ip,
            capa_psync2,
        } => (listening_port, ip, capa_psync2),
        _ => (0, None, false),
    };
    ex.session.repl = ReplRole::Replica;
    ex.effect = Effect::Psync(Box::new(SyncRequest {
        replid,
        offset,
        psync,
        listening_port,
        ip,
        capa_psync2,
        failover,
    }));
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;
    use crate::cmd::Effect;
    use crate::session::ReplRole;

    #[test]
    fn the_client_becomes_a_replica_and_hears_nothing() {
        let mut h = Harness::new();
        assert_eq!(h.run(&["REPLCONF", "listening-port", "7000"]), "+OK\r\n");
        assert_eq!(h.run(&["PSYNC", "?", "-1"]), "");
        assert_eq!(h.session.repl, ReplRole::Replica);
        let Effect::Psync(req) = &h.last_effect else {
            panic!("{:?}", h.last_effect)
        };
        assert_eq!(
            (req.replid.as_str(), req.offset, req.listening_port),
            ("?", -1, 7000)
        );
        assert_eq!(h.run(&["PING"]), "");
    }

    #[test]
    fn psync_needs_an_integer_offset() {
        let mut h = Harness::new();
        assert_eq!(
            h.run(&["PSYNC", "?", "x"]),
            "-ERR value is not an integer or out of range\r\n"
        );
    }
}
