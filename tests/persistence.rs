//! Saving and loading through the real binary: SAVE, SHUTDOWN with save points, the dump
//! loaded on restart, real redis-server loading ours and us loading theirs, and a damaged
//! dump refused at startup.

mod common;

use common::{run_command, Server, TempDir};
use std::process::Command;
use std::time::Duration;

/// Every key's type and contents, read back the same way from either server.
fn contents(server: &Server) -> Vec<String> {
    let mut c = server.client();
    let read =
        |c: &mut common::Client, args: &[&str]| String::from_utf8_lossy(&c.cmd(args)).into_owned();
    let mut out = vec![read(&mut c, &["DBSIZE"])];
    for k in ["s", "n", "l", "h", "st", "z", "ttl"] {
        out.push(format!("{k} {}", read(&mut c, &["TYPE", k])));
        out.push(read(&mut c, &["OBJECT", "ENCODING", k]));
    }
    out.push(read(&mut c, &["GET", "s"]));
    out.push(read(&mut c, &["GET", "n"]));
    out.push(read(&mut c, &["LRANGE", "l", "0", "-1"]));
    out.push(read(&mut c, &["HGETALL", "h"]));
    out.push(read(&mut c, &["SMEMBERS", "st"]));
    out.push(read(&mut c, &["ZRANGE", "z", "0", "-1", "WITHSCORES"]));
    out.push(read(&mut c, &["PEXPIRETIME", "ttl"]));
    out
}

fn fill(server: &Server) {
    let mut c = server.client();
    for args in [
        &["SET", "s", "hello world"][..],
        &["SET", "n", "12345"],
        &["RPUSH", "l", "a", "b", "c"],
        &["HSET", "h", "f1", "v1", "f2", "v2"],
        &["SADD", "st", "3", "1", "2"],
        &["ZADD", "z", "1.5", "a", "2", "b"],
        &["SET", "ttl", "x", "PXAT", "4102444800000"],
    ] {
        let r = c.cmd(args);
        assert!(
            !r.starts_with(b"-"),
            "{args:?}: {}",
            String::from_utf8_lossy(&r)
        );
    }
}

#[test]
fn save_then_restart_loads_the_dump() {
    let dir = TempDir::new("persist");
    let d = dir.path().display().to_string();
    let before = {
        let s = Server::redactor(&["--dir", &d, "--save", ""]);
        fill(&s);
        assert_eq!(s.client().cmd(&["SAVE"]), b"+OK\r\n");
        contents(&s)
    };
    let s = Server::redactor(&["--dir", &d, "--save", ""]);
    assert_eq!(contents(&s), before);
    assert!(s.output().contains("DB loaded from disk"), "{}", s.output());
}

#[test]
fn shutdown_saves_when_save_points_are_configured() {
    let dir = TempDir::new("persist-shutdown");
    let d = dir.path().display().to_string();
    let mut s = Server::redactor(&["--dir", &d, "--save", "900 1"]);
    fill(&s);
    let mut c = s.client();
    c.send(&[b"SHUTDOWN"]);
    assert!(
        s.wait_exit(Duration::from_secs(10)).is_some(),
        "did not exit"
    );
    assert!(dir.path().join("dump.rdb").exists());
    assert!(
        s.output()
            .contains("Saving the final RDB snapshot before exiting."),
        "{}",
        s.output()
    );
    let again = Server::redactor(&["--dir", &d, "--save", ""]);
    assert_eq!(again.client().cmd(&["DBSIZE"]), b":7\r\n");
}

#[test]
fn dumps_cross_between_redis_and_redactor() {
    // Ours into real redis-server.
    let dir = TempDir::new("persist-ours");
    let d = dir.path().display().to_string();
    let ours = Server::redactor(&["--dir", &d, "--save", ""]);
    fill(&ours);
    assert_eq!(ours.client().cmd(&["SAVE"]), b"+OK\r\n");
    let expected = contents(&ours);
    drop(ours);
    let check = run_command(
        Command::new("redis-check-rdb").arg(dir.path().join("dump.rdb")),
        Duration::from_secs(20),
    );
    assert!(
        String::from_utf8_lossy(&check.stdout).contains("RDB looks OK"),
        "{check:?}"
    );
    let redis = Server::redis(&["--dir", &d, "--save", ""]);
    assert_eq!(contents(&redis), expected);
    // Theirs into ours.
    let theirs_dir = TempDir::new("persist-theirs");
    let td = theirs_dir.path().display().to_string();
    let redis = Server::redis(&["--dir", &td, "--save", ""]);
    fill(&redis);
    assert_eq!(redis.client().cmd(&["SAVE"]), b"+OK\r\n");
    let expected = contents(&redis);
    drop(redis);
    let ours = Server::redactor(&["--dir", &td, "--save", ""]);
    assert_eq!(contents(&ours), expected);
}

