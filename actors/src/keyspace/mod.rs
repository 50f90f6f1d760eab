//! The keyspace actor: owns the databases and executes every command sent to it.
//!
//! Connections send all the commands decoded from one read as one [`Execute`] batch and get
//! back every reply in one buffer, so a pipeline costs one message and one socket write.

mod aof;
pub mod background;
pub mod blocked;
pub mod db;
mod failover;
pub mod figures;
pub mod following;
pub mod hash;
mod jobs;
pub mod list;
pub mod propagate;
pub mod replicas;
pub mod replication;
pub mod set;
pub mod snapshot;
pub mod state;
pub mod value;
pub mod zset;

use crate::cmd::{self, BlockRequest, Effect};
use crate::metrics::Mailbox;
use crate::notify;
use crate::server::{unix_ms, ServerContext};
use crate::session::Session;
use actix::prelude::*;
use blocked::Parked;
use bytes::{Bytes, BytesMut};
use protocol::ReplyWriter;
use state::Keyspace;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;

/// Runs a batch of commands for one client, in order.
#[derive(Message)]
#[rtype(result = "Executed")]
pub struct Execute {
    pub session: Session,
    pub cmds: Vec<Vec<Bytes>>,
    /// Where the replies go; the connection passes its (empty) buffer to reuse its capacity.
    pub out: BytesMut,
}

/// The replies of a batch and the session as the commands left it.
#[derive(MessageResponse, Debug)]
pub struct Executed {
    pub session: Session,
    pub out: BytesMut,
}

/// SIGTERM or SIGINT: save if save points are configured, then stop the server, as Redis's
/// signal handling does; if the save fails the server keeps running.
#[derive(Message, Debug, Clone, Copy)]
#[rtype(result = "()")]
pub struct ShutdownOnSignal {
    pub signal: &'static str,
}

/// A client's connection closed: forget its watches and any command it was blocked in.
#[derive(Message, Debug, Clone, Copy)]
#[rtype(result = "()")]
pub struct ClientGone {
    pub id: u64,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("id", &self.id)
            .field("db", &self.db)
            .field("resp", &self.resp)
            .field("authenticated", &self.authenticated)
            .finish()
    }
}

/// Mailbox capacity: actix's default of 16 parks senders under load.
pub const MAILBOX_CAPACITY: usize = 4096;

pub struct KeyspaceActor {
    state: Keyspace,
    server: Arc<ServerContext>,
    mailbox: Arc<Mailbox>,
    log: slog::Logger,
    table: cmd::CommandTable,
    /// Set while woken clients are being served, so serving does not recurse.
    serving: bool,
    /// Clients held by CLIENT PAUSE, in arrival order.
    held: std::collections::VecDeque<Parked>,
    /// Writes snapshots (BGSAVE, AOF rewrite bases) on its own thread.
    saver: Option<crate::saver::SaverLink>,
    /// Appends propagated writes when `appendonly yes`.
    aof: Option<crate::aof::writer::AofLink>,
    /// The snapshot being walked, if a background job runs, and whether it is an RDB (not an
    /// AOF base in command form).
    snapshot: Option<snapshot::Snapshot>,
    snapshot_rdb: bool,
    /// The replication backlog, where the stream goes.
    backlog: Option<replicas::BacklogLink>,
    /// Our replicas' link actors, by client id.
    replicas: std::collections::HashMap<
        u64,
        crate::metrics::Counted<Addr<crate::repl::replica::ReplicaLink>>,
    >,
    /// Replicas waiting for the next full-sync snapshot, and those the running one serves.
    sync_waiting: Vec<u64>,
    sync_targets: Vec<u64>,
    /// A diskless sync is waiting out `repl-diskless-sync-delay`.
    sync_delayed: bool,
    /// Unix ms of the last PING put in the stream.
    last_ping_ms: u64,
    /// `repl-backlog-size` the backlog was last given.
    backlog_size: u64,
    /// The link to our master, when we are a replica.
    master_link: Option<crate::metrics::Counted<Addr<crate::repl::master_link::MasterLink>>>,
    /// The session our master's stream runs in (its selected db persists between batches).
    master_session: Session,
    /// WAITing clients: (id, replicas wanted, offset to acknowledge).
    waits: Vec<(u64, usize, i64)>,
    /// Batches waiting for their writes to reach the AOF (see `commit_later`).
    committing: Vec<oneshot::Sender<()>>,
    commit_scheduled: bool,
    /// `appendonly` as last configured.
    appendonly_wanted: bool,
    /// Whether CONFIG SET appendonly may start and stop an AOF writer (a server with a
    /// snapshot writer; not bare test actors).
    aof_switchable: bool,
}

