//! Starting the actors of one server inside a running actix system.

use ::actors::config::ConfigStore;
use ::actors::config::Tunables;
use ::actors::connection::KeyspacePeer;
use ::actors::keyspace::KeyspaceActor;
use ::actors::listener::{bind, ListenerActor, StopListening};
use ::actors::prometheus::{MetricsEndpoint, Sources};
use ::actors::server::ServerContext;
use actix::prelude::*;
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::{Arc, Mutex};

/// `mailbox-metrics` and `mailbox-metrics-connections` take effect on CONFIG SET.
pub fn apply_mailbox_settings(cfg: &crate::config::ServerConfig, server: &Arc<ServerContext>) {
    for name in ["mailbox-metrics", "mailbox-metrics-connections"] {
        let server = server.clone();
        cfg.on_apply(
            name,
            Box::new(move |t| {
                server.mailboxes.set_enabled(t.mailbox_metrics);
                server
                    .mailboxes
                    .set_connection_detail(t.mailbox_metrics_connections);
                Ok(())
            }),
        );
    }
}

/// The running server's actors.
pub struct Running {
    pub server: Arc<ServerContext>,
    pub keyspace: Addr<KeyspaceActor>,
    pub listeners: Arc<Listeners>,
    /// The Prometheus endpoint (listening only when `metrics-port` is set).
    pub metrics: Arc<MetricsEndpoint>,
}

/// The listener actors of the bound addresses; replaced as a whole when CONFIG SET changes
/// `port` or `bind`.
pub struct Listeners {
    server: Arc<ServerContext>,
    peer: KeyspacePeer,
    backlog: i32,
    current: Mutex<Vec<(SocketAddr, Addr<ListenerActor>)>>,
}

impl Listeners {
    /// A listener actor on each bound socket, all handing clients to `peer`.
    fn start(
        server: Arc<ServerContext>,
        peer: KeyspacePeer,
        backlog: i32,
        sockets: Vec<std::net::TcpListener>,
        port: u16,
    ) -> Result<Arc<Listeners>, BindError> {
        let mut started = Vec::new();
        for s in sockets {
            let local = s.local_addr().map_err(|error| BindError {
                addr: "?".into(),
                port,
                error,
            })?;
            let l =
                ListenerActor::new(s, server.clone(), peer.clone()).map_err(|error| BindError {
                    addr: local.ip().to_string(),
                    port,
                    error,
                })?;
            started.push((local, l.start()));
        }
        Ok(Arc::new(Listeners {
            server,
            peer,
            backlog,
            current: Mutex::new(started),
        }))
    }

    pub fn addresses(&self) -> Vec<SocketAddr> {
        lock(&self.current).iter().map(|(a, _)| *a).collect()
    }

