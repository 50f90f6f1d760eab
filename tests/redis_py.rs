//! redis-py (python3's `redis` package) against redactor-server:
//! tests/python/redis_py_types.py, one test per section (pipelines,
//! transactions, WATCH retry loops, pub/sub, blocking pops, lists, hashes,
//! sets, sorted sets), each run with redis-py's default protocol (RESP3 on
//! the wire, legacy reply shapes), `protocol=2` and `protocol=3`. The same
//! script also runs against the reference redis-server
//! (`reference_redis_passes_every_section`), which proves the script.

mod common;

use common::{repo_root, run_command, Kind, Server};
use std::process::Command;
use std::time::Duration;

const PROTOCOLS: &[&str] = &["default", "2", "3"];
/// Every section of the script, in its order.
const SECTIONS: &[&str] = &[
    "pipeline",
    "transaction",
    "watch",
    "pubsub",
    "blocking",
    "lists",
    "hashes",
    "sets",
    "zsets",
];
/// A whole run of the script (it bounds its own waits to 10 s each).
const PYTHON_TIMEOUT: Duration = Duration::from_secs(180);

fn run_sections(server: &Server, protocol: &str, sections: &[&str]) {
    let script = repo_root().join("tests/python/redis_py_types.py");
    let port = server.port.to_string();
    let mut cmd = Command::new("python3");
    cmd.arg(&script)
        .args([server.host.as_str(), port.as_str(), protocol])
        .args(sections);
    let out = run_command(&mut cmd, PYTHON_TIMEOUT);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let all_sections_ok = sections
        .iter()
        .all(|s| stdout.lines().any(|l| l == format!("SECTION-OK {s}")));
    assert!(
        out.status.success()
            && all_sections_ok
            && stdout.contains(&format!("REDIS-PY-OK {protocol}")),
        "redis-py {sections:?} (protocol {protocol}) against {} failed: {}\nstdout:\n{stdout}\nstderr:\n{stderr}\n{}",
        server.kind.name(),
        out.status,
        server.diagnostics()
    );
}

/// One section against a fresh redactor-server, in every protocol.
fn section(name: &str) {
    assert!(SECTIONS.contains(&name), "unknown section {name}");
    let server = Server::redactor(&["--save", "", "--appendonly", "no"]);
    for protocol in PROTOCOLS {
        run_sections(&server, protocol, &[name]);
    }
}

#[test]
fn reference_redis_passes_every_section() {
    let server = Server::builder(Kind::Redis)
        .args(&["--save", "", "--appendonly", "no"])
        .start();
    for protocol in PROTOCOLS {
        run_sections(&server, protocol, SECTIONS);
    }
}

#[test]
fn pipeline() {
    section("pipeline");
}

#[test]
fn transaction() {
    section("transaction");
}

#[test]
fn watch() {
    section("watch");
}

#[test]
fn pubsub() {
    section("pubsub");
}

#[test]
fn blocking() {
    section("blocking");
}

#[test]
fn lists() {
    section("lists");
}

#[test]
fn hashes() {
    section("hashes");
}

#[test]
fn sets() {
    section("sets");
}

#[test]
fn zsets() {
    section("zsets");
}
