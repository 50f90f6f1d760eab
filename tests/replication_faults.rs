//! Replication under faults, with real processes on their own loopback addresses (master
//! 127.0.0.5, replicas 127.0.0.6 / 127.0.0.7, free ports, `--repl-diskless-sync-delay 0`,
//! every node `--bind-source-addr <its own ip>` so that a master sees each replica at the
//! replica's address). Each scenario takes a `Kind` for the master and one for the replicas,
//! so it runs Redactor-only, Redis-only (`REDACTOR_DIFF_SELFTEST=1`) and mixed.
//!
//! Covered:
//! 1. the master SIGKILLed in the middle of a full sync of a large dataset, then restarted
//!    from its dump: the replica survives (no panic), keeps its old data meanwhile, then
//!    completes a full sync with equal contents;
//! 2. `CLIENT KILL TYPE replica` repeatedly while a writer writes: partial resyncs only,
//!    offsets converge, contents equal;
//! 3. a replica SIGSTOPped past the master's `repl-timeout 2`: dropped by the master, then
//!    after SIGCONT it reconnects and catches up;
//! 4. WAIT durability: every `SET` acknowledged by `WAIT 1` survives a SIGKILL of the master
//!    and the promotion of the replica;
//! 5. coordinated FAILOVER (TO a replica, chained second replica, re-pointed with a partial
//!    resync), FAILOVER TIMEOUT aborted when the target cannot catch up, FAILOVER ABORT.
//!
//! Every wait polls with a deadline; servers are stopped (and signalled) by pid through the
//! harness (`common::Server`).

mod common;

use common::dataset::{ok, s};
use common::escape as text;
use common::topology::{
    assert_no_panic, assert_same_data, converge, field, role, wait_for, wait_link_up, wait_online,
    Node, Setup, Stats, Stopped, Topo, MASTER_HOST, REPLICA_HOSTS,
};
use common::{Client, Frame, Kind};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A replica's link up after it was started or pointed somewhere.
const LINK_TIMEOUT: Duration = Duration::from_secs(15);
/// Offsets equal, contents equal, counters moved.
const SYNC_TIMEOUT: Duration = Duration::from_secs(15);

/// Databases the writers touch (and the dump reads).
const DBS: [&str; 2] = ["0", "3"];

/// Nodes without a password, each `--bind-source-addr` its own address; contents compared
/// over `DBS`, without encodings.
const FAULTS: Setup = Setup {
    dir_prefix: "replf",
    auth: false,
    source_addr: true,
    link_timeout: LINK_TIMEOUT,
    sync_timeout: SYNC_TIMEOUT,
    dbs: &DBS,
    encoding: false,
};

// ---------------------------------------------------------------------------
// Data (the nodes, their waits and the contents dump are in common::topology)
// ---------------------------------------------------------------------------

/// The `i`-th write of a mixed workload over a bounded keyspace (strings, counters, lists,
/// hashes, sets, sorted sets, expiries, deletes, a transaction, another database).
fn workload_op(i: u64) -> Vec<Vec<String>> {
    let k = i % 97;
    let one = |v: &[&str]| vec![s(v)];
    match i % 10 {
        0 => one(&["SET", &format!("s:{k}"), &format!("v{i}")]),
        1 => one(&["INCR", &format!("c:{}", i % 13)]),
        2 => one(&["RPUSH", &format!("l:{}", i % 7), &i.to_string()]),
        3 => one(&[
            "HSET",
            &format!("h:{}", i % 11),
            &format!("f{}", i % 17),
            &i.to_string(),
        ]),
        4 => one(&["SADD", &format!("set:{}", i % 5), &(i % 211).to_string()]),
        5 => one(&[
            "ZADD",
            &format!("z:{}", i % 5),
            &(i % 53).to_string(),
            &format!("m{}", i % 61),
        ]),
        6 => one(&["SET", &format!("t:{k}"), "x", "EX", "100000"]),
        7 => one(&["DEL", &format!("s:{}", (k + 31) % 97)]),
        8 => vec![
            s(&["MULTI"]),
            s(&["INCRBY", "tx:n", "3"]),
            s(&["LPUSH", "tx:l", &i.to_string()]),
            s(&["LTRIM", "tx:l", "0", "9"]),
            s(&["EXEC"]),
        ],
        _ => vec![
            s(&["SELECT", "3"]),
            s(&["SET", &format!("db3:{}", i % 23), &i.to_string()]),
            s(&["SELECT", "0"]),
        ],
    }
}

