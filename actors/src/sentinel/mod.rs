//! Sentinel's decisions, as pure code: no actors, no sockets, no clock. Every function that
//! depends on time takes `now` in milliseconds, and randomness (Redis's `rand() %
//! SENTINEL_MAX_DESYNC`) is passed in, so the Sentinel actors stay thin and these rules can be
//! tested from tables. Everything here follows Redis 7.0's `src/sentinel.c`; the function
//! names quoted in doc comments are its own.
//!
//! - [`config`]: the `sentinel` lines of the config file, read and written back.
//! - [`hello`]: the `__sentinel__:hello` message (`sentinelSendHello`,
//!   `sentinelProcessHelloMessage`).
//! - [`vote`]: epochs, votes, the leader, ODOWN and when to start or abandon a failover.
//! - [`report`]: SENTINEL MASTER/REPLICAS fields and INFO's Sentinel lines.
//! - [`select`]: which replica to promote (`sentinelSelectSlave`).
//! - [`state`]: the per-master state machine and the events it emits.
//! - [`timings`]: the periods and timeouts `SENTINEL DEBUG` shows and sets; the constants
//!   below are their defaults.

use std::fmt;

pub mod command;
pub mod config;
pub mod hello;
pub mod report;
pub mod select;
pub mod state;
pub mod timings;
pub mod vote;

// The defaults of [`timings::Timings`], which is what the rules read: `SENTINEL DEBUG` changes
// the process's current values, as it changes Redis's `sentinel_*` globals.

/// `SENTINEL_PING_PERIOD`: PING every second (less if `down-after-milliseconds` is shorter).
pub const PING_PERIOD: u64 = 1000;
/// `sentinel_info_period`: INFO every 10 s (every second for replicas of a failing master).
pub const INFO_PERIOD: u64 = 10_000;
/// `sentinel_ask_period`: how often to ask peers `SENTINEL is-master-down-by-addr`.
pub const ASK_PERIOD: u64 = 1000;
/// `sentinel_publish_period`: a hello every 2 s.
pub const PUBLISH_PERIOD: u64 = 2000;
/// `sentinel_default_down_after`.
pub const DEFAULT_DOWN_AFTER: u64 = 30_000;
/// `sentinel_slave_reconf_timeout`: a replica told `REPLICAOF` that does not move on in this
/// long is counted as reconfigured anyway.
pub const SLAVE_RECONF_TIMEOUT: u64 = 10_000;
/// `sentinel_min_link_reconnect_period`: a link younger than this is never closed for idleness.
pub const MIN_LINK_RECONNECT_PERIOD: u64 = 15_000;
/// `sentinel_election_timeout`: the longest a candidate waits to be elected.
pub const ELECTION_TIMEOUT: u64 = 10_000;
/// `sentinel_default_failover_timeout` (3 minutes).
pub const DEFAULT_FAILOVER_TIMEOUT: u64 = 180_000;
/// `SENTINEL_TILT_TRIGGER`: a timer gap longer than this (or a clock going back) means TILT.
pub const TILT_TRIGGER: u64 = 2000;
/// `SENTINEL_TILT_PERIOD` (`SENTINEL_PING_PERIOD * 30`): how long TILT lasts once the clock
/// behaves.
pub const TILT_PERIOD: u64 = 30_000;
/// `sentinel_script_max_runtime`: a script is killed after 60 s.
pub const SCRIPT_MAX_RUNTIME: u64 = 60_000;
/// `sentinel_script_retry_delay`: the first retry of a failed script after 30 s.
pub const SCRIPT_RETRY_DELAY: u64 = 30_000;
/// `SENTINEL_MAX_DESYNC`: the random start delay is `rand() % SENTINEL_MAX_DESYNC` ms.
pub const MAX_DESYNC: u64 = 1000;
/// `SENTINEL_DEFAULT_SLAVE_PRIORITY`.
pub const DEFAULT_SLAVE_PRIORITY: u32 = 100;

/// `now - then` as Redis computes it on signed `mstime_t`: times set in the future (the
/// failover start time carries a random delay) give negative elapsed times, which Redis relies
/// on ("not yet").
pub fn elapsed(now: u64, then: u64) -> i64 {
    now as i64 - then as i64
}

/// A period (or a multiple of one) as a signed span to compare with [`elapsed`]: values set by
/// `SENTINEL DEBUG` may be as large as `i64::MAX`, so products saturate rather than wrap.
pub fn span(ms: u64) -> i64 {
    ms.min(i64::MAX as u64) as i64
}

/// An instance's address as Sentinel announces it (`sentinelAddr`, announce form).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Addr {
    pub host: String,
    pub port: u16,
}

impl Addr {
    pub fn new(host: impl Into<String>, port: u16) -> Addr {
        Addr {
            host: host.into(),
            port,
        }
    }

    /// `sentinelAddrEqualsHostname` plus the port: hosts compare case-insensitively.
    pub fn same(&self, host: &str, port: u16) -> bool {
        self.port == port && self.host.eq_ignore_ascii_case(host)
    }
}

/// `announceSentinelAddrAndPort`: the name of a replica, `ip:port`, IPv6 bracketed.
impl fmt::Display for Addr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

/// `sentinelRedisInstanceTypeStr`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstanceKind {
    Master,
    Slave,
    Sentinel,
}

impl InstanceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            InstanceKind::Master => "master",
            InstanceKind::Slave => "slave",
            InstanceKind::Sentinel => "sentinel",
        }
    }
}

/// The `%@` of `sentinelEvent`: `<type> <name> <ip> <port>`, followed for replicas and
/// Sentinels by `@ <master name> <master ip> <master port>`.
pub fn instance_id(
    kind: InstanceKind,
    name: &str,
    addr: &Addr,
    master: Option<(&str, &Addr)>,
) -> String {
    let mut s = format!("{} {} {} {}", kind.as_str(), name, addr.host, addr.port);
    if let Some((mname, maddr)) = master {
        s.push_str(&format!(" @ {} {} {}", mname, maddr.host, maddr.port));
    }
    s
}

/// Redis's log levels, as `sentinelEvent` uses them: only `Warning` events run the
/// notification script, `Debug` ones are not published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Debug,
    Verbose,
    Notice,
    Warning,
}

/// One `sentinelEvent`: published on the channel named `kind` with `payload` as the message,
/// and logged as `<kind> <payload>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub level: Level,
    pub kind: &'static str,
    pub payload: String,
}

impl Event {
    pub fn new(level: Level, kind: &'static str, payload: impl Into<String>) -> Event {
        Event {
            level,
            kind,
            payload: payload.into(),
        }
    }

    pub fn warning(kind: &'static str, payload: impl Into<String>) -> Event {
        Event::new(Level::Warning, kind, payload)
    }

    pub fn notice(kind: &'static str, payload: impl Into<String>) -> Event {
        Event::new(Level::Notice, kind, payload)
    }
}

/// The log line body (`serverLog(level, "%s %s", type, msg)`).
impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind, self.payload)
    }
}
