//! The registry of connected clients, read by CLIENT LIST/INFO/KILL and INFO clients.
//!
//! Each connection owns an `Arc<ClientHandle>` and updates it with relaxed atomics after each
//! batch, so the registry costs the hot path no lock; only names sit behind a mutex.

use crate::session::CmdName;
use actix::prelude::*;
use dashmap::DashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, AtomicU8, Ordering::Relaxed};
use std::sync::{Arc, Mutex};

/// Asks a connection to close (CLIENT KILL, SHUTDOWN, maxclients lowered ...).
#[derive(Message, Debug, Clone, Copy)]
#[rtype(result = "()")]
pub struct Kill;

/// What the registry knows about one client.
pub struct ClientHandle {
    pub id: u64,
    pub addr: SocketAddr,
    pub laddr: SocketAddr,
    pub fd: i64,
    /// Unix time in ms when the connection was accepted.
    pub created_ms: u64,
    /// Unix time in ms of the last command.
    pub last_ms: AtomicU64,
    pub db: AtomicI64,
    /// RESP version (2 or 3).
    pub resp: AtomicU8,
    pub name: Mutex<Option<String>>,
    /// The last command, e.g. `client|list`.
    pub last_cmd: Mutex<CmdName>,
    /// Channel and pattern subscriptions, queued MULTI commands (-1 outside MULTI), and whether
    /// a blocking command holds the client: CLIENT LIST's sub, psub, multi and flags.
    pub subs: AtomicU64,
    pub psubs: AtomicU64,
    pub multi: AtomicI64,
    pub blocked: AtomicBool,
    /// A replica of ours (CLIENT LIST's `S`, CLIENT KILL TYPE replica).
    pub replica: AtomicBool,
    /// In MONITOR mode (CLIENT LIST's `O`).
    pub monitor: AtomicBool,
    /// Bytes waiting in the query buffer.
    pub qbuf: AtomicU64,
    /// Bytes of replies not yet written to the socket.
    pub obuf: AtomicU64,
    pub kill: Recipient<Kill>,
    /// Where pub/sub messages for this client go.
    pub deliver: Recipient<crate::pubsub::Deliver>,
}

impl ClientHandle {
    /// A fresh entry for a connection just accepted.
    pub fn new(
        id: u64,
        addr: SocketAddr,
        laddr: SocketAddr,
        fd: i64,
        kill: Recipient<Kill>,
        deliver: Recipient<crate::pubsub::Deliver>,
    ) -> Self {
        let now = crate::server::unix_ms();
        ClientHandle {
            id,
            addr,
            laddr,
            fd,
            created_ms: now,
            last_ms: AtomicU64::new(now),
            db: AtomicI64::new(0),
            resp: AtomicU8::new(2),
            name: Mutex::new(None),
            last_cmd: Mutex::new(CmdName("NULL", "")),
            subs: AtomicU64::new(0),
            psubs: AtomicU64::new(0),
            multi: AtomicI64::new(-1),
            blocked: AtomicBool::new(false),
            replica: AtomicBool::new(false),
            monitor: AtomicBool::new(false),
            qbuf: AtomicU64::new(0),
            obuf: AtomicU64::new(0),
            kill,
            deliver,
        }
    }

    pub fn name(&self) -> Option<String> {
        self.name.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn set_name(&self, name: Option<String>) {
        *self.name.lock().unwrap_or_else(|e| e.into_inner()) = name;
    }

    pub fn set_last_cmd(&self, cmd: CmdName) {
        *self.last_cmd.lock().unwrap_or_else(|e| e.into_inner()) = cmd;
    }

    pub fn last_cmd(&self) -> CmdName {
        *self.last_cmd.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// All connected clients by id.
#[derive(Default)]
pub struct ClientRegistry {
    clients: DashMap<u64, Arc<ClientHandle>>,
    next_id: AtomicU64,
}

impl ClientRegistry {
    pub fn new() -> Self {
        ClientRegistry {
            clients: DashMap::new(),
            next_id: AtomicU64::new(1),
        }
    }

    /// A fresh client id; ids grow from 1 and are never reused, as in Redis.
    pub fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Relaxed)
    }

    pub fn insert(&self, h: Arc<ClientHandle>) {
        self.clients.insert(h.id, h);
    }

    pub fn remove(&self, id: u64) {
        self.clients.remove(&id);
    }

    pub fn len(&self) -> usize {
        self.clients.len()
    }

    pub fn is_empty(&self) -> bool {
        self.clients.is_empty()
    }

    pub fn get(&self, id: u64) -> Option<Arc<ClientHandle>> {
        self.clients.get(&id).map(|c| c.clone())
    }

    /// Every client, by id ascending (the order CLIENT LIST shows).
    pub fn all(&self) -> Vec<Arc<ClientHandle>> {
        let mut v: Vec<_> = self.clients.iter().map(|c| c.clone()).collect();
        v.sort_by_key(|c| c.id);
        v
    }
}
