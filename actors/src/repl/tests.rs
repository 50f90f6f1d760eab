//! The replication actors alone, with probes for their peers: a replica link writing into a
//! recording "connection", the backlog answering PSYNC through such a link, and the master
//! link against a scripted master on a loopback socket.

use super::handshake::RdbReceiver;
use super::master_link::{ApplyStream, KeyspaceForLink, LinkChanged, LoadDataset, MasterLink};
use super::replica::{FullResyncAt, RdbChunk, RdbEnd, ReplicaLink, Stream};
use super::status::ReplicaInfo;
use super::stream::{BacklogActor, Feed, Psync, PsyncOutcome, ResetBacklog};
use crate::keyspace::replication::History;
use crate::metrics::Counted;
use crate::pubsub::Deliver;
use crate::server::ServerContext;
use actix::prelude::*;
use bytes::{Bytes, BytesMut};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Stands in for a connection (or the keyspace): records what it is sent.
#[derive(Default)]
struct Probe {
    bytes: Arc<Mutex<Vec<u8>>>,
    loaded: Arc<Mutex<Vec<(String, i64, usize)>>>,
    applied: Arc<Mutex<Vec<Vec<Bytes>>>>,
    changed: Arc<Mutex<Vec<bool>>>,
}

impl Actor for Probe {
    type Context = Context<Self>;
}

impl Handler<Deliver> for Probe {
    type Result = ();
    fn handle(&mut self, msg: Deliver, _: &mut Context<Self>) {
        self.bytes.lock().unwrap().extend_from_slice(&msg.0);
    }
}

impl Handler<LoadDataset> for Probe {
    type Result = ();
    fn handle(&mut self, msg: LoadDataset, _: &mut Context<Self>) {
        let keys = msg.dbs.iter().map(|d| d.len()).sum();
        self.loaded
            .lock()
            .unwrap()
            .push((msg.replid, msg.offset, keys));
    }
}

impl Handler<ApplyStream> for Probe {
    type Result = ();
    fn handle(&mut self, msg: ApplyStream, _: &mut Context<Self>) {
        self.applied.lock().unwrap().extend(msg.cmds);
    }
}

impl Handler<LinkChanged> for Probe {
    type Result = ();
    fn handle(&mut self, msg: LinkChanged, _: &mut Context<Self>) {
        self.changed.lock().unwrap().push(msg.up);
    }
}

fn link_to(probe: &Addr<Probe>, server: &ServerContext) -> Counted<Addr<ReplicaLink>> {
    let info = ReplicaInfo {
        id: 7,
        ip: "127.0.0.1".into(),
        port: 6380,
        state: "wait_bgsave",
        offset: 0,
        last_ack_ms: 0,
    };
    let mailbox = server.mailboxes.register("replica-link/test");
    let link = ReplicaLink::new(
        info,
        probe.clone().recipient(),
        None,
        server.repl_status(),
        mailbox.clone(),
        slog::Logger::root(slog::Discard, slog::o!()),
    );
    Counted::new(link.start(), mailbox)
}

async fn settle() {
    actix_rt::time::sleep(Duration::from_millis(30)).await;
}

