//! The listener actor: one per bound address. It accepts sockets, refuses what Redis refuses
//! (maxclients, protected mode) and starts a connection actor for the rest.

use crate::clients::ClientHandle;
use crate::connection::{ConnectionActor, KeyspacePeer};
use crate::metrics::Mailbox;
use crate::server::ServerContext;
use actix::prelude::*;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};

/// Redis's reply to a non-loopback client in protected mode.
pub const DENIED: &str = "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Set up an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n";

/// Redis's reply when `maxclients` is reached.
pub const MAX_CLIENTS: &str = "-ERR max number of clients reached\r\n";

/// Why an accepted socket is turned away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    MaxClients,
    ProtectedMode,
}

/// The admission decision, kept pure so it can be tested from a table.
pub fn admit(
    connected: usize,
    maxclients: usize,
    protected_mode: bool,
    has_password: bool,
    peer: &SocketAddr,
) -> Result<(), Refusal> {
    if connected >= maxclients {
        return Err(Refusal::MaxClients);
    }
    // Redis's "local" is exactly 127.0.0.1 or ::1, not the rest of 127.0.0.0/8.
    let local = match peer.ip() {
        std::net::IpAddr::V4(ip) => ip == std::net::Ipv4Addr::LOCALHOST,
        std::net::IpAddr::V6(ip) => ip.is_loopback(),
    };
    if protected_mode && !has_password && !local {
        return Err(Refusal::ProtectedMode);
    }
    Ok(())
}

/// Binds a listening socket as Redis does: SO_REUSEADDR, the configured backlog.
pub fn bind(addr: SocketAddr, backlog: i32) -> io::Result<std::net::TcpListener> {
    let domain = socket2::Domain::for_address(addr);
    let sock = socket2::Socket::new(domain, socket2::Type::STREAM, Some(socket2::Protocol::TCP))?;
    sock.set_reuse_address(true)?;
    if addr.is_ipv6() {
        sock.set_only_v6(true)?;
    }
    sock.bind(&addr.into())?;
    sock.listen(backlog)?;
    sock.set_nonblocking(true)?;
    Ok(sock.into())
}

struct Incoming(TcpListener);

impl Stream for Incoming {
    type Item = io::Result<(TcpStream, SocketAddr)>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<Self::Item>> {
        self.0.poll_accept(cx).map(Some)
    }
}

/// Feeds the connections accepted on `listener` to the actor as a stream; stops the actor if the
/// socket cannot join the event loop. Serves the client listeners and the metrics endpoint.
pub(crate) fn accept<A>(
    listener: Option<std::net::TcpListener>,
    ctx: &mut Context<A>,
    log: &slog::Logger,
) where
    A: Actor<Context = Context<A>> + StreamHandler<io::Result<(TcpStream, SocketAddr)>>,
{
    let Some(std_listener) = listener else {
        return;
    };
    match TcpListener::from_std(std_listener) {
        Ok(l) => {
            ctx.add_stream(Incoming(l));
        }
        Err(e) => {
            slog::warn!(log, "Could not listen"; "error" => %e);
            ctx.stop();
        }
    }
}

/// Closes the listening socket (CONFIG SET port/bind moved it elsewhere); clients stay.
#[derive(Message, Debug, Clone, Copy)]
#[rtype(result = "()")]
pub struct StopListening;

pub struct ListenerActor {
    listener: Option<std::net::TcpListener>,
    local: SocketAddr,
    server: Arc<ServerContext>,
    keyspace: KeyspacePeer,
    mailbox: Arc<Mailbox>,
    log: slog::Logger,
}

impl ListenerActor {
    pub fn new(
        listener: std::net::TcpListener,
        server: Arc<ServerContext>,
        keyspace: KeyspacePeer,
    ) -> io::Result<Self> {
        let local = listener.local_addr()?;
        let name = format!("listener/{local}");
        Ok(ListenerActor {
            listener: Some(listener),
            local,
            mailbox: server.mailboxes.register(name.clone()),
            log: server.log.new(slog::o!("actor" => name)),
            server,
            keyspace,
        })
    }

    fn accept(&mut self, stream: TcpStream, peer: SocketAddr) {
        let t = self.server.config.tunables();
        let stats = &self.server.stats;
        stats.total_connections_received.fetch_add(1, Relaxed);
        let verdict = admit(
            self.server.clients.len(),
            t.maxclients,
            t.protected_mode,
            t.requirepass.is_some(),
            &peer,
        );
        if let Err(r) = verdict {
            stats.rejected_connections.fetch_add(1, Relaxed);
            let msg = match r {
                Refusal::MaxClients => MAX_CLIENTS,
                Refusal::ProtectedMode => DENIED,
            };
            // Best effort, as Redis: the socket is closed right after whatever fits is sent.
            let _ = stream.try_write(msg.as_bytes());
            slog::debug!(self.log, "Refused connection"; "peer" => %peer, "reason" => ?r);
            return;
        }
        let _ = stream.set_nodelay(true);
        if t.tcp_keepalive > 0 {
            let ka = socket2::TcpKeepalive::new()
                .with_time(Duration::from_secs(t.tcp_keepalive))
                .with_interval(Duration::from_secs((t.tcp_keepalive / 3).max(1)));
            let _ = socket2::SockRef::from(&stream).set_tcp_keepalive(&ka);
        }
        let laddr = stream.local_addr().unwrap_or(self.local);
        let fd = raw_fd(&stream);
        let (read, write) = stream.into_split();
        let server = self.server.clone();
        let id = server.clients.next_id();
        slog::debug!(self.log, "Accepted"; "peer" => %peer, "id" => id);
        ConnectionActor::start(
            read,
            write,
            |kill, deliver| Arc::new(ClientHandle::new(id, peer, laddr, fd, kill, deliver)),
            server,
            self.keyspace.clone(),
        );
    }
}

#[cfg(unix)]
fn raw_fd(s: &TcpStream) -> i64 {
    use std::os::fd::AsRawFd;
    s.as_raw_fd() as i64
}

#[cfg(not(unix))]
fn raw_fd(_: &TcpStream) -> i64 {
    -1
}

impl Actor for ListenerActor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        accept(self.listener.take(), ctx, &self.log);
    }

    fn stopped(&mut self, _: &mut Self::Context) {
        self.server.mailboxes.unregister(self.mailbox.name());
    }
}

impl Handler<StopListening> for ListenerActor {
    type Result = ();

    fn handle(&mut self, _: StopListening, ctx: &mut Self::Context) {
        // Not sent through a counted peer: counted here as sent and taken up at once.
        let _h = self.mailbox.tick();
        ctx.stop();
    }
}

impl StreamHandler<io::Result<(TcpStream, SocketAddr)>> for ListenerActor {
    fn handle(&mut self, item: io::Result<(TcpStream, SocketAddr)>, _: &mut Self::Context) {
        // Not sent through a counted peer: counted here as sent and taken up at once.
        let _h = self.mailbox.tick();
        match item {
            Ok((stream, peer)) => self.accept(stream, peer),
            // EMFILE and friends: Redis logs and keeps listening.
            Err(e) => slog::warn!(self.log, "Accepting client connection"; "error" => %e),
        }
    }

    fn finished(&mut self, _: &mut Self::Context) {}
}

#[cfg(test)]
mod tests;
