//! A slow command seen the way Redis shows it: `DEBUG SLEEP 0.2` under the documented
//! `slowlog-log-slower-than 10000` / `slowlog-max-len 128` and `latency-monitor-threshold 100`
//! lands in SLOWLOG and in the latency monitor (LATEST, HISTORY, DOCTOR, GRAPH), on real
//! redis-server and on redactor-server alike; fast commands stay out.

mod common;

use common::{Frame, Server};

const ARGS: [&str; 10] = [
    "--save",
    "",
    "--enable-debug-command",
    "yes",
    "--latency-monitor-threshold",
    "100",
    "--slowlog-log-slower-than",
    "10000",
    "--slowlog-max-len",
    "128",
];

/// Integers and numeric strings as 0, the client's address as ADDR: what is left is the shape
/// and every word, which must match Redis's exactly.
fn masked(f: &Frame) -> Frame {
    match f {
        Frame::Line(b':', _) => Frame::Line(b':', b"0".to_vec()),
        Frame::Blob(t, Some(s)) => {
            let text = String::from_utf8_lossy(s);
            if text.starts_with("127.0.0.1:") {
                Frame::Blob(*t, Some(b"ADDR".to_vec()))
            } else {
                let digits: String = text
                    .chars()
                    .map(|c| if c.is_ascii_digit() { '0' } else { c })
                    .collect();
                Frame::Blob(*t, Some(digits.into_bytes()))
            }
        }
        Frame::Agg(t, Some(items)) => Frame::Agg(*t, Some(items.iter().map(masked).collect())),
        other => other.clone(),
    }
}

fn int(f: &Frame) -> i64 {
    match f {
        Frame::Line(b':', v) => String::from_utf8_lossy(v).parse().unwrap(),
        other => panic!("not an integer: {other:?}"),
    }
}

fn items(f: &Frame) -> &[Frame] {
    match f {
        Frame::Agg(_, Some(v)) => v,
        other => panic!("not an aggregate: {other:?}"),
    }
}

/// What one server answers after one slow and a few fast commands, checked on its own; the
/// replies are returned for the comparison.
fn observe(server: &Server) -> Vec<(String, Frame)> {
    let mut c = server.client();
    assert_eq!(c.cmd(&["SET", "fast", "1"]), b"+OK\r\n");
    assert_eq!(c.cmd(&["SLOWLOG", "LEN"]), b":0\r\n");
    assert_eq!(c.cmd(&["LATENCY", "LATEST"]), b"*0\r\n");
    assert_eq!(c.cmd(&["DEBUG", "SLEEP", "0.2"]), b"+OK\r\n");
    assert_eq!(c.cmd(&["GET", "fast"]), b"$1\r\n1\r\n");
    let mut out = Vec::new();
    let mut ask = |args: &[&str]| {
        let f = Frame::parse(&c.cmd(args)).expect("reply");
        out.push((args.join(" "), f.clone()));
        f
    };
    assert_eq!(int(&ask(&["SLOWLOG", "LEN"])), 1);
    let log = ask(&["SLOWLOG", "GET"]);
    let entry = items(&items(&log)[0]);
    assert_eq!(int(&entry[0]), 0, "{entry:?}");
    let micros = int(&entry[2]);
    assert!((200_000..1_000_000).contains(&micros), "{micros}");
    assert_eq!(
        items(&entry[3]),
        [b"DEBUG".as_ref(), b"SLEEP", b"0.2"]
            .map(|a| Frame::Blob(b'$', Some(a.to_vec())))
            .as_slice()
    );
    let latest = ask(&["LATENCY", "LATEST"]);
    let row = items(&items(&latest)[0]);
    assert_eq!(row[0], Frame::Blob(b'$', Some(b"command".to_vec())));
    assert!(
        (200..1000).contains(&int(&row[2])) && int(&row[3]) == int(&row[2]),
        "{row:?}"
    );
    let history = ask(&["LATENCY", "HISTORY", "command"]);
    assert_eq!(items(&history).len(), 1);
    assert_eq!(int(&items(&items(&history)[0])[1]), int(&row[2]));
    let doctor = ask(&["LATENCY", "DOCTOR"]);
    let text = match &doctor {
        Frame::Blob(_, Some(t)) => String::from_utf8_lossy(t).into_owned(),
        other => panic!("{other:?}"),
    };
    assert!(text.contains("1. command: 1 latency spikes"), "{text}");
    ask(&["LATENCY", "GRAPH", "command"]);
    assert_eq!(int(&ask(&["LATENCY", "RESET"])), 1);
    assert_eq!(c.cmd(&["LATENCY", "LATEST"]), b"*0\r\n");
    assert_eq!(c.cmd(&["SLOWLOG", "RESET"]), b"+OK\r\n");
    assert_eq!(c.cmd(&["SLOWLOG", "LEN"]), b":0\r\n");
    out
}

#[test]
fn a_slow_command_shows_in_slowlog_and_latency_as_in_redis() {
    let redis = Server::redis(&ARGS);
    let ours = Server::redactor(&ARGS);
    let theirs = observe(&redis);
    let mine = observe(&ours);
    assert_eq!(mine.len(), theirs.len());
    for ((cmd, t), (_, m)) in theirs.iter().zip(&mine) {
        assert_eq!(masked(m), masked(t), "{cmd}");
    }
}
