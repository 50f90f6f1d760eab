//! The connection actor: one per client socket.
//!
//! It reads, decodes every complete request into one batch, sends the batch to the keyspace as
//! one [`Execute`] message and writes all replies with one write. While a batch is out, what is
//! read next waits its turn, which keeps replies in order; reading goes on so that a client
//! hanging up while it is blocked is noticed, as Redis notices it.
//! Pub/sub messages arrive as [`Deliver`] messages and go to the same output buffer, whose size
//! is held to `client-output-buffer-limit` as Redis does.

pub mod codec;

use crate::clients::{ClientHandle, Kill};
use crate::config::{OutputBufferLimit, OBUF_NORMAL, OBUF_PUBSUB, OBUF_REPLICA};
use crate::keyspace::{ClientGone, Execute, Executed};
use crate::metrics::{Counted, Mailbox};
use crate::pubsub::Deliver;
use crate::server::ServerContext;
use crate::session::Session;
use actix::prelude::*;
use bytes::Buf;
use bytes::BytesMut;
use codec::{Batch, ReadError, RequestCodec};
use protocol::request::Limits;
use std::cell::Cell;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio_util::codec::FramedRead;

/// The keyspace as a connection sees it: where batches go, where to say goodbye, and the
/// mailbox they count against.
#[derive(Clone)]
pub struct KeyspacePeer {
    executor: Counted<Recipient<Execute>>,
    gone: Counted<Recipient<ClientGone>>,
}

impl KeyspacePeer {
    /// Both recipients are the keyspace (or a Sentinel), counted in its `mailbox`.
    pub fn new(
        executor: Recipient<Execute>,
        gone: Recipient<ClientGone>,
        mailbox: Arc<Mailbox>,
    ) -> Self {
        KeyspacePeer {
            executor: Counted::new(executor, mailbox.clone()),
            gone: Counted::new(gone, mailbox),
        }
    }
}

pub struct ConnectionActor<W: AsyncWrite + Unpin + 'static> {
    /// `None` while a batch is at the keyspace.
    session: Option<Session>,
    keyspace: KeyspacePeer,
    /// The socket's write half; `None` while a write is in progress.
    sink: Option<W>,
    /// Bytes waiting to be written, and how many are being written right now.
    pending: BytesMut,
    in_flight: usize,
    limits: Rc<Cell<Limits>>,
    server: Arc<ServerContext>,
    handle: Arc<ClientHandle>,
    mailbox: Arc<Mailbox>,
    /// Reply buffer handed to the keyspace with each batch and reused.
    spare: BytesMut,
    last_activity: crate::clock::Stamp,
    /// Close once everything pending is written.
    closing: bool,
    /// Since when the output buffer has been above the soft limit.
    soft_since: Option<Instant>,
    /// Whether the client has subscriptions: it is then in the pubsub output-limit class.
    subscribed: bool,
    /// Whether the client is a replica of ours: the replica output-limit class, never idle.
    replica: bool,
    /// Input read while a batch was out (a blocked client's next commands, say), and its size.
    queued: std::collections::VecDeque<Input>,
    queued_bytes: u64,
    log: slog::Logger,
}

