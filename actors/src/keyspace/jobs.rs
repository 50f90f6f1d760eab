//! The keyspace actor's background jobs: it walks the snapshot a slice at a time, yielding to
//! the clients in between, hands the bytes to the snapshot writer, and records the outcome as
//! Redis records a child's exit. Save points and scheduled jobs are checked from the cron.

use super::background::{due_save_point, Job, Running};
use super::snapshot::Snapshot;
use super::KeyspaceActor;
use crate::rdb::RdbOptions;
use crate::saver::{FinishFile, OpenFile, SaveError, WriteChunk, Written};
use crate::server::unix_ms;
use actix::prelude::*;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// How long one slice of the walk may hold the keyspace: a client waits at most about this
/// long behind it.
const SLICE: Duration = Duration::from_micros(100);
/// Slots visited between clock reads.
const STEP_SLOTS: usize = 128;
/// Bytes gathered before they go to the writer.
const CHUNK: usize = 256 * 1024;

impl KeyspaceActor {
    /// Begins `job` now. The caller has checked that nothing else runs.
    pub(super) fn start_job(&mut self, job: Job, ctx: &mut Context<Self>) {
        let t = self.server.config.tunables();
        let now = unix_ms();
        if let Job::ReplSync { diskless } = job {
            self.sync_targets = self.sync_point(diskless);
            slog::info!(
                self.log,
                "Starting BGSAVE for SYNC with target: {}",
                if diskless { "replicas sockets" } else { "disk" }
            );
        }
        let streamed = matches!(job, Job::ReplSync { diskless: true });
        let saver = self.saver.as_ref().filter(|_| !streamed);
        if saver.is_none() && !streamed {
            slog::warn!(
                self.log,
                "Background saving is not available: no snapshot writer"
            );
            let running = Running {
                job,
                started_ms: now,
                dirty_at_start: self.state.dirty,
            };
            self.state.bg.running = Some(running);
            self.job_done(running, Err(SaveError::NotOpen), ctx);
            return;
        }
        if let Some(saver) = saver {
            saver.mailbox.sent();
            saver.open.do_send(OpenFile {
                tmp: temp_path(&t.dir, job),
            });
        }
        if job == Job::AofRewrite {
            self.aof_rewrite_begun(ctx);
        }
        let opts = RdbOptions {
            compression: t.rdbcompression,
            checksum: t.rdbchecksum,
            used_mem: (self.server.used_memory)(),
            aof_base: job == Job::AofRewrite,
            // What a replica loading this file resumes from, as Redis's rdbSaveInfo.
            repl: (self.state.repl.active && job != Job::AofRewrite).then(|| {
                let h = &self.state.repl.history;
                (h.replid.clone(), h.offset)
            }),
            ..RdbOptions::default()
        };
        // An AOF base without the RDB preamble is the commands that rebuild each key.
        let commands = job == Job::AofRewrite && !t.aof_use_rdb_preamble;
        self.snapshot_rdb = !commands;
        let format = if commands {
            super::db::SnapshotFormat::Commands
        } else {
            super::db::SnapshotFormat::Rdb {
                compression: t.rdbcompression,
            }
        };
        self.snapshot = Some(Snapshot::begin_as(&mut self.state.dbs, &opts, format));
        self.state.bg.keys_processed = 0;
        self.state.bg.keys_total = self.state.dbs.iter().map(|d| d.len() as u64).sum();
        self.state.bg.running = Some(Running {
            job,
            started_ms: now,
            dirty_at_start: self.state.dirty,
        });
        let pid = std::process::id();
        match job {
            Job::Bgsave => {
                self.state.bg.last_bgsave_try_ms = now;
                // Redis counts a save when it starts.
                self.state.stats.rdb_saves += 1;
                slog::info!(self.log, "Background saving started by pid {pid}");
            }
            Job::AofRewrite => {
                self.state.bg.rewrites += 1;
                slog::info!(
                    self.log,
                    "Background append only file rewriting started by pid {pid}"
                );
            }
            Job::ReplSync { diskless: true } => {
                slog::info!(self.log, "Background RDB transfer started by pid {pid}");
            }
            Job::ReplSync { diskless: false } => {
                self.state.bg.last_bgsave_try_ms = now;
                self.state.stats.rdb_saves += 1;
                slog::info!(self.log, "Background saving started by pid {pid}");
            }
        }
        self.schedule_snapshot_slice(ctx);
    }

