//! What the actors need from the server's configuration.
//!
//! The configuration itself (redis.conf parsing, validation, CONFIG REWRITE) lives in the root
//! package's `config` module, which implements [`ConfigStore`]. Actors read typed values from a
//! [`Tunables`] snapshot, which the store replaces whenever CONFIG SET changes something.

use bytes::Bytes;
use std::sync::Arc;

/// Typed values that actors consult while running. Cheap to clone behind an `Arc`.
#[derive(Clone, Debug, PartialEq)]
pub struct Tunables {
    /// `requirepass`; `None` when empty (no password: every client is authenticated).
    pub requirepass: Option<Bytes>,
    /// `databases`
    pub databases: usize,
    /// `maxclients`
    pub maxclients: usize,
    /// `timeout`, seconds; 0 disables.
    pub timeout: u64,
    /// `tcp-keepalive`, seconds; 0 disables.
    pub tcp_keepalive: u64,
    /// `protected-mode`
    pub protected_mode: bool,
    /// `hz`
    pub hz: u32,
    /// `proto-max-bulk-len`, bytes.
    pub proto_max_bulk_len: u64,
    /// `client-query-buffer-limit`, bytes.
    pub client_query_buffer_limit: u64,
    /// `port`
    pub port: u16,
    /// `bind` addresses as written.
    pub bind: Vec<String>,
    /// `dir` as an absolute path.
    pub dir: String,
    /// The config file in use, absolute, if any.
    pub config_file: Option<String>,
    /// `save` points as (seconds, changes).
    pub save: Vec<(u64, u64)>,
    /// `appendonly`
    pub appendonly: bool,
    /// `appendfsync`: `always`, `everysec` or `no`.
    pub appendfsync: String,
    /// `appendfilename` / `appenddirname`.
    pub appendfilename: String,
    pub appenddirname: String,
    /// `aof-use-rdb-preamble`, `aof-load-truncated`.
    pub aof_use_rdb_preamble: bool,
    pub aof_load_truncated: bool,
    /// `auto-aof-rewrite-percentage` / `auto-aof-rewrite-min-size` (bytes).
    pub auto_aof_rewrite_percentage: u64,
    pub auto_aof_rewrite_min_size: u64,
    /// `stop-writes-on-bgsave-error`
    pub stop_writes_on_bgsave_error: bool,
    /// `enable-debug-command`: `no`, `yes` or `local`.
    pub enable_debug_command: String,
    /// `replicaof`: the master, when this server is a replica.
    pub replicaof: Option<(String, u16)>,
    /// `masterauth` / `masteruser`.
    pub masterauth: Option<String>,
    pub masteruser: Option<String>,
    /// `replica-priority`, `replica-serve-stale-data`, `replica-announce-ip` / `-port`.
    pub replica_priority: i64,
    pub replica_serve_stale_data: bool,
    pub replica_announce_ip: Option<String>,
    pub replica_announce_port: u16,
    /// `bind-source-addr`: the local address outgoing links (to our master) bind to.
    pub bind_source_addr: Option<String>,
    /// `repl-backlog-size` (bytes) and `repl-backlog-ttl` (seconds).
    pub repl_backlog_size: u64,
    pub repl_backlog_ttl: u64,
    /// `repl-diskless-sync` and its delay in seconds.
    pub repl_diskless_sync: bool,
    pub repl_diskless_sync_delay: u64,
    /// `repl-ping-replica-period`, `repl-timeout` (seconds).
    pub repl_ping_replica_period: u64,
    pub repl_timeout: u64,
    /// `min-replicas-to-write`, `min-replicas-max-lag`.
    pub min_replicas_to_write: u64,
    pub min_replicas_max_lag: u64,
    /// `maxmemory`, bytes; 0 means no limit.
    pub maxmemory: u64,
    /// `maxmemory-policy`
    pub maxmemory_policy: String,
    /// `replica-read-only`
    pub replica_read_only: bool,
    /// `lazyfree-lazy-user-del`
    pub lazyfree_lazy_user_del: bool,
    /// `lazyfree-lazy-expire` / `lazyfree-lazy-server-del`: propagate as UNLINK.
    pub lazyfree_lazy_expire: bool,
    pub lazyfree_lazy_server_del: bool,
    /// `latency-tracking`
    pub latency_tracking: bool,
    /// `latency-tracking-info-percentiles`
    pub latency_tracking_info_percentiles: Vec<f64>,
    /// `slowlog-log-slower-than` (µs; negative disables) and `slowlog-max-len`.
    pub slowlog_log_slower_than: i64,
    pub slowlog_max_len: u64,
    /// `latency-monitor-threshold` (ms; 0 disables).
    pub latency_monitor_threshold: u64,
    /// `active-expire-effort` (1..=10).
    pub active_expire_effort: u32,
    /// `dynamic-hz`
    pub dynamic_hz: bool,
    /// `loglevel`
    pub loglevel: String,
    /// `logfile`; empty means standard output.
    pub logfile: String,
    /// `pidfile`; empty means none.
    pub pidfile: String,
    /// `dbfilename`, `rdbcompression`, `rdbchecksum`.
    pub dbfilename: String,
    pub rdbcompression: bool,
    pub rdbchecksum: bool,
    /// `list-max-listpack-size` (negative: a size class, -2 = 8 KiB per node).
    pub list_max_listpack_size: i64,
    /// `list-compress-depth`
    pub list_compress_depth: i64,
    /// `hash-max-listpack-entries` / `-value`
    pub hash_max_listpack_entries: u64,
    pub hash_max_listpack_value: u64,
    /// `set-max-intset-entries`
    pub set_max_intset_entries: u64,
    /// `zset-max-listpack-entries` / `-value`
    pub zset_max_listpack_entries: u64,
    pub zset_max_listpack_value: u64,
    /// `notify-keyspace-events` as Redis's flag bits ([`crate::notify`]).
    pub notify_keyspace_events: u32,
    /// `client-output-buffer-limit` for the normal, replica and pubsub classes.
    pub client_output_buffer_limit: [OutputBufferLimit; 3],
    /// Redactor's own `metrics-port`: the Prometheus endpoint's port; 0 means off.
    pub metrics_port: u16,
    /// Redactor's own `metrics-bind`: the address the Prometheus endpoint listens on.
    pub metrics_bind: String,
    /// Redactor's own `log-format`: `redis` (Redis's lines) or `json` (one object a line).
    pub log_format: String,
    /// Redactor's own `mailbox-metrics`: count actor mailboxes at all.
    pub mailbox_metrics: bool,
    /// Redactor's own `mailbox-metrics-connections`: list each client connection's mailbox.
    pub mailbox_metrics_connections: bool,
}

