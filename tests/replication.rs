//! Replication with real processes: a master and replicas on their own loopback addresses
//! (127.0.0.5, 127.0.0.6, 127.0.0.7, as in the seed's HA tutorial, with free ports), each
//! topology built from a `Kind` for the master and one for the replicas, so that every
//! scenario runs Redactor-only, Redis-only (`REDACTOR_DIFF_SELFTEST=1`) and mixed.
//!
//! Covered: every type (expiries, other databases) reaching two replicas, compared key by
//! key; READONLY and the other exact replies of a replica (`repl/FACTS.md`); offsets
//! converging and WAIT; partial resyncs after `CLIENT KILL TYPE replica` and after a replica
//! restart (SIGTERM, SHUTDOWN, SIGKILL after SAVE); a full sync once the replica fell out of
//! a 16kb backlog; PSYNC2 after a promotion (`master_replid2`); expiries propagated as DEL;
//! min-replicas-to-write refusing writes while the only replica is stopped; a real
//! redis-server replicating from Redactor and Redactor replicating from a real redis-server
//! (diskless and disk-based transfers).
//!
//! Every wait polls `INFO` with a deadline; servers are stopped by pid by the harness.

mod common;

use common::dataset::{self, ok, s};
use common::escape as text;
use common::topology::{
    assert_same_data, converge, field, field_names, wait_for, wait_link_up, wait_online, Node,
    Setup, Stats, Stopped, Topo, MASTER_HOST,
};
use common::{Frame, Kind};
use std::time::{Duration, Instant};

/// A replica's link up after it was started or pointed somewhere.
const LINK_TIMEOUT: Duration = Duration::from_secs(10);
/// Offsets equal, contents equal, counters moved.
const SYNC_TIMEOUT: Duration = Duration::from_secs(10);

/// Nodes without a password; contents compared over every filled database, with encodings.
const PLAIN: Setup = Setup {
    dir_prefix: "repl",
    auth: false,
    source_addr: false,
    link_timeout: LINK_TIMEOUT,
    sync_timeout: SYNC_TIMEOUT,
    dbs: &dataset::DBS,
    encoding: true,
};
/// As [`PLAIN`], with `requirepass`/`masterauth` on every node.
const AUTH: Setup = Setup {
    auth: true,
    ..PLAIN
};

const READONLY: &str = "-READONLY You can't write against a read only replica.\\r\\n";
const NOREPLICAS: &str = "-NOREPLICAS Not enough good replicas to write.\\r\\n";
const MASTERDOWN: &str =
    "-MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.\\r\\n";
const WAIT_ON_REPLICA: &str = "-ERR WAIT cannot be used with replica instances. Please also \
note that since Redis 4.0 if a replica is configured to be writable (which is not the default) \
writes to replicas are just local and are not propagated.\\r\\n";
const ALREADY: &str = "+OK Already connected to specified master\\r\\n";

/// `INFO replication` field names, in order (Redis 7.0.15).
const MASTER_FIELDS_HEAD: [&str; 2] = ["role", "connected_slaves"];
const MASTER_FIELDS_TAIL: [&str; 9] = [
    "master_failover_state",
    "master_replid",
    "master_replid2",
    "master_repl_offset",
    "second_repl_offset",
    "repl_backlog_active",
    "repl_backlog_size",
    "repl_backlog_first_byte_offset",
    "repl_backlog_histlen",
];
const REPLICA_FIELDS_HEAD: [&str; 8] = [
    "role",
    "master_host",
    "master_port",
    "master_link_status",
    "master_last_io_seconds_ago",
    "master_sync_in_progress",
    "slave_read_repl_offset",
    "slave_repl_offset",
];
const REPLICA_FIELDS_MID: [&str; 4] = [
    "slave_priority",
    "slave_read_only",
    "replica_announced",
    "connected_slaves",
];

// ---------------------------------------------------------------------------
// Data (the data set, the nodes and their waits are in common::{dataset, topology})
// ---------------------------------------------------------------------------

