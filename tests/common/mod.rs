//! Test harness shared by the integration tests.
//!
//! * [`Server`]: starts `redactor-server` (or the reference `redis-server` from
//!   PATH) on a loopback address and a free port, with a private temporary
//!   `--dir`, waits (bounded) until it answers PING, and on drop stops it by pid
//!   (SIGTERM, then SIGKILL after a bounded wait). Its stdout, stderr and log
//!   file are kept for failure messages.
//! * [`Client`]: a raw RESP client over a std `TcpStream` that returns the exact
//!   bytes of one complete reply, found by a self-contained RESP2/RESP3 frame
//!   scanner ([`frame_len`]).
//! * [`Frame`]: a small parsed form of a reply, for the comparisons that must
//!   ignore order or values (sorted, shape-only, integers masked).
//! * [`split_args`]: redis-cli's argument splitting (`sdssplitargs`).
//! * [`run_command`]: runs an external command with a deadline.
//! * [`dataset`]: the "every type and encoding" data set and a per-key dump to compare.
//! * [`topology`]: replication nodes and topologies, with bounded `INFO` waits.
//! * [`script`]: what the two differential harnesses share.
//!
//! Environment:
//! * `REDACTOR_DIFF_SELFTEST=1`: `Server::redactor` starts the reference
//!   `redis-server` instead of our binary, to prove the harness and the scripts.
//! * `REDIS_SERVER` / `REDIS_CLI`: paths of the reference binaries (default:
//!   `redis-server` / `redis-cli` from PATH).

#![allow(dead_code)]

pub mod dataset;
pub mod script;
pub mod sentinels;
pub mod topology;

use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How long a server may take to answer its first PING.
pub const START_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a client waits for one reply.
pub const READ_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a server may take to exit after SIGTERM before it is SIGKILLed.
pub const STOP_TIMEOUT: Duration = Duration::from_secs(5);

/// True when `REDACTOR_DIFF_SELFTEST` is set (to anything but "" or "0"):
/// the "redactor" side is the reference redis-server.
pub fn selftest() -> bool {
    matches!(std::env::var("REDACTOR_DIFF_SELFTEST"), Ok(v) if !v.is_empty() && v != "0")
}

/// Path of the redactor-server binary built by cargo for this test.
pub fn redactor_server_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_redactor-server"))
}

/// Path of the redactor-sentinel binary built by cargo for this test.
pub fn redactor_sentinel_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_redactor-sentinel"))
}

/// The reference redis-server.
pub fn redis_server_bin() -> PathBuf {
    PathBuf::from(std::env::var("REDIS_SERVER").unwrap_or_else(|_| "redis-server".into()))
}

/// The reference redis-cli.
pub fn redis_cli_bin() -> PathBuf {
    PathBuf::from(std::env::var("REDIS_CLI").unwrap_or_else(|_| "redis-cli".into()))
}

/// The repository root (where `configs/` lives).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

// ---------------------------------------------------------------------------
// Temporary directories
// ---------------------------------------------------------------------------

/// A directory under the system temp dir, removed on drop.
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        for _ in 0..100 {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let path = std::env::temp_dir().join(format!(
                "redactor-test-{tag}-{}-{n}-{nanos}",
                std::process::id()
            ));
            match std::fs::create_dir(&path) {
                Ok(()) => return TempDir { path },
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => panic!("cannot create temp dir {}: {e}", path.display()),
            }
        }
        panic!("cannot create a unique temp dir");
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

// ---------------------------------------------------------------------------
// Ports
// ---------------------------------------------------------------------------

fn handed_out_ports() -> &'static Mutex<HashSet<u16>> {
    static PORTS: OnceLock<Mutex<HashSet<u16>>> = OnceLock::new();
    PORTS.get_or_init(|| Mutex::new(HashSet::new()))
}

/// A port that is free on `host` (a loopback address) and on 127.0.0.1, picked
/// below the kernel's ephemeral range (so client sockets do not take it in the
/// meantime) and never handed out twice by this process.
pub fn free_port(host: &str) -> u16 {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    const LOW: u32 = 20_000;
    const SPAN: u32 = 12_000; // 20000..32000, below 32768
    let seed = (std::process::id().wrapping_mul(7919)) % SPAN;
    for _ in 0..SPAN {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let port = (LOW + (seed + n.wrapping_mul(13)) % SPAN) as u16;
        {
            let mut used = handed_out_ports().lock().unwrap_or_else(|e| e.into_inner());
            if used.contains(&port) {
                continue;
            }
            let free = [host, "127.0.0.1"]
                .iter()
                .all(|h| TcpListener::bind((*h, port)).is_ok());
            if free {
                used.insert(port);
                return port;
            }
        }
    }
    panic!("no free port found on {host}");
}

