//! A Sentinel's actor mailboxes, seen from outside: one master (127.0.0.85), one replica
//! (127.0.0.86) and one redactor-sentinel (127.0.0.95). MAILBOX LIST names the Sentinel's
//! actor, the master's and its links'; MAILBOX GET shows a master's actor counting what it is
//! sent and handles (its timer passes, its links' news); INFO mailboxes shows the
//! `sentinel` kind.

mod common;

use common::sentinels::{self, pairs, text_of, Flavor, Sentinel, MASTER_NAME};
use common::{redis_cli_bin, topology};
use std::collections::HashMap;
use std::process::Command;
use std::time::Duration;

const MASTER: &str = "127.0.0.85";
const REPLICA: &str = "127.0.0.86";
const SENTINEL: &str = "127.0.0.95";
const WAIT: Duration = Duration::from_secs(30);

fn list(s: &Sentinel, pattern: &str) -> Vec<String> {
    let f = s.cmd(&["MAILBOX", "LIST", pattern]);
    f.items()
        .unwrap_or_else(|| panic!("MAILBOX LIST: {f:?}"))
        .iter()
        .map(text_of)
        .collect()
}

/// MAILBOX GET's integer counters.
fn counters(s: &Sentinel, name: &str) -> HashMap<String, u64> {
    let f = s.cmd(&["MAILBOX", "GET", name]);
    pairs(&f)
        .unwrap_or_else(|| panic!("MAILBOX GET {name}: {f:?}"))
        .into_iter()
        .filter_map(|(k, v)| v.parse().ok().map(|v| (k, v)))
        .collect()
}

#[test]
fn a_sentinel_lists_and_counts_its_mailboxes() {
    let master = sentinels::start_server(Flavor::Redactor, MASTER, None);
    let replica = sentinels::start_server(Flavor::Redactor, REPLICA, Some((MASTER, master.port)));
    topology::wait_link_up(&replica, &master);
    let s = Sentinel::start(Flavor::Redactor, SENTINEL, (MASTER, master.port), false);
    let replica_cmd = format!(
        "sentinel/{MASTER_NAME}/replica/{REPLICA}:{}/cmd",
        replica.port
    );
    // The replica is found in the master's INFO; its links open at the next timer pass.
    topology::wait_for("the replica's links", WAIT, || {
        let names = list(&s, "sentinel/*");
        if names.contains(&replica_cmd) {
            Ok(())
        } else {
            Err(format!("{names:?}\n{}", s.diagnostics()))
        }
    });
    let names = list(&s, "sentinel/*");
    for want in [
        "sentinel/0".to_string(),
        format!("sentinel/{MASTER_NAME}"),
        format!("sentinel/{MASTER_NAME}/master/cmd"),
        format!("sentinel/{MASTER_NAME}/master/pubsub"),
        format!(
            "sentinel/{MASTER_NAME}/replica/{REPLICA}:{}/pubsub",
            replica.port
        ),
    ] {
        assert!(names.contains(&want), "{want} not in {names:?}");
    }
    assert_eq!(
        list(&s, "sentinel/*/master/*"),
        [
            format!("sentinel/{MASTER_NAME}/master/cmd"),
            format!("sentinel/{MASTER_NAME}/master/pubsub")
        ]
    );

    // The master's actor: timer passes (about every 100 ms) and its links' news, all counted
    // when sent and when handled; nothing piles up.
    let monitor = format!("sentinel/{MASTER_NAME}");
    let first = counters(&s, &monitor);
    std::thread::sleep(Duration::from_millis(1000));
    let second = counters(&s, &monitor);
    for c in [&first, &second] {
        assert!(c["handled"] <= c["sent"], "{c:?}");
        assert!(c["queued"] <= 2, "{c:?}");
    }
    assert!(
        second["sent"] >= first["sent"] + 5,
        "{first:?} then {second:?}"
    );
    assert!(
        second["handled"] >= first["handled"] + 5,
        "{first:?} then {second:?}"
    );
    // A link's mailbox counts the commands the monitor sends it (PING, INFO, PUBLISH).
    let link = counters(&s, &format!("sentinel/{MASTER_NAME}/master/cmd"));
    assert!(
        link["sent"] > 0 && link["handled"] <= link["sent"],
        "{link:?}"
    );

    let info = text_of(&s.cmd(&["INFO", "mailboxes"]));
    assert!(info.starts_with("# Mailboxes\r\n"), "{info}");
    assert!(info.contains("\r\nkind_sentinel:instances="), "{info}");
    assert!(
        info.contains(&format!("\r\nmailbox_sentinel/{MASTER_NAME}:")),
        "{info}"
    );
    // Parsable as INFO: one `:` per field line, though names such as the listener's hold an
    // address.
    assert!(info.contains("\r\nmailbox_listener/"), "{info}");
    for l in info
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        assert_eq!(l.matches(':').count(), 1, "{l}");
    }
    let every = text_of(&s.cmd(&["INFO", "everything"]));
    assert!(every.contains("# Sentinel\r\n"), "{every}");
    assert!(every.contains("\r\n# Mailboxes\r\n"), "{every}");
    for plain in [&["INFO"][..], &["INFO", "default"]] {
        assert!(!text_of(&s.cmd(plain)).contains("Mailboxes"), "{plain:?}");
    }
    assert!(text_of(&s.cmd(&["INFO", "all"])).contains("\r\n# Mailboxes\r\n"));

    // What an operator types (.ci/run installs redis-cli).
    let out = Command::new(redis_cli_bin())
        .args(["-h", SENTINEL, "-p", &s.port.to_string()])
        .args(["MAILBOX", "LIST", "sentinel/*"])
        .output()
        .expect("redis-cli");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.lines().any(|l| l == "sentinel/0"), "{text}");
    assert!(text.lines().any(|l| l == monitor), "{text}");
}
