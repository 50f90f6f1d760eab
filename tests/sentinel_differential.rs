//! Differential tests of the Sentinel: every script in tests/sentinel/differential/ is run,
//! command by command, against a fresh reference `redis-sentinel` 7.0 and a fresh
//! `redactor-sentinel`, each started from an equivalent config file; the raw reply bytes must
//! be identical (after the masking a step asks for).
//!
//! Both Sentinels (real on 127.0.0.75, Redactor on 127.0.0.76, each on a free port) monitor
//! `mymaster` at `127.0.0.1:${MPORT}`, a port where nothing listens, so that nothing depends
//! on timing: the master stays `master,disconnected` (down-after-milliseconds is 60 s, longer
//! than any script), no replica or other Sentinel is ever discovered, no failover starts.
//! Both have the same fixed `sentinel myid`, so MYID, votes and the like match.
//!
//! Script format (one step per line; blank lines and lines starting with `#` are ignored):
//!
//! * `CMD arg ...`: a command, split like redis-cli does, sent as a multibulk on the current
//!   connection; the replies must be byte-identical. `${MPORT}` / `${MPORT2}` are two closed
//!   ports (the same on both sides), `${MYID}` the fixed Sentinel id.
//! * Modifiers in front of a command (combinable):
//!   - `@sorted`: the top-level aggregate compared as a multiset (SENTINEL MASTERS with
//!     several masters: they are listed in the order of a randomly seeded dict);
//!   - `@sorted-deep`: every aggregate at every depth compared as a multiset (ROLE with
//!     several masters);
//!   - `@noints`: every integer masked (HELLO's client id);
//!   - `@shape`: only types and aggregate sizes (CLIENT LIST ...);
//!   - `@mask f1,f2,...`: in every map, and in every flat array of field/value pairs, at any
//!     depth, the value after a field named f1, f2 ... is replaced by `#` (the time-dependent
//!     fields of SENTINEL MASTER: `last-ping-sent` ...); the field names and every other
//!     value are compared;
//!   - `@info` / `@info-keep f1,f2,...`: the reply is an INFO text (bulk or verbatim): its
//!     section headers and field names are compared, the values masked except those of the
//!     fields f1, f2 ... (uptime, pids, ports, memory and CPU figures differ run to run).
//! * `@resp3`: `HELLO 3` with the integers (client id) masked.
//! * `@newconn`: replaces the current connection with a new one.
//! * `@conn NAME`: makes connection NAME current (opened when first named; the first
//!   connection is `main`).
//! * `@send CMD ...` sends without reading; `@read [N]` reads N (default 1) replies and
//!   compares them.
//! * `@eof`: both sides must close the current connection.
//! * `@config LINE`: (before the first step) a line added to both config files, e.g.
//!   `requirepass secret`.
//!
//! Environment: `REDACTOR_DIFF_SELFTEST=1` runs redis-sentinel on both sides (proves the
//! scripts deterministic); `REDACTOR_DIFF_DUMP=1` prints every step with the reference reply
//! (use `-- --nocapture`); `REDACTOR_DIFF_FAILFAST=1` stops at the first mismatch.

mod common;

use common::script::{abbreviate_pair, env_flag, replace_all, split_cmd, split_word};
use common::sentinels::die_with_parent;
use common::{
    escape, free_port, redactor_sentinel_bin, selftest, tail, Client, Frame, Outcome, TempDir,
};
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The loopback addresses of the two sides (no other test file uses them).
const REAL_HOST: &str = "127.0.0.75";
const REDACTOR_HOST: &str = "127.0.0.76";
/// The Sentinel id of both sides.
const MYID: &str = "0123456789abcdef0123456789abcdef01234567";
const MAX_REPORTED: usize = 40;
/// Consecutive read timeouts from redactor-sentinel before a script gives up.
const MAX_TIMEOUTS: usize = 3;

fn scripts_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/sentinel/differential")
}

// ---------------------------------------------------------------------------
// Scripts
// ---------------------------------------------------------------------------