/// Pipelined `SET <prefix><i> <value>` for `n` keys, replies checked.
fn bulk_writes(node: &Node, prefix: &str, n: usize, value_len: usize) {
    let mut c = node.c();
    let value = "w".repeat(value_len);
    let mut buf = Vec::new();
    for i in 0..n {
        let k = format!("{prefix}{i}");
        buf.extend(common::encode_command(&[
            b"SET",
            k.as_bytes(),
            value.as_bytes(),
        ]));
    }
    c.send_raw(&buf);
    for _ in 0..n {
        let r = c.read_reply();
        assert_eq!(r, b"+OK\r\n", "pipelined SET on {}", node.name());
    }
}

// ---------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------

/// Two replicas with a password on every node (`requirepass`/`masterauth redis`, as in the
/// seed's configs): every type written after the sync reaches both; then more writes.
fn scenario_propagation(mk: Kind, rk: Kind) {
    let t = Topo::start(AUTH, mk, rk, 2, &[], &[]);
    let mut c = t.master.c();
    ok(&mut c, &["SET", "first", "1"]);
    dataset::fill(&mut t.master.c());
    t.wait_converged();
    for r in &t.replicas {
        assert_same_data(&t.master, r, "after fill");
    }
    dataset::fill_more(&mut t.master.c(), "more");
    t.wait_converged();
    for r in &t.replicas {
        assert_same_data(&t.master, r, "after fill_more");
    }
    // Neither replica needed more than its first full sync.
    let st = t.master.stats();
    assert_eq!((st.full, st.partial_ok), (2, 0), "{st:?}");
}