/// Where a batch got to.
enum Ran {
    Done,
    /// Stopped before command `index`, which CLIENT PAUSE holds.
    Paused {
        index: usize,
    },
    /// Stopped at command `index`, which must wait.
    Blocked {
        index: usize,
        request: BlockRequest,
        db: usize,
    },
}

impl KeyspaceActor {
    pub fn new(server: Arc<ServerContext>) -> Self {
        let t = server.config.tunables();
        let mailbox = server.mailboxes.register("keyspace/0");
        let log = server.log.new(slog::o!("actor" => "keyspace/0"));
        KeyspaceActor {
            state: Keyspace::new(t.databases, server.started_unix_ms ^ server.pid as u64),
            server,
            mailbox,
            log,
            table: cmd::CommandTable::new(),
            serving: false,
            held: Default::default(),
            saver: None,
            aof: None,
            snapshot: None,
            snapshot_rdb: true,
            backlog: None,
            replicas: Default::default(),
            sync_waiting: Vec::new(),
            sync_targets: Vec::new(),
            sync_delayed: false,
            waits: Vec::new(),
            last_ping_ms: 0,
            backlog_size: 1 << 20,
            master_link: None,
            master_session: following::master_session(),
            committing: Vec::new(),
            commit_scheduled: false,
            appendonly_wanted: false,
            aof_switchable: false,
        }
    }

    /// Saves in the background through `saver`.
    pub fn with_saver(mut self, saver: crate::saver::SaverLink) -> Self {
        self.saver = Some(saver);
        self.aof_switchable = true;
        self
    }

    /// Appends every write to the AOF through `aof`.
    pub fn with_aof(mut self, aof: crate::aof::writer::AofLink) -> Self {
        self.state.aof_status = Some(aof.status.clone());
        self.aof = Some(aof);
        self.state.prop.enabled = true;
        self
    }

    /// Starts from the replication history a loaded dump was saved at, so that a replica
    /// restarting on it can continue partially (Redis's `rdbPopulateSaveInfo` on load).
    pub fn with_history(mut self, replid: String, offset: i64) -> Self {
        self.state.repl.adopt(replid, offset);
        self.state.prop.enabled = true;
        self
    }

    /// Streams writes to replicas through `backlog`.
    pub fn with_backlog(mut self, backlog: replicas::BacklogLink) -> Self {
        self.backlog = Some(backlog);
        self
    }

    /// Refreshes what the hot path caches from the configuration.
    fn refresh_config(&mut self) {
        let t = self.server.config.tunables();
        self.state.notify_flags = t.notify_keyspace_events;
        self.state.lazy_expire = t.lazyfree_lazy_expire;
        self.state.trace_cfg = crate::trace::TraceConfig::from_tunables(&t);
        let r = &mut self.state.repl;
        r.read_only = t.replica_read_only;
        r.serve_stale = t.replica_serve_stale_data;
        r.min_replicas = t.min_replicas_to_write;
        r.min_replicas_lag = t.min_replicas_max_lag;
        self.appendonly_wanted = t.appendonly;
    }

    /// Starts from databases loaded from disk.
    pub fn with_dbs(mut self, dbs: Vec<db::Db>) -> Self {
        self.state.stats.keys_loaded = dbs.iter().map(|d| d.len() as u64).sum();
        self.state.dbs = dbs;
        self
    }

    /// The mailbox senders must count their messages against.
    pub fn mailbox(&self) -> Arc<Mailbox> {
        self.mailbox.clone()
    }

