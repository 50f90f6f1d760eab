//! The keyspace actor's FAILOVER: writes are paused, replicas asked to acknowledge, and once
//! the target has everything (or the timeout passes with FORCE) this server follows it with a
//! PSYNC that makes it the master. The pause ends when that PSYNC succeeds, or on abort.

use super::replication::Failover;
use super::KeyspaceActor;
use crate::cmd::repl::failover::FailoverRequest;
use crate::server::unix_ms;
use actix::prelude::*;

impl KeyspaceActor {
    pub(super) fn start_failover(&mut self, req: FailoverRequest, ctx: &mut Context<Self>) {
        let now = unix_ms();
        self.state.failover = Some(Failover {
            target: req.target,
            force: req.force,
            deadline_ms: if req.timeout_ms > 0 {
                now + req.timeout_ms
            } else {
                0
            },
            in_progress: false,
        });
        // Writes wait until the roles have switched (or the failover is given up): see
        // `Keyspace::holds`. No GETACK: its own bytes would put the offset out of the
        // replicas' reach; they acknowledge every second.
        self.failover_cron(ctx);
    }

    /// Redis's `updateFailoverStatus`: the timeout, and whether the target has caught up.
    pub(super) fn failover_cron(&mut self, ctx: &mut Context<Self>) {
        let Some(f) = self.state.failover.clone() else {
            return;
        };
        if f.in_progress {
            return;
        }
        let now = unix_ms();
        let offset = self.state.repl_offset_now();
        if f.deadline_ms != 0 && f.deadline_ms <= now {
            if let (true, Some((host, port))) = (f.force, f.target.clone()) {
                slog::info!(
                    self.log,
                    "FAILOVER to {host}:{port} time out exceeded, failing over."
                );
                self.hand_over(host, port, ctx);
            } else {
                self.abort_failover("Replica never caught up before timeout", ctx);
            }
            return;
        }
        let replicas = self.server.repl.get().replicas;
        let caught_up = replicas.iter().find(|r| {
            r.offset == offset
                && f.target
                    .as_ref()
                    .is_none_or(|(h, p)| *h == r.ip && *p == r.port)
        });
        if let Some(r) = caught_up {
            let (host, port) = (r.ip.clone(), r.port);
            slog::info!(
                self.log,
                "Failover target {host}:{port} is synced, failing over."
            );
            self.hand_over(host, port, ctx);
        }
    }

    fn hand_over(&mut self, host: String, port: u16, ctx: &mut Context<Self>) {
        if let Some(f) = &mut self.state.failover {
            f.in_progress = true;
            f.target = Some((host.clone(), port));
        }
        self.follow_for_failover(host, port, ctx);
    }

    /// FAILOVER ABORT, a timeout, or a target that refused: back to being a master.
    pub(super) fn abort_failover(&mut self, reason: &str, ctx: &mut Context<Self>) {
        let Some(f) = self.state.failover.take() else {
            return;
        };
        match &f.target {
            Some((h, p)) => slog::info!(self.log, "FAILOVER to {h}:{p} aborted: {reason}"),
            None => slog::info!(self.log, "FAILOVER to any replica aborted: {reason}"),
        }
        if f.in_progress {
            self.follow(None, None, ctx);
        }
        // Writes held for the handover go on (unless CLIENT PAUSE still holds them).
        self.apply_pause_change(ctx);
    }

    /// The target accepted our PSYNC: the failover is over.
    pub(super) fn failover_done(&mut self, ctx: &mut Context<Self>) {
        if self.state.failover.as_ref().is_some_and(|f| f.in_progress) {
            self.state.failover = None;
            self.apply_pause_change(ctx);
        }
    }
}