#[actix_rt::test]
async fn a_diskless_full_sync_is_framed_as_redis_frames_it_and_the_stream_waits_for_it() {
    let server = ServerContext::for_tests();
    let probe = Probe::default();
    let out = probe.bytes.clone();
    let probe = probe.start();
    let link = link_to(&probe, &server);
    // A stream byte before the payload is held back.
    link.do_send(Stream(Bytes::from_static(b"*1\r\n$4\r\nping\r\n")));
    link.do_send(FullResyncAt {
        replid: "a".repeat(40),
        offset: 5,
        diskless: true,
    });
    // The RDB body, as the snapshot produces it (without EOF and checksum).
    let mut dbs: Vec<crate::keyspace::db::Db> = (0..1).map(|_| Default::default()).collect();
    dbs[0].insert(b"k", crate::keyspace::value::Value::str(b"v"), 0);
    let mut whole = Vec::new();
    crate::rdb::write_rdb(&mut whole, &dbs, &Default::default()).unwrap();
    let body = &whole[..whole.len() - 9];
    for part in body.chunks(7) {
        link.do_send(RdbChunk(Bytes::copy_from_slice(part)));
    }
    link.do_send(RdbEnd::Streamed);
    link.do_send(Stream(Bytes::from_static(b"*1\r\n$4\r\nPING\r\n")));
    settle().await;
    let got = out.lock().unwrap().clone();
    let head = format!("+FULLRESYNC {} 5\r\n", "a".repeat(40));
    assert!(
        got.starts_with(head.as_bytes()),
        "{:?}",
        String::from_utf8_lossy(&got)
    );
    // What a real replica's receiver makes of the rest: the RDB, checksum intact, then the
    // stream in order.
    let mut buf = BytesMut::from(&got[head.len()..]);
    let mut rdb = Vec::new();
    let (_, done) = RdbReceiver::new().collect(&mut buf, &mut rdb).unwrap();
    assert!(done);
    assert_eq!(rdb, whole);
    assert!(crate::rdb::read_rdb(&rdb).is_ok());
    assert_eq!(&buf[..], b"*1\r\n$4\r\nping\r\n*1\r\n$4\r\nPING\r\n");
    let st = server.repl.get();
    assert_eq!(st.replicas[0].state, "online");
}

#[actix_rt::test]
async fn the_backlog_continues_from_any_offset_it_holds_and_refuses_the_rest() {
    let server = ServerContext::for_tests();
    let backlog = BacklogActor::new(
        server.repl_status(),
        server.mailboxes.register("backlog/test"),
        slog::Logger::root(slog::Discard, slog::o!()),
    )
    .start();
    backlog.do_send(ResetBacklog {
        offset: 0,
        size: 1 << 20,
    });
    let stream = b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n";
    backlog.do_send(Feed {
        bytes: Bytes::from_static(stream),
        end: stream.len() as i64,
    });
    let mut history = History::new("a".repeat(40));
    history.offset = stream.len() as i64;
    // (replid asked, offset asked) -> outcome, and the bytes sent after +CONTINUE.
    let cases: &[(&str, i64, PsyncOutcome, &[u8])] = &[
        ("a", 1, PsyncOutcome::Continued, stream),
        ("a", 24, PsyncOutcome::Continued, &stream[23..]),
        ("a", 51, PsyncOutcome::Continued, b""),
        ("a", 52, PsyncOutcome::FullResync, b""),
        ("a", 0, PsyncOutcome::FullResync, b""),
        ("b", 1, PsyncOutcome::FullResync, b""),
        ("?", -1, PsyncOutcome::FullResync, b""),
    ];
    for &(id, offset, ref want, sent) in cases {
        let probe = Probe::default();
        let out = probe.bytes.clone();
        let probe = probe.start();
        let link = link_to(&probe, &server);
        let replid = if id == "?" {
            "?".to_string()
        } else {
            id.repeat(40)
        };
        let got = backlog
            .send(Psync {
                id: 1,
                link,
                history: history.clone(),
                replid,
                offset,
                capa_psync2: true,
                who: "127.0.0.1:6380".into(),
            })
            .await
            .unwrap();
        assert_eq!(&got, want, "{id} {offset}");
        settle().await;
        if got == PsyncOutcome::Continued {
            let mut expected = format!("+CONTINUE {}\r\n", "a".repeat(40)).into_bytes();
            expected.extend_from_slice(sent);
            assert_eq!(*out.lock().unwrap(), expected, "{id} {offset}");
        } else {
            assert!(out.lock().unwrap().is_empty());
        }
    }
}