/// A thread writing `workload_op` in a loop until `stop` is set; returns the number of ops.
fn spawn_writer(
    addr: String,
    stop: Arc<AtomicBool>,
    count: Arc<AtomicU64>,
) -> std::thread::JoinHandle<u64> {
    std::thread::spawn(move || {
        let mut c = Client::connect(&addr).expect("writer connects");
        let mut i = 0u64;
        while !stop.load(Ordering::Relaxed) {
            for args in workload_op(i) {
                let a: Vec<&str> = args.iter().map(String::as_str).collect();
                let r = c.cmd(&a);
                assert!(!r.starts_with(b"-"), "writer {a:?}: {}", text(&r));
            }
            i += 1;
            count.store(i, Ordering::Relaxed);
            if i.is_multiple_of(50) {
                std::thread::sleep(Duration::from_millis(2));
            }
        }
        i
    })
}

/// Runs `n` workload ops synchronously.
fn write_ops(node: &Node, from: u64, n: u64) {
    let mut c = node.c();
    for i in from..from + n {
        for args in workload_op(i) {
            let a: Vec<&str> = args.iter().map(String::as_str).collect();
            ok(&mut c, &a);
        }
    }
}

// ---------------------------------------------------------------------------
// 1. The master killed in the middle of a full sync
// ---------------------------------------------------------------------------

/// Keys and value size of the large dataset (about 150 MB): large enough that a full sync
/// over loopback takes long enough to be caught in the middle.
const BIG_KEYS: usize = 150_000;
const BIG_VALUE: usize = 1000;

fn big_value(i: usize) -> Vec<u8> {
    let mut v = format!("{i:09}:").into_bytes();
    v.resize(BIG_VALUE, b'a' + (i % 26) as u8);
    v
}

/// Pipelined `SET big:<i> <big_value(i)>`, in batches.
fn big_fill(node: &Node) {
    let mut c = node.c();
    c.timeout = Duration::from_secs(30);
    const BATCH: usize = 2000;
    let mut i = 0;
    while i < BIG_KEYS {
        let end = (i + BATCH).min(BIG_KEYS);
        let mut buf = Vec::with_capacity(BATCH * (BIG_VALUE + 40));
        for j in i..end {
            let k = format!("big:{j}");
            buf.extend(common::encode_command(&[
                b"SET",
                k.as_bytes(),
                &big_value(j),
            ]));
        }
        c.send_raw(&buf);
        for _ in i..end {
            let r = c.read_reply();
            assert_eq!(r, b"+OK\r\n", "pipelined SET on {}", node.name());
        }
        i = end;
    }
}

