//! Every parameter redis-server 7.0.15 knows (the Debian build, TLS included): its name, alias,
//! type, bounds, default and whether CONFIG SET may change it. Parameters Redactor does not act
//! on are still accepted, stored and reported, so that any file Redis loads also loads here.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::checks::{
    check_activedefrag, check_appenddirname, check_appendfilename, check_dbfilename,
    check_hostname, check_proc_title_template, check_shutdown_flags,
};

/// CONFIG SET refuses it: "can't set immutable config".
pub(crate) const IMMUTABLE: u16 = 1 << 0;
/// CONFIG SET refuses it unless `enable-protected-configs` allows: "can't set protected config".
pub(crate) const PROTECTED: u16 = 1 << 1;
/// Left out of CONFIG GET patterns; only an exact name reaches it.
pub(crate) const HIDDEN: u16 = 1 << 2;
/// Takes several arguments on one line (and a CONFIG SET value split on spaces).
pub(crate) const MULTI_ARG: u16 = 1 << 3;
/// A secret (password); callers should keep it out of logs.
pub(crate) const SENSITIVE: u16 = 1 << 4;

/// How a numeric parameter is written and read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NumFormat {
    /// A plain integer.
    Integer,
    /// Bytes, with optional units; printed in bytes.
    Memory,
    /// Bytes, or a percentage written `N%` (stored negated, as Redis does).
    MemoryOrPercent,
    /// An octal number (`unixsocketperm`).
    Octal,
}

/// A validity check on a string value.
pub(crate) type StrCheck = fn(&[u8]) -> Result<(), &'static str>;
/// A validity check on a `yes`/`no` value.
pub(crate) type BoolCheck = fn(bool) -> Result<(), &'static str>;
/// A validity check on an enum's combined value.
pub(crate) type EnumCheck = fn(u32) -> Result<(), &'static str>;

/// Parameters whose syntax or storage fits none of the generic types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Special {
    Dir,
    Save,
    ClientOutputBufferLimit,
    OomScoreAdjValues,
    NotifyKeyspaceEvents,
    Bind,
    ReplicaOf,
    LatencyTrackingInfoPercentiles,
}

/// A parameter's type, with its default and bounds.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Kind {
    Bool {
        default: bool,
        check: Option<BoolCheck>,
    },
    Str {
        default: Option<&'static str>,
        /// An empty value means "unset" (CONFIG REWRITE then drops the line).
        empty_is_null: bool,
        check: Option<StrCheck>,
    },
    Enum {
        /// (name, value) in Redis's order, which decides error texts and which alias CONFIG GET
        /// prints.
        names: &'static [(&'static str, u32)],
        default: u32,
        check: Option<EnumCheck>,
    },
    Num {
        /// Redis compares bounds as unsigned for its unsigned C types (`unsigned int`,
        /// `unsigned long long`, `size_t`), which changes which error a negative number gets.
        unsigned: bool,
        format: NumFormat,
        lower: i64,
        upper: i64,
        default: i64,
    },
    Special(Special),
}

/// One parameter.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Directive {
    pub name: &'static str,
    pub alias: Option<&'static str>,
    pub flags: u16,
    pub kind: Kind,
}

impl Directive {
    pub(crate) fn has(&self, flag: u16) -> bool {
        self.flags & flag != 0
    }
}

const INT_MAX: i64 = i32::MAX as i64;
const INT_MIN: i64 = i32::MIN as i64;
const UINT_MAX: i64 = u32::MAX as i64;
const LONG_MAX: i64 = i64::MAX;
/// ULLONG_MAX as the two's-complement i64 that Redis's `long long` plumbing carries.
const ULLONG_MAX: i64 = -1;
const MB: i64 = 1024 * 1024;

pub(crate) const LOGLEVELS: &[(&str, u32)] =
    &[("debug", 0), ("verbose", 1), ("notice", 2), ("warning", 3)];
