//! The keyspace actor as a replica: REPLICAOF starts or stops the master link; the link's
//! payload replaces the dataset; its stream is applied as the master's client (no replies, no
//! read-only refusal, no expiry of its own) and passed on, byte for byte, to our replicas.

use super::KeyspaceActor;
use crate::metrics::Counted;
use crate::repl::master_link::{
    ApplyStream, Disconnect, KeyspaceForLink, LinkChanged, LoadDataset, MasterLink,
};
use crate::repl::stream::ResetBacklog;
use crate::server::unix_ms;
use crate::session::{ReplRole, Session};
use actix::prelude::*;

impl KeyspaceActor {
    /// REPLICAOF host port / NO ONE (and `replicaof` in the config at startup, `session` None).
    pub(super) fn replicaof(
        &mut self,
        master: Option<(String, u16)>,
        session: &Session,
        ctx: &mut Context<Self>,
    ) {
        let who = session
            .handle
            .as_ref()
            .map(|h| crate::cmd::connection::client::describe(h, unix_ms()))
            .unwrap_or_default();
        let line = match &master {
            None => format!("MASTER MODE enabled (user request from '{who}')"),
            Some((host, port)) => {
                format!("REPLICAOF {host}:{port} enabled (user request from '{who}')")
            }
        };
        self.follow(master, Some(line), ctx);
    }

    /// FAILOVER: follow the target with a PSYNC that makes it the master.
    pub(super) fn follow_for_failover(&mut self, host: String, port: u16, ctx: &mut Context<Self>) {
        self.follow(Some((host, port)), None, ctx);
        if let Some(link) = self.master_link.take() {
            link.do_send(Disconnect);
        }
        let cached = Some((
            self.state.repl.history.replid.clone(),
            self.state.repl.history.offset,
        ));
        let (host, port) = self.state.repl.master.clone().expect("just set");
        let peer = KeyspaceForLink::of(&ctx.address(), &self.mailbox);
        let link = MasterLink::new(host, port, cached, peer, self.server.clone()).failing_over();
        self.master_link = Some(start_counted(link));
    }

    /// Starts or stops following a master; `line` is what to log about who asked.
    pub(super) fn follow(
        &mut self,
        master: Option<(String, u16)>,
        line: Option<String>,
        ctx: &mut Context<Self>,
    ) {
        if let Some(link) = self.master_link.take() {
            link.do_send(Disconnect);
        }
        self.server.config.set_replicaof(master.clone());
        let mark = if master.is_some() { b'S' } else { b'M' };
        self.server
            .log_role
            .store(mark, std::sync::atomic::Ordering::Relaxed);
        match master {
            None => {
                self.state.repl.master = None;
                self.state.repl.link_up = false;
                self.server.repl.update(|s| s.master = None);
                // A new history, continuing the one we followed (PSYNC2).
                let id = crate::server::random_hex(40, unix_ms() ^ 0x9e37_79b9);
                self.state.repl.shift(id);
                slog::warn!(self.log, "{}", self.state.repl.history.shift_log_line());
                self.publish_history();
                if let Some(line) = line {
                    slog::info!(self.log, "{line}");
                }
            }
            Some((host, port)) => {
                // Our own history is what a partial resync can continue from.
                let cached = self.state.repl.active.then(|| {
                    slog::info!(self.log, "Before turning into a replica, using my own master parameters to synthesize a cached master: I may be able to synchronize with the new master with just a partial transfer.");
                    (
                        self.state.repl.history.replid.clone(),
                        self.state.repl.history.offset,
                    )
                });
                self.state.repl.master = Some((host.clone(), port));
                self.state.repl.link_up = false;
                if let Some(line) = line {
                    slog::info!(self.log, "{line}");
                }
                let peer = KeyspaceForLink::of(&ctx.address(), &self.mailbox);
                let link = MasterLink::new(host, port, cached, peer, self.server.clone());
                self.master_link = Some(start_counted(link));
            }
        }
    }

    /// INFO's ids and offset follow ours.
    pub(super) fn publish_history(&self) {
        let h = self.state.repl.history.clone();
        self.server.repl.update(|s| {
            s.replid = h.replid;
            s.replid2 = h.replid2;
            s.master_repl_offset = h.offset;
            s.second_repl_offset = h.second_offset;
        });
    }

    /// Our replicas must sync again from scratch when our history is replaced.
    fn drop_replicas(&mut self) {
        let ids: Vec<u64> = self.replicas.keys().copied().collect();
        for id in ids {
            self.replica_gone(id);
        }
    }
}

/// Follow this master (`replicaof` in the configuration at startup).
#[derive(Message, Debug, Clone)]
#[rtype(result = "()")]
pub struct Follow {
    pub master: Option<(String, u16)>,
}

impl Handler<Follow> for KeyspaceActor {
    type Result = ();

    fn handle(&mut self, msg: Follow, ctx: &mut Self::Context) {
        let _h = self.mailbox.handling();
        self.follow(msg.master, None, ctx);
    }
}

