//! The listener alone: admission rules from a table, and real sockets against a probe keyspace.

use super::*;
use crate::config::{FixedConfig, Tunables};
use crate::keyspace::{Execute, Executed};
use std::io::{Read, Write};

#[test]
fn admission_follows_redis() {
    let lo: SocketAddr = "127.0.0.1:1".parse().unwrap();
    let remote: SocketAddr = "10.0.0.1:1".parse().unwrap();
    // Only 127.0.0.1 and ::1 count as local, as Redis 7.0 counts them.
    let other_lo: SocketAddr = "127.0.0.6:1".parse().unwrap();
    let lo6: SocketAddr = "[::1]:1".parse().unwrap();
    let table = [
        (0, 10, true, false, other_lo, Err(Refusal::ProtectedMode)),
        (0, 10, true, false, lo6, Ok(())),
        (0, 10, true, false, lo, Ok(())),
        (10, 10, false, true, lo, Err(Refusal::MaxClients)),
        (0, 10, true, false, remote, Err(Refusal::ProtectedMode)),
        (0, 10, true, true, remote, Ok(())),
        (0, 10, false, false, remote, Ok(())),
    ];
    for (i, (n, max, protected, pass, peer, want)) in table.into_iter().enumerate() {
        assert_eq!(admit(n, max, protected, pass, &peer), want, "case {i}");
    }
}

/// Answers `+HELLO-PROBE` to every command.
struct Probe;

impl Actor for Probe {
    type Context = Context<Self>;
}

impl Handler<crate::keyspace::ClientGone> for Probe {
    type Result = ();
    fn handle(&mut self, _: crate::keyspace::ClientGone, _: &mut Self::Context) {}
}

impl Handler<Execute> for Probe {
    type Result = Executed;

    fn handle(&mut self, msg: Execute, _: &mut Self::Context) -> Executed {
        let mut out = msg.out;
        for _ in &msg.cmds {
            out.extend_from_slice(b"+HELLO-PROBE\r\n");
        }
        Executed {
            session: msg.session,
            out,
        }
    }
}

fn server_with(t: Tunables) -> Arc<ServerContext> {
    Arc::new(ServerContext::new(
        Arc::new(FixedConfig(Arc::new(t))),
        slog::Logger::root(slog::Discard, slog::o!()),
        || 0,
    ))
}

fn start_listener(server: Arc<ServerContext>) -> SocketAddr {
    let sock = bind("127.0.0.1:0".parse().unwrap(), 16).unwrap();
    let local = sock.local_addr().unwrap();
    let probe = Probe.start();
    let peer = KeyspacePeer::new(
        probe.clone().recipient(),
        probe.recipient(),
        server.mailboxes.register("keyspace/probe"),
    );
    ListenerActor::new(sock, server, peer).unwrap().start();
    local
}

/// A blocking client on its own thread, so the actor system keeps running meanwhile.
async fn exchange(addr: SocketAddr, send: &'static [u8]) -> String {
    let t = std::thread::spawn(move || {
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        s.write_all(send).unwrap();
        let mut buf = [0u8; 256];
        let n = s.read(&mut buf).unwrap_or(0);
        String::from_utf8_lossy(&buf[..n]).into_owned()
    });
    actix_rt::task::spawn_blocking(move || t.join().unwrap())
        .await
        .unwrap()
}

#[actix_rt::test]
async fn accepted_sockets_reach_the_keyspace() {
    let server = server_with(Tunables::default());
    let addr = start_listener(server.clone());
    assert_eq!(exchange(addr, b"PING\r\n").await, "+HELLO-PROBE\r\n");
    assert_eq!(server.stats.total_connections_received.load(Relaxed), 1);
}

#[actix_rt::test]
async fn maxclients_refuses_with_redis_error() {
    let server = server_with(Tunables {
        maxclients: 0,
        ..Tunables::default()
    });
    let addr = start_listener(server.clone());
    assert_eq!(exchange(addr, b"PING\r\n").await, MAX_CLIENTS);
    assert_eq!(server.stats.rejected_connections.load(Relaxed), 1);
}