/// One class of `client-output-buffer-limit`: bytes, bytes, seconds; 0 disables a limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct OutputBufferLimit {
    pub hard: u64,
    pub soft: u64,
    pub soft_seconds: u64,
}

/// Index of each class in [`Tunables::client_output_buffer_limit`].
pub const OBUF_NORMAL: usize = 0;
pub const OBUF_REPLICA: usize = 1;
pub const OBUF_PUBSUB: usize = 2;

impl Default for Tunables {
    /// Redis 7.0's defaults.
    fn default() -> Self {
        Tunables {
            requirepass: None,
            databases: 16,
            maxclients: 10000,
            timeout: 0,
            tcp_keepalive: 300,
            protected_mode: true,
            hz: 10,
            proto_max_bulk_len: 512 * 1024 * 1024,
            client_query_buffer_limit: 1024 * 1024 * 1024,
            port: 6379,
            bind: vec!["*".into(), "-::*".into()],
            dir: "/".into(),
            config_file: None,
            save: vec![(3600, 1), (300, 100), (60, 10000)],
            appendonly: false,
            appendfsync: "everysec".into(),
            appendfilename: "appendonly.aof".into(),
            appenddirname: "appendonlydir".into(),
            aof_use_rdb_preamble: true,
            aof_load_truncated: true,
            auto_aof_rewrite_percentage: 100,
            auto_aof_rewrite_min_size: 64 * 1024 * 1024,
            stop_writes_on_bgsave_error: true,
            enable_debug_command: "no".into(),
            replicaof: None,
            masterauth: None,
            masteruser: None,
            replica_priority: 100,
            replica_serve_stale_data: true,
            replica_announce_ip: None,
            replica_announce_port: 0,
            bind_source_addr: None,
            repl_backlog_size: 1 << 20,
            repl_backlog_ttl: 3600,
            repl_diskless_sync: true,
            repl_diskless_sync_delay: 5,
            repl_ping_replica_period: 10,
            repl_timeout: 60,
            min_replicas_to_write: 0,
            min_replicas_max_lag: 10,
            maxmemory: 0,
            maxmemory_policy: "noeviction".into(),
            replica_read_only: true,
            lazyfree_lazy_user_del: false,
            lazyfree_lazy_expire: false,
            lazyfree_lazy_server_del: false,
            latency_tracking: true,
            latency_tracking_info_percentiles: vec![50.0, 99.0, 99.9],
            slowlog_log_slower_than: 10_000,
            slowlog_max_len: 128,
            latency_monitor_threshold: 0,
            active_expire_effort: 1,
            dynamic_hz: true,
            loglevel: "notice".into(),
            logfile: String::new(),
            pidfile: String::new(),
            dbfilename: "dump.rdb".into(),
            rdbcompression: true,
            rdbchecksum: true,
            list_max_listpack_size: -2,
            list_compress_depth: 0,
            hash_max_listpack_entries: 512,
            hash_max_listpack_value: 64,
            set_max_intset_entries: 512,
            zset_max_listpack_entries: 128,
            zset_max_listpack_value: 64,
            notify_keyspace_events: 0,
            client_output_buffer_limit: [
                OutputBufferLimit::default(),
                OutputBufferLimit {
                    hard: 256 << 20,
                    soft: 64 << 20,
                    soft_seconds: 60,
                },
                OutputBufferLimit {
                    hard: 32 << 20,
                    soft: 8 << 20,
                    soft_seconds: 60,
                },
            ],
            metrics_port: 0,
            metrics_bind: "127.0.0.1".into(),
            log_format: "redis".into(),
            mailbox_metrics: true,
            mailbox_metrics_connections: true,
        }
    }
}

