//! AOF differential tests: every script in `tests/aof/scripts/` is run against
//! a fresh reference redis-server 7.0 and a fresh redactor-server, both started
//! with `--appendonly yes --appendfsync always --save '' --enable-debug-command
//! yes` and a private `--dir`. Then
//!
//! * the reply to every scripted command must be byte-identical on both sides,
//!   and
//! * the highest-seq incr file named in each server's
//!   `appendonlydir/appendonly.aof.manifest` is parsed into argv arrays, the
//!   timestamps are masked (tests/aof/FACTS.md §8) and both lists must be
//!   equal; on a mismatch a unified listing (one entry per line) is printed.
//!
//! Script format (tests/aof/FACTS.md §8): one command per line, arguments
//! separated by spaces, `"…"` groups an argument containing spaces (no escapes;
//! `""` is the empty string; single quotes inside are literal). Blank lines
//! and lines starting with `#` are comments, except:
//!
//! * `#sleep <ms>`: pause.
//! * `#async <n> <command>`: send the command on extra connection `n` (opened
//!   on first use) without reading its reply. To make the blocking order
//!   deterministic the runner then also waits (bounded, ~1 s, silently giving
//!   up) until `blocked_clients` in `INFO clients` (asked on a private control
//!   connection, which writes nothing to the AOF) has grown. After the script
//!   the pending async replies are read and discarded (bounded wait).
//! * A command line ending with the token `#noreply` is run but its reply is
//!   not compared (for replies that are inherently random or time dependent;
//!   none of the current scripts needs it).
//!
//! Replies of the commands in [`UNORDERED`] (SPOP, SMEMBERS, ... whose element
//! order is random or implementation-defined) are compared as multisets (the
//! top-level array sorted); every other reply byte for byte.
//!
//! Both servers run the script concurrently (one thread each). The AOF is
//! read once its manifest and file length have been stable for ~100 ms
//! (bounded), so that late writes (blocked clients served later) are in.
//!
//! Environment: `REDACTOR_DIFF_SELFTEST=1` runs redis-server on both sides
//! (proves the scripts deterministic); `REDACTOR_AOF_DUMP=1` prints both masked
//! listings even on success (use `-- --nocapture`).

mod common;

use common::{escape, Client, Frame, Outcome, Server};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const SERVER_ARGS: &[&str] = &[
    "--appendonly",
    "yes",
    "--appendfsync",
    "always",
    "--save",
    "",
    "--enable-debug-command",
    "yes",
];
/// How long one scripted reply may take.
const REPLY_TIMEOUT: Duration = Duration::from_secs(3);
/// Consecutive reply timeouts after which a side stops sending the script.
const MAX_TIMEOUTS: usize = 3;
/// How long the runner waits for an `#async` command to block.
const BLOCK_WAIT: Duration = Duration::from_secs(1);
/// Total time for reading the pending async replies after the script.
const ASYNC_DRAIN: Duration = Duration::from_millis(500);
/// The AOF counts as settled when unchanged for this long ...
const SETTLE_QUIET: Duration = Duration::from_millis(100);
/// ... waiting at most this long.
const SETTLE_MAX: Duration = Duration::from_secs(5);
/// Timestamps within this distance of the test's run time are masked.
const MASK_WINDOW_MS: i64 = 24 * 3600 * 1000;
/// At most this many reply mismatches are listed.
const MAX_REPLY_REPORTS: usize = 25;
/// Commands whose reply is an array in an unspecified order: compared sorted.
const UNORDERED: &[&str] = &[
    "SPOP",
    "SRANDMEMBER",
    "SMEMBERS",
    "SINTER",
    "SUNION",
    "SDIFF",
    "KEYS",
    "HKEYS",
    "HVALS",
];
/// Reply texts in reports are cut to this many characters.
const MAX_REPLY_TEXT: usize = 400;
/// At most this many lines of AOF diff are printed.
const MAX_DIFF_LINES: usize = 200;

// ---------------------------------------------------------------------------
// Scripts
// ---------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum Action {
    /// A command; `bool`: compare its reply.
    Cmd(Vec<Vec<u8>>, bool),
    Sleep(u64),
    Async(u32, Vec<Vec<u8>>),
}

#[derive(Clone, Debug)]
struct Step {
    line: usize,
    text: String,
    action: Action,
}

fn scripts_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/aof/scripts")
}