/// Redactor's own `log-format`.
pub(crate) const LOG_FORMATS: &[(&str, u32)] = &[("redis", 0), ("json", 1)];
pub(crate) const MAXMEMORY_POLICIES: &[(&str, u32)] = &[
    ("volatile-lru", 1),
    ("volatile-lfu", 0x102),
    ("volatile-random", 0x300),
    ("volatile-ttl", 0x200),
    ("allkeys-lru", 0x405),
    ("allkeys-lfu", 0x506),
    ("allkeys-random", 0x604),
    ("noeviction", 0x700),
];
const SYSLOG_FACILITIES: &[(&str, u32)] = &[
    ("user", 8),
    ("local0", 128),
    ("local1", 136),
    ("local2", 144),
    ("local3", 152),
    ("local4", 160),
    ("local5", 168),
    ("local6", 176),
    ("local7", 184),
];
const SUPERVISED: &[(&str, u32)] = &[("upstart", 3), ("systemd", 2), ("auto", 1), ("no", 0)];
const APPENDFSYNC: &[(&str, u32)] = &[("everysec", 2), ("always", 1), ("no", 0)];
const SHUTDOWN_ON_SIG: &[(&str, u32)] = &[
    ("default", 0),
    ("save", 1),
    ("nosave", 2),
    ("now", 4),
    ("force", 8),
];
const DISKLESS_LOAD: &[(&str, u32)] = &[("disabled", 0), ("on-empty-db", 1), ("swapdb", 2)];
const TLS_AUTH_CLIENTS: &[(&str, u32)] = &[("no", 0), ("yes", 1), ("optional", 2)];
const OOM_SCORE_ADJ: &[(&str, u32)] = &[("no", 0), ("yes", 1), ("relative", 1), ("absolute", 2)];
const ACL_PUBSUB_DEFAULT: &[(&str, u32)] = &[("allchannels", 8), ("resetchannels", 0)];
const SANITIZE_DUMP: &[(&str, u32)] = &[("no", 0), ("yes", 1), ("clients", 2)];
/// `enable-protected-configs` and friends.
pub(crate) const PROTECTED_ACTION: &[(&str, u32)] = &[("no", 0), ("yes", 1), ("local", 2)];
const ENDPOINT_TYPE: &[(&str, u32)] = &[("ip", 0), ("hostname", 1), ("unknown-endpoint", 2)];
const PROPAGATION_ERROR: &[(&str, u32)] = &[("ignore", 0), ("panic", 1), ("panic-on-replicas", 2)];

pub(crate) const DEFAULT_PROC_TITLE_TEMPLATE: &str = "{title} {listen-addr} {server-mode}";

const fn boolean(
    name: &'static str,
    alias: Option<&'static str>,
    flags: u16,
    default: bool,
) -> Directive {
    Directive {
        name,
        alias,
        flags,
        kind: Kind::Bool {
            default,
            check: None,
        },
    }
}

const fn string(
    name: &'static str,
    alias: Option<&'static str>,
    flags: u16,
    empty_is_null: bool,
    default: Option<&'static str>,
    check: Option<StrCheck>,
) -> Directive {
    Directive {
        name,
        alias,
        flags,
        kind: Kind::Str {
            default,
            empty_is_null,
            check,
        },
    }
}

const fn enumeration(
    name: &'static str,
    flags: u16,
    names: &'static [(&'static str, u32)],
    default: u32,
    check: Option<EnumCheck>,
) -> Directive {
    Directive {
        name,
        alias: None,
        flags,
        kind: Kind::Enum {
            names,
            default,
            check,
        },
    }
}

#[allow(clippy::too_many_arguments)]
const fn num(
    name: &'static str,
    alias: Option<&'static str>,
    flags: u16,
    unsigned: bool,
    format: NumFormat,
    lower: i64,
    upper: i64,
    default: i64,
) -> Directive {
    Directive {
        name,
        alias,
        flags,
        kind: Kind::Num {
            unsigned,
            format,
            lower,
            upper,
            default,
        },
    }
}