    /// Binds what `t` asks for and swaps the listeners, or leaves everything as it was and
    /// answers Redis's reason. Addresses already listened on keep their listener. Runs on the
    /// keyspace's arbiter, inside CONFIG SET.
    pub fn rebind(&self, t: &Tunables) -> Result<(), String> {
        let mut current = lock(&self.current);
        let mut next = Vec::new();
        let mut fresh = Vec::new();
        for entry in &t.bind {
            let (optional, _, addr) = resolve(entry, t.port);
            let kept = addr.and_then(|a| current.iter().find(|(c, _)| *c == a).cloned());
            if let Some(k) = kept {
                next.push(k);
                continue;
            }
            match addr.map(|a| bind(a, self.backlog)) {
                Some(Ok(sock)) => fresh.push(sock),
                _ if optional => {}
                _ => return Err("Unable to listen on this port".into()),
            }
        }
        for sock in fresh {
            let local = sock.local_addr().map_err(|e| e.to_string())?;
            let l = ListenerActor::new(sock, self.server.clone(), self.peer.clone())
                .map_err(|e| e.to_string())?;
            next.push((local, l.start()));
        }
        for (addr, old) in current.drain(..) {
            if !next.iter().any(|(a, _)| *a == addr) {
                old.do_send(StopListening);
            }
        }
        *current = next;
        Ok(())
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Binds every entry of a `bind` list; optional entries (`-addr`) may fail.
fn bind_all(
    entries: &[String],
    port: u16,
    backlog: i32,
) -> Result<Vec<std::net::TcpListener>, BindError> {
    let mut sockets = Vec::new();
    for entry in entries {
        let (optional, host, addr) = resolve(entry, port);
        let result = match addr {
            Some(a) => bind(a, backlog),
            None => Err(io::Error::new(
                io::ErrorKind::AddrNotAvailable,
                "Cannot assign requested address",
            )),
        };
        match result {
            Ok(s) => sockets.push(s),
            Err(_) if optional => {}
            Err(error) => {
                return Err(BindError {
                    addr: host,
                    port,
                    error,
                })
            }
        }
    }
    Ok(sockets)
}

/// Why the server could not start.
#[derive(Debug)]
pub enum StartError {
    /// A listening socket could not be bound.
    Bind(BindError),
    /// The metrics endpoint could not listen.
    Metrics(String),
    /// The dump file exists but cannot be loaded.
    Load(String),
}

impl From<BindError> for StartError {
    fn from(e: BindError) -> Self {
        StartError::Bind(e)
    }
}

/// Why the server could not start listening.
#[derive(Debug)]
pub struct BindError {
    pub addr: String,
    pub port: u16,
    pub error: io::Error,
}

impl std::fmt::Display for BindError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Warning: Could not create server TCP listening socket {}:{}: bind: {}",
            self.addr,
            self.port,
            describe_io(&self.error)
        )
    }
}

