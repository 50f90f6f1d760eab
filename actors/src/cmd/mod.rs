//! Commands: the table, the dispatcher, and one file per command with its parsing and effect.

pub mod args;
pub mod error;
pub mod flags;
pub mod table;
#[cfg(test)]
pub mod testing;

pub mod connection;
pub mod hashes;
pub mod keys;
pub mod lists;
pub mod pubsub;
pub mod repl;
pub mod sentinel;
pub mod server;
pub mod sets;
pub mod strings;
pub mod transactions;
pub mod zsets;

use crate::keyspace::propagate::Rule;
use crate::keyspace::state::Keyspace;
use crate::server::ServerContext;
use crate::session::{CmdName, ReplRole, ReplyMode, Session};
pub use args::Args;
use bytes::{Bytes, BytesMut};
pub use error::CmdError;
use protocol::ReplyWriter;
use std::collections::HashMap;

/// What a handler does: parse `args`, change the keyspace, write one reply to `ex.out`.
/// On `Err` it must not have written anything; the dispatcher writes the error.
pub type Handler = fn(&mut Exec, Args) -> Result<(), CmdError>;

/// A command as Redis's command table describes it.
pub struct CommandSpec {
    /// Lowercase name (`get`, or `setname` for a subcommand).
    pub name: &'static str,
    /// Positive: exact argument count including the name; negative: at least `-arity`.
    pub arity: i32,
    /// [`flags`] bits.
    pub flags: u32,
    pub first_key: i32,
    pub last_key: i32,
    pub step: i32,
    pub group: &'static str,
    pub summary: &'static str,
    pub since: &'static str,
    pub handler: Handler,
    pub subcommands: &'static [CommandSpec],
}

/// What running one command leaves for the keyspace actor to do.
#[derive(Debug)]
pub struct Outcome {
    pub effect: Effect,
    /// The client must be parked instead of answered.
    pub block: Option<BlockRequest>,
    /// CLIENT PAUSE holds this command: it did not run, and runs when the pause ends.
    pub paused: bool,
}

/// What the keyspace actor must do after a command, beyond replying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    None,
    /// SHUTDOWN: stop the server once the batch is answered.
    Shutdown,
    /// CLIENT UNBLOCK: answer the blocked client `id` as if it timed out, or with an error.
    Unblock {
        id: u64,
        error: bool,
    },
    /// CONFIG SET changed parameters the keyspace caches (`notify-keyspace-events`).
    ConfigChanged,
    /// CLIENT PAUSE / UNPAUSE changed the pause: held clients may go on, or wait longer.
    PauseChanged,
    /// BGSAVE / BGREWRITEAOF: start the job now.
    Background(crate::keyspace::background::Job),
    /// FLUSHALL: Redis's `flushAllDataAndResetRDB`.
    FlushedAll,
    /// PSYNC / SYNC: the client is now a replica wanting the stream.
    Psync(Box<repl::psync::SyncRequest>),
    /// REPLICAOF: follow this master, or none.
    ReplicaOf(Option<(String, u16)>),
    /// REPLCONF ACK from a replica.
    ReplAck {
        offset: i64,
    },
    /// FAILOVER: pause writes and hand over to a replica once it has caught up.
    Failover(Box<repl::failover::FailoverRequest>),
    FailoverAbort,
    /// WAIT parked the client until `numreplicas` acknowledge `target`.
    WaitAcks {
        numreplicas: usize,
        target: i64,
    },
    /// A Sentinel command (SENTINEL, INFO, ROLE, PUBLISH on a Sentinel): its arguments, for the
    /// Sentinel actor to answer.
    Sentinel(Vec<Bytes>),
    /// INFO on a Sentinel: the server sections, rendered, whether the Sentinel section
    /// follows, and Redactor's own sections (`# Mailboxes`) that go after it.
    SentinelInfo {
        text: String,
        sentinel: bool,
        extra: String,
    },
}

