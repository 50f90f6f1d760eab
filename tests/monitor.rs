//! MONITOR against real redis-server: a second client's commands reach the monitoring client
//! as the same lines (times and ports masked), with passwords redacted, admin commands and
//! refused commands left out; the monitoring client's own commands follow their replies;
//! keyspace commands are refused to it; RESET ends the monitoring.

mod common;

use common::{Client, Frame, Kind, Outcome, Server};
use std::time::Duration;

/// Every frame `c` receives until it has been quiet for a while, as text.
fn drain(c: &mut Client) -> Vec<String> {
    let mut out = Vec::new();
    while let Outcome::Reply(raw) = c.read_outcome_within(Duration::from_millis(400)) {
        out.push(String::from_utf8_lossy(&raw).into_owned());
    }
    out
}

/// A monitor line with its time replaced by `T` and the clients' addresses by their names.
fn mask(line: &str, names: &[(String, &str)]) -> String {
    let mut l = line.to_string();
    if let Some(rest) = l.strip_prefix('+') {
        if let Some((time, tail)) = rest.split_once(' ') {
            if time.len() == 17 && time.as_bytes()[10] == b'.' {
                l = format!("+T {tail}");
            }
        }
    }
    for (addr, name) in names {
        l = l.replace(addr, name);
    }
    l
}

fn session(kind: Kind) -> Vec<String> {
    let server = Server::builder(kind)
        .args(&["--save", "", "--appendonly", "no"])
        .start();
    let mut a = server.client();
    let mut b = server.client();
    let names = vec![
        (a.local_addr().to_string(), "A"),
        (b.local_addr().to_string(), "B"),
    ];
    let mut seen = Vec::new();
    seen.push(String::from_utf8_lossy(&a.cmd(&["MONITOR"])).into_owned());
    let sent: &[&[&[u8]]] = &[
        &[b"SET", b"k", b"a\x01\"b\n\\ \xff"],
        &[b"AUTH", b"x"],
        &[b"AUTH", b"u", b"p"],
        &[b"HELLO", b"3", b"AUTH", b"default", b"pw", b"SETNAME", b"n"],
        &[b"HELLO", b"2"],
        &[b"CONFIG", b"SET", b"maxmemory", b"0"],
        &[b"GET"],
        &[b"FOO", b"bar"],
        &[b"SELECT", b"3"],
        &[b"SET", b"n", b"12345"],
        &[b"MULTI"],
        &[b"INCR", b"n"],
        &[b"EXEC"],
        // A refused EXEC is shown too (execCommandAbort feeds the monitors).
        &[b"MULTI"],
        &[b"EXEC", b"x"],
        &[b"CLIENT", b"ID"],
        &[b"PING"],
    ];
    for cmd in sent {
        b.cmd_bytes(cmd);
    }
    seen.extend(drain(&mut a));
    // The monitoring client itself: its own commands are shown after their replies; commands
    // that touch the keyspace are refused.
    for cmd in [
        &["PING"][..],
        &["GET", "k"],
        &["SET", "k", "v"],
        &["MONITOR"],
        &["RESET"],
    ] {
        a.send(&cmd.iter().map(|s| s.as_bytes()).collect::<Vec<_>>());
        seen.push(format!("-- A {}", cmd.join(" ")));
        seen.extend(drain(&mut a));
    }
    // After RESET: no longer monitoring.
    b.cmd(&["PING"]);
    seen.push("-- B PING after RESET".into());
    seen.extend(drain(&mut a));
    let info = a.cmd(&["CLIENT", "INFO"]);
    let text =
        String::from_utf8_lossy(Frame::parse(&info).unwrap().as_bytes().unwrap()).into_owned();
    seen.push(
        text.split(' ')
            .find(|f| f.starts_with("flags="))
            .unwrap_or("")
            .to_string(),
    );
    seen.iter().map(|l| mask(l, &names)).collect()
}

#[test]
fn monitor_matches_redis() {
    let redis = session(Kind::Redis);
    let ours = session(Kind::Redactor);
    assert!(
        redis.iter().any(|l| l.contains("(redacted)")),
        "reference transcript looks wrong: {redis:#?}"
    );
    assert_eq!(ours, redis);
}

#[test]
fn monitoring_client_is_flagged_o() {
    let server = Server::builder(Kind::Redactor)
        .args(&["--save", "", "--appendonly", "no"])
        .start();
    let mut a = server.client();
    let mut b = server.client();
    assert_eq!(a.cmd_str(&["MONITOR"]), "+OK\\r\\n");
    let list = b.cmd(&["CLIENT", "LIST"]);
    let text = String::from_utf8_lossy(&list).into_owned();
    assert!(text.contains("flags=O"), "{text}");
    assert!(text.contains("cmd=monitor"), "{text}");
}