    /// Runs `cmds[from..]` for one client until the end or a command that must wait.
    fn run(
        &mut self,
        session: &mut Session,
        cmds: &[Vec<Bytes>],
        from: usize,
        out: &mut BytesMut,
        ctx: &mut Context<Self>,
    ) -> Ran {
        // One clock read per batch: a batch runs in microseconds.
        let now = unix_ms();
        for (i, args) in cmds.iter().enumerate().skip(from) {
            let db = session.db;
            let outcome =
                self.table
                    .run(&mut self.state, session, &self.server, out, args, now, true);
            if outcome.paused {
                return Ran::Paused { index: i };
            }
            self.state.prop.end_unit();
            self.apply_effect(outcome.effect, session, ctx);
            self.after_command(ctx);
            if let Some(request) = outcome.block {
                return Ran::Blocked {
                    index: i,
                    request,
                    db,
                };
            }
            if session.close_after_reply {
                break;
            }
        }
        Ran::Done
    }

    /// Parks a client that stopped at a blocking command, with its timeout.
    fn park(&mut self, p: Parked, ctx: &mut Context<Self>) {
        let (id, token, timeout) = (p.session.id, p.token, p.request.timeout_ms);
        set_blocked(&p.session, true);
        self.state.blocked.park(p);
        if timeout > 0 {
            ctx.run_later(Duration::from_millis(timeout), move |act, ctx| {
                if act.state.blocked.token_of(id) == Some(token) {
                    if let Some(mut p) = act.state.blocked.unpark(id) {
                        let mut w = ReplyWriter::new(&mut p.out, p.session.resp);
                        p.request.timeout_reply.write(&mut w, &act.server.repl);
                        p.next += 1;
                        act.resume(p, ctx);
                    }
                }
            });
        }
    }

    /// Runs the rest of a woken client's batch and answers it, unless it has to wait again.
    fn resume(&mut self, mut p: Parked, ctx: &mut Context<Self>) {
        set_blocked(&p.session, false);
        let ran = self.run(&mut p.session, &p.cmds, p.next, &mut p.out, ctx);
        self.settle(p, ran, ctx);
    }

    /// Answers a client whose batch ran to the end, or parks it where it stopped: on its
    /// keys for a blocking command, with the held ones for CLIENT PAUSE.
    fn settle(&mut self, mut p: Parked, ran: Ran, ctx: &mut Context<Self>) {
        match ran {
            Ran::Done => {
                let _ = p.reply_to.send(Executed {
                    session: p.session,
                    out: p.out,
                });
            }
            Ran::Paused { index } => {
                p.next = index;
                self.hold(p, ctx);
            }
            Ran::Blocked { index, request, db } => {
                p.next = index;
                p.request = request;
                p.db = db;
                p.token = self.state.blocked.new_token();
                self.park(p, ctx);
            }
        }
    }

    /// Redis's `handleClientsBlockedOnKeys`: for each key written since, retry its waiting
    /// clients in arrival order while the key can serve them.
    fn serve_ready(&mut self, ctx: &mut Context<Self>) {
        if self.serving {
            return;
        }
        self.serving = true;
        while !self.state.ready.is_empty() {
            let mut ready = std::mem::take(&mut self.state.ready);
            ready.dedup();
            for (db, key) in ready {
                for id in self.state.blocked.waiting_on(db, &key) {
                    // Only a value of the awaited type serves a waiter: a SET on a key a
                    // BLPOP waits for leaves it waiting, as in Redis.
                    let Some(args) = self.state.blocked.command_of(id) else {
                        continue;
                    };
                    if !serves(&self.state, db, &key, &args[0]) {
                        break;
                    }
                    let Some(mut p) = self.state.blocked.unpark(id) else {
                        continue;
                    };
                    if p.reply_to.is_closed() {
                        continue;
                    }
                    self.state.serving_blocked = true;
                    let args = ready_key_first(&args, &key);
                    let outcome = self.table.run(
                        &mut self.state,
                        &mut p.session,
                        &self.server,
                        &mut p.out,
                        &args,
                        unix_ms(),
                        true,
                    );
                    self.state.serving_blocked = false;
                    self.state.prop.end_unit();
                    self.publish_events();
                    if outcome.block.is_some() || outcome.paused {
                        // Nothing left for it after all, or CLIENT PAUSE holds writes: back to
                        // the head of the queues.
                        self.state.blocked.repark_front(p);
                        break;
                    }
                    p.next += 1;
                    self.resume(p, ctx);
                }
            }
        }
        self.serving = false;
    }

