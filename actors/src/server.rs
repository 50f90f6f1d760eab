//! What every actor of one server shares: configuration, registries and counters. It is handed
//! to each actor as an `Arc` when the system is wired; there is no global state.

use crate::clients::ClientRegistry;
use crate::config::ConfigStore;
use crate::metrics::MailboxRegistry;
use crate::stats::Stats;
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Version reported as `redis_version`: the Redis release whose behaviour we match.
pub const REDIS_VERSION: &str = "7.0.15";
/// Redactor's own version.
pub const REDACTOR_VERSION: &str = env!("CARGO_PKG_VERSION");

pub struct ServerContext {
    pub config: Arc<dyn ConfigStore>,
    pub clients: ClientRegistry,
    pub mailboxes: MailboxRegistry,
    pub pubsub: crate::pubsub::PubSubRegistry,
    pub stats: Stats,
    /// 40 hex characters, new at each start.
    pub run_id: String,
    /// The replication id INFO shows as `master_replid` at startup.
    pub replid: String,
    /// Replication as INFO and ROLE report it (kept by the replication actors).
    pub repl: Arc<crate::repl::status::ReplStatus>,
    pub started: Instant,
    pub started_unix_ms: u64,
    pub pid: u32,
    /// Absolute path of the running executable.
    pub executable: String,
    pub log: slog::Logger,
    /// Bytes currently allocated by the process (the binary installs a counting allocator).
    pub used_memory: fn() -> u64,
    /// The role mark of log lines (`M`, `S`): replication switches it.
    pub log_role: Arc<std::sync::atomic::AtomicU8>,
    /// Running as a Sentinel (`redis_mode:sentinel`).
    pub sentinel_mode: bool,
}

impl ServerContext {
    pub fn new(config: Arc<dyn ConfigStore>, log: slog::Logger, used_memory: fn() -> u64) -> Self {
        let pid = std::process::id();
        let now = unix_ms();
        let mailboxes = MailboxRegistry::new();
        let t = config.tunables();
        mailboxes.set_enabled(t.mailbox_metrics);
        mailboxes.set_connection_detail(t.mailbox_metrics_connections);
        ServerContext {
            config,
            clients: ClientRegistry::new(),
            mailboxes,
            pubsub: crate::pubsub::PubSubRegistry::new(),
            stats: Stats::default(),
            run_id: random_hex(40, now ^ ((pid as u64) << 32)),
            replid: random_hex(40, now.rotate_left(17) ^ pid as u64),
            repl: Arc::new(crate::repl::status::ReplStatus::new(
                random_hex(40, now.rotate_left(17) ^ pid as u64),
                1 << 20,
            )),
            started: Instant::now(),
            started_unix_ms: now,
            pid,
            executable: std::env::current_exe()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            log,
            used_memory,
            log_role: Arc::new(std::sync::atomic::AtomicU8::new(b'M')),
            sentinel_mode: false,
        }
    }

    /// Shares the log's role mark.
    pub fn with_sentinel_mode(mut self) -> Self {
        self.sentinel_mode = true;
        self
    }

    pub fn with_log_role(mut self, role: Arc<std::sync::atomic::AtomicU8>) -> Self {
        self.log_role = role;
        self
    }

    /// The replication status, for the actors that keep it.
    pub fn repl_status(&self) -> Arc<crate::repl::status::ReplStatus> {
        self.repl.clone()
    }

    /// A context for unit tests: default tunables, a discarding logger.
    pub fn for_tests() -> Arc<Self> {
        let cfg = crate::config::FixedConfig(Arc::new(crate::config::Tunables::default()));
        Arc::new(Self::new(
            Arc::new(cfg),
            slog::Logger::root(slog::Discard, slog::o!()),
            || 0,
        ))
    }
}

/// Wall-clock Unix time in milliseconds.
pub fn unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// Wall-clock Unix time in microseconds.
pub fn unix_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros() as u64)
        .unwrap_or(0)
}

/// A small xorshift generator: RANDOMKEY, run ids and sampling need speed, not cryptography.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        // xorshift64*
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// `len` random lowercase hex digits.
pub fn random_hex(len: usize, seed: u64) -> String {
    let mut rng = Rng::new(seed ^ 0x9E37_79B9_7F4A_7C15);
    (0..len)
        .map(|_| char::from_digit(rng.below(16) as u32, 16).unwrap_or('0'))
        .collect()
}
