//! INFO's field names against real redis-server, and the mailbox metrics moving under load.

mod common;

use common::{Frame, Server};

/// `section -> [field names]` of an INFO reply, in order.
fn fields(info: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for line in info.lines() {
        let line = line.trim_end_matches('\r');
        if let Some(title) = line.strip_prefix("# ") {
            out.push((title.to_string(), Vec::new()));
        } else if let Some((name, _)) = line.split_once(':') {
            // Per-command, per-error and per-db lines depend on what ran before.
            let dynamic = ["cmdstat_", "errorstat_", "latency_percentiles_", "db"]
                .iter()
                .any(|p| name.starts_with(p));
            if let (Some(last), false) = (out.last_mut(), dynamic) {
                last.1.push(name.to_string());
            }
        }
    }
    out
}

fn info(server: &Server, section: &str) -> String {
    let raw = server.client().cmd(&["INFO", section]);
    let frame = Frame::parse(&raw).expect("INFO reply");
    String::from_utf8_lossy(frame.as_bytes().expect("bulk")).into_owned()
}

#[test]
fn info_all_has_redis_fields_in_redis_order() {
    let args = ["--save", "", "--appendonly", "no"];
    let redis = Server::redis(&args);
    let ours = Server::redactor(&args);
    let theirs = fields(&info(&redis, "all"));
    let mut mine = fields(&info(&ours, "all"));
    // Redactor's own section comes last in `all` and `everything`, never in the default INFO.
    let own = mine.pop().expect("sections");
    assert_eq!(own.0, "Mailboxes");
    assert!(own.1.contains(&"kind_keyspace".to_string()), "{own:?}");
    assert_eq!(mine, theirs);
    assert!(!info(&ours, "").contains("# Mailboxes"));
    assert!(!info(&ours, "default").contains("# Mailboxes"));
    assert!(info(&ours, "everything").contains("# Mailboxes"));
}

fn mailbox_line(info: &str, name: &str) -> Vec<(String, f64)> {
    let prefix = format!("mailbox_{name}:");
    let line = info
        .lines()
        .find_map(|l| l.trim_end().strip_prefix(&prefix).map(str::to_string))
        .unwrap_or_else(|| panic!("no {prefix} in\n{info}"));
    line.split(',')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.parse().unwrap_or(f64::NAN)))
        .collect()
}

fn field(kvs: &[(String, f64)], k: &str) -> f64 {
    kvs.iter()
        .find(|(n, _)| n == k)
        .map(|(_, v)| *v)
        .unwrap_or_else(|| panic!("no {k}"))
}

#[test]
fn keyspace_mailbox_counts_batches_and_handling_time() {
    let ours = Server::redactor(&["--save", ""]);
    let before = mailbox_line(&info(&ours, "mailboxes"), "keyspace/0");
    let mut c = ours.client();
    // One pipelined write of 100 commands is one batch, one message.
    let mut pipeline = Vec::new();
    for i in 0..100 {
        pipeline.extend_from_slice(&common::encode_command(&[
            b"SET",
            format!("k{i}").as_bytes(),
            b"v",
        ]));
    }
    c.send_raw(&pipeline);
    for _ in 0..100 {
        assert_eq!(c.read_reply(), b"+OK\r\n");
    }
    let after = mailbox_line(&info(&ours, "mailboxes"), "keyspace/0");
    let handled = field(&after, "handled") - field(&before, "handled");
    assert!((1.0..=100.0).contains(&handled), "handled {handled}");
    assert!(field(&after, "busy_us") >= field(&before, "busy_us"));
    assert!(field(&after, "max_us") > 0.0);
    let stats = info(&ours, "stats");
    assert!(stats.contains("total_commands_processed:"));
}

/// An integer field of a RESP2 `MAILBOX GET` reply.
fn mailbox_int(reply: &[u8], field: &str) -> u64 {
    let text = String::from_utf8_lossy(reply);
    let key = format!("${}\r\n{field}\r\n:", field.len());
    let at = text
        .find(&key)
        .unwrap_or_else(|| panic!("no {field} in {text}"))
        + key.len();
    text[at..].split("\r\n").next().unwrap().parse().unwrap()
}