#[derive(Clone, Debug, Default)]
struct Mods {
    sorted: bool,
    sorted_deep: bool,
    noints: bool,
    shape: bool,
    mask: Vec<Vec<u8>>,
    /// `Some(kept fields)` for an INFO reply.
    info: Option<Vec<String>>,
}

#[derive(Clone, Debug)]
enum Action {
    Cmd(Mods, Vec<Vec<u8>>),
    NewConn,
    Conn(String),
    Send(Vec<Vec<u8>>),
    Read(usize),
    Eof,
}

#[derive(Clone, Debug)]
struct Step {
    line: usize,
    text: String,
    action: Action,
}

struct Script {
    name: String,
    config: Vec<String>,
    steps: Vec<Step>,
}

fn list(s: &str) -> Vec<String> {
    s.split(',')
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

fn parse_line(t: &str) -> Result<Action, String> {
    let (word, rest) = split_word(t);
    if !word.starts_with('@') {
        return Ok(Action::Cmd(Mods::default(), split_cmd(t)?));
    }
    Ok(match word {
        "@newconn" => Action::NewConn,
        "@conn" if !rest.is_empty() => Action::Conn(rest.to_string()),
        "@send" => Action::Send(split_cmd(rest)?),
        "@read" => Action::Read(if rest.is_empty() {
            1
        } else {
            rest.parse().map_err(|_| "bad @read N")?
        }),
        "@eof" => Action::Eof,
        "@resp3" => Action::Cmd(
            Mods {
                noints: true,
                ..Mods::default()
            },
            vec![b"HELLO".to_vec(), b"3".to_vec()],
        ),
        _ => {
            let mut mods = Mods::default();
            let mut cur = t;
            while cur.starts_with('@') {
                let (w, r) = split_word(cur);
                if r.is_empty() {
                    return Err("modifier without a command".into());
                }
                cur = r;
                match w {
                    "@sorted" => mods.sorted = true,
                    "@sorted-deep" => mods.sorted_deep = true,
                    "@noints" => mods.noints = true,
                    "@shape" => mods.shape = true,
                    "@info" => mods.info = Some(Vec::new()),
                    "@mask" | "@info-keep" => {
                        let (names, r2) = split_word(r);
                        if r2.is_empty() {
                            return Err(format!("{w} NAMES CMD"));
                        }
                        if w == "@mask" {
                            mods.mask = list(names).into_iter().map(String::into_bytes).collect();
                        } else {
                            mods.info = Some(list(names));
                        }
                        cur = r2;
                    }
                    _ => return Err(format!("unknown directive {w}")),
                }
            }
            Action::Cmd(mods, split_cmd(cur)?)
        }
    })
}

fn parse_script(name: &str) -> Script {
    let path = scripts_dir().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut config = Vec::new();
    let mut steps = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let t = raw.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let bad = |why: &str| -> ! { panic!("{name}:{line}: {why}: {t}") };
        let (word, rest) = split_word(t);
        if word == "@config" {
            if !steps.is_empty() {
                bad("@config must come before the first step");
            }
            config.push(rest.to_string());
            continue;
        }
        let action = parse_line(t).unwrap_or_else(|why| bad(&why));
        steps.push(Step {
            line,
            text: t.to_string(),
            action,
        });
    }
    Script {
        name: name.to_string(),
        config,
        steps,
    }
}

// ---------------------------------------------------------------------------
// Sentinel processes
// ---------------------------------------------------------------------------

/// One Sentinel started from its own config file in a private dir, stopped by pid on drop.
struct Proc {
    real: bool,
    host: &'static str,
    port: u16,
    dir: TempDir,
    child: Child,
}

impl Proc {
    fn name(&self) -> String {
        let what = if self.real {
            "redis-sentinel"
        } else if selftest() {
            "redactor(selftest: redis-sentinel)"
        } else {
            "redactor-sentinel"
        };
        format!("{what} {}:{}", self.host, self.port)
    }