    /// The next slice runs once every other task on this thread (the connections) has had a
    /// turn, so clients are served between slices.
    fn schedule_snapshot_slice(&mut self, ctx: &mut Context<Self>) {
        ctx.spawn(
            async { tokio::task::yield_now().await }
                .into_actor(self)
                .map(|_, act, ctx| act.snapshot_slice(ctx)),
        );
    }

    fn snapshot_slice(&mut self, ctx: &mut Context<Self>) {
        let Some(snap) = &mut self.snapshot else {
            return;
        };
        let start = Instant::now();
        let mut done = false;
        while !done && start.elapsed() < SLICE {
            done = snap.step(&mut self.state.dbs, STEP_SLOTS);
            if snap.pending_bytes() >= CHUNK {
                break;
            }
        }
        self.state.bg.keys_processed = snap.keys;
        if done || snap.pending_bytes() >= CHUNK {
            let chunk = snap.take_output();
            let streamed = self.state.bg.runs(Job::ReplSync { diskless: true });
            if streamed {
                let chunk = bytes::Bytes::from(chunk);
                for id in &self.sync_targets {
                    if let Some(link) = self.replicas.get(id) {
                        link.do_send(crate::repl::replica::RdbChunk(chunk.clone()));
                    }
                }
            } else if let Some(saver) = &self.saver {
                saver.mailbox.sent();
                saver.write.do_send(WriteChunk(chunk));
            }
        }
        if done {
            self.snapshot = None;
            self.finish_snapshot(ctx);
        } else {
            self.schedule_snapshot_slice(ctx);
        }
    }

    /// Asks the writer to close the file; the outcome comes back as a job end.
    fn finish_snapshot(&mut self, ctx: &mut Context<Self>) {
        let Some(running) = self.state.bg.running else {
            return;
        };
        if running.job == (Job::ReplSync { diskless: true }) {
            self.job_done(running, Ok(Written { bytes: 0 }), ctx);
            return;
        }
        let Some(saver) = &self.saver else {
            return;
        };
        let t = self.server.config.tunables();
        let path = match running.job {
            Job::Bgsave | Job::ReplSync { .. } => crate::persistence::dump_path(&t),
            Job::AofRewrite => temp_path(&t.dir, Job::AofRewrite),
        };
        saver.mailbox.sent();
        let finish = saver.finish.send(FinishFile {
            path,
            checksum: t.rdbchecksum,
            trailer: self.snapshot_rdb,
        });
        ctx.spawn(finish.into_actor(self).map(move |res, act, ctx| {
            let res = res.unwrap_or(Err(SaveError::Write {
                reason: "the snapshot writer stopped".into(),
            }));
            act.job_done(running, res, ctx);
        }));
    }

    /// Stops the server once the AOF is synced, as Redis's `prepareForShutdown` flushes and
    /// fsyncs it before exiting.
    pub(super) fn stop_server(&mut self, ctx: &mut Context<Self>) {
        match self.state.bg.running.map(|r| r.job) {
            Some(Job::Bgsave | Job::ReplSync { .. }) => {
                slog::warn!(self.log, "There is a child saving an .rdb. Killing it!")
            }
            Some(Job::AofRewrite) => {
                slog::warn!(self.log, "There is a child rewriting the AOF. Killing it!")
            }
            None => {}
        }
        self.kill_job();
        self.ship_now();
        let Some(aof) = &self.aof else {
            System::current().stop();
            return;
        };
        slog::info!(self.log, "Calling fsync() on the AOF file.");
        aof.mailbox.sent();
        let synced = aof.sync.send(crate::aof::writer::SyncAof);
        ctx.wait(synced.into_actor(self).map(|_, _, _| {
            System::current().stop();
        }));
    }

    /// Abandons a running job (SHUTDOWN, FLUSHALL), as Redis kills its child.
    pub(super) fn kill_job(&mut self) {
        if let Some(snap) = self.snapshot.take() {
            snap.abort(&mut self.state.dbs);
            if let Some(saver) = &self.saver {
                saver.mailbox.sent();
                saver.abort.do_send(crate::saver::AbortFile);
            }
        }
        // A killed rewrite leaves its new incr file in the manifest, as Redis does: loading
        // replays it after the old ones. Replicas waiting for a killed sync are dropped and
        // will ask again.
        for id in std::mem::take(&mut self.sync_targets) {
            if let Some(link) = self.replicas.get(&id) {
                link.do_send(crate::repl::replica::RdbEnd::Failed);
            }
        }
        self.state.bg.running = None;
    }

