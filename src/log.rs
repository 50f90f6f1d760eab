//! Redis's log line format through slog:
//! `pid:R dd Mon yyyy hh:mm:ss.mmm <level> message`, where R is the role (`M` master, `S`
//! replica, `X` sentinel, `C` before the role is known) and the level mark is `.` debug,
//! `-` verbose, `*` notice, `#` warning.
//!
//! slog's levels map onto Redis's: Trace = debug, Debug = verbose, Info = notice,
//! Warning and above = warning. Key-values stay attached to the records for other drains; the
//! Redis format prints the message alone so existing log parsers keep working.
//!
//! `log-format json` (Redactor's own) writes one JSON object a line instead:
//! `{"ts":"2026-11-24T22:36:07.087Z","pid":123,"role":"M","level":"notice","msg":"..."}`
//! followed by the record's and the logger's key-values (numbers and booleans as JSON ones,
//! everything else as strings).

use slog::{Drain, Level, OwnedKVList, Record};
use std::fs::OpenOptions;
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering::Relaxed};
use std::sync::{Arc, Mutex};

/// What the drain reads on every record: changed at runtime by CONFIG SET loglevel and by
/// role changes.
#[derive(Debug)]
pub struct LogControl {
    /// Minimum slog level, as `Level::as_usize()` (smaller is more severe).
    max_level: AtomicU8,
    /// Shared with the server, whose replication changes it.
    role: Arc<AtomicU8>,
    /// `log-format json`.
    json: AtomicBool,
}

