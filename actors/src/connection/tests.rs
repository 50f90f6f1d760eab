//! The connection actor alone, against a probe standing in for the keyspace.

use super::*;
use crate::clients::ClientHandle;
use crate::server::ServerContext;
use std::sync::Mutex;
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};

/// Records every batch and answers `+<n>` for the n-th command it has seen.
#[derive(Default)]
struct Probe {
    batches: Arc<Mutex<Vec<Vec<String>>>>,
    seen: usize,
}

impl Actor for Probe {
    type Context = Context<Self>;
}

impl Handler<crate::keyspace::ClientGone> for Probe {
    type Result = ();

    fn handle(&mut self, msg: crate::keyspace::ClientGone, _: &mut Self::Context) {
        self.batches
            .lock()
            .unwrap()
            .push(vec![format!("gone {}", msg.id)]);
    }
}

impl Handler<Execute> for Probe {
    type Result = Executed;

    fn handle(&mut self, msg: Execute, _: &mut Self::Context) -> Executed {
        let mut out = msg.out;
        let names: Vec<String> = msg
            .cmds
            .iter()
            .map(|c| String::from_utf8_lossy(&c[0]).into_owned())
            .collect();
        for n in &names {
            self.seen += 1;
            out.extend_from_slice(format!("+{}\r\n", self.seen).as_bytes());
            if n.eq_ignore_ascii_case("subscribe") {
                let mut s = msg.session.clone();
                s.channels.insert(bytes::Bytes::from_static(b"news"));
                self.batches.lock().unwrap().push(names.clone());
                return Executed { session: s, out };
            }
            if n.eq_ignore_ascii_case("quit") {
                let mut s = msg.session.clone();
                s.close_after_reply = true;
                self.batches.lock().unwrap().push(names.clone());
                return Executed { session: s, out };
            }
        }
        self.batches.lock().unwrap().push(names);
        Executed {
            session: msg.session,
            out,
        }
    }
}

fn handle(
    id: u64,
    kill: Recipient<Kill>,
    deliver: Recipient<crate::pubsub::Deliver>,
) -> Arc<ClientHandle> {
    Arc::new(ClientHandle::new(
        id,
        "127.0.0.1:5000".parse().unwrap(),
        "127.0.0.1:6379".parse().unwrap(),
        -1,
        kill,
        deliver,
    ))
}

type Batches = Arc<Mutex<Vec<Vec<String>>>>;

/// A connection actor over an in-memory pipe; returns the client end.
fn connect(server: &Arc<ServerContext>) -> (DuplexStream, Batches, Conn) {
    connect_with_pipe(server, 64 * 1024)
}

type Conn = Addr<ConnectionActor<tokio::io::WriteHalf<DuplexStream>>>;

fn connect_with_pipe(
    server: &Arc<ServerContext>,
    pipe: usize,
) -> (
    DuplexStream,
    Batches,
    Addr<ConnectionActor<tokio::io::WriteHalf<DuplexStream>>>,
) {
    let probe = Probe::default();
    let batches = probe.batches.clone();
    let probe = probe.start();
    let (client, sock) = tokio::io::duplex(pipe);
    let (r, w) = tokio::io::split(sock);
    let peer = KeyspacePeer::new(
        probe.clone().recipient(),
        probe.recipient(),
        server.mailboxes.register("keyspace/probe"),
    );
    let addr = ConnectionActor::start(r, w, |k, d| handle(7, k, d), server.clone(), peer);
    (client, batches, addr)
}

async fn read_until_eof(c: &mut DuplexStream) -> String {
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), c.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "connection did not close");
    String::from_utf8_lossy(&buf).into_owned()
}

#[actix_rt::test]
async fn a_pipeline_becomes_one_batch_and_replies_keep_their_order() {
    let server = ServerContext::for_tests();
    let (mut c, batches, _addr) = connect(&server);
    c.write_all(
        b"*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\nECHO x\r\n*1\r\n$4\r\nQUIT\r\n",
    )
    .await
    .unwrap();
    assert_eq!(read_until_eof(&mut c).await, "+1\r\n+2\r\n+3\r\n+4\r\n");
    actix_rt::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(
        *batches.lock().unwrap(),
        vec![vec!["PING", "GET", "ECHO", "QUIT"], vec!["gone 7"]]
    );
    let mb = server.mailboxes.get("keyspace/probe").unwrap().snapshot();
    // One batch, then the connection's ClientGone.
    assert_eq!(mb.sent, 2);
}

#[actix_rt::test]
async fn a_protocol_error_runs_what_came_before_then_closes() {
    let server = ServerContext::for_tests();
    let (mut c, batches, _addr) = connect(&server);
    c.write_all(b"PING\r\n*1\r\nx\r\n").await.unwrap();
    let got = read_until_eof(&mut c).await;
    assert_eq!(got, "+1\r\n-ERR Protocol error: expected '$', got 'x'\r\n");
    actix_rt::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(*batches.lock().unwrap(), vec![vec!["PING"], vec!["gone 7"]]);
}