    fn program(real: bool) -> PathBuf {
        if real || selftest() {
            PathBuf::from(
                std::env::var("REDIS_SENTINEL").unwrap_or_else(|_| "redis-sentinel".into()),
            )
        } else {
            redactor_sentinel_bin()
        }
    }

    fn start(real: bool, mports: (u16, u16), extra: &[String]) -> Proc {
        let host = if real { REAL_HOST } else { REDACTOR_HOST };
        let port = free_port(host);
        let dir = TempDir::new("sentinel-diff");
        let d = dir.path().display().to_string();
        let mut conf = format!(
            "port {port}\nbind {host}\nprotected-mode no\ndir {d}\nlogfile {d}/sentinel.log\n\
             sentinel myid {MYID}\n\
             sentinel monitor mymaster 127.0.0.1 {} 2\n\
             sentinel down-after-milliseconds mymaster 60000\n\
             sentinel deny-scripts-reconfig yes\n",
            mports.0
        );
        for l in extra {
            conf.push_str(l);
            conf.push('\n');
        }
        let conf_path = dir.path().join("sentinel.conf");
        std::fs::write(&conf_path, conf).expect("write sentinel config");
        let out = |n: &str| {
            std::fs::File::create(dir.path().join(n))
                .map(Stdio::from)
                .unwrap_or_else(|_| Stdio::null())
        };
        let mut cmd = Command::new(Proc::program(real));
        cmd.arg(&conf_path)
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(out("stdout.txt"))
            .stderr(out("stderr.txt"));
        die_with_parent(&mut cmd);
        let child = cmd.spawn().unwrap_or_else(|e| {
            panic!("cannot start {}: {e}", Proc::program(real).display());
        });
        let mut p = Proc {
            real,
            host,
            port,
            dir,
            child,
        };
        p.wait_ready();
        p
    }

    fn addr(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    /// Waits (bounded) for any complete reply to PING (`-NOAUTH` counts).
    fn wait_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(Some(st)) = self.child.try_wait() {
                panic!(
                    "{} exited during startup ({st})\n{}",
                    self.name(),
                    self.diagnostics()
                );
            }
            if let Ok(mut c) = Client::connect(&self.addr()) {
                c.timeout = Duration::from_secs(1);
                c.send(&[b"PING"]);
                if matches!(c.read_outcome(), Outcome::Reply(_)) {
                    return;
                }
            }
            assert!(
                Instant::now() < deadline,
                "{} did not answer PING within 10 s\n{}",
                self.name(),
                self.diagnostics()
            );
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    fn try_wait(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    fn diagnostics(&self) -> String {
        let mut out = format!("--- {} (pid {}) ---\n", self.name(), self.child.id());
        for f in ["stdout.txt", "stderr.txt", "sentinel.log", "sentinel.conf"] {
            let t = std::fs::read(self.dir.path().join(f))
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
            if !t.is_empty() {
                out.push_str(&format!("--- {f} (tail) ---\n{}\n", tail(&t, 40)));
            }
        }
        out
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            // SAFETY: kill(2) on the pid of our own child, not yet reaped.
            unsafe {
                libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM);
            }
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline && matches!(self.child.try_wait(), Ok(None)) {
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("{}", self.diagnostics());
        }
    }
}

/// One Sentinel and its connections.
struct Side {
    proc: Proc,
    conns: HashMap<String, Client>,
    current: String,
    vars: Vec<(Vec<u8>, Vec<u8>)>,
}

impl Side {
    fn start(real: bool, mports: (u16, u16), config: &[String]) -> Side {
        let proc = Proc::start(real, mports, config);
        let vars = vec![
            (b"${MPORT}".to_vec(), mports.0.to_string().into_bytes()),
            (b"${MPORT2}".to_vec(), mports.1.to_string().into_bytes()),
            (b"${MYID}".to_vec(), MYID.as_bytes().to_vec()),
        ];
        let mut side = Side {
            proc,
            conns: HashMap::new(),
            current: "main".into(),
            vars,
        };
        let _ = side.conn();
        side
    }