impl LogControl {
    pub fn new(loglevel: &str) -> Arc<Self> {
        let c = Arc::new(LogControl {
            max_level: AtomicU8::new(0),
            role: Arc::new(AtomicU8::new(b'C')),
            json: AtomicBool::new(false),
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

    /// Applies `log-format`: `json`, or Redis's lines for anything else.
    pub fn set_format(&self, format: &str) {
        self.json.store(format == "json", Relaxed);
    }

    pub fn is_json(&self) -> bool {
        self.json.load(Relaxed)
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
    format!(
        "{}{:03}",
        strftime(now, c"%d %b %Y %H:%M:%S.", false),
        now.subsec_millis()
    )
}

/// `2026-11-24T22:36:07.087Z`: UTC, milliseconds.
pub fn utc_timestamp(now: std::time::Duration) -> String {
    format!(
        "{}.{:03}Z",
        strftime(now, c"%Y-%m-%dT%H:%M:%S", true),
        now.subsec_millis()
    )
}

/// The whole seconds of `now` (since the epoch) through strftime, in UTC or local time.
fn strftime(now: std::time::Duration, format: &std::ffi::CStr, utc: bool) -> String {
    let secs = now.as_secs() as libc::time_t;
    // SAFETY: gmtime_r/localtime_r fill the zeroed tm we own; strftime writes within the
    // buffer's size and returns how much it wrote.
    unsafe {
        let mut tm: libc::tm = std::mem::zeroed();
        if utc {
            libc::gmtime_r(&secs, &mut tm);
        } else {
            libc::localtime_r(&secs, &mut tm);
        }
        let mut buf = [0u8; 64];
        let n = libc::strftime(
            buf.as_mut_ptr() as *mut libc::c_char,
            buf.len(),
            format.as_ptr(),
            &tm,
        );
        String::from_utf8_lossy(&buf[..n]).into_owned()
    }
}

/// Redis's name of a level (`loglevel`'s values).
fn level_name(level: Level) -> &'static str {
    match level {
        Level::Trace => "debug",
        Level::Debug => "verbose",
        Level::Info => "notice",
        _ => "warning",
    }
}

/// `s` as a JSON string, quotes included.
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// One JSON line, without the newline: the fixed fields, then `kv` (already `,"k":v` pairs).
pub fn format_json_line(pid: u32, role: &str, level: Level, msg: &str, kv: &str) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    format!(
        "{{\"ts\":\"{}\",\"pid\":{pid},\"role\":{},\"level\":\"{}\",\"msg\":{}{kv}}}",
        utc_timestamp(now),
        json_string(role),
        level_name(level),
        json_string(msg)
    )
}

/// Writes slog key-values as `,"key":value` JSON members. Keys that would repeat a fixed field
/// get a `_` suffix.
#[derive(Default)]
struct JsonKv(String);

impl JsonKv {
    fn key(&mut self, key: slog::Key) {
        self.0.push(',');
        if matches!(key, "ts" | "pid" | "role" | "level" | "msg") {
            self.0.push_str(&json_string(&format!("{key}_")));
        } else {
            self.0.push_str(&json_string(key));
        }
        self.0.push(':');
    }

    fn raw(&mut self, key: slog::Key, v: impl std::fmt::Display) -> slog::Result {
        self.key(key);
        self.0.push_str(&v.to_string());
        Ok(())
    }
}

impl slog::Serializer for JsonKv {
    fn emit_arguments(&mut self, key: slog::Key, val: &std::fmt::Arguments) -> slog::Result {
        self.key(key);
        self.0.push_str(&json_string(&val.to_string()));
        Ok(())
    }
    fn emit_bool(&mut self, key: slog::Key, v: bool) -> slog::Result {
        self.raw(key, v)
    }
    fn emit_u8(&mut self, key: slog::Key, v: u8) -> slog::Result {
        self.raw(key, v)
    }
    fn emit_i8(&mut self, key: slog::Key, v: i8) -> slog::Result {
        self.raw(key, v)
    }
    fn emit_u16(&mut self, key: slog::Key, v: u16) -> slog::Result {
        self.raw(key, v)
    }
    fn emit_i16(&mut self, key: slog::Key, v: i16) -> slog::Result {
        self.raw(key, v)
    }
    fn emit_u32(&mut self, key: slog::Key, v: u32) -> slog::Result {
        self.raw(key, v)
    }
    fn emit_i32(&mut self, key: slog::Key, v: i32) -> slog::Result {
        self.raw(key, v)
    }
    fn emit_u64(&mut self, key: slog::Key, v: u64) -> slog::Result {
        self.raw(key, v)
    }
    fn emit_i64(&mut self, key: slog::Key, v: i64) -> slog::Result {
        self.raw(key, v)
    }
    fn emit_usize(&mut self, key: slog::Key, v: usize) -> slog::Result {
        self.raw(key, v)
    }
    fn emit_isize(&mut self, key: slog::Key, v: isize) -> slog::Result {
        self.raw(key, v)
    }
    fn emit_f64(&mut self, key: slog::Key, v: f64) -> slog::Result {
        if v.is_finite() {
            self.raw(key, v)
        } else {
            self.emit_arguments(key, &format_args!("{v}"))
        }
    }
    fn emit_f32(&mut self, key: slog::Key, v: f32) -> slog::Result {
        self.emit_f64(key, v as f64)
    }
    fn emit_unit(&mut self, key: slog::Key) -> slog::Result {
        self.raw(key, "null")
    }
    fn emit_none(&mut self, key: slog::Key) -> slog::Result {
        self.raw(key, "null")
    }
}

/// One formatted line, without the newline.
pub fn format_line(pid: u32, role: char, level: Level, msg: &str) -> String {
    format!("{pid}:{role} {} {} {msg}", timestamp(), mark(level))
}

impl Drain for RedisFormat {
    type Ok = ();
    type Err = slog::Never;

    fn log(&self, record: &Record, values: &OwnedKVList) -> Result<(), slog::Never> {
        use slog::KV;
        if record.level().as_usize() > self.control.max_level.load(Relaxed) as usize {
            return Ok(());
        }
        let role = self.control.role.load(Relaxed) as char;
        let line = if self.control.is_json() {
            let mut kv = JsonKv::default();
            let _ = record.kv().serialize(record, &mut kv);
            let _ = values.serialize(record, &mut kv);
            format_json_line(
                std::process::id(),
                &role.to_string(),
                record.level(),
                &record.msg().to_string(),
                &kv.0,
            )
        } else {
            format_line(
                std::process::id(),
                role,
                record.level(),
                &record.msg().to_string(),
            )
        };
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

    #[test]
    fn json_strings_escape_what_json_requires() {
        assert_eq!(json_string("plain"), "\"plain\"");
        assert_eq!(
            json_string("a\"b\\c\nd\te\u{1}é"),
            "\"a\\\"b\\\\c\\nd\\te\\u0001é\""
        );
    }

    #[test]
    fn utc_timestamps_are_rfc3339_with_milliseconds() {
        let t = std::time::Duration::from_millis(1_795_559_767_087);
        assert_eq!(utc_timestamp(t), "2026-11-24T22:36:07.087Z");
        assert_eq!(
            utc_timestamp(std::time::Duration::ZERO),
            "1970-01-01T00:00:00.000Z"
        );
    }

    #[test]
    fn json_lines_carry_the_fields_and_key_values() {
        let dir = std::env::temp_dir().join(format!("redactor-jsonlog-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("redis.log");
        let _ = std::fs::remove_file(&path);
        let control = LogControl::new("notice");
        control.set_format("json");
        control.set_role(b'S');
        let log = redis_logger(path.to_str().unwrap(), control.clone())
            .new(slog::o!("actor" => "keyspace/0"));
        slog::info!(log, "Ready \"now\""; "port" => 6379u16, "ok" => true, "peer" => %"10.0.0.1:5", "msg" => "dup");
        slog::debug!(log, "hidden at notice");
        slog::warn!(log, "careful"; "ratio" => 0.5f64);
        control.set_format("redis");
        slog::info!(log, "back to redis");
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        let pid = std::process::id();
        let (head, rest) = lines[0].split_at(lines[0].find(",\"pid\"").unwrap());
        assert!(
            head.starts_with("{\"ts\":\"") && head.ends_with("Z\""),
            "{head}"
        );
        assert_eq!(head.len(), "{\"ts\":\"2026-11-24T22:36:07.087Z\"".len());
        assert_eq!(
            rest,
            format!(
                ",\"pid\":{pid},\"role\":\"S\",\"level\":\"notice\",\"msg\":\"Ready \\\"now\\\"\",\
                 \"msg_\":\"dup\",\"peer\":\"10.0.0.1:5\",\"ok\":true,\"port\":6379,\"actor\":\"keyspace/0\"}}"
            )
        );
        assert!(lines[1].contains("\"level\":\"warning\",\"msg\":\"careful\",\"ratio\":0.5,"));
        assert!(lines[2].ends_with(" * back to redis"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
