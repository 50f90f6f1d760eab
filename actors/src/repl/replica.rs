//! A replica as its master sees it: one actor per connected replica. It puts the full-sync
//! payload and then the command stream on the replica's connection, in that order, holding the
//! stream back while the payload is still being produced; it records what the replica
//! acknowledges.

use super::status::{ReplStatus, ReplicaInfo};
use crate::metrics::Mailbox;
use crate::pubsub::Deliver;
use crate::rdb::crc64::crc64;
use crate::server::unix_ms;
use actix::prelude::*;
use bytes::Bytes;
use std::sync::Arc;
use std::time::Duration;

/// Where the link is: Redis's `replstate` for a replica.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    /// Waiting for a snapshot to start.
    WaitBgsave,
    /// The payload is being produced or sent; the stream is held back.
    SendBulk,
    Online,
}

impl LinkState {
    pub fn name(self) -> &'static str {
        match self {
            LinkState::WaitBgsave => "wait_bgsave",
            LinkState::SendBulk => "send_bulk",
            LinkState::Online => "online",
        }
    }
}

/// A full sync begins at `offset`: `+FULLRESYNC`, then (diskless) the EOF-marked preamble.
#[derive(Message, Debug, Clone)]
#[rtype(result = "()")]
pub struct FullResyncAt {
    pub replid: String,
    pub offset: i64,
    pub diskless: bool,
}

/// The next bytes of a diskless payload (an RDB without its EOF and checksum).
#[derive(Message, Debug, Clone)]
#[rtype(result = "()")]
pub struct RdbChunk(pub Bytes);

/// The payload is complete: diskless, its end; disk-based, the file to send.
#[derive(Message, Debug, Clone)]
#[rtype(result = "()")]
pub enum RdbEnd {
    Streamed,
    File(std::path::PathBuf),
    /// The snapshot failed: the replica is dropped and will retry.
    Failed,
}

/// A partial resync: the reply and the backlog from the replica's offset.
#[derive(Message, Debug, Clone)]
#[rtype(result = "()")]
pub struct Continue {
    pub reply: Vec<u8>,
    pub backlog: Vec<u8>,
}

/// Stream bytes, in order.
#[derive(Message, Debug, Clone)]
#[rtype(result = "()")]
pub struct Stream(pub Bytes);

/// `REPLCONF ACK <offset>` arrived from the replica.
#[derive(Message, Debug, Clone, Copy)]
#[rtype(result = "()")]
pub struct Acked {
    pub offset: i64,
}

/// The replica's connection is gone, or the master drops it.
#[derive(Message, Debug, Clone, Copy)]
#[rtype(result = "()")]
pub struct Unlink;

pub struct ReplicaLink {
    info: ReplicaInfo,
    state: LinkState,
    /// The replica's connection.
    out: Recipient<Deliver>,
    kill: Option<Recipient<crate::clients::Kill>>,
    held: Vec<Bytes>,
    /// Bytes in `held`, held to `client-output-buffer-limit replica`'s hard limit as Redis
    /// counts them in the replica's output buffer.
    held_bytes: u64,
    pub hard_limit: u64,
    /// The diskless payload's delimiter and running checksum.
    mark: Option<[u8; 40]>,
    crc: u64,
    status: Arc<StatusRef>,
    mailbox: Arc<Mailbox>,
    log: slog::Logger,
}

/// The shared status and this server's log, handed to every link.
pub struct StatusRef {
    pub repl: Arc<ReplStatus>,
}

impl ReplicaLink {
    pub fn new(
        info: ReplicaInfo,
        out: Recipient<Deliver>,
        kill: Option<Recipient<crate::clients::Kill>>,
        repl: Arc<ReplStatus>,
        mailbox: Arc<Mailbox>,
        log: slog::Logger,
    ) -> Self {
        ReplicaLink {
            info,
            state: LinkState::WaitBgsave,
            out,
            kill,
            held: Vec::new(),
            held_bytes: 0,
            hard_limit: 0,
            mark: None,
            crc: 0,
            status: Arc::new(StatusRef { repl }),
            mailbox,
            log,
        }
    }

    fn send(&self, bytes: impl Into<Bytes>) {
        self.out.do_send(Deliver(bytes.into()));
    }

    fn set_state(&mut self, state: LinkState) {
        self.state = state;
        self.info.state = state.name();
        self.publish();
    }

    /// Mirrors this link into the shared status INFO reads.
    fn publish(&self) {
        let info = self.info.clone();
        self.status
            .repl
            .update(|s| match s.replicas.iter_mut().find(|r| r.id == info.id) {
                Some(r) => *r = info,
                None => s.replicas.push(info),
            });
    }

    /// The payload is out: the held stream follows, and from now on goes straight through.
    fn go_online(&mut self) {
        for b in std::mem::take(&mut self.held) {
            self.send(b);
        }
        self.held_bytes = 0;
        self.info.last_ack_ms = unix_ms();
        self.set_state(LinkState::Online);
        slog::info!(
            self.log,
            "Synchronization with replica {}:{} succeeded",
            self.info.ip,
            self.info.port
        );
    }
}

