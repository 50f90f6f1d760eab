//! Redis's log line format through slog:
//! `pid:R dd Mon yyyy hh:mm:ss.mmm <level> message`, where R is the role (`M` master, `S`
//! replica, `X` sentinel, `C` before the role is known) and the level mark is `.` debug,
//! `-` verbose, `*` notice, `#` warning.
//!
//! slog's levels map onto Redis's: Trace = debug, Debug = verbose, Info = notice,
//! Warning and above = warning. Key-values stay attached to the records for other drains; the
//! Redis format prints the message alone so existing log parsers keep working.

use slog::{Drain, Level, OwnedKVList, Record};
use std::fs::OpenOptions;
use std::io::Write;
use std::sync::atomic::{AtomicU8, Ordering::Relaxed};
use std::sync::{Arc, Mutex};

/// What the drain reads on every record: changed at runtime by CONFIG SET loglevel and by
/// role changes.
#[derive(Debug)]
pub struct LogControl {
    /// Minimum slog level, as `Level::as_usize()` (smaller is more severe).
    max_level: AtomicU8,
    /// Shared with the server, whose replication changes it.
    role: Arc<AtomicU8>,
}

impl LogControl {
    pub fn new(loglevel: &str) -> Arc<Self> {
        let c = Arc::new(LogControl {
            max_level: AtomicU8::new(0),
            role: Arc::new(AtomicU8::new(b'C')),
        });
        c.set_level(loglevel);
        c
    }

    /// Applies a redis.conf `loglevel` (debug, verbose, notice, warning; nothing for others).
    pub fn set_level(&self, loglevel: &str) {
        let l = match loglevel {
            "debug" => Level::Trace,
            "verbose" => Level::Debug,
            "warning" => Level::Warning,
            _ => Level::Info,
        };
        self.max_level.store(l.as_usize() as u8, Relaxed);
    }

    pub fn set_role(&self, role: u8) {
        self.role.store(role, Relaxed);
    }

    /// The role mark, for whoever decides it later (REPLICAOF makes it `S`).
    pub fn role_cell(&self) -> Arc<AtomicU8> {
        self.role.clone()
    }
}

/// Where lines go: a file opened in append mode per line (as Redis does, so logrotate works),
/// or standard output.
pub struct RedisFormat {
    path: Option<String>,
    control: Arc<LogControl>,
    out: Mutex<()>,
}

impl RedisFormat {
    pub fn new(logfile: &str, control: Arc<LogControl>) -> Self {
        let path = if logfile.is_empty() {
            None
        } else {
            Some(logfile.to_string())
        };
        RedisFormat {
            path,
            control,
            out: Mutex::new(()),
        }
    }
}

fn mark(level: Level) -> char {
    match level {
        Level::Trace => '.',
        Level::Debug => '-',
        Level::Info => '*',
        _ => '#',
    }
}

/// `24 Nov 2026 14:07:18.123` in local time.
pub fn timestamp() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = now.as_secs() as libc::time_t;
    // SAFETY: localtime_r fills the zeroed tm we own; strftime writes within the buffer size.
    unsafe {
        let mut tm: libc::tm = std::mem::zeroed();
        libc::localtime_r(&secs, &mut tm);
        let mut buf = [0u8; 64];
        let n = libc::strftime(
            buf.as_mut_ptr() as *mut libc::c_char,
            buf.len(),
            c"%d %b %Y %H:%M:%S.".as_ptr(),
            &tm,
        );
        format!(
            "{}{:03}",
            String::from_utf8_lossy(&buf[..n]),
            now.subsec_millis()
        )
    }
}

/// One formatted line, without the newline.
pub fn format_line(pid: u32, role: char, level: Level, msg: &str) -> String {
    format!("{pid}:{role} {} {} {msg}", timestamp(), mark(level))
}

impl Drain for RedisFormat {
    type Ok = ();
    type Err = slog::Never;

    fn log(&self, record: &Record, _: &OwnedKVList) -> Result<(), slog::Never> {
        if record.level().as_usize() > self.control.max_level.load(Relaxed) as usize {
            return Ok(());
        }
        let role = self.control.role.load(Relaxed) as char;
        let line = format_line(
            std::process::id(),
            role,
            record.level(),
            &record.msg().to_string(),
        );
        let _guard = self.out.lock().unwrap_or_else(|e| e.into_inner());
        match &self.path {
            Some(p) => {
                if let Ok(mut f) = OpenOptions::new().create(true).append(true).open(p) {
                    let _ = writeln!(f, "{line}");
                }
            }
            None => {
                let _ = writeln!(std::io::stdout().lock(), "{line}");
            }
        }
        Ok(())
    }
}

/// A root logger writing Redis-format lines to `logfile` (standard output when empty).
pub fn redis_logger(logfile: &str, control: Arc<LogControl>) -> slog::Logger {
    slog::Logger::root(RedisFormat::new(logfile, control).fuse(), slog::o!())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_look_like_redis() {
        let l = format_line(42, 'M', Level::Info, "Ready to accept connections");
        let (head, rest) = l.split_once(' ').unwrap();
        assert_eq!(head, "42:M");
        // dd Mon yyyy hh:mm:ss.mmm * msg
        let parts: Vec<&str> = rest.splitn(6, ' ').collect();
        assert_eq!(parts[0].len(), 2);
        assert_eq!(parts[1].len(), 3);
        assert_eq!(parts[2].len(), 4);
        assert_eq!(parts[3].len(), 12);
        assert_eq!(&parts[3][8..9], ".");
        assert_eq!(parts[4], "*");
        assert_eq!(parts[5], "Ready to accept connections");
        assert_eq!(mark(Level::Warning), '#');
        assert_eq!(mark(Level::Debug), '-');
    }

    #[test]
    fn levels_filter_and_files_append() {
        let dir = std::env::temp_dir().join(format!("redactor-log-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("redis.log");
        let _ = std::fs::remove_file(&path);
        let control = LogControl::new("notice");
        let log = redis_logger(path.to_str().unwrap(), control.clone());
        slog::debug!(log, "hidden at notice");
        slog::info!(log, "shown"; "k" => 1);
        control.set_level("verbose");
        slog::debug!(log, "shown at verbose");
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert!(lines[0].ends_with(" * shown"));
        assert!(lines[1].ends_with(" - shown at verbose"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