/// The strerror text Redis prints, without Rust's "(os error N)" suffix.
fn describe_io(e: &io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Resolves one `bind` entry: `*` is every IPv4 address, `::*` every IPv6 one; a leading `-`
/// marks an address that may be unavailable.
fn resolve(entry: &str, port: u16) -> (bool, String, Option<SocketAddr>) {
    let (optional, host) = match entry.strip_prefix('-') {
        Some(h) => (true, h),
        None => (false, entry),
    };
    let addr = match host {
        "*" => Some(SocketAddr::from(([0, 0, 0, 0], port))),
        "::*" => Some(SocketAddr::from(([0u16; 8], port))),
        h => (h, port).to_socket_addrs().ok().and_then(|mut a| a.next()),
    };
    (optional, host.to_string(), addr)
}

/// Binds every configured address, then starts the keyspace and one listener per address.
/// Must run inside an actix system.
pub fn start(
    config: Arc<dyn ConfigStore>,
    log: slog::Logger,
    used_memory: fn() -> u64,
    backlog: i32,
    log_role: Arc<std::sync::atomic::AtomicU8>,
) -> Result<Running, StartError> {
    let t = config.tunables();
    let sockets = bind_all(&t.bind, t.port, backlog)?;
    let started = std::time::Instant::now();
    let server = Arc::new(ServerContext::new(config, log, used_memory).with_log_role(log_role));
    let mut ks = KeyspaceActor::new(server.clone())
        .with_saver(::actors::saver::SaverLink::spawn(&server.mailboxes));
    // As Redis: with appendonly yes the AOF is the dataset and dump.rdb is not read.
    let loaded = if t.appendonly {
        let table = ::actors::cmd::CommandTable::new();
        let aof = ::actors::aof::load::load(&server, &table).map_err(StartError::Load)?;
        let (dbs, manifest) = match aof {
            Some(a) => (a.dbs, Some(a.manifest)),
            None => (Vec::new(), None),
        };
        let mailbox = server.mailboxes.register("aof-writer/0");
        let writer =
            ::actors::aof::writer::AofWriter::open(server.clone(), manifest, &dbs, mailbox)
                .map_err(|e| StartError::Load(e.to_string()))?;
        ks = ks.with_aof(::actors::aof::writer::AofLink::spawn(writer));
        if !dbs.is_empty() {
            ks = ks.with_dbs(dbs);
        }
        None
    } else {
        ::actors::persistence::load(&t).map_err(StartError::Load)?
    };
    if let Some(dump) = loaded {
        for note in &dump.notes {
            slog::info!(server.log, "{note}");
        }
        slog::info!(
            server.log,
            "Done loading RDB, keys loaded: {}, keys expired: 0.",
            dump.keys
        );
        slog::info!(
            server.log,
            "DB loaded from disk: {:.3} seconds",
            started.elapsed().as_secs_f64()
        );
        if let (Some((replid, offset)), Some(_)) = (dump.repl.clone(), &t.replicaof) {
            ks = ks.with_history(replid, offset);
        }
        ks = ks.with_dbs(dump.dbs);
    }
    let backlog_mailbox = server.mailboxes.register("backlog/0");
    let backlog_actor = ::actors::repl::stream::BacklogActor::new(
        server.repl_status(),
        backlog_mailbox.clone(),
        server.log.new(slog::o!("actor" => "backlog/0")),
    )
    .start();
    ks = ks.with_backlog(::actors::keyspace::replicas::BacklogLink::of(
        &backlog_actor,
        &backlog_mailbox,
    ));
    let peer_mailbox = ks.mailbox();
    let keyspace = ks.start();
    if let Some(master) = t.replicaof.clone() {
        peer_mailbox.sent();
        keyspace.do_send(::actors::keyspace::following::Follow {
            master: Some(master),
        });
    }
    let peer = KeyspacePeer::new(
        keyspace.clone().recipient(),
        keyspace.clone().recipient(),
        peer_mailbox.clone(),
    );
    let listeners = Listeners::start(server.clone(), peer, backlog, sockets, t.port)?;
    let metrics = MetricsEndpoint::new(Sources {
        server: server.clone(),
        keyspace: Some(::actors::metrics::Counted::new(
            keyspace.clone().recipient(),
            peer_mailbox,
        )),
        sentinel: None,
    });
    metrics
        .apply(t.metrics_port, &t.metrics_bind)
        .map_err(StartError::Metrics)?;
    Ok(Running {
        server,
        keyspace,
        listeners,
        metrics,
    })
}

/// A started Sentinel: its listeners, its actor and its metrics endpoint.
pub type RunningSentinel = (
    Arc<Listeners>,
    Addr<::actors::monitor::sentinel::SentinelActor>,
    Arc<MetricsEndpoint>,
);

/// Binds every configured address and starts a Sentinel: `actor` builds the Sentinel actor
/// around the process's [`ServerContext`]; the listeners hand it every client's commands.
pub fn start_sentinel(
    config: Arc<dyn ConfigStore>,
    log: slog::Logger,
    used_memory: fn() -> u64,
    backlog: i32,
    log_role: Arc<std::sync::atomic::AtomicU8>,
    actor: impl FnOnce(Arc<ServerContext>) -> ::actors::monitor::sentinel::SentinelActor,
) -> Result<RunningSentinel, StartError> {
    let t = config.tunables();
    let sockets = bind_all(&t.bind, t.port, backlog)?;
    let server = Arc::new(
        ServerContext::new(config, log, used_memory)
            .with_log_role(log_role)
            .with_sentinel_mode(),
    );
    let sentinel = actor(server.clone());
    let metrics = MetricsEndpoint::new(Sources {
        server: server.clone(),
        keyspace: None,
        sentinel: Some(sentinel.shared()),
    });
    let mailbox = sentinel.mailbox();
    let sentinel = sentinel.start();
    let peer = KeyspacePeer::new(
        sentinel.clone().recipient(),
        sentinel.clone().recipient(),
        mailbox,
    );
    let listeners = Listeners::start(server.clone(), peer, backlog, sockets, t.port)?;
    metrics
        .apply(t.metrics_port, &t.metrics_bind)
        .map_err(StartError::Metrics)?;
    Ok((listeners, sentinel, metrics))
}