// ---------------------------------------------------------------------------
// Servers
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Our `redactor-server` (or redis-server under `REDACTOR_DIFF_SELFTEST`).
    Redactor,
    /// The reference `redis-server`.
    Redis,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Redactor if selftest() => "redactor(selftest: redis-server)",
            Kind::Redactor => "redactor",
            Kind::Redis => "redis",
        }
    }

    pub fn program(self) -> PathBuf {
        match self {
            Kind::Redactor if !selftest() => redactor_server_bin(),
            _ => redis_server_bin(),
        }
    }
}

/// How to start a server; see [`Server::builder`].
pub struct ServerBuilder {
    kind: Kind,
    config: Option<PathBuf>,
    args: Vec<String>,
    wait_ready: bool,
    cwd: Option<PathBuf>,
}

impl ServerBuilder {
    /// A config file, passed as the first argument.
    pub fn config(mut self, path: impl Into<PathBuf>) -> Self {
        self.config = Some(path.into());
        self
    }

    /// Arguments; `{dir}` in one stands for the server's temp dir.
    pub fn args<S: AsRef<str>>(mut self, args: &[S]) -> Self {
        self.args
            .extend(args.iter().map(|s| s.as_ref().to_string()));
        self
    }

    pub fn arg(mut self, arg: impl Into<String>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Working directory of the process (default: the repository root).
    pub fn cwd(mut self, dir: impl Into<PathBuf>) -> Self {
        self.cwd = Some(dir.into());
        self
    }

    /// Do not wait for PING (for servers expected to fail at startup).
    pub fn no_wait(mut self) -> Self {
        self.wait_ready = false;
        self
    }

    pub fn start(self) -> Server {
        Server::start(self)
    }
}

/// A running server process, stopped (by pid) on drop.
pub struct Server {
    pub kind: Kind,
    pub host: String,
    pub port: u16,
    /// Every address given with `--bind` (or `127.0.0.1`).
    pub binds: Vec<String>,
    pub dir: TempDir,
    pub logfile: Option<PathBuf>,
    pub cmdline: Vec<String>,
    child: Child,
    exit: Option<ExitStatus>,
    stdout_path: PathBuf,
    stderr_path: PathBuf,
}

/// Values that follow `--name` in a redis-server style command line, up to the
/// next `--option`.
fn option_values(args: &[String], name: &str) -> Option<Vec<String>> {
    let pos = args.iter().rposition(|a| a.eq_ignore_ascii_case(name))?;
    Some(
        args[pos + 1..]
            .iter()
            .take_while(|a| !a.starts_with("--"))
            .cloned()
            .collect(),
    )
}

impl Server {
    pub fn builder(kind: Kind) -> ServerBuilder {
        ServerBuilder {
            kind,
            config: None,
            args: Vec::new(),
            wait_ready: true,
            cwd: None,
        }
    }

    /// `redactor-server` with these arguments (plus `--bind 127.0.0.1`, a free
    /// `--port` and a temp `--dir` unless given).
    pub fn redactor<S: AsRef<str>>(args: &[S]) -> Server {
        Server::builder(Kind::Redactor).args(args).start()
    }

    /// The reference `redis-server`, same conventions as [`Server::redactor`].
    pub fn redis<S: AsRef<str>>(args: &[S]) -> Server {
        Server::builder(Kind::Redis).args(args).start()
    }

    fn start(b: ServerBuilder) -> Server {
        let auto_port = option_values(&b.args, "--port").is_none();
        let mut last_failure = String::new();
        // A port picked as free may be taken before the server binds it: retry
        // a few times with another one when we picked it ourselves.
        for _attempt in 0..3 {
            match Server::try_start(&b) {
                Ok(s) => return s,
                Err(msg) => {
                    let retry = auto_port && msg.contains("in use");
                    last_failure = msg;
                    if !retry {
                        break;
                    }
                }
            }
        }
        panic!("{last_failure}");
    }

