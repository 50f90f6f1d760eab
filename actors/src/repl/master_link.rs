//! The link to our master, on a replica: connects, runs the handshake, receives the full-sync
//! payload or continues partially, then reads the command stream and hands it to the keyspace
//! in batches, acknowledging the offset every second. When the link drops it caches where it
//! was and reconnects, so the next PSYNC can continue.

use super::handshake::{log, Event, Handshake, HandshakeConfig, RdbReceiver};
use super::status::{MasterInfo, ReplStatus};
use crate::aof::load::{read_command, Read};
use crate::keyspace::db::Db;
use crate::metrics::{Counted, Mailbox};
use crate::outbox::Outbox;
use crate::rdb::LoadOptions;
use crate::server::unix_ms;
use actix::prelude::*;
use bytes::{Bytes, BytesMut};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

/// A full sync's dataset, loaded from the master's payload: replace everything with it.
#[derive(Message)]
#[rtype(result = "()")]
pub struct LoadDataset {
    pub dbs: Vec<Db>,
    pub replid: String,
    pub offset: i64,
}

/// Commands of the master's stream, and the exact bytes they came as (passed on unchanged to
/// our own replicas).
#[derive(Message)]
#[rtype(result = "()")]
pub struct ApplyStream {
    pub cmds: Vec<Vec<Bytes>>,
    pub raw: Bytes,
}

/// The link came up (after a sync or a continue) or went down.
#[derive(Message, Debug, Clone)]
#[rtype(result = "()")]
pub struct LinkChanged {
    pub up: bool,
    /// After `+CONTINUE <id>` with an id other than ours: the master's new history.
    pub new_replid: Option<String>,
}

/// Stop for good (REPLICAOF NO ONE or another master).
#[derive(Message, Debug, Clone, Copy)]
#[rtype(result = "()")]
pub struct Disconnect;

/// Bytes read from the master.
#[derive(Message)]
#[rtype(result = "()")]
struct Read_(Result<Bytes, String>);

/// The keyspace as the link sees it.
#[derive(Clone)]
pub struct KeyspaceForLink {
    pub load: Counted<Recipient<LoadDataset>>,
    pub apply: Counted<Recipient<ApplyStream>>,
    pub changed: Counted<Recipient<LinkChanged>>,
}

impl KeyspaceForLink {
    /// The three ends of one keyspace actor, counted in its mailbox.
    pub fn of<A>(keyspace: &Addr<A>, mailbox: &Arc<Mailbox>) -> Self
    where
        A: Actor<Context = Context<A>>
            + Handler<LoadDataset>
            + Handler<ApplyStream>
            + Handler<LinkChanged>,
    {
        let counted = Counted::new(keyspace.clone(), mailbox.clone());
        KeyspaceForLink {
            load: counted.recipient(),
            apply: counted.recipient(),
            changed: counted.recipient(),
        }
    }
}

enum Stage {
    Idle,
    Handshake(Box<Handshake>),
    Transfer {
        rdb: RdbReceiver,
        data: Vec<u8>,
        replid: String,
        offset: i64,
    },
    /// Waiting for the keyspace to load the payload.
    Loading,
    Streaming,
}

pub struct MasterLink {
    host: String,
    port: u16,
    keyspace: KeyspaceForLink,
    /// Where a partial resync would continue from: (replid, processed offset).
    cached: Option<(String, i64)>,
    /// Offset of the stream processed so far.
    offset: i64,
    stage: Stage,
    buf: BytesMut,
    outbox: Outbox,
    /// Bumped on every connection, so reads of an old one are ignored.
    generation: u64,
    last_io_ms: u64,
    stopped: bool,
    reconnecting: bool,
    /// Our old master hands over to us: the PSYNC carries FAILOVER.
    failover: bool,
    status: Arc<ReplStatus>,
    server: Arc<crate::server::ServerContext>,
    load_options: LoadOptions,
    mailbox: Arc<Mailbox>,
    log: slog::Logger,
}

