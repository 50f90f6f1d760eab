//! The redactor-server process: command line, config errors, shutdown,
//! limits (maxclients, timeout), several bind addresses, connection isolation.
//! Config errors are compared with what the reference redis-server prints.

mod common;

use common::{
    escape, redactor_sentinel_bin, redis_server_bin, run_command, selftest, Client, Kind, Outcome,
    Server, TempDir,
};
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const RUN_TIMEOUT: Duration = Duration::from_secs(20);

fn ours() -> Command {
    Command::new(Kind::Redactor.program())
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn version_flag() {
    for flag in ["--version", "-v"] {
        let out = run_command(ours().arg(flag), RUN_TIMEOUT);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{flag}: {}\n{}",
            out.status,
            text(&out)
        );
        let prefix = if selftest() {
            "Redis server v="
        } else {
            "Redactor server v="
        };
        assert!(stdout.starts_with(prefix), "{flag} printed {stdout:?}");
    }
}

#[test]
fn help_flag() {
    for flag in ["--help", "-h"] {
        let out = run_command(ours().arg(flag), RUN_TIMEOUT);
        let all = text(&out);
        assert!(all.contains("Usage:"), "{flag} printed {all:?}");
        assert!(
            all.contains("[/path/to/redis.conf]"),
            "{flag} printed {all:?}"
        );
        assert!(all.contains("--port 7777"), "{flag} printed {all:?}");
        // As redis-server: the usage on standard error, exit status 1.
        assert_eq!(out.status.code(), Some(1), "{flag}: {}\n{all}", out.status);
        assert!(String::from_utf8_lossy(&out.stderr).contains("Usage:"));
    }
}

/// The `*** FATAL CONFIG FILE ERROR` block of an output, from its first line.
fn fatal_block(out: &Output) -> Option<String> {
    let all = text(out);
    let start = all.find("*** FATAL CONFIG FILE ERROR")?;
    Some(all[start..].trim_end().to_string())
}

fn run_both(dir: &Path, conf: Option<&str>, args: &[&str]) -> (Output, Output) {
    let mut argv: Vec<String> = Vec::new();
    if let Some(body) = conf {
        let path = dir.join("bad.conf");
        std::fs::write(&path, body).expect("write conf");
        argv.push(path.display().to_string());
    }
    argv.extend(args.iter().map(|s| s.to_string()));
    let mut theirs = Command::new(redis_server_bin());
    theirs.args(&argv).current_dir(dir);
    let mut mine = ours();
    mine.args(&argv).current_dir(dir);
    (
        run_command(&mut theirs, RUN_TIMEOUT),
        run_command(&mut mine, RUN_TIMEOUT),
    )
}

