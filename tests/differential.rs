//! Differential tests: every script in tests/scripts/ is run, command by
//! command, against a fresh reference redis-server 7.0 and a fresh
//! redactor-server started with the same arguments; the raw reply bytes must
//! be identical.
//!
//! Script format (one step per line; blank lines and lines starting with `#`
//! are ignored):
//!
//! * `CMD arg ...`: a command, split like redis-cli does (whitespace,
//!   `"double quotes"` with `\n \r \t \xHH` escapes, `'single quotes'`), sent
//!   as a multibulk on the current connection; the replies must be
//!   byte-identical. `${NAME}` in an argument is replaced by that side's value
//!   of a variable set with `@set`.
//! * Modifiers in front of a command (combinable):
//!   `@sorted` (top-level array/set/map compared as a multiset: KEYS ...),
//!   `@sorted-deep` (every aggregate at every depth compared as a multiset:
//!   COMMAND INFO of commands with subcommands, whose order is unspecified),
//!   `@sorted-pairs` (a flat array of key/value pairs compared as a set of
//!   pairs: CONFIG GET with several parameters in RESP2 ...),
//!   `@noints` (integer values masked: HELLO's client id ...),
//!   `@approx N` (integers may differ by up to N: PTTL ...),
//!   `@shape` (only types and aggregate sizes: TIME, INFO, CLIENT LIST ...),
//!   `@skip-reply` (only the reply's type byte is compared: `-` or not ...),
//!   `@mask-stats` (in strings, what depends on timing or on the client's port is
//!   masked: `usec=`, `usec_per_call=`, `p<N>=` values, `Nms`, `N sec`, the
//!   port of `ip:port`, the time of a MONITOR line; then the lines of a
//!   multi-line string are sorted, as INFO commandstats lists commands in hash
//!   order).
//! * `@scan-all SCAN 0 [MATCH p] [COUNT n] [TYPE t]`: iterates the cursor to 0
//!   and compares the sorted union of the elements (the cursor is the
//!   argument after the command for SCAN, the one after the key otherwise).
//! * `@set NAME CMD ...`: runs the command, keeps each side's scalar reply as
//!   variable NAME (only the reply shapes are compared).
//! * `@resp3`: `HELLO 3` with the client id masked.
//! * `@newconn`: replaces the current connection with a new one.
//! * `@conn NAME`: makes connection NAME current (opened when first named;
//!   the first connection is `main`).
//! * `@raw BYTES`: sends the bytes (escapes as in double quotes; spaces are
//!   kept), then reads one reply or the connection's close, and compares.
//! * `@raw-noreply BYTES`: sends the bytes without reading.
//! * `@raw-repeat N BYTES`: sends the bytes N times over, without reading.
//! * `@read [N]`: reads one (or N) more replies (or the close) and compares.
//! * `@send CMD ...`: sends the command (substituted like a command) on the
//!   current connection without reading its reply (a blocking BLPOP ...);
//!   `@recv [N]` (same as `@read [N]`) reads it later.
//! * `@drain`: sends PING on the current connection and reads every frame up
//!   to its pong (`+PONG`, or `pong` in RESP2 subscriber mode); the whole
//!   sequence is compared: the messages a subscriber has received so far,
//!   and nothing else.
//! * `@wait-blocked N`: waits (bounded) until the server reports
//!   `blocked_clients:N` in `INFO clients`, asked on a private control
//!   connection: orders a blocked `@send` before what must wake it.
//! * `@wait-for "REPLY" CMD ...`: repeats the command on the current
//!   connection (bounded) until its reply is exactly REPLY (quoted, with
//!   escapes): waits for what the server does asynchronously, such as
//!   forgetting a closed connection's subscriptions.
//! * `@repeat N LINE`: the line (a command with its modifiers, `@send`, ...)
//!   N times, with `{i}` replaced by 0, 1, ... N-1 (big hashes, sets ...).
//! * `@eof`: both servers must close the current connection (after a QUIT or
//!   a protocol error).
//! * `@sleep MS`: waits (for expiry).
//! * `@server-args ARGS`: (before the first step) extra server arguments,
//!   e.g. `--requirepass redis`.
//!
//! Environment: `REDACTOR_DIFF_SELFTEST=1` runs redis-server on both sides
//! (proves the scripts deterministic); `REDACTOR_DIFF_DUMP=1` prints every
//! step with the reference reply (use `-- --nocapture`);
//! `REDACTOR_DIFF_FAILFAST=1` stops at the first mismatch;
//! `REDACTOR_DIFF_MAX_REPORTED=N` reports up to N mismatches (default 25).