impl MasterLink {
    /// Its mailbox, for the keyspace to count what it sends.
    pub fn mailbox(&self) -> Arc<Mailbox> {
        self.mailbox.clone()
    }

    /// The PSYNC will ask the target to take over (FAILOVER).
    pub fn failing_over(mut self) -> Self {
        self.failover = true;
        self
    }

    pub fn new(
        host: String,
        port: u16,
        cached: Option<(String, i64)>,
        keyspace: KeyspaceForLink,
        server: Arc<crate::server::ServerContext>,
    ) -> Self {
        let name = format!("master-link/{host}:{port}");
        let mailbox = server.mailboxes.register(name.clone());
        let log = server.log.new(slog::o!("actor" => name));
        let t = server.config.tunables();
        MasterLink {
            host,
            port,
            keyspace,
            offset: cached.as_ref().map_or(0, |c| c.1),
            cached,
            stage: Stage::Idle,
            buf: BytesMut::new(),
            outbox: Outbox::default(),
            generation: 0,
            last_io_ms: 0,
            stopped: false,
            reconnecting: false,
            failover: false,
            status: server.repl_status(),
            load_options: crate::persistence::load_options(&t),
            server,
            mailbox,
            log,
        }
    }

    fn set_state(&self, state: &'static str) {
        let (host, port, last_io, offset) =
            (self.host.clone(), self.port, self.last_io_ms, self.offset);
        self.status.update(|s| {
            let down_since = match &s.master {
                Some(m) if m.state != "connected" && state != "connected" => m.down_since_ms,
                _ if state == "connected" => 0,
                _ => unix_ms(),
            };
            s.master = Some(MasterInfo {
                host,
                port,
                state,
                last_io_ms: last_io,
                down_since_ms: down_since,
                sync_size: -1,
                sync_read: 0,
                sync_start_ms: 0,
                offset,
            });
        });
    }

    /// Queues bytes for the master; one write is in flight at a time, in order.
    fn send(&mut self, bytes: Vec<u8>, ctx: &mut Context<Self>) {
        self.outbox.push(&bytes);
        self.flush(ctx);
    }

    fn flush(&mut self, ctx: &mut Context<Self>) {
        Outbox::flush(
            self,
            ctx,
            |l| &mut l.outbox,
            |l, e, ctx| l.lost(&format!("Error writing to master: {e}"), ctx),
        );
    }

    fn connect(&mut self, ctx: &mut Context<Self>) {
        if self.stopped {
            return;
        }
        self.generation += 1;
        let gen = self.generation;
        let addr = format!("{}:{}", self.host, self.port);
        let source = self.server.config.tunables().bind_source_addr.clone();
        self.set_state("connecting");
        ctx.spawn(
            async move {
                tokio::time::timeout(Duration::from_secs(10), connect_from(addr, source)).await
            }
            .into_actor(self)
            .map(move |res, act, ctx| {
                if act.generation != gen || act.stopped {
                    return;
                }
                match res {
                    Ok(Ok(stream)) => act.connected(stream, ctx),
                    Ok(Err(e)) => act.retry(&log::socket_error(&e.to_string()), ctx),
                    Err(_) => act.retry("Timeout connecting to the MASTER...", ctx),
                }
            }),
        );
    }