/// Replies of replicas and masters: READONLY, WAIT on a replica, REPLICAOF/SLAVEOF to the
/// current master, bad ports, INFO replication fields and ROLE in each state, and once the
/// master is gone: link down fields and MASTERDOWN with replica-serve-stale-data no.
fn scenario_replies(mk: Kind, rk: Kind) {
    let mut t = Topo::start(PLAIN, mk, rk, 2, &[], &[]);
    let m = &t.master;
    let mport = m.port.to_string();
    ok(&mut m.c(), &["SET", "k", "v"]);
    t.wait_converged();

    // Master INFO replication: fields in order, one slaveN line per replica.
    let mi = m.info("replication");
    let mut expected = s(&MASTER_FIELDS_HEAD);
    expected.extend(s(&["slave0", "slave1"]));
    expected.extend(s(&MASTER_FIELDS_TAIL));
    assert_eq!(field_names(&mi), expected, "master INFO replication:\n{mi}");
    assert_eq!(field(&mi, "role").as_deref(), Some("master"));
    assert_eq!(field(&mi, "connected_slaves").as_deref(), Some("2"));
    assert_eq!(
        field(&mi, "master_failover_state").as_deref(),
        Some("no-failover")
    );
    assert_eq!(
        field(&mi, "master_replid2").as_deref(),
        Some("0".repeat(40).as_str())
    );
    assert_eq!(field(&mi, "second_repl_offset").as_deref(), Some("-1"));
    assert_eq!(field(&mi, "repl_backlog_active").as_deref(), Some("1"));
    assert_eq!(field(&mi, "repl_backlog_size").as_deref(), Some("1048576"));
    assert_eq!(
        field(&mi, "repl_backlog_first_byte_offset").as_deref(),
        Some("1")
    );
    let replid = field(&mi, "master_replid").unwrap();
    assert!(
        replid.len() == 40 && replid.bytes().all(|b| b.is_ascii_hexdigit()),
        "{replid}"
    );
    let moff = field(&mi, "master_repl_offset").unwrap();
    assert_eq!(field(&mi, "repl_backlog_histlen"), Some(moff.clone()));
    let mut ports: Vec<String> = (0..2)
        .map(|k| {
            let line = field(&mi, &format!("slave{k}")).unwrap();
            let parts: Vec<&str> = line.split(',').collect();
            assert_eq!(parts.len(), 5, "{line}");
            assert!(parts[0].starts_with("ip="), "{line}");
            assert_eq!(parts[2], "state=online", "{line}");
            assert_eq!(parts[3], format!("offset={moff}"), "{line}");
            assert!(parts[4].starts_with("lag="), "{line}");
            parts[1].trim_start_matches("port=").to_string()
        })
        .collect();
    ports.sort();
    let mut want: Vec<String> = t.replicas.iter().map(|r| r.port.to_string()).collect();
    want.sort();
    assert_eq!(ports, want, "replica ports listed by the master");

    // Master ROLE: ["master", offset, [[ip, "port", "offset"], ...]].
    let role = Frame::parse(&m.c().cmd(&["ROLE"])).unwrap();
    let items = role.items().expect("ROLE array");
    assert_eq!(items.len(), 3, "{role:?}");
    assert_eq!(items[0].as_bytes(), Some(&b"master"[..]));
    assert_eq!(items[1].as_int(), Some(moff.parse().unwrap()), "{role:?}");
    let listed = items[2].items().expect("replica list");
    assert_eq!(listed.len(), 2, "{role:?}");
    for r in listed {
        let r = r.items().expect("replica entry");
        assert_eq!(r.len(), 3);
        assert!(
            matches!(r[1], Frame::Blob(b'$', _)),
            "port is a bulk: {r:?}"
        );
        assert_eq!(
            r[2],
            Frame::Blob(b'$', Some(moff.clone().into_bytes())),
            "{r:?}"
        );
    }
    assert_eq!(m.cmd(&["WAIT", "2", "1000"]), ":2\\r\\n");

    for r in &t.replicas {
        // INFO replication of a connected replica.
        let ri = r.info("replication");
        let mut expected = s(&REPLICA_FIELDS_HEAD);
        expected.extend(s(&REPLICA_FIELDS_MID));
        expected.extend(s(&MASTER_FIELDS_TAIL));
        assert_eq!(
            field_names(&ri),
            expected,
            "replica INFO replication:\n{ri}"
        );
        assert_eq!(field(&ri, "role").as_deref(), Some("slave"));
        assert_eq!(field(&ri, "master_host").as_deref(), Some(MASTER_HOST));
        assert_eq!(field(&ri, "master_port"), Some(mport.clone()));
        assert_eq!(field(&ri, "master_link_status").as_deref(), Some("up"));
        assert_eq!(field(&ri, "slave_read_repl_offset"), Some(moff.clone()));
        assert_eq!(field(&ri, "slave_priority").as_deref(), Some("100"));
        assert_eq!(field(&ri, "slave_read_only").as_deref(), Some("1"));
        assert_eq!(field(&ri, "replica_announced").as_deref(), Some("1"));
        assert_eq!(field(&ri, "connected_slaves").as_deref(), Some("0"));
        assert_eq!(field(&ri, "master_replid"), Some(replid.clone()));
        assert_eq!(field(&ri, "master_repl_offset"), Some(moff.clone()));

        let role = r.cmd(&["ROLE"]);
        assert_eq!(
            role,
            format!(
                "*5\\r\\n$5\\r\\nslave\\r\\n$9\\r\\n{MASTER_HOST}\\r\\n:{mport}\\r\\n\
                 $9\\r\\nconnected\\r\\n:{moff}\\r\\n"
            )
        );

        let mut c = r.c();
        assert_eq!(c.cmd_str(&["GET", "k"]), "$1\\r\\nv\\r\\n");
        assert_eq!(c.cmd_str(&["SET", "k", "x"]), READONLY);
        assert_eq!(c.cmd_str(&["DEL", "k"]), READONLY);
        assert_eq!(c.cmd_str(&["LPUSH", "l", "a"]), READONLY);
        assert_eq!(c.cmd_str(&["INCR", "n"]), READONLY);
        assert_eq!(c.cmd_str(&["WAIT", "1", "100"]), WAIT_ON_REPLICA);
        assert_eq!(c.cmd_str(&["REPLICAOF", MASTER_HOST, &mport]), ALREADY);
        assert_eq!(c.cmd_str(&["SLAVEOF", MASTER_HOST, &mport]), ALREADY);
        assert_eq!(
            c.cmd_str(&["REPLICAOF", MASTER_HOST, "abc"]),
            "-ERR Invalid master port\\r\\n"
        );
        assert_eq!(
            c.cmd_str(&["REPLICAOF", MASTER_HOST]),
            "-ERR wrong number of arguments for 'replicaof' command\\r\\n"
        );
        assert_eq!(c.cmd_str(&["GET", "k"]), "$1\\r\\nv\\r\\n");
    }
    let mut c = m.c();
    assert_eq!(
        c.cmd_str(&["REPLICAOF", "127.0.0.9", "70000"]),
        "-ERR Invalid master port\\r\\n"
    );
    assert_eq!(c.cmd_str(&["REPLICAOF", "NO", "ONE"]), "+OK\\r\\n");
    assert_eq!(c.cmd_str(&["SLAVEOF", "no", "one"]), "+OK\\r\\n");
    assert!(c
        .cmd_str(&["ROLE"])
        .starts_with("*3\\r\\n$6\\r\\nmaster\\r\\n:"));
    // Nothing changed for the replicas.
    t.wait_converged();

    // The master goes away: link down, stale data served until told not to.
    t.master.stop();
    for r in &t.replicas {
        wait_for(&format!("{} link down", r.name()), LINK_TIMEOUT, || {
            let i = r.info("replication");
            if field(&i, "master_link_status").as_deref() == Some("down") {
                Ok(())
            } else {
                Err(i)
            }
        });
        let ri = r.info("replication");
        let names = field_names(&ri);
        if field(&ri, "master_sync_in_progress").as_deref() == Some("0") {
            let mut expected = s(&REPLICA_FIELDS_HEAD);
            expected.push("master_link_down_since_seconds".into());
            expected.extend(s(&REPLICA_FIELDS_MID));
            expected.extend(s(&MASTER_FIELDS_TAIL));
            assert_eq!(
                names, expected,
                "replica INFO replication, link down:\n{ri}"
            );
        }
        assert_eq!(
            field(&ri, "master_last_io_seconds_ago").as_deref(),
            Some("-1")
        );
        let role = r.cmd(&["ROLE"]);
        let head = format!("*5\\r\\n$5\\r\\nslave\\r\\n$9\\r\\n{MASTER_HOST}\\r\\n:{mport}\\r\\n");
        assert!(
            role == format!("{head}$7\\r\\nconnect\\r\\n:-1\\r\\n")
                || role == format!("{head}$10\\r\\nconnecting\\r\\n:-1\\r\\n"),
            "ROLE with the master down: {role}"
        );
        let mut c = r.c();
        assert_eq!(
            c.cmd_str(&["GET", "k"]),
            "$1\\r\\nv\\r\\n",
            "stale data served"
        );
        assert_eq!(c.cmd_str(&["SET", "k", "x"]), READONLY);
        assert_eq!(
            c.cmd_str(&["CONFIG", "SET", "replica-serve-stale-data", "no"]),
            "+OK\\r\\n"
        );
        assert_eq!(c.cmd_str(&["GET", "k"]), MASTERDOWN);
        assert!(c.cmd_str(&["INFO", "replication"]).starts_with('$'));
        assert!(c.cmd_str(&["ROLE"]).starts_with("*5\\r\\n"));
    }
}