impl Handler<LoadDataset> for KeyspaceActor {
    type Result = ();

    fn handle(&mut self, msg: LoadDataset, ctx: &mut Self::Context) {
        let _h = self.mailbox.handling();
        self.kill_job();
        self.drop_replicas();
        self.state.stats.keys_loaded = msg.dbs.iter().map(|d| d.len() as u64).sum();
        self.state.dbs = msg.dbs;
        self.state.dirty += 1;
        self.state.repl.adopt(msg.replid, msg.offset);
        self.state.prop.enabled = true;
        self.master_session = master_session();
        let size = self.server.config.tunables().repl_backlog_size;
        if let Some(b) = &self.backlog {
            b.reset.do_send(ResetBacklog {
                offset: msg.offset,
                size,
            });
        }
        self.publish_history();
        // The AOF must describe the new dataset: rewrite it, as Redis restarts it after a sync.
        if self.aof.is_some() && self.state.bg.running.is_none() {
            self.start_job(super::background::Job::AofRewrite, ctx);
        }
    }
}

impl Handler<ApplyStream> for KeyspaceActor {
    type Result = ();

    fn handle(&mut self, msg: ApplyStream, ctx: &mut Self::Context) {
        let _h = self.mailbox.handling();
        let mut session = std::mem::replace(&mut self.master_session, master_session());
        let mut out = bytes::BytesMut::new();
        self.state.applying_master = true;
        self.state.prop.replicate = false;
        // What the master sent reaches our replicas as raw bytes: only an AOF needs the ops.
        let collecting = std::mem::replace(&mut self.state.prop.enabled, self.aof.is_some());
        let now = unix_ms();
        for args in &msg.cmds {
            out.clear();
            let outcome = self.table.run(
                &mut self.state,
                &mut session,
                &self.server,
                &mut out,
                args,
                now,
                false,
            );
            self.state.prop.end_unit();
            if outcome.effect != crate::cmd::Effect::None {
                self.apply_master_effect(outcome.effect, ctx);
            }
        }
        self.state.applying_master = false;
        self.state.prop.replicate = true;
        self.state.prop.enabled = collecting;
        self.master_session = session;
        // Our replicas get the master's bytes unchanged, so offsets match across the chain.
        self.state.repl_offset_now();
        self.state.repl.feed_raw(&msg.raw);
        self.stream_to_replicas();
        self.after_command(ctx);
        self.ship_now();
        self.publish_history();
    }
}

impl Handler<LinkChanged> for KeyspaceActor {
    type Result = ();

    fn handle(&mut self, msg: LinkChanged, ctx: &mut Self::Context) {
        let _h = self.mailbox.handling();
        self.state.repl.link_up = msg.up;
        if let Some(id) = msg.new_replid {
            // The link has logged it ("Master replication ID changed to ..."). Our replicas
            // follow the old id: they must reconnect and learn the new one, as Redis's
            // disconnectSlaves() makes them.
            if id != self.state.repl.history.replid {
                self.state.repl.shift(id);
                self.drop_replicas();
            }
        }
        if msg.up {
            self.failover_done(ctx);
        } else if self.state.failover.as_ref().is_some_and(|f| f.in_progress) {
            self.abort_failover("Failover target rejected psync request", ctx);
        }
        if msg.up && !self.state.repl.active {
            self.state.repl.active = true;
            self.state.prop.enabled = true;
            let size = self.server.config.tunables().repl_backlog_size;
            if let Some(b) = &self.backlog {
                b.reset.do_send(ResetBacklog {
                    offset: self.state.repl.history.offset,
                    size,
                });
            }
        }
        self.publish_history();
    }
}

impl KeyspaceActor {
    /// Effects of commands in the master's stream: only what changes data matters.
    fn apply_master_effect(&mut self, effect: crate::cmd::Effect, ctx: &mut Context<Self>) {
        use crate::cmd::Effect;
        match effect {
            Effect::FlushedAll | Effect::ConfigChanged | Effect::PauseChanged => {}
            Effect::Unblock { .. } | Effect::Background(_) | Effect::Shutdown => {}
            Effect::Psync(_) | Effect::ReplicaOf(_) | Effect::ReplAck { .. } => {}
            Effect::WaitAcks { .. } | Effect::None => {}
            Effect::Failover(_) | Effect::FailoverAbort => {}
            Effect::Sentinel(_) | Effect::SentinelInfo { .. } => {}
        }
        let _ = ctx;
    }
}

/// The session our master's stream runs in.
pub(super) fn master_session() -> Session {
    let mut s = Session::new(0, true);
    s.repl = ReplRole::Master;
    s
}

/// Starts a master link and keeps its address with its mailbox, so that what the keyspace
/// sends it is counted.
fn start_counted(link: MasterLink) -> Counted<Addr<MasterLink>> {
    let mailbox = link.mailbox();
    Counted::new(link.start(), mailbox)
}