#[actix_rt::test]
async fn the_master_link_syncs_from_a_scripted_master_and_acknowledges() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    // The RDB a real master would send, and a command after it.
    let mut dbs: Vec<crate::keyspace::db::Db> = (0..1).map(|_| Default::default()).collect();
    dbs[0].insert(b"k", crate::keyspace::value::Value::str(b"v"), 0);
    let mut rdb = Vec::new();
    crate::rdb::write_rdb(&mut rdb, &dbs, &Default::default()).unwrap();
    let replid = "f".repeat(40);
    let heard = Arc::new(Mutex::new(Vec::<u8>::new()));
    let master = {
        let heard = heard.clone();
        let replid = replid.clone();
        actix_rt::spawn(async move {
            let (mut sock, _) = listener.accept().await.unwrap();
            let mut tmp = vec![0u8; 4096];
            // Reads until what the replica sent contains `needle`.
            async fn until(
                sock: &mut tokio::net::TcpStream,
                heard: &Mutex<Vec<u8>>,
                tmp: &mut [u8],
                needle: &[u8],
            ) {
                while !heard
                    .lock()
                    .unwrap()
                    .windows(needle.len())
                    .any(|w| w == needle)
                {
                    let n = sock.read(tmp).await.unwrap();
                    assert!(n > 0, "the replica hung up");
                    heard.lock().unwrap().extend_from_slice(&tmp[..n]);
                }
            }
            until(&mut sock, &heard, &mut tmp, b"PING\r\n").await;
            sock.write_all(b"+PONG\r\n").await.unwrap();
            until(&mut sock, &heard, &mut tmp, b"psync2\r\n").await;
            // listening-port and capa.
            sock.write_all(b"+OK\r\n+OK\r\n").await.unwrap();
            until(&mut sock, &heard, &mut tmp, b"PSYNC").await;
            let mut out = format!("+FULLRESYNC {replid} 100\r\n\n${}\r\n", rdb.len()).into_bytes();
            out.extend_from_slice(&rdb);
            out.extend_from_slice(b"*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$1\r\ny\r\n");
            out.extend_from_slice(b"*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n");
            sock.write_all(&out).await.unwrap();
            until(&mut sock, &heard, &mut tmp, b"ACK\r\n$3\r\n127").await;
        })
    };
    let server = ServerContext::for_tests();
    let probe = Probe::default();
    let (loaded, applied, changed) = (
        probe.loaded.clone(),
        probe.applied.clone(),
        probe.changed.clone(),
    );
    let probe = probe.start();
    let keyspace_mailbox = server.mailboxes.register("keyspace/probe");
    let peer = KeyspaceForLink::of(&probe, &keyspace_mailbox);
    let link = MasterLink::new("127.0.0.1".into(), port, None, peer, server.clone());
    let link_mailbox = link.mailbox();
    let _link = link.start();
    let _ = tokio::time::timeout(Duration::from_secs(5), master).await;
    settle().await;
    assert_eq!(*loaded.lock().unwrap(), vec![(replid, 100, 1)]);
    let applied = applied.lock().unwrap().clone();
    assert_eq!(
        applied[0],
        vec![Bytes::from("SET"), Bytes::from("x"), Bytes::from("y")]
    );
    // Up after the sync (and down again once the scripted master hangs up).
    assert_eq!(changed.lock().unwrap().first(), Some(&true));
    let heard = String::from_utf8_lossy(&heard.lock().unwrap()).into_owned();
    assert!(
        heard.contains("REPLCONF\r\n$14\r\nlistening-port"),
        "{heard}"
    );
    assert!(heard.contains("PSYNC\r\n$1\r\n?\r\n$2\r\n-1"), "{heard}");
    // Offset 100 plus the SET (27 bytes): GETACK is answered with what preceded it.
    assert!(heard.contains("ACK\r\n$3\r\n127"), "{heard}");
    // What it sent the keyspace is counted there: the load, at least one stream batch and the
    // link going up; its own reads are counted as sent to itself and handled.
    let sent_to_keyspace = keyspace_mailbox.snapshot().sent;
    let calls = loaded.lock().unwrap().len() + changed.lock().unwrap().len();
    // (`applied` lists commands, several of which can come in one message.)
    assert!(
        (calls as u64 + 1..=(calls + applied.len()) as u64).contains(&sent_to_keyspace),
        "{sent_to_keyspace} sent for {calls} + {} applied",
        applied.len()
    );
    let own = link_mailbox.snapshot();
    assert!(own.handled >= 2 && own.handled <= own.sent, "{own:?}");
}