/// Offsets converge and WAIT counts both replicas.
fn scenario_offsets(mk: Kind, rk: Kind) {
    let t = Topo::start(PLAIN, mk, rk, 2, &[], &[]);
    bulk_writes(&t.master, "k:", 500, 20);
    assert_eq!(t.master.cmd(&["WAIT", "2", "1000"]), ":2\\r\\n");
    t.wait_converged();
    let moff: u64 = t.master.repl("master_repl_offset").parse().unwrap();
    assert!(moff > 500 * 30, "master_repl_offset {moff}");
    // More than there are replicas: the timeout, then the count.
    assert_eq!(t.master.cmd(&["WAIT", "3", "200"]), ":2\\r\\n");
    ok(&mut t.master.c(), &["SET", "last", "1"]);
    assert_eq!(t.master.cmd(&["WAIT", "2", "1000"]), ":2\\r\\n");
    t.wait_converged();
    for r in &t.replicas {
        assert_eq!(r.cmd(&["DBSIZE"]), ":501\\r\\n");
        assert_eq!(
            r.cmd(&["GET", "k:499"]),
            format!("$20\\r\\n{}\\r\\n", "w".repeat(20))
        );
    }
}

/// Full sync (diskless or disk-based) of a filled master, streaming, then a partial resync
/// of every replica after `CLIENT KILL TYPE replica`.
fn scenario_sync_and_resync(mk: Kind, rk: Kind, n: usize, diskless: bool) {
    let diskless = if diskless { "yes" } else { "no" };
    let mut t = Topo::master(PLAIN, mk, &["--repl-diskless-sync", diskless]);
    dataset::fill(&mut t.master.c());
    for _ in 0..n {
        t.add_replica(rk, &[]);
    }
    t.wait_synced();
    for r in &t.replicas {
        assert_same_data(&t.master, r, "after the full sync");
    }
    let st = t.master.stats();
    assert_eq!((st.full, st.partial_ok), (n as u64, 0), "{st:?}");

    dataset::fill_more(&mut t.master.c(), "streamed");
    t.wait_converged();
    for r in &t.replicas {
        assert_same_data(&t.master, r, "after streamed writes");
    }

    assert_eq!(
        t.master.cmd(&["CLIENT", "KILL", "TYPE", "replica"]),
        format!(":{n}\\r\\n")
    );
    wait_for("partial resyncs after CLIENT KILL", SYNC_TIMEOUT, || {
        let now = t.master.stats();
        if now.partial_ok == n as u64 {
            Ok(())
        } else {
            Err(format!("{now:?}"))
        }
    });
    t.wait_synced();
    dataset::fill_more(&mut t.master.c(), "after-kill");
    t.wait_converged();
    for r in &t.replicas {
        assert_same_data(&t.master, r, "after the partial resync");
    }
    let st = t.master.stats();
    assert_eq!(
        st,
        Stats {
            full: n as u64,
            partial_ok: n as u64,
            partial_err: 0
        }
    );
}