/// The replica holds exactly the big dataset (plus `extra` keys): DBSIZE, then every value
/// by pipelined MGET.
fn assert_big_data(replica: &Node, extra: usize, what: &str) {
    let mut c = replica.c();
    c.timeout = Duration::from_secs(30);
    assert_eq!(
        c.cmd_str(&["DBSIZE"]),
        format!(":{}\\r\\n", BIG_KEYS + extra),
        "{what}: DBSIZE of {}",
        replica.name()
    );
    const BATCH: usize = 1000;
    let mut i = 0;
    while i < BIG_KEYS {
        let end = (i + BATCH).min(BIG_KEYS);
        let keys: Vec<String> = (i..end).map(|j| format!("big:{j}")).collect();
        let mut args: Vec<&[u8]> = vec![b"MGET"];
        args.extend(keys.iter().map(|k| k.as_bytes()));
        let r = Frame::parse(&c.cmd_bytes(&args)).unwrap();
        let items = r.items().expect("MGET array");
        for (j, item) in (i..end).zip(items) {
            assert!(
                item.as_bytes() == Some(&big_value(j)[..]),
                "{what}: big:{j} on {} is {:?}",
                replica.name(),
                item.as_bytes()
                    .map(|b| String::from_utf8_lossy(&b[..b.len().min(20)]).into_owned())
            );
        }
        i = end;
    }
}

