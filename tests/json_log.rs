//! `log-format json`: every line redactor-server writes, from start-up to the signal handler's
//! and the goodbye, is one JSON object (read back with python3's json module) carrying ts, pid,
//! role, level and msg, then the record's key-values; `loglevel` still filters.

mod common;

use common::{repo_root, run_command, Server, STOP_TIMEOUT};
use std::process::Command;
use std::time::Duration;

const CHECK: &str = r#"
import json, sys
seen = []
for n, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    o = json.loads(line)
    assert isinstance(o, dict), (n, line)
    keys = list(o)
    assert keys[:5] == ["ts", "pid", "role", "level", "msg"], (n, keys)
    assert o["ts"].endswith("Z") and len(o["ts"]) == 24, (n, o["ts"])
    assert o["level"] in ("debug", "verbose", "notice", "warning"), (n, o)
    seen.append(o)
print("LINES", len(seen))
for o in seen:
    print("MSG", o["role"], o["level"], o["msg"], "|", ",".join(k for k in o if k not in ("ts","pid","role","level","msg")))
"#;

#[test]
fn every_line_is_a_json_object() {
    let mut server =
        Server::redactor(&["--save", "", "--log-format", "json", "--loglevel", "notice"]);
    let mut c = server.client();
    assert_eq!(c.cmd(&["PING"]), b"+PONG\r\n");
    // Redactor's own parameter, fixed at start-up, answers by name.
    assert_eq!(
        c.cmd(&["CONFIG", "GET", "log-format"]),
        b"*2\r\n$10\r\nlog-format\r\n$4\r\njson\r\n"
    );
    drop(c);
    server.terminate(STOP_TIMEOUT).expect("exit on SIGTERM");
    let out = server.dir.path().join("stdout-copy.log");
    std::fs::write(&out, server.stdout()).unwrap();
    let mut cmd = Command::new("python3");
    cmd.args(["-c", CHECK]).arg(&out).current_dir(repo_root());
    let res = run_command(&mut cmd, Duration::from_secs(30));
    let printed = String::from_utf8_lossy(&res.stdout);
    assert!(
        res.status.success(),
        "{}\n{printed}\n--- log ---\n{}",
        String::from_utf8_lossy(&res.stderr),
        server.stdout()
    );
    let msgs: Vec<&str> = printed.lines().filter(|l| l.starts_with("MSG ")).collect();
    let has = |needle: &str| msgs.iter().any(|l| l.contains(needle));
    assert!(has("M notice Ready to accept connections"), "{printed}");
    assert!(
        has("signal-handler warning Received SIGTERM scheduling shutdown..."),
        "{printed}"
    );
    assert!(has("Redis is now ready to exit, bye bye..."), "{printed}");
    // Records logged by an actor carry its name as a key-value.
    assert!(
        msgs.iter().any(|l| l.contains("| ") && l.contains("actor")),
        "{printed}"
    );
    // notice filters out debug and verbose.
    assert!(!has(" verbose ") && !has(" debug "), "{printed}");
}