/// Splits a command line: spaces separate, `"…"` groups (no escapes).
fn split_line(s: &str) -> Result<Vec<Vec<u8>>, String> {
    let b = s.as_bytes();
    let mut args = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b' ' || b[i] == b'\t' {
            i += 1;
            continue;
        }
        let mut cur = Vec::new();
        if b[i] == b'"' {
            i += 1;
            let start = i;
            while i < b.len() && b[i] != b'"' {
                i += 1;
            }
            if i >= b.len() {
                return Err("unbalanced double quote".into());
            }
            cur.extend_from_slice(&b[start..i]);
            i += 1;
            if i < b.len() && b[i] != b' ' && b[i] != b'\t' {
                return Err("closing quote not followed by a space".into());
            }
        } else {
            while i < b.len() && b[i] != b' ' && b[i] != b'\t' {
                cur.push(b[i]);
                i += 1;
            }
        }
        args.push(cur);
    }
    if args.is_empty() {
        return Err("empty command".into());
    }
    Ok(args)
}

fn parse_script(name: &str) -> Vec<Step> {
    let path = scripts_dir().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut steps = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let t = raw.trim();
        if t.is_empty() {
            continue;
        }
        let bad = |why: &str| -> ! { panic!("{name}:{line}: {why}: {t}") };
        let action = if let Some(rest) = t.strip_prefix("#sleep ") {
            Action::Sleep(rest.trim().parse().unwrap_or_else(|_| bad("bad #sleep")))
        } else if let Some(rest) = t.strip_prefix("#async ") {
            let (n, cmd) = rest
                .trim()
                .split_once(' ')
                .unwrap_or_else(|| bad("#async <n> <command>"));
            let n: u32 = n.parse().unwrap_or_else(|_| bad("bad #async connection"));
            Action::Async(n, split_line(cmd.trim()).unwrap_or_else(|w| bad(&w)))
        } else if t.starts_with('#') {
            continue;
        } else {
            let (cmd, check) = match t.strip_suffix("#noreply") {
                Some(c) if c.ends_with(' ') => (c.trim_end(), false),
                _ => (t, true),
            };
            Action::Cmd(split_line(cmd).unwrap_or_else(|w| bad(&w)), check)
        };
        steps.push(Step {
            line,
            text: t.to_string(),
            action,
        });
    }
    steps
}

// ---------------------------------------------------------------------------
// Running a script on one server
// ---------------------------------------------------------------------------

/// What one side did: the reply of every scripted command (by step index),
/// and notes (async commands that did not seem to block, ...).
struct SideRun {
    replies: Vec<Option<Outcome>>,
    notes: Vec<String>,
}

fn args_ref(args: &[Vec<u8>]) -> Vec<&[u8]> {
    args.iter().map(|a| a.as_slice()).collect()
}

/// `blocked_clients` from `INFO clients` on the control connection.
fn blocked_clients(control: &mut Option<Client>, addr: &str) -> Option<i64> {
    if control.is_none() {
        *control = Client::connect(addr).ok();
    }
    let c = control.as_mut()?;
    c.timeout = Duration::from_secs(1);
    c.send(&[b"INFO", b"clients"]);
    let Outcome::Reply(raw) = c.read_outcome() else {
        *control = None;
        return None;
    };
    let text = String::from_utf8_lossy(&raw).into_owned();
    text.lines()
        .find_map(|l| l.trim().strip_prefix("blocked_clients:"))
        .and_then(|v| v.trim().parse().ok())
}

