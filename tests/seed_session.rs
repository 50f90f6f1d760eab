//! The seed's client session against redactor-server started on
//! configs/redis-master.conf (overridden to fit the test machine: a free
//! port, bind 127.0.0.5, a temp dir for dir/logfile/pidfile), checked where it
//! helps against the reference redis-server started the same way.

mod common;

use common::{escape, redis_cli_bin, repo_root, run_command, Client, Frame, Kind, Server};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

const HOST: &str = "127.0.0.5";
const PASSWORD: &str = "redis";

fn master_conf() -> PathBuf {
    let conf = repo_root().join("configs/redis-master.conf");
    assert!(conf.exists(), "{} is missing", conf.display());
    conf
}

/// A master on configs/redis-master.conf, with the overrides.
fn start_master(kind: Kind) -> Server {
    Server::builder(kind)
        .config(master_conf())
        .args(&[
            "--bind",
            HOST,
            "--dir",
            "{dir}",
            "--logfile",
            "{dir}/redis.log",
            "--pidfile",
            "{dir}/redis.pid",
        ])
        .start()
}

/// An authenticated raw client.
fn authed(server: &Server) -> Client {
    let mut c = server.client();
    assert_eq!(c.cmd_str(&["AUTH", PASSWORD]), "+OK\\r\\n");
    c
}

fn redis_cli(server: &Server, args: &[&str]) -> String {
    let port = server.port.to_string();
    let mut cmd = Command::new(redis_cli_bin());
    cmd.args([
        "-h",
        &server.host,
        "-p",
        &port,
        "-a",
        PASSWORD,
        "--no-auth-warning",
    ])
    .args(args);
    let out = run_command(&mut cmd, Duration::from_secs(20));
    assert!(
        out.status.success(),
        "redis-cli {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        server.diagnostics()
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn python_session(protocol: &str) {
    let server = start_master(Kind::Redactor);
    let script = repo_root().join("tests/python/seed_session.py");
    let port = server.port.to_string();
    let mut cmd = Command::new("python3");
    cmd.arg(&script).args([HOST, port.as_str(), protocol]);
    let out = run_command(&mut cmd, Duration::from_secs(60));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains(&format!("SEED-SESSION-OK {protocol}")),
        "redis-py session (protocol {protocol}) failed: {}\nstdout:\n{stdout}\nstderr:\n{stderr}\n{}",
        out.status,
        server.diagnostics()
    );
    assert!(stdout.contains("get QF: www.qfedu.com"), "{stdout}");
    assert!(stdout.contains("pool get foo: bar"), "{stdout}");
    // What the session wrote is there for another client.
    let mut c = authed(&server);
    assert_eq!(c.cmd_str(&["GET", "QF"]), "$13\\r\\nwww.qfedu.com\\r\\n");
    assert_eq!(c.cmd_str(&["GET", "foo"]), "$3\\r\\nbar\\r\\n");
    assert_eq!(c.cmd_str(&["EXISTS", "counter"]), ":0\\r\\n");
}

#[test]
fn redis_py_session_default_protocol() {
    // redis-py 8 speaks RESP3 by default: HELLO 3 AUTH default redis.
    python_session("default");
}

#[test]
fn redis_py_session_protocol_2() {
    // RESP2: AUTH redis.
    python_session("2");
}

#[test]
fn redis_py_session_protocol_3() {
    python_session("3");
}

fn info_fields(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (k, v) = l.split_once(':').unwrap_or((l, ""));
            (k.to_string(), v.to_string())
        })
        .collect()
}

#[test]
fn redis_cli_session() {
    let server = start_master(Kind::Redactor);
    assert_eq!(redis_cli(&server, &["set", "t1", "aa"]), "OK\n");
    assert_eq!(redis_cli(&server, &["get", "t1"]), "aa\n");
    assert_eq!(redis_cli(&server, &["ping"]), "PONG\n");

    let info = redis_cli(&server, &["info", "replication"]);
    assert!(info.starts_with("# Replication"), "{info}");
    let fields = info_fields(&info);
    let get = |k: &str| -> &str {
        fields
            .iter()
            .find(|(name, _)| name == k)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("INFO replication has no {k}:\n{info}"))
    };
    assert_eq!(get("role"), "master");
    assert_eq!(get("connected_slaves"), "0");
    assert_eq!(get("master_failover_state"), "no-failover");
    let replid = get("master_replid");
    assert!(
        replid.len() == 40 && replid.bytes().all(|b| b.is_ascii_hexdigit()),
        "master_replid {replid:?}"
    );
    assert_eq!(get("master_replid2"), "0".repeat(40));
    assert_eq!(get("master_repl_offset"), "0");
    assert_eq!(get("second_repl_offset"), "-1");
    assert_eq!(get("repl_backlog_active"), "0");
    assert_eq!(get("repl_backlog_size"), "1048576");
    assert_eq!(get("repl_backlog_first_byte_offset"), "0");
    assert_eq!(get("repl_backlog_histlen"), "0");

    // The same field names, in the same order, as the reference prints for a
    // lone master.
    let reference = start_master(Kind::Redis);
    let ref_info = redis_cli(&reference, &["info", "replication"]);
    let names: Vec<String> = fields.iter().map(|(k, _)| k.clone()).collect();
    let ref_names: Vec<String> = info_fields(&ref_info).into_iter().map(|(k, _)| k).collect();
    assert_eq!(
        names, ref_names,
        "INFO replication fields differ from redis-server's"
    );
    // Two masters never share a replication id.
    let ref_replid = info_fields(&ref_info)
        .into_iter()
        .find(|(k, _)| k == "master_replid")
        .map(|(_, v)| v)
        .unwrap_or_default();
    assert_ne!(ref_replid, replid);
}