/// A signed integer parameter (C `int`, `long`, `long long`, `time_t`, ...).
const fn int(
    name: &'static str,
    alias: Option<&'static str>,
    flags: u16,
    lower: i64,
    upper: i64,
    default: i64,
) -> Directive {
    num(
        name,
        alias,
        flags,
        false,
        NumFormat::Integer,
        lower,
        upper,
        default,
    )
}

/// An unsigned integer parameter (C `unsigned int`, `size_t`).
const fn uint(
    name: &'static str,
    alias: Option<&'static str>,
    flags: u16,
    lower: i64,
    upper: i64,
    default: i64,
) -> Directive {
    num(
        name,
        alias,
        flags,
        true,
        NumFormat::Integer,
        lower,
        upper,
        default,
    )
}

const fn memory(
    name: &'static str,
    alias: Option<&'static str>,
    unsigned: bool,
    lower: i64,
    upper: i64,
    default: i64,
) -> Directive {
    num(
        name,
        alias,
        0,
        unsigned,
        NumFormat::Memory,
        lower,
        upper,
        default,
    )
}

const fn special(
    name: &'static str,
    alias: Option<&'static str>,
    flags: u16,
    which: Special,
) -> Directive {
    Directive {
        name,
        alias,
        flags,
        kind: Kind::Special(which),
    }
}

