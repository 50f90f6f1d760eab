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