#[test]
fn a_damaged_dump_is_refused_at_startup() {
    let dir = TempDir::new("persist-bad");
    let d = dir.path().display().to_string();
    {
        let s = Server::redactor(&["--dir", &d, "--save", ""]);
        fill(&s);
        assert_eq!(s.client().cmd(&["SAVE"]), b"+OK\r\n");
    }
    let path = dir.path().join("dump.rdb");
    let mut data = std::fs::read(&path).unwrap();
    let n = data.len();
    data.truncate(n / 2);
    std::fs::write(&path, &data).unwrap();
    let mut s = Server::builder(common::Kind::Redactor)
        .args(&["--dir", &d, "--save", ""])
        .no_wait()
        .start();
    let status = s
        .wait_exit(Duration::from_secs(10))
        .expect("a damaged dump must stop the server");
    assert_eq!(status.code(), Some(1));
    let out = s.output();
    assert!(
        out.contains("Terminating server after rdb file reading failure."),
        "{out}"
    );
    assert!(out.contains("offset"), "{out}");
}

#[test]
fn sigterm_saves_when_save_points_are_configured() {
    let dir = TempDir::new("persist-sigterm");
    let d = dir.path().display().to_string();
    let mut s = Server::redactor(&["--dir", &d, "--save", "900 1"]);
    fill(&s);
    let status = s
        .terminate(Duration::from_secs(10))
        .expect("did not exit on SIGTERM");
    assert!(status.success(), "{status}");
    let out = s.output();
    assert!(
        out.contains("Received SIGTERM scheduling shutdown..."),
        "{out}"
    );
    assert!(out.contains("DB saved on disk"), "{out}");
    let again = Server::redactor(&["--dir", &d, "--save", ""]);
    assert_eq!(again.client().cmd(&["DBSIZE"]), b":7\r\n");
}

/// Reads one INFO persistence field.
fn persistence_field(server: &Server, field: &str) -> String {
    common::persistence_field(&mut server.client(), field)
}

fn wait_field(server: &Server, field: &str, want: &str) {
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    while persistence_field(server, field) != want {
        assert!(
            std::time::Instant::now() < deadline,
            "{field} never became {want}\n{}",
            server.diagnostics()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A `save` point is reached: the server saves in the background by itself, logging as Redis.
#[test]
fn a_save_point_starts_a_background_save() {
    let dir = TempDir::new("persist-point");
    let d = dir.path().display().to_string();
    let s = Server::redactor(&["--dir", &d, "--save", "1 1"]);
    fill(&s);
    assert!(
        s.wait_output("changes in 1 seconds. Saving...", Duration::from_secs(10)),
        "{}",
        s.diagnostics()
    );
    assert!(
        s.wait_output(
            "Background saving terminated with success",
            Duration::from_secs(10)
        ),
        "{}",
        s.diagnostics()
    );
    assert_eq!(persistence_field(&s, "rdb_changes_since_last_save"), "0");
    assert_eq!(persistence_field(&s, "rdb_last_bgsave_status"), "ok");
    let expected = contents(&s);
    drop(s);
    let again = Server::redactor(&["--dir", &d, "--save", ""]);
    assert_eq!(contents(&again), expected);
}

/// A BGSAVE that cannot write its file: both servers then refuse writes and PING with the
/// same MISCONF bytes, still answer reads, and accept writes again after a good save.
#[test]
fn a_failed_bgsave_refuses_writes_as_redis_does() {
    let mut replies = Vec::new();
    for kind in [common::Kind::Redis, common::Kind::Redactor] {
        let dir = TempDir::new("persist-misconf");
        let d = dir.path().display().to_string();
        let s = Server::builder(kind)
            .args(&[
                "--dir",
                &d,
                "--save",
                "3600 1",
                "--enable-protected-configs",
                "yes",
            ])
            .start();
        let mut c = s.client();
        let mut got = vec![c.cmd(&["SET", "a", "1"])];
        got.push(c.cmd(&["CONFIG", "SET", "dir", "/proc"]));
        got.push(c.cmd(&["BGSAVE"]));
        wait_field(&s, "rdb_last_bgsave_status", "err");
        wait_field(&s, "rdb_bgsave_in_progress", "0");
        for args in [
            &["SET", "a", "2"][..],
            &["PING"],
            &["DEL", "nokey"],
            &["GET", "a"],
            &["MULTI"],
            &["SET", "b", "1"],
            &["EXEC"],
        ] {
            got.push(c.cmd(args));
        }
        got.push(c.cmd(&["CONFIG", "SET", "dir", &d]));
        got.push(c.cmd(&["BGSAVE"]));
        wait_field(&s, "rdb_last_bgsave_status", "ok");
        wait_field(&s, "rdb_bgsave_in_progress", "0");
        got.push(c.cmd(&["SET", "a", "3"]));
        got.push(c.cmd(&["PING"]));
        replies.push(got);
    }
    let show = |r: &[Vec<u8>]| -> Vec<String> {
        r.iter()
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .collect()
    };
    assert_eq!(show(&replies[1]), show(&replies[0]));
    assert!(show(&replies[0])[3].starts_with("-MISCONF Redis is configured to save RDB snapshots"));
}