/// True if `line` is `<pid>:M DD Mon YYYY HH:MM:SS.mmm * <message>`.
fn is_log_line(line: &str, pid: u32, message: &str) -> bool {
    let Some(rest) = line.strip_prefix(&format!("{pid}:M ")) else {
        return false;
    };
    let b = rest.as_bytes();
    // "24 Nov 2026 17:12:34.256 " is 25 bytes.
    if b.len() < 25 {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    let ok = digits(0..2)
        && b[2] == b' '
        && b[3..6].iter().all(u8::is_ascii_alphabetic)
        && b[6] == b' '
        && digits(7..11)
        && b[11] == b' '
        && digits(12..14)
        && b[14] == b':'
        && digits(15..17)
        && b[17] == b':'
        && digits(18..20)
        && b[20] == b'.'
        && digits(21..24)
        && b[24] == b' ';
    ok && rest[25..] == format!("* {message}")
}

fn check_ready_line(server: &Server) {
    assert!(
        server.wait_output("Ready to accept connections", Duration::from_secs(10)),
        "no 'Ready to accept connections' in the log\n{}",
        server.diagnostics()
    );
    let log = server.log();
    let pid = server.pid();
    assert!(
        log.lines()
            .any(|l| is_log_line(l, pid, "Ready to accept connections")),
        "no line '{pid}:M DD Mon YYYY HH:MM:SS.mmm * Ready to accept connections' in {}:\n{log}",
        server.logfile.as_ref().unwrap().display()
    );
}

#[test]
fn log_file_has_redis_format_ready_line() {
    let reference = start_master(Kind::Redis);
    check_ready_line(&reference);
    let server = start_master(Kind::Redactor);
    check_ready_line(&server);
    // The log goes to the file, not to stdout.
    assert!(
        !server.stdout().contains("Ready to accept connections"),
        "{}",
        server.diagnostics()
    );
}

#[test]
fn pidfile_holds_the_server_pid() {
    let mut server = start_master(Kind::Redactor);
    let pidfile = server.dir.path().join("redis.pid");
    let text = std::fs::read_to_string(&pidfile)
        .unwrap_or_else(|e| panic!("{}: {e}\n{}", pidfile.display(), server.diagnostics()));
    assert_eq!(text.trim(), server.pid().to_string());
    let status = server.terminate(Duration::from_secs(10));
    assert!(
        status.is_some_and(|s| s.success()),
        "SIGTERM: {status:?}\n{}",
        server.diagnostics()
    );
    assert!(
        !pidfile.exists(),
        "the pidfile is left behind after shutdown"
    );
}

/// Every directive of the config file reads back (CONFIG GET) as it does on
/// the reference started with the same file; the paths and the port, which
/// differ by construction, excepted.
#[test]
fn config_file_values_match_reference() {
    let text = std::fs::read_to_string(master_conf()).expect("read conf");
    let mut names: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_whitespace().next().map(str::to_lowercase))
        .filter(|n| !["dir", "logfile", "pidfile", "port"].contains(&n.as_str()))
        .collect();
    names.dedup();
    assert!(
        names.len() > 50,
        "only {} directives read from the config",
        names.len()
    );
    let server = start_master(Kind::Redactor);
    let reference = start_master(Kind::Redis);
    let mut ours = authed(&server);
    let mut theirs = authed(&reference);
    let mut diffs = Vec::new();
    for name in &names {
        let a = ours.cmd(&["CONFIG", "GET", name]);
        let b = theirs.cmd(&["CONFIG", "GET", name]);
        // Compare as pairs: a few names are aliases that answer with both.
        let (fa, fb) = (
            Frame::parse(&a).map(|f| f.sorted_pairs()),
            Frame::parse(&b).map(|f| f.sorted_pairs()),
        );
        if fa != fb {
            diffs.push(format!(
                "CONFIG GET {name}\n    redis:    \"{}\"\n    redactor: \"{}\"",
                escape(&b),
                escape(&a)
            ));
        }
    }
    assert!(
        diffs.is_empty(),
        "{} of {} directives differ:\n{}",
        diffs.len(),
        names.len(),
        diffs.join("\n")
    );
    // The overrides took effect.
    assert_eq!(
        ours.cmd_str(&["CONFIG", "GET", "port"]),
        escape(
            format!(
                "*2\r\n$4\r\nport\r\n${}\r\n{}\r\n",
                server.port.to_string().len(),
                server.port
            )
            .as_bytes()
        )
    );
    assert_eq!(
        ours.cmd_str(&["CONFIG", "GET", "bind"]),
        "*2\\r\\n$4\\r\\nbind\\r\\n$9\\r\\n127.0.0.5\\r\\n"
    );
}

#[test]
fn second_address_of_the_config_is_overridden() {
    // The config binds 127.0.0.5 and 127.0.0.1; the override keeps only
    // 127.0.0.5, so 127.0.0.1 must refuse.
    let server = start_master(Kind::Redactor);
    assert!(Client::connect(&format!("127.0.0.1:{}", server.port)).is_err());
    let mut c = server.client();
    assert_eq!(
        c.cmd_str(&["PING"]),
        "-NOAUTH Authentication required.\\r\\n"
    );
}