mod common;

use common::script::{abbreviate_pair, env_flag, replace_all, split_cmd, split_word};
use common::{unescape, Client, Frame, Kind, Outcome, Server};
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

const BASE_ARGS: &[&str] = &["--save", "", "--appendonly", "no"];
const MAX_REPORTED: usize = 25;
/// Consecutive read timeouts from redactor-server before a script gives up.
const MAX_TIMEOUTS: usize = 3;
/// How long `@wait-blocked` waits for the count (and `@wait-for` for its
/// reply).
const WAIT_BLOCKED_TIMEOUT: Duration = Duration::from_secs(3);
/// ... and after one of them has failed.
const WAIT_BLOCKED_RETRY: Duration = Duration::from_millis(300);
/// Name of the connection `@wait-blocked` asks on (not nameable in scripts).
const CONTROL: &str = "\0control";
/// At most this many frames before the pong of a `@drain`.
const MAX_DRAINED: usize = 10_000;

#[derive(Clone, Debug, Default)]
struct Mods {
    sorted: bool,
    sorted_pairs: bool,
    sorted_deep: bool,
    noints: bool,
    approx: Option<i64>,
    shape: bool,
    mask_stats: bool,
    skip: bool,
    scan_all: bool,
}

#[derive(Clone, Debug)]
enum Action {
    Cmd(Mods, Vec<Vec<u8>>),
    Set(String, Vec<Vec<u8>>),
    NewConn,
    Conn(String),
    Raw(Vec<u8>, bool),
    Send(Vec<Vec<u8>>),
    Read(usize),
    Drain,
    WaitBlocked(i64),
    WaitFor(Vec<u8>, Vec<Vec<u8>>),
    Eof,
    Sleep(u64),
}

#[derive(Clone, Debug)]
struct Step {
    line: usize,
    text: String,
    action: Action,
}

struct Script {
    name: String,
    server_args: Vec<String>,
    steps: Vec<Step>,
}

fn scripts_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/scripts")
}

