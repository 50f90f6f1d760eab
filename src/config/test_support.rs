//! For tests that compare with the real thing: a real `redis-server` started on a free loopback
//! port in a directory of its own, a minimal RESP2 client, and scratch directories.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A scratch directory, removed when dropped.
pub(crate) struct ScratchDir(pub PathBuf);

impl ScratchDir {
    pub(crate) fn new(tag: &str) -> ScratchDir {
        static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("redactor-config-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path)
            .unwrap_or_else(|e| panic!("creating {}: {e}", path.display()));
        // Canonical, because Redis reports `dir` as getcwd() does.
        ScratchDir(std::fs::canonicalize(&path).unwrap_or(path))
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Whether the reference server is installed; tests that need it print a notice and pass if not.
pub(crate) fn have_redis() -> bool {
    let found = Command::new("redis-server")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        eprintln!("notice: redis-server is not installed; skipping the comparison with real Redis");
    }
    found
}

/// A port nothing listens on right now.
pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"))
}

/// A RESP2 reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Reply {
    Status(String),
    Error(String),
    Int(i64),
    Bulk(Option<Vec<u8>>),
    Array(Vec<Reply>),
}

/// A running real redis-server, killed when dropped.
pub(crate) struct RealRedis {
    child: Child,
    conn: BufReader<TcpStream>,
}

impl RealRedis {
    /// Starts `redis-server <args>` in `cwd` and connects to `port`; `None` (with the server's
    /// output printed) if it does not come up.
    pub(crate) fn start(cwd: &Path, args: &[String], port: u16) -> Option<RealRedis> {
        let mut child = Command::new("redis-server")
            .args(args)
            .current_dir(cwd)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .ok()?;
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(stream) = TcpStream::connect(("127.0.0.1", port)) {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                return Some(RealRedis {
                    child,
                    conn: BufReader::new(stream),
                });
            }
            if let Ok(Some(_)) = child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = child.kill();
        let output = child.wait_with_output().ok();
        if let Some(out) = output {
            eprintln!(
                "redis-server {args:?} did not start:\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        None
    }

    /// Sends a command and reads its reply.
    pub(crate) fn call(&mut self, args: &[&[u8]]) -> Reply {
        let mut request = format!("*{}\r\n", args.len()).into_bytes();
        for arg in args {
            request.extend_from_slice(format!("${}\r\n", arg.len()).as_bytes());
            request.extend_from_slice(arg);
            request.extend_from_slice(b"\r\n");
        }
        self.conn
            .get_mut()
            .write_all(&request)
            .unwrap_or_else(|e| panic!("write: {e}"));
        read_reply(&mut self.conn)
    }

    /// CONFIG GET as (name, value) pairs.
    pub(crate) fn config_get(&mut self, pattern: &str) -> Vec<(String, String)> {
        match self.call(&[b"CONFIG", b"GET", pattern.as_bytes()]) {
            Reply::Array(items) => items
                .chunks(2)
                .map(|pair| (bulk_text(&pair[0]), bulk_text(&pair[1])))
                .collect(),
            other => panic!("CONFIG GET {pattern}: {other:?}"),
        }
    }

    /// CONFIG SET's reply as `Ok(())` or the error text.
    pub(crate) fn config_set(&mut self, pairs: &[(&str, &str)]) -> Result<(), String> {
        let mut args: Vec<&[u8]> = vec![b"CONFIG", b"SET"];
        for (name, value) in pairs {
            args.push(name.as_bytes());
            args.push(value.as_bytes());
        }
        match self.call(&args) {
            Reply::Status(s) if s == "OK" => Ok(()),
            Reply::Error(e) => Err(e),
            other => panic!("CONFIG SET: {other:?}"),
        }
    }
}

impl Drop for RealRedis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn bulk_text(reply: &Reply) -> String {
    match reply {
        Reply::Bulk(Some(b)) => String::from_utf8_lossy(b).into_owned(),
        other => panic!("expected a bulk string, got {other:?}"),
    }
}

fn read_line(r: &mut BufReader<TcpStream>) -> String {
    let mut line = String::new();
    r.read_line(&mut line)
        .unwrap_or_else(|e| panic!("read: {e}"));
    line.trim_end_matches("\r\n").to_string()
}

fn read_reply(r: &mut BufReader<TcpStream>) -> Reply {
    let line = read_line(r);
    let (kind, rest) = line.split_at(1.min(line.len()));
    let number = || {
        rest.parse::<i64>()
            .unwrap_or_else(|e| panic!("bad length {rest:?}: {e}"))
    };
    match kind {
        "+" => Reply::Status(rest.to_string()),
        "-" => Reply::Error(rest.to_string()),
        ":" => Reply::Int(number()),
        "$" => {
            let len = number();
            if len < 0 {
                return Reply::Bulk(None);
            }
            let mut buf = vec![0u8; len as usize + 2];
            r.read_exact(&mut buf)
                .unwrap_or_else(|e| panic!("read: {e}"));
            buf.truncate(len as usize);
            Reply::Bulk(Some(buf))
        }
        "*" => Reply::Array((0..number().max(0)).map(|_| read_reply(r)).collect()),
        _ => panic!("unexpected reply line {line:?}"),
    }
}

/// Runs real redis-server on a configuration that must fail, and returns what it wrote to stderr.
pub(crate) fn real_redis_stderr(cwd: &Path, args: &[String]) -> String {
    let mut child = Command::new("redis-server")
        .args(args)
        .current_dir(cwd)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawning redis-server: {e}"));
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = child.kill();
    let out = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("waiting for redis-server: {e}"));
    String::from_utf8_lossy(&out.stderr).into_owned()
}
