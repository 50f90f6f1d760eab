//! Sentinel topologies: a master and two replicas (each started from its own config file,
//! because Sentinel's reconfiguration ends in `CONFIG REWRITE`) watched by Sentinels (each
//! with its own writable config file), every process on its own loopback address.
//!
//! Each process has a [`Flavor`]: Redactor's binaries or the real `redis-server` /
//! `redis-sentinel` from PATH, so one test body runs all-real (which proves the test) and
//! with any mix.
//!
//! Servers are [`Node`]s (restartable in place, with topology.rs's bounded INFO waits);
//! Sentinels are [`Sentinel`]s. [`Events`] collects a Sentinel's pub/sub events with their
//! arrival time. Every wait is bounded and panics with what it saw last.

mod scenarios;
#[allow(unused_imports)]
pub use scenarios::*;

use super::dataset::s;
use super::topology::{self, field, wait_for, Node, Setup, PASS};
use super::{
    encode_command, escape, frame_len, free_port, redactor_sentinel_bin, Client, Frame, Kind,
    Outcome, Server, TempDir,
};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

pub const MASTER_NAME: &str = "mymaster";
/// Every wait of a test for a Sentinel-driven change.
pub const WAIT: Duration = Duration::from_secs(60);

pub const SETUP: Setup = Setup {
    dir_prefix: "sentinel-node",
    auth: true,
    source_addr: true,
    // A restarted old master is converted only at a Sentinel's next INFO (10 s period),
    // then it syncs.
    link_timeout: WAIT,
    sync_timeout: WAIT,
    dbs: &["0"],
    encoding: false,
};

/// Which binaries a process runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    Redactor,
    Real,
}

impl Flavor {
    pub fn kind(self) -> Kind {
        match self {
            Flavor::Redactor => Kind::Redactor,
            Flavor::Real => Kind::Redis,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Flavor::Redactor => "redactor",
            Flavor::Real => "redis",
        }
    }

    fn sentinel_program(self) -> PathBuf {
        match self {
            Flavor::Redactor => redactor_sentinel_bin(),
            Flavor::Real => PathBuf::from(
                std::env::var("REDIS_SENTINEL").unwrap_or_else(|_| "redis-sentinel".into()),
            ),
        }
    }

    /// `redactor-server` / `redis-server`, for Sentinels started as `<server> <conf> --sentinel`.
    fn server_program(self) -> PathBuf {
        self.kind().program()
    }
}

/// False (after a loud message) when a real binary the test needs is not installed.
pub fn available(flavors: &[Flavor]) -> bool {
    if !flavors.contains(&Flavor::Real) {
        return true;
    }
    for prog in [
        Flavor::Real.server_program(),
        Flavor::Real.sentinel_program(),
    ] {
        let ok = Command::new(&prog)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|st| st.success());
        if !ok {
            eprintln!(
                "\n*** SKIPPED: {} is not installed; this test needs the real Redis 7.0 ***\n",
                prog.display()
            );
            return false;
        }
    }
    true
}

/// The loopback addresses of a test file (distinct per file, so that files running at the
/// same time never share an address and port).
#[derive(Clone, Copy, Debug)]
pub struct Hosts {
    pub servers: [&'static str; 3],
    pub sentinels: [&'static str; 3],
}

/// The child gets SIGKILL if the test thread that started it goes away.
pub fn die_with_parent(cmd: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: prctl is async-signal-safe; nothing is allocated in the closure.
    unsafe {
        cmd.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong);
            Ok(())
        });
    }
}