fn parse_script(name: &str) -> Script {
    let path = scripts_dir().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut server_args = Vec::new();
    let mut steps = Vec::new();
    for (i, raw_line) in text.lines().enumerate() {
        let line = i + 1;
        let t = raw_line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let bad = |why: &str| -> ! { panic!("{name}:{line}: {why}: {t}") };
        let (word, rest) = split_word(t);
        if word == "@server-args" {
            if !steps.is_empty() {
                bad("@server-args must come before the first step");
            }
            server_args.extend(
                split_cmd(rest)
                    .unwrap_or_else(|why| bad(&why))
                    .into_iter()
                    .map(|a| String::from_utf8(a).expect("utf-8 server arg")),
            );
            continue;
        }
        if word == "@repeat" {
            let (n, line_text) = rest
                .split_once(char::is_whitespace)
                .unwrap_or_else(|| bad("@repeat N LINE"));
            let n: usize = n.parse().unwrap_or_else(|_| bad("bad @repeat N"));
            for i in 0..n {
                let text = line_text.trim_start().replace("{i}", &i.to_string());
                let action = parse_line(&text).unwrap_or_else(|why| bad(&why));
                steps.push(Step { line, text, action });
            }
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
        server_args,
        steps,
    }
}

/// One script line (not `@server-args` / `@repeat`) as an action.
fn parse_line(t: &str) -> Result<Action, String> {
    let (word, rest) = split_word(t);
    if !word.starts_with('@') {
        return Ok(Action::Cmd(Mods::default(), split_cmd(t)?));
    }
    let count = |what: &str| -> Result<usize, String> {
        if rest.is_empty() {
            Ok(1)
        } else {
            rest.parse().map_err(|_| format!("bad {what} N"))
        }
    };
    Ok(match word {
        "@newconn" => Action::NewConn,
        "@conn" if !rest.is_empty() => Action::Conn(rest.to_string()),
        "@raw" => Action::Raw(unescape(rest), true),
        "@raw-noreply" => Action::Raw(unescape(rest), false),
        "@raw-repeat" => {
            let (n, bytes) = rest.split_once(' ').ok_or("@raw-repeat N BYTES")?;
            let n: usize = n.parse().map_err(|_| "bad @raw-repeat N")?;
            Action::Raw(unescape(bytes).repeat(n), false)
        }
        "@send" => Action::Send(split_cmd(rest)?),
        "@read" => Action::Read(count("@read")?),
        "@recv" => Action::Read(count("@recv")?),
        "@wait-blocked" => Action::WaitBlocked(rest.parse().map_err(|_| "bad @wait-blocked N")?),
        "@drain" if rest.is_empty() => Action::Drain,
        "@wait-for" => {
            let mut args = split_cmd(rest)?;
            if args.len() < 2 {
                return Err("@wait-for \"REPLY\" CMD ...".into());
            }
            let want = args.remove(0);
            Action::WaitFor(want, args)
        }
        "@eof" => Action::Eof,
        "@sleep" => Action::Sleep(rest.parse().map_err(|_| "bad @sleep")?),
        "@resp3" => Action::Cmd(
            Mods {
                noints: true,
                ..Mods::default()
            },
            vec![b"HELLO".to_vec(), b"3".to_vec()],
        ),
        "@set" => {
            let (var, cmd) = rest
                .split_once(char::is_whitespace)
                .ok_or("@set NAME CMD ...")?;
            Action::Set(var.to_string(), split_cmd(cmd)?)
        }
        _ => {
            // Modifiers, then a command.
            let mut mods = Mods::default();
            let mut cur = t;
            while cur.starts_with('@') {
                let (w, r) = cur
                    .split_once(char::is_whitespace)
                    .ok_or("modifier without a command")?;
                let r = r.trim_start();
                match w {
                    "@sorted" => mods.sorted = true,
                    "@sorted-pairs" => mods.sorted_pairs = true,
                    "@sorted-deep" => mods.sorted_deep = true,
                    "@noints" => mods.noints = true,
                    "@shape" => mods.shape = true,
                    "@skip-reply" => mods.skip = true,
                    "@mask-stats" => mods.mask_stats = true,
                    "@scan-all" => mods.scan_all = true,
                    "@approx" => {
                        let (n, r2) = r.split_once(char::is_whitespace).ok_or("@approx N CMD")?;
                        mods.approx = Some(n.parse().map_err(|_| "bad @approx N")?);
                        cur = r2.trim_start();
                        continue;
                    }
                    _ => return Err("unknown directive".into()),
                }
                cur = r;
            }
            Action::Cmd(mods, split_cmd(cur)?)
        }
    })
}

/// One server and its connections.
struct Side {
    server: Server,
    conns: HashMap<String, Client>,
    current: String,
    vars: HashMap<String, Vec<u8>>,
    /// A `@wait-blocked` has failed: later ones wait only briefly (a server
    /// without blocking commands must not cost the full wait every time).
    wait_failed: bool,
}

impl Side {
    fn start(kind: Kind, args: &[String]) -> Side {
        let server = Server::builder(kind).args(BASE_ARGS).args(args).start();
        let mut conns = HashMap::new();
        conns.insert("main".to_string(), server.client());
        Side {
            server,
            conns,
            current: "main".into(),
            vars: HashMap::new(),
            wait_failed: false,
        }
    }

    /// The current connection, opened if needed.
    fn conn(&mut self) -> Result<&mut Client, Outcome> {
        if !self.conns.contains_key(&self.current) {
            let c = Client::connect(&self.server.addr())
                .map_err(|e| Outcome::NoConnection(e.to_string()))?;
            self.conns.insert(self.current.clone(), c);
        }
        Ok(self
            .conns
            .get_mut(&self.current)
            .expect("connection just inserted"))
    }

    /// Replaces the current connection with a new one (opened now, so that
    /// both servers see connections in the same order).
    fn reconnect(&mut self) {
        self.conns.remove(&self.current);
        let _ = self.conn();
    }

    fn send_raw(&mut self, bytes: &[u8]) {
        if let Ok(c) = self.conn() {
            c.send_raw(bytes);
        }
    }

    fn read(&mut self) -> Outcome {
        match self.conn() {
            Ok(c) => c.read_outcome(),
            Err(o) => o,
        }
    }

    fn substitute(&self, args: &[Vec<u8>]) -> Vec<Vec<u8>> {
        args.iter()
            .map(|a| {
                let mut a = a.clone();
                for (k, v) in &self.vars {
                    let pat = format!("${{{k}}}").into_bytes();
                    a = replace_all(&a, &pat, v);
                }
                a
            })
            .collect()
    }

    fn command(&mut self, args: &[Vec<u8>]) -> Outcome {
        match self.send(args) {
            Ok(()) => self.read(),
            Err(o) => o,
        }
    }

    /// Sends a command (substituted) on the current connection, no reading.
    fn send(&mut self, args: &[Vec<u8>]) -> Result<(), Outcome> {
        let args = self.substitute(args);
        let refs: Vec<&[u8]> = args.iter().map(|a| a.as_slice()).collect();
        self.conn()?.send(&refs);
        Ok(())
    }

    /// PING, then every frame up to its pong, as one byte string.
    fn drain(&mut self) -> Outcome {
        let client = match self.conn() {
            Ok(c) => c,
            Err(o) => return o,
        };
        client.send(&[b"PING"]);
        let mut all = Vec::new();
        for _ in 0..MAX_DRAINED {
            match client.read_outcome() {
                Outcome::Reply(raw) => {
                    let pong = match Frame::parse(&raw) {
                        Ok(Frame::Line(b'+', s)) => s == b"PONG",
                        Ok(Frame::Agg(_, Some(items))) => {
                            items.len() == 2 && items[0].as_bytes() == Some(b"pong")
                        }
                        _ => false,
                    };
                    all.extend_from_slice(&raw);
                    if pong {
                        return Outcome::Reply(all);
                    }
                }
                Outcome::Timeout(partial) => {
                    all.extend_from_slice(&partial);
                    return Outcome::Timeout(all);
                }
                Outcome::Closed(partial) => {
                    all.extend_from_slice(&partial);
                    return Outcome::Closed(all);
                }
                other => return other,
            }
        }
        Outcome::Timeout(all)
    }

    /// Repeats a command until its reply is `want` (bounded).
    fn wait_for(&mut self, want: &[u8], args: &[Vec<u8>]) -> Result<(), String> {
        let deadline = Instant::now() + WAIT_BLOCKED_TIMEOUT;
        loop {
            let got = self.command(args);
            if matches!(&got, Outcome::Reply(raw) if raw == want) {
                return Ok(());
            }
            if Instant::now() >= deadline || !matches!(got, Outcome::Reply(_)) {
                return Err(format!("last reply {}", got.describe()));
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// `blocked_clients` of `INFO clients`, asked on the control connection.
    fn blocked_clients(&mut self) -> Result<i64, String> {
        if !self.conns.contains_key(CONTROL) {
            let c = Client::connect(&self.server.addr()).map_err(|e| e.to_string())?;
            self.conns.insert(CONTROL.to_string(), c);
        }
        let c = self.conns.get_mut(CONTROL).expect("control connection");
        c.send(&[b"INFO", b"clients"]);
        let out = c.read_outcome();
        let Outcome::Reply(raw) = &out else {
            return Err(out.describe());
        };
        let text = Frame::parse(raw)
            .ok()
            .and_then(|f| {
                f.as_bytes()
                    .map(|b| String::from_utf8_lossy(b).into_owned())
            })
            .unwrap_or_default();
        text.lines()
            .find_map(|l| l.trim_end().strip_prefix("blocked_clients:"))
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| format!("no blocked_clients in INFO clients: {}", out.describe()))
    }

    /// Waits (bounded) for `blocked_clients:n`; the last answer on failure.
    fn wait_blocked(&mut self, n: i64) -> Result<(), String> {
        let wait = if self.wait_failed {
            WAIT_BLOCKED_RETRY
        } else {
            WAIT_BLOCKED_TIMEOUT
        };
        let deadline = Instant::now() + wait;
        loop {
            let got = self.blocked_clients();
            if got == Ok(n) {
                return Ok(());
            }
            if Instant::now() >= deadline {
                self.wait_failed = true;
                return Err(match got {
                    Ok(v) => format!("blocked_clients stayed {v}, not {n}"),
                    Err(e) => e,
                });
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Iterates a SCAN-family command to cursor 0; the sorted union of the
    /// elements as one array reply (or the first non-scan reply).
    fn scan_all(&mut self, args: &[Vec<u8>]) -> Outcome {
        let cursor_at = if args[0].eq_ignore_ascii_case(b"scan") {
            1
        } else {
            2
        };
        if args.len() <= cursor_at {
            return self.command(args);
        }
        let mut args = args.to_vec();
        let mut all = Vec::new();
        for _ in 0..100_000 {
            let out = self.command(&args);
            let Outcome::Reply(raw) = &out else {
                return out;
            };
            let Ok(frame) = Frame::parse(raw) else {
                return out;
            };
            let (cursor, items) = match frame.items() {
                Some([c, Frame::Agg(_, Some(items))]) => (c.as_bytes().map(<[u8]>::to_vec), items),
                _ => return out,
            };
            let Some(cursor) = cursor else {
                return out;
            };
            all.extend(items.iter().cloned());
            if cursor == b"0" {
                let f = Frame::Agg(b'*', Some(all)).sorted();
                return Outcome::Reply(f.encode());
            }
            args[cursor_at] = cursor;
        }
        Outcome::Timeout(b"scan did not end".to_vec())
    }
}

/// `@mask-stats`: timing values and client ports masked, lines sorted.
fn mask_stats(text: &[u8]) -> Vec<u8> {
    let t = String::from_utf8_lossy(text).into_owned();
    // A MONITOR line's time: `1700000000.123456 [0 ...`.
    let t = match t.split_once(" [") {
        Some((time, rest))
            if !time.is_empty() && time.chars().all(|c| c.is_ascii_digit() || c == '.') =>
        {
            format!("# [{rest}")
        }
        _ => t,
    };
    let mut out = String::with_capacity(t.len());
    let chars: Vec<char> = t.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let after_p = out.ends_with('=')
            && out
                .rsplit([',', ':'])
                .next()
                .is_some_and(|w| w.starts_with('p'));
        let masked = c.is_ascii_digit()
            && (after_p
                || [
                    "usec=",
                    "usec_per_call=",
                    "127.0.0.1:",
                    "average ",
                    "deviation ",
                    "period ",
                    "event ",
                ]
                .iter()
                .any(|w| out.ends_with(w)));
        if masked {
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            out.push('#');
            continue;
        }
        out.push(c);
        i += 1;
    }
    if out.contains('\n') {
        let sep = if out.contains("\r\n") { "\r\n" } else { "\n" };
        let mut lines: Vec<&str> = out.split(sep).collect();
        lines.sort();
        return lines.join(sep).into_bytes();
    }
    out.into_bytes()
}

/// The two outcomes as they are compared under `mods`.
fn normalize(mods: &Mods, a: &Outcome, b: &Outcome) -> (String, String) {
    if let (Outcome::Reply(ra), Outcome::Reply(rb)) = (a, b) {
        if let (Ok(mut fa), Ok(mut fb)) = (Frame::parse(ra), Frame::parse(rb)) {
            if mods.skip {
                // Only the kind of reply (its type byte) must agree.
                return (
                    format!("type '{}'", ra[0] as char),
                    format!("type '{}'", rb[0] as char),
                );
            }
            if mods.sorted {
                fa = fa.sorted();
                fb = fb.sorted();
            }
            if mods.sorted_deep {
                fa = fa.sorted_deep();
                fb = fb.sorted_deep();
            }
            if mods.sorted_pairs {
                fa = fa.sorted_pairs();
                fb = fb.sorted_pairs();
            }
            if mods.noints {
                fa = fa.mask_ints();
                fb = fb.mask_ints();
            }
            if mods.mask_stats {
                fa = fa.map_text(&mask_stats);
                fb = fb.map_text(&mask_stats);
            }
            if let Some(n) = mods.approx {
                if let (Some(x), Some(y)) = (fa.as_int(), fb.as_int()) {
                    if (x - y).abs() <= n {
                        fb = fa.clone();
                    }
                }
            }
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

struct Run {
    script: Script,
    reference: Side,
    subject: Side,
    failures: Vec<String>,
    subject_timeouts: usize,
    failfast: bool,
    dump: bool,
}

impl Run {
    fn new(name: &str) -> Run {
        let script = parse_script(name);
        let reference = Side::start(Kind::Redis, &script.server_args);
        let subject = Side::start(Kind::Redactor, &script.server_args);
        Run {
            script,
            reference,
            subject,
            failures: Vec::new(),
            subject_timeouts: 0,
            failfast: env_flag("REDACTOR_DIFF_FAILFAST"),
            dump: env_flag("REDACTOR_DIFF_DUMP"),
        }
    }

    fn check(&mut self, step: &Step, mods: &Mods, a: Outcome, b: Outcome) {
        if self.dump {
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
            let (da, db) = abbreviate_pair(&a.describe(), &b.describe(), 160);
            let mut msg = format!(
                "{}:{}: {}\n    redis:    {da}\n    redactor: {db}",
                self.script.name, step.line, step.text,
            );
            if na != a.describe() || nb != b.describe() {
                let (ca, cb) = abbreviate_pair(&na, &nb, 160);
                msg.push_str(&format!("\n    compared: {ca}\n          vs: {cb}"));
            }
            if reference_broken {
                msg.push_str("\n    (the reference itself gave no reply: the script is wrong)");
            }
            self.failures.push(msg);
        }
    }

    /// The outcome of a `@wait-...` on both sides.
    fn check_wait(&mut self, step: &Step, a: Result<(), String>, b: Result<(), String>) {
        if a.is_ok() && b.is_ok() {
            return;
        }
        let mut msg = format!(
            "{}:{}: {}\n    redis:    {}\n    redactor: {}",
            self.script.name,
            step.line,
            step.text,
            a.as_ref().err().map_or("ok", String::as_str),
            b.as_ref().err().map_or("ok", String::as_str),
        );
        if a.is_err() {
            msg.push_str("\n    (the reference itself failed: the script is wrong)");
        }
        self.failures.push(msg);
    }

    fn execute(mut self) {
        let steps = self.script.steps.clone();
        for step in &steps {
            if self.failfast && !self.failures.is_empty() {
                break;
            }
            if let Some(status) = self.subject.server.try_wait() {
                self.failures.push(format!(
                    "{}:{}: redactor-server has exited ({status}); the rest of the script is skipped\n{}",
                    self.script.name,
                    step.line,
                    self.subject.server.diagnostics()
                ));
                break;
            }
            if self.subject_timeouts >= MAX_TIMEOUTS {
                self.failures.push(format!(
                    "{}:{}: redactor-server did not reply {MAX_TIMEOUTS} times in a row; the rest of the script is skipped",
                    self.script.name, step.line
                ));
                break;
            }
            match &step.action {
                Action::Cmd(mods, args) => {
                    let (a, b) = if mods.scan_all {
                        (self.reference.scan_all(args), self.subject.scan_all(args))
                    } else {
                        (self.reference.command(args), self.subject.command(args))
                    };
                    self.check(step, mods, a, b);
                }
                Action::Set(var, args) => {
                    let a = self.reference.command(args);
                    let b = self.subject.command(args);
                    for (side, out) in [(&mut self.reference, &a), (&mut self.subject, &b)] {
                        if let Outcome::Reply(raw) = out {
                            if let Some(v) = Frame::parse(raw)
                                .ok()
                                .and_then(|f| f.as_bytes().map(<[u8]>::to_vec))
                            {
                                side.vars.insert(var.clone(), v);
                            }
                        }
                    }
                    let mods = Mods {
                        shape: true,
                        ..Mods::default()
                    };
                    self.check(step, &mods, a, b);
                }
                Action::NewConn => {
                    self.reference.reconnect();
                    self.subject.reconnect();
                }
                Action::Conn(name) => {
                    for side in [&mut self.reference, &mut self.subject] {
                        side.current = name.clone();
                        let _ = side.conn();
                    }
                }
                Action::Raw(bytes, read) => {
                    self.reference.send_raw(bytes);
                    self.subject.send_raw(bytes);
                    if *read {
                        let a = self.reference.read();
                        let b = self.subject.read();
                        self.check(step, &Mods::default(), a, b);
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
                Action::Drain => {
                    let a = self.reference.drain();
                    let b = self.subject.drain();
                    self.check(step, &Mods::default(), a, b);
                }
                Action::WaitBlocked(n) => {
                    let a = self.reference.wait_blocked(*n);
                    let b = self.subject.wait_blocked(*n);
                    self.check_wait(step, a, b);
                }
                Action::WaitFor(want, args) => {
                    let a = self.reference.wait_for(want, args);
                    let b = self.subject.wait_for(want, args);
                    self.check_wait(step, a, b);
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
                Action::Sleep(ms) => {
                    let until = Instant::now() + Duration::from_millis(*ms);
                    while Instant::now() < until {
                        std::thread::sleep(until.saturating_duration_since(Instant::now()));
                    }
                }
            }
        }
        if !self.failures.is_empty() {
            let n = self.failures.len();
            let max = std::env::var("REDACTOR_DIFF_MAX_REPORTED")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(MAX_REPORTED);
            let shown: Vec<&String> = self.failures.iter().take(max).collect();
            let mut msg = format!(
                "{n} mismatch(es) in tests/scripts/{} (redis vs {}):\n\n",
                self.script.name,
                self.subject.server.kind.name()
            );
            for f in shown {
                msg.push_str(f);
                msg.push_str("\n\n");
            }
            if n > max {
                msg.push_str(&format!(
                    "... and {} more (REDACTOR_DIFF_MAX_REPORTED=N shows more)\n",
                    n - max
                ));
            }
            panic!("{msg}");
        }
    }
}

fn run_script(name: &str) {
    Run::new(name).execute();
}

/// Every script in tests/scripts/ must have a test below.
const SCRIPTS: &[&str] = &[
    "connection.txt",
    "server.txt",
    "keyspace.txt",
    "expire.txt",
    "strings.txt",
    "errors.txt",
    "resp3.txt",
    "protocol.txt",
    "auth.txt",
    "introspection.txt",
    "types_needed.txt",
    "lists.txt",
    "hashes.txt",
    "sets.txt",
    "zsets.txt",
    "transactions.txt",
    "pubsub.txt",
    "blocking.txt",
    "notifications.txt",
    "stats.txt",
];

#[test]
fn every_script_has_a_test() {
    let mut found: Vec<String> = std::fs::read_dir(scripts_dir())
        .expect("tests/scripts")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    found.sort();
    let mut listed: Vec<String> = SCRIPTS.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(found, listed, "tests/scripts/*.txt and SCRIPTS differ");
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
fn script_stats() {
    run_script("stats.txt");
}

#[test]
fn script_connection() {
    run_script("connection.txt");
}

#[test]
fn script_server() {
    run_script("server.txt");
}

#[test]
fn script_keyspace() {
    run_script("keyspace.txt");
}

#[test]
fn script_expire() {
    run_script("expire.txt");
}

#[test]
fn script_strings() {
    run_script("strings.txt");
}

#[test]
fn script_errors() {
    run_script("errors.txt");
}

#[test]
fn script_resp3() {
    run_script("resp3.txt");
}

#[test]
fn script_protocol() {
    run_script("protocol.txt");
}

#[test]
fn script_auth() {
    run_script("auth.txt");
}

#[test]
fn script_introspection() {
    run_script("introspection.txt");
}

#[test]
fn script_types_needed() {
    run_script("types_needed.txt");
}

#[test]
fn script_lists() {
    run_script("lists.txt");
}

#[test]
fn script_hashes() {
    run_script("hashes.txt");
}

#[test]
fn script_sets() {
    run_script("sets.txt");
}

#[test]
fn script_zsets() {
    run_script("zsets.txt");
}

#[test]
fn script_transactions() {
    run_script("transactions.txt");
}

#[test]
fn script_pubsub() {
    run_script("pubsub.txt");
}

#[test]
fn script_blocking() {
    run_script("blocking.txt");
}

#[test]
fn script_notifications() {
    run_script("notifications.txt");
}