    fn conn(&mut self) -> Result<&mut Client, Outcome> {
        if !self.conns.contains_key(&self.current) {
            let c = Client::connect(&self.proc.addr())
                .map_err(|e| Outcome::NoConnection(e.to_string()))?;
            self.conns.insert(self.current.clone(), c);
        }
        Ok(self.conns.get_mut(&self.current).expect("just inserted"))
    }

    fn substitute(&self, args: &[Vec<u8>]) -> Vec<Vec<u8>> {
        args.iter()
            .map(|a| {
                let mut a = a.clone();
                for (k, v) in &self.vars {
                    a = replace_all(&a, k, v);
                }
                a
            })
            .collect()
    }

    fn send(&mut self, args: &[Vec<u8>]) -> Result<(), Outcome> {
        let args = self.substitute(args);
        let refs: Vec<&[u8]> = args.iter().map(Vec::as_slice).collect();
        self.conn()?.send(&refs);
        Ok(())
    }

    fn read(&mut self) -> Outcome {
        match self.conn() {
            Ok(c) => c.read_outcome(),
            Err(o) => o,
        }
    }

    fn command(&mut self, args: &[Vec<u8>]) -> Outcome {
        match self.send(args) {
            Ok(()) => self.read(),
            Err(o) => o,
        }
    }
}

// ---------------------------------------------------------------------------
// Masking
// ---------------------------------------------------------------------------

fn masked() -> Frame {
    Frame::Blob(b'$', Some(b"#".to_vec()))
}

/// Replaces the value after each field named in `names`, in maps and in flat arrays of
/// field/value pairs (RESP2's form of the same reply), at every depth.
fn mask_fields(f: &Frame, names: &[Vec<u8>]) -> Frame {
    match f {
        Frame::Agg(t, Some(items)) => {
            let mut items: Vec<Frame> = items.iter().map(|i| mask_fields(i, names)).collect();
            if items.len().is_multiple_of(2) {
                for i in (0..items.len()).step_by(2) {
                    let hit = matches!(&items[i], Frame::Blob(_, Some(k)) | Frame::Line(b'+', k)
                        if names.iter().any(|n| n == k));
                    if hit {
                        items[i + 1] = masked();
                    }
                }
            }
            Frame::Agg(*t, Some(items))
        }
        other => other.clone(),
    }
}

/// An INFO text with every value masked except those of `keep`.
fn mask_info(f: &Frame, keep: &[String]) -> Frame {
    let Frame::Blob(t, Some(body)) = f else {
        return f.clone();
    };
    let text = String::from_utf8_lossy(body);
    let (prefix, text) = match text.strip_prefix("txt:") {
        Some(rest) if *t == b'=' => ("txt:", rest.to_string()),
        _ => ("", text.to_string()),
    };
    let lines: Vec<String> = text
        .split("\r\n")
        .map(|l| match l.split_once(':') {
            Some((k, v)) if !l.starts_with('#') => {
                if keep.iter().any(|x| x == k) {
                    format!("{k}:{v}")
                } else {
                    format!("{k}:#")
                }
            }
            _ => l.to_string(),
        })
        .collect();
    Frame::Blob(
        *t,
        Some(format!("{prefix}{}", lines.join("\r\n")).into_bytes()),
    )
}

/// The two outcomes as they are compared under `mods`.
fn normalize(mods: &Mods, a: &Outcome, b: &Outcome) -> (String, String) {
    if let (Outcome::Reply(ra), Outcome::Reply(rb)) = (a, b) {
        if let (Ok(fa), Ok(fb)) = (Frame::parse(ra), Frame::parse(rb)) {
            let norm = |mut f: Frame| {
                if let Some(keep) = &mods.info {
                    f = mask_info(&f, keep);
                }
                if !mods.mask.is_empty() {
                    f = mask_fields(&f, &mods.mask);
                }
                if mods.sorted {
                    f = f.sorted();
                }
                if mods.sorted_deep {
                    f = f.sorted_deep();
                }
                if mods.noints {
                    f = f.mask_ints();
                }
                f
            };
            let (fa, fb) = (norm(fa), norm(fb));
            if mods.shape {
                return (fa.shape(), fb.shape());
            }
            return (
                Outcome::Reply(fa.encode()).describe(),
                Outcome::Reply(fb.encode()).describe(),
            );
        }
    }
    (a.describe(), b.describe())
}

// ---------------------------------------------------------------------------
// Running a script
// ---------------------------------------------------------------------------

struct Run {
    script: Script,
    reference: Side,
    subject: Side,
    failures: Vec<String>,
    subject_timeouts: usize,
}

impl Run {
    fn new(name: &str) -> Run {
        let script = parse_script(name);
        // Two ports where nothing listens, the same for both sides.
        let mports = (free_port("127.0.0.1"), free_port("127.0.0.1"));
        let reference = Side::start(true, mports, &script.config);
        let subject = Side::start(false, mports, &script.config);
        Run {
            script,
            reference,
            subject,
            failures: Vec::new(),
            subject_timeouts: 0,
        }
    }