fn read_lossy(path: &Path) -> String {
    std::fs::read(path)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------
// Servers
// ---------------------------------------------------------------------------

pub fn conf_path(node: &Node) -> PathBuf {
    node.data.path().join("redis.conf")
}

/// A server node started from `<data>/redis.conf`, a replica of `master` if given.
pub fn start_server(flavor: Flavor, host: &str, master: Option<(&str, u16)>) -> Node {
    let port = free_port(host);
    let mut node = Node {
        setup: SETUP,
        kind: flavor.kind(),
        host: host.to_string(),
        port,
        data: TempDir::new(SETUP.dir_prefix),
        // The harness adds a bind, port and dir unless the command line has them.
        args: s(&["--bind", host, "--port", &port.to_string()]),
        server: None,
    };
    let dir = node.data.path().display().to_string();
    node.args.extend(s(&["--dir", &dir]));
    let mut conf = format!(
        "bind {host}\nport {port}\ndir {dir}\nrequirepass {PASS}\nmasterauth {PASS}\n\
         bind-source-addr {host}\nprotected-mode no\nsave \"\"\nappendonly no\n\
         repl-diskless-sync-delay 0\n"
    );
    if let Some((mh, mp)) = master {
        let _ = writeln!(conf, "replicaof {mh} {mp}");
    }
    std::fs::write(conf_path(&node), conf).expect("write server config");
    launch(&mut node);
    node
}

/// (Re)starts a node from its config file, as it is on disk now.
pub fn launch(node: &mut Node) {
    assert!(node.server.is_none(), "{} already running", node.name());
    node.server = Some(
        Server::builder(node.kind)
            .config(conf_path(node))
            .args(&node.args)
            .start(),
    );
}

/// The `replicaof` lines of a node's config file.
pub fn replicaof_lines(node: &Node) -> Vec<String> {
    read_lossy(&conf_path(node))
        .lines()
        .filter(|l| l.starts_with("replicaof ") || l.starts_with("slaveof "))
        .map(str::to_string)
        .collect()
}

/// Waits until the node's config file says `replicaof <master>` (or, with `None`, has no
/// `replicaof` line): Sentinel's `CONFIG REWRITE` after `SLAVEOF`.
pub fn wait_conf_replicaof(node: &Node, master: Option<(&str, u16)>) {
    let want: Vec<String> = master
        .map(|(h, p)| vec![format!("replicaof {h} {p}")])
        .unwrap_or_default();
    wait_for(&format!("config file of {}", node.name()), WAIT, || {
        let got = replicaof_lines(node);
        if got == want {
            Ok(())
        } else {
            Err(format!(
                "want {want:?}, file has {got:?}:\n{}",
                read_lossy(&conf_path(node))
            ))
        }
    });
}

pub fn role_of(node: &Node) -> String {
    node.repl("role")
}

// ---------------------------------------------------------------------------
// Sentinels
// ---------------------------------------------------------------------------

/// A Sentinel process with its own dir and config file, stopped by pid on drop.
pub struct Sentinel {
    pub flavor: Flavor,
    pub host: String,
    pub port: u16,
    pub dir: TempDir,
    pub conf: PathBuf,
    /// Started as `<server> <conf> --sentinel` rather than `<sentinel> <conf>`.
    pub via_server: bool,
    child: Option<Child>,
}

impl Sentinel {
    /// A Sentinel on `host:port` whose config file is `text(dir)`, in a fresh dir.
    pub fn from_text(
        flavor: Flavor,
        host: &str,
        port: u16,
        text: impl FnOnce(&str) -> String,
    ) -> Sentinel {
        let dir = TempDir::new("sentinel");
        let conf = dir.path().join("sentinel.conf");
        let text = text(&dir.path().display().to_string());
        std::fs::write(&conf, text).expect("write sentinel config");
        let mut s = Sentinel {
            flavor,
            host: host.to_string(),
            port,
            dir,
            conf,
            via_server: false,
            child: None,
        };
        s.launch();
        s
    }

    pub fn start(flavor: Flavor, host: &str, master: (&str, u16), via_server: bool) -> Sentinel {
        let port = free_port(host);
        let dir = TempDir::new("sentinel");
        let d = dir.path().display().to_string();
        let conf = dir.path().join("sentinel.conf");
        let (mh, mp) = master;
        let text = format!(
            "port {port}\nbind {host}\nprotected-mode no\ndir {d}\nlogfile {d}/sentinel.log\n\
             sentinel announce-ip {host}\n\
             sentinel monitor {MASTER_NAME} {mh} {mp} 2\n\
             sentinel auth-pass {MASTER_NAME} {PASS}\n\
             sentinel down-after-milliseconds {MASTER_NAME} 1000\n\
             sentinel failover-timeout {MASTER_NAME} 10000\n\
             sentinel parallel-syncs {MASTER_NAME} 1\n\
             sentinel deny-scripts-reconfig yes\n"
        );
        std::fs::write(&conf, text).expect("write sentinel config");
        let mut s = Sentinel {
            flavor,
            host: host.to_string(),
            port,
            dir,
            conf,
            via_server,
            child: None,
        };
        s.launch();
        s
    }

    pub fn name(&self) -> String {
        let how = if self.via_server {
            " (server --sentinel)"
        } else {
            ""
        };
        format!(
            "{}-sentinel{how} {}:{}",
            self.flavor.name(),
            self.host,
            self.port
        )
    }

    pub fn addr(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    fn launch(&mut self) {
        let mut cmd = if self.via_server {
            let mut c = Command::new(self.flavor.server_program());
            c.arg(&self.conf).arg("--sentinel");
            c
        } else {
            let mut c = Command::new(self.flavor.sentinel_program());
            c.arg(&self.conf);
            c
        };
        let out = |n: &str| {
            std::fs::File::create(self.dir.path().join(n))
                .map(Stdio::from)
                .unwrap_or_else(|_| Stdio::null())
        };
        cmd.current_dir(self.dir.path())
            .stdin(Stdio::null())
            .stdout(out("stdout.txt"))
            .stderr(out("stderr.txt"));
        die_with_parent(&mut cmd);
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", self.name()));
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(st) = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                panic!(
                    "{} exited during startup ({st})\n{}",
                    self.name(),
                    self.diagnostics()
                );
            }
            if let Ok(mut c) = Client::connect(&self.addr()) {
                c.timeout = Duration::from_secs(1);
                c.send(&[b"PING"]);
                if matches!(c.read_outcome(), Outcome::Reply(r) if r == b"+PONG\r\n") {
                    return;
                }
            }
            if Instant::now() >= deadline {
                panic!(
                    "{} did not answer PING within 10 s\n{}",
                    self.name(),
                    self.diagnostics()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// SIGKILL by pid and reap; the dir and config stay for a later [`Sentinel::restart`].
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    pub fn restart(&mut self) {
        self.kill();
        self.launch();
    }

    pub fn c(&self) -> Client {
        Client::connect(&self.addr()).unwrap_or_else(|e| {
            panic!(
                "cannot connect to {}: {e}\n{}",
                self.name(),
                self.diagnostics()
            )
        })
    }

    pub fn cmd(&self, args: &[&str]) -> Frame {
        let raw = self.c().cmd(args);
        Frame::parse(&raw)
            .unwrap_or_else(|e| panic!("{args:?} on {}: {e}: {}", self.name(), escape(&raw)))
    }

    pub fn cmd_str(&self, args: &[&str]) -> String {
        self.c().cmd_str(args)
    }

    /// `SENTINEL MASTER mymaster` as a field map.
    pub fn master(&self) -> Result<HashMap<String, String>, String> {
        let f = self.cmd(&["SENTINEL", "MASTER", MASTER_NAME]);
        pairs(&f).ok_or_else(|| {
            format!(
                "SENTINEL MASTER on {}: {}",
                self.name(),
                escape(&f.encode())
            )
        })
    }

    /// `SENTINEL REPLICAS` / `SENTINELS mymaster`: one field map per instance.
    pub fn instances(&self, what: &str) -> Vec<HashMap<String, String>> {
        let f = self.cmd(&["SENTINEL", what, MASTER_NAME]);
        f.items()
            .and_then(|items| items.iter().map(pairs).collect::<Option<Vec<_>>>())
            .unwrap_or_else(|| {
                panic!(
                    "SENTINEL {what} on {}: {}",
                    self.name(),
                    escape(&f.encode())
                )
            })
    }

    /// `SENTINEL GET-MASTER-ADDR-BY-NAME mymaster` as `ip:port`.
    pub fn master_addr(&self) -> String {
        let f = self.cmd(&["SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME]);
        match f.items().map(|i| i.iter().map(text_of).collect::<Vec<_>>()) {
            Some(v) if v.len() == 2 => format!("{}:{}", v[0], v[1]),
            _ => panic!(
                "GET-MASTER-ADDR-BY-NAME on {}: {}",
                self.name(),
                escape(&f.encode())
            ),
        }
    }

    pub fn myid(&self) -> String {
        text_of(&self.cmd(&["SENTINEL", "MYID"]))
    }

    pub fn conf_text(&self) -> String {
        read_lossy(&self.conf)
    }

    /// Config, log and output tails, for failure messages.
    pub fn diagnostics(&self) -> String {
        let mut out = format!("--- {} (pid {:?}) ---\n", self.name(), self.pid());
        for f in ["stdout.txt", "stderr.txt", "sentinel.log", "sentinel.conf"] {
            let t = read_lossy(&self.dir.path().join(f));
            if !t.is_empty() {
                let _ = writeln!(out, "--- {f} (tail) ---\n{}", super::tail(&t, 60));
            }
        }
        out
    }
}

impl Drop for Sentinel {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            if let Ok(None) = c.try_wait() {
                // SAFETY: kill(2) on the pid of our own child, not yet reaped.
                unsafe {
                    libc::kill(c.id() as libc::pid_t, libc::SIGTERM);
                }
                let deadline = Instant::now() + Duration::from_secs(5);
                while Instant::now() < deadline && matches!(c.try_wait(), Ok(None)) {
                    std::thread::sleep(Duration::from_millis(20));
                }
                let _ = c.kill();
            }
            let _ = c.wait();
        }
        if std::thread::panicking() {
            eprintln!("{}", self.diagnostics());
        }
    }
}

pub fn text_of(f: &Frame) -> String {
    f.as_bytes()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default()
}

/// A flat field/value array (RESP2) or a map (RESP3) as a map.
pub fn pairs(f: &Frame) -> Option<HashMap<String, String>> {
    let items = f.items()?;
    if items.len() % 2 != 0 {
        return None;
    }
    Some(
        items
            .chunks(2)
            .map(|kv| (text_of(&kv[0]), text_of(&kv[1])))
            .collect(),
    )
}

// ---------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------

#[derive(Clone, Debug)]
pub struct Event {
    pub at: Instant,
    pub channel: String,
    pub message: String,
}

/// A `PSUBSCRIBE *` connection to one Sentinel, read by a thread until dropped.
pub struct Events {
    pub sentinel: String,
    seen: Arc<Mutex<Vec<Event>>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Events {
    pub fn subscribe(s: &Sentinel) -> Events {
        let stream = TcpStream::connect(s.addr())
            .unwrap_or_else(|e| panic!("cannot connect to {}: {e}", s.name()));
        let mut stream = stream;
        stream
            .write_all(&encode_command(&[b"PSUBSCRIBE", b"*"]))
            .expect("send PSUBSCRIBE");
        let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (seen2, stop2) = (seen.clone(), stop.clone());
        // Own reader rather than Client: a read timeout must not drop a partial frame.
        let thread = std::thread::spawn(move || {
            let mut buf = Vec::new();
            let mut chunk = [0u8; 8192];
            while !stop2.load(Ordering::Relaxed) {
                match stream.read(&mut chunk) {
                    Ok(0) => break,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    Err(e)
                        if matches!(
                            e.kind(),
                            io::ErrorKind::WouldBlock
                                | io::ErrorKind::TimedOut
                                | io::ErrorKind::Interrupted
                        ) =>
                    {
                        continue
                    }
                    Err(_) => break,
                }
                let at = Instant::now();
                while let Ok(Some(n)) = frame_len(&buf) {
                    let rest = buf.split_off(n);
                    let raw = std::mem::replace(&mut buf, rest);
                    let items: Vec<String> = Frame::parse(&raw)
                        .ok()
                        .as_ref()
                        .and_then(Frame::items)
                        .map(|i| i.iter().map(text_of).collect())
                        .unwrap_or_default();
                    let event = match items.as_slice() {
                        [kind, _, ch, msg] if kind == "pmessage" => (ch.clone(), msg.clone()),
                        _ => ("<reply>".to_string(), escape(&raw)),
                    };
                    seen2.lock().unwrap().push(Event {
                        at,
                        channel: event.0,
                        message: event.1,
                    });
                }
            }
        });
        let events = Events {
            sentinel: s.name(),
            seen,
            stop,
            thread: Some(thread),
        };
        // Subscribed before the caller goes on to cause events.
        events.wait("<reply>", "psubscribe", Duration::from_secs(5));
        events
    }

    pub fn all(&self) -> Vec<Event> {
        self.seen.lock().unwrap().clone()
    }

    pub fn find(&self, channel: &str, contains: &str) -> Option<Event> {
        self.all()
            .into_iter()
            .find(|e| e.channel == channel && e.message.contains(contains))
    }

    /// Waits for an event on `channel` whose message contains `contains`.
    pub fn wait(&self, channel: &str, contains: &str, timeout: Duration) -> Event {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(e) = self.find(channel, contains) {
                return e;
            }
            if Instant::now() >= deadline {
                panic!(
                    "{}: no `{channel}` event containing {contains:?} within {timeout:?}; events seen:\n{}",
                    self.sentinel,
                    self.dump(None)
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Every event seen, one per line, with its time relative to `t0` (default: the first).
    pub fn dump(&self, t0: Option<Instant>) -> String {
        let all = self.all();
        let t0 = t0.or(all.first().map(|e| e.at));
        all.iter()
            .map(|e| {
                let dt = t0
                    .map(|t| e.at.saturating_duration_since(t))
                    .unwrap_or_default();
                format!("  +{:>7.3}s {} {}", dt.as_secs_f64(), e.channel, e.message)
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl Drop for Events {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

// ---------------------------------------------------------------------------
// Topologies
// ---------------------------------------------------------------------------

/// How one Sentinel is started.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    pub flavor: Flavor,
    /// `<server> <conf> --sentinel` instead of `<sentinel> <conf>`.
    pub via_server: bool,
}

/// Three Sentinels of one flavor, started by their sentinel binary.
pub fn three(flavor: Flavor) -> Vec<Spec> {
    vec![
        Spec {
            flavor,
            via_server: false
        };
        3
    ]
}

/// How many clusters of one test binary run at once. Each is six processes (debug builds
/// for Redactor) judged at `down-after-milliseconds 1000`; a loaded 2-core machine running
/// all of a file's tests at once can starve an instance for a second, and a Sentinel then
/// rightly calls it down.
const CLUSTERS_AT_ONCE: usize = 2;

static RUNNING: (Mutex<usize>, Condvar) = (Mutex::new(0), Condvar::new());

/// A place among the [`CLUSTERS_AT_ONCE`]; given back on drop.
pub struct Slot(());

impl Slot {
    pub fn take() -> Slot {
        let (lock, cv) = &RUNNING;
        let mut n = lock.lock().unwrap_or_else(|e| e.into_inner());
        while *n >= CLUSTERS_AT_ONCE {
            n = cv.wait(n).unwrap_or_else(|e| e.into_inner());
        }
        *n += 1;
        Slot(())
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let (lock, cv) = &RUNNING;
        let mut n = lock.lock().unwrap_or_else(|e| e.into_inner());
        *n -= 1;
        cv.notify_one();
    }
}

/// A master (`nodes[0]` at first), two replicas and the Sentinels watching them.
pub struct Cluster {
    pub nodes: Vec<Node>,
    pub sentinels: Vec<Sentinel>,
    /// Dropped last: the processes above are gone by then.
    _slot: Slot,
}

impl Cluster {
    /// A cluster started by the caller, holding `slot` (taken before starting it).
    pub fn of(nodes: Vec<Node>, sentinels: Vec<Sentinel>, slot: Slot) -> Cluster {
        Cluster {
            nodes,
            sentinels,
            _slot: slot,
        }
    }

    /// `None` (after a loud message) when a real binary is missing.
    pub fn start(hosts: Hosts, servers: Flavor, specs: &[Spec]) -> Option<Cluster> {
        let mut flavors: Vec<Flavor> = specs.iter().map(|s| s.flavor).collect();
        flavors.push(servers);
        if !available(&flavors) {
            return None;
        }
        let slot = Slot::take();
        let master = start_server(servers, hosts.servers[0], None);
        let m = (master.host.clone(), master.port);
        let mut nodes = vec![master];
        for h in &hosts.servers[1..] {
            nodes.push(start_server(servers, h, Some((&m.0, m.1))));
        }
        for r in &nodes[1..] {
            topology::wait_link_up(r, &nodes[0]);
        }
        topology::wait_online(&nodes[0], 2);
        let sentinels = specs
            .iter()
            .zip(hosts.sentinels)
            .map(|(sp, h)| Sentinel::start(sp.flavor, h, (&m.0, m.1), sp.via_server))
            .collect();
        Some(Cluster::of(nodes, sentinels, slot))
    }

    pub fn addr(node: &Node) -> String {
        format!("{}:{}", node.host, node.port)
    }

    /// The node at `ip:port`.
    pub fn index_of(&self, addr: &str) -> usize {
        self.nodes
            .iter()
            .position(|n| Cluster::addr(n) == addr)
            .unwrap_or_else(|| panic!("{addr} is none of the test's servers"))
    }

    /// Every Sentinel reports `replicas` replicas and every other Sentinel.
    pub fn wait_discovery(&self, replicas: usize) {
        let others = self.sentinels.len() - 1;
        for s in &self.sentinels {
            wait_for(&format!("discovery by {}", s.name()), WAIT, || {
                let m = s.master()?;
                let got = (m.get("num-slaves"), m.get("num-other-sentinels"));
                if got == (Some(&replicas.to_string()), Some(&others.to_string())) {
                    Ok(())
                } else {
                    Err(format!("SENTINEL MASTER: {m:?}"))
                }
            });
        }
    }

    /// Every Sentinel answers `addr` to GET-MASTER-ADDR-BY-NAME and has rewritten its
    /// `sentinel monitor` line to it.
    pub fn wait_master_everywhere(&self, addr: &str) {
        let monitor = format!(
            "sentinel monitor {MASTER_NAME} {} 2",
            addr.replace(':', " ")
        );
        for s in &self.sentinels {
            wait_for(&format!("{} pointing at {addr}", s.name()), WAIT, || {
                let got = s.master_addr();
                let conf = s.conf_text();
                if got == addr && conf.lines().any(|l| l == monitor) {
                    Ok(())
                } else {
                    Err(format!("GET-MASTER-ADDR-BY-NAME {got}; config:\n{conf}"))
                }
            });
        }
    }

    /// Every Sentinel lists the node at `addr` as a healthy replica (flags exactly `slave`).
    pub fn wait_listed_replica(&self, addr: &str) {
        for s in &self.sentinels {
            wait_for(
                &format!("{} listing replica {addr}", s.name()),
                WAIT,
                || {
                    let reps = s.instances("REPLICAS");
                    let ok = reps.iter().any(|r| {
                        r.get("name").map(String::as_str) == Some(addr)
                            && r.get("flags").map(String::as_str) == Some("slave")
                            && r.get("master-link-status").map(String::as_str) == Some("ok")
                    });
                    if ok {
                        Ok(())
                    } else {
                        Err(format!("SENTINEL REPLICAS: {reps:?}"))
                    }
                },
            );
        }
    }

    /// Every Sentinel ends with the same config epoch (> 0); exactly one Sentinel published
    /// `+elected-leader`, with a majority of that epoch's `+vote-for-leader` (just its own
    /// when `forced`: SENTINEL FAILOVER). Returns the leader's index.
    pub fn check_one_leader(
        &self,
        events: &[Events],
        ids: &[String],
        old_master: &str,
        forced: bool,
    ) -> usize {
        let mut epoch = String::new();
        wait_for("one config epoch on every Sentinel", WAIT, || {
            let e: Vec<String> = self
                .sentinels
                .iter()
                .map(|s| {
                    s.master()
                        .map(|m| m.get("config-epoch").cloned().unwrap_or_default())
                })
                .collect::<Result<_, _>>()?;
            epoch = e[0].clone();
            if e.iter().all(|x| *x == e[0]) && e[0] != "0" {
                Ok(())
            } else {
                Err(format!("config-epoch per Sentinel: {e:?}"))
            }
        });
        // Two Sentinels may become candidates in the same epoch (each votes for itself);
        // what must hold is that one of them, and only one, gets a majority and leads.
        let mut votes: Vec<String> = Vec::new();
        for ev in events {
            for e in ev.all().iter().filter(|e| e.channel == "+vote-for-leader") {
                // redis-sentinel publishes this one without the instance prefix.
                let w: Vec<&str> = e.message.split(' ').collect();
                assert!(
                    w.len() == 2 && w[0].len() == 40 && w[0].bytes().all(|b| b.is_ascii_hexdigit()),
                    "{}: +vote-for-leader payload {:?}, want `<runid> <epoch>`",
                    ev.sentinel,
                    e.message
                );
                if w[1] == epoch {
                    votes.push(w[0].to_string());
                }
            }
        }
        let leaders: Vec<usize> = (0..events.len())
            .filter(|&i| events[i].find("+elected-leader", old_master).is_some())
            .collect();
        assert_eq!(
            leaders.len(),
            1,
            "+elected-leader from {leaders:?} in epoch {epoch} (votes {votes:?}, ids {ids:?})"
        );
        let leader = leaders[0];
        let for_leader = votes.iter().filter(|v| **v == ids[leader]).count();
        // SENTINEL FAILOVER asks nobody: the leader's own vote is the only one.
        let needed = if forced { 1 } else { ids.len() / 2 + 1 };
        assert!(
            for_leader >= needed,
            "{} leads epoch {epoch} with {for_leader} of the votes {votes:?}",
            events[leader].sentinel
        );
        leader
    }

    pub fn events(&self) -> Vec<Events> {
        self.sentinels.iter().map(Events::subscribe).collect()
    }
}