    fn try_start(b: &ServerBuilder) -> Result<Server, String> {
        let dir = TempDir::new(match b.kind {
            Kind::Redactor => "redactor",
            Kind::Redis => "redis",
        });
        let mut args: Vec<String> = Vec::new();
        if let Some(conf) = &b.config {
            args.push(conf.display().to_string());
        }
        // `{dir}` in an argument stands for this server's temp dir.
        let dir_text = dir.path().display().to_string();
        args.extend(b.args.iter().map(|a| a.replace("{dir}", &dir_text)));
        let binds: Vec<String> = match option_values(&args, "--bind") {
            Some(v) => v
                .iter()
                .flat_map(|s| s.split_whitespace().map(str::to_string))
                .collect(),
            None => {
                args.push("--bind".into());
                args.push("127.0.0.1".into());
                vec!["127.0.0.1".into()]
            }
        };
        let host = binds
            .first()
            .map(|h| h.trim_start_matches('-').to_string())
            .unwrap_or_else(|| "127.0.0.1".into());
        let port = match option_values(&args, "--port") {
            Some(v) => v
                .first()
                .and_then(|p| p.parse().ok())
                .ok_or_else(|| format!("bad --port in {args:?}"))?,
            None => {
                let p = free_port(&host);
                args.push("--port".into());
                args.push(p.to_string());
                p
            }
        };
        if option_values(&args, "--dir").is_none() {
            args.push("--dir".into());
            args.push(dir.path().display().to_string());
        }
        let logfile = option_values(&args, "--logfile")
            .and_then(|v| v.first().cloned())
            .filter(|f| !f.is_empty())
            .map(|f| {
                let p = PathBuf::from(&f);
                if p.is_absolute() {
                    p
                } else {
                    dir.path().join(p)
                }
            });
        let stdout_path = dir.path().join("stdout.txt");
        let stderr_path = dir.path().join("stderr.txt");
        let program = b.kind.program();
        let mut cmd = Command::new(&program);
        cmd.args(&args)
            .current_dir(b.cwd.clone().unwrap_or_else(repo_root))
            .stdin(Stdio::null())
            .stdout(file_for(&stdout_path))
            .stderr(file_for(&stderr_path));
        die_with_parent(&mut cmd);
        let child = cmd
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", program.display()))?;
        let mut cmdline = vec![program.display().to_string()];
        cmdline.extend(args.iter().cloned());
        let mut server = Server {
            kind: b.kind,
            host,
            port,
            binds,
            dir,
            logfile,
            cmdline,
            child,
            exit: None,
            stdout_path,
            stderr_path,
        };
        if b.wait_ready {
            server.wait_ready()?;
        }
        Ok(server)
    }

