//! Starting the actors of one server inside a running actix system.

use actix::prelude::*;
use ::actors::config::ConfigStore;
use ::actors::connection::KeyspacePeer;
use ::actors::keyspace::KeyspaceActor;
use ::actors::listener::{bind, ListenerActor};
use ::actors::server::ServerContext;
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::Arc;

/// The running server's actors.
pub struct Running {
    pub server: Arc<ServerContext>,
    pub keyspace: Addr<KeyspaceActor>,
    pub listeners: Vec<(SocketAddr, Addr<ListenerActor>)>,
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
) -> Result<Running, BindError> {
    let t = config.tunables();
    let mut sockets = Vec::new();
    for entry in &t.bind {
        let (optional, host, addr) = resolve(entry, t.port);
        let result = match addr {
            Some(a) => bind(a, backlog),
            None => Err(io::Error::new(io::ErrorKind::AddrNotAvailable, "Cannot assign requested address")),
        };
        match result {
            Ok(s) => sockets.push(s),
            Err(_) if optional => {}
            Err(error) => return Err(BindError { addr: host, port: t.port, error }),
        }
    }
    let server = Arc::new(ServerContext::new(config, log, used_memory));
    let ks = KeyspaceActor::new(server.clone());
    let peer_mailbox = ks.mailbox();
    let keyspace = ks.start();
    let peer = KeyspacePeer { executor: keyspace.clone().recipient(), mailbox: peer_mailbox };
    let mut listeners = Vec::new();
    for s in sockets {
        let local = s.local_addr().map_err(|error| BindError {
            addr: "?".into(),
            port: t.port,
            error,
        })?;
        let l = ListenerActor::new(s, server.clone(), peer.clone()).map_err(|error| BindError {
            addr: local.ip().to_string(),
            port: t.port,
            error,
        })?;
        listeners.push((local, l.start()));
    }
    Ok(Running { server, keyspace, listeners })
}