/// Everything a handler may touch while it runs.
pub struct Exec<'a> {
    pub ks: &'a mut Keyspace,
    pub session: &'a mut Session,
    pub server: &'a ServerContext,
    pub out: ReplyWriter<'a>,
    /// Unix ms, fixed for the duration of one command as Redis caches it.
    pub now: u64,
    pub effect: Effect,
    pub table: &'a CommandTable,
    /// Whether a blocking command may park the client; false inside MULTI/EXEC and when a
    /// parked command is retried, where it answers as if it timed out.
    pub may_block: bool,
    /// Set by a blocking command that found nothing to serve and parked instead of replying.
    pub block: Option<BlockRequest>,
    /// Set when CLIENT PAUSE holds the command back.
    pub paused: bool,
    /// What the running command propagates to the AOF and replicas.
    pub prop: Rule,
}

/// What a parked client waits for.
#[derive(Debug, Clone, PartialEq)]
pub struct BlockRequest {
    /// Keys in the selected db; a write to any of them retries the command.
    pub keys: Vec<Vec<u8>>,
    /// 0 waits forever.
    pub timeout_ms: u64,
    /// The reply when the wait times out: the null array (BLPOP, BZPOPMIN, BLMPOP, BZMPOP) or
    /// the null bulk string (BLMOVE, BRPOPLPUSH).
    pub timeout_reply: TimeoutReply,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutReply {
    NullArray,
    Null,
    /// WAIT: how many replicas acknowledged `target` by then.
    Acked {
        target: i64,
    },
}

impl TimeoutReply {
    pub fn write(self, out: &mut ReplyWriter, repl: &crate::repl::status::ReplStatus) {
        match self {
            TimeoutReply::NullArray => out.null_array(),
            TimeoutReply::Null => out.null(),
            TimeoutReply::Acked { target } => out.int(repl.acked_at(target) as i64),
        }
    }
}

impl Exec<'_> {
    pub fn db(&self) -> usize {
        self.session.db
    }

    /// Writes an error reply and counts it for INFO errorstats.
    pub fn write_error(&mut self, e: &CmdError) {
        let msg = e.to_string();
        self.ks.stats.count_error(&msg);
        self.out.error(&msg);
    }

    /// A write changed `key` in the selected db: Redis's `signalModifiedKey` (WATCH, blocked
    /// clients) plus `notifyKeyspaceEvent(class, event, key)`. Call once per event, as Redis
    /// does, e.g. `ex.changed(notify::LIST, "lpush", key)`; a key emptied and removed also
    /// gets `ex.changed(notify::GENERIC, "del", key)`.
    pub fn changed(&mut self, class: u32, event: &'static str, key: &[u8]) {
        let db = self.session.db;
        self.ks.signal_modified(db, key);
        self.ks.notify(class, event, db, key);
    }

    /// `DEL`, or `UNLINK` under `lazyfree-lazy-expire`: how an expiry deletion propagates.
    pub fn expire_del(&self) -> &'static [u8] {
        if self.ks.lazy_expire {
            b"UNLINK"
        } else {
            b"DEL"
        }
    }

    /// Propagate `parts` instead of the command's own arguments (Redis's
    /// `rewriteClientCommandVector`), e.g. a relative expiry as an absolute one.
    pub fn propagate_as(&mut self, parts: &[&[u8]]) {
        if self.ks.prop.enabled {
            self.prop = Rule::As(parts.iter().map(|p| Bytes::copy_from_slice(p)).collect());
        }
    }

    /// Propagate `argv` now, before the command's own propagation (Redis's `alsoPropagate`).
    pub fn also_propagate(&mut self, parts: &[&[u8]]) {
        if self.ks.prop.enabled {
            let argv = parts.iter().map(|p| Bytes::copy_from_slice(p)).collect();
            self.ks.prop.push(self.session.db, argv);
        }
    }

    /// The command propagates nothing of its own (what it needed went out with
    /// [`Exec::also_propagate`]).
    pub fn propagate_nothing(&mut self) {
        self.prop = Rule::Nothing;
    }

    /// For a blocking command with nothing to serve: parks the client on `keys` (reply later),
    /// or, where blocking is not allowed (MULTI/EXEC, a retry), answers the timeout reply now.
    pub fn block_on(&mut self, keys: Vec<Vec<u8>>, timeout_ms: u64, timeout_reply: TimeoutReply) {
        if self.may_block {
            self.block = Some(BlockRequest {
                keys,
                timeout_ms,
                timeout_reply,
            });
        } else {
            timeout_reply.write(&mut self.out, &self.server.repl);
        }
    }
}