impl Actor for ReplicaLink {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        // Stream messages must not park the keyspace; actix overflows on usize::MAX.
        ctx.set_mailbox_capacity(1 << 20);
        self.publish();
        // While the payload is prepared the master sends a newline a second, which replicas
        // skip, so that neither side times the link out.
        ctx.run_interval(Duration::from_secs(1), |act, _| {
            let _h = act.mailbox.tick();
            if act.state == LinkState::SendBulk && act.mark.is_none() {
                act.send(Bytes::from_static(b"\n"));
            }
        });
    }

    fn stopped(&mut self, _: &mut Self::Context) {
        let id = self.info.id;
        self.status
            .repl
            .update(|s| s.replicas.retain(|r| r.id != id));
    }
}

impl Handler<FullResyncAt> for ReplicaLink {
    type Result = ();

    fn handle(&mut self, msg: FullResyncAt, _: &mut Self::Context) {
        let _h = self.mailbox.handling();
        self.send(format!("+FULLRESYNC {} {}\r\n", msg.replid, msg.offset).into_bytes());
        if msg.diskless {
            let seed = unix_ms() ^ (self.info.id << 20);
            let mark: [u8; 40] = crate::server::random_hex(40, seed)
                .into_bytes()
                .try_into()
                .expect("40 hex digits");
            let mut head = b"$EOF:".to_vec();
            head.extend_from_slice(&mark);
            head.extend_from_slice(b"\r\n");
            self.send(head);
            self.mark = Some(mark);
            self.crc = 0;
        }
        self.set_state(LinkState::SendBulk);
    }
}

impl Handler<RdbChunk> for ReplicaLink {
    type Result = ();

    fn handle(&mut self, msg: RdbChunk, _: &mut Self::Context) {
        let _h = self.mailbox.handling();
        self.crc = crc64(self.crc, &msg.0);
        self.send(msg.0);
    }
}

impl Handler<RdbEnd> for ReplicaLink {
    type Result = ();

    fn handle(&mut self, msg: RdbEnd, ctx: &mut Self::Context) {
        let _h = self.mailbox.handling();
        match msg {
            RdbEnd::Streamed => {
                let Some(mark) = self.mark.take() else {
                    return;
                };
                let crc = crc64(self.crc, &[0xff]);
                let mut tail = vec![0xff];
                tail.extend_from_slice(&crc.to_le_bytes());
                tail.extend_from_slice(&mark);
                self.send(tail);
                self.go_online();
            }
            RdbEnd::File(path) => match std::fs::read(&path) {
                Ok(data) => {
                    self.send(format!("${}\r\n", data.len()).into_bytes());
                    self.send(data);
                    self.go_online();
                }
                Err(e) => {
                    slog::warn!(
                        self.log,
                        "SYNC failed. Can't open/stat DB after BGSAVE: {e}"
                    );
                    ctx.notify(Unlink);
                }
            },
            RdbEnd::Failed => ctx.notify(Unlink),
        }
    }
}

impl Handler<Continue> for ReplicaLink {
    type Result = ();

    fn handle(&mut self, msg: Continue, _: &mut Self::Context) {
        let _h = self.mailbox.handling();
        self.send(msg.reply);
        if !msg.backlog.is_empty() {
            self.send(msg.backlog);
        }
        for b in std::mem::take(&mut self.held) {
            self.send(b);
        }
        self.info.last_ack_ms = unix_ms();
        self.set_state(LinkState::Online);
    }
}

impl Handler<Stream> for ReplicaLink {
    type Result = ();

    fn handle(&mut self, msg: Stream, ctx: &mut Self::Context) {
        let _h = self.mailbox.handling();
        // Everything the backlog passes on comes after this replica's sync point: held
        // until the payload is out.
        if self.state == LinkState::Online {
            self.send(msg.0);
            return;
        }
        self.held_bytes += msg.0.len() as u64;
        self.held.push(msg.0);
        if self.hard_limit > 0 && self.held_bytes >= self.hard_limit {
            slog::warn!(
                self.log,
                "Client replica {}:{} scheduled to be closed ASAP for overcoming of output buffer limits.",
                self.info.ip,
                self.info.port
            );
            ctx.notify(Unlink);
        }
    }
}

impl Handler<Acked> for ReplicaLink {
    type Result = ();

    fn handle(&mut self, msg: Acked, _: &mut Self::Context) {
        let _h = self.mailbox.handling();
        self.info.offset = msg.offset;
        self.info.last_ack_ms = unix_ms();
        self.publish();
    }
}

impl Handler<Unlink> for ReplicaLink {
    type Result = ();

    fn handle(&mut self, _: Unlink, ctx: &mut Self::Context) {
        if let Some(kill) = &self.kill {
            kill.do_send(crate::clients::Kill);
        }
        ctx.stop();
    }
}