impl<W: AsyncWrite + Unpin + 'static> ConnectionActor<W> {
    /// Starts a connection actor on the current arbiter over a split socket.
    pub fn start<R: AsyncRead + Unpin + 'static>(
        read: R,
        write: W,
        handle_for: impl FnOnce(Recipient<Kill>, Recipient<Deliver>) -> Arc<ClientHandle>,
        server: Arc<ServerContext>,
        keyspace: KeyspacePeer,
    ) -> Addr<Self> {
        ConnectionActor::create(move |ctx| {
            let handle = handle_for(ctx.address().recipient(), ctx.address().recipient());
            let t = server.config.tunables();
            let authenticated = t.requirepass.is_none();
            let limits = Rc::new(Cell::new(Limits {
                max_bulk_len: t.proto_max_bulk_len,
                authenticated,
            }));
            let codec = RequestCodec::new(limits.clone()).counting(server.clone(), handle.clone());
            ctx.add_stream(FramedRead::new(read, codec));
            let name = format!("conn/{}", handle.id);
            let mailbox = server.mailboxes.register_connection(name.clone());
            let log = server
                .log
                .new(slog::o!("actor" => name, "addr" => handle.addr.to_string()));
            server.clients.insert(handle.clone());
            ConnectionActor {
                session: Some(Session::new(handle.id, authenticated).with_handle(handle.clone())),
                keyspace,
                sink: Some(write),
                pending: BytesMut::with_capacity(16 * 1024),
                in_flight: 0,
                limits,
                server,
                handle,
                mailbox,
                spare: BytesMut::with_capacity(16 * 1024),
                last_activity: crate::clock::Stamp::now(),
                closing: false,
                soft_since: None,
                subscribed: false,
                replica: false,
                queued: Default::default(),
                queued_bytes: 0,
                log,
            }
        })
    }

    /// Queues bytes for the socket and starts writing if nothing is being written.
    fn write(&mut self, bytes: &[u8], ctx: &mut Context<Self>) {
        self.server
            .stats
            .total_net_output_bytes
            .fetch_add(bytes.len() as u64, Relaxed);
        self.pending.extend_from_slice(bytes);
        self.flush(ctx);
    }

    fn flush(&mut self, ctx: &mut Context<Self>) {
        if self.pending.is_empty() {
            if self.closing && self.sink.is_some() {
                ctx.stop();
            }
            return;
        }
        let Some(mut sink) = self.sink.take() else {
            return;
        };
        self.server
            .stats
            .total_writes_processed
            .fetch_add(1, Relaxed);
        // Fast path: replies almost always fit the socket buffer, so try to write them now
        // and only fall back to a write task for what the socket does not take.
        let mut cx = TaskContext::from_waker(std::task::Waker::noop());
        while !self.pending.is_empty() {
            match Pin::new(&mut sink).poll_write(&mut cx, &self.pending) {
                Poll::Ready(Ok(n)) if n > 0 => self.pending.advance(n),
                Poll::Ready(Ok(_)) | Poll::Ready(Err(_)) => {
                    ctx.stop();
                    return;
                }
                Poll::Pending => break,
            }
        }
        if self.pending.is_empty() {
            self.pending.clear();
            self.sink = Some(sink);
            self.handle.obuf.store(0, Relaxed);
            if self.closing {
                ctx.stop();
            }
            return;
        }
        let buf = self.pending.split();
        self.in_flight = buf.len();
        self.handle.obuf.store(self.output_len() as u64, Relaxed);
        let write = async move {
            let r = sink.write_all(&buf).await;
            (sink, buf, r)
        };
        ctx.spawn(write.into_actor(self).map(|(sink, mut buf, r), act, ctx| {
            act.sink = Some(sink);
            act.in_flight = 0;
            act.handle.obuf.store(act.output_len() as u64, Relaxed);
            if let Err(e) = r {
                slog::debug!(act.log, "Writing to client"; "error" => %e);
                ctx.stop();
                return;
            }
            if act.pending.is_empty() {
                // Keep the larger allocation for the next replies.
                buf.clear();
                act.pending = buf;
            }
            act.flush(ctx);
        }));
    }

    /// Bytes accepted for the client and not yet written to the socket.
    fn output_len(&self) -> usize {
        self.pending.len() + self.in_flight
    }

    /// Writes what is pending, then closes.
    fn close_after_write(&mut self, ctx: &mut Context<Self>) {
        self.closing = true;
        self.flush(ctx);
    }

    /// `client-output-buffer-limit` for the client's class: over the hard limit, or over the
    /// soft limit for longer than its seconds, the client is dropped without flushing.
    fn enforce_output_limit(&mut self, ctx: &mut Context<Self>) {
        // A normal client's replies leave at once unless the socket is slow: below 16 KiB
        // nothing can be over any sensible limit, so the hot path skips the config read.
        if !self.subscribed && !self.replica && self.output_len() < 16 * 1024 {
            self.soft_since = None;
            return;
        }
        let t = self.server.config.tunables();
        let class = if self.replica {
            OBUF_REPLICA
        } else if self.subscribed {
            OBUF_PUBSUB
        } else {
            OBUF_NORMAL
        };
        let limit = t.client_output_buffer_limit[class];
        let now = Instant::now();
        if over_limit(&limit, self.output_len() as u64, &mut self.soft_since, now) {
            slog::warn!(
                self.log,
                "Client {} scheduled to be closed ASAP for overcoming of output buffer limits.",
                crate::cmd::connection::client::describe(&self.handle, crate::server::unix_ms())
            );
            ctx.stop();
        }
    }

    fn idle_check(&mut self, ctx: &mut Context<Self>) {
        let timeout = self.server.config.tunables().timeout;
        // A client with a batch in flight is busy, and subscribers are never idle, as in Redis.
        if timeout > 0
            && !self.subscribed
            && !self.replica
            && self.session.is_some()
            && self.last_activity.elapsed_ns() > Duration::from_secs(timeout).as_nanos() as u64
        {
            slog::debug!(self.log, "Closing idle client");
            ctx.stop();
        }
    }
}