/// A replica stopped with SIGTERM (save points set, so it saves its RDB with the
/// replication id and offset) and restarted in place resumes with a partial resync.
fn scenario_restart_partial(mk: Kind, rk: Kind, how: Restart) {
    let mut t = Topo::start(PLAIN, mk, rk, 1, &[], &["--save", "3600 1"]);
    dataset::fill(&mut t.master.c());
    t.wait_converged();
    let before = t.master.stats();
    match how {
        Restart::Sigterm => t.replicas[0].stop(),
        Restart::Shutdown => {
            let r = &mut t.replicas[0];
            let mut c = r.c();
            c.send(&[b"SHUTDOWN"]);
            let st = r.server_mut().wait_exit(Duration::from_secs(10));
            assert!(st.is_some_and(|st| st.success()), "SHUTDOWN: {st:?}");
            r.server = None;
        }
        Restart::KillAfterSave => {
            // The RDB holds the offset of the SAVE; what follows comes from the backlog.
            assert_eq!(t.replicas[0].cmd(&["SAVE"]), "+OK\\r\\n");
            dataset::fill_more(&mut t.master.c(), "after-save");
            t.wait_converged();
            let r = &mut t.replicas[0];
            r.server_mut().signal(libc::SIGKILL);
            assert!(r.server_mut().wait_exit(Duration::from_secs(10)).is_some());
            r.server = None;
        }
    }
    assert!(
        t.replicas[0].data.path().join("dump.rdb").exists(),
        "the replica saved no dump.rdb ({how:?})"
    );
    dataset::fill_more(&mut t.master.c(), "while-down");
    t.replicas[0].launch();
    t.wait_synced();
    t.wait_converged();
    assert_same_data(&t.master, &t.replicas[0], "after the restart");
    let after = t.master.stats();
    assert_eq!(
        after,
        Stats {
            full: before.full,
            partial_ok: before.partial_ok + 1,
            partial_err: before.partial_err
        },
        "a restarted replica resumes partially"
    );
}

#[derive(Clone, Copy, Debug)]
enum Restart {
    /// SIGTERM with save points: the final RDB is saved.
    Sigterm,
    /// SHUTDOWN with save points.
    Shutdown,
    /// SAVE, more writes streamed, then SIGKILL.
    KillAfterSave,
}

