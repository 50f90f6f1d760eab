//! The keyspace actor with probe peers standing in for the AOF writer and the snapshot writer:
//! what it sends them, in what order, and how it takes their answers.

use super::propagate::{Op, Propagate};
use super::*;
use crate::aof::writer::{AofLink, AofStatus, InstallBase, StartRewrite, SyncAof};
use crate::saver::{AbortFile, FinishFile, OpenFile, SaveError, SaverLink, WriteChunk, Written};
use crate::server::ServerContext;
use std::sync::Mutex;

/// Everything a probe was sent, in order.
#[derive(Debug, Clone, PartialEq)]
enum Seen {
    Ops(Vec<Op>),
    StartRewrite,
    InstallBase,
    Sync,
    Open,
    Chunk(usize),
    Finish,
    Abort,
}

/// Records what it is sent; answers FinishFile with `finish`.
struct Probe {
    seen: Arc<Mutex<Vec<Seen>>>,
    finish: Result<Written, SaveError>,
}

impl Actor for Probe {
    type Context = Context<Self>;
}

macro_rules! record {
    ($msg:ty, $result:ty, |$m:ident, $p:ident| $seen:expr, $reply:expr) => {
        impl Handler<$msg> for Probe {
            type Result = $result;
            fn handle(&mut self, $m: $msg, _: &mut Context<Self>) -> $result {
                let $p = &*self;
                $p.seen.lock().unwrap().push($seen);
                $reply
            }
        }
    };
}

record!(Propagate, (), |m, _p| Seen::Ops(m.ops.to_vec()), ());
record!(StartRewrite, (), |_m, _p| Seen::StartRewrite, ());
record!(InstallBase, Result<(), String>, |_m, _p| Seen::InstallBase, Ok(()));
record!(SyncAof, (), |_m, _p| Seen::Sync, ());
record!(OpenFile, (), |_m, _p| Seen::Open, ());
record!(WriteChunk, (), |m, _p| Seen::Chunk(m.0.len()), ());
record!(FinishFile, Result<Written, SaveError>, |_m, p| Seen::Finish, p.finish.clone());
record!(AbortFile, (), |_m, _p| Seen::Abort, ());

fn probe(finish: Result<Written, SaveError>) -> (Addr<Probe>, Arc<Mutex<Vec<Seen>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let addr = Probe {
        seen: seen.clone(),
        finish,
    }
    .start();
    (addr, seen)
}

fn links(server: &ServerContext, p: &Addr<Probe>) -> (AofLink, SaverLink) {
    let mailbox = server.mailboxes.register("probe");
    let status = Arc::new(AofStatus::default());
    status.write_ok.store(true, Relaxed);
    let aof = AofLink {
        append: p.clone().recipient(),
        start_rewrite: p.clone().recipient(),
        install_base: p.clone().recipient(),
        sync: p.clone().recipient(),
        status,
        mailbox: mailbox.clone(),
        arbiter: None,
    };
    let saver = SaverLink {
        open: p.clone().recipient(),
        write: p.clone().recipient(),
        finish: p.clone().recipient(),
        abort: p.clone().recipient(),
        mailbox,
    };
    (aof, saver)
}

fn argv(words: &[&str]) -> Vec<Bytes> {
    words
        .iter()
        .map(|w| Bytes::copy_from_slice(w.as_bytes()))
        .collect()
}

async fn exec(addr: &Addr<KeyspaceActor>, cmds: &[&[&str]]) -> String {
    let done = addr
        .send(Execute {
            session: Session::new(1, true),
            cmds: cmds.iter().map(|c| argv(c)).collect(),
            out: BytesMut::new(),
        })
        .await
        .unwrap();
    String::from_utf8_lossy(&done.out).into_owned()
}