fn scenario_master_killed_mid_sync(mk: Kind, rk: Kind) {
    let mut master = Node::start(FAULTS, mk, MASTER_HOST, &[]);
    big_fill(&master);
    let mut mc = master.c();
    ok(&mut mc, &["SET", "marker", "before-kill"]);
    mc.timeout = Duration::from_secs(60);
    assert_eq!(mc.cmd_str(&["SAVE"]), "+OK\\r\\n", "SAVE on the master");
    drop(mc);

    // The replica starts as a master with data of its own, then follows.
    let mut replica = Node::start(FAULTS, rk, REPLICA_HOSTS[0], &[]);
    ok(&mut replica.c(), &["SET", "replica-own", "old"]);
    assert_eq!(
        replica.cmd(&["REPLICAOF", &master.host, &master.port.to_string()]),
        "+OK\\r\\n"
    );
    // Caught in the middle: the replica has received part of the payload.
    let mut seen = String::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    let caught = loop {
        let i = replica.info("replication");
        let read: i64 = field(&i, "master_sync_read_bytes")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        if field(&i, "master_sync_in_progress").as_deref() == Some("1") && read > 0 {
            eprintln!(
                "[{} master, {} replica] caught mid-sync at master_sync_read_bytes:{read}",
                mk.name(),
                rk.name()
            );
            break true;
        }
        if field(&i, "master_link_status").as_deref() == Some("up") || Instant::now() >= deadline {
            seen = i;
            break false;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    assert!(
        caught,
        "the full sync was not caught in progress (finished too fast or never started):\n{seen}"
    );
    let dead = master.kill();
    assert_no_panic(&dead, "the master before its SIGKILL");

    // The replica survives the lost transfer: link down, old data still served.
    wait_for("link down after the master died", LINK_TIMEOUT, || {
        let i = replica.info("replication");
        if field(&i, "master_link_status").as_deref() == Some("down")
            && field(&i, "master_sync_in_progress").as_deref() == Some("0")
        {
            Ok(())
        } else {
            Err(i)
        }
    });
    replica.assert_healthy("after the master was killed mid-sync");
    assert_eq!(
        replica.cmd(&["GET", "replica-own"]),
        "$3\\r\\nold\\r\\n",
        "a failed transfer leaves the replica's old data (repl-diskless-load disabled)"
    );
    assert_eq!(replica.cmd(&["GET", "marker"]), "$-1\\r\\n");

    // Restarted from its dump; the replica reconnects and syncs fully.
    let before_restart = replica.repl("master_replid");
    master.launch();
    common::wait_loaded(master.server());
    assert_eq!(master.cmd(&["GET", "marker"]), "$11\\r\\nbefore-kill\\r\\n");
    ok(&mut master.c(), &["SET", "marker2", "after-restart"]);
    wait_link_up(&replica, &master);
    wait_online(&master, 1);
    converge(&master, &[&replica]);
    replica.assert_healthy("after the resync");
    assert_eq!(replica.repl("master_replid"), master.repl("master_replid"));
    assert_ne!(replica.repl("master_replid"), before_restart);
    assert_eq!(replica.cmd(&["GET", "replica-own"]), "$-1\\r\\n");
    assert_eq!(
        replica.cmd(&["GET", "marker2"]),
        "$13\\r\\nafter-restart\\r\\n"
    );
    assert_big_data(&replica, 2, "after the full sync with the restarted master");
    let st = master.stats();
    assert_eq!(st.full, 1, "{st:?}");
    master.assert_healthy("at the end");
}

// ---------------------------------------------------------------------------
// 2. CLIENT KILL TYPE replica while a writer writes
// ---------------------------------------------------------------------------

fn scenario_kill_link_under_writes(mk: Kind, rk: Kind) {
    let mut t = Topo::start(FAULTS, mk, rk, 1, &[], &[]);
    write_ops(&t.master, 0, 200);
    t.wait_converged();
    let before = t.master.stats();

    let stop = Arc::new(AtomicBool::new(false));
    let count = Arc::new(AtomicU64::new(0));
    let writer = spawn_writer(t.master.server().addr(), stop.clone(), count.clone());
    let mut kills = 0;
    let mut c = t.master.c();
    for round in 0..3 {
        wait_online(&t.master, 1);
        let at = count.load(Ordering::Relaxed);
        wait_for("the writer progresses", SYNC_TIMEOUT, || {
            if count.load(Ordering::Relaxed) > at + 100 {
                Ok(())
            } else {
                Err(format!("{} ops", count.load(Ordering::Relaxed)))
            }
        });
        let r = c.cmd_str(&["CLIENT", "KILL", "TYPE", "replica"]);
        assert_eq!(r, ":1\\r\\n", "CLIENT KILL TYPE replica, round {round}");
        kills += 1;
        std::thread::sleep(Duration::from_millis(100));
    }
    wait_online(&t.master, 1);
    std::thread::sleep(Duration::from_millis(200));
    stop.store(true, Ordering::Relaxed);
    let ops = writer.join().expect("writer thread");
    assert!(ops > 300, "the writer wrote {ops} ops");

    t.wait_synced();
    t.wait_converged();
    assert_same_data(
        &t.master,
        &t.replicas[0],
        "after the link was killed under writes",
    );
    let after = t.master.stats();
    assert_eq!(
        after,
        Stats {
            full: before.full,
            partial_ok: before.partial_ok + kills,
            partial_err: before.partial_err
        },
        "every kill was followed by a partial resync ({before:?} -> {after:?})"
    );
    t.replicas[0].assert_healthy("after the kills");
    t.master.assert_healthy("after the kills");
}

// ---------------------------------------------------------------------------
// 3. A replica stopped past repl-timeout
// ---------------------------------------------------------------------------

fn scenario_replica_timeout(mk: Kind, rk: Kind) {
    let mut t = Topo::start(FAULTS, mk, rk, 1, &["--repl-timeout", "2"], &[]);
    write_ops(&t.master, 0, 100);
    t.wait_converged();
    let before = t.master.stats();
    {
        let _stopped = Stopped::new(&t.replicas[0]);
        write_ops(&t.master, 100, 100);
        wait_for(
            "the master drops the stopped replica",
            Duration::from_secs(15),
            || {
                let i = t.master.info("replication");
                let slaves = field(&i, "connected_slaves").unwrap_or_default();
                let logged = t
                    .master
                    .server()
                    .output()
                    .contains("Disconnecting timedout replica");
                if slaves == "0" || logged {
                    Ok(())
                } else {
                    Err(format!("connected_slaves:{slaves}, no timeout logged"))
                }
            },
        );
        write_ops(&t.master, 200, 100);
    }
    t.wait_synced();
    t.wait_converged();
    assert_same_data(&t.master, &t.replicas[0], "after SIGCONT");
    let after = t.master.stats();
    assert!(
        after.full + after.partial_ok > before.full + before.partial_ok,
        "the replica resynced: {before:?} -> {after:?}"
    );
    let log = t.master.server().output();
    eprintln!(
        "[{}] timeout: logged={} resync full +{} partial +{}",
        t.master.kind.name(),
        log.contains("Disconnecting timedout replica"),
        after.full - before.full,
        after.partial_ok - before.partial_ok
    );
    t.replicas[0].assert_healthy("after SIGCONT");
    t.master.assert_healthy("after the timeout");
}

// ---------------------------------------------------------------------------
// 4. WAIT durability across a failover by promotion
// ---------------------------------------------------------------------------

const WAIT_KEYS: usize = 150;

fn scenario_wait_durability(mk: Kind, rk: Kind) {
    let mut t = Topo::start(FAULTS, mk, rk, 1, &[], &[]);
    // Background load so that the acknowledged writes are interleaved with others.
    let stop = Arc::new(AtomicBool::new(false));
    let count = Arc::new(AtomicU64::new(0));
    let writer = spawn_writer(t.master.server().addr(), stop.clone(), count.clone());
    let mut c = t.master.c();
    let mut acked = Vec::new();
    let started = Instant::now();
    for i in 0..WAIT_KEYS {
        let (k, v) = (format!("k_{i}"), format!("v_{i}"));
        assert_eq!(c.cmd_str(&["SET", &k, &v]), "+OK\\r\\n");
        let w = Frame::parse(&c.cmd(&["WAIT", "1", "2000"])).unwrap();
        let n = w
            .as_int()
            .unwrap_or_else(|| panic!("WAIT 1 2000 after SET {k}: {w:?}"));
        assert_eq!(n, 1, "WAIT 1 2000 after SET {k}");
        acked.push((k, v));
    }
    let took = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    writer.join().expect("writer thread");
    eprintln!(
        "[{}] {WAIT_KEYS} SET+WAIT in {took:?}",
        t.master.kind.name()
    );

    let dead = t.master.kill();
    assert_no_panic(&dead, "the master before its SIGKILL");
    let r = &t.replicas[0];
    assert_eq!(r.cmd(&["REPLICAOF", "NO", "ONE"]), "+OK\\r\\n");
    assert_eq!(role(r).0, "master");
    let mut rc = r.c();
    let mut lost = Vec::new();
    for (k, v) in &acked {
        let got = rc.cmd_str(&["GET", k]);
        if got != format!("${}\\r\\n{v}\\r\\n", v.len()) {
            lost.push(format!("{k}: {got}"));
        }
    }
    assert!(
        lost.is_empty(),
        "acknowledged by WAIT but missing on the promoted replica: {lost:?}"
    );
    assert_eq!(rc.cmd_str(&["SET", "after", "promotion"]), "+OK\\r\\n");
    t.replicas[0].assert_healthy("after the promotion");
}

// ---------------------------------------------------------------------------
// 5. FAILOVER
// ---------------------------------------------------------------------------

fn failover_state(node: &Node) -> String {
    node.repl("master_failover_state")
}

fn scenario_failover(mk: Kind, rk: Kind) {
    let t = Topo::start(FAULTS, mk, rk, 2, &[], &[]);
    let (m, r1, r2) = (&t.master, &t.replicas[0], &t.replicas[1]);
    write_ops(m, 0, 300);
    t.wait_converged();
    let expected = m.dump();

    // FAILOVER TO replica 1: the master hands over and follows it.
    let mut mc = m.c();
    assert_eq!(
        mc.cmd_str(&["FAILOVER", "TO", &r1.host, &r1.port.to_string()]),
        "+OK\\r\\n"
    );
    wait_for("roles switched by FAILOVER", LINK_TIMEOUT, || {
        let (mr, mh, mp, _) = role(m);
        let (r1r, ..) = role(r1);
        let states: Vec<String> = [m, r1, r2].iter().map(|n| failover_state(n)).collect();
        if mr == "slave"
            && mh == r1.host
            && mp == r1.port as i64
            && r1r == "master"
            && states.iter().all(|s| s == "no-failover")
        {
            Ok(())
        } else {
            Err(format!(
                "old master ROLE {mr} {mh}:{mp}, replica 1 ROLE {r1r}, failover states {states:?}"
            ))
        }
    });
    wait_link_up(m, r1);
    assert_eq!(
        mc.cmd_str(&["SET", "x", "1"]),
        "-READONLY You can't write against a read only replica.\\r\\n"
    );
    assert_eq!(r1.dump(), expected, "the new master has every write");

    // Replica 2 (Redis 7.0): still a replica of the old master, which now replicates from
    // replica 1: a chain. Writes on the new master reach it through the old master.
    let (r2role, r2host, r2port, _) = role(r2);
    eprintln!(
        "[{}] after FAILOVER, replica 2 ROLE: {r2role} of {r2host}:{r2port} (old master {}:{}, new {}:{})",
        m.kind.name(),
        m.host,
        m.port,
        r1.host,
        r1.port
    );
    assert_eq!(
        (r2role.as_str(), r2host.as_str(), r2port),
        ("slave", m.host.as_str(), m.port as i64),
        "replica 2 stays a replica of the old master (chained), as in Redis"
    );
    wait_link_up(r2, m);
    write_ops(r1, 300, 100);
    converge(r1, &[m]);
    assert_same_data(r1, m, "old master after the failover");
    assert_same_data(r1, r2, "chained replica 2 after the failover");
    // The old master's replication id changed when it resynced partially with the new
    // master ("Master replication ID changed to ..."): Redis then disconnects its own
    // replicas, which reconnect (partially) and so learn the new id. Without that, replica 2
    // would stream on under the old id past `second_repl_offset`, and the new master could
    // not continue it partially.
    let new_id = r1.repl("master_replid");
    wait_for(
        "replica 2 learns the new replication id",
        SYNC_TIMEOUT,
        || {
            let i = r2.info("replication");
            if field(&i, "master_replid").as_deref() == Some(new_id.as_str()) {
                Ok(())
            } else {
                Err(format!("new master's id {new_id}; replica 2:\n{i}"))
            }
        },
    );

    // Re-pointed at the new master, replica 2 continues partially.
    let before = r1.stats();
    assert_eq!(
        r2.cmd(&["REPLICAOF", &r1.host, &r1.port.to_string()]),
        "+OK\\r\\n"
    );
    wait_link_up(r2, r1);
    wait_online(r1, 2);
    write_ops(r1, 400, 100);
    converge(r1, &[m, r2]);
    assert_same_data(r1, m, "old master, replica 2 re-pointed");
    assert_same_data(r1, r2, "replica 2 re-pointed");
    let after = r1.stats();
    assert_eq!(
        (after.full, after.partial_ok),
        (before.full, before.partial_ok + 1),
        "replica 2 re-pointed with a partial resync ({before:?} -> {after:?})"
    );
    assert!(!r1.server().output().contains("panicked"));

    // FAILOVER TO a target that cannot catch up (stopped), TIMEOUT 500: aborted, writes
    // resume. The new master is r1; the old master m is the target.
    let mut nc = r1.c();
    {
        let _stopped = Stopped::new(m);
        assert_eq!(nc.cmd_str(&["SET", "behind", "1"]), "+OK\\r\\n");
        let started = Instant::now();
        assert_eq!(
            nc.cmd_str(&[
                "FAILOVER",
                "TO",
                &m.host,
                &m.port.to_string(),
                "TIMEOUT",
                "500"
            ]),
            "+OK\\r\\n"
        );
        let state = failover_state(r1);
        assert!(
            state == "waiting-for-sync" || started.elapsed() >= Duration::from_millis(500),
            "during FAILOVER: master_failover_state:{state}"
        );
        // A write waits for the pause to end, then succeeds.
        let mut wc = r1.c();
        assert_eq!(wc.cmd_str(&["SET", "after-timeout", "1"]), "+OK\\r\\n");
        let waited = started.elapsed();
        wait_for("FAILOVER timed out", Duration::from_secs(5), || {
            let st = failover_state(r1);
            if st == "no-failover" {
                Ok(())
            } else {
                Err(st)
            }
        });
        assert_eq!(role(r1).0, "master");
        assert_eq!(nc.cmd_str(&["SET", "after-timeout-2", "1"]), "+OK\\r\\n");
        assert!(
            waited >= Duration::from_millis(300),
            "the write during the FAILOVER was paused ({waited:?})"
        );
        assert!(
            r1.server().wait_output(
                "aborted: Replica never caught up before timeout",
                Duration::from_secs(2)
            ),
            "abort logged"
        );

        // FAILOVER without a timeout, then FAILOVER ABORT while it waits.
        assert_eq!(
            nc.cmd_str(&["FAILOVER", "TO", &m.host, &m.port.to_string()]),
            "+OK\\r\\n"
        );
        assert_eq!(failover_state(r1), "waiting-for-sync");
        std::thread::sleep(Duration::from_millis(200));
        assert_eq!(failover_state(r1), "waiting-for-sync");
        assert_eq!(nc.cmd_str(&["FAILOVER", "ABORT"]), "+OK\\r\\n");
        assert_eq!(failover_state(r1), "no-failover");
        assert_eq!(nc.cmd_str(&["SET", "after-abort", "1"]), "+OK\\r\\n");
        assert_eq!(role(r1).0, "master");
        assert_eq!(
            nc.cmd_str(&["FAILOVER", "ABORT"]),
            "-ERR No failover in progress.\\r\\n"
        );
    }
    // Everything resumes: both replicas catch up with the writes made meanwhile.
    wait_link_up(m, r1);
    write_ops(r1, 500, 50);
    converge(r1, &[m, r2]);
    assert_same_data(r1, m, "old master after the aborted failovers");
    assert_same_data(r1, r2, "replica 2 after the aborted failovers");
    for n in [m, r1, r2] {
        assert_eq!(failover_state(n), "no-failover", "{}", n.name());
        assert!(
            !n.server().output().contains("panicked"),
            "{} panicked",
            n.name()
        );
    }
}

// ---------------------------------------------------------------------------
// Tests: Redactor only (Redis only under REDACTOR_DIFF_SELFTEST=1), then mixed
// ---------------------------------------------------------------------------

const R: Kind = Kind::Redactor;
const REDIS: Kind = Kind::Redis;

#[test]
fn master_killed_mid_full_sync_then_restarted() {
    scenario_master_killed_mid_sync(R, R);
}

#[test]
fn replica_link_killed_repeatedly_under_writes() {
    scenario_kill_link_under_writes(R, R);
}

#[test]
fn stopped_replica_dropped_after_repl_timeout_then_catches_up() {
    scenario_replica_timeout(R, R);
}

#[test]
fn writes_acknowledged_by_wait_survive_master_kill() {
    scenario_wait_durability(R, R);
}

#[test]
fn coordinated_failover_timeout_and_abort() {
    scenario_failover(R, R);
}

#[test]
fn mixed_redis_replica_link_killed_under_writes_redactor_master() {
    scenario_kill_link_under_writes(R, REDIS);
}

#[test]
fn mixed_wait_durability_redactor_replica_of_redis_master() {
    scenario_wait_durability(REDIS, R);
}

#[test]
fn mixed_redactor_replica_survives_redis_master_killed_mid_sync() {
    scenario_master_killed_mid_sync(REDIS, R);
}

#[test]
fn mixed_redis_replica_dropped_by_redactor_master_after_repl_timeout() {
    scenario_replica_timeout(R, REDIS);
}

#[test]
fn mixed_failover_of_redis_master_to_redactor_replicas() {
    scenario_failover(REDIS, R);
}