    fn wait_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Some(status) = self.try_wait() {
                return Err(format!(
                    "{} exited during startup ({status})\n{}",
                    self.kind.name(),
                    self.diagnostics()
                ));
            }
            if ping_once(&self.addr()) {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "{} did not answer PING on {} within {:?}\n{}",
                    self.kind.name(),
                    self.addr(),
                    START_TIMEOUT,
                    self.diagnostics()
                ));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `host:port` of the first bind address.
    pub fn addr(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    pub fn client(&self) -> Client {
        Client::connect(&self.addr()).unwrap_or_else(|e| {
            panic!(
                "cannot connect to {} at {}: {e}\n{}",
                self.kind.name(),
                self.addr(),
                self.diagnostics()
            )
        })
    }

    /// Exit status if the process has exited (non-blocking).
    pub fn try_wait(&mut self) -> Option<ExitStatus> {
        if self.exit.is_none() {
            if let Ok(Some(st)) = self.child.try_wait() {
                self.exit = Some(st);
            }
        }
        self.exit
    }

    /// Waits (bounded) for the process to exit.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(st) = self.try_wait() {
                return Some(st);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Sends a signal to this server's pid (only while it has not been reaped).
    pub fn signal(&mut self, sig: i32) {
        if self.try_wait().is_none() {
            // SAFETY: kill(2) on the pid of our own, not yet reaped, child.
            unsafe {
                libc::kill(self.child.id() as libc::pid_t, sig);
            }
        }
    }

    /// SIGTERM, then waits (bounded); returns the exit status if it exited.
    pub fn terminate(&mut self, timeout: Duration) -> Option<ExitStatus> {
        self.signal(libc::SIGTERM);
        self.wait_exit(timeout)
    }

    pub fn stdout(&self) -> String {
        read_lossy(&self.stdout_path)
    }

    pub fn stderr(&self) -> String {
        read_lossy(&self.stderr_path)
    }

    pub fn log(&self) -> String {
        self.logfile.as_deref().map(read_lossy).unwrap_or_default()
    }

    /// Everything the server printed: stdout, stderr, log file.
    pub fn output(&self) -> String {
        format!("{}{}{}", self.stdout(), self.stderr(), self.log())
    }

    /// Waits (bounded) until the server's output contains `needle`.
    pub fn wait_output(&self, needle: &str, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if self.output().contains(needle) {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// A report for failure messages: command line, status, output tails.
    pub fn diagnostics(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "--- {} (pid {}) ---", self.kind.name(), self.child.id());
        let _ = writeln!(s, "command: {}", self.cmdline.join(" "));
        if let Some(st) = self.exit {
            let _ = writeln!(s, "exit: {st}");
        }
        for (what, text) in [
            ("stdout", self.stdout()),
            ("stderr", self.stderr()),
            ("logfile", self.log()),
        ] {
            if !text.is_empty() {
                let _ = writeln!(s, "--- {what} (tail) ---\n{}", tail(&text, 40));
            }
        }
        s
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.try_wait().is_none() {
            self.signal(libc::SIGTERM);
            if self.wait_exit(STOP_TIMEOUT).is_none() {
                let _ = self.child.kill();
                let _ = self.child.wait();
            }
        }
        if std::thread::panicking() {
            eprintln!("{}", self.diagnostics());
        }
    }
}

fn file_for(path: &Path) -> Stdio {
    std::fs::File::create(path)
        .map(Stdio::from)
        .unwrap_or_else(|_| Stdio::null())
}

/// The child gets SIGKILL if the test thread that started it goes away, so
/// that no server outlives a crashed test run.
fn die_with_parent(cmd: &mut Command) {
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

/// The last `n` lines of `text`.
pub fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// One connection, one PING; true if any complete reply came back.
fn ping_once(addr: &str) -> bool {
    let Some(sa) = resolve(addr) else {
        return false;
    };
    let Ok(mut s) = TcpStream::connect_timeout(&sa, Duration::from_millis(200)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_millis(500)));
    if s.write_all(b"*1\r\n$4\r\nPING\r\n").is_err() {
        return false;
    }
    let mut buf = Vec::new();
    let mut chunk = [0u8; 512];
    let deadline = Instant::now() + Duration::from_secs(1);
    while Instant::now() < deadline {
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => return false,
            Ok(n) => {
                buf.extend_from_slice(&chunk[..n]);
                if let Ok(Some(_)) = frame_len(&buf) {
                    return true;
                }
            }
        }
    }
    false
}

fn resolve(addr: &str) -> Option<SocketAddr> {
    addr.to_socket_addrs().ok()?.next()
}

// ---------------------------------------------------------------------------
// External commands with a deadline
// ---------------------------------------------------------------------------

/// Runs `cmd` to completion, killing it (by pid) if it exceeds `timeout`.
pub fn run_command(cmd: &mut Command, timeout: Duration) -> Output {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    die_with_parent(cmd);
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let t_out = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let t_err = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let deadline = Instant::now() + timeout;
    let status = loop {
        if let Ok(Some(st)) = child.try_wait() {
            break st;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            let stdout = t_out.join().unwrap_or_default();
            let stderr = t_err.join().unwrap_or_default();
            panic!(
                "{cmd:?} did not finish within {timeout:?}\nstdout: {}\nstderr: {}",
                String::from_utf8_lossy(&stdout),
                String::from_utf8_lossy(&stderr),
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Output {
        status,
        stdout: t_out.join().unwrap_or_default(),
        stderr: t_err.join().unwrap_or_default(),
    }
}

// ---------------------------------------------------------------------------
// Raw RESP client
// ---------------------------------------------------------------------------

/// What reading one reply gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The exact bytes of one complete reply.
    Reply(Vec<u8>),
    /// The peer closed the connection (EOF or reset) before a complete reply;
    /// holds any partial bytes received.
    Closed(Vec<u8>),
    /// No complete reply within the read timeout; holds any partial bytes.
    Timeout(Vec<u8>),
    /// The bytes received are not RESP.
    Malformed(Vec<u8>, String),
    /// No connection could be opened.
    NoConnection(String),
}

impl Outcome {
    pub fn describe(&self) -> String {
        match self {
            Outcome::Reply(b) => format!("\"{}\"", escape(b)),
            Outcome::Closed(b) if b.is_empty() => "<connection closed>".into(),
            Outcome::Closed(b) => format!("<connection closed after \"{}\">", escape(b)),
            Outcome::Timeout(b) => format!("<timeout, partial \"{}\">", escape(b)),
            Outcome::Malformed(b, why) => format!("<malformed: {why}: \"{}\">", escape(b)),
            Outcome::NoConnection(why) => format!("<cannot connect: {why}>"),
        }
    }

    pub fn is_closed(&self) -> bool {
        matches!(self, Outcome::Closed(_))
    }
}

pub struct Client {
    stream: TcpStream,
    buf: Vec<u8>,
    pub addr: String,
    pub timeout: Duration,
    write_failed: bool,
}

impl Client {
    pub fn connect(addr: &str) -> io::Result<Client> {
        let sa = resolve(addr)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, addr.to_string()))?;
        let stream = TcpStream::connect_timeout(&sa, Duration::from_secs(5))?;
        stream.set_nodelay(true)?;
        Ok(Client {
            stream,
            buf: Vec::new(),
            addr: addr.to_string(),
            timeout: READ_TIMEOUT,
            write_failed: false,
        })
    }

    /// Sends one command as a RESP multibulk.
    pub fn send(&mut self, args: &[&[u8]]) {
        self.send_raw(&encode_command(args));
    }

    /// Sends bytes as they are. A write to a closed connection is remembered
    /// (the next read reports `Closed`) instead of panicking.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        if self.stream.write_all(bytes).is_err() {
            self.write_failed = true;
        }
    }

    /// Reads one complete reply, or says why there is none.
    pub fn read_outcome(&mut self) -> Outcome {
        self.read_outcome_within(self.timeout)
    }

    pub fn read_outcome_within(&mut self, timeout: Duration) -> Outcome {
        let deadline = Instant::now() + timeout;
        let mut chunk = [0u8; 16 * 1024];
        loop {
            match frame_len(&self.buf) {
                Ok(Some(n)) => {
                    let rest = self.buf.split_off(n);
                    return Outcome::Reply(std::mem::replace(&mut self.buf, rest));
                }
                Ok(None) => {}
                Err(why) => return Outcome::Malformed(std::mem::take(&mut self.buf), why),
            }
            let now = Instant::now();
            if now >= deadline {
                return Outcome::Timeout(std::mem::take(&mut self.buf));
            }
            let _ = self
                .stream
                .set_read_timeout(Some((deadline - now).max(Duration::from_millis(1))));
            match self.stream.read(&mut chunk) {
                Ok(0) => return Outcome::Closed(std::mem::take(&mut self.buf)),
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(e)
                    if e.kind() == io::ErrorKind::WouldBlock
                        || e.kind() == io::ErrorKind::TimedOut =>
                {
                    if self.write_failed {
                        return Outcome::Closed(std::mem::take(&mut self.buf));
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return Outcome::Closed(std::mem::take(&mut self.buf)),
            }
        }
    }

    /// Reads one complete reply; panics on EOF, timeout or garbage.
    pub fn read_reply(&mut self) -> Vec<u8> {
        match self.read_outcome() {
            Outcome::Reply(b) => b,
            other => panic!("no reply from {}: {}", self.addr, other.describe()),
        }
    }

    /// Sends a command and reads its reply.
    pub fn cmd(&mut self, args: &[&str]) -> Vec<u8> {
        let args: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
        self.cmd_bytes(&args)
    }

    pub fn cmd_bytes(&mut self, args: &[&[u8]]) -> Vec<u8> {
        self.send(args);
        self.read_reply()
    }

    /// Sends a command and returns its reply as escaped text, for assertions
    /// such as `assert_eq!(c.cmd_str(&["PING"]), "+PONG\\r\\n")`.
    pub fn cmd_str(&mut self, args: &[&str]) -> String {
        escape(&self.cmd(args))
    }

    /// Waits (bounded) for the server to close the connection; true if it did.
    /// Replies received meanwhile are discarded.
    pub fn wait_closed(&mut self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            match self.read_outcome_within(deadline - now) {
                Outcome::Closed(_) => return true,
                Outcome::Reply(_) => continue,
                Outcome::Timeout(_) => return false,
                Outcome::Malformed(..) => continue,
                Outcome::NoConnection(_) => return true,
            }
        }
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.stream.local_addr().expect("local_addr")
    }

    pub fn shutdown_write(&self) {
        let _ = self.stream.shutdown(std::net::Shutdown::Write);
    }
}