fn run_side(addr: &str, steps: &[Step]) -> SideRun {
    let mut replies = vec![None; steps.len()];
    let mut notes = Vec::new();
    let mut main = match Client::connect(addr) {
        Ok(c) => c,
        Err(e) => {
            notes.push(format!("cannot connect to {addr}: {e}"));
            return SideRun { replies, notes };
        }
    };
    main.timeout = REPLY_TIMEOUT;
    let mut extra: BTreeMap<u32, Client> = BTreeMap::new();
    let mut control: Option<Client> = None;
    let mut timeouts = 0;
    for (i, step) in steps.iter().enumerate() {
        match &step.action {
            Action::Sleep(ms) => std::thread::sleep(Duration::from_millis(*ms)),
            Action::Cmd(args, _) => {
                main.send(&args_ref(args));
                let out = main.read_outcome();
                match &out {
                    Outcome::Timeout(_) => timeouts += 1,
                    _ => timeouts = 0,
                }
                let stop = match &out {
                    Outcome::Closed(_) => Some("connection closed"),
                    Outcome::Malformed(..) => Some("malformed reply"),
                    _ if timeouts >= MAX_TIMEOUTS => Some("too many reply timeouts"),
                    _ => None,
                };
                replies[i] = Some(out);
                if let Some(why) = stop {
                    notes.push(format!(
                        "stopped after line {} ({}): {why}",
                        step.line, step.text
                    ));
                    break;
                }
            }
            Action::Async(n, args) => {
                let before = blocked_clients(&mut control, addr);
                let client = match extra.entry(*n) {
                    std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::btree_map::Entry::Vacant(v) => match Client::connect(addr) {
                        Ok(c) => v.insert(c),
                        Err(e) => {
                            notes.push(format!(
                                "line {}: cannot open connection {n}: {e}",
                                step.line
                            ));
                            continue;
                        }
                    },
                };
                client.send(&args_ref(args));
                if let Some(before) = before {
                    let deadline = Instant::now() + BLOCK_WAIT;
                    loop {
                        match blocked_clients(&mut control, addr) {
                            Some(now) if now > before => break,
                            None => break,
                            _ => {}
                        }
                        if Instant::now() >= deadline {
                            notes.push(format!(
                                "line {} ({}): blocked_clients did not grow within {:?}",
                                step.line, step.text, BLOCK_WAIT
                            ));
                            break;
                        }
                        std::thread::sleep(Duration::from_millis(5));
                    }
                }
            }
        }
    }
    // Read and discard what the async connections have pending.
    let deadline = Instant::now() + ASYNC_DRAIN;
    for client in extra.values_mut() {
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            match client.read_outcome_within(left.min(Duration::from_millis(100))) {
                Outcome::Reply(_) => continue,
                _ => break,
            }
        }
    }
    SideRun { replies, notes }
}

// ---------------------------------------------------------------------------
// The AOF
// ---------------------------------------------------------------------------

type Entry = Vec<Vec<u8>>;

/// The highest-seq incr file named in the manifest under `dir`.
fn incr_file(dir: &Path) -> Result<PathBuf, String> {
    let aofdir = dir.join("appendonlydir");
    let manifest = aofdir.join("appendonly.aof.manifest");
    let text = std::fs::read_to_string(&manifest)
        .map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
    let mut best: Option<(u64, String)> = None;
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let mut file = None;
        let mut seq = None;
        let mut typ = None;
        for kv in words.chunks(2) {
            if let [k, v] = kv {
                match *k {
                    "file" => file = Some(v.to_string()),
                    "seq" => seq = v.parse::<u64>().ok(),
                    "type" => typ = Some(v.to_string()),
                    _ => {}
                }
            }
        }
        if let (Some(f), Some(s), Some("i")) = (file, seq, typ.as_deref()) {
            if best.as_ref().is_none_or(|(b, _)| s > *b) {
                best = Some((s, f));
            }
        }
    }
    best.map(|(_, f)| aofdir.join(f))
        .ok_or_else(|| format!("no incr file in {}:\n{text}", manifest.display()))
}