/// The table, in the order of Redis's `static_configs` (CONFIG REWRITE appends in this order).
#[rustfmt::skip]
pub(crate) static DIRECTIVES: &[Directive] = &[
    // Bool configs.
    boolean("rdbchecksum", None, IMMUTABLE, true),
    boolean("daemonize", None, IMMUTABLE, false),
    boolean("io-threads-do-reads", None, IMMUTABLE, false),
    boolean("always-show-logo", None, IMMUTABLE, false),
    boolean("protected-mode", None, 0, true),
    boolean("rdbcompression", None, 0, true),
    boolean("rdb-del-sync-files", None, 0, false),
    boolean("activerehashing", None, 0, true),
    boolean("stop-writes-on-bgsave-error", None, 0, true),
    boolean("set-proc-title", None, IMMUTABLE, true),
    boolean("dynamic-hz", None, 0, true),
    boolean("lazyfree-lazy-eviction", None, 0, false),
    boolean("lazyfree-lazy-expire", None, 0, false),
    boolean("lazyfree-lazy-server-del", None, 0, false),
    boolean("lazyfree-lazy-user-del", None, 0, false),
    boolean("lazyfree-lazy-user-flush", None, 0, false),
    boolean("repl-disable-tcp-nodelay", None, 0, false),
    boolean("repl-diskless-sync", None, 0, true),
    boolean("aof-rewrite-incremental-fsync", None, 0, true),
    boolean("no-appendfsync-on-rewrite", None, 0, false),
    boolean("cluster-require-full-coverage", None, 0, true),
    boolean("rdb-save-incremental-fsync", None, 0, true),
    boolean("aof-load-truncated", None, 0, true),
    boolean("aof-use-rdb-preamble", None, 0, true),
    boolean("aof-timestamp-enabled", None, 0, false),
    boolean("cluster-replica-no-failover", Some("cluster-slave-no-failover"), 0, false),
    boolean("replica-lazy-flush", Some("slave-lazy-flush"), 0, false),
    boolean("replica-serve-stale-data", Some("slave-serve-stale-data"), 0, true),
    boolean("replica-read-only", Some("slave-read-only"), 0, true),
    boolean("replica-ignore-maxmemory", Some("slave-ignore-maxmemory"), 0, true),
    boolean("jemalloc-bg-thread", None, 0, true),
    Directive { name: "activedefrag", alias: None, flags: 0, kind: Kind::Bool { default: false, check: Some(check_activedefrag) } },
    boolean("syslog-enabled", None, IMMUTABLE, false),
    boolean("cluster-enabled", None, IMMUTABLE, false),
    boolean("appendonly", None, 0, false),
    boolean("cluster-allow-reads-when-down", None, 0, false),
    boolean("cluster-allow-pubsubshard-when-down", None, 0, true),
    boolean("crash-log-enabled", None, 0, true),
    boolean("crash-memcheck-enabled", None, 0, true),
    boolean("use-exit-on-panic", None, HIDDEN, false),
    boolean("disable-thp", None, IMMUTABLE, true),
    boolean("cluster-allow-replica-migration", None, 0, true),
    boolean("replica-announced", None, 0, true),
    boolean("latency-tracking", None, 0, true),
    boolean("aof-disable-auto-gc", None, 0, false),
    boolean("replica-ignore-disk-write-errors", None, 0, false),
    // String configs.
    string("aclfile", None, IMMUTABLE, false, Some(""), None),
    string("unixsocket", None, IMMUTABLE, true, None, None),
    string("pidfile", None, IMMUTABLE, true, None, None),
    string("replica-announce-ip", Some("slave-announce-ip"), 0, true, None, None),
    string("masteruser", None, SENSITIVE, true, None, None),
    string("cluster-announce-ip", None, 0, true, None, None),
    string("cluster-config-file", None, IMMUTABLE, false, Some("nodes.conf"), None),
    string("cluster-announce-hostname", None, 0, true, None, Some(check_hostname)),
    string("syslog-ident", None, IMMUTABLE, false, Some("redis"), None),
    string("dbfilename", None, PROTECTED, false, Some("dump.rdb"), Some(check_dbfilename)),
    string("appendfilename", None, IMMUTABLE, false, Some("appendonly.aof"), Some(check_appendfilename)),
    string("appenddirname", None, IMMUTABLE, false, Some("appendonlydir"), Some(check_appenddirname)),
    string("server_cpulist", None, IMMUTABLE, true, None, None),
    string("bio_cpulist", None, IMMUTABLE, true, None, None),
    string("aof_rewrite_cpulist", None, IMMUTABLE, true, None, None),
    string("bgsave_cpulist", None, IMMUTABLE, true, None, None),
    string("ignore-warnings", None, 0, false, Some(""), None),
    string("proc-title-template", None, 0, false, Some(DEFAULT_PROC_TITLE_TEMPLATE), Some(check_proc_title_template)),
    string("bind-source-addr", None, 0, true, None, None),
    string("logfile", None, IMMUTABLE, false, Some(""), None),
    string("masterauth", None, SENSITIVE, true, None, None),
    string("requirepass", None, SENSITIVE, true, None, None),
    // Enum configs.
    enumeration("supervised", IMMUTABLE, SUPERVISED, 0, None),
    enumeration("syslog-facility", IMMUTABLE, SYSLOG_FACILITIES, 128, None),
    enumeration("repl-diskless-load", 0, DISKLESS_LOAD, 0, None),
    enumeration("loglevel", 0, LOGLEVELS, 2, None),
    enumeration("maxmemory-policy", 0, MAXMEMORY_POLICIES, 0x700, None),
    enumeration("appendfsync", 0, APPENDFSYNC, 2, None),
    enumeration("oom-score-adj", 0, OOM_SCORE_ADJ, 0, None),
    enumeration("acl-pubsub-default", 0, ACL_PUBSUB_DEFAULT, 0, None),
    enumeration("sanitize-dump-payload", 0, SANITIZE_DUMP, 0, None),
    enumeration("enable-protected-configs", IMMUTABLE, PROTECTED_ACTION, 0, None),
    enumeration("enable-debug-command", IMMUTABLE, PROTECTED_ACTION, 0, None),
    enumeration("enable-module-command", IMMUTABLE, PROTECTED_ACTION, 0, None),
    enumeration("cluster-preferred-endpoint-type", 0, ENDPOINT_TYPE, 0, None),
    enumeration("propagation-error-behavior", 0, PROPAGATION_ERROR, 0, None),
    enumeration("shutdown-on-sigint", MULTI_ARG, SHUTDOWN_ON_SIG, 0, Some(check_shutdown_flags)),
    enumeration("shutdown-on-sigterm", MULTI_ARG, SHUTDOWN_ON_SIG, 0, Some(check_shutdown_flags)),
    // Integer configs.
    int("databases", None, IMMUTABLE, 1, INT_MAX, 16),
    int("port", None, 0, 0, 65535, 6379),
    int("io-threads", None, IMMUTABLE, 1, 128, 1),
    int("auto-aof-rewrite-percentage", None, 0, 0, INT_MAX, 100),
    int("cluster-replica-validity-factor", Some("cluster-slave-validity-factor"), 0, 0, INT_MAX, 10),
    int("list-max-listpack-size", Some("list-max-ziplist-size"), 0, INT_MIN, INT_MAX, -2),
    int("tcp-keepalive", None, 0, 0, INT_MAX, 300),
    int("cluster-migration-barrier", None, 0, 0, INT_MAX, 1),
    int("active-defrag-cycle-min", None, 0, 1, 99, 1),
    int("active-defrag-cycle-max", None, 0, 1, 99, 25),
    int("active-defrag-threshold-lower", None, 0, 0, 1000, 10),
    int("active-defrag-threshold-upper", None, 0, 0, 1000, 100),
    int("lfu-log-factor", None, 0, 0, INT_MAX, 10),
    int("lfu-decay-time", None, 0, 0, INT_MAX, 1),
    int("replica-priority", Some("slave-priority"), 0, 0, INT_MAX, 100),
    int("repl-diskless-sync-delay", None, 0, 0, INT_MAX, 5),
    int("maxmemory-samples", None, 0, 1, INT_MAX, 5),
    int("maxmemory-eviction-tenacity", None, 0, 0, 100, 10),
    int("timeout", None, 0, 0, INT_MAX, 0),
    int("replica-announce-port", Some("slave-announce-port"), 0, 0, 65535, 0),
    int("tcp-backlog", None, IMMUTABLE, 0, INT_MAX, 511),
    int("cluster-port", None, IMMUTABLE, 0, 65535, 0),
    int("cluster-announce-bus-port", None, 0, 0, 65535, 0),
    int("cluster-announce-port", None, 0, 0, 65535, 0),
    int("cluster-announce-tls-port", None, 0, 0, 65535, 0),
    int("repl-timeout", None, 0, 1, INT_MAX, 60),
    int("repl-ping-replica-period", Some("repl-ping-slave-period"), 0, 1, INT_MAX, 10),
    int("list-compress-depth", None, 0, 0, INT_MAX, 0),
    int("rdb-key-save-delay", None, HIDDEN, INT_MIN, INT_MAX, 0),
    int("key-load-delay", None, HIDDEN, INT_MIN, INT_MAX, 0),
    int("active-expire-effort", None, 0, 1, 10, 1),
    int("hz", None, 0, 0, INT_MAX, 10),
    int("min-replicas-to-write", Some("min-slaves-to-write"), 0, 0, INT_MAX, 0),
    int("min-replicas-max-lag", Some("min-slaves-max-lag"), 0, 0, INT_MAX, 10),
    int("watchdog-period", None, HIDDEN, 0, INT_MAX, 0),
    int("shutdown-timeout", None, 0, 0, INT_MAX, 10),
    int("repl-diskless-sync-max-replicas", None, 0, 0, INT_MAX, 0),
    // Unsigned int configs.
    uint("maxclients", None, 0, 1, UINT_MAX, 10000),
    num("unixsocketperm", None, IMMUTABLE, true, NumFormat::Octal, 0, 0o777, 0),
    uint("socket-mark-id", None, IMMUTABLE, 0, UINT_MAX, 0),
    // Unsigned long configs: Redis checks their bounds as signed numbers.
    int("active-defrag-max-scan-fields", None, 0, 1, LONG_MAX, 1000),
    int("slowlog-max-len", None, 0, 0, LONG_MAX, 128),
    int("acllog-max-len", None, 0, 0, LONG_MAX, 128),
    // Long long configs.
    int("busy-reply-threshold", Some("lua-time-limit"), 0, 0, LONG_MAX, 5000),
    int("cluster-node-timeout", None, 0, 0, LONG_MAX, 15000),
    int("slowlog-log-slower-than", None, 0, -1, LONG_MAX, 10000),
    int("latency-monitor-threshold", None, 0, 0, LONG_MAX, 0),
    memory("proto-max-bulk-len", None, false, MB, LONG_MAX, 512 * MB),
    int("stream-node-max-entries", None, 0, 0, LONG_MAX, 100),
    memory("repl-backlog-size", None, false, 1, LONG_MAX, MB),
    // Unsigned long long configs.
    memory("maxmemory", None, true, 0, ULLONG_MAX, 0),
    memory("cluster-link-sendbuf-limit", None, true, 0, ULLONG_MAX, 0),
    // size_t configs.
    uint("hash-max-listpack-entries", Some("hash-max-ziplist-entries"), 0, 0, LONG_MAX, 512),
    uint("set-max-intset-entries", None, 0, 0, LONG_MAX, 512),
    uint("zset-max-listpack-entries", Some("zset-max-ziplist-entries"), 0, 0, LONG_MAX, 128),
    memory("active-defrag-ignore-bytes", None, true, 1, LONG_MAX, 100 * MB),
    memory("hash-max-listpack-value", Some("hash-max-ziplist-value"), true, 0, LONG_MAX, 64),
    memory("stream-node-max-bytes", None, true, 0, LONG_MAX, 4096),
    memory("zset-max-listpack-value", Some("zset-max-ziplist-value"), true, 0, LONG_MAX, 64),
    memory("hll-sparse-max-bytes", None, true, 0, LONG_MAX, 3000),
    uint("tracking-table-max-keys", None, 0, 0, LONG_MAX, 1_000_000),
    memory("client-query-buffer-limit", None, true, MB, LONG_MAX, 1024 * MB),
    num("maxmemory-clients", None, 0, false, NumFormat::MemoryOrPercent, -100, LONG_MAX, 0),
    // Other configs.
    int("repl-backlog-ttl", None, 0, 0, LONG_MAX, 3600),
    memory("auto-aof-rewrite-min-size", None, false, 0, LONG_MAX, 64 * MB),
    int("loading-process-events-interval-bytes", None, HIDDEN, 1024, INT_MAX, 2 * MB),
    // TLS configs (the Debian build of 7.0.15 has TLS).
    int("tls-port", None, 0, 0, 65535, 0),
    int("tls-session-cache-size", None, 0, 0, INT_MAX, 20 * 1024),
    int("tls-session-cache-timeout", None, 0, 0, INT_MAX, 300),
    boolean("tls-cluster", None, 0, false),
    boolean("tls-replication", None, 0, false),
    enumeration("tls-auth-clients", 0, TLS_AUTH_CLIENTS, 1, None),
    boolean("tls-prefer-server-ciphers", None, 0, false),
    boolean("tls-session-caching", None, 0, true),
    string("tls-cert-file", None, 0, true, None, None),
    string("tls-key-file", None, 0, true, None, None),
    string("tls-key-file-pass", None, 0, true, None, None),
    string("tls-client-cert-file", None, 0, true, None, None),
    string("tls-client-key-file", None, 0, true, None, None),
    string("tls-client-key-file-pass", None, 0, true, None, None),
    string("tls-dh-params-file", None, 0, true, None, None),
    string("tls-ca-cert-file", None, 0, true, None, None),
    string("tls-ca-cert-dir", None, 0, true, None, None),
    string("tls-protocols", None, 0, true, None, None),
    string("tls-ciphers", None, 0, true, None, None),
    string("tls-ciphersuites", None, 0, true, None, None),
    // Special configs.
    special("dir", None, PROTECTED, Special::Dir),
    special("save", None, MULTI_ARG, Special::Save),
    special("client-output-buffer-limit", None, MULTI_ARG, Special::ClientOutputBufferLimit),
    special("oom-score-adj-values", None, MULTI_ARG, Special::OomScoreAdjValues),
    special("notify-keyspace-events", None, 0, Special::NotifyKeyspaceEvents),
    special("bind", None, MULTI_ARG, Special::Bind),
    special("replicaof", Some("slaveof"), IMMUTABLE | MULTI_ARG, Special::ReplicaOf),
    special("latency-tracking-info-percentiles", None, MULTI_ARG, Special::LatencyTrackingInfoPercentiles),
    // Redactor's own parameters, hidden so that CONFIG GET patterns answer exactly what Redis
    // answers; CONFIG GET with the exact name, CONFIG SET and CONFIG REWRITE know them.
    int("metrics-port", None, HIDDEN, 0, 65535, 0),
    string("metrics-bind", None, HIDDEN, false, Some("127.0.0.1"), None),
    enumeration("log-format", HIDDEN | IMMUTABLE, LOG_FORMATS, 0, None),
    boolean("mailbox-metrics", None, HIDDEN, true),
    boolean("mailbox-metrics-connections", None, HIDDEN, true),
];