/// `args` as a RESP multibulk.
pub fn encode_command(args: &[&[u8]]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
    out
}

// ---------------------------------------------------------------------------
// RESP frame scanner
// ---------------------------------------------------------------------------

const MAX_DEPTH: usize = 64;

/// Length of the first complete RESP2/RESP3 frame in `buf`: `Ok(None)` when
/// more bytes are needed, `Err` when the bytes are not RESP. Handles the types
/// `+ - : $ * _ , # ! = ( % ~ > |`, nested, and the nulls `$-1` / `*-1`.
/// An attribute (`|`) is returned together with the reply that follows it.
pub fn frame_len(buf: &[u8]) -> Result<Option<usize>, String> {
    scan(buf, 0, 0)
}

/// Position just past the `\r\n` ending the line that starts at `pos`, and the
/// line's content (without its type byte).
fn line_at(buf: &[u8], pos: usize) -> Result<Option<(usize, &[u8])>, String> {
    let body = &buf[pos + 1..];
    match body.iter().position(|&b| b == b'\n') {
        None => Ok(None),
        Some(i) => {
            if i == 0 || body[i - 1] != b'\r' {
                return Err(format!("line without \\r\\n at offset {pos}"));
            }
            Ok(Some((pos + 1 + i + 1, &body[..i - 1])))
        }
    }
}

fn parse_len(s: &[u8], pos: usize) -> Result<i64, String> {
    std::str::from_utf8(s)
        .ok()
        .and_then(|t| t.parse::<i64>().ok())
        .filter(|&n| n >= -1)
        .ok_or_else(|| format!("bad length \"{}\" at offset {pos}", escape(s)))
}