/// The server's configuration as CONFIG sees it. Implemented by the root package.
pub trait ConfigStore: Send + Sync {
    /// The current typed snapshot.
    fn tunables(&self) -> Arc<Tunables>;

    /// `CONFIG GET pattern...`: (name, value) pairs for every parameter (aliases included) whose
    /// name matches one of the glob patterns, case-insensitively, each name once.
    fn get(&self, patterns: &[Bytes]) -> Vec<(String, String)>;

    /// `CONFIG SET name value [name value ...]`, all or nothing. `Err` carries the whole error
    /// message as Redis words it, e.g. `ERR Unknown option or number of arguments for CONFIG SET -
    /// 'foo'`.
    fn set(&self, pairs: &[(Bytes, Bytes)]) -> Result<(), String>;

    /// `CONFIG REWRITE`. `Err` carries the whole error message.
    fn rewrite(&self) -> Result<(), String>;

    /// REPLICAOF / SLAVEOF at runtime: the new master (`None`: NO ONE), so CONFIG GET and
    /// CONFIG REWRITE show it as Redis does.
    fn set_replicaof(&self, master: Option<(String, u16)>);

    /// Sentinel's config flush: CONFIG REWRITE with these `sentinel ...` lines as the state.
    fn rewrite_sentinel(&self, lines: &[String]) -> Result<(), String> {
        let _ = lines;
        self.rewrite()
    }
}

/// A store with fixed values, for tests and tools that need no config file.
pub struct FixedConfig(pub Arc<Tunables>);

impl ConfigStore for FixedConfig {
    fn tunables(&self) -> Arc<Tunables> {
        self.0.clone()
    }
    fn get(&self, _patterns: &[Bytes]) -> Vec<(String, String)> {
        Vec::new()
    }
    fn set(&self, _pairs: &[(Bytes, Bytes)]) -> Result<(), String> {
        Err("ERR CONFIG SET is not supported by this store".into())
    }
    fn rewrite(&self) -> Result<(), String> {
        Err("ERR The server is running without a config file".into())
    }
    fn set_replicaof(&self, _master: Option<(String, u16)>) {}
}