/// A replica shut down (SHUTDOWN SAVE) while the master writes far more than its 16kb
/// backlog asks for a partial resync on restart, is refused and does a full sync.
fn scenario_out_of_backlog(mk: Kind, rk: Kind) {
    let mut t = Topo::start(PLAIN, mk, rk, 1, &["--repl-backlog-size", "16kb"], &[]);
    bulk_writes(&t.master, "a:", 100, 10);
    t.wait_converged();
    assert_eq!(t.master.repl("repl_backlog_size"), "16384");
    let before = t.master.stats();
    {
        let r = &mut t.replicas[0];
        let mut c = r.c();
        c.send(&[b"SHUTDOWN", b"SAVE"]);
        let st = r.server_mut().wait_exit(Duration::from_secs(10));
        assert!(st.is_some_and(|st| st.success()), "SHUTDOWN SAVE: {st:?}");
        r.server = None;
        assert!(
            r.data.path().join("dump.rdb").exists(),
            "no dump.rdb after SHUTDOWN SAVE"
        );
    }
    // About 200kb of writes: the backlog no longer holds the replica's offset.
    bulk_writes(&t.master, "b:", 400, 500);
    t.replicas[0].launch();
    t.wait_synced();
    t.wait_converged();
    let after = t.master.stats();
    assert_eq!(
        after,
        Stats {
            full: before.full + 1,
            partial_ok: before.partial_ok,
            partial_err: before.partial_err + 1
        },
        "out of the backlog: refused partial, full sync"
    );
    assert_eq!(t.replicas[0].cmd(&["DBSIZE"]), ":500\\r\\n");
    assert_eq!(
        t.replicas[0].cmd(&["GET", "b:399"]),
        format!("$500\\r\\n{}\\r\\n", "w".repeat(500))
    );
}

/// PSYNC2 (with passwords): the master dies, replica A is promoted with REPLICAOF NO ONE
/// (old id kept as master_replid2), replica B is pointed at A and continues partially.
fn scenario_promotion(mk: Kind, rk: Kind) {
    let mut t = Topo::start(AUTH, mk, rk, 2, &[], &[]);
    dataset::fill(&mut t.master.c());
    t.wait_converged();
    let old_id = t.master.repl("master_replid");
    let old_off: u64 = t.master.repl("master_repl_offset").parse().unwrap();
    let expected = t.master.dump();
    t.master.stop();

    let (a, b) = (&t.replicas[0], &t.replicas[1]);
    let a_before = a.stats();
    assert_eq!(a.cmd(&["REPLICAOF", "NO", "ONE"]), "+OK\\r\\n");
    let ai = a.info("replication");
    assert_eq!(field(&ai, "role").as_deref(), Some("master"), "{ai}");
    assert_eq!(field(&ai, "master_replid2"), Some(old_id.clone()), "{ai}");
    assert_eq!(
        field(&ai, "second_repl_offset"),
        Some((old_off + 1).to_string()),
        "{ai}"
    );
    assert_eq!(
        field(&ai, "master_repl_offset"),
        Some(old_off.to_string()),
        "{ai}"
    );
    let new_id = field(&ai, "master_replid").unwrap();
    assert_ne!(new_id, old_id);
    assert_eq!(a.cmd(&["SET", "promoted", "yes"]), "+OK\\r\\n");

    assert_eq!(
        b.cmd(&["REPLICAOF", &a.host, &a.port.to_string()]),
        "+OK\\r\\n"
    );
    wait_link_up(b, a);
    wait_online(a, 1);
    converge(a, &[b]);
    let a_after = a.stats();
    assert_eq!(
        (
            a_after.full - a_before.full,
            a_after.partial_ok - a_before.partial_ok
        ),
        (0, 1),
        "the new master served a partial resync: {a_before:?} -> {a_after:?}"
    );
    let bi = b.info("replication");
    assert_eq!(field(&bi, "master_replid"), Some(new_id.clone()), "{bi}");
    assert_eq!(field(&bi, "master_replid2"), Some(old_id.clone()), "{bi}");
    assert_eq!(b.cmd(&["GET", "promoted"]), "$3\\r\\nyes\\r\\n");
    assert_eq!(b.cmd(&["SET", "x", "1"]), READONLY);
    dataset::fill_more(&mut a.c(), "new-master");
    converge(a, &[b]);
    assert_same_data(a, b, "after the promotion");
    assert_ne!(
        a.dump(),
        expected,
        "writes on the new master changed the data"
    );
}