/// Redis's `checkClientOutputBufferLimits`, as a pure function of the buffer size and when it
/// first went over the soft limit.
pub fn over_limit(
    limit: &OutputBufferLimit,
    used: u64,
    soft_since: &mut Option<Instant>,
    now: Instant,
) -> bool {
    if limit.hard > 0 && used >= limit.hard {
        return true;
    }
    if limit.soft > 0 && used >= limit.soft {
        let since = *soft_since.get_or_insert(now);
        return now.duration_since(since) >= Duration::from_secs(limit.soft_seconds);
    }
    *soft_since = None;
    false
}

impl<W: AsyncWrite + Unpin + 'static> Actor for ConnectionActor<W> {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.run_interval(Duration::from_secs(1), |act, ctx| {
            act.idle_check(ctx);
            if act.subscribed {
                act.enforce_output_limit(ctx);
            }
        });
    }

    fn stopped(&mut self, _: &mut Self::Context) {
        let id = self.handle.id;
        self.server.clients.remove(id);
        self.server.mailboxes.unregister(self.mailbox.name());
        if self.subscribed || self.session.is_none() {
            self.server.pubsub.remove_client(id);
        }
        self.keyspace.gone.do_send(ClientGone { id });
    }
}

impl<W: AsyncWrite + Unpin + 'static> StreamHandler<Result<Batch, ReadError>>
    for ConnectionActor<W>
{
    fn handle(&mut self, item: Result<Batch, ReadError>, ctx: &mut Self::Context) {
        // Read by the actor's own stream: counted here as sent and taken up at once.
        let h = self.mailbox.tick();
        self.last_activity = h.started();
        match item {
            Ok(cmds) => {
                // Only input that must wait counts against the limit.
                let size = if self.session.is_none() {
                    batch_size(&cmds)
                } else {
                    0
                };
                if self.over_query_limit(size) {
                    ctx.stop();
                    return;
                }
                self.queued.push_back(Input::Batch(cmds, size))
            }
            Err(ReadError::Protocol(e)) => self.queued.push_back(Input::Broken(e)),
            Err(ReadError::Io(e)) => {
                slog::debug!(self.log, "Reading from client"; "error" => %e);
                ctx.stop();
                return;
            }
        }
        self.next_input(ctx);
    }

    fn finished(&mut self, ctx: &mut Self::Context) {
        // The client hung up (Redis frees it at once, even blocked), or a protocol error ended
        // the stream, in which case the error reply is on its way and the write side stops us.
        let broken = matches!(self.queued.back(), Some(Input::Broken(_)));
        if !self.closing && !broken {
            ctx.stop();
        }
    }
}

