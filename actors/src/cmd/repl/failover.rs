//! FAILOVER [TO host port [FORCE]] [TIMEOUT milliseconds] | FAILOVER ABORT
//!
//! A coordinated switch of roles with one of our replicas: writes are paused, the target is
//! waited for until it has acknowledged everything, then this server becomes its replica with a
//! `PSYNC ... FAILOVER` that makes it the master. With TIMEOUT the wait is bounded (FORCE then
//! goes ahead anyway); ABORT gives up.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, NO_KEYS};
use crate::cmd::{Args, CmdError, CommandSpec, Effect, Exec};
use crate::keyspace::value::parse_i64_strict;

pub const SPEC: CommandSpec = spec(
    "failover",
    -1,
    ADMIN | NOSCRIPT | STALE,
    NO_KEYS,
    "server",
    "6.2.0",
    "Start a coordinated failover between this server and one of its replicas.",
    failover,
);

/// What FAILOVER asked for, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailoverRequest {
    pub target: Option<(String, u16)>,
    pub force: bool,
    pub timeout_ms: u64,
}

fn failover(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    let a = args.rest();
    if a.len() == 1 && a[0].eq_ignore_ascii_case(b"abort") {
        if ex.ks.failover.is_none() {
            return Err(CmdError::other("ERR No failover in progress."));
        }
        ex.effect = Effect::FailoverAbort;
        ex.out.ok();
        return Ok(());
    }
    let (mut timeout, mut force, mut target) = (0i64, false, None);
    let mut j = 0;
    while j < a.len() {
        let more = a.len() - j - 1;
        if a[j].eq_ignore_ascii_case(b"timeout") && more >= 1 && timeout == 0 {
            timeout = parse_i64_strict(&a[j + 1]).ok_or(CmdError::NotInteger)?;
            if timeout <= 0 {
                return Err(CmdError::other(
                    "ERR FAILOVER timeout must be greater than 0",
                ));
            }
            j += 2;
        } else if a[j].eq_ignore_ascii_case(b"to") && more >= 2 && target.is_none() {
            let port = parse_i64_strict(&a[j + 2]).ok_or(CmdError::NotInteger)?;
            target = Some((String::from_utf8_lossy(&a[j + 1]).into_owned(), port));
            j += 3;
        } else if a[j].eq_ignore_ascii_case(b"force") && !force {
            force = true;
            j += 1;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    if ex.ks.failover.is_some() {
        return Err(CmdError::other("ERR FAILOVER already in progress."));
    }
    if ex.ks.repl.master.is_some() {
        return Err(CmdError::other(
            "ERR FAILOVER is not valid when server is a replica.",
        ));
    }
    let replicas = ex.server.repl.get().replicas;
    if replicas.is_empty() {
        return Err(CmdError::other("ERR FAILOVER requires connected replicas."));
    }
    if force && (timeout == 0 || target.is_none()) {
        return Err(CmdError::other(
            "ERR FAILOVER with force option requires both a timeout and target HOST and IP.",
        ));
    }
    let target = match target {
        Some((host, port)) => {
            let Some(r) = replicas
                .iter()
                .find(|r| r.ip == host && i64::from(r.port) == port)
            else {
                return Err(CmdError::other(
                    "ERR FAILOVER target HOST and PORT is not a replica.",
                ));
            };
            if r.state != "online" {
                return Err(CmdError::other(
                    "ERR FAILOVER target replica is not online.",
                ));
            }
            slog::info!(ex.server.log, "FAILOVER requested to {host}:{port}.");
            Some((host, r.port))
        }
        None => {
            slog::info!(ex.server.log, "FAILOVER requested to any replica.");
            None
        }
    };
    ex.effect = Effect::Failover(Box::new(FailoverRequest {
        target,
        force,
        timeout_ms: timeout as u64,
    }));
    ex.out.ok();
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn refusals_match_redis() {
        let mut h = Harness::new();
        h.check(&[
            ("FAILOVER ABORT", "-ERR No failover in progress.\r\n"),
            (
                "FAILOVER TIMEOUT 0",
                "-ERR FAILOVER timeout must be greater than 0\r\n",
            ),
            ("FAILOVER BOGUS", "-ERR syntax error\r\n"),
            ("FAILOVER", "-ERR FAILOVER requires connected replicas.\r\n"),
        ]);
        h.ks.repl.master = Some(("127.0.0.1".into(), 1));
        assert_eq!(
            h.run(&["FAILOVER"]),
            "-ERR FAILOVER is not valid when server is a replica.\r\n"
        );
    }
}