    fn connected(&mut self, stream: TcpStream, ctx: &mut Context<Self>) {
        let _ = stream.set_nodelay(true);
        slog::info!(self.log, "{}", log::CONNECT_FIRED);
        let (mut read, write) = stream.into_split();
        // Bytes queued while disconnected belonged to no handshake.
        self.outbox.clear();
        self.outbox.attach(write);
        self.buf.clear();
        let t = self.server.config.tunables();
        let cfg = HandshakeConfig {
            masterauth: t.masterauth.clone(),
            masteruser: t.masteruser.clone(),
            listening_port: if t.replica_announce_port != 0 {
                t.replica_announce_port
            } else {
                t.port
            },
            announce_ip: t.replica_announce_ip.clone(),
            cached: self.cached.as_ref().map(|(id, off)| (id.clone(), off + 1)),
            failover: self.failover,
        };
        self.stage = Stage::Handshake(Box::new(Handshake::new(cfg)));
        self.set_state("handshake");
        let me = Counted::new(ctx.address(), self.mailbox.clone());
        let gen = self.generation;
        // The socket is read by a task of its own; what it reads comes back as messages.
        actix::spawn(async move {
            let mut chunk = vec![0u8; 64 * 1024];
            loop {
                match read.read(&mut chunk).await {
                    Ok(0) => {
                        me.do_send(Tagged(gen, Read_(Err("closed".into()))));
                        break;
                    }
                    Ok(n) => {
                        let data = Bytes::copy_from_slice(&chunk[..n]);
                        if me.send(Tagged(gen, Read_(Ok(data)))).await.is_err() {
                            break;
                        }
                    }
                    Err(e) => {
                        me.do_send(Tagged(gen, Read_(Err(e.to_string()))));
                        break;
                    }
                }
            }
        });
        self.pump(ctx);
    }

    /// Sends what the handshake wants sent.
    fn pump(&mut self, ctx: &mut Context<Self>) {
        let mut out = Vec::new();
        if let Stage::Handshake(hs) = &mut self.stage {
            while let Some(req) = hs.next_request() {
                out.extend_from_slice(&req);
            }
        }
        if !out.is_empty() {
            self.send(out, ctx);
        }
    }

    /// Drives the stage machine over what has been read.
    fn progress(&mut self, ctx: &mut Context<Self>) {
        loop {
            match &mut self.stage {
                Stage::Idle | Stage::Loading => return,
                Stage::Handshake(hs) => match hs.feed(&mut self.buf) {
                    Ok(None) => {
                        self.pump(ctx);
                        return;
                    }
                    Ok(Some(Event::Log(l))) => {
                        match l.level {
                            super::handshake::LogLevel::Notice => {
                                slog::info!(self.log, "{}", l.text)
                            }
                            super::handshake::LogLevel::Warning => {
                                slog::warn!(self.log, "{}", l.text)
                            }
                        }
                        self.pump(ctx);
                    }
                    Ok(Some(Event::FullResync { replid, offset })) => {
                        self.stage = Stage::Transfer {
                            rdb: RdbReceiver::new(),
                            data: Vec::new(),
                            replid,
                            offset,
                        };
                        self.set_state("sync");
                    }
                    Ok(Some(Event::Continue { new_replid })) => {
                        self.stage = Stage::Streaming;
                        self.set_state("connected");
                        self.keyspace.changed.do_send(LinkChanged {
                            up: true,
                            new_replid: new_replid.clone(),
                        });
                        if let (Some(id), Some(c)) = (new_replid, self.cached.as_mut()) {
                            c.0 = id;
                        }
                    }
                    Ok(Some(Event::RetryLater(why))) => {
                        self.retry(&log::psync_try_later(&why), ctx);
                        return;
                    }
                    Err(e) => {
                        self.retry(&e.to_string(), ctx);
                        return;
                    }
                },
                Stage::Transfer {
                    rdb,
                    data,
                    replid,
                    offset,
                } => match rdb.collect(&mut self.buf, data) {
                    Ok((framing, done)) => {
                        if let Some(f) = framing {
                            let line = match f {
                                super::handshake::Framing::Length(n) => {
                                    log::receiving_bytes(n, true)
                                }
                                super::handshake::Framing::EofMark(_) => log::receiving_eof(true),
                            };
                            slog::info!(self.log, "{line}");
                        }
                        let read = data.len() as u64;
                        self.status.update(|s| {
                            if let Some(m) = &mut s.master {
                                m.sync_read = read;
                            }
                        });
                        if !done {
                            return;
                        }
                        let (replid, offset) = (replid.clone(), *offset);
                        let payload = std::mem::take(data);
                        self.stage = Stage::Loading;
                        self.load(payload, replid, offset, ctx);
                        return;
                    }
                    Err(e) => {
                        self.retry(&e.to_string(), ctx);
                        return;
                    }
                },
                Stage::Streaming => {
                    self.stream(ctx);
                    return;
                }
            }
        }
    }