#[test]
fn bad_config_is_fatal_like_redis() {
    let dir = TempDir::new("badconf");
    // Every case must fail before listening; the port is one no test uses.
    let cases: &[(Option<&str>, &[&str], &str)] = &[
        (
            Some("port 0\nbogus-directive yes\n"),
            &[],
            "Bad directive or wrong number of arguments",
        ),
        (
            Some("port abc\n"),
            &[],
            "argument couldn't be parsed into an integer",
        ),
        (
            Some("# comment\n\nport 0\ntimeout -5\n"),
            &[],
            "argument must be between 0 and 2147483647 inclusive",
        ),
        (
            Some("port 0\nrequirepass \"abc\n"),
            &[],
            "Unbalanced quotes in configuration line",
        ),
        (
            Some("port 0\nsave 900\n"),
            &[],
            "Invalid save parameters",
        ),
        (
            Some("port 0\nappendonly maybe\n"),
            &[],
            "argument must be 'yes' or 'no'",
        ),
        (
            Some("port 0\nloglevel loud\n"),
            &[],
            "argument(s) must be one of the following: debug, verbose, notice, warning",
        ),
        (
            Some("port 0\nport 6390 6391\n"),
            &[],
            "wrong number of arguments",
        ),
        (
            Some("port 0\ndatabases 0\n"),
            &[],
            "argument must be between 1 and 2147483647 inclusive",
        ),
        (
            Some("port 0\nmaxmemory-policy nosuch\n"),
            &[],
            "argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction",
        ),
        (
            Some("port 0\n"),
            &["--maxclients", "abc"],
            "argument couldn't be parsed into an integer",
        ),
        (None, &["--port", "99999"], "argument must be between 0 and 65535 inclusive"),
        (None, &["--foo", "bar"], "Bad directive or wrong number of arguments"),
    ];
    let mut failures = Vec::new();
    for (conf, args, reason) in cases {
        let (theirs, mine) = run_both(dir.path(), *conf, args);
        let expected = fatal_block(&theirs);
        // The case itself is checked against the reference first.
        assert_eq!(
            theirs.status.code(),
            Some(1),
            "reference on {conf:?} {args:?}"
        );
        let expected =
            expected.unwrap_or_else(|| panic!("no FATAL from redis for {conf:?} {args:?}"));
        assert!(expected.ends_with(reason), "{expected}");
        let got = fatal_block(&mine);
        if mine.status.code() != Some(1) || got.as_deref() != Some(expected.as_str()) {
            failures.push(format!(
                "config {conf:?} args {args:?}: exit {:?}\n  expected:\n{}\n  got:\n{}",
                mine.status.code(),
                expected,
                text(&mine)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn fatal_block_has_the_expected_lines() {
    // The shape of the message, spelled out.
    let dir = TempDir::new("badconf2");
    let path = dir.path().join("bad.conf");
    std::fs::write(&path, "port 0\n\nbogus-directive yes\n").unwrap();
    let out = run_command(ours().arg(&path).current_dir(dir.path()), RUN_TIMEOUT);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let block = fatal_block(&out).unwrap_or_else(|| panic!("no FATAL block in {}", text(&out)));
    let lines: Vec<&str> = block.lines().collect();
    assert_eq!(
        lines,
        [
            "*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***",
            "Reading the configuration file, at line 3",
            ">>> 'bogus-directive yes'",
            "Bad directive or wrong number of arguments",
        ]
    );
}

/// `pid:C DD Mon YYYY HH:MM:SS.mmm ` taken off a log line, if it has one.
fn strip_log_prefix(line: &str) -> &str {
    match line.split_once(':') {
        Some((pid, rest)) if !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()) => {
            // "C 24 Nov 2026 17:21:28.952 " is 27 bytes.
            rest.get(27..).unwrap_or(line)
        }
        _ => line,
    }
}

#[test]
fn missing_config_file_is_fatal() {
    let dir = TempDir::new("noconf");
    let (theirs, mine) = run_both(dir.path(), None, &["/nonexistent/redactor.conf"]);
    let expected = "# Fatal error, can't open config file '/nonexistent/redactor.conf': No such file or directory";
    assert_eq!(theirs.status.code(), Some(1));
    assert!(
        text(&theirs)
            .lines()
            .any(|l| strip_log_prefix(l) == expected),
        "reference: {}",
        text(&theirs)
    );
    assert_eq!(mine.status.code(), Some(1), "{}", text(&mine));
    assert!(
        text(&mine).lines().any(|l| strip_log_prefix(l) == expected),
        "expected a log line '<pid>:C <date> {expected}', got:\n{}",
        text(&mine)
    );
}

/// Sentinel refuses to start as redis-sentinel does: without a config file (it needs one to
/// save its state), and on a bad `sentinel` line with the same FATAL CONFIG FILE ERROR.
#[test]
fn sentinel_start_up_refusals_match_redis() {
    let out = run_command(&mut Command::new(redactor_sentinel_bin()), RUN_TIMEOUT);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let line = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        line.contains(":X ")
            && line.ends_with(" # Sentinel needs config file on disk to save state. Exiting...\n"),
        "{line}"
    );
    let dir = TempDir::new("sentinel-fatal");
    let cases = [
        "sentinel monitor m localhost 6379 2",
        "sentinel monitor m 127.0.0.1 6379 0",
        "sentinel monitor m 127.0.0.1 99999 2",
        "sentinel down-after-milliseconds nosuch 100",
        "sentinel nosuch directive",
    ];
    for (i, line) in cases.iter().enumerate() {
        let conf = dir.path().join(format!("s{i}.conf"));
        std::fs::write(&conf, format!("port 0\nbind 127.0.0.1\n{line}\n")).unwrap();
        let mine = run_command(
            Command::new(redactor_sentinel_bin()).arg(&conf),
            RUN_TIMEOUT,
        );
        assert_eq!(mine.status.code(), Some(1), "{line}: {}", text(&mine));
        let fatal = String::from_utf8_lossy(&mine.stderr).into_owned();
        assert!(
            fatal.starts_with("\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\n"),
            "{line}: {fatal}"
        );
        if let Ok(real) = Command::new("redis-sentinel").arg(&conf).output() {
            assert_eq!(
                fatal,
                String::from_utf8_lossy(&real.stderr),
                "{line}: stderr differs from redis-sentinel's"
            );
        }
    }
}

fn with_log(args: &[&str]) -> Server {
    let mut all = vec!["--logfile", "{dir}/redis.log"];
    all.extend_from_slice(args);
    Server::redactor(&all)
}

fn assert_clean_exit(server: &mut Server, how: &str) {
    let status = server.wait_exit(Duration::from_secs(10));
    assert!(
        status.is_some_and(|s| s.success()),
        "after {how}: {status:?}\n{}",
        server.diagnostics()
    );
    assert!(
        server.wait_output(
            "Redis is now ready to exit, bye bye...",
            Duration::from_secs(2)
        ),
        "no 'bye bye' after {how}\n{}",
        server.diagnostics()
    );
}

#[test]
fn sigterm_shuts_down_cleanly() {
    let mut server = with_log(&["--save", ""]);
    let mut c = server.client();
    assert_eq!(c.cmd_str(&["SET", "k", "v"]), "+OK\\r\\n");
    server.signal(libc::SIGTERM);
    assert_clean_exit(&mut server, "SIGTERM");
    assert!(
        server
            .log()
            .contains("Received SIGTERM scheduling shutdown..."),
        "{}",
        server.log()
    );
    assert!(
        server.log().contains("User requested shutdown..."),
        "{}",
        server.log()
    );
    assert!(c.wait_closed(Duration::from_secs(5)), "client not closed");
}

#[test]
fn shutdown_command_stops_the_server() {
    let mut server = with_log(&["--save", ""]);
    let mut c = server.client();
    let mut other = server.client();
    assert_eq!(other.cmd_str(&["PING"]), "+PONG\\r\\n");
    c.send(&[b"SHUTDOWN"]);
    // No reply: the connection closes as the server exits.
    assert_eq!(
        c.read_outcome_within(Duration::from_secs(10)),
        Outcome::Closed(vec![])
    );
    assert_clean_exit(&mut server, "SHUTDOWN");
    assert!(other.wait_closed(Duration::from_secs(5)));
}

#[test]
fn shutdown_nosave_and_errors() {
    let mut server = with_log(&["--save", "", "--requirepass", "redis"]);
    let mut c = server.client();
    assert_eq!(
        c.cmd_str(&["SHUTDOWN"]),
        "-NOAUTH Authentication required.\\r\\n"
    );
    assert_eq!(c.cmd_str(&["AUTH", "redis"]), "+OK\\r\\n");
    assert_eq!(c.cmd_str(&["SHUTDOWN", "FOO"]), "-ERR syntax error\\r\\n");
    assert_eq!(
        c.cmd_str(&["SHUTDOWN", "NOSAVE", "SAVE"]),
        "-ERR syntax error\\r\\n"
    );
    assert!(
        server.try_wait().is_none(),
        "exited after a refused SHUTDOWN"
    );
    assert_eq!(c.cmd_str(&["PING"]), "+PONG\\r\\n");
    c.send(&[b"SHUTDOWN", b"NOSAVE"]);
    assert_eq!(
        c.read_outcome_within(Duration::from_secs(10)),
        Outcome::Closed(vec![])
    );
    assert_clean_exit(&mut server, "SHUTDOWN NOSAVE");
}

#[test]
fn maxclients_refuses_the_extra_client() {
    let server = Server::redactor(&["--save", "", "--maxclients", "2"]);
    let mut c1 = server.client();
    assert_eq!(c1.cmd_str(&["PING"]), "+PONG\\r\\n");
    // The startup probe's connection may still be counted for a moment.
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut c2 = loop {
        let mut c = server.client();
        c.send(&[b"PING"]);
        match c.read_outcome() {
            Outcome::Reply(r) if r == b"+PONG\r\n" => break c,
            other => assert!(
                Instant::now() < deadline,
                "second client refused: {}",
                other.describe()
            ),
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    // The third gets the error without sending anything, then EOF.
    let mut c3 = server.client();
    assert_eq!(
        c3.read_outcome(),
        Outcome::Reply(b"-ERR max number of clients reached\r\n".to_vec())
    );
    assert!(c3.wait_closed(Duration::from_secs(5)));
    assert_eq!(c1.cmd_str(&["PING"]), "+PONG\\r\\n");
    assert_eq!(c2.cmd_str(&["PING"]), "+PONG\\r\\n");
    // A slot freed is a slot usable again.
    drop(c2);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let mut c = server.client();
        c.send(&[b"PING"]);
        match c.read_outcome() {
            Outcome::Reply(r) if r == b"+PONG\r\n" => break,
            other => assert!(
                Instant::now() < deadline,
                "freed slot not reusable: {}",
                other.describe()
            ),
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn idle_timeout_closes_idle_clients_only() {
    let server = Server::redactor(&["--save", "", "--timeout", "1"]);
    let mut idle = server.client();
    let mut busy = server.client();
    assert_eq!(idle.cmd_str(&["PING"]), "+PONG\\r\\n");
    let start = Instant::now();
    // The busy client talks every 200 ms and must survive 3 s.
    let mut idle_closed_at = None;
    while start.elapsed() < Duration::from_secs(3) {
        assert_eq!(busy.cmd_str(&["PING"]), "+PONG\\r\\n");
        if idle_closed_at.is_none() {
            if let Outcome::Closed(_) = idle.read_outcome_within(Duration::from_millis(200)) {
                idle_closed_at = Some(start.elapsed());
            }
        } else {
            std::thread::sleep(Duration::from_millis(200));
        }
    }
    if idle_closed_at.is_none() && idle.wait_closed(Duration::from_secs(5)) {
        idle_closed_at = Some(start.elapsed());
    }
    let at = idle_closed_at.expect("the idle client was not closed within 8 s");
    assert!(at >= Duration::from_millis(900), "closed too early: {at:?}");
    assert_eq!(busy.cmd_str(&["PING"]), "+PONG\\r\\n");
}

#[test]
fn two_bind_addresses_both_answer() {
    let server = Server::redactor(&["--save", "", "--bind", "127.0.0.5", "127.0.0.1"]);
    assert_eq!(server.binds, ["127.0.0.5", "127.0.0.1"]);
    let mut a = Client::connect(&format!("127.0.0.5:{}", server.port)).expect("127.0.0.5");
    let mut b = Client::connect(&format!("127.0.0.1:{}", server.port)).expect("127.0.0.1");
    assert_eq!(a.cmd_str(&["SET", "k", "from-a"]), "+OK\\r\\n");
    assert_eq!(b.cmd_str(&["GET", "k"]), "$6\\r\\nfrom-a\\r\\n");
    // An address that is not bound refuses.
    assert!(Client::connect(&format!("127.0.0.6:{}", server.port)).is_err());
}

#[test]
fn protocol_error_closes_only_that_connection() {
    let server = Server::redactor(&["--save", ""]);
    let mut good = server.client();
    assert_eq!(good.cmd_str(&["SET", "k", "intact"]), "+OK\\r\\n");
    let mut bad = server.client();
    bad.send_raw(b"*1\r\nx\r\n");
    assert_eq!(
        escape(&bad.read_reply()),
        "-ERR Protocol error: expected '$', got 'x'\\r\\n"
    );
    assert!(
        bad.wait_closed(Duration::from_secs(5)),
        "bad connection not closed"
    );
    assert_eq!(good.cmd_str(&["GET", "k"]), "$6\\r\\nintact\\r\\n");
    let mut fresh = server.client();
    assert_eq!(fresh.cmd_str(&["GET", "k"]), "$6\\r\\nintact\\r\\n");
}

#[test]
fn abandoned_half_command_does_not_disturb_others() {
    let server = Server::redactor(&["--save", ""]);
    let mut good = server.client();
    {
        let mut half = server.client();
        half.send_raw(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100\r\nabc");
        half.shutdown_write();
    }
    let mut c = server.client();
    c.send_raw(b"*2\r\n$3\r\nGET\r\n$1\r\nk");
    assert_eq!(good.cmd_str(&["PING"]), "+PONG\\r\\n");
    c.send_raw(b"\r\n");
    assert_eq!(escape(&c.read_reply()), "$-1\\r\\n");
    assert_eq!(good.cmd_str(&["DBSIZE"]), ":0\\r\\n");
}

#[test]
fn many_clients_at_once() {
    let server = Server::redactor(&["--save", ""]);
    let mut clients: Vec<Client> = (0..50).map(|_| server.client()).collect();
    for (i, c) in clients.iter_mut().enumerate() {
        let k = format!("k{i}");
        c.send(&[b"SET", k.as_bytes(), k.as_bytes()]);
    }
    for c in clients.iter_mut() {
        assert_eq!(escape(&c.read_reply()), "+OK\\r\\n");
    }
    let mut c = server.client();
    assert_eq!(c.cmd_str(&["DBSIZE"]), ":50\\r\\n");
    assert_eq!(c.cmd_str(&["GET", "k49"]), "$3\\r\\nk49\\r\\n");
}
