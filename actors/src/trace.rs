//! What the keyspace keeps about commands as they run, besides INFO's counters: the slow log
//! (SLOWLOG), the latency monitor (LATENCY) and the clients in MONITOR mode.

use crate::pubsub::Deliver;
use actix::Recipient;
use bytes::Bytes;
use std::collections::{BTreeMap, VecDeque};

/// `SLOWLOG_ENTRY_MAX_ARGC` and `SLOWLOG_ENTRY_MAX_STRING`.
pub const SLOWLOG_MAX_ARGC: usize = 32;
pub const SLOWLOG_MAX_STRING: usize = 128;

/// The configuration the hot path reads, cached from the tunables when they change.
#[derive(Clone, Debug)]
pub struct TraceConfig {
    /// `slowlog-log-slower-than` (µs; negative disables).
    pub slowlog_slower_than: i64,
    pub slowlog_max_len: usize,
    /// `latency-monitor-threshold` (ms; 0 disables).
    pub latency_threshold_ms: u64,
    /// `latency-tracking`
    pub latency_tracking: bool,
}

impl TraceConfig {
    pub fn from_tunables(t: &crate::config::Tunables) -> Self {
        TraceConfig {
            slowlog_slower_than: t.slowlog_log_slower_than,
            slowlog_max_len: t.slowlog_max_len as usize,
            latency_threshold_ms: t.latency_monitor_threshold,
            latency_tracking: t.latency_tracking,
        }
    }
}