/// FNV-1a for command names: short, trusted keys from a fixed set, where SipHash's DoS
/// resistance buys nothing and costs a few percent of a GET.
#[derive(Default, Clone, Copy)]
pub struct NameHash;

impl std::hash::BuildHasher for NameHash {
    type Hasher = Fnv;
    fn build_hasher(&self) -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

pub struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ *b as u64).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// A command found and checked: its spec, full name, how many arguments name it, stats id.
type Resolved = (&'static CommandSpec, CmdName, usize, usize);
/// A refusal, with the stats id of the command when it was found.
type Refused = (Option<usize>, CmdError);

/// Name lookup over the static table.
pub struct CommandTable {
    /// Each top-level command with its stats id.
    by_name: HashMap<&'static [u8], (&'static CommandSpec, usize), NameHash>,
    /// Every top-level command, in table order.
    list: Vec<&'static CommandSpec>,
    /// Full names by stats id: each top-level command, then its subcommands, in table order.
    names: Vec<CmdName>,
    /// The stats id of each top-level command's first subcommand, by the command's id.
    sub_base: Vec<usize>,
    /// Redis's own COMMAND INFO/DOCS data for the commands we have.
    pub meta: server::meta::CommandMeta,
}

impl Default for CommandTable {
    fn default() -> Self {
        Self::new()
    }
}

impl CommandTable {
    pub fn new() -> Self {
        Self::from_list(table::GROUPS.iter().flat_map(|g| g.iter()).collect())
    }

    /// Sentinel mode's table: the commands flagged `sentinel`, with Sentinel's own SENTINEL,
    /// INFO, ROLE and PUBLISH in place of the server's.
    pub fn sentinel() -> Self {
        let own = sentinel::COMMANDS;
        let mut list: Vec<&'static CommandSpec> = table::GROUPS
            .iter()
            .flat_map(|g| g.iter())
            .filter(|c| c.flags & flags::SENTINEL != 0)
            .filter(|c| !own.iter().any(|o| o.name == c.name))
            .collect();
        list.extend(own.iter());
        Self::from_list(list)
    }

    fn from_list(list: Vec<&'static CommandSpec>) -> Self {
        let mut by_name = HashMap::default();
        let mut names = Vec::new();
        let mut sub_base = Vec::new();
        for c in &list {
            by_name.insert(c.name.as_bytes(), (*c, names.len()));
            names.push(CmdName(c.name, ""));
        }
        for c in &list {
            sub_base.push(names.len());
            names.extend(c.subcommands.iter().map(|s| CmdName(c.name, s.name)));
        }
        CommandTable {
            by_name,
            list,
            names,
            sub_base,
            meta: server::meta::CommandMeta::load(),
        }
    }