/// A name CONFIG knows: which directive, and whether the name is that directive's alias.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    pub index: usize,
    pub alias: bool,
}

impl Entry {
    /// The name this entry is registered under (the alias for an alias entry).
    pub(crate) fn name(&self) -> &'static str {
        let d = &DIRECTIVES[self.index];
        if self.alias {
            d.alias.unwrap_or(d.name)
        } else {
            d.name
        }
    }
}

/// Every registered name in table order, aliases right after their directive.
pub(crate) fn entries() -> &'static [Entry] {
    static ENTRIES: OnceLock<Vec<Entry>> = OnceLock::new();
    ENTRIES.get_or_init(|| {
        let mut all = Vec::new();
        for (index, d) in DIRECTIVES.iter().enumerate() {
            all.push(Entry {
                index,
                alias: false,
            });
            if d.alias.is_some() {
                all.push(Entry { index, alias: true });
            }
        }
        all
    })
}

/// Looks a name up case-insensitively, as Redis's config dictionary does.
pub(crate) fn lookup(name: &[u8]) -> Option<Entry> {
    static BY_NAME: OnceLock<HashMap<&'static str, Entry>> = OnceLock::new();
    let map = BY_NAME.get_or_init(|| entries().iter().map(|e| (e.name(), *e)).collect());
    let name = std::str::from_utf8(name).ok()?.to_ascii_lowercase();
    map.get(name.as_str()).copied()
}

