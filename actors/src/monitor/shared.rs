//! What a Sentinel's actors share: its identity, the epoch all its masters count in, TILT, the
//! timings `SENTINEL DEBUG` sets, and the latest view of each monitored master (a read-mostly
//! registry: the masters' actors write their own entry after every change, the client-facing
//! actor reads them to answer SENTINEL MASTER and INFO).

use crate::sentinel::config::MasterConfig;
use crate::sentinel::state::MasterState;
use crate::sentinel::timings::Timings;
use crate::sentinel::Addr;
use crate::sentinel::Event;
use crate::server::ServerContext;
use dashmap::DashMap;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// The Sentinel-wide state every monitor reads.
pub struct Shared {
    /// `sentinel myid`: 40 hex digits.
    pub myid: String,
    /// `sentinel current-epoch`, shared by all masters.
    current_epoch: AtomicU64,
    /// TILT: observe, do not act.
    pub tilt: AtomicBool,
    /// When TILT was (last) entered, Unix ms.
    pub tilt_start: AtomicU64,
    /// The last timer pass of any of the Sentinel's actors, Unix ms.
    last_pass: AtomicU64,
    /// `SENTINEL SIMULATE-FAILURE` flags.
    pub simfailure: AtomicU32,
    /// The current periods and timeouts (Redis's `sentinel_*_period` globals): set by
    /// `SENTINEL DEBUG`, read by every timer pass.
    timings: Mutex<Timings>,
    /// The port clients reach us on (for hellos when `announce-port` is 0).
    pub port: u16,
    /// `sentinel announce-ip` / `announce-port`.
    pub announce: Mutex<(Option<String>, u16)>,
    /// `sentinel sentinel-user` / `sentinel-pass`: how we log into other Sentinels.
    pub peer_auth: Mutex<(Option<String>, Option<String>)>,
    pub views: DashMap<String, Arc<View>>,
    /// The process's registries (mailboxes, pub/sub, clients) and config.
    pub server: Arc<ServerContext>,
}

/// One pass of Redis's `sentinelTimer` at the default `hz` 10.
const TIMER_PASS_MS: u64 = 100;

impl Shared {
    pub fn new(myid: String, current_epoch: u64, port: u16, server: Arc<ServerContext>) -> Self {
        Shared {
            myid,
            current_epoch: AtomicU64::new(current_epoch),
            tilt: AtomicBool::new(false),
            tilt_start: AtomicU64::new(0),
            last_pass: AtomicU64::new(0),
            simfailure: AtomicU32::new(0),
            timings: Mutex::new(Timings::default()),
            port,
            announce: Mutex::new((None, 0)),
            peer_auth: Mutex::new((None, None)),
            views: DashMap::new(),
            server,
        }
    }

    /// Takes the Sentinel-wide settings that links and hellos use.
    pub fn configure(&self, cfg: &crate::sentinel::config::SentinelConfig) {
        *lock(&self.announce) = (cfg.announce_ip.clone(), cfg.announce_port);
        *lock(&self.peer_auth) = (cfg.sentinel_user.clone(), cfg.sentinel_pass.clone());
    }

    /// The current timings, a copy: a timer pass takes one and uses it throughout.
    pub fn timings(&self) -> Timings {
        *lock(&self.timings)
    }

    /// `sentinelSetDebugConfigParameters`: assigns the values in order (Redis assigns each
    /// pair as it parses it, so the pairs before a bad one stay applied).
    pub fn set_timings(&self, values: &[(crate::sentinel::command::DebugParam, u64)]) {
        let mut t = lock(&self.timings);
        for &(p, v) in values {
            t.set(p, v);
        }
    }

    /// `sentinelCheckTiltCondition`, run by whichever actor's timer passes first in a pass: a gap of
    /// more than `tilt-trigger` (2 s) since the last pass (the process was stalled) or a clock
    /// that went back means TILT, raised again (and its clock restarted) on every such gap, as
    /// Redis does; it is left once `tilt-period` (30 s) has passed since the last one
    /// (`sentinelHandleRedisInstance`). Returns the event to raise.
    pub fn check_tilt(&self, now: u64) -> Option<Event> {
        let Timings {
            tilt_trigger,
            tilt_period,
            ..
        } = self.timings();
        // The monitors' and the Sentinel's timers all call this; calls within one pass of
        // Redis's timer are that pass, so a gap is measured between passes, not callers.
        let prev = self.last_pass.load(Ordering::SeqCst);
        if prev != 0 && (prev..prev + TIMER_PASS_MS).contains(&now) {
            return None;
        }
        self.last_pass.store(now, Ordering::SeqCst);
        if prev == 0 {
            return None;
        }
        let delta = now as i64 - prev as i64;
        if !(0..=tilt_trigger as i64).contains(&delta) {
            self.tilt_start.store(now, Ordering::SeqCst);
            self.tilt.store(true, Ordering::SeqCst);
            return Some(Event::warning("+tilt", "#tilt mode entered"));
        } else if self.tilt.load(Ordering::SeqCst)
            && now.saturating_sub(self.tilt_start.load(Ordering::SeqCst)) >= tilt_period
            && self.tilt.swap(false, Ordering::SeqCst)
        {
            return Some(Event::warning("-tilt", "#tilt mode exited"));
        }
        None
    }

    pub fn in_tilt(&self) -> bool {
        self.tilt.load(Ordering::SeqCst)
    }

