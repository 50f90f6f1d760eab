//! The replication backlog actor: keeps the most recent `repl-backlog-size` bytes of the stream
//! the keyspace produces, passes every new byte to the online replica links, and answers PSYNC
//! from what it holds. Offsets are the keyspace's: it feeds bytes in order, so everything the
//! backlog answers is consistent with the point the request came in.

use super::backlog::{accept_log_line, continue_reply, decide, Backlog, PsyncDecision};
use super::replica::{Continue, ReplicaLink, Stream};
use super::status::ReplStatus;
use crate::keyspace::replication::History;
use crate::metrics::{Counted, Mailbox};
use actix::prelude::*;
use bytes::Bytes;
use std::collections::HashMap;
use std::sync::Arc;

/// New stream bytes, ending at the keyspace's offset `end`.
#[derive(Message, Debug, Clone)]
#[rtype(result = "()")]
pub struct Feed {
    pub bytes: Bytes,
    pub end: i64,
}

/// Start (or restart) the backlog so that the next byte fed is offset `offset + 1`.
#[derive(Message, Debug, Clone, Copy)]
#[rtype(result = "()")]
pub struct ResetBacklog {
    pub offset: i64,
    pub size: u64,
}

/// `repl-backlog-size` changed.
#[derive(Message, Debug, Clone, Copy)]
#[rtype(result = "()")]
pub struct ResizeBacklog {
    pub size: u64,
}

/// Pass every byte fed from now on to `link` (a replica whose full sync starts now).
#[derive(Message)]
#[rtype(result = "()")]
pub struct Attach {
    pub id: u64,
    pub link: Counted<Addr<ReplicaLink>>,
}

/// The replica is gone.
#[derive(Message, Debug, Clone, Copy)]
#[rtype(result = "()")]
pub struct Detach {
    pub id: u64,
}

/// A replica's `PSYNC <replid> <offset>`, decided against `history` and the backlog.
#[derive(Message)]
#[rtype(result = "PsyncOutcome")]
pub struct Psync {
    pub id: u64,
    pub link: Counted<Addr<ReplicaLink>>,
    pub history: History,
    pub replid: String,
    pub offset: i64,
    pub capa_psync2: bool,
    /// `ip:port` for the log lines.
    pub who: String,
}

/// How a PSYNC went: continued from the backlog (the link is attached), or it needs a full sync.
#[derive(MessageResponse, Debug, Clone, PartialEq, Eq)]
pub enum PsyncOutcome {
    Continued,
    FullResync,
}

pub struct BacklogActor {
    backlog: Option<Backlog>,
    links: HashMap<u64, Counted<Addr<ReplicaLink>>>,
    status: Arc<ReplStatus>,
    mailbox: Arc<Mailbox>,
    log: slog::Logger,
}

impl BacklogActor {
    pub fn new(status: Arc<ReplStatus>, mailbox: Arc<Mailbox>, log: slog::Logger) -> Self {
        BacklogActor {
            backlog: None,
            links: HashMap::new(),
            status,
            mailbox,
            log,
        }
    }

    fn publish(&self) {
        let Some(b) = &self.backlog else { return };
        let (first, histlen, size) = (b.first_byte_offset(), b.histlen(), b.size());
        let _ = b.active();
        self.status.update(|s| {
            s.backlog_active = true;
            s.backlog_first_byte_offset = first;
            s.backlog_histlen = histlen as u64;
            s.backlog_size = size as u64;
        });
    }
}

impl Actor for BacklogActor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        // Stream messages must not park the keyspace; actix overflows on usize::MAX.
        ctx.set_mailbox_capacity(1 << 20);
    }
}

impl Handler<Feed> for BacklogActor {
    type Result = ();

    fn handle(&mut self, msg: Feed, _: &mut Self::Context) {
        let _h = self.mailbox.handling();
        if let Some(b) = &mut self.backlog {
            b.feed(&msg.bytes);
        }
        for link in self.links.values() {
            link.do_send(Stream(msg.bytes.clone()));
        }
        self.publish();
        self.status.update(|s| s.master_repl_offset = msg.end);
    }
}

impl Handler<ResetBacklog> for BacklogActor {
    type Result = ();

    fn handle(&mut self, msg: ResetBacklog, _: &mut Self::Context) {
        let _h = self.mailbox.handling();
        self.backlog = Some(Backlog::new(msg.size as usize, msg.offset));
        self.publish();
    }
}

impl Handler<ResizeBacklog> for BacklogActor {
    type Result = ();

    fn handle(&mut self, msg: ResizeBacklog, _: &mut Self::Context) {
        let _h = self.mailbox.handling();
        if let Some(b) = &mut self.backlog {
            b.resize(msg.size as usize);
        }
        self.publish();
    }
}

impl Handler<Attach> for BacklogActor {
    type Result = ();

    fn handle(&mut self, msg: Attach, _: &mut Self::Context) {
        let _h = self.mailbox.handling();
        self.links.insert(msg.id, msg.link);
    }
}

impl Handler<Detach> for BacklogActor {
    type Result = ();

    fn handle(&mut self, msg: Detach, _: &mut Self::Context) {
        let _h = self.mailbox.handling();
        self.links.remove(&msg.id);
    }
}

impl Handler<Psync> for BacklogActor {
    type Result = PsyncOutcome;

    fn handle(&mut self, msg: Psync, _: &mut Self::Context) -> PsyncOutcome {
        let _h = self.mailbox.handling();
        let decision = decide(
            &msg.history,
            self.backlog.as_ref(),
            &msg.who,
            &msg.replid,
            msg.offset,
        );
        match decision {
            PsyncDecision::Continue { from, bytes, .. } => {
                let backlog = self
                    .backlog
                    .as_ref()
                    .and_then(|b| b.since_vec(from))
                    .unwrap_or_default();
                slog::info!(self.log, "{}", accept_log_line(&msg.who, bytes, from));
                let reply = continue_reply(msg.capa_psync2, &msg.history.replid);
                msg.link.do_send(Continue { reply, backlog });
                self.links.insert(msg.id, msg.link);
                PsyncOutcome::Continued
            }
            PsyncDecision::FullResync { reason } => {
                slog::info!(self.log, "{reason}");
                if let Some(w) = reason.warning() {
                    slog::warn!(self.log, "{w}");
                }
                PsyncOutcome::FullResync
            }
        }
    }
}