    fn check(&mut self, step: &Step, mods: &Mods, a: Outcome, b: Outcome) {
        if env_flag("REDACTOR_DIFF_DUMP") {
            eprintln!(
                "{}:{}: {}\n    -> {}",
                self.script.name,
                step.line,
                step.text,
                a.describe()
            );
        }
        if matches!(b, Outcome::Timeout(_)) {
            self.subject_timeouts += 1;
        } else {
            self.subject_timeouts = 0;
        }
        let reference_broken = matches!(
            a,
            Outcome::Timeout(_) | Outcome::Malformed(..) | Outcome::NoConnection(_)
        );
        let (na, nb) = normalize(mods, &a, &b);
        if reference_broken || na != nb {
            let (da, db) = abbreviate_pair(&a.describe(), &b.describe(), 200);
            let mut msg = format!(
                "{}:{}: {}\n    redis:    {da}\n    redactor: {db}",
                self.script.name, step.line, step.text,
            );
            if na != a.describe() || nb != b.describe() {
                let (ca, cb) = abbreviate_pair(&na, &nb, 200);
                msg.push_str(&format!("\n    compared: {ca}\n          vs: {cb}"));
            }
            if reference_broken {
                msg.push_str("\n    (the reference itself gave no reply: the script is wrong)");
            }
            self.failures.push(msg);
        }
    }

    fn execute(mut self) {
        let failfast = env_flag("REDACTOR_DIFF_FAILFAST");
        let steps = self.script.steps.clone();
        for step in &steps {
            if failfast && !self.failures.is_empty() {
                break;
            }
            if let Some(st) = self.subject.proc.try_wait() {
                self.failures.push(format!(
                    "{}:{}: redactor-sentinel has exited ({st}); the rest is skipped\n{}",
                    self.script.name,
                    step.line,
                    self.subject.proc.diagnostics()
                ));
                break;
            }
            if self.subject_timeouts >= MAX_TIMEOUTS {
                self.failures.push(format!(
                    "{}:{}: redactor-sentinel did not reply {MAX_TIMEOUTS} times in a row; \
                     the rest is skipped",
                    self.script.name, step.line
                ));
                break;
            }
            match &step.action {
                Action::Cmd(mods, args) => {
                    let a = self.reference.command(args);
                    let b = self.subject.command(args);
                    self.check(step, mods, a, b);
                }
                Action::NewConn => {
                    for side in [&mut self.reference, &mut self.subject] {
                        side.conns.remove(&side.current);
                        let _ = side.conn();
                    }
                }
                Action::Conn(name) => {
                    for side in [&mut self.reference, &mut self.subject] {
                        side.current = name.clone();
                        let _ = side.conn();
                    }
                }
                Action::Send(args) => {
                    for side in [&mut self.reference, &mut self.subject] {
                        if let Err(o) = side.send(args) {
                            self.failures.push(format!(
                                "{}:{}: {}: {}",
                                self.script.name,
                                step.line,
                                step.text,
                                o.describe()
                            ));
                        }
                    }
                }
                Action::Read(n) => {
                    for _ in 0..*n {
                        let a = self.reference.read();
                        let b = self.subject.read();
                        self.check(step, &Mods::default(), a, b);
                    }
                }
                Action::Eof => {
                    let a = self.reference.read();
                    let b = self.subject.read();
                    if !(a.is_closed() && b.is_closed()) {
                        self.failures.push(format!(
                            "{}:{}: expected both connections closed\n    redis:    {}\n    redactor: {}",
                            self.script.name,
                            step.line,
                            a.describe(),
                            b.describe()
                        ));
                    }
                }
            }
        }
        if !self.failures.is_empty() {
            let n = self.failures.len();
            let mut msg = format!(
                "{n} mismatch(es) in tests/sentinel/differential/{} (redis-sentinel vs {}):\n\n",
                self.script.name,
                self.subject.proc.name()
            );
            for f in self.failures.iter().take(MAX_REPORTED) {
                msg.push_str(f);
                msg.push_str("\n\n");
            }
            if n > MAX_REPORTED {
                msg.push_str(&format!("... and {} more\n", n - MAX_REPORTED));
            }
            panic!("{msg}");
        }
    }
}

/// True (after a loud message) when redis-sentinel is installed.
fn available() -> bool {
    let prog = Proc::program(true);
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
    }
    ok
}