    pub fn lookup(&self, name: &[u8]) -> Option<&'static CommandSpec> {
        self.lookup_id(name).map(|(spec, _)| spec)
    }

    /// The command and its stats id.
    pub fn lookup_id(&self, name: &[u8]) -> Option<(&'static CommandSpec, usize)> {
        let mut buf = [0u8; 32];
        if name.len() > buf.len() {
            return None;
        }
        let lower = &mut buf[..name.len()];
        lower.copy_from_slice(name);
        lower.make_ascii_lowercase();
        self.by_name.get(&*lower).copied()
    }

    /// Every command and subcommand with its stats id, in table order.
    pub fn stat_names(&self) -> impl Iterator<Item = (usize, CmdName)> + '_ {
        self.names.iter().copied().enumerate()
    }

    /// Redis's `lookupCommandBySds`: `get`, or `config|get`; the ids of the command (if
    /// found) and, for a container, of each of its subcommands.
    pub fn ids_by_full_name(&self, name: &[u8]) -> Vec<usize> {
        let mut parts = name.splitn(2, |&c| c == b'|');
        let top = parts.next().unwrap_or_default();
        let Some((spec, id)) = self.lookup_id(top) else {
            return Vec::new();
        };
        let base = self.sub_base[id];
        match parts.next() {
            Some(sub) => spec
                .subcommands
                .iter()
                .position(|s| s.name.as_bytes().eq_ignore_ascii_case(sub))
                .map(|i| vec![base + i])
                .unwrap_or_default(),
            None => std::iter::once(id)
                .chain(base..base + spec.subcommands.len())
                .collect(),
        }
    }

    /// The full name for a stats id.
    pub fn name_of(&self, id: usize) -> CmdName {
        self.names[id]
    }

    /// Every top-level command.
    pub fn all(&self) -> impl Iterator<Item = &'static CommandSpec> + '_ {
        self.list.iter().copied()
    }

    /// Runs one command and writes its reply; returns what the actor must do next. `now` (Unix
    /// ms) is read once per batch: a batch runs in microseconds, and a clock read per command
    /// costs more than the command itself.
    #[allow(clippy::too_many_arguments)]
    pub fn run(
        &self,
        ks: &mut Keyspace,
        session: &mut Session,
        server: &ServerContext,
        out: &mut BytesMut,
        args: &[Bytes],
        now: u64,
        may_block: bool,
    ) -> Outcome {
        let resp = session.resp;
        let mut ex = Exec {
            ks,
            session,
            server,
            out: ReplyWriter::new(out, resp),
            now,
            effect: Effect::None,
            table: self,
            may_block,
            block: None,
            paused: false,
            prop: Rule::AsIs,
        };
        let start = ex.out.len();
        let before = ex.session.reply_mode;
        if let Err(e) = self.dispatch(&mut ex, args) {
            ex.write_error(&e);
        }
        if ex.paused {
            // Nothing ran: the command is taken again, whole, when the pause ends.
            ex.out.truncate(start);
            return Outcome {
                effect: Effect::None,
                block: None,
                paused: true,
            };
        }
        // Replicas hear nothing back once they are replicas (Redis's prepareClientToWrite).
        let silent = matches!(ex.session.repl, ReplRole::Replica | ReplRole::Master);
        if ex.block.is_some() || silent || suppress_reply(before, &mut ex.session.reply_mode) {
            ex.out.truncate(start);
        }
        Outcome {
            effect: ex.effect,
            block: ex.block,
            paused: false,
        }
    }

    /// Checks a command the way Redis's `processCommand` does, then queues it (inside MULTI)
    /// or runs it.
    fn dispatch(&self, ex: &mut Exec, args: &[Bytes]) -> Result<(), CmdError> {
        let (spec, _, skip, id) = match self.check(ex, args) {
            Ok(found) => found,
            Err((id, e)) => {
                // Redis's rejectCommand: counted against the command, when there is one.
                if let Some(id) = id {
                    ex.ks.stats.commands.reject(id);
                }
                return Err(self.refused(ex, args, e));
            }
        };

        if ex.may_block && ex.ks.holds(spec, ex.session, ex.now) {
            ex.paused = true;
            return Ok(());
        }
        if let Some(queue) = &mut ex.session.multi {
            if spec.flags & flags::TRANSACTION_CONTROL == 0 {
                queue.push(args.to_vec());
                if spec.flags & (flags::WRITE | flags::MAY_REPLICATE) != 0 {
                    ex.session.multi_writes = true;
                }
                ex.out.simple("QUEUED");
                return Ok(());
            }
        }
        call(ex, spec, id, args, skip)
    }

    /// The error a refused command answers: EXECABORT for EXEC (Redis's `execCommandAbort`
    /// also discards the transaction); otherwise the refusal, dooming a transaction being
    /// queued.
    fn refused(&self, ex: &mut Exec, args: &[Bytes], e: CmdError) -> CmdError {
        // Only where EXEC exists: a Sentinel has none and just calls it unknown.
        if args[0].eq_ignore_ascii_case(b"exec") && self.lookup(b"exec").is_some() {
            transactions::discard_state(ex);
            // execCommandAbort: call() never saw it, so the monitors are fed here.
            if !ex.ks.monitors.is_empty() {
                feed_monitors(ex, args);
            }
            let msg = e.to_string();
            let msg = msg.strip_prefix("ERR ").unwrap_or(&msg);
            return CmdError::other(format!("EXECABORT Transaction discarded because of: {msg}"));
        }
        if ex.session.multi.is_some() {
            ex.session.multi_error = true;
        }
        e
    }

    /// Redis's `processCommand` checks: existence, arity, authentication, subscriber mode.
    fn check(&self, ex: &mut Exec, args: &[Bytes]) -> Result<Resolved, Refused> {
        let found = self.resolve(args)?;
        let (spec, name, _, id) = found;
        ex.session.last_cmd = name;
        let refuse = |e| Err((Some(id), e));
        if spec.flags & flags::PROTECTED != 0 && !server::debug::allowed(ex) {
            return refuse(CmdError::other(server::debug::NOT_ALLOWED));
        }
        if !ex.session.authenticated && spec.flags & flags::NO_AUTH == 0 {
            return refuse(CmdError::NoAuth);
        }
        if spec.flags & flags::WRITE != 0 || spec.name == "ping" {
            if let Some(e) = disk_error(ex.ks, ex.server) {
                return refuse(e);
            }
        }
        if let Some(e) = replication_refusal(ex, spec) {
            return refuse(e);
        }
        if ex.session.in_resp2_pubsub() && spec.flags & flags::PUBSUB_CONTEXT == 0 {
            return refuse(CmdError::other(format!(
                "ERR Can't execute '{name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"
            )));
        }
        // processCommand: replicas (and MONITOR clients, flagged as replicas) must not touch
        // the keyspace; checked after the pub/sub context, as there.
        if ex.session.replica_flagged()
            && spec.flags & (flags::WRITE | flags::READONLY | flags::MAY_REPLICATE) != 0
        {
            return refuse(CmdError::other(
                "ERR Replica can't interact with the keyspace",
            ));
        }
        Ok(found)
    }

    /// Runs a queued command inside EXEC: checked again (a queued command was valid when
    /// queued), never blocking, errors written as its reply.
    pub fn exec_queued(&self, ex: &mut Exec, args: &[Bytes]) {
        let result = self
            .resolve(args)
            .map_err(|(_, e)| e)
            .and_then(|(spec, name, skip, id)| {
                ex.session.last_cmd = name;
                call(ex, spec, id, args, skip)
            });
        if let Err(e) = result {
            ex.write_error(&e);
        }
    }

    /// Finds the command (and subcommand) and checks arity, with Redis's error for each failure.
    /// Returns the spec, its full name (`client|setname`), how many arguments name it and its
    /// stats id; a refusal carries the id when the command was found (rejected_calls).
    fn resolve(&self, args: &[Bytes]) -> Result<Resolved, Refused> {
        let name = &args[0];
        let Some((spec, id)) = self.lookup_id(name) else {
            return Err((None, unknown_command(args)));
        };
        if !spec.subcommands.is_empty() {
            if args.len() == 1 {
                // COMMAND alone is a command of its own; CONFIG alone is an arity error.
                if arity_ok(spec.arity, 1) {
                    return Ok((spec, CmdName(spec.name, ""), 1, id));
                }
                return Err((Some(id), CmdError::Arity(spec.name.into())));
            }
            let sub = &args[1];
            let found = spec
                .subcommands
                .iter()
                .position(|s| s.name.as_bytes().eq_ignore_ascii_case(sub));
            let Some(i) = found else {
                return Err((
                    None,
                    CmdError::unknown_subcommand(sub, &String::from_utf8_lossy(name)),
                ));
            };
            let subspec = &spec.subcommands[i];
            let id = self.sub_base[id] + i;
            let name = CmdName(spec.name, subspec.name);
            if !arity_ok(subspec.arity, args.len()) {
                return Err((Some(id), CmdError::Arity(name.to_string())));
            }
            return Ok((subspec, name, 2, id));
        }
        if !arity_ok(spec.arity, args.len()) {
            return Err((Some(id), CmdError::Arity(spec.name.into())));
        }
        Ok((spec, CmdName(spec.name, ""), 1, id))
    }
}