/// Waits (bounded) until `seen` satisfies `pred`.
async fn until(seen: &Arc<Mutex<Vec<Seen>>>, pred: impl Fn(&[Seen]) -> bool) -> Vec<Seen> {
    for _ in 0..200 {
        {
            let s = seen.lock().unwrap();
            if pred(&s) {
                return s.clone();
            }
        }
        actix_rt::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("probe never saw it: {:?}", seen.lock().unwrap());
}

#[actix_rt::test]
async fn each_batch_ships_its_writes_once_in_order_and_reads_ship_nothing() {
    let server = ServerContext::for_tests();
    let (p, seen) = probe(Ok(Written { bytes: 0 }));
    let (aof, saver) = links(&server, &p);
    let addr = KeyspaceActor::new(server)
        .with_aof(aof)
        .with_saver(saver)
        .start();
    let reply = exec(
        &addr,
        &[
            &["SET", "k", "v"],
            &["GET", "k"],
            &["SELECT", "2"],
            &["INCRBYFLOAT", "f", "1.5"],
            &["SADD", "s", "a"],
            &["SADD", "s", "a"],
        ],
    )
    .await;
    assert_eq!(reply, "+OK\r\n$1\r\nv\r\n+OK\r\n$3\r\n1.5\r\n:1\r\n:0\r\n");
    exec(&addr, &[&["GET", "k"]]).await;
    let seen = until(&seen, |s| !s.is_empty()).await;
    assert_eq!(
        seen,
        vec![Seen::Ops(vec![
            Op::new(0, argv(&["SET", "k", "v"])),
            Op::new(2, argv(&["SET", "f", "1.5", "KEEPTTL"])),
            Op::new(2, argv(&["SADD", "s", "a"])),
        ])]
    );
}

#[actix_rt::test]
async fn a_transaction_goes_out_wrapped() {
    let server = ServerContext::for_tests();
    let (p, seen) = probe(Ok(Written { bytes: 0 }));
    let (aof, _) = links(&server, &p);
    let addr = KeyspaceActor::new(server).with_aof(aof).start();
    exec(
        &addr,
        &[&["MULTI"], &["SET", "a", "1"], &["INCR", "a"], &["EXEC"]],
    )
    .await;
    let seen = until(&seen, |s| !s.is_empty()).await;
    let Seen::Ops(ops) = &seen[0] else {
        panic!("{seen:?}")
    };
    let names: Vec<_> = ops.iter().map(|o| o.argv[0].clone()).collect();
    assert_eq!(names, argv(&["MULTI", "SET", "INCR", "EXEC"]));
}

#[actix_rt::test]
async fn bgsave_streams_the_snapshot_and_records_success() {
    let server = ServerContext::for_tests();
    let (p, seen) = probe(Ok(Written { bytes: 100 }));
    let (_, saver) = links(&server, &p);
    let addr = KeyspaceActor::new(server).with_saver(saver).start();
    exec(&addr, &[&["SET", "a", "1"], &["SET", "b", "2"]]).await;
    assert_eq!(
        exec(&addr, &[&["BGSAVE"]]).await,
        "+Background saving started\r\n"
    );
    let seen = until(&seen, |s| s.contains(&Seen::Finish)).await;
    assert_eq!(seen[0], Seen::Open);
    assert!(matches!(seen[1], Seen::Chunk(n) if n > 20), "{seen:?}");
    assert_eq!(seen.last(), Some(&Seen::Finish));
    // The answer is taken: the save counts and the changes are cleared.
    for _ in 0..100 {
        let info = exec(&addr, &[&["INFO", "persistence"]]).await;
        if info.contains("rdb_saves:1\r\n") {
            assert!(info.contains("rdb_changes_since_last_save:0\r\n"), "{info}");
            assert!(info.contains("rdb_bgsave_in_progress:0\r\n"), "{info}");
            return;
        }
        actix_rt::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("the save was never recorded");
}

#[actix_rt::test]
async fn a_failed_bgsave_turns_writes_away_with_misconf() {
    let server = ServerContext::for_tests();
    let (p, seen) = probe(Err(SaveError::Write {
        reason: "No space left on device".into(),
    }));
    let (_, saver) = links(&server, &p);
    let addr = KeyspaceActor::new(server).with_saver(saver).start();
    exec(&addr, &[&["SET", "a", "1"], &["BGSAVE"]]).await;
    until(&seen, |s| s.contains(&Seen::Finish)).await;
    for _ in 0..100 {
        let r = exec(&addr, &[&["SET", "a", "2"]]).await;
        if r.starts_with("-MISCONF Redis is configured to save RDB snapshots") {
            assert!(exec(&addr, &[&["PING"]]).await.starts_with("-MISCONF"));
            assert_eq!(exec(&addr, &[&["GET", "a"]]).await, "$1\r\n1\r\n");
            let info = exec(&addr, &[&["INFO", "persistence"]]).await;
            assert!(info.contains("rdb_last_bgsave_status:err\r\n"), "{info}");
            return;
        }
        actix_rt::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("writes were never refused");
}

#[actix_rt::test]
async fn a_rewrite_switches_the_incr_file_before_the_snapshot_and_installs_the_base() {
    let server = ServerContext::for_tests();
    let (p, seen) = probe(Ok(Written { bytes: 10 }));
    let (aof, saver) = links(&server, &p);
    let addr = KeyspaceActor::new(server)
        .with_aof(aof)
        .with_saver(saver)
        .start();
    exec(&addr, &[&["SET", "a", "1"]]).await;
    assert_eq!(
        exec(&addr, &[&["BGREWRITEAOF"], &["SET", "b", "2"]]).await,
        "+Background append only file rewriting started\r\n+OK\r\n"
    );
    let seen = until(&seen, |s| s.contains(&Seen::InstallBase)).await;
    let at = |x: &Seen| seen.iter().position(|s| s == x).unwrap();
    // The write before the rewrite reaches the old file, the one after the new file.
    let set_b = seen
        .iter()
        .position(|s| matches!(s, Seen::Ops(o) if o[0].argv[1] == "b"))
        .unwrap();
    assert!(at(&Seen::Ops(vec![Op::new(0, argv(&["SET", "a", "1"]))])) < at(&Seen::StartRewrite));
    assert!(at(&Seen::StartRewrite) < set_b);
    assert!(at(&Seen::Open) < at(&Seen::Finish));
    assert!(at(&Seen::Finish) < at(&Seen::InstallBase));
}