    fn load(&mut self, payload: Vec<u8>, replid: String, offset: i64, ctx: &mut Context<Self>) {
        slog::info!(self.log, "{}", log::FLUSHING);
        slog::info!(self.log, "{}", log::LOADING);
        let loaded = match crate::rdb::read_rdb_with(&payload, &self.load_options) {
            Ok(l) => l,
            Err(e) => {
                slog::warn!(
                    self.log,
                    "Failed trying to load the MASTER synchronization DB from disk: {e}"
                );
                self.retry("MASTER <-> REPLICA sync: bad payload", ctx);
                return;
            }
        };
        for note in loaded.describe((unix_ms() / 1000) as i64) {
            slog::info!(self.log, "{note}");
        }
        let mut dbs = loaded.dbs;
        dbs.resize_with(self.load_options.databases.max(1), Db::new);
        let keys: usize = dbs.iter().map(|d| d.len()).sum();
        slog::info!(
            self.log,
            "Done loading RDB, keys loaded: {keys}, keys expired: 0."
        );
        let done = self.keyspace.load.send(LoadDataset {
            dbs,
            replid: replid.clone(),
            offset,
        });
        let gen = self.generation;
        ctx.wait(done.into_actor(self).map(move |_, act, ctx| {
            if act.generation != gen {
                return;
            }
            slog::info!(act.log, "{}", log::FINISHED);
            act.cached = Some((replid, offset));
            act.offset = offset;
            act.stage = Stage::Streaming;
            act.set_state("connected");
            act.keyspace.changed.do_send(LinkChanged {
                up: true,
                new_replid: None,
            });
            // A diskless master starts streaming once it hears from us.
            act.ack(ctx);
            act.progress(ctx);
        }));
    }

    /// Hands every complete command read to the keyspace, with its bytes.
    fn stream(&mut self, ctx: &mut Context<Self>) {
        let data = self.buf.split().freeze();
        let mut pos = 0;
        let mut cmds = Vec::new();
        // Redis answers GETACK with the offset processed before the GETACK itself.
        let mut getack: Option<i64> = None;
        loop {
            let before = pos;
            let Some(read) = read_command(&data, &mut pos) else {
                break;
            };
            match read {
                Read::Command(argv) => {
                    let is_getack = argv.len() >= 2
                        && argv[0].eq_ignore_ascii_case(b"replconf")
                        && argv[1].eq_ignore_ascii_case(b"getack");
                    if is_getack {
                        getack = Some(self.offset + before as i64);
                    }
                    cmds.push(argv);
                }
                Read::Truncated => break,
                Read::BadFormat => {
                    self.retry("Protocol error from master stream", ctx);
                    return;
                }
            }
        }
        // What is not a whole command yet waits for more bytes.
        self.buf.extend_from_slice(&data[pos..]);
        if cmds.is_empty() {
            return;
        }
        self.offset += pos as i64;
        if let Some(c) = &mut self.cached {
            c.1 = self.offset;
        }
        self.keyspace.apply.do_send(ApplyStream {
            cmds,
            raw: data.slice(..pos),
        });
        let offset = self.offset;
        self.status.update(|s| {
            if let Some(m) = &mut s.master {
                m.offset = offset;
            }
        });
        if let Some(at) = getack {
            self.ack_at(at, ctx);
        }
    }

    fn ack(&mut self, ctx: &mut Context<Self>) {
        self.ack_at(self.offset, ctx);
    }

    fn ack_at(&mut self, offset: i64, ctx: &mut Context<Self>) {
        let off = offset.to_string();
        let cmd = super::handshake::encode_command(&[b"REPLCONF", b"ACK", off.as_bytes()]);
        self.send(cmd, ctx);
    }

    /// The link failed: log, tell the keyspace, try again in a second.
    fn retry(&mut self, why: &str, ctx: &mut Context<Self>) {
        slog::warn!(self.log, "{why}");
        self.lost_quietly(ctx);
    }