/// Roughly what a batch held in Redis's query buffer: its arguments plus framing.
fn batch_size(cmds: &Batch) -> u64 {
    cmds.iter().flatten().map(|a| a.len() as u64 + 16).sum()
}

/// What the connection has read and not yet handled, in order.
enum Input {
    /// Commands, and the bytes they count against `client-query-buffer-limit`.
    Batch(Batch, u64),
    /// A protocol error: answered after everything before it, then the connection closes.
    Broken(protocol::ProtocolError),
}

impl<W: AsyncWrite + Unpin + 'static> ConnectionActor<W> {
    /// `client-query-buffer-limit`: what a client sends while its batch is out (blocked, say)
    /// waits here, and Redis closes a client whose unprocessed input passes the limit.
    fn over_query_limit(&mut self, size: u64) -> bool {
        if size == 0 {
            // Nothing waits: the common case reads no configuration.
            return false;
        }
        self.queued_bytes += size;
        let limit = self.server.config.tunables().client_query_buffer_limit;
        if limit > 0 && self.queued_bytes > limit {
            slog::warn!(
                self.log,
                "Closing client that reached max query buffer length: {}",
                crate::cmd::connection::client::describe(&self.handle, crate::server::unix_ms())
            );
            self.server
                .stats
                .client_query_buffer_limit_disconnections
                .fetch_add(1, Relaxed);
            return true;
        }
        false
    }

    /// Hands the next input to the keyspace, unless a batch is still out there (its session is
    /// with it). Reading goes on meanwhile, so a client that hangs up while blocked is noticed.
    fn next_input(&mut self, ctx: &mut Context<Self>) {
        if self.closing || self.session.is_none() {
            return;
        }
        let Some(input) = self.queued.pop_front() else {
            return;
        };
        let cmds = match input {
            Input::Batch(cmds, size) => {
                self.queued_bytes -= size;
                cmds
            }
            Input::Broken(e) => {
                slog::debug!(self.log, "Protocol error from client"; "error" => %e);
                // Raw bytes: the offending byte goes back as Redis sends it, not escaped.
                let mut line = b"-ERR ".to_vec();
                line.extend_from_slice(&e.to_bytes());
                line.extend_from_slice(b"\r\n");
                self.write(&line, ctx);
                self.close_after_write(ctx);
                return;
            }
        };
        let Some(session) = self.session.take() else {
            return;
        };
        let out = std::mem::take(&mut self.spare);
        let fut = self.keyspace.executor.send(Execute { session, cmds, out });
        ctx.spawn(fut.into_actor(self).map(|res, act, ctx| match res {
            Ok(Executed { session, mut out }) => {
                act.write(&out, ctx);
                out.clear();
                act.spare = out;
                let mut l = act.limits.get();
                l.authenticated = session.authenticated;
                act.limits.set(l);
                act.subscribed = session.subscribed();
                act.replica = session.repl == crate::session::ReplRole::Replica;
                let close = session.close_after_reply;
                act.session = Some(session);
                if close {
                    act.close_after_write(ctx);
                } else {
                    act.enforce_output_limit(ctx);
                    act.next_input(ctx);
                }
            }
            Err(e) => {
                slog::warn!(act.log, "Keyspace unavailable"; "error" => %e);
                ctx.stop();
            }
        }));
    }
}

impl<W: AsyncWrite + Unpin + 'static> Handler<Deliver> for ConnectionActor<W> {
    type Result = ();

    fn handle(&mut self, msg: Deliver, ctx: &mut Self::Context) {
        // Publishers send plain recipients: counted here as sent and taken up at once.
        let _h = self.mailbox.tick();
        if self.closing {
            return;
        }
        self.write(&msg.0, ctx);
        self.enforce_output_limit(ctx);
    }
}

impl<W: AsyncWrite + Unpin + 'static> Handler<Kill> for ConnectionActor<W> {
    type Result = ();

    fn handle(&mut self, _: Kill, ctx: &mut Self::Context) {
        ctx.stop();
    }
}

#[cfg(test)]
mod tests;
