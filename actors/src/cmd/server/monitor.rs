//! MONITOR
//!
//! The client gets `+OK`, then every command the server runs (its own included) as a
//! `+<unix secs>.<µs> [<db> <ip:port>] "arg" ...` line, built in `call()`. Like a replica in
//! Redis, a monitoring client can no longer run commands that touch the keyspace; RESET ends
//! the monitoring.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, NO_KEYS};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use std::sync::atomic::Ordering::Relaxed;

pub const SPEC: CommandSpec = spec(
    "monitor",
    1,
    ADMIN | NOSCRIPT | LOADING | STALE,
    NO_KEYS,
    "server",
    "1.0.0",
    "Listen for all requests received by the server in real time",
    monitor,
);

fn monitor(ex: &mut Exec, _: Args) -> Result<(), CmdError> {
    // Inside EXEC the client expects one reply per command (Redis's CLIENT_DENY_BLOCKING).
    if !ex.may_block {
        return Err(CmdError::other(
            "ERR MONITOR isn't allowed for DENY BLOCKING client",
        ));
    }
    // Already monitoring (or a replica): ignored, without a reply.
    if ex.session.replica_flagged() {
        return Ok(());
    }
    let Some(h) = ex.session.handle.clone() else {
        ex.out.ok();
        return Ok(());
    };
    ex.session.monitor = true;
    h.monitor.store(true, Relaxed);
    ex.ks.monitors.push(crate::trace::Monitor {
        id: ex.session.id,
        deliver: h.deliver.clone(),
    });
    ex.out.ok();
    Ok(())
}

/// RESET: the client stops monitoring.
pub fn stop(ex: &mut Exec) {
    if !ex.session.monitor {
        return;
    }
    ex.session.monitor = false;
    let id = ex.session.id;
    ex.ks.monitors.retain(|m| m.id != id);
    if let Some(h) = &ex.session.handle {
        h.monitor.store(false, Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;
    use crate::session::ReplRole;

    #[test]
    fn replica_flagged_clients_are_refused_the_keyspace() {
        let mut h = Harness::new();
        h.session.monitor = true;
        h.check(&[
            ("GET k", "-ERR Replica can't interact with the keyspace\r\n"),
            (
                "SET k v",
                "-ERR Replica can't interact with the keyspace\r\n",
            ),
            ("PING", "+PONG\r\n"),
        ]);
        // The pub/sub context is checked first, as in Redis.
        h.session.monitor = false;
        h.run(&["SUBSCRIBE", "c"]);
        h.session.monitor = true;
        h.check(&[(
            "PUBLISH c m",
            "-ERR Can't execute 'publish': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n",
        )]);
        h.run(&["UNSUBSCRIBE"]);
        // A replica of ours hears nothing back, but the refusal is counted, as in Redis.
        h.session.monitor = false;
        h.session.repl = ReplRole::Replica;
        assert_eq!(h.run(&["GET", "k"]), "");
        h.session.repl = ReplRole::Normal;
        let stats = h.run(&["INFO", "commandstats"]);
        assert!(
            stats.contains(
                "cmdstat_get:calls=0,usec=0,usec_per_call=0.00,rejected_calls=2,failed_calls=0"
            ),
            "{stats}"
        );
    }
}