    /// What runs after every command: keyspace events are published, woken clients served.
    fn after_command(&mut self, ctx: &mut Context<Self>) {
        self.publish_events();
        if !self.state.ready.is_empty() {
            self.serve_ready(ctx);
        }
    }

    /// `notify-keyspace-events`: `__keyspace@<db>__:<key>` gets the event name and
    /// `__keyevent@<db>__:<event>` gets the key, for the classes the flags enable.
    fn publish_events(&mut self) {
        if self.state.events.is_empty() {
            return;
        }
        let flags = self.state.notify_flags;
        for ev in std::mem::take(&mut self.state.events) {
            if flags & notify::KEYSPACE != 0 {
                let mut ch = format!("__keyspace@{}__:", ev.db).into_bytes();
                ch.extend_from_slice(&ev.key);
                self.server.pubsub.publish(&ch, ev.event.as_bytes());
            }
            if flags & notify::KEYEVENT != 0 {
                let ch = format!("__keyevent@{}__:{}", ev.db, ev.event);
                self.server.pubsub.publish(ch.as_bytes(), &ev.key);
            }
        }
    }

    /// Active expiry: Redis's fast cycle budget is 25% of a tick; here, a bounded number of keys
    /// per tick, more with `active-expire-effort`.
    fn cron(&mut self, ctx: &mut Context<Self>) {
        let t = self.server.config.tunables();
        let budget = 200 + 100 * t.active_expire_effort.clamp(1, 10) as usize;
        let now = unix_ms();
        self.refresh_config();
        self.state.active_expire(now, budget);
        self.state.prop.end_unit();
        self.after_command(ctx);
        self.ship_now();
        self.ping_replicas(now);
        self.replicas_cron(now);
        self.failover_cron(ctx);
        self.publish_history();
        self.persistence_cron(ctx);
        for id in self.state.blocked.abandoned() {
            self.state.blocked.unpark(id);
        }
        let st = &mut self.state.stats;
        let net = &self.server.stats;
        st.ops_rate.sample(st.total_commands_processed, now);
        st.input_rate
            .sample(net.total_net_input_bytes.load(Relaxed), now);
        st.output_rate
            .sample(net.total_net_output_bytes.load(Relaxed), now);
    }

    /// The next cron tick, `1000 / hz` ms away; read anew each time so CONFIG SET hz applies.
    fn schedule_cron(&mut self, ctx: &mut Context<Self>) {
        let hz = self.server.config.tunables().hz.clamp(1, 500);
        ctx.run_later(Duration::from_millis(1000 / hz as u64), |act, ctx| {
            act.cron(ctx);
            act.schedule_cron(ctx);
        });
    }

    fn apply_effect(&mut self, effect: Effect, session: &Session, ctx: &mut Context<Self>) {
        match effect {
            // The server's table has no Sentinel commands.
            Effect::None | Effect::Sentinel(_) | Effect::SentinelInfo { .. } => {}
            Effect::Psync(req) => self.replica_wants_sync(session, *req, ctx),
            Effect::ReplAck { offset } => self.replica_acked(session.id, offset, ctx),
            Effect::WaitAcks {
                numreplicas,
                target,
            } => self.wait_for_acks(session.id, numreplicas, target),
            Effect::ReplicaOf(master) => self.replicaof(master, session, ctx),
            Effect::Shutdown => self.stop_server(ctx),
            Effect::ConfigChanged => {
                self.refresh_config();
                if self.appendonly_wanted != self.aof.is_some() && self.aof_switchable {
                    self.apply_appendonly(self.appendonly_wanted, ctx);
                    self.refresh_config();
                }
            }
            Effect::FlushedAll => {
                if self.state.bg.runs(background::Job::Bgsave) {
                    self.kill_job();
                    slog::warn!(self.log, "Background saving terminated by signal 10");
                }
                if !self.server.config.tunables().save.is_empty() {
                    crate::persistence::save_keyspace(&mut self.state, &self.server, unix_ms());
                    self.state.dirty += 1;
                }
            }
            Effect::Background(job) => {
                if self.state.bg.running.is_none() {
                    self.start_job(job, ctx);
                }
            }
            Effect::PauseChanged => self.apply_pause_change(ctx),
            Effect::Failover(req) => self.start_failover(*req, ctx),
            Effect::FailoverAbort => self.abort_failover("Failover manually aborted", ctx),
            Effect::Unblock { id, error } => {
                if let Some(mut p) = self.state.blocked.unpark(id) {
                    let mut w = ReplyWriter::new(&mut p.out, p.session.resp);
                    if error {
                        w.error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
                    } else {
                        p.request.timeout_reply.write(&mut w, &self.server.repl);
                    }
                    p.next += 1;
                    self.resume(p, ctx);
                }
            }
        }
    }

