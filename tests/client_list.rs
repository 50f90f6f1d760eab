//! CLIENT LIST and CLIENT INFO as redis-server 7.0 prints them: the same fields in the same
//! order, and the same values for what does not depend on timing or memory layout, for a
//! subscriber, a client inside MULTI on another database, and the asking client itself.

mod common;

use common::{Frame, Server};
use std::collections::BTreeMap;

/// Fields whose values must equal Redis's (ids, addresses, ages, buffer sizes and memory
/// figures differ by nature).
const COMPARED: [&str; 15] = [
    "name", "db", "sub", "psub", "ssub", "multi", "flags", "cmd", "user", "resp", "redir",
    "events", "obl", "oll", "omem",
];

type Line = Vec<(String, String)>;

fn parse_line(line: &str) -> Line {
    line.split(' ')
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or_else(|| panic!("{line}"));
            (k.to_string(), v.to_string())
        })
        .collect()
}

fn text(raw: &[u8]) -> String {
    match Frame::parse(raw).expect("reply") {
        Frame::Blob(_, Some(t)) => String::from_utf8_lossy(&t).into_owned(),
        other => panic!("not a string: {other:?}"),
    }
}

/// Client lines by name, as one server shows them while a subscriber and a MULTI client wait.
fn observe(server: &Server) -> (BTreeMap<String, Line>, Line) {
    let mut sub = server.client();
    assert_eq!(sub.cmd(&["CLIENT", "SETNAME", "subber"]), b"+OK\r\n");
    sub.send(&[b"SUBSCRIBE", b"a", b"b"]);
    sub.read_reply();
    sub.read_reply();
    sub.send(&[b"PSUBSCRIBE", b"c*"]);
    sub.read_reply();
    let mut multi = server.client();
    assert_eq!(multi.cmd(&["SELECT", "3"]), b"+OK\r\n");
    assert_eq!(multi.cmd(&["CLIENT", "SETNAME", "multi"]), b"+OK\r\n");
    assert_eq!(multi.cmd(&["MULTI"]), b"+OK\r\n");
    assert_eq!(multi.cmd(&["SET", "a", "b"]), b"+QUEUED\r\n");
    assert_eq!(multi.cmd(&["GET", "a"]), b"+QUEUED\r\n");
    let mut me = server.client();
    assert_eq!(me.cmd(&["CLIENT", "SETNAME", "me"]), b"+OK\r\n");
    let list = text(&me.cmd(&["CLIENT", "LIST"]));
    let lines: BTreeMap<String, Line> = list
        .lines()
        .map(parse_line)
        .map(|l| {
            let name = l.iter().find(|(k, _)| k == "name").unwrap().1.clone();
            (name, l)
        })
        .collect();
    let info = parse_line(text(&me.cmd(&["CLIENT", "INFO"])).trim_end());
    (lines, info)
}

fn compared(line: &Line) -> Vec<(String, String)> {
    line.iter()
        .filter(|(k, _)| COMPARED.contains(&k.as_str()))
        .cloned()
        .collect()
}

fn names(line: &Line) -> Vec<&str> {
    line.iter().map(|(k, _)| k.as_str()).collect()
}

#[test]
fn client_list_and_info_match_redis() {
    let args = ["--save", ""];
    let redis = Server::redis(&args);
    let ours = Server::redactor(&args);
    let (their_list, their_info) = observe(&redis);
    let (my_list, my_info) = observe(&ours);
    assert_eq!(
        my_list.keys().collect::<Vec<_>>(),
        ["me", "multi", "subber"],
        "{my_list:?}"
    );
    assert_eq!(
        my_list.keys().collect::<Vec<_>>(),
        their_list.keys().collect::<Vec<_>>()
    );
    for (name, theirs) in &their_list {
        let mine = &my_list[name];
        assert_eq!(names(mine), names(theirs), "{name}");
        assert_eq!(compared(mine), compared(theirs), "{name}");
    }
    assert_eq!(names(&my_info), names(&their_info));
    assert_eq!(compared(&my_info), compared(&their_info));
    // What the comparison covers, spelled out on our side.
    let sub: BTreeMap<_, _> = my_list["subber"].iter().cloned().collect();
    assert_eq!(
        (
            sub["flags"].as_str(),
            sub["sub"].as_str(),
            sub["psub"].as_str()
        ),
        ("P", "2", "1")
    );
    let multi: BTreeMap<_, _> = my_list["multi"].iter().cloned().collect();
    assert_eq!(
        (
            multi["flags"].as_str(),
            multi["db"].as_str(),
            multi["multi"].as_str()
        ),
        ("x", "3", "2")
    );
}