fn run_script(name: &str) {
    if available() {
        Run::new(name).execute();
    }
}

/// Every script in tests/sentinel/differential/ must have a test below.
const SCRIPTS: &[&str] = &[
    "commands.txt",
    "sentinel.txt",
    "set.txt",
    "monitor.txt",
    "votes.txt",
    "info.txt",
    "resp3.txt",
    "pubsub.txt",
    "auth.txt",
    "gaps.txt",
];

#[test]
fn every_script_has_a_test() {
    let mut found: Vec<String> = std::fs::read_dir(scripts_dir())
        .expect("tests/sentinel/differential")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    found.sort();
    let mut listed: Vec<String> = SCRIPTS.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(found, listed, "script files and SCRIPTS differ");
    for s in SCRIPTS {
        let script = parse_script(s);
        assert!(
            script.steps.len() >= 10,
            "{s} has only {} steps",
            script.steps.len()
        );
    }
}

#[test]
fn mask_helpers() {
    let f = Frame::parse(b"*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n").unwrap();
    let m = mask_fields(&f, &[b"b".to_vec()]);
    assert_eq!(
        escape(&m.encode()),
        "*4\\r\\n$1\\r\\na\\r\\n$1\\r\\n1\\r\\n$1\\r\\nb\\r\\n$1\\r\\n#\\r\\n"
    );
    let i = Frame::Blob(b'$', Some(b"# S\r\na:1\r\nb:2\r\n\r\nc:3\r\n".to_vec()));
    let m = mask_info(&i, &["b".to_string()]);
    assert_eq!(m.as_bytes(), Some(&b"# S\r\na:#\r\nb:2\r\n\r\nc:#\r\n"[..]));
}

#[test]
fn script_commands() {
    run_script("commands.txt");
}

#[test]
fn script_sentinel() {
    run_script("sentinel.txt");
}

#[test]
fn script_set() {
    run_script("set.txt");
}

#[test]
fn script_monitor() {
    run_script("monitor.txt");
}

#[test]
fn script_votes() {
    run_script("votes.txt");
}

#[test]
fn script_info() {
    run_script("info.txt");
}

#[test]
fn script_resp3() {
    run_script("resp3.txt");
}

#[test]
fn script_pubsub() {
    run_script("pubsub.txt");
}

#[test]
fn script_auth() {
    run_script("auth.txt");
}

/// Differences that are not the Sentinel's own (see the script's comments).
#[test]
#[ignore = "known gaps, listed in tests/sentinel/differential/gaps.txt: ACL, COMMAND metadata in Sentinel mode"]
fn script_gaps() {
    run_script("gaps.txt");
}
