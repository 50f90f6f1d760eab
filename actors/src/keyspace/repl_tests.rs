//! The keyspace actor's replication with probes: a probe backlog records what the keyspace
//! streams, a probe connection what a replica link writes to it.

use super::*;
use crate::clients::{ClientHandle, Kill};
use crate::config::{FixedConfig, Tunables};
use crate::pubsub::Deliver;
use crate::repl::stream::{Attach, Detach, Feed, Psync, PsyncOutcome, ResetBacklog, ResizeBacklog};
use std::sync::Mutex;

#[derive(Default)]
struct Seen {
    resets: Vec<i64>,
    feeds: Vec<(Vec<u8>, i64)>,
    attached: Vec<u64>,
    bytes: Vec<u8>,
}

/// Stands in for the backlog and for the replica's connection.
struct Probe(Arc<Mutex<Seen>>);

impl Actor for Probe {
    type Context = Context<Self>;
}

impl Handler<Feed> for Probe {
    type Result = ();
    fn handle(&mut self, m: Feed, _: &mut Context<Self>) {
        self.0.lock().unwrap().feeds.push((m.bytes.to_vec(), m.end));
    }
}
impl Handler<ResetBacklog> for Probe {
    type Result = ();
    fn handle(&mut self, m: ResetBacklog, _: &mut Context<Self>) {
        self.0.lock().unwrap().resets.push(m.offset);
    }
}
impl Handler<ResizeBacklog> for Probe {
    type Result = ();
    fn handle(&mut self, _: ResizeBacklog, _: &mut Context<Self>) {}
}
impl Handler<Attach> for Probe {
    type Result = ();
    fn handle(&mut self, m: Attach, _: &mut Context<Self>) {
        self.0.lock().unwrap().attached.push(m.id);
    }
}
impl Handler<Detach> for Probe {
    type Result = ();
    fn handle(&mut self, _: Detach, _: &mut Context<Self>) {}
}
impl Handler<Psync> for Probe {
    type Result = PsyncOutcome;
    fn handle(&mut self, _: Psync, _: &mut Context<Self>) -> PsyncOutcome {
        PsyncOutcome::FullResync
    }
}
impl Handler<Deliver> for Probe {
    type Result = ();
    fn handle(&mut self, m: Deliver, _: &mut Context<Self>) {
        self.0.lock().unwrap().bytes.extend_from_slice(&m.0);
    }
}
impl Handler<Kill> for Probe {
    type Result = ();
    fn handle(&mut self, _: Kill, _: &mut Context<Self>) {}
}

fn handle(id: u64, probe: &Addr<Probe>) -> Arc<ClientHandle> {
    Arc::new(ClientHandle::new(
        id,
        "127.0.0.6:5000".parse().unwrap(),
        "127.0.0.5:6379".parse().unwrap(),
        -1,
        probe.clone().recipient(),
        probe.clone().recipient(),
    ))
}

fn argv(words: &[&str]) -> Vec<Bytes> {
    words
        .iter()
        .map(|w| Bytes::copy_from_slice(w.as_bytes()))
        .collect()
}

#[actix_rt::test]
async fn a_replica_gets_a_full_sync_then_the_stream_from_the_sync_point() {
    let t = Tunables {
        repl_diskless_sync_delay: 0,
        ..Tunables::default()
    };
    let server = Arc::new(ServerContext::new(
        Arc::new(FixedConfig(Arc::new(t))),
        slog::Logger::root(slog::Discard, slog::o!()),
        || 0,
    ));
    let seen = Arc::new(Mutex::new(Seen::default()));
    let probe = Probe(seen.clone()).start();
    let backlog = replicas::BacklogLink::of(&probe, &server.mailboxes.register("backlog/probe"));
    let addr = KeyspaceActor::new(server.clone())
        .with_backlog(backlog)
        .start();
    let run = |session: Session, cmds: &[&[&str]]| {
        addr.send(Execute {
            session,
            cmds: cmds.iter().map(|c| argv(c)).collect(),
            out: BytesMut::new(),
        })
    };
    // Written before any replica: no stream yet.
    run(Session::new(1, true), &[&["SET", "before", "1"]])
        .await
        .unwrap();
    let replica = Session::new(2, true).with_handle(handle(2, &probe));
    let done = run(
        replica,
        &[
            &["REPLCONF", "listening-port", "6380"],
            &["PSYNC", "?", "-1"],
        ],
    )
    .await
    .unwrap();
    assert_eq!(&done.out[..], b"+OK\r\n", "PSYNC answers through the link");
    run(Session::new(1, true), &[&["SET", "after", "2"]])
        .await
        .unwrap();
    for _ in 0..200 {
        if !seen.lock().unwrap().feeds.is_empty() && seen.lock().unwrap().bytes.len() > 60 {
            break;
        }
        actix_rt::time::sleep(Duration::from_millis(5)).await;
    }
    let s = seen.lock().unwrap();
    // The backlog starts at offset 0 and the replica is attached at the sync point.
    assert_eq!(s.resets, vec![0]);
    assert_eq!(s.attached, vec![2]);
    // The write after the sync point is the stream: SELECT first, then the SET.
    let stream = b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$5\r\nafter\r\n$1\r\n2\r\n";
    assert_eq!(s.feeds, vec![(stream.to_vec(), stream.len() as i64)]);
    // The replica's connection got +FULLRESYNC at offset 0 and an EOF-marked payload
    // holding the key written before.
    let text = String::from_utf8_lossy(&s.bytes);
    assert!(text.starts_with("+FULLRESYNC "), "{text}");
    assert!(text.contains(" 0\r\n$EOF:"), "{text}");
    assert!(text.contains("before"), "{text}");
    assert!(
        !text.contains("after"),
        "the stream comes from the backlog: {text}"
    );
    assert_eq!(server.repl.get().sync_full, 1);
}