/// Redis's replication checks in `processCommand`: NOREPLICAS on a master short of good
/// replicas, READONLY on a read-only replica, MASTERDOWN on a replica whose link is down when
/// it must not serve stale data. Our master's own stream is never refused.
fn replication_refusal(ex: &Exec, spec: &CommandSpec) -> Option<CmdError> {
    let r = &ex.ks.repl;
    if ex.session.repl == ReplRole::Master {
        return None;
    }
    let write = spec.flags & flags::WRITE != 0;
    match &r.master {
        None if write && r.min_replicas > 0 => {
            let good = ex.server.repl.good_replicas(ex.now, r.min_replicas_lag);
            (good < r.min_replicas as usize)
                .then(|| CmdError::other("NOREPLICAS Not enough good replicas to write."))
        }
        None => None,
        Some(_) if write && r.read_only => Some(CmdError::other(
            "READONLY You can't write against a read only replica.",
        )),
        Some(_) if !r.link_up && !r.serve_stale && spec.flags & flags::STALE == 0 => {
            Some(CmdError::other(
                "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
            ))
        }
        Some(_) => None,
    }
}

/// Redis's `writeCommandsDeniedByDiskError`: after a failed BGSAVE (with save points and
/// `stop-writes-on-bgsave-error yes`) or a failed AOF write, writes and PING are refused.
fn disk_error(ks: &Keyspace, server: &ServerContext) -> Option<CmdError> {
    if !ks.bg.last_bgsave_ok {
        let t = server.config.tunables();
        if t.stop_writes_on_bgsave_error && !t.save.is_empty() {
            return Some(CmdError::other(
                "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.",
            ));
        }
    }
    let aof = ks.aof_status.as_deref()?;
    if aof.write_ok.load(std::sync::atomic::Ordering::Relaxed) {
        return None;
    }
    let reason = aof
        .write_error
        .lock()
        .map(|r| r.clone())
        .unwrap_or_default();
    Some(CmdError::other(format!(
        "MISCONF Errors writing to the AOF file: {reason}"
    )))
}