    /// The pause changed: held clients may go on, or wait longer.
    pub(super) fn apply_pause_change(&mut self, ctx: &mut Context<Self>) {
        if self.state.pause.until <= unix_ms() {
            self.release_held(ctx);
        } else if !self.held.is_empty() {
            self.schedule_unpause(ctx);
        }
    }

    /// Holds a client until CLIENT PAUSE ends, and makes sure something wakes it then.
    fn hold(&mut self, p: Parked, ctx: &mut Context<Self>) {
        set_blocked(&p.session, true);
        self.held.push_back(p);
        self.schedule_unpause(ctx);
    }

    fn schedule_unpause(&mut self, ctx: &mut Context<Self>) {
        // Held by a failover alone: its end releases them.
        let wait = self.state.pause.until.saturating_sub(unix_ms());
        if wait == 0 {
            return;
        }
        ctx.run_later(Duration::from_millis(wait), |act, ctx| {
            act.release_held(ctx)
        });
    }

    /// Lets held clients go on once the pause is over, in the order they arrived.
    fn release_held(&mut self, ctx: &mut Context<Self>) {
        if self.state.pause.until > unix_ms() {
            return;
        }
        for p in std::mem::take(&mut self.held) {
            if !p.reply_to.is_closed() {
                self.resume(p, ctx);
            }
        }
    }

    /// Forgets a client's WATCHes.
    fn unwatch(&mut self, id: u64, watched: &[(usize, Vec<u8>, bool)]) {
        cmd::transactions::unwatch_all(&mut self.state, id, watched);
    }
}

/// A parked command's arguments with `key` moved to the front of its keys, so running it again
/// serves the client from the key that became ready, as Redis's `serveClientsBlockedOnKey`
/// does, rather than from the first non-empty key in argument order.
fn ready_key_first(args: &[Bytes], key: &[u8]) -> Vec<Bytes> {
    let name = args[0].to_ascii_lowercase();
    // Where the keys are: BLPOP k.. timeout; BLMPOP/BZMPOP timeout numkeys k..
    let range = match name.as_slice() {
        b"blpop" | b"brpop" | b"bzpopmin" | b"bzpopmax" => 1..args.len().saturating_sub(1),
        b"blmpop" | b"bzmpop" if args.len() > 3 => {
            let n = protocol::parse_i64(&args[2]).unwrap_or(0).max(0) as usize;
            3..(3 + n).min(args.len())
        }
        _ => 0..0,
    };
    let mut out = args.to_vec();
    if let Some(pos) = out[range.clone()].iter().position(|k| k[..] == *key) {
        out[range.start..=range.start + pos].rotate_right(1);
    }
    out
}

/// Whether the value now under `key` can serve a command that blocked on it: sorted sets for
/// BZPOPMIN, BZPOPMAX and BZMPOP, lists for the rest.
fn serves(ks: &Keyspace, db: usize, key: &[u8], command: &[u8]) -> bool {
    let wants_zset = command.len() > 2 && command[..2].eq_ignore_ascii_case(b"bz");
    matches!(
        (ks.dbs[db].get(key).map(|e| &e.value), wants_zset),
        (Some(value::Value::List(_)), false) | (Some(value::Value::ZSet(_)), true)
    )
}

/// The answer to a parked client whose reply can never come (the keyspace went away): end the
/// connection.
fn closed(id: u64) -> Executed {
    let mut s = Session::new(id, false);
    s.close_after_reply = true;
    Executed {
        session: s,
        out: BytesMut::new(),
    }
}