#[actix_rt::test]
async fn kill_closes_the_connection_and_unregisters_it() {
    let server = ServerContext::for_tests();
    let (mut c, batches, addr) = connect(&server);
    c.write_all(b"PING\r\n").await.unwrap();
    let mut buf = [0u8; 4];
    c.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"+1\r\n");
    assert!(server.clients.get(7).is_some());
    assert!(server.mailboxes.get("conn/7").is_some());
    addr.send(Kill).await.unwrap();
    assert_eq!(read_until_eof(&mut c).await, "");
    assert!(server.clients.get(7).is_none());
    // The keyspace hears that the client is gone, so it can drop its watches and waits.
    actix_rt::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(
        batches.lock().unwrap().last().unwrap(),
        &vec!["gone 7".to_string()]
    );
    assert!(server.mailboxes.get("conn/7").is_none());
}

#[test]
fn output_limits_follow_redis() {
    let t0 = Instant::now();
    let limit = crate::config::OutputBufferLimit {
        hard: 1000,
        soft: 100,
        soft_seconds: 2,
    };
    let mut since = None;
    // Under both limits: fine, and the soft timer stays off.
    assert!(!over_limit(&limit, 50, &mut since, t0));
    assert!(since.is_none());
    // Over soft: tolerated until soft_seconds have passed.
    assert!(!over_limit(&limit, 200, &mut since, t0));
    assert!(!over_limit(
        &limit,
        200,
        &mut since,
        t0 + Duration::from_secs(1)
    ));
    assert!(over_limit(
        &limit,
        200,
        &mut since,
        t0 + Duration::from_secs(2)
    ));
    // Dropping below soft resets the timer.
    assert!(!over_limit(
        &limit,
        10,
        &mut since,
        t0 + Duration::from_secs(3)
    ));
    assert!(since.is_none());
    // Over hard: at once.
    assert!(over_limit(&limit, 1000, &mut since, t0));
    // Zero disables a limit, as `client-output-buffer-limit normal 0 0 0`.
    let none = crate::config::OutputBufferLimit::default();
    assert!(!over_limit(&none, u64::MAX, &mut None, t0));
}

#[actix_rt::test]
async fn a_subscriber_that_does_not_read_is_dropped_at_the_pubsub_hard_limit() {
    use crate::config::{FixedConfig, OutputBufferLimit, Tunables, OBUF_PUBSUB};
    let mut t = Tunables::default();
    t.client_output_buffer_limit[OBUF_PUBSUB] = OutputBufferLimit {
        hard: 64 * 1024,
        soft: 0,
        soft_seconds: 0,
    };
    let server = Arc::new(ServerContext::new(
        Arc::new(FixedConfig(Arc::new(t))),
        slog::Logger::root(slog::Discard, slog::o!()),
        || 0,
    ));
    // A 1 KiB pipe the client never drains: everything else piles up in the output buffer.
    let (mut c, _batches, addr) = connect_with_pipe(&server, 1024);
    c.write_all(b"SUBSCRIBE news\r\n").await.unwrap();
    let mut ok = [0u8; 3];
    c.read_exact(&mut ok).await.unwrap();
    assert!(server.clients.get(7).is_some());
    let chunk = bytes::Bytes::from(vec![b'x'; 8 * 1024]);
    for _ in 0..16 {
        if addr
            .send(crate::pubsub::Deliver(chunk.clone()))
            .await
            .is_err()
        {
            break;
        }
    }
    actix_rt::time::sleep(Duration::from_millis(50)).await;
    assert!(
        server.clients.get(7).is_none(),
        "the slow subscriber is still connected"
    );
}

/// A keyspace that never answers: every client it gets stays blocked.
struct Stuck;

impl Actor for Stuck {
    type Context = Context<Self>;
}

impl Handler<Execute> for Stuck {
    type Result = Response<Executed>;

    fn handle(&mut self, _: Execute, _: &mut Self::Context) -> Response<Executed> {
        Response::fut(std::future::pending())
    }
}

impl Handler<crate::keyspace::ClientGone> for Stuck {
    type Result = ();
    fn handle(&mut self, _: crate::keyspace::ClientGone, _: &mut Self::Context) {}
}

#[actix_rt::test]
async fn input_piling_up_behind_a_blocked_batch_is_capped_by_the_query_buffer_limit() {
    use crate::config::{FixedConfig, Tunables};
    let t = Tunables {
        client_query_buffer_limit: 4096,
        ..Tunables::default()
    };
    let server = Arc::new(ServerContext::new(
        Arc::new(FixedConfig(Arc::new(t))),
        slog::Logger::root(slog::Discard, slog::o!()),
        || 0,
    ));
    let stuck = Stuck.start();
    let (mut c, sock) = tokio::io::duplex(64 * 1024);
    let (r, w) = tokio::io::split(sock);
    let peer = KeyspacePeer::new(
        stuck.clone().recipient(),
        stuck.recipient(),
        server.mailboxes.register("keyspace/stuck"),
    );
    ConnectionActor::start(r, w, |k, d| handle(7, k, d), server.clone(), peer);
    c.write_all(b"BLPOP q 0\r\n").await.unwrap();
    actix_rt::time::sleep(Duration::from_millis(20)).await;
    // Small input behind the blocked command is kept...
    c.write_all(b"SET a b\r\n").await.unwrap();
    actix_rt::time::sleep(Duration::from_millis(20)).await;
    assert!(server.clients.get(7).is_some());
    // ...until it passes the limit, and the client is closed.
    for _ in 0..10 {
        c.write_all(format!("SET k {}\r\n", "v".repeat(1000)).as_bytes())
            .await
            .unwrap();
    }
    assert_eq!(read_until_eof(&mut c).await, "");
    assert!(server.clients.get(7).is_none());
}