/// A key with PX on the master disappears from the replica (the master's expiry arrives
/// as a DEL); absolute expiry times are identical on both.
fn scenario_expiry(mk: Kind, rk: Kind) {
    let t = Topo::start(PLAIN, mk, rk, 1, &[], &[]);
    let mut c = t.master.c();
    let written = Instant::now();
    ok(&mut c, &["SET", "keep", "1"]);
    ok(&mut c, &["SET", "short", "v", "PX", "3000"]);
    ok(&mut c, &["SET", "short2", "v"]);
    ok(&mut c, &["PEXPIRE", "short2", "3000"]);
    ok(&mut c, &["SET", "long", "v", "EX", "1000"]);
    ok(&mut c, &["SELECT", "4"]);
    ok(&mut c, &["SET", "short4", "v", "PX", "3000"]);
    ok(&mut c, &["SELECT", "0"]);
    t.wait_converged();
    let r = &t.replicas[0];
    let mut rc = r.c();
    for k in ["short", "short2", "long"] {
        assert_eq!(
            text(&rc.cmd(&["PEXPIRETIME", k])),
            text(&c.cmd(&["PEXPIRETIME", k])),
            "PEXPIRETIME {k} on the replica"
        );
    }
    if written.elapsed() < Duration::from_millis(2500) {
        assert_eq!(rc.cmd_str(&["DBSIZE"]), ":4\\r\\n");
    }
    wait_for("expired keys deleted on the replica", SYNC_TIMEOUT, || {
        let db0 = rc.cmd_str(&["DBSIZE"]);
        ok(&mut rc, &["SELECT", "4"]);
        let db4 = rc.cmd_str(&["DBSIZE"]);
        ok(&mut rc, &["SELECT", "0"]);
        if db0 == ":2\\r\\n" && db4 == ":0\\r\\n" {
            Ok(())
        } else {
            Err(format!("db0 {db0} db4 {db4}"))
        }
    });
    assert_eq!(rc.cmd_str(&["EXISTS", "short"]), ":0\\r\\n");
    assert_eq!(rc.cmd_str(&["GET", "keep"]), "$1\\r\\n1\\r\\n");
    t.wait_converged();
}

/// min-replicas-to-write 1 / max-lag 2: writes are refused while the only replica is
/// stopped (SIGSTOP), accepted again once it runs (SIGCONT).
fn scenario_min_replicas(mk: Kind, rk: Kind) {
    let t = Topo::start(
        PLAIN,
        mk,
        rk,
        1,
        &[
            "--min-replicas-to-write",
            "1",
            "--min-replicas-max-lag",
            "2",
        ],
        &[],
    );
    let mut c = t.master.c();
    wait_for("writes accepted with a good replica", SYNC_TIMEOUT, || {
        let r = c.cmd_str(&["SET", "a", "1"]);
        if r == "+OK\\r\\n" {
            Ok(())
        } else {
            Err(r)
        }
    });
    {
        let _stopped = Stopped::new(&t.replicas[0]);
        wait_for(
            "writes refused without a good replica",
            Duration::from_secs(15),
            || {
                let r = c.cmd_str(&["SET", "b", "1"]);
                if r == NOREPLICAS {
                    Ok(())
                } else {
                    Err(r)
                }
            },
        );
        assert_eq!(c.cmd_str(&["INCR", "n"]), NOREPLICAS);
        assert_eq!(c.cmd_str(&["SET", "never", "1"]), NOREPLICAS);
        assert_eq!(
            c.cmd_str(&["GET", "a"]),
            "$1\\r\\n1\\r\\n",
            "reads still served"
        );
        assert_eq!(c.cmd_str(&["GET", "never"]), "$-1\\r\\n");
        assert_eq!(c.cmd_str(&["EXISTS", "n"]), ":0\\r\\n");
    }
    wait_for("writes accepted again", Duration::from_secs(15), || {
        let r = c.cmd_str(&["SET", "c", "1"]);
        if r == "+OK\\r\\n" {
            Ok(())
        } else {
            Err(r)
        }
    });
    t.wait_converged();
    assert_eq!(t.replicas[0].cmd(&["GET", "c"]), "$1\\r\\n1\\r\\n");
}