/// CLIENT LIST's `b` flag.
fn set_blocked(session: &Session, blocked: bool) {
    if let Some(h) = &session.handle {
        h.blocked.store(blocked, Relaxed);
    }
}

impl Actor for KeyspaceActor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.set_mailbox_capacity(MAILBOX_CAPACITY);
        self.refresh_config();
        // A history from the loaded dump: the backlog continues it.
        if self.state.repl.active {
            if let Some(b) = &self.backlog {
                b.reset.do_send(crate::repl::stream::ResetBacklog {
                    offset: self.state.repl.history.offset,
                    size: self.server.config.tunables().repl_backlog_size,
                });
            }
            self.publish_history();
        }
        self.schedule_cron(ctx);
    }
}

impl Handler<Execute> for KeyspaceActor {
    type Result = Response<Executed>;

    fn handle(&mut self, msg: Execute, ctx: &mut Self::Context) -> Response<Executed> {
        let _h = self.mailbox.handling();
        let Execute {
            mut session,
            cmds,
            mut out,
        } = msg;
        let ran = self.run(&mut session, &cmds, 0, &mut out, ctx);
        session.publish(unix_ms());
        let written = self.commit_later(ctx);
        if self.aof.is_none() && !self.state.prop.is_empty() && !self.commit_scheduled {
            // No AOF to wait for: the stream goes to the replicas once this pass over the
            // mailbox ends, one hand-off for all of its batches.
            self.commit_scheduled = true;
            ctx.notify(aof::Commit);
        }
        if let Ran::Done = ran {
            return match written {
                None => Response::reply(Executed { session, out }),
                // The client hears back once its writes are in the AOF.
                Some(written) => Response::fut(async move {
                    let _ = written.await;
                    Executed { session, out }
                }),
            };
        }
        // It has to wait: the reply goes out later, through a channel.
        let (tx, rx) = oneshot::channel();
        let id = session.id;
        let p = Parked {
            session,
            cmds,
            next: 0,
            out,
            request: BlockRequest {
                keys: Vec::new(),
                timeout_ms: 0,
                timeout_reply: cmd::TimeoutReply::NullArray,
            },
            db: 0,
            token: 0,
            reply_to: tx,
        };
        self.settle(p, ran, ctx);
        Response::fut(async move { rx.await.unwrap_or_else(|_| closed(id)) })
    }
}

impl Handler<ShutdownOnSignal> for KeyspaceActor {
    type Result = ();

    fn handle(&mut self, msg: ShutdownOnSignal, ctx: &mut Self::Context) {
        let _h = self.mailbox.handling();
        slog::warn!(self.log, "User requested shutdown...");
        if !self.server.config.tunables().save.is_empty() {
            slog::info!(self.log, "Saving the final RDB snapshot before exiting.");
            if !crate::persistence::save_keyspace(&mut self.state, &self.server, unix_ms()) {
                slog::warn!(self.log, "Error trying to save the DB, can't exit.");
                slog::warn!(
                    self.log,
                    "{} received but errors trying to shut down the server, check the logs for more information",
                    msg.signal
                );
                return;
            }
        }
        self.stop_server(ctx);
    }
}

impl Handler<ClientGone> for KeyspaceActor {
    type Result = ();

    fn handle(&mut self, msg: ClientGone, _: &mut Self::Context) {
        let _h = self.mailbox.handling();
        self.state.monitors.retain(|m| m.id != msg.id);
        self.replica_gone(msg.id);
        self.waits.retain(|w| w.0 != msg.id);
        if let Some(p) = self.state.blocked.unpark(msg.id) {
            self.unwatch(msg.id, &p.session.watched);
        } else {
            let watched: Vec<_> = self
                .state
                .watched
                .iter()
                .filter(|(_, ids)| ids.contains(&msg.id))
                .map(|((db, k), _)| (*db, k.clone(), false))
                .collect();
            self.unwatch(msg.id, &watched);
        }
        self.state.dirty_cas.remove(&msg.id);
    }
}

#[cfg(test)]
mod persist_tests;
#[cfg(test)]
mod repl_tests;
#[cfg(test)]
mod tests;