#[test]
fn mailbox_metrics_turn_off_and_connections_hide() {
    let ours = Server::redactor(&["--save", ""]);
    let mut c = ours.client();
    assert_ne!(c.cmd(&["MAILBOX", "LIST", "conn/*"]), b"*0\r\n");
    // Redactor's own parameters answer by name, never to a pattern (CONFIG GET * stays Redis's).
    assert_eq!(
        c.cmd(&["CONFIG", "GET", "mailbox-metrics-connections"]),
        b"*2\r\n$27\r\nmailbox-metrics-connections\r\n$3\r\nyes\r\n"
    );
    assert!(!String::from_utf8_lossy(&c.cmd(&["CONFIG", "GET", "*"])).contains("mailbox"));

    assert_eq!(
        c.cmd(&["CONFIG", "SET", "mailbox-metrics-connections", "no"]),
        b"+OK\r\n"
    );
    assert_eq!(c.cmd(&["MAILBOX", "LIST", "conn/*"]), b"*0\r\n");
    let mut later = ours.client();
    assert_eq!(later.cmd(&["PING"]), b"+PONG\r\n");
    assert_eq!(c.cmd(&["MAILBOX", "LIST", "conn/*"]), b"*0\r\n");
    // The other actors are still listed.
    assert_eq!(
        c.cmd(&["MAILBOX", "LIST", "keyspace/*"]),
        b"*1\r\n$10\r\nkeyspace/0\r\n"
    );

    assert_eq!(
        c.cmd(&["CONFIG", "SET", "mailbox-metrics", "no"]),
        b"+OK\r\n"
    );
    let off = mailbox_int(&c.cmd(&["MAILBOX", "GET", "keyspace/0"]), "sent");
    for i in 0..20 {
        assert_eq!(c.cmd(&["SET", &format!("k{i}"), "v"]), b"+OK\r\n");
    }
    let still = mailbox_int(&c.cmd(&["MAILBOX", "GET", "keyspace/0"]), "sent");
    assert_eq!(still, off);
    assert_eq!(
        c.cmd(&["CONFIG", "SET", "mailbox-metrics", "yes"]),
        b"+OK\r\n"
    );
    for i in 0..20 {
        assert_eq!(c.cmd(&["SET", &format!("k{i}"), "v"]), b"+OK\r\n");
    }
    let on = c.cmd(&["MAILBOX", "GET", "keyspace/0"]);
    assert!(mailbox_int(&on, "sent") >= off + 20);
    assert!(mailbox_int(&on, "handled") <= mailbox_int(&on, "sent"));
    assert_eq!(mailbox_int(&on, "queued"), 0);
}

/// INFO stats' counters and rates move under load, as Redis's do (the rates are sampled every
/// 100 ms over the last 16 samples).
#[test]
fn info_stats_counters_and_rates_move_under_load() {
    let ours = Server::redactor(&["--save", ""]);
    let mut c = ours.client();
    let stat = |c: &mut common::Client, k: &str| -> f64 {
        let raw = c.cmd(&["INFO", "stats"]);
        let text =
            String::from_utf8_lossy(Frame::parse(&raw).unwrap().as_bytes().unwrap()).into_owned();
        let prefix = format!("{k}:");
        text.lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .unwrap_or_else(|| panic!("no {k}"))
            .trim()
            .parse()
            .unwrap()
    };
    let before_cmds = stat(&mut c, "total_commands_processed");
    let before_in = stat(&mut c, "total_net_input_bytes");
    let mut pipeline = Vec::new();
    for i in 0..500 {
        pipeline.extend_from_slice(&common::encode_command(&[
            b"SET",
            format!("k{i}").as_bytes(),
            b"v",
        ]));
    }
    let start = std::time::Instant::now();
    let mut sent = 0;
    while start.elapsed() < std::time::Duration::from_millis(1200) {
        c.send_raw(&pipeline);
        for _ in 0..500 {
            assert_eq!(c.read_reply(), b"+OK\r\n");
        }
        sent += 500;
    }
    assert!(stat(&mut c, "instantaneous_ops_per_sec") > 0.0);
    assert!(stat(&mut c, "instantaneous_input_kbps") > 0.0);
    assert!(stat(&mut c, "total_commands_processed") >= before_cmds + sent as f64);
    assert!(stat(&mut c, "total_net_input_bytes") > before_in + (sent * 20) as f64);
}