/// Redis's `call()`: runs the handler, writes its error if it failed, measures it (INFO
/// commandstats and latencystats, the slow log, the latency monitor), shows it to MONITOR
/// clients and, if the dataset changed, queues what it propagates.
fn call(
    ex: &mut Exec,
    spec: &CommandSpec,
    id: usize,
    args: &[Bytes],
    skip: usize,
) -> Result<(), CmdError> {
    ex.ks.stats.total_commands_processed += 1;
    let dirty = ex.ks.dirty;
    let rule = std::mem::take(&mut ex.prop);
    ex.ks.stats.commands.prev_err_count = ex.ks.stats.total_error_replies;
    let started = crate::clock::Stamp::now();
    let result = (spec.handler)(ex, Args::new(args, skip));
    let usec = started.elapsed_us();
    // Written here rather than by the caller, so that it counts as this command's failure
    // and not as the failure of an EXEC around it.
    let failed = match result {
        Err(e) => {
            ex.write_error(&e);
            true
        }
        Ok(()) => ex.ks.stats.total_error_replies > ex.ks.stats.commands.prev_err_count,
    };
    ex.ks.stats.commands.prev_err_count = ex.ks.stats.total_error_replies;
    let rule = std::mem::replace(&mut ex.prop, rule);
    if ex.ks.prop.enabled && ex.ks.dirty > dirty {
        match rule {
            Rule::AsIs => ex.ks.prop.push(ex.session.db, args.to_vec()),
            Rule::As(argv) => ex.ks.prop.push(ex.session.db, argv),
            Rule::Nothing => {}
        }
    }
    trace_call(ex, spec, id, args, usec, failed);
    Ok(())
}