    /// Records how a job ended, as Redis's `backgroundSaveDoneHandler` /
    /// `backgroundRewriteDoneHandler`, then starts a scheduled one.
    pub(super) fn job_done(
        &mut self,
        running: Running,
        res: Result<Written, SaveError>,
        ctx: &mut Context<Self>,
    ) {
        if self.state.bg.running != Some(running) {
            return; // killed meanwhile, perhaps with another job started since
        }
        let job = running.job;
        let now = unix_ms();
        match (job, res) {
            (Job::ReplSync { diskless }, res) => {
                let end = match (&res, diskless) {
                    (Err(_), _) => crate::repl::replica::RdbEnd::Failed,
                    (Ok(_), true) => crate::repl::replica::RdbEnd::Streamed,
                    (Ok(_), false) => crate::repl::replica::RdbEnd::File(
                        crate::persistence::dump_path(&self.server.config.tunables()),
                    ),
                };
                if diskless {
                    slog::info!(self.log, "Background RDB transfer terminated with success");
                } else if res.is_ok() {
                    slog::info!(self.log, "DB saved on disk");
                    slog::info!(self.log, "Background saving terminated with success");
                    self.state.dirty = self.state.dirty.saturating_sub(running.dirty_at_start);
                    self.state.lastsave = now / 1000;
                }
                if let Err(e) = &res {
                    slog::warn!(self.log, "{e}");
                    slog::warn!(self.log, "Background saving error");
                }
                for id in std::mem::take(&mut self.sync_targets) {
                    if let Some(link) = self.replicas.get(&id) {
                        link.do_send(end.clone());
                    }
                }
                self.state.bg.finish(res.is_ok(), now);
            }
            (Job::Bgsave, Ok(_)) => {
                slog::info!(self.log, "DB saved on disk");
                slog::info!(self.log, "Background saving terminated with success");
                let r = self.state.bg.finish(true, now).expect("runs");
                self.state.dirty = self.state.dirty.saturating_sub(r.dirty_at_start);
                self.state.lastsave = now / 1000;
            }
            (Job::AofRewrite, Ok(w)) => {
                slog::info!(
                    self.log,
                    "Successfully created the temporary AOF base file temp-rewriteaof-bg-{}.aof",
                    std::process::id()
                );
                self.aof_rewrite_written(running, w, ctx);
                return; // the AOF writer's answer ends the job
            }
            (_, Err(e)) => {
                slog::warn!(self.log, "{e}");
                match job {
                    Job::AofRewrite => {
                        slog::warn!(self.log, "Background AOF rewrite terminated with error");
                    }
                    _ => slog::warn!(self.log, "Background saving error"),
                }
                self.state.bg.finish(false, now);
            }
        }
        self.start_scheduled(ctx);
    }

    /// A job that had to wait for another starts once that one is over.
    pub(super) fn start_scheduled(&mut self, ctx: &mut Context<Self>) {
        if self.state.bg.running.is_some() {
            return;
        }
        if std::mem::take(&mut self.state.bg.sync_scheduled) && !self.sync_waiting.is_empty() {
            let diskless = self.server.config.tunables().repl_diskless_sync;
            self.start_job(Job::ReplSync { diskless }, ctx);
        } else if std::mem::take(&mut self.state.bg.rewrite_scheduled) {
            self.start_job(Job::AofRewrite, ctx);
        } else if std::mem::take(&mut self.state.bg.bgsave_scheduled) {
            self.start_job(Job::Bgsave, ctx);
        }
    }

    /// The cron's part: scheduled jobs, then `save` points, as Redis's serverCron.
    pub(super) fn persistence_cron(&mut self, ctx: &mut Context<Self>) {
        if self.state.bg.running.is_some() {
            return;
        }
        self.start_scheduled(ctx);
        if self.state.bg.running.is_some() {
            return;
        }
        let t = self.server.config.tunables();
        let now = unix_ms();
        if let Some((secs, changes)) = due_save_point(
            &t.save,
            self.state.dirty,
            self.state.lastsave,
            &self.state.bg,
            now,
        ) {
            slog::info!(
                self.log,
                "{} changes in {} seconds. Saving...",
                changes,
                secs
            );
            self.start_job(Job::Bgsave, ctx);
            return;
        }
        self.auto_rewrite_cron(&t, ctx);
    }
}

/// Where a job's file is written before it is complete: Redis's child's names.
pub(super) fn temp_path(dir: &str, job: Job) -> PathBuf {
    let pid = std::process::id();
    let name = match job {
        Job::Bgsave | Job::ReplSync { .. } => format!("temp-{pid}.rdb"),
        Job::AofRewrite => format!("temp-rewriteaof-bg-{pid}.aof"),
    };
    PathBuf::from(dir).join(name)
}
