//! REPLICAOF host port | NO ONE  (and its old name, SLAVEOF)
//!
//! Makes this server a replica of `host:port` (keeping its data until the first sync replaces
//! it), or a master again with NO ONE (keeping the data and, for PSYNC2, the history it
//! replicated, so other replicas can continue from it).

use crate::cmd::flags::*;
use crate::cmd::table::{spec, NO_KEYS};
use crate::cmd::{Args, CmdError, CommandSpec, Effect, Exec};
use crate::keyspace::value::parse_i64_strict;
use crate::session::ReplRole;

pub const REPLICAOF: CommandSpec = spec(
    "replicaof",
    3,
    ADMIN | NOSCRIPT | STALE,
    NO_KEYS,
    "server",
    "5.0.0",
    "Make the server a replica of another instance, or promote it as master.",
    replicaof,
);

pub const SLAVEOF: CommandSpec = spec(
    "slaveof",
    3,
    ADMIN | NOSCRIPT | STALE,
    NO_KEYS,
    "server",
    "1.0.0",
    "Make the server a replica of another instance, or promote it as master.",
    replicaof,
);

fn replicaof(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    if ex.session.repl == ReplRole::Replica {
        return Err(CmdError::other(
            "ERR Command is not valid when client is a replica.",
        ));
    }
    let a = args.rest();
    if a[0].eq_ignore_ascii_case(b"no") && a[1].eq_ignore_ascii_case(b"one") {
        if ex.ks.repl.master.is_some() {
            ex.effect = Effect::ReplicaOf(None);
            // At once, as Redis changes `masterhost` at once: a CONFIG REWRITE later in the
            // same transaction (Sentinel sends exactly that) must see it.
            ex.server.config.set_replicaof(None);
        }
        ex.out.ok();
        return Ok(());
    }
    let port = parse_i64_strict(&a[1])
        .filter(|p| (0..=65535).contains(p))
        .ok_or_else(|| CmdError::other("ERR Invalid master port"))? as u16;
    let host = String::from_utf8_lossy(&a[0]).into_owned();
    if let Some((h, p)) = &ex.ks.repl.master {
        if h.eq_ignore_ascii_case(&host) && *p == port {
            slog::info!(
                ex.server.log,
                "REPLICAOF would result into synchronization with the master we are already connected with. No operation performed."
            );
            ex.out.simple("OK Already connected to specified master");
            return Ok(());
        }
    }
    ex.server.config.set_replicaof(Some((host.clone(), port)));
    ex.effect = Effect::ReplicaOf(Some((host, port)));
    ex.out.ok();
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;
    use crate::cmd::Effect;

    #[test]
    fn replies_as_redis() {
        let mut h = Harness::new();
        h.check(&[
            ("REPLICAOF NO ONE", "+OK\r\n"),
            ("REPLICAOF 127.0.0.1 70000", "-ERR Invalid master port\r\n"),
            ("REPLICAOF 127.0.0.1 x", "-ERR Invalid master port\r\n"),
        ]);
        assert_eq!(h.run(&["SLAVEOF", "127.0.0.1", "6380"]), "+OK\r\n");
        assert_eq!(
            h.last_effect,
            Effect::ReplicaOf(Some(("127.0.0.1".into(), 6380)))
        );
        h.ks.repl.master = Some(("127.0.0.1".into(), 6380));
        assert_eq!(
            h.run(&["REPLICAOF", "127.0.0.1", "6380"]),
            "+OK Already connected to specified master\r\n"
        );
        assert_eq!(h.run(&["REPLICAOF", "no", "one"]), "+OK\r\n");
        assert_eq!(h.last_effect, Effect::ReplicaOf(None));
    }
}