/// The bookkeeping of `call()` after the command ran, in Redis's order: latency monitor, slow
/// log, MONITOR feed, command stats. A parked command is measured when it is served (its
/// retry), and a retry is neither counted as another call nor shown to MONITOR again.
fn trace_call(
    ex: &mut Exec,
    spec: &CommandSpec,
    id: usize,
    args: &[Bytes],
    usec: u64,
    failed: bool,
) {
    let retry = ex.ks.serving_blocked;
    let parked = ex.block.is_some();
    let ks = &mut *ex.ks;
    if ks.trace_cfg.latency_threshold_ms > 0 {
        let event = if spec.flags & flags::FAST != 0 {
            "fast-command"
        } else {
            "command"
        };
        let now_s = ex.now / 1000;
        ks.latency
            .add_if_needed(&ks.trace_cfg, event, usec / 1000, now_s);
    }
    // As slowlogPushEntryIfNeeded: the threshold is checked inside, and a smaller
    // slowlog-max-len trims the log after any command it could log, even a fast one. The
    // entry (with its redaction) is built only if it is logged.
    if !parked && spec.flags & flags::SKIP_SLOWLOG == 0 {
        let handle = ex.session.handle.as_deref();
        let entry = |id| {
            let redacted = crate::trace::redacted(args);
            crate::trace::SlowEntry {
                id,
                time: ex.now / 1000,
                duration_us: usec,
                args: crate::trace::slowlog_args(redacted.as_deref().unwrap_or(args)),
                peer: handle.map(|h| h.addr.to_string()).unwrap_or_default(),
                name: handle.and_then(|h| h.name()).unwrap_or_default(),
            }
        };
        ex.ks.slowlog.push_if_needed(&ex.ks.trace_cfg, usec, entry);
    }
    if !retry
        && !ex.ks.monitors.is_empty()
        && spec.flags & (flags::SKIP_MONITOR | flags::ADMIN) == 0
    {
        feed_monitors(ex, args);
    }
    let track = ex.ks.trace_cfg.latency_tracking && !parked;
    ex.ks.stats.commands.record(id, usec, !retry, failed, track);
}

/// Redis's `replicationFeedMonitors`: the command, as a `+` line, to every MONITOR client. The
/// running client's own copy goes after its reply, in its own output.
fn feed_monitors(ex: &mut Exec, args: &[Bytes]) {
    let redacted = crate::trace::redacted(args);
    let shown = redacted.as_deref().unwrap_or(args);
    let peer = ex
        .session
        .handle
        .as_ref()
        .map(|h| h.addr.to_string())
        .unwrap_or_default();
    let line = crate::trace::monitor_line(crate::server::unix_us(), ex.session.db, &peer, shown);
    let me = ex.session.id;
    for m in &ex.ks.monitors {
        if m.id == me {
            ex.out.raw(&line);
        } else {
            m.deliver.do_send(crate::pubsub::Deliver(line.clone()));
        }
    }
}

/// CLIENT REPLY: whether the reply just written must be dropped, moving SKIP along.
fn suppress_reply(before: ReplyMode, mode: &mut ReplyMode) -> bool {
    match (before, *mode) {
        (ReplyMode::Off, after) => after != ReplyMode::On,
        (ReplyMode::SkipThis, after) => {
            if after == ReplyMode::SkipThis {
                *mode = ReplyMode::On;
            }
            true
        }
        (_, ReplyMode::Off) => true,
        (_, ReplyMode::Skip) => {
            *mode = ReplyMode::SkipThis;
            true
        }
        _ => false,
    }
}

fn arity_ok(arity: i32, argc: usize) -> bool {
    let argc = argc as i32;
    if arity > 0 {
        argc == arity
    } else {
        argc >= -arity
    }
}

/// `ERR unknown command '<name>', with args beginning with: '<a>' '<b>' ` as Redis builds it:
/// arguments are added while the list is shorter than 128 bytes.
fn unknown_command(args: &[Bytes]) -> CmdError {
    let mut list = String::new();
    for a in &args[1..] {
        if list.len() >= 128 {
            break;
        }
        let room = 128 - list.len();
        list.push('\'');
        list.push_str(&error::truncate_lossy(a, room));
        list.push_str("' ");
    }
    CmdError::Other(format!(
        "ERR unknown command '{}', with args beginning with: {}",
        error::truncate_lossy(&args[0], 128),
        list
    ))
}