fn scan(buf: &[u8], pos: usize, depth: usize) -> Result<Option<usize>, String> {
    if depth > MAX_DEPTH {
        return Err("nesting too deep".into());
    }
    let Some(&t) = buf.get(pos) else {
        return Ok(None);
    };
    let Some((after, content)) = line_at(buf, pos)? else {
        return Ok(None);
    };
    match t {
        b'+' | b'-' | b':' | b'_' | b',' | b'(' | b'#' => Ok(Some(after)),
        b'$' | b'!' | b'=' => {
            let n = parse_len(content, pos)?;
            if n < 0 {
                return Ok(Some(after));
            }
            let end = after + n as usize;
            if buf.len() < end + 2 {
                return Ok(None);
            }
            if &buf[end..end + 2] != b"\r\n" {
                return Err(format!(
                    "bulk of {n} bytes at offset {pos} not ended by \\r\\n"
                ));
            }
            Ok(Some(end + 2))
        }
        b'*' | b'~' | b'>' | b'%' | b'|' => {
            let n = parse_len(content, pos)?;
            if n < 0 {
                return Ok(Some(after));
            }
            let items = if t == b'%' || t == b'|' { 2 * n } else { n };
            let mut p = after;
            for _ in 0..items {
                match scan(buf, p, depth + 1)? {
                    Some(e) => p = e,
                    None => return Ok(None),
                }
            }
            if t == b'|' {
                // The attribute annotates the reply that follows it.
                return scan(buf, p, depth + 1);
            }
            Ok(Some(p))
        }
        other => Err(format!(
            "unknown type byte '{}' at offset {pos}",
            escape(&[other])
        )),
    }
}

// ---------------------------------------------------------------------------
// Parsed replies
// ---------------------------------------------------------------------------

/// A parsed reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Frame {
    /// `+ - : _ , ( #` with the line's content.
    Line(u8, Vec<u8>),
    /// `$ ! =`; `None` is `$-1`.
    Blob(u8, Option<Vec<u8>>),
    /// `* ~ > %` (a map holds keys and values alternately); `None` is `*-1`.
    Agg(u8, Option<Vec<Frame>>),
    /// An attribute map and the reply it annotates.
    Attr(Vec<Frame>, Box<Frame>),
}

impl Frame {
    /// Parses one complete frame (as returned by [`Client::read_reply`]).
    pub fn parse(raw: &[u8]) -> Result<Frame, String> {
        let (f, end) = parse_at(raw, 0)?;
        if end != raw.len() {
            return Err(format!("{} trailing bytes", raw.len() - end));
        }
        Ok(f)
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode_into(&mut out);
        out
    }

    fn encode_into(&self, out: &mut Vec<u8>) {
        match self {
            Frame::Line(t, s) => {
                out.push(*t);
                out.extend_from_slice(s);
                out.extend_from_slice(b"\r\n");
            }
            Frame::Blob(t, None) => {
                out.push(*t);
                out.extend_from_slice(b"-1\r\n");
            }
            Frame::Blob(t, Some(s)) => {
                out.push(*t);
                out.extend_from_slice(format!("{}\r\n", s.len()).as_bytes());
                out.extend_from_slice(s);
                out.extend_from_slice(b"\r\n");
            }
            Frame::Agg(t, None) => {
                out.push(*t);
                out.extend_from_slice(b"-1\r\n");
            }
            Frame::Agg(t, Some(items)) => {
                let n = if *t == b'%' {
                    items.len() / 2
                } else {
                    items.len()
                };
                out.push(*t);
                out.extend_from_slice(format!("{n}\r\n").as_bytes());
                for i in items {
                    i.encode_into(out);
                }
            }
            Frame::Attr(attrs, inner) => {
                out.extend_from_slice(format!("|{}\r\n", attrs.len() / 2).as_bytes());
                for a in attrs {
                    a.encode_into(out);
                }
                inner.encode_into(out);
            }
        }
    }

    /// Aggregates with their elements sorted (maps: key/value pairs sorted),
    /// at the top level only: for replies whose order is unspecified.
    pub fn sorted(&self) -> Frame {
        match self {
            Frame::Agg(b'%', Some(items)) => {
                let mut pairs: Vec<(Vec<u8>, Frame, Frame)> = items
                    .chunks(2)
                    .map(|p| {
                        let mut key = p[0].encode();
                        key.extend(p.get(1).map(Frame::encode).unwrap_or_default());
                        (
                            key,
                            p[0].clone(),
                            p.get(1).cloned().unwrap_or(Frame::Agg(b'*', None)),
                        )
                    })
                    .collect();
                pairs.sort_by(|a, b| a.0.cmp(&b.0));
                Frame::Agg(
                    b'%',
                    Some(pairs.into_iter().flat_map(|(_, k, v)| [k, v]).collect()),
                )
            }
            Frame::Agg(t, Some(items)) => {
                let mut items = items.clone();
                items.sort_by_key(Frame::encode);
                Frame::Agg(*t, Some(items))
            }
            other => other.clone(),
        }
    }

    /// Every aggregate sorted, at every depth (maps by pair): for replies
    /// holding unordered collections at depth (COMMAND INFO of a command with
    /// subcommands).
    pub fn sorted_deep(&self) -> Frame {
        match self {
            Frame::Agg(t, Some(items)) => {
                Frame::Agg(*t, Some(items.iter().map(Frame::sorted_deep).collect())).sorted()
            }
            other => other.clone(),
        }
    }

