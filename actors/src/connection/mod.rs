//! The connection actor: one per client socket.
//!
//! It reads, decodes every complete request into one batch, sends the batch to the keyspace as
//! one [`Execute`] message and writes all replies with one write. While a batch is out it reads
//! nothing more (`ctx.wait`), which keeps replies in order and pushes back on fast clients.

pub mod codec;

use crate::clients::{ClientHandle, Kill};
use crate::keyspace::{Execute, Executed};
use crate::metrics::Mailbox;
use crate::server::ServerContext;
use crate::session::Session;
use actix::prelude::*;
use bytes::BytesMut;
use codec::{Batch, ReadError, RequestCodec};
use protocol::request::Limits;
use std::cell::Cell;
use std::rc::Rc;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_util::codec::FramedRead;

/// The keyspace as a connection sees it: where batches go and the mailbox they count against.
#[derive(Clone)]
pub struct KeyspacePeer {
    pub executor: Recipient<Execute>,
    pub mailbox: Arc<Mailbox>,
}

pub struct ConnectionActor<W: AsyncWrite + Unpin + 'static> {
    /// `None` while a batch is at the keyspace.
    session: Option<Session>,
    keyspace: KeyspacePeer,
    writer: actix::io::Writer<W, std::io::Error>,
    limits: Rc<Cell<Limits>>,
    server: Arc<ServerContext>,
    handle: Arc<ClientHandle>,
    mailbox: Arc<Mailbox>,
    /// Reply buffer handed to the keyspace with each batch and reused.
    spare: BytesMut,
    last_activity: Instant,
    /// The socket is closing once pending replies are written; the write side stops us then.
    closing: bool,
    log: slog::Logger,
}

impl<W: AsyncWrite + Unpin + 'static> ConnectionActor<W> {
    /// Starts a connection actor on the current arbiter over a split socket.
    pub fn start<R: AsyncRead + Unpin + 'static>(
        read: R,
        write: W,
        handle_for: impl FnOnce(Recipient<Kill>) -> Arc<ClientHandle>,
        server: Arc<ServerContext>,
        keyspace: KeyspacePeer,
    ) -> Addr<Self> {
        ConnectionActor::create(move |ctx| {
            let handle = handle_for(ctx.address().recipient());
            let authenticated = server.config.tunables().requirepass.is_none();
            let t = server.config.tunables();
            let limits = Rc::new(Cell::new(Limits {
                max_bulk_len: t.proto_max_bulk_len,
                authenticated,
            }));
            let codec = RequestCodec::new(limits.clone()).counting(server.clone(), handle.clone());
            ctx.add_stream(FramedRead::new(read, codec));
            let name = format!("conn/{}", handle.id);
            let mailbox = server.mailboxes.register(name.clone());
            let log = server
                .log
                .new(slog::o!("actor" => name, "addr" => handle.addr.to_string()));
            server.clients.insert(handle.clone());
            ConnectionActor {
                session: Some(Session::new(handle.id, authenticated).with_handle(handle.clone())),
                keyspace,
                writer: actix::io::Writer::new(write, ctx),
                limits,
                server,
                handle,
                mailbox,
                spare: BytesMut::with_capacity(16 * 1024),
                last_activity: Instant::now(),
                closing: false,
                log,
            }
        })
    }

    /// Writes what is pending, then closes; `WriteHandler::finished` stops the actor.
    fn close_after_write(&mut self) {
        self.closing = true;
        self.writer.close();
    }

    fn write(&mut self, bytes: &[u8]) {
        self.server
            .stats
            .total_net_output_bytes
            .fetch_add(bytes.len() as u64, Relaxed);
        self.writer.write(bytes);
    }

    fn idle_check(&mut self, ctx: &mut Context<Self>) {
        let timeout = self.server.config.tunables().timeout;
        // A client with a batch in flight is busy, not idle.
        if timeout > 0
            && self.session.is_some()
            && self.last_activity.elapsed() > Duration::from_secs(timeout)
        {
            slog::debug!(self.log, "Closing idle client");
            ctx.stop();
        }
    }
}

impl<W: AsyncWrite + Unpin + 'static> Actor for ConnectionActor<W> {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.run_interval(Duration::from_secs(1), |act, ctx| act.idle_check(ctx));
    }

    fn stopped(&mut self, _: &mut Self::Context) {
        self.server.clients.remove(self.handle.id);
        self.server.mailboxes.unregister(self.mailbox.name());
    }
}

impl<W: AsyncWrite + Unpin + 'static> actix::io::WriteHandler<std::io::Error>
    for ConnectionActor<W>
{
}

impl<W: AsyncWrite + Unpin + 'static> StreamHandler<Result<Batch, ReadError>>
    for ConnectionActor<W>
{
    fn handle(&mut self, item: Result<Batch, ReadError>, ctx: &mut Self::Context) {
        self.mailbox.sent();
        let h = self.mailbox.handling();
        self.last_activity = h.started();
        let cmds = match item {
            Ok(cmds) => cmds,
            Err(ReadError::Protocol(e)) => {
                slog::debug!(self.log, "Protocol error from client"; "error" => %e);
                // Raw bytes: the offending byte goes back as Redis sends it, not escaped.
                let mut line = b"-ERR ".to_vec();
                line.extend_from_slice(&e.to_bytes());
                line.extend_from_slice(b"\r\n");
                self.write(&line);
                self.close_after_write();
                return;
            }
            Err(ReadError::Io(e)) => {
                slog::debug!(self.log, "Reading from client"; "error" => %e);
                ctx.stop();
                return;
            }
        };
        let Some(session) = self.session.take() else {
            // Cannot happen: ctx.wait holds further items until the batch is answered.
            ctx.stop();
            return;
        };
        let out = std::mem::take(&mut self.spare);
        self.keyspace.mailbox.sent();
        let fut = self.keyspace.executor.send(Execute { session, cmds, out });
        ctx.wait(fut.into_actor(self).map(|res, act, ctx| match res {
            Ok(Executed { session, mut out }) => {
                act.write(&out);
                out.clear();
                act.spare = out;
                let mut l = act.limits.get();
                l.authenticated = session.authenticated;
                act.limits.set(l);
                let close = session.close_after_reply;
                act.session = Some(session);
                if close {
                    act.close_after_write();
                }
            }
            Err(e) => {
                act.keyspace.mailbox.refused();
                slog::warn!(act.log, "Keyspace unavailable"; "error" => %e);
                ctx.stop();
            }
        }));
    }

    fn finished(&mut self, ctx: &mut Self::Context) {
        self.read_side_finished(ctx);
    }
}

impl<W: AsyncWrite + Unpin + 'static> ConnectionActor<W> {
    /// End of the read side: the client hung up, or a protocol error ended the stream. In the
    /// latter case the error reply is still being written and the write side stops us.
    fn read_side_finished(&mut self, ctx: &mut Context<Self>) {
        if !self.closing {
            ctx.stop();
        }
    }
}

impl<W: AsyncWrite + Unpin + 'static> Handler<Kill> for ConnectionActor<W> {
    type Result = ();

    fn handle(&mut self, _: Kill, ctx: &mut Self::Context) {
        self.handle.closing.store(true, Relaxed);
        ctx.stop();
    }
}

#[cfg(test)]
mod tests;