/// The index of a directive by its primary name; for the fixed names the store itself uses.
pub(crate) fn index_of(name: &str) -> usize {
    DIRECTIVES
        .iter()
        .position(|d| d.name == name)
        .unwrap_or_else(|| unreachable!("{name} is in the table"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_lowercase() {
        let mut seen = std::collections::HashSet::new();
        for e in entries() {
            assert!(seen.insert(e.name()), "duplicate {}", e.name());
            assert_eq!(e.name(), e.name().to_ascii_lowercase());
        }
        // 192 names answer CONFIG GET * on real redis-server 7.0.15 (Debian), plus 5 hidden ones
        // and Redactor's own 5 (hidden too).
        assert_eq!(seen.len(), 202);
        let hidden = DIRECTIVES.iter().filter(|d| d.has(HIDDEN)).count();
        assert_eq!(hidden, 10);
    }

    #[test]
    fn lookup_is_case_insensitive_and_knows_aliases() {
        let cases: &[(&str, Option<(&str, bool)>)] = &[
            ("maxmemory", Some(("maxmemory", false))),
            ("MAXMEMORY", Some(("maxmemory", false))),
            ("slaveof", Some(("replicaof", true))),
            ("lua-time-limit", Some(("busy-reply-threshold", true))),
            (
                "hash-max-ziplist-entries",
                Some(("hash-max-listpack-entries", true)),
            ),
            ("min-slaves-to-write", Some(("min-replicas-to-write", true))),
            ("slave-announce-ip", Some(("replica-announce-ip", true))),
            ("nosuch", None),
            ("sentinel", None),
            ("include", None),
        ];
        for &(name, want) in cases {
            let got = lookup(name.as_bytes()).map(|e| (DIRECTIVES[e.index].name, e.alias));
            assert_eq!(got, want, "{name}");
        }
    }
}