    /// A flat array of key/value pairs (CONFIG GET in RESP2, HGETALL ...)
    /// with its pairs sorted; maps as in [`Frame::sorted`].
    pub fn sorted_pairs(&self) -> Frame {
        match self {
            Frame::Agg(t, Some(items)) if *t != b'%' && items.len() % 2 == 0 => {
                let as_map = Frame::Agg(b'%', Some(items.clone())).sorted();
                match as_map {
                    Frame::Agg(_, items) => Frame::Agg(*t, items),
                    other => other,
                }
            }
            other => other.sorted(),
        }
    }

    /// Every bulk string and simple string passed through `f`.
    pub fn map_text(&self, f: &dyn Fn(&[u8]) -> Vec<u8>) -> Frame {
        match self {
            Frame::Line(t @ (b'+' | b'-'), s) => Frame::Line(*t, f(s)),
            Frame::Blob(t, Some(s)) => Frame::Blob(*t, Some(f(s))),
            Frame::Agg(t, Some(items)) => {
                Frame::Agg(*t, Some(items.iter().map(|i| i.map_text(f)).collect()))
            }
            Frame::Attr(a, inner) => Frame::Attr(
                a.iter().map(|i| i.map_text(f)).collect(),
                Box::new(inner.map_text(f)),
            ),
            other => other.clone(),
        }
    }

    /// Every integer (`:`) value replaced by `#`.
    pub fn mask_ints(&self) -> Frame {
        match self {
            Frame::Line(b':', _) => Frame::Line(b':', b"#".to_vec()),
            Frame::Agg(t, Some(items)) => {
                Frame::Agg(*t, Some(items.iter().map(Frame::mask_ints).collect()))
            }
            Frame::Attr(a, inner) => Frame::Attr(
                a.iter().map(Frame::mask_ints).collect(),
                Box::new(inner.mask_ints()),
            ),
            other => other.clone(),
        }
    }

    /// Types and aggregate sizes only, e.g. `*2[$,$]`; errors keep their
    /// first word (`-ERR`), nulls are shown.
    pub fn shape(&self) -> String {
        match self {
            Frame::Line(b'-', s) => {
                let word: Vec<u8> = s.iter().take_while(|&&b| b != b' ').cloned().collect();
                format!("-{}", String::from_utf8_lossy(&word))
            }
            Frame::Line(t, _) => (*t as char).to_string(),
            Frame::Blob(t, None) => format!("{}-1", *t as char),
            Frame::Blob(t, Some(_)) => (*t as char).to_string(),
            Frame::Agg(t, None) => format!("{}-1", *t as char),
            Frame::Agg(t, Some(items)) => {
                let inner: Vec<String> = items.iter().map(Frame::shape).collect();
                format!("{}{}[{}]", *t as char, items.len(), inner.join(","))
            }
            Frame::Attr(_, inner) => format!("|{}", inner.shape()),
        }
    }

    /// The integer of a `:` reply.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Frame::Line(b':', s) => std::str::from_utf8(s).ok()?.parse().ok(),
            _ => None,
        }
    }

    /// The bytes of a string-like reply (`+`, `$`, `=`, `:` ...).
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Frame::Line(_, s) => Some(s),
            Frame::Blob(_, Some(s)) => Some(s),
            _ => None,
        }
    }

    pub fn items(&self) -> Option<&[Frame]> {
        match self {
            Frame::Agg(_, Some(items)) => Some(items),
            _ => None,
        }
    }
}

fn parse_at(buf: &[u8], pos: usize) -> Result<(Frame, usize), String> {
    let end = scan(buf, pos, 0)?.ok_or_else(|| "incomplete frame".to_string())?;
    let t = buf[pos];
    let (after, content) = line_at(buf, pos)?.ok_or("incomplete line")?;
    let frame = match t {
        b'+' | b'-' | b':' | b'_' | b',' | b'(' | b'#' => Frame::Line(t, content.to_vec()),
        b'$' | b'!' | b'=' => {
            let n = parse_len(content, pos)?;
            if n < 0 {
                Frame::Blob(t, None)
            } else {
                Frame::Blob(t, Some(buf[after..after + n as usize].to_vec()))
            }
        }
        b'*' | b'~' | b'>' | b'%' | b'|' => {
            let n = parse_len(content, pos)?;
            if n < 0 {
                Frame::Agg(t, None)
            } else {
                let count = if t == b'%' || t == b'|' { 2 * n } else { n };
                let mut items = Vec::with_capacity(count as usize);
                let mut p = after;
                for _ in 0..count {
                    let (f, e) = parse_at(buf, p)?;
                    items.push(f);
                    p = e;
                }
                if t == b'|' {
                    let (inner, _) = parse_at(buf, p)?;
                    Frame::Attr(items, Box::new(inner))
                } else {
                    Frame::Agg(t, Some(items))
                }
            }
        }
        _ => return Err("unknown type".into()),
    };
    Ok((frame, end))
}