/// FAILOVER's argument errors.
fn scenario_failover_errors(mk: Kind, rk: Kind) {
    let t = Topo::start(PLAIN, mk, rk, 1, &[], &[]);
    let mut c = t.master.c();
    assert_eq!(
        c.cmd_str(&["FAILOVER", "ABORT"]),
        "-ERR No failover in progress.\\r\\n"
    );
    assert_eq!(
        c.cmd_str(&["FAILOVER", "TIMEOUT", "0"]),
        "-ERR FAILOVER timeout must be greater than 0\\r\\n"
    );
    assert_eq!(
        c.cmd_str(&["FAILOVER", "FORCE"]),
        "-ERR FAILOVER with force option requires both a timeout and target HOST and IP.\\r\\n"
    );
    assert_eq!(
        c.cmd_str(&["FAILOVER", "TO", "127.0.0.9", "1"]),
        "-ERR FAILOVER target HOST and PORT is not a replica.\\r\\n"
    );
    assert_eq!(
        t.replicas[0].cmd(&["FAILOVER"]),
        "-ERR FAILOVER is not valid when server is a replica.\\r\\n"
    );
}

// ---------------------------------------------------------------------------
// Redactor only (Redis only under REDACTOR_DIFF_SELFTEST=1)
// ---------------------------------------------------------------------------

const R: Kind = Kind::Redactor;
const REDIS: Kind = Kind::Redis;

#[test]
fn writes_of_every_type_reach_two_replicas_with_auth() {
    scenario_propagation(R, R);
}

#[test]
fn replica_and_master_replies_info_role_readonly_masterdown() {
    scenario_replies(R, R);
}

#[test]
fn offsets_converge_and_wait_counts_replicas() {
    scenario_offsets(R, R);
}

#[test]
fn diskless_full_sync_then_partial_after_client_kill() {
    scenario_sync_and_resync(R, R, 2, true);
}

#[test]
fn disk_full_sync_then_partial_after_client_kill() {
    scenario_sync_and_resync(R, R, 1, false);
}

#[test]
fn restarted_replica_resumes_partially() {
    scenario_restart_partial(R, R, Restart::Sigterm);
}

#[test]
fn replica_restarted_after_shutdown_resumes_partially() {
    scenario_restart_partial(R, R, Restart::Shutdown);
}

#[test]
fn replica_killed_after_save_resumes_partially() {
    scenario_restart_partial(R, R, Restart::KillAfterSave);
}

#[test]
fn replica_out_of_backlog_does_full_sync() {
    scenario_out_of_backlog(R, R);
}

#[test]
fn promoted_replica_serves_partial_resync_psync2() {
    scenario_promotion(R, R);
}

#[test]
fn expiry_propagates_as_del() {
    scenario_expiry(R, R);
}

#[test]
fn min_replicas_to_write_refuses_without_good_replica() {
    scenario_min_replicas(R, R);
}

#[test]
fn failover_errors() {
    scenario_failover_errors(R, R);
}

// ---------------------------------------------------------------------------
// Mixed: real redis-server on one side
// ---------------------------------------------------------------------------

#[test]
fn mixed_redis_replica_of_redactor_master_diskless() {
    scenario_sync_and_resync(R, REDIS, 1, true);
}

#[test]
fn mixed_redis_replica_of_redactor_master_disk() {
    scenario_sync_and_resync(R, REDIS, 1, false);
}

#[test]
fn mixed_redactor_replica_of_redis_master_diskless() {
    scenario_sync_and_resync(REDIS, R, 1, true);
}

#[test]
fn mixed_redactor_replica_of_redis_master_disk() {
    scenario_sync_and_resync(REDIS, R, 1, false);
}

#[test]
fn mixed_redis_replicas_of_redactor_master_with_auth() {
    scenario_propagation(R, REDIS);
}

#[test]
fn mixed_redactor_replicas_of_redis_master_with_auth() {
    scenario_propagation(REDIS, R);
}

#[test]
fn mixed_redactor_replica_restart_against_redis_master() {
    scenario_restart_partial(REDIS, R, Restart::Sigterm);
}

#[test]
fn mixed_redis_replica_killed_after_save_against_redactor_master() {
    scenario_restart_partial(R, REDIS, Restart::KillAfterSave);
}

#[test]
fn mixed_expiry_from_redis_master_to_redactor_replica() {
    scenario_expiry(REDIS, R);
}

#[test]
fn mixed_expiry_from_redactor_master_to_redis_replica() {
    scenario_expiry(R, REDIS);
}

#[test]
fn mixed_promotion_of_redactor_replica_of_redis_master() {
    scenario_promotion(REDIS, R);
}

#[test]
fn mixed_redis_replica_falls_out_of_redactor_backlog() {
    scenario_out_of_backlog(R, REDIS);
}
