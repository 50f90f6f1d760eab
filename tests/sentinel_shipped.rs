//! The seed's topology as shipped in `configs/`: the master, two replicas and three Sentinels
//! start from copies of `configs/*.conf`, changed only where a test must (free ports instead
//! of 6379 / 26379, a temp `dir`, and `down-after-milliseconds 1000` /
//! `failover-timeout 10000` instead of the tutorial's 30 s / 3 min). Then the failover
//! scenario of tests/common/sentinels.rs: kill the master, a replica is promoted, the other
//! follows, the configs on disk are rewritten, and the old master rejoins as a replica.

mod common;

use common::sentinels::{self, Cluster, Flavor, Sentinel};
use common::topology::Node;
use common::{free_port, repo_root, TempDir};

const HOSTS: [&str; 3] = ["127.0.0.5", "127.0.0.6", "127.0.0.7"];

/// Replaces every line starting with `prefix` (the directive and what follows) by `line`.
fn set(text: &str, prefix: &str, line: &str) -> String {
    let mut found = false;
    let out: Vec<String> = text
        .lines()
        .map(|l| {
            if l.starts_with(prefix) {
                found = true;
                line.to_string()
            } else {
                l.to_string()
            }
        })
        .collect();
    assert!(found, "no `{prefix}` line to change");
    out.join("\n") + "\n"
}

fn shipped(name: &str) -> String {
    std::fs::read_to_string(repo_root().join("configs").join(name))
        .unwrap_or_else(|e| panic!("configs/{name}: {e}"))
}

/// A server started from its shipped config, with a free port and a temp dir.
fn server(flavor: Flavor, file: &str, host: &str, master_port: Option<u16>) -> Node {
    let port = free_port(host);
    let data = TempDir::new("shipped");
    let dir = data.path().display().to_string();
    let mut text = shipped(file);
    text = set(&text, "port ", &format!("port {port}"));
    text = set(&text, "dir ", &format!("dir {dir}"));
    if let Some(mp) = master_port {
        text = set(&text, "replicaof ", &format!("replicaof {} {mp}", HOSTS[0]));
    }
    std::fs::write(data.path().join("redis.conf"), text).expect("write redis.conf");
    let mut node = Node {
        setup: sentinels::SETUP,
        kind: flavor.kind(),
        host: host.to_string(),
        port,
        data,
        // The same as the file says; without them the harness would pick its own.
        args: ["--bind", host, "--port", &port.to_string(), "--dir", &dir]
            .iter()
            .map(|a| a.to_string())
            .collect(),
        server: None,
    };
    sentinels::launch(&mut node);
    node
}

fn sentinel(flavor: Flavor, i: usize, master_port: u16) -> Sentinel {
    let host = HOSTS[i];
    let port = free_port(host);
    Sentinel::from_text(flavor, host, port, |dir| {
        let mut t = shipped(&format!("sentinel-{}.conf", i + 1));
        t = set(&t, "port ", &format!("port {port}"));
        t = set(&t, "dir ", &format!("dir {dir}"));
        t = set(
            &t,
            "sentinel monitor ",
            &format!("sentinel monitor mymaster {} {master_port} 2", HOSTS[0]),
        );
        t = set(
            &t,
            "sentinel down-after-milliseconds ",
            "sentinel down-after-milliseconds mymaster 1000",
        );
        set(
            &t,
            "sentinel failover-timeout ",
            "sentinel failover-timeout mymaster 10000",
        )
    })
}

fn shipped_topology_fails_over(flavor: Flavor) {
    if !sentinels::available(&[flavor]) {
        return;
    }
    let slot = sentinels::Slot::take();
    let master = server(flavor, "redis-master.conf", HOSTS[0], None);
    let mp = master.port;
    let mut nodes = vec![master];
    for (i, file) in ["redis-replica-1.conf", "redis-replica-2.conf"]
        .iter()
        .enumerate()
    {
        nodes.push(server(flavor, file, HOSTS[i + 1], Some(mp)));
    }
    for r in &nodes[1..] {
        common::topology::wait_link_up(r, &nodes[0]);
    }
    let sentinels = (0..3).map(|i| sentinel(flavor, i, mp)).collect();
    sentinels::failover_of(Cluster::of(nodes, sentinels, slot));
}

#[test]
fn shipped_configs_fail_over() {
    shipped_topology_fails_over(Flavor::Redactor);
}

#[test]
fn real_shipped_configs_fail_over() {
    shipped_topology_fails_over(Flavor::Real);
}