    pub fn current_epoch(&self) -> u64 {
        self.current_epoch.load(Ordering::SeqCst)
    }

    /// Runs `f` on a copy of the epoch and keeps the larger of the two: epochs only grow.
    pub fn with_epoch<R>(&self, f: impl FnOnce(&mut u64) -> R) -> R {
        let mut e = self.current_epoch();
        let r = f(&mut e);
        self.current_epoch.fetch_max(e, Ordering::SeqCst);
        r
    }

    /// The address and port our hellos announce, given the local address of the link.
    pub fn announced(&self, local_ip: Option<&str>) -> (String, u16) {
        let a = lock(&self.announce);
        let ip =
            a.0.clone()
                .filter(|ip| !ip.is_empty())
                .or_else(|| local_ip.map(str::to_string))
                .unwrap_or_else(|| "127.0.0.1".into());
        let port = if a.1 != 0 { a.1 } else { self.port };
        (ip, port)
    }
}

pub fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// One master as its monitor last saw it.
#[derive(Debug, Clone)]
pub struct View {
    pub state: MasterState,
    /// The settings that are not state: auth, scripts, renamed commands.
    pub cfg: MasterConfig,
    /// Commands sent and not answered, on the master's link, each replica's (in the order of
    /// `state.replicas`) and each peer's (order of `state.sentinels`).
    pub pending_master: usize,
    pub pending_replicas: Vec<usize>,
    pub pending_peers: Vec<usize>,
    /// `SENTINEL INFO-CACHE`: the last INFO text of the master and each replica, with when.
    pub info: Vec<(Addr, u64, String)>,
}

impl View {
    /// The master's settings and state as the config file keeps them.
    pub fn config(&self) -> MasterConfig {
        let s = &self.state;
        let mut c = self.cfg.clone();
        c.name = s.inst.name.clone();
        c.host = s.inst.addr.host.clone();
        c.port = s.inst.addr.port;
        c.quorum = s.quorum;
        c.down_after_ms = s.inst.down_after_period;
        c.failover_timeout_ms = s.failover_timeout;
        c.parallel_syncs = s.parallel_syncs as u64;
        c.master_reboot_down_after_period = s.inst.master_reboot_down_after_period;
        c.config_epoch = s.config_epoch;
        c.leader_epoch = s.vote.leader_epoch;
        c.known_replicas = s
            .replicas
            .iter()
            .map(|r| (r.inst.addr.host.clone(), r.inst.addr.port))
            .collect();
        c.known_sentinels = s
            .sentinels
            .iter()
            .map(|p| (p.inst.addr.host.clone(), p.inst.addr.port, p.runid.clone()))
            .collect();
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{FixedConfig, Tunables};

    /// (now, event expected): passes every 100 ms, a 2.6 s stall, 30 s of normal passes, a
    /// clock going back, and a second stall while in TILT, which raises +tilt again and
    /// restarts its period.
    #[test]
    fn tilt_enters_on_a_stall_or_a_clock_jump_and_leaves_after_its_period() {
        let server = Arc::new(ServerContext::new(
            Arc::new(FixedConfig(Arc::new(Tunables::default()))),
            slog::Logger::root(slog::Discard, slog::o!()),
            || 0,
        ));
        let s = Shared::new("x".repeat(40), 0, 26379, server);
        let t0 = 1_000_000;
        let mut cases = vec![(t0, None), (t0 + 100, None), (t0 + 2100, None)];
        let start = t0 + 4700;
        cases.push((start, Some("+tilt")));
        let mut t = start;
        while t < start + 29_900 {
            t += 100;
            cases.push((t, None));
        }
        cases.push((start + 30_000, Some("-tilt")));
        cases.push((start + 30_100, None));
        cases.push((start + 30_000, Some("+tilt")));
        cases.push((start + 30_100, None));
        cases.push((start + 33_000, Some("+tilt")));
        let mut t = start + 33_000;
        while t < start + 62_900 {
            t += 100;
            cases.push((t, None));
        }
        cases.push((start + 63_000, Some("-tilt")));
        for (now, want) in cases {
            let got = s.check_tilt(now).map(|e| e.kind);
            assert_eq!(got, want, "at {}", now - t0);
        }
        assert!(!s.in_tilt());
    }

    #[test]
    fn tilt_is_checked_once_per_timer_pass_whoever_calls() {
        let server = Arc::new(ServerContext::new(
            Arc::new(FixedConfig(Arc::new(Tunables::default()))),
            slog::Logger::root(slog::Discard, slog::o!()),
            || 0,
        ));
        let s = Shared::new("x".repeat(40), 0, 26379, server);
        // SENTINEL DEBUG tilt-trigger 1: every pass is a "stall", as in Redis.
        s.set_timings(&[(crate::sentinel::command::DebugParam::TiltTrigger, 1)]);
        let t0 = 1_000_000;
        let cases = [
            (t0, None),
            (t0 + 10, None),
            (t0 + 60, None),
            (t0 + 100, Some("+tilt")),
            (t0 + 150, None),
            (t0 + 199, None),
            (t0 + 200, Some("+tilt")),
            // A clock that went back is a new pass at once.
            (t0 + 150, Some("+tilt")),
        ];
        for (now, want) in cases {
            let got = s.check_tilt(now).map(|e| e.kind);
            assert_eq!(got, want, "at {}", now - t0);
        }
    }
}
