//! The per-connection state commands read and change: selected db, protocol, authentication.
//! It travels with each batch to the keyspace and comes back with the replies.

use crate::clients::ClientHandle;
use protocol::Resp;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;

/// A command's full name as CLIENT LIST and errors show it: `get`, or `client|list` for a
/// subcommand (the second part empty when there is none). Static, so recording it is free.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CmdName(pub &'static str, pub &'static str);

impl std::fmt::Display for CmdName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.1.is_empty() {
            f.write_str(self.0)
        } else {
            write!(f, "{}|{}", self.0, self.1)
        }
    }
}

/// CLIENT REPLY's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ReplyMode {
    #[default]
    On,
    Off,
    /// Set by CLIENT REPLY SKIP: the next command's reply is dropped.
    Skip,
    /// The command now running is the one to skip.
    SkipThis,
}

#[derive(Clone)]
pub struct Session {
    pub id: u64,
    pub db: usize,
    pub resp: Resp,
    pub authenticated: bool,
    /// Set by QUIT and by errors that end the connection once the replies are written.
    pub close_after_reply: bool,
    pub reply_mode: ReplyMode,
    /// The command running now or last run.
    pub last_cmd: CmdName,
    /// Commands queued since MULTI; `None` outside a transaction.
    pub multi: Option<Vec<Vec<bytes::Bytes>>>,
    /// A command was refused while queuing: EXEC must answer EXECABORT.
    pub multi_error: bool,
    /// A write (or may-replicate command) is queued: CLIENT PAUSE WRITE holds the EXEC.
    pub multi_writes: bool,
    /// WATCHed keys: (db, key, whether it was already logically expired when watched).
    pub watched: Vec<(usize, Vec<u8>, bool)>,
    /// Subscribed channels and patterns.
    pub channels: std::collections::BTreeSet<bytes::Bytes>,
    pub patterns: std::collections::BTreeSet<bytes::Bytes>,
    pub shard_channels: std::collections::BTreeSet<bytes::Bytes>,
    /// The registry entry; `None` for sessions that are not network clients (tests, AOF loading).
    pub handle: Option<Arc<ClientHandle>>,
    /// Replication, when the client is a replica of ours (or our master's stream).
    pub repl: ReplRole,
    /// In MONITOR mode: keyspace commands are refused, as Redis refuses them to replicas.
    pub monitor: bool,
}

/// What a client is to replication.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ReplRole {
    #[default]
    Normal,
    /// Announced itself with REPLCONF but has not asked to sync yet.
    Handshaking {
        listening_port: u16,
        ip: Option<String>,
        capa_psync2: bool,
    },
    /// A replica: its connection carries the stream; it sends only REPLCONF ACK.
    Replica,
    /// Our master's stream being applied: writes are allowed on a read-only replica, nothing
    /// is answered, and nothing expires under it.
    Master,
}

impl Session {
    pub fn new(id: u64, authenticated: bool) -> Self {
        Session {
            id,
            db: 0,
            resp: Resp::V2,
            authenticated,
            close_after_reply: false,
            reply_mode: ReplyMode::On,
            last_cmd: CmdName("NULL", ""),
            multi: None,
            multi_error: false,
            multi_writes: false,
            watched: Vec::new(),
            channels: Default::default(),
            patterns: Default::default(),
            shard_channels: Default::default(),
            handle: None,
            repl: ReplRole::Normal,
            monitor: false,
        }
    }

    pub fn with_handle(mut self, h: Arc<ClientHandle>) -> Self {
        self.handle = Some(h);
        self
    }

    /// Subscriptions of either kind.
    pub fn subscriptions(&self) -> usize {
        self.channels.len() + self.patterns.len()
    }

    /// Any subscription at all, shard channels included: the client is in pub/sub mode.
    pub fn subscribed(&self) -> bool {
        self.subscriptions() + self.shard_channels.len() > 0
    }

    /// A RESP2 client with subscriptions may only run the pub/sub commands, PING, QUIT, RESET.
    pub fn in_resp2_pubsub(&self) -> bool {
        self.resp == Resp::V2 && self.subscribed()
    }

    /// Redis's `CLIENT_SLAVE`: a replica of ours, or a client in MONITOR mode (which Redis
    /// flags as a replica too).
    pub fn replica_flagged(&self) -> bool {
        self.monitor || self.repl == ReplRole::Replica
    }

    pub fn name(&self) -> Option<String> {
        self.handle.as_ref().and_then(|h| h.name())
    }

    /// Copies what CLIENT LIST shows into the registry entry.
    pub fn publish(&self, now_ms: u64) {
        if let Some(h) = &self.handle {
            h.db.store(self.db as i64, Relaxed);
            h.resp
                .store(if self.resp == Resp::V3 { 3 } else { 2 }, Relaxed);
            h.last_ms.store(now_ms, Relaxed);
            h.set_last_cmd(self.last_cmd);
            h.subs.store(self.channels.len() as u64, Relaxed);
            h.psubs.store(self.patterns.len() as u64, Relaxed);
            h.multi
                .store(self.multi.as_ref().map_or(-1, |q| q.len() as i64), Relaxed);
        }
    }
}