// ---------------------------------------------------------------------------
// Text helpers
// ---------------------------------------------------------------------------

/// Bytes as a double-quoted-string body: printable ASCII as is, `\r \n \t \\
/// \"` escaped, everything else `\xHH`.
pub fn escape(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len());
    for &b in bytes {
        match b {
            b'\r' => s.push_str("\\r"),
            b'\n' => s.push_str("\\n"),
            b'\t' => s.push_str("\\t"),
            b'\\' => s.push_str("\\\\"),
            b'"' => s.push_str("\\\""),
            0x20..=0x7e => s.push(b as char),
            _ => {
                let _ = write!(s, "\\x{b:02x}");
            }
        }
    }
    s
}

/// The inverse of [`escape`] for the escapes `\r \n \t \\ \" \0 \a \b \xHH`;
/// any other character is taken literally.
pub fn unescape(text: &str) -> Vec<u8> {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 1 < b.len() {
            let c = b[i + 1];
            let simple = match c {
                b'r' => Some(b'\r'),
                b'n' => Some(b'\n'),
                b't' => Some(b'\t'),
                b'0' => Some(0),
                b'a' => Some(7),
                b'b' => Some(8),
                b'\\' => Some(b'\\'),
                b'"' => Some(b'"'),
                _ => None,
            };
            if let Some(v) = simple {
                out.push(v);
                i += 2;
                continue;
            }
            if c == b'x' && i + 3 < b.len() {
                if let (Some(h), Some(l)) = (hex(b[i + 2]), hex(b[i + 3])) {
                    out.push(h * 16 + l);
                    i += 4;
                    continue;
                }
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// Splits a line into arguments the way redis-cli does (`sdssplitargs`):
/// whitespace separates, `"double quotes"` take `\n \r \t \b \a \xHH` and
/// `\<any>` escapes, `'single quotes'` take only `\'`; a closing quote must be
/// followed by whitespace or the end. `None` on unbalanced quotes.
pub fn split_args(line: &str) -> Option<Vec<Vec<u8>>> {
    let p = line.as_bytes();
    let mut i = 0;
    let mut args = Vec::new();
    loop {
        while i < p.len() && p[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= p.len() {
            return Some(args);
        }
        let mut cur = Vec::new();
        let (mut inq, mut insq) = (false, false);
        loop {
            let c = p.get(i).copied();
            if inq {
                match c {
                    None => return None,
                    Some(b'\\')
                        if p.get(i + 1) == Some(&b'x')
                            && p.get(i + 2).and_then(|&h| hex(h)).is_some()
                            && p.get(i + 3).and_then(|&h| hex(h)).is_some() =>
                    {
                        cur.push(hex(p[i + 2]).unwrap() * 16 + hex(p[i + 3]).unwrap());
                        i += 3;
                    }
                    Some(b'\\') if i + 1 < p.len() => {
                        i += 1;
                        cur.push(match p[i] {
                            b'n' => b'\n',
                            b'r' => b'\r',
                            b't' => b'\t',
                            b'b' => 8,
                            b'a' => 7,
                            other => other,
                        });
                    }
                    Some(b'"') => {
                        if p.get(i + 1).is_some_and(|c| !c.is_ascii_whitespace()) {
                            return None;
                        }
                        i += 1;
                        break;
                    }
                    Some(c) => cur.push(c),
                }
            } else if insq {
                match c {
                    None => return None,
                    Some(b'\\') if p.get(i + 1) == Some(&b'\'') => {
                        i += 1;
                        cur.push(b'\'');
                    }
                    Some(b'\'') => {
                        if p.get(i + 1).is_some_and(|c| !c.is_ascii_whitespace()) {
                            return None;
                        }
                        i += 1;
                        break;
                    }
                    Some(c) => cur.push(c),
                }
            } else {
                match c {
                    None => break,
                    Some(c) if c.is_ascii_whitespace() => break,
                    Some(b'"') => inq = true,
                    Some(b'\'') => insq = true,
                    Some(c) => cur.push(c),
                }
            }
            i += 1;
        }
        args.push(cur);
    }
}

/// Waits (bounded) until `server` has loaded its data: PING answers +PONG, not -LOADING.
pub fn wait_loaded(server: &Server) {
    let mut c = server.client();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let r = c.cmd(&["PING"]);
        if r == b"+PONG\r\n" {
            return;
        }
        assert!(
            r.starts_with(b"-LOADING") && std::time::Instant::now() < deadline,
            "PING: {}\n{}",
            escape(&r),
            server.diagnostics()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// One field of INFO persistence.
pub fn persistence_field(c: &mut Client, field: &str) -> String {
    let r = c.cmd(&["INFO", "persistence"]);
    let info = String::from_utf8_lossy(&r).into_owned();
    info.lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")))
        .unwrap_or_else(|| panic!("no {field} in {info}"))
        .trim()
        .to_string()
}