impl Default for TraceConfig {
    fn default() -> Self {
        TraceConfig {
            slowlog_slower_than: 10_000,
            slowlog_max_len: 128,
            latency_threshold_ms: 0,
            latency_tracking: true,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct SlowEntry {
    pub id: u64,
    /// Unix seconds.
    pub time: u64,
    pub duration_us: u64,
    pub args: Vec<Bytes>,
    /// `ip:port` of the client.
    pub peer: String,
    pub name: String,
}

/// The arguments as the slow log keeps them: at most 32, the last one then saying how many more
/// there were; each cut to 128 bytes with how many more bytes there were.
pub fn slowlog_args(args: &[Bytes]) -> Vec<Bytes> {
    let n = args.len().min(SLOWLOG_MAX_ARGC);
    let mut out = Vec::with_capacity(n);
    for (j, a) in args.iter().take(n).enumerate() {
        if n != args.len() && j == n - 1 {
            let more = args.len() - n + 1;
            out.push(Bytes::from(format!("... ({more} more arguments)")));
        } else if a.len() > SLOWLOG_MAX_STRING {
            let mut s = a[..SLOWLOG_MAX_STRING].to_vec();
            let more = a.len() - SLOWLOG_MAX_STRING;
            s.extend_from_slice(format!("... ({more} more bytes)").as_bytes());
            out.push(Bytes::from(s));
        } else {
            out.push(a.clone());
        }
    }
    out
}

#[derive(Clone, Debug, Default)]
pub struct SlowLog {
    /// Newest first.
    pub entries: VecDeque<SlowEntry>,
    pub next_id: u64,
}

impl SlowLog {
    /// Redis's `slowlogPushEntryIfNeeded`.
    pub fn push_if_needed(
        &mut self,
        cfg: &TraceConfig,
        duration_us: u64,
        make: impl FnOnce(u64) -> SlowEntry,
    ) {
        if cfg.slowlog_slower_than < 0 {
            return;
        }
        if duration_us as i64 >= cfg.slowlog_slower_than {
            let e = make(self.next_id);
            self.next_id += 1;
            self.entries.push_front(e);
        }
        self.entries.truncate(cfg.slowlog_max_len);
    }
}

/// `LATENCY_TS_LEN`: samples kept per event.
pub const LATENCY_TS_LEN: usize = 160;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LatencySample {
    /// Unix seconds; 0 for an empty slot.
    pub time: u64,
    pub latency_ms: u64,
}

/// One event's time series, as Redis's `latencyTimeSeries`.
#[derive(Clone, Debug)]
pub struct LatencySeries {
    pub idx: usize,
    pub max: u64,
    pub samples: Box<[LatencySample; LATENCY_TS_LEN]>,
}

impl Default for LatencySeries {
    fn default() -> Self {
        LatencySeries {
            idx: 0,
            max: 0,
            samples: Box::new([LatencySample::default(); LATENCY_TS_LEN]),
        }
    }
}

impl LatencySeries {
    /// The samples oldest first.
    pub fn in_order(&self) -> impl Iterator<Item = LatencySample> + '_ {
        (0..LATENCY_TS_LEN)
            .map(move |j| self.samples[(self.idx + j) % LATENCY_TS_LEN])
            .filter(|s| s.time != 0)
    }

    pub fn last(&self) -> LatencySample {
        self.samples[(self.idx + LATENCY_TS_LEN - 1) % LATENCY_TS_LEN]
    }
}

/// The latency monitor's events.
#[derive(Clone, Debug, Default)]
pub struct LatencyMonitor {
    pub events: BTreeMap<String, LatencySeries>,
}

impl LatencyMonitor {
    /// `latencyAddSampleIfNeeded`.
    pub fn add_if_needed(&mut self, cfg: &TraceConfig, event: &str, ms: u64, now_s: u64) {
        if cfg.latency_threshold_ms > 0 && ms >= cfg.latency_threshold_ms {
            self.add(event, ms, now_s);
        }
    }

    /// `latencyAddSample`: one sample per second, the highest of that second.
    pub fn add(&mut self, event: &str, ms: u64, now_s: u64) {
        let ts = self.events.entry(event.to_string()).or_default();
        if ms > ts.max {
            ts.max = ms;
        }
        let prev = (ts.idx + LATENCY_TS_LEN - 1) % LATENCY_TS_LEN;
        if ts.samples[prev].time == now_s {
            if ms > ts.samples[prev].latency_ms {
                ts.samples[prev].latency_ms = ms;
            }
            return;
        }
        ts.samples[ts.idx] = LatencySample {
            time: now_s,
            latency_ms: ms,
        };
        ts.idx = (ts.idx + 1) % LATENCY_TS_LEN;
    }

    /// `latencyResetEvent`: how many events were dropped.
    pub fn reset(&mut self, event: Option<&str>) -> usize {
        match event {
            None => {
                let n = self.events.len();
                self.events.clear();
                n
            }
            Some(e) => self.events.remove(e).is_some() as usize,
        }
    }
}

/// One client in MONITOR mode.
#[derive(Clone)]
pub struct Monitor {
    pub id: u64,
    pub deliver: Recipient<Deliver>,
}

/// Redis's `sdscatrepr`: a quoted, escaped copy of `s`.
pub fn repr(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'"');
    for &c in s {
        match c {
            b'\\' | b'"' => {
                out.push(b'\\');
                out.push(c);
            }
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            7 => out.extend_from_slice(b"\\a"),
            8 => out.extend_from_slice(b"\\b"),
            c if (0x20..0x7f).contains(&c) => out.push(c),
            c => out.extend_from_slice(format!("\\x{c:02x}").as_bytes()),
        }
    }
    out.push(b'"');
}

/// The line MONITOR clients get for one command: `+<secs>.<µs> [<db> <peer>] "arg" ...`.
pub fn monitor_line(now_us: u64, db: usize, peer: &str, args: &[Bytes]) -> Bytes {
    let mut out = format!(
        "+{}.{:06} [{} {}] ",
        now_us / 1_000_000,
        now_us % 1_000_000,
        db,
        peer
    )
    .into_bytes();
    for (j, a) in args.iter().enumerate() {
        repr(&mut out, a);
        if j + 1 != args.len() {
            out.push(b' ');
        }
    }
    out.extend_from_slice(b"\r\n");
    Bytes::from(out)
}

/// The arguments as Redis keeps them for the slow log and MONITOR: passwords given to AUTH,
/// HELLO ... AUTH and CONFIG SET of a sensitive parameter replaced by `(redacted)`
/// (Redis's `redactClientCommandArgument`). `None` when nothing is redacted.
pub fn redacted(args: &[Bytes]) -> Option<Vec<Bytes>> {
    let red = || Bytes::from_static(b"(redacted)");
    let name = args.first()?.to_ascii_lowercase();
    match &name[..] {
        b"auth" if args.len() <= 3 => {
            let mut v = args.to_vec();
            for a in v.iter_mut().skip(1) {
                *a = red();
            }
            Some(v)
        }
        b"hello" => {
            let mut v = args.to_vec();
            let mut j = 1;
            if args.len() >= 2 {
                match protocol::parse_i64(&args[1]) {
                    Some(2..=3) => j = 2,
                    _ => return None,
                }
            }
            let mut any = false;
            while j < args.len() {
                let more = args.len() - 1 - j;
                if args[j].eq_ignore_ascii_case(b"AUTH") && more >= 2 {
                    v[j + 1] = red();
                    v[j + 2] = red();
                    any = true;
                    j += 3;
                } else if args[j].eq_ignore_ascii_case(b"SETNAME") && more >= 1 {
                    j += 2;
                } else {
                    break;
                }
            }
            any.then_some(v)
        }
        b"config" if args.len() >= 4 && args[1].eq_ignore_ascii_case(b"set") => {
            let mut v = args.to_vec();
            let mut any = false;
            let mut i = 2;
            while i + 1 < args.len() {
                if args[i].eq_ignore_ascii_case(b"requirepass")
                    || args[i].eq_ignore_ascii_case(b"masterauth")
                    || args[i].eq_ignore_ascii_case(b"masteruser")
                {
                    v[i + 1] = red();
                    any = true;
                }
                i += 2;
            }
            any.then_some(v)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(s: &str) -> Bytes {
        Bytes::from(s.to_string())
    }

    #[test]
    fn slowlog_keeps_32_args_and_128_bytes() {
        let args: Vec<Bytes> = (0..40).map(|i| b(&i.to_string())).collect();
        let kept = slowlog_args(&args);
        assert_eq!(kept.len(), 32);
        assert_eq!(kept[30], b("30"));
        assert_eq!(kept[31], b("... (9 more arguments)"));
        let exact: Vec<Bytes> = (0..32).map(|i| b(&i.to_string())).collect();
        assert_eq!(slowlog_args(&exact), exact);
        let long = Bytes::from(vec![b'x'; 200]);
        let kept = slowlog_args(&[b("set"), long]);
        assert_eq!(kept[1].len(), 128 + "... (72 more bytes)".len());
        assert!(kept[1].ends_with(b"x... (72 more bytes)"));
        let edge = Bytes::from(vec![b'y'; 128]);
        assert_eq!(slowlog_args(std::slice::from_ref(&edge)), vec![edge]);
    }

    #[test]
    fn slowlog_threshold_and_length() {
        let mut log = SlowLog::default();
        let mut cfg = TraceConfig {
            slowlog_slower_than: 10,
            slowlog_max_len: 2,
            ..Default::default()
        };
        let entry = |id| SlowEntry {
            id,
            time: 1,
            duration_us: 0,
            args: vec![],
            peer: String::new(),
            name: String::new(),
        };
        log.push_if_needed(&cfg, 9, entry);
        assert!(log.entries.is_empty());
        for _ in 0..3 {
            log.push_if_needed(&cfg, 10, entry);
        }
        assert_eq!(
            log.entries.iter().map(|e| e.id).collect::<Vec<_>>(),
            vec![2, 1]
        );
        cfg.slowlog_slower_than = -1;
        log.push_if_needed(&cfg, 1_000_000, entry);
        assert_eq!(log.next_id, 3);
    }

    #[test]
    fn latency_keeps_one_sample_per_second() {
        let mut m = LatencyMonitor::default();
        let cfg = TraceConfig {
            latency_threshold_ms: 5,
            ..Default::default()
        };
        m.add_if_needed(&cfg, "command", 4, 100);
        assert!(m.events.is_empty());
        m.add_if_needed(&cfg, "command", 7, 100);
        m.add_if_needed(&cfg, "command", 6, 100);
        m.add_if_needed(&cfg, "command", 5, 101);
        let ts = &m.events["command"];
        let s: Vec<_> = ts.in_order().map(|s| (s.time, s.latency_ms)).collect();
        assert_eq!(s, vec![(100, 7), (101, 5)]);
        assert_eq!((ts.max, ts.last().latency_ms), (7, 5));
        assert_eq!(m.reset(Some("nope")), 0);
        assert_eq!(m.reset(None), 1);
    }

    #[test]
    fn monitor_lines_quote_like_sdscatrepr() {
        let line = monitor_line(
            1_700_000_000_000_042,
            3,
            "127.0.0.1:5000",
            &[b("SET"), Bytes::from_static(b"a\x01\"b\n\\")],
        );
        assert_eq!(
            &line[..],
            b"+1700000000.000042 [3 127.0.0.1:5000] \"SET\" \"a\\x01\\\"b\\n\\\\\"\r\n"
        );
    }

    #[test]
    fn redaction_as_redis() {
        let r = redacted(&[b("AUTH"), b("u"), b("p")]).unwrap();
        assert_eq!(r, vec![b("AUTH"), b("(redacted)"), b("(redacted)")]);
        assert!(redacted(&[b("AUTH"), b("a"), b("b"), b("c")]).is_none());
        let r = redacted(&[
            b("HELLO"),
            b("3"),
            b("AUTH"),
            b("u"),
            b("p"),
            b("SETNAME"),
            b("n"),
        ])
        .unwrap();
        assert_eq!(r[3], b("(redacted)"));
        assert_eq!(r[6], b("n"));
        assert!(redacted(&[b("HELLO"), b("x"), b("AUTH"), b("u"), b("p")]).is_none());
        assert!(redacted(&[b("GET"), b("k")]).is_none());
    }
}
