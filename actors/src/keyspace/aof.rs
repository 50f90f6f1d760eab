//! The keyspace actor's side of the AOF: shipping each batch's propagated writes to the AOF
//! writer (waiting for its sync under `appendfsync always` before the client hears back), and
//! the rewrite's hand-offs.

use super::background::{rewrite_growth_due, Job, Running};
use super::propagate::{Op, Propagate};
use super::KeyspaceActor;
use crate::aof::writer::{AofLink, AofWriter, InstallBase, StartRewrite};
use crate::config::Tunables;
use crate::saver::Written;
use crate::server::unix_ms;
use actix::dev::RecipientRequest;
use actix::prelude::*;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;

/// End of a pass over the mailbox: ship the pass's writes and answer their batches once the
/// AOF writer has them.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Commit;

impl Handler<Commit> for KeyspaceActor {
    type Result = ();

    fn handle(&mut self, _: Commit, _: &mut Self::Context) {
        self.commit_scheduled = false;
        if self.aof.is_none() {
            self.stream_to_replicas();
            self.state.prop.take();
            return;
        }
        let waiting = std::mem::take(&mut self.committing);
        self.stream_to_replicas();
        // Sent even with nothing left to ship (the cron may have shipped this pass's writes
        // already): the writer answers it only once everything sent before is written.
        let ops: Arc<[Op]> = self.state.prop.take().into();
        let ack = self.aof.as_ref().map(|aof| {
            aof.mailbox.sent();
            aof.append.send(Propagate { ops })
        });
        actix::spawn(async move {
            if let Some(ack) = ack {
                let _ = ack.await;
            }
            for w in waiting {
                let _ = w.send(());
            }
        });
    }
}

impl KeyspaceActor {
    /// Sends what was propagated since the last call to the AOF writer and returns its
    /// acknowledgement, which the client's reply waits for: as in Redis, a client hears back
    /// only once its writes are in the file (and, under `appendfsync always`, synced), so
    /// killing the process never loses an acknowledged write.
    pub(super) fn ship(&mut self) -> Option<RecipientRequest<Propagate>> {
        self.stream_to_replicas();
        if self.state.prop.is_empty() {
            return None;
        }
        let ops: Arc<[Op]> = self.state.prop.take().into();
        let aof = self.aof.as_ref()?;
        aof.mailbox.sent();
        Some(aof.append.send(Propagate { ops }))
    }

    /// Group commit, as Redis's `beforeSleep`: the writes of every batch handled in one pass
    /// over the mailbox go to the AOF writer as one message once the pass ends, and each of
    /// those batches is answered when the writer has them in the file. Returns what the
    /// current batch's reply must wait for, if it wrote anything.
    pub(super) fn commit_later(
        &mut self,
        ctx: &mut Context<Self>,
    ) -> Option<tokio::sync::oneshot::Receiver<()>> {
        if self.state.prop.is_empty() || self.aof.is_none() {
            return None;
        }
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.committing.push(tx);
        if !self.commit_scheduled {
            self.commit_scheduled = true;
            // Handled after the messages already in the mailbox.
            ctx.notify(Commit);
        }
        Some(rx)
    }

    /// Ships without waiting: for writes no client is waiting on (expiry, timeouts).
    pub(super) fn ship_now(&mut self) {
        if let Some(ack) = self.ship() {
            actix::spawn(async move {
                let _ = ack.await;
            });
        }
    }

    /// The rewrite's snapshot begins: everything propagated so far belongs to the old files,
    /// everything after to a new incremental file.
    pub(super) fn aof_rewrite_begun(&mut self, _ctx: &mut Context<Self>) {
        self.ship_now();
        if let Some(aof) = &self.aof {
            aof.mailbox.sent();
            aof.start_rewrite.do_send(StartRewrite);
        }
    }

    /// The base is written: the AOF writer installs it, and the job ends with its answer.
    pub(super) fn aof_rewrite_written(
        &mut self,
        running: Running,
        _w: Written,
        ctx: &mut Context<Self>,
    ) {
        let tmp = super::jobs::temp_path(&self.server.config.tunables().dir, Job::AofRewrite);
        let Some(aof) = &self.aof else {
            self.rewrite_finished(running, Err("the AOF writer is not running".into()), ctx);
            return;
        };
        aof.mailbox.sent();
        let install = aof.install_base.send(InstallBase {
            tmp,
            rdb_preamble: self.snapshot_rdb,
        });
        ctx.spawn(install.into_actor(self).map(move |res, act, ctx| {
            let res = res.unwrap_or_else(|_| Err("the AOF writer stopped".into()));
            act.rewrite_finished(running, res, ctx);
        }));
    }

    fn rewrite_finished(
        &mut self,
        running: Running,
        res: Result<(), String>,
        ctx: &mut Context<Self>,
    ) {
        if self.state.bg.running != Some(running) {
            return;
        }
        let now = unix_ms();
        match res {
            Ok(()) => {
                slog::info!(self.log, "Background AOF rewrite terminated with success");
                slog::info!(self.log, "Background AOF rewrite finished successfully");
                self.state.bg.finish(true, now);
            }
            Err(e) => {
                slog::warn!(self.log, "{e}");
                slog::warn!(self.log, "Background AOF rewrite terminated with error");
                self.state.bg.finish(false, now);
            }
        }
        self.start_scheduled(ctx);
    }

    /// CONFIG SET appendonly: starts or stops appending, as Redis's `startAppendOnly` /
    /// `stopAppendOnly`.
    pub(super) fn apply_appendonly(&mut self, on: bool, ctx: &mut Context<Self>) {
        match (on, self.aof.is_some()) {
            (true, false) => {
                let mailbox = self.server.mailboxes.register("aof-writer/0");
                match AofWriter::open_waiting(self.server.clone(), mailbox) {
                    Ok(w) => {
                        let link = AofLink::spawn(w);
                        self.state.aof_status = Some(link.status.clone());
                        self.aof = Some(link);
                        self.state.prop.enabled = true;
                        if self.state.bg.running.is_some() {
                            slog::info!(self.log, "AOF was enabled but there is already another background operation. An AOF background was scheduled to start when possible.");
                            self.state.bg.rewrite_scheduled = true;
                        } else {
                            self.start_job(Job::AofRewrite, ctx);
                        }
                    }
                    Err(e) => slog::warn!(self.log, "Redis needs to enable the AOF but can't: {e}"),
                }
            }
            (false, true) => {
                if self.state.bg.runs(Job::AofRewrite) {
                    slog::info!(self.log, "Killing running AOF rewrite child");
                    self.kill_job();
                }
                self.state.bg.rewrite_scheduled = false;
                self.ship_now();
                if let Some(aof) = self.aof.take() {
                    aof.stop();
                }
                self.state.aof_status = None;
                self.state.prop.enabled = false;
            }
            _ => {}
        }
    }

    /// `auto-aof-rewrite-percentage`: rewrite once the AOF has grown enough since the last one.
    pub(super) fn auto_rewrite_cron(&mut self, t: &Tunables, ctx: &mut Context<Self>) {
        let Some(aof) = &self.aof else { return };
        if !t.appendonly {
            return;
        }
        let current = aof.status.current_size.load(Relaxed);
        let base = aof.status.base_size.load(Relaxed);
        if let Some(growth) = rewrite_growth_due(
            current,
            base,
            t.auto_aof_rewrite_percentage,
            t.auto_aof_rewrite_min_size,
        ) {
            slog::info!(
                self.log,
                "Starting automatic rewriting of AOF on {growth}% growth"
            );
            self.start_job(Job::AofRewrite, ctx);
        }
    }
}
