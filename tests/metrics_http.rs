//! The Prometheus endpoint (`metrics-port`) of redactor-server and redactor-sentinel, scraped
//! over HTTP and read with a real Prometheus text parser (python3's `prometheus_client`, see
//! tests/python/prom_parse.py): every family parses with its type, the counters move under
//! load, a slow consumer shows a backlog, a Sentinel reports its master.

mod common;

use common::{free_port, redactor_sentinel_bin, repo_root, run_command, Server, TempDir};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const HOST: &str = "127.0.0.1";
const IO_TIMEOUT: Duration = Duration::from_secs(5);
const PARSE_TIMEOUT: Duration = Duration::from_secs(30);

/// One HTTP/1.1 request: (status line, headers, body).
fn http_get(addr: &str, path: &str) -> std::io::Result<(String, String, String)> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(IO_TIMEOUT))?;
    s.set_write_timeout(Some(IO_TIMEOUT))?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: */*\r\n\r\n"
    )?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| std::io::Error::other(format!("no header end in {text:?}")))?;
    let (status, headers) = head.split_once("\r\n").unwrap_or((head, ""));
    Ok((status.to_string(), headers.to_string(), body.to_string()))
}

/// One sample: its name, its labels (sorted by name), its value.
type Sample = (String, Vec<(String, String)>, f64);

/// A parsed scrape: family types and every sample by name and sorted labels.
#[derive(Debug, Default)]
struct Scrape {
    types: HashMap<String, String>,
    helps: HashMap<String, String>,
    samples: Vec<Sample>,
    text: String,
}

impl Scrape {
    /// The value of the sample `name` whose labels include `labels`.
    fn get(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        self.samples
            .iter()
            .find(|(n, l, _)| {
                n == name
                    && labels
                        .iter()
                        .all(|(k, v)| l.iter().any(|(lk, lv)| lk == k && lv == v))
            })
            .map(|s| s.2)
    }

    fn value(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.get(name, labels)
            .unwrap_or_else(|| panic!("no {name}{labels:?} in\n{}", self.text))
    }

    fn all(&self, name: &str) -> Vec<&Sample> {
        self.samples.iter().filter(|s| s.0 == name).collect()
    }
}

/// Scrapes `/metrics` and parses the body with prometheus_client.
fn scrape(addr: &str, scratch: &TempDir) -> Scrape {
    let (status, headers, body) =
        http_get(addr, "/metrics").unwrap_or_else(|e| panic!("scrape of {addr}: {e}"));
    assert_eq!(status, "HTTP/1.1 200 OK", "{headers}\n{body}");
    assert!(
        headers
            .lines()
            .any(|h| h.eq_ignore_ascii_case("Content-Type: text/plain; version=0.0.4")),
        "{headers}"
    );
    let file = scratch.path().join("scrape.txt");
    std::fs::write(&file, &body).expect("write scrape");
    let mut cmd = Command::new("python3");
    cmd.arg(repo_root().join("tests/python/prom_parse.py"))
        .arg(&file);
    let out = run_command(&mut cmd, PARSE_TIMEOUT);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("PARSED-OK"),
        "prometheus_client could not parse the scrape ({}):\n{}\n--- scrape ---\n{body}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let mut s = Scrape {
        text: body,
        ..Scrape::default()
    };
    for line in stdout.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        match f[0] {
            "F" => {
                s.types.insert(f[1].into(), f[2].into());
                s.helps.insert(f[1].into(), f[3].into());
            }
            "S" => {
                let labels = f[4..]
                    .chunks(2)
                    .map(|kv| (kv[0].to_string(), kv.get(1).unwrap_or(&"").to_string()))
                    .collect();
                let v: f64 = f[3].parse().unwrap_or(f64::NAN);
                s.samples.push((f[2].into(), labels, v));
            }
            _ => {}
        }
    }
    s
}

/// Polls `probe` every `pause` until it answers `Ok`; after `timeout`, fails with `what` and the
/// last `Err` text (the scrape, usually).
fn poll_until<T>(
    timeout: Duration,
    pause: Duration,
    what: &str,
    mut probe: impl FnMut() -> Result<T, String>,
) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        match probe() {
            Ok(v) => return v,
            Err(last) => assert!(Instant::now() < deadline, "{what}\n{last}"),
        }
        std::thread::sleep(pause);
    }
}

fn keyspace_handled(s: &Scrape) -> f64 {
    s.value(
        "redactor_mailbox_handled_total",
        &[("actor", "keyspace"), ("name", "keyspace/0")],
    )
}

fn server_with_metrics() -> (Server, u16) {
    let mport = free_port(HOST);
    let server = Server::redactor(&[
        "--save",
        "",
        "--appendonly",
        "no",
        "--metrics-port",
        &mport.to_string(),
    ]);
    (server, mport)
}

#[test]
fn a_server_scrape_parses_and_moves_under_load() {
    let (server, mport) = server_with_metrics();
    let maddr = format!("{HOST}:{mport}");
    let mut c = server.client();
    assert_eq!(
        String::from_utf8_lossy(&c.cmd(&["CONFIG", "GET", "metrics-port"])),
        format!(
            "*2\r\n$12\r\nmetrics-port\r\n${}\r\n{mport}\r\n",
            mport.to_string().len()
        )
    );
    let before = scrape(&maddr, &server.dir);
    // Every family has a type and a help text; the kinds are the right ones.
    let expected_types = [
        ("redis_up", "gauge"),
        ("redis_uptime_in_seconds", "gauge"),
        ("redis_connected_clients", "gauge"),
        ("redis_blocked_clients", "gauge"),
        ("redis_memory_used_bytes", "gauge"),
        ("redis_commands_processed", "counter"),
        ("redis_connections_received", "counter"),
        ("redis_net_input_bytes", "counter"),
        ("redis_net_output_bytes", "counter"),
        ("redis_keyspace_hits", "counter"),
        ("redis_keyspace_misses", "counter"),
        ("redis_db_keys", "gauge"),
        ("redis_db_keys_expiring", "gauge"),
        ("redis_instance_info", "gauge"),
        ("redis_master_repl_offset", "gauge"),
        ("redis_connected_slaves", "gauge"),
        ("redactor_mailbox_queued", "gauge"),
        ("redactor_mailbox_queued_max", "gauge"),
        ("redactor_mailbox_sent", "counter"),
        ("redactor_mailbox_handled", "counter"),
        ("redactor_mailbox_refused", "counter"),
        ("redactor_mailbox_busy_seconds", "counter"),
        ("redactor_mailbox_handling_seconds", "summary"),
        ("redactor_mailbox_handling_seconds_max", "gauge"),
    ];
    for (family, kind) in expected_types {
        assert_eq!(
            before.types.get(family).map(String::as_str),
            Some(kind),
            "{family}\n{}",
            before.text
        );
        assert!(!before.helps[family].is_empty(), "{family} has no HELP");
    }
    assert_eq!(before.value("redis_up", &[]), 1.0);
    assert_eq!(
        before.value(
            "redis_instance_info",
            &[
                ("role", "master"),
                ("redis_version", "7.0.15"),
                ("redis_mode", "standalone")
            ]
        ),
        1.0
    );
    assert!(before.value("redis_connected_clients", &[]) >= 1.0);
    for q in ["0.5", "0.99"] {
        before.value(
            "redactor_mailbox_handling_seconds",
            &[("name", "keyspace/0"), ("quantile", q)],
        );
    }
    // Anything but GET /metrics is not found.
    let (status, _, _) = http_get(&maddr, "/").expect("GET /");
    assert_eq!(status, "HTTP/1.1 404 Not Found");

    const N: usize = 300;
    for i in 0..N {
        let key = format!("k{i}");
        let reply = if i % 3 == 0 {
            c.cmd(&["SET", &key, "v", "EX", "1000"])
        } else {
            c.cmd(&["SET", &key, "v"])
        };
        assert_eq!(reply, b"+OK\r\n");
    }
    assert_eq!(c.cmd(&["GET", "k1"]), b"$1\r\nv\r\n");
    assert_eq!(c.cmd(&["GET", "nosuch"]), b"$-1\r\n");
    let after = scrape(&maddr, &server.dir);
    let grew = |s: &Scrape, name: &str| s.value(name, &[]);
    assert!(
        grew(&after, "redis_commands_processed_total")
            - grew(&before, "redis_commands_processed_total")
            >= N as f64,
        "{}",
        after.text
    );
    assert!(
        keyspace_handled(&after) - keyspace_handled(&before) >= N as f64,
        "{}",
        after.text
    );
    assert!(
        after.value(
            "redactor_mailbox_sent_total",
            &[("actor", "keyspace"), ("name", "keyspace/0")]
        ) >= keyspace_handled(&after)
    );
    assert_eq!(after.value("redis_db_keys", &[("db", "db0")]), N as f64);
    assert_eq!(
        after.value("redis_db_keys_expiring", &[("db", "db0")]),
        N.div_ceil(3) as f64
    );
    assert!(grew(&after, "redis_keyspace_hits_total") >= 1.0);
    assert!(grew(&after, "redis_keyspace_misses_total") >= 1.0);
    assert!(
        grew(&after, "redis_net_input_bytes_total") > grew(&before, "redis_net_input_bytes_total")
    );
    // Connections are counted per mailbox too.
    assert!(!after.all("redactor_mailbox_handled_total").is_empty());
    assert!(after
        .all("redactor_mailbox_handled_total")
        .iter()
        .any(|(_, l, _)| l.iter().any(|(k, v)| k == "actor" && v == "conn")));
}

#[test]
fn config_set_moves_the_endpoint_and_rewrite_keeps_it() {
    let dir = TempDir::new("metrics-conf");
    let port = free_port(HOST);
    let mport = free_port(HOST);
    let conf = dir.path().join("redis.conf");
    std::fs::write(
        &conf,
        format!(
            "port {port}\nbind {HOST}\nsave \"\"\nmetrics-port {mport}\ndir {}\n",
            dir.path().display()
        ),
    )
    .expect("write config");
    let server = Server::builder(common::Kind::Redactor)
        .config(&conf)
        .start();
    let first = scrape(&format!("{HOST}:{mport}"), &server.dir);
    assert_eq!(first.value("redis_up", &[]), 1.0);
    let mut c = server.client();
    let moved = free_port(HOST);
    assert_eq!(
        c.cmd(&["CONFIG", "SET", "metrics-port", &moved.to_string()]),
        b"+OK\r\n"
    );
    assert_eq!(
        scrape(&format!("{HOST}:{moved}"), &server.dir).value("redis_up", &[]),
        1.0
    );
    // The old socket closes once its actor stops.
    let deadline = Instant::now() + IO_TIMEOUT;
    while TcpStream::connect((HOST, mport)).is_ok() {
        assert!(Instant::now() < deadline, "{mport} still listening");
        std::thread::sleep(Duration::from_millis(20));
    }
    // A port that cannot be bound is refused, and nothing changes.
    let taken = std::net::TcpListener::bind((HOST, 0)).expect("bind");
    let taken_port = taken.local_addr().expect("addr").port();
    let reply = String::from_utf8_lossy(&c.cmd(&[
        "CONFIG",
        "SET",
        "metrics-port",
        &taken_port.to_string(),
    ]))
    .into_owned();
    assert!(
        reply.starts_with("-ERR CONFIG SET failed (possibly related to argument 'metrics-port')"),
        "{reply}"
    );
    assert!(
        String::from_utf8_lossy(&c.cmd(&["CONFIG", "GET", "metrics-port"]))
            .ends_with(&format!("{moved}\r\n"))
    );
    assert_eq!(c.cmd(&["CONFIG", "REWRITE"]), b"+OK\r\n");
    let text = std::fs::read_to_string(&conf).expect("read config");
    assert!(
        text.contains(&format!("\nmetrics-port {moved}\n")),
        "{text}"
    );
    // Port 0 turns it off.
    assert_eq!(c.cmd(&["CONFIG", "SET", "metrics-port", "0"]), b"+OK\r\n");
    let deadline = Instant::now() + IO_TIMEOUT;
    while TcpStream::connect((HOST, moved)).is_ok() {
        assert!(Instant::now() < deadline, "{moved} still listening");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A client that pipelines big replies and never reads them: the replies pile up in its
/// output buffer (or its connection's mailbox), and the scrape shows it.
#[test]
fn a_slow_consumer_shows_a_backlog() {
    let (server, mport) = server_with_metrics();
    let maddr = format!("{HOST}:{mport}");
    let mut c = server.client();
    let big = "x".repeat(512 * 1024);
    assert_eq!(c.cmd(&["SET", "big", &big]), b"+OK\r\n");
    let mut slow = TcpStream::connect(server.addr()).expect("connect");
    let mut pipeline = Vec::new();
    for _ in 0..128 {
        pipeline.extend_from_slice(b"*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n");
    }
    slow.write_all(&pipeline).expect("pipeline");
    let backlog = poll_until(
        Duration::from_secs(15),
        Duration::from_millis(50),
        "no backlog seen for a client that does not read:",
        || {
            let s = scrape(&maddr, &server.dir);
            let obuf = s.value("redactor_clients_output_buffer_bytes", &[]);
            let max_obuf = s.value("redis_client_recent_max_output_buffer_bytes", &[]);
            let conn_queued: f64 = s
                .all("redactor_mailbox_queued")
                .iter()
                .filter(|(_, l, _)| l.iter().any(|(k, v)| k == "actor" && v == "conn"))
                .map(|s| s.2)
                .sum();
            if obuf > 1_000_000.0 || conn_queued > 0.0 {
                assert!(max_obuf > 0.0 || conn_queued > 0.0, "{}", s.text);
                return Ok((obuf, conn_queued));
            }
            Err(s.text)
        },
    );
    eprintln!(
        "backlog: output buffers {} bytes, conn mailboxes {} queued",
        backlog.0, backlog.1
    );
    // Once the client reads everything, the backlog drains.
    slow.set_read_timeout(Some(IO_TIMEOUT)).expect("timeout");
    let want = 128 * (big.len() + "$524288\r\n\r\n".len());
    let mut got = 0;
    let mut buf = vec![0u8; 1 << 20];
    while got < want {
        let n = slow.read(&mut buf).expect("read replies");
        assert!(n > 0, "closed after {got} of {want} bytes");
        got += n;
    }
    poll_until(
        IO_TIMEOUT,
        Duration::from_millis(50),
        "backlog did not drain:",
        || {
            let s = scrape(&maddr, &server.dir);
            if s.value("redactor_clients_output_buffer_bytes", &[]) == 0.0 {
                return Ok(());
            }
            Err(s.text)
        },
    );
}

/// A `redactor-sentinel` process, stopped by pid on drop.
struct SentinelProcess {
    child: Child,
    dir: TempDir,
}

impl Drop for SentinelProcess {
    fn drop(&mut self) {
        // SAFETY: kill on the pid of the child we started and have not yet reaped.
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGTERM);
        }
        let deadline = Instant::now() + IO_TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl SentinelProcess {
    fn output(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("sentinel.out")).unwrap_or_default()
    }
}

#[test]
fn a_sentinel_scrape_shows_its_master() {
    let master = Server::redactor(&["--save", "", "--appendonly", "no"]);
    let dir = TempDir::new("metrics-sentinel");
    let port = free_port(HOST);
    let mport = free_port(HOST);
    let conf = dir.path().join("sentinel.conf");
    std::fs::write(
        &conf,
        format!(
            "port {port}\nbind {HOST}\ndir {}\nmetrics-port {mport}\n\
             sentinel monitor mymaster {HOST} {} 1\n\
             sentinel down-after-milliseconds mymaster 2000\n",
            dir.path().display(),
            master.port
        ),
    )
    .expect("write sentinel.conf");
    let out = std::fs::File::create(dir.path().join("sentinel.out")).expect("out file");
    let child = Command::new(redactor_sentinel_bin())
        .arg(&conf)
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(out.try_clone().expect("clone"))
        .stderr(out)
        .spawn()
        .expect("start redactor-sentinel");
    let sentinel = SentinelProcess { child, dir };
    let maddr = format!("{HOST}:{mport}");
    let address = format!("{HOST}:{}", master.port);
    let s = poll_until(
        Duration::from_secs(20),
        Duration::from_millis(100),
        "the Sentinel's scrape never showed mymaster ok",
        || {
            if http_get(&maddr, "/metrics").is_ok() {
                let s = scrape(&maddr, &sentinel.dir);
                let ok = s.get(
                    "redis_sentinel_master_status",
                    &[("master_name", "mymaster"), ("master_address", &address)],
                );
                if ok == Some(1.0) {
                    return Ok(s);
                }
            }
            Err(sentinel.output())
        },
    );
    assert_eq!(s.value("redis_up", &[]), 1.0);
    assert_eq!(s.value("redis_sentinel_masters", &[]), 1.0);
    assert_eq!(s.value("redis_sentinel_tilt", &[]), 0.0);
    assert_eq!(
        s.value(
            "redis_sentinel_master_slaves",
            &[("master_name", "mymaster")]
        ),
        0.0
    );
    assert_eq!(
        s.value(
            "redis_sentinel_master_ok_slaves",
            &[("master_name", "mymaster")]
        ),
        0.0
    );
    assert_eq!(
        s.value(
            "redis_sentinel_master_sentinels",
            &[("master_name", "mymaster")]
        ),
        1.0
    );
    assert_eq!(
        s.value("redis_instance_info", &[("redis_mode", "sentinel")]),
        1.0
    );
    assert!(s.get("redis_commands_processed_total", &[]).is_none());
    assert!(
        s.all("redactor_mailbox_handled_total")
            .iter()
            .any(|(_, l, _)| l.iter().any(|(k, v)| k == "actor" && v == "sentinel")),
        "{}",
        s.text
    );
    // Stopping the master turns its status to 0 once it is subjectively down.
    drop(master);
    poll_until(
        Duration::from_secs(20),
        Duration::from_millis(200),
        "mymaster never went down in the scrape",
        || {
            let s = scrape(&maddr, &sentinel.dir);
            let status = s.get(
                "redis_sentinel_master_status",
                &[("master_name", "mymaster")],
            );
            if status == Some(0.0) {
                return Ok(());
            }
            Err(s.text)
        },
    );
}

/// A master and its replica: the master lists the replica with its offset and lag, the replica
/// reports its link up.
#[test]
fn replication_figures_on_master_and_replica() {
    let (master, master_mport) = server_with_metrics();
    let replica_mport = free_port(HOST);
    let replica = Server::redactor(&[
        "--save",
        "",
        "--appendonly",
        "no",
        "--metrics-port",
        &replica_mport.to_string(),
        "--replicaof",
        HOST,
        &master.port.to_string(),
    ]);
    let mut c = master.client();
    assert_eq!(c.cmd(&["SET", "k", "v"]), b"+OK\r\n");
    let replica_port = replica.port.to_string();
    let slave = [("slave_ip", HOST), ("slave_port", replica_port.as_str())];
    let (m, r) = poll_until(
        Duration::from_secs(20),
        Duration::from_millis(100),
        "replication never showed in the scrapes",
        || {
            let m = scrape(&format!("{HOST}:{master_mport}"), &master.dir);
            let r = scrape(&format!("{HOST}:{replica_mport}"), &replica.dir);
            let done = m.get("redis_connected_slaves", &[]) == Some(1.0)
                && m.get("redis_connected_slave_offset_bytes", &slave)
                    == m.get("redis_master_repl_offset", &[])
                && r.get("redis_master_link_up", &[]) == Some(1.0)
                && r.get("redis_db_keys", &[("db", "db0")]) == Some(1.0);
            if done {
                return Ok((m, r));
            }
            Err(format!(
                "--- master ---\n{}\n--- replica ---\n{}",
                m.text, r.text
            ))
        },
    );
    assert!(m.get("redis_connected_slave_lag_seconds", &slave).is_some());
    assert!(m.get("redis_master_link_up", &[]).is_none());
    assert_eq!(r.value("redis_instance_info", &[("role", "slave")]), 1.0);
    assert_eq!(m.value("redis_instance_info", &[("role", "master")]), 1.0);
    // The replication actors' mailboxes count both ends of every message.
    let link = format!("replica-link/{HOST}:{replica_port}");
    let master_link = format!("master-link/{HOST}:{}", master.port);
    for (s, name) in [
        (&m, link.as_str()),
        (&m, "backlog/0"),
        (&m, "keyspace/0"),
        (&r, master_link.as_str()),
        (&r, "keyspace/0"),
    ] {
        let who = [("name", name)];
        let (sent, handled) = (
            s.value("redactor_mailbox_sent_total", &who),
            s.value("redactor_mailbox_handled_total", &who),
        );
        assert!(sent > 0.0 && handled <= sent, "{name}: {}", s.text);
    }
}

/// `MAILBOX GET keyspace/0` through redis-cli: its field/value lines as pairs.
fn cli_mailbox_get(server: &Server, name: &str) -> HashMap<String, f64> {
    let mut cmd = Command::new(common::redis_cli_bin());
    cmd.args(["-h", &server.host, "-p", &server.port.to_string()])
        .args(["MAILBOX", "GET", name]);
    let out = run_command(&mut cmd, IO_TIMEOUT);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "redis-cli: {text}");
    let lines: Vec<&str> = text.lines().collect();
    lines
        .chunks(2)
        .map(|kv| {
            let v = kv.get(1).and_then(|v| v.parse().ok());
            (kv[0].to_string(), v.unwrap_or_else(|| panic!("{text}")))
        })
        .collect()
}

/// The keyspace kept busy by `DEBUG SLEEP 1.5` while three clients wait behind it (the whole
/// process sleeps, as Redis does): afterwards the keyspace's mailbox shows the handling time
/// and the queue that built up, read through the HTTP endpoint, redis-cli (MAILBOX GET, RESP2)
/// and redis-py (MAILBOX GET in RESP3, INFO mailboxes).
#[test]
fn a_busy_keyspace_shows_handling_time_and_its_queue() {
    let mport = free_port(HOST);
    let server = Server::redactor(&[
        "--save",
        "",
        "--appendonly",
        "no",
        "--enable-debug-command",
        "yes",
        "--metrics-port",
        &mport.to_string(),
    ]);
    let maddr = format!("{HOST}:{mport}");
    let mut admin = server.client();
    assert_eq!(admin.cmd(&["MAILBOX", "RESET"]), b"+OK\r\n");
    let before = cli_mailbox_get(&server, "keyspace/0");
    assert!(before["max_us"] < 1_000_000.0, "{before:?}");
    let mut sleeper = server.client();
    sleeper.send(&[b"DEBUG", b"SLEEP", b"1.5"]);
    std::thread::sleep(Duration::from_millis(200));
    let mut waiting: Vec<_> = (0..3).map(|_| server.client()).collect();
    for c in &mut waiting {
        c.send(&[b"SET", b"k", b"v"]);
    }
    assert_eq!(sleeper.read_reply(), b"+OK\r\n");
    for c in &mut waiting {
        assert_eq!(c.read_reply(), b"+OK\r\n");
    }

    let s = scrape(&maddr, &server.dir);
    let ks = [("actor", "keyspace"), ("name", "keyspace/0")];
    assert!(
        s.value("redactor_mailbox_handling_seconds_max", &ks) >= 1.4,
        "{}",
        s.text
    );
    assert!(
        s.value("redactor_mailbox_busy_seconds_total", &ks) >= 1.4,
        "{}",
        s.text
    );
    assert!(
        s.value("redactor_mailbox_queued_max", &ks) >= 3.0,
        "{}",
        s.text
    );
    assert_eq!(s.value("redactor_mailbox_queued", &ks), 0.0, "{}", s.text);
    assert_eq!(
        s.value("redactor_mailbox_oldest_wait_seconds", &ks),
        0.0,
        "{}",
        s.text
    );

    let cli = cli_mailbox_get(&server, "keyspace/0");
    assert!(cli["max_us"] >= 1_400_000.0, "{cli:?}");
    assert!(cli["max_queued"] >= 3.0, "{cli:?}");
    assert!(cli["handled"] <= cli["sent"], "{cli:?}");

    let script = r#"
import sys, redis
r = redis.Redis(host=sys.argv[1], port=int(sys.argv[2]), protocol=3, decode_responses=True)
got = r.execute_command("MAILBOX", "GET", "keyspace/0")
assert isinstance(got, dict), got
assert got["max_us"] >= 1.4e6 and got["max_queued"] >= 3, got
info = r.info("mailboxes")
line = info["mailbox_keyspace/0"]
assert line["max_queued"] >= 3 and line["max_us"] >= 1.4e6, line
assert info["kind_keyspace"]["instances"] == 1, info
print("REDIS-PY-MAILBOX-OK")
"#;
    let mut cmd = Command::new("python3");
    cmd.args(["-c", script, &server.host, &server.port.to_string()]);
    let out = run_command(&mut cmd, PARSE_TIMEOUT);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("REDIS-PY-MAILBOX-OK"),
        "redis-py: {}\n{}",
        stdout,
        String::from_utf8_lossy(&out.stderr)
    );
}