    fn lost(&mut self, why: &str, ctx: &mut Context<Self>) {
        if matches!(self.stage, Stage::Streaming) {
            slog::warn!(self.log, "{}", log::CONNECTION_LOST);
            slog::info!(self.log, "{}", log::CACHING_MASTER);
        } else {
            slog::warn!(self.log, "{why}");
        }
        self.lost_quietly(ctx);
    }

    fn lost_quietly(&mut self, ctx: &mut Context<Self>) {
        let was_up = matches!(self.stage, Stage::Streaming);
        if std::mem::take(&mut self.failover) && !was_up {
            // The target would not take over: the keyspace gives the failover up.
            self.keyspace.changed.do_send(LinkChanged {
                up: false,
                new_replid: None,
            });
        }
        self.generation += 1;
        self.outbox.detach();
        self.stage = Stage::Idle;
        self.buf.clear();
        self.set_state("connect");
        if was_up {
            self.keyspace.changed.do_send(LinkChanged {
                up: false,
                new_replid: None,
            });
        }
        if self.stopped || self.reconnecting {
            return;
        }
        self.reconnecting = true;
        ctx.run_later(Duration::from_secs(1), |act, ctx| {
            let _h = act.mailbox.tick();
            act.reconnecting = false;
            slog::info!(act.log, "{}", log::reconnecting(&act.host, act.port));
            slog::info!(act.log, "{}", log::SYNC_STARTED);
            act.connect(ctx);
        });
    }
}

/// Connects to `addr`, from `source` when `bind-source-addr` is set (so the master sees that
/// address, as Redis's `connConnect` with a source address does).
async fn connect_from(addr: String, source: Option<String>) -> std::io::Result<TcpStream> {
    let Some(source) = source else {
        return TcpStream::connect(addr).await;
    };
    let target = tokio::net::lookup_host(&addr)
        .await?
        .next()
        .ok_or_else(|| std::io::Error::other("no address"))?;
    let local: std::net::IpAddr = source
        .parse()
        .map_err(|_| std::io::Error::other("bad bind-source-addr"))?;
    let socket = if target.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.bind(std::net::SocketAddr::new(local, 0))?;
    socket.connect(target).await
}

/// A read tagged with the connection it came from.
#[derive(Message)]
#[rtype(result = "()")]
struct Tagged(u64, Read_);

impl Actor for MasterLink {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        slog::info!(self.log, "{}", log::connecting(&self.host, self.port));
        slog::info!(self.log, "{}", log::SYNC_STARTED);
        self.connect(ctx);
        ctx.run_interval(Duration::from_secs(1), |act, ctx| {
            let _h = act.mailbox.tick();
            if !matches!(act.stage, Stage::Streaming) {
                return;
            }
            act.ack(ctx);
            let last_io = act.last_io_ms;
            act.status.update(|s| {
                if let Some(m) = &mut s.master {
                    m.last_io_ms = last_io;
                }
            });
            let timeout = act.server.config.tunables().repl_timeout;
            if unix_ms().saturating_sub(act.last_io_ms) > timeout * 1000 {
                slog::warn!(act.log, "MASTER timeout: no data nor PING received...");
                act.lost_quietly(ctx);
            }
        });
    }
}

impl Handler<Tagged> for MasterLink {
    type Result = ();

    fn handle(&mut self, msg: Tagged, ctx: &mut Self::Context) {
        let _h = self.mailbox.handling();
        if msg.0 != self.generation || self.stopped {
            return;
        }
        match msg.1 .0 {
            Ok(data) => {
                self.last_io_ms = unix_ms();
                self.buf.extend_from_slice(&data);
                self.progress(ctx);
            }
            Err(e) => self.lost(&log::socket_error(&e), ctx),
        }
    }
}

impl Handler<Disconnect> for MasterLink {
    type Result = ();

    fn handle(&mut self, _: Disconnect, ctx: &mut Self::Context) {
        let _h = self.mailbox.handling();
        self.stopped = true;
        self.generation += 1;
        self.outbox.detach();
        ctx.stop();
    }
}
