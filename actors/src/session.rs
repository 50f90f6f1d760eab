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
    /// The registry entry; `None` for sessions that are not network clients (tests, AOF loading).
    pub handle: Option<Arc<ClientHandle>>,
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
            handle: None,
        }
    }

    pub fn with_handle(mut self, h: Arc<ClientHandle>) -> Self {
        self.handle = Some(h);
        self
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
            h.authenticated.store(self.authenticated, Relaxed);
            h.last_ms.store(now_ms, Relaxed);
            h.set_last_cmd(self.last_cmd);
        }
    }
}
