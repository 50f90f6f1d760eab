//! The seed's replication part on the shipped configs: the master on
//! configs/redis-master.conf and the two replicas on configs/redis-replica-{1,2}.conf, each
//! overridden only where the test machine forces it (a free port, a temp dir, the master's
//! port in `replicaof`). The seed's checks: `info replication` on the master lists both
//! replicas online at their own addresses, a write on the master is read on a replica, and a
//! replica refuses writes. Run the same way against redis-server.

mod common;

use common::topology::wait_for;
use common::{repo_root, Kind, Server};
use std::time::Duration;

const PASSWORD: &str = "redis";

fn start(kind: Kind, conf: &str, host: &str, master_port: Option<u16>) -> Server {
    let mut args = vec![
        "--bind".to_string(),
        host.to_string(),
        "--dir".into(),
        "{dir}".into(),
        "--logfile".into(),
        "{dir}/redis.log".into(),
        "--pidfile".into(),
        "{dir}/redis.pid".into(),
    ];
    if let Some(p) = master_port {
        args.extend(["--replicaof".into(), "127.0.0.5".into(), p.to_string()]);
    }
    Server::builder(kind)
        .config(repo_root().join("configs").join(conf))
        .args(&args)
        .start()
}

fn authed(server: &Server) -> common::Client {
    let mut c = server.client();
    assert_eq!(c.cmd_str(&["AUTH", PASSWORD]), "+OK\\r\\n");
    c
}

fn seed_replication(kind: Kind) {
    let master = start(kind, "redis-master.conf", "127.0.0.5", None);
    let port = master.port;
    let r1 = start(kind, "redis-replica-1.conf", "127.0.0.6", Some(port));
    let r2 = start(kind, "redis-replica-2.conf", "127.0.0.7", Some(port));
    let mut m = authed(&master);
    wait_for("both replicas online", Duration::from_secs(15), || {
        let i = String::from_utf8_lossy(&m.cmd(&["INFO", "replication"])).into_owned();
        if i.contains("connected_slaves:2") && i.matches("state=online").count() == 2 {
            Ok(())
        } else {
            Err(format!("{i}\n{}", master.diagnostics()))
        }
    });
    let text = String::from_utf8_lossy(&m.cmd(&["INFO", "replication"])).into_owned();
    // As in the seed: each replica at its own address and the port it listens on.
    for (host, r) in [("127.0.0.6", &r1), ("127.0.0.7", &r2)] {
        let line = format!("ip={host},port={},state=online", r.port);
        assert!(text.contains(&line), "{line} missing in\n{text}");
    }
    for field in [
        "role:master",
        "master_replid2:0000000000000000000000000000000000000000",
        "second_repl_offset:-1",
        "repl_backlog_active:1",
        "repl_backlog_size:1048576",
        "repl_backlog_first_byte_offset:1",
    ] {
        assert!(text.contains(field), "{field} missing in\n{text}");
    }
    assert_eq!(m.cmd_str(&["SET", "t1", "aa"]), "+OK\\r\\n");
    let mut c1 = authed(&r1);
    wait_for("t1 on replica 1", Duration::from_secs(10), || {
        let got = c1.cmd(&["GET", "t1"]);
        if got == b"$2\r\naa\r\n" {
            Ok(())
        } else {
            Err(format!("{}\n{}", common::escape(&got), r1.diagnostics()))
        }
    });
    assert_eq!(
        c1.cmd_str(&["SET", "t2", "bb"]),
        "-READONLY You can't write against a read only replica.\\r\\n"
    );
    let mut c2 = authed(&r2);
    let repl = String::from_utf8_lossy(&c2.cmd(&["INFO", "replication"])).into_owned();
    assert!(repl.contains("role:slave"), "{repl}");
    assert!(repl.contains("master_host:127.0.0.5"), "{repl}");
}

#[test]
fn seed_replication_on_redactor() {
    seed_replication(Kind::Redactor);
}

#[test]
fn seed_replication_on_redis() {
    seed_replication(Kind::Redis);
}