/// Waits (bounded) until the manifest's incr file and its length have been
/// unchanged for `SETTLE_QUIET`, then returns its bytes.
fn settled_aof(dir: &Path) -> Result<(PathBuf, Vec<u8>), String> {
    let deadline = Instant::now() + SETTLE_MAX;
    let mut last: Option<(PathBuf, u64)> = None;
    let mut since = Instant::now();
    loop {
        let state = incr_file(dir).and_then(|p| {
            std::fs::metadata(&p)
                .map(|m| (p.clone(), m.len()))
                .map_err(|e| format!("cannot stat {}: {e}", p.display()))
        });
        let now = Instant::now();
        match state {
            Ok(s) => {
                if last.as_ref() != Some(&s) {
                    last = Some(s);
                    since = now;
                } else if now.duration_since(since) >= SETTLE_QUIET {
                    let (p, _) = last.unwrap();
                    let bytes = std::fs::read(&p)
                        .map_err(|e| format!("cannot read {}: {e}", p.display()))?;
                    return Ok((p, bytes));
                }
            }
            Err(e) => {
                if now >= deadline {
                    return Err(e);
                }
                last = None;
            }
        }
        if now >= deadline {
            let (p, _) = last.unwrap();
            let bytes =
                std::fs::read(&p).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
            return Ok((p, bytes));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Reads a `\r\n`-terminated line starting at `pos` after the type byte `t`;
/// returns the integer and the position after the line.
fn resp_int(buf: &[u8], pos: usize, t: u8) -> Result<(i64, usize), String> {
    if buf.get(pos) != Some(&t) {
        return Err(format!(
            "expected '{}' at offset {pos}, found {}",
            t as char,
            buf.get(pos)
                .map(|b| format!("\"{}\"", escape(&[*b])))
                .unwrap_or_else(|| "the end".into())
        ));
    }
    let rest = &buf[pos + 1..];
    let nl = rest
        .windows(2)
        .position(|w| w == b"\r\n")
        .ok_or_else(|| format!("unterminated line at offset {pos}"))?;
    let n = std::str::from_utf8(&rest[..nl])
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
        .ok_or_else(|| format!("bad number at offset {pos}"))?;
    Ok((n, pos + 1 + nl + 2))
}

/// Parses an AOF incr file: a sequence of RESP arrays of bulk strings.
fn parse_aof(buf: &[u8]) -> Result<Vec<Entry>, String> {
    let mut entries = Vec::new();
    let mut pos = 0;
    while pos < buf.len() {
        let start = pos;
        let (n, p) = resp_int(buf, pos, b'*')?;
        if n < 0 {
            return Err(format!("negative array length at offset {start}"));
        }
        pos = p;
        let mut argv = Vec::with_capacity(n as usize);
        for _ in 0..n {
            let (len, p) = resp_int(buf, pos, b'$')?;
            if len < 0 {
                return Err(format!("null bulk at offset {pos}"));
            }
            let end = p + len as usize;
            if buf.len() < end + 2 || &buf[end..end + 2] != b"\r\n" {
                return Err(format!("truncated bulk at offset {pos}"));
            }
            argv.push(buf[p..end].to_vec());
            pos = end + 2;
        }
        entries.push(argv);
    }
    Ok(entries)
}

/// Masks the relative-derived timestamps (FACTS.md §8).
fn mask(entries: &mut [Entry], lo: i64, hi: i64) {
    let maskable = |v: &[u8]| {
        std::str::from_utf8(v)
            .ok()
            .and_then(|s| s.parse::<i64>().ok())
            .is_some_and(|n| (lo..=hi).contains(&n))
    };
    for e in entries.iter_mut() {
        let Some(name) = e.first() else { continue };
        if name.eq_ignore_ascii_case(b"SET") {
            for i in 3..e.len().saturating_sub(1) {
                if e[i].eq_ignore_ascii_case(b"PXAT") && maskable(&e[i + 1]) {
                    e[i + 1] = b"<MS>".to_vec();
                }
            }
        } else if name.eq_ignore_ascii_case(b"PEXPIREAT") && e.len() > 2 && maskable(&e[2]) {
            e[2] = b"<MS>".to_vec();
        }
    }
}

/// One entry as a line: arguments separated by spaces; an argument that is
/// empty or holds spaces, quotes or non-printable bytes is double-quoted and
/// escaped.
fn show(e: &Entry) -> String {
    e.iter()
        .map(|a| {
            let plain = !a.is_empty()
                && a.iter()
                    .all(|&b| b.is_ascii_graphic() && b != b'"' && b != b'\\');
            if plain {
                String::from_utf8_lossy(a).into_owned()
            } else {
                format!("\"{}\"", escape(a))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A unified diff (`-` redis, `+` redactor) of two listings, 3 lines of
/// context, computed by LCS.
fn unified_diff(a: &[String], b: &[String]) -> String {
    let (n, m) = (a.len(), b.len());
    // lcs[i][j]: LCS length of a[i..] and b[j..].
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    // Edit script: (tag, a index, b index).
    let mut ops: Vec<(char, usize, usize)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            ops.push((' ', i, j));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            ops.push(('-', i, j));
            i += 1;
        } else {
            ops.push(('+', i, j));
            j += 1;
        }
    }
    const CTX: usize = 3;
    let changed: Vec<usize> = ops
        .iter()
        .enumerate()
        .filter(|(_, o)| o.0 != ' ')
        .map(|(k, _)| k)
        .collect();
    let mut out = String::new();
    let mut k = 0;
    let mut lines = 0;
    while k < changed.len() {
        let start = changed[k].saturating_sub(CTX);
        let mut end = changed[k];
        while k < changed.len() && changed[k] <= end + 2 * CTX {
            end = changed[k];
            k += 1;
        }
        let end = (end + CTX + 1).min(ops.len());
        let (_, ai, bi) = ops[start];
        let _ = writeln!(
            out,
            "@@ redis entry {} / redactor entry {} @@",
            ai + 1,
            bi + 1
        );
        for &(tag, ai, bi) in &ops[start..end] {
            let text = match tag {
                '+' => &b[bi],
                _ => &a[ai],
            };
            let _ = writeln!(out, "{tag} {text}");
            lines += 1;
            if lines >= MAX_DIFF_LINES {
                let _ = writeln!(out, "... (diff truncated)");
                return out;
            }
        }
    }
    out
}

fn listing(entries: &[String]) -> String {
    let mut s = String::new();
    for (i, e) in entries.iter().enumerate() {
        if i >= MAX_DIFF_LINES {
            let _ = writeln!(s, "    ... ({} more)", entries.len() - i);
            break;
        }
        let _ = writeln!(s, "{:4} {e}", i + 1);
    }
    s
}

// ---------------------------------------------------------------------------
// The test
// ---------------------------------------------------------------------------

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn read_side(server: &Server) -> Result<(PathBuf, Vec<Entry>), String> {
    let (path, bytes) = settled_aof(server.dir.path())?;
    let entries = parse_aof(&bytes).map_err(|e| {
        format!(
            "{}: cannot parse {}: {e}\n\"{}\"",
            server.kind.name(),
            path.display(),
            escape(&bytes[..bytes.len().min(2000)])
        )
    })?;
    Ok((path, entries))
}

fn run_script(name: &str) {
    let steps = parse_script(name);
    let start_ms = now_ms();
    let redis = Server::redis(SERVER_ARGS);
    let redactor = Server::redactor(SERVER_ARGS);
    let (redis_addr, redactor_addr) = (redis.addr(), redactor.addr());
    let (redis_run, redactor_run) = std::thread::scope(|s| {
        let a = s.spawn(|| run_side(&redis_addr, &steps));
        let b = s.spawn(|| run_side(&redactor_addr, &steps));
        (
            a.join().expect("redis side panicked"),
            b.join().expect("redactor side panicked"),
        )
    });

    let mut report = String::new();

    // Replies.
    let mut reply_diffs = 0;
    for (i, step) in steps.iter().enumerate() {
        let Action::Cmd(args, true) = &step.action else {
            continue;
        };
        let (r, o) = (&redis_run.replies[i], &redactor_run.replies[i]);
        if r == o || same_unordered(args, r, o) {
            continue;
        }
        reply_diffs += 1;
        if reply_diffs <= MAX_REPLY_REPORTS {
            let show = |x: &Option<Outcome>| {
                let mut t = x
                    .as_ref()
                    .map(Outcome::describe)
                    .unwrap_or_else(|| "<not sent>".into());
                if t.len() > MAX_REPLY_TEXT {
                    let mut cut = MAX_REPLY_TEXT;
                    while !t.is_char_boundary(cut) {
                        cut -= 1;
                    }
                    t.truncate(cut);
                    t.push_str("... (cut)");
                }
                t
            };
            let _ = writeln!(
                report,
                "  line {}: {}\n    redis:    {}\n    redactor: {}",
                step.line,
                step.text,
                show(r),
                show(o)
            );
        }
    }
    if reply_diffs > 0 {
        report.insert_str(0, &format!("{reply_diffs} reply mismatch(es):\n"));
        if reply_diffs > MAX_REPLY_REPORTS {
            let _ = writeln!(report, "  ... ({} more)", reply_diffs - MAX_REPLY_REPORTS);
        }
    }
    for (side, run) in [("redis", &redis_run), ("redactor", &redactor_run)] {
        for n in &run.notes {
            let _ = writeln!(report, "note ({side}): {n}");
        }
    }

    // The AOF.
    let redis_aof = read_side(&redis);
    let redactor_aof = read_side(&redactor);
    let end_ms = now_ms();
    let (lo, hi) = (start_ms - MASK_WINDOW_MS, end_ms + MASK_WINDOW_MS);
    let to_lines = |entries: &mut Vec<Entry>| -> Vec<String> {
        mask(entries, lo, hi);
        entries.iter().map(show).collect()
    };
    let mut aof_failed = false;
    match (redis_aof, redactor_aof) {
        (Err(e), _) => {
            aof_failed = true;
            let _ = writeln!(report, "reference redis AOF unreadable: {e}");
        }
        (Ok(_), Err(e)) => {
            aof_failed = true;
            let _ = writeln!(report, "redactor AOF unreadable: {e}");
        }
        (Ok((rp, mut re)), Ok((op, mut oe))) => {
            let (rl, ol) = (to_lines(&mut re), to_lines(&mut oe));
            let dump = std::env::var("REDACTOR_AOF_DUMP").is_ok_and(|v| !v.is_empty() && v != "0");
            if rl != ol {
                aof_failed = true;
                let _ = writeln!(
                    report,
                    "AOF mismatch ({} redis entries in {}, {} redactor entries in {}):\n\
                     --- unified diff (- redis, + redactor) ---\n{}",
                    rl.len(),
                    file_name(&rp),
                    ol.len(),
                    file_name(&op),
                    unified_diff(&rl, &ol)
                );
            }
            if rl != ol || dump {
                let _ = writeln!(
                    report,
                    "--- redis AOF (masked) ---\n{}--- redactor AOF (masked) ---\n{}",
                    listing(&rl),
                    listing(&ol)
                );
            }
        }
    }
    if reply_diffs > 0 || aof_failed {
        panic!("script {name}:\n{report}");
    } else if !report.is_empty() {
        eprintln!("script {name} (passed):\n{report}");
    }
}

/// True if `args` is an [`UNORDERED`] command and both replies are the same
/// multiset.
fn same_unordered(args: &[Vec<u8>], a: &Option<Outcome>, b: &Option<Outcome>) -> bool {
    let unordered = args.first().is_some_and(|n| {
        UNORDERED
            .iter()
            .any(|u| n.eq_ignore_ascii_case(u.as_bytes()))
    });
    match (a, b) {
        (Some(Outcome::Reply(a)), Some(Outcome::Reply(b))) if unordered => {
            match (Frame::parse(a), Frame::parse(b)) {
                (Ok(fa), Ok(fb)) => fa.sorted() == fb.sorted(),
                _ => false,
            }
        }
        _ => false,
    }
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default()
}

macro_rules! aof_scripts {
    ($($test:ident => $file:literal,)*) => {
        $(
            #[test]
            fn $test() {
                run_script($file);
            }
        )*

        /// Every script in the directory has a test above.
        #[test]
        fn every_script_has_a_test() {
            let known = [$($file),*];
            let mut missing = Vec::new();
            for e in std::fs::read_dir(scripts_dir()).expect("scripts dir") {
                let name = e.expect("dir entry").file_name().to_string_lossy().into_owned();
                if name.ends_with(".txt") && !known.contains(&name.as_str()) {
                    missing.push(name);
                }
            }
            assert!(missing.is_empty(), "scripts without a test in aof_differential.rs: {missing:?}");
        }
    };
}

aof_scripts! {
    active_expire => "active_expire.txt",
    blocking_served_later => "blocking_served_later.txt",
    collections => "collections.txt",
    errors_noop => "errors_noop.txt",
    expire => "expire.txt",
    keyspace => "keyspace.txt",
    lazy_expire => "lazy_expire.txt",
    multi => "multi.txt",
    rewrite => "rewrite.txt",
    spop_big => "spop_big.txt",
    strings => "strings.txt",
}

#[test]
fn parser_and_mask_selfcheck() {
    let raw = b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*5\r\n$3\r\nSET\r\n$1\r\nd\r\n$1\r\nv\r\n$4\r\nPXAT\r\n$13\r\n1700000000000\r\n*3\r\n$9\r\nPEXPIREAT\r\n$1\r\na\r\n$13\r\n4000000000000\r\n";
    let mut e = parse_aof(raw).unwrap();
    assert_eq!(e.len(), 3);
    mask(&mut e, 1_600_000_000_000, 1_800_000_000_000);
    let lines: Vec<String> = e.iter().map(show).collect();
    assert_eq!(
        lines,
        ["SELECT 0", "SET d v PXAT <MS>", "PEXPIREAT a 4000000000000"]
    );
    assert!(parse_aof(b"*1\r\n$3\r\nSE").is_err());
    assert_eq!(
        split_line(r#"EVAL "redis.call('set','x','1')" 0"#).unwrap(),
        vec![
            b"EVAL".to_vec(),
            b"redis.call('set','x','1')".to_vec(),
            b"0".to_vec()
        ]
    );
    assert_eq!(split_line(r#"SETRANGE u 0 """#).unwrap()[3], b"".to_vec());
}
