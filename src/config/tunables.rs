//! The typed snapshot actors read ([`actors::config::Tunables`]), built from the parameter values.

use std::path::Path;

use actors::config::Tunables;
use bytes::Bytes;

use super::table::{index_of, Kind, DIRECTIVES};
use super::value::{enum_name, Value};

fn num(values: &[Value], name: &str) -> i64 {
    match &values[index_of(name)] {
        Value::Num(v) => *v,
        _ => 0,
    }
}

fn flag(values: &[Value], name: &str) -> bool {
    matches!(values[index_of(name)], Value::Bool(true))
}

fn enum_text(values: &[Value], name: &str) -> String {
    let i = index_of(name);
    match (&DIRECTIVES[i].kind, &values[i]) {
        (Kind::Enum { names, .. }, Value::Enum(v)) => enum_name(names, *v, false),
        _ => String::new(),
    }
}

fn text(values: &[Value], name: &str) -> Option<String> {
    match &values[index_of(name)] {
        Value::Str(Some(s)) => Some(String::from_utf8_lossy(s).into_owned()),
        _ => None,
    }
}

/// A path as the server must open it: relative paths are relative to the directory the
/// configuration was read in (Redis opens them after changing into `dir`).
pub(crate) fn resolve_in(dir: &Path, path: Option<String>) -> String {
    match path {
        None => String::new(),
        Some(p) if p.is_empty() || p.starts_with('/') => p,
        Some(p) => dir.join(p).to_string_lossy().into_owned(),
    }
}

/// Everything [`Tunables`] carries that is not a plain parameter.
pub(crate) struct Context<'a> {
    pub default_password: Option<&'a [u8]>,
    pub config_file: Option<&'a Path>,
    /// `logfile` and `pidfile`, made absolute when the configuration was read.
    pub logfile: &'a str,
    pub pidfile: &'a str,
}

/// Builds the snapshot. Values are already validated against Redis's bounds, so the conversions
/// below cannot lose anything except where noted.
pub(crate) fn build(values: &[Value], ctx: &Context<'_>) -> Tunables {
    let dir = match &values[index_of("dir")] {
        Value::Dir(d) => d.to_string_lossy().into_owned(),
        _ => String::from("/"),
    };
    let bind = match &values[index_of("bind")] {
        Value::Bind(addresses) => addresses
            .iter()
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect(),
        _ => Vec::new(),
    };
    let save = match &values[index_of("save")] {
        // A negative `changes` (a wrapped C int in Redis) is always reached, as 0 is.
        Value::Save(points) => points
            .iter()
            .map(|p| (p.seconds.max(0) as u64, p.changes.max(0) as u64))
            .collect(),
        _ => Vec::new(),
    };
    Tunables {
        requirepass: ctx.default_password.map(Bytes::copy_from_slice),
        databases: num(values, "databases").max(1) as usize,
        maxclients: num(values, "maxclients").max(1) as usize,
        timeout: num(values, "timeout").max(0) as u64,
        tcp_keepalive: num(values, "tcp-keepalive").max(0) as u64,
        protected_mode: flag(values, "protected-mode"),
        hz: num(values, "hz").clamp(1, 500) as u32,
        proto_max_bulk_len: num(values, "proto-max-bulk-len").max(0) as u64,
        client_query_buffer_limit: num(values, "client-query-buffer-limit").max(0) as u64,
        port: num(values, "port").clamp(0, 65535) as u16,
        bind,
        dir,
        config_file: ctx.config_file.map(|p| p.to_string_lossy().into_owned()),
        save,
        appendonly: flag(values, "appendonly"),
        appendfsync: enum_text(values, "appendfsync"),
        appendfilename: text(values, "appendfilename").unwrap_or_else(|| "appendonly.aof".into()),
        appenddirname: text(values, "appenddirname").unwrap_or_else(|| "appendonlydir".into()),
        aof_use_rdb_preamble: flag(values, "aof-use-rdb-preamble"),
        aof_load_truncated: flag(values, "aof-load-truncated"),
        auto_aof_rewrite_percentage: num(values, "auto-aof-rewrite-percentage").max(0) as u64,
        auto_aof_rewrite_min_size: num(values, "auto-aof-rewrite-min-size").max(0) as u64,
        stop_writes_on_bgsave_error: flag(values, "stop-writes-on-bgsave-error"),
        enable_debug_command: enum_text(values, "enable-debug-command"),
        replicaof: match &values[index_of("replicaof")] {
            Value::ReplicaOf(Some((host, port))) => Some((
                String::from_utf8_lossy(host).into_owned(),
                (*port).clamp(0, 65535) as u16,
            )),
            _ => None,
        },
        masterauth: text(values, "masterauth"),
        bind_source_addr: text(values, "bind-source-addr"),
        masteruser: text(values, "masteruser"),
        replica_priority: num(values, "replica-priority"),
        replica_serve_stale_data: flag(values, "replica-serve-stale-data"),
        replica_announce_ip: text(values, "replica-announce-ip"),
        replica_announce_port: num(values, "replica-announce-port").clamp(0, 65535) as u16,
        repl_backlog_size: num(values, "repl-backlog-size").max(1) as u64,
        repl_backlog_ttl: num(values, "repl-backlog-ttl").max(0) as u64,
        repl_diskless_sync: flag(values, "repl-diskless-sync"),
        repl_diskless_sync_delay: num(values, "repl-diskless-sync-delay").max(0) as u64,
        repl_ping_replica_period: num(values, "repl-ping-replica-period").max(1) as u64,
        repl_timeout: num(values, "repl-timeout").max(1) as u64,
        min_replicas_to_write: num(values, "min-replicas-to-write").max(0) as u64,
        min_replicas_max_lag: num(values, "min-replicas-max-lag").max(0) as u64,
        // `unsigned long long`, carried as i64 like Redis's `long long` plumbing.
        maxmemory: num(values, "maxmemory") as u64,
        maxmemory_policy: enum_text(values, "maxmemory-policy"),
        replica_read_only: flag(values, "replica-read-only"),
        lazyfree_lazy_user_del: flag(values, "lazyfree-lazy-user-del"),
        lazyfree_lazy_expire: flag(values, "lazyfree-lazy-expire"),
        lazyfree_lazy_server_del: flag(values, "lazyfree-lazy-server-del"),
        latency_tracking: flag(values, "latency-tracking"),
        latency_tracking_info_percentiles: match &values
            [index_of("latency-tracking-info-percentiles")]
        {
            Value::Percentiles(p) => p.clone(),
            _ => Vec::new(),
        },
        slowlog_log_slower_than: num(values, "slowlog-log-slower-than"),
        slowlog_max_len: num(values, "slowlog-max-len").max(0) as u64,
        latency_monitor_threshold: num(values, "latency-monitor-threshold").max(0) as u64,
        active_expire_effort: num(values, "active-expire-effort").clamp(1, 10) as u32,
        dynamic_hz: flag(values, "dynamic-hz"),
        loglevel: enum_text(values, "loglevel"),
        logfile: ctx.logfile.to_string(),
        pidfile: ctx.pidfile.to_string(),
        dbfilename: text(values, "dbfilename").unwrap_or_else(|| "dump.rdb".into()),
        rdbcompression: flag(values, "rdbcompression"),
        rdbchecksum: flag(values, "rdbchecksum"),
        list_max_listpack_size: num(values, "list-max-listpack-size"),
        list_compress_depth: num(values, "list-compress-depth"),
        hash_max_listpack_entries: num(values, "hash-max-listpack-entries").max(0) as u64,
        hash_max_listpack_value: num(values, "hash-max-listpack-value").max(0) as u64,
        set_max_intset_entries: num(values, "set-max-intset-entries").max(0) as u64,
        zset_max_listpack_entries: num(values, "zset-max-listpack-entries").max(0) as u64,
        zset_max_listpack_value: num(values, "zset-max-listpack-value").max(0) as u64,
        notify_keyspace_events: match values[index_of("notify-keyspace-events")] {
            Value::Notify(flags) => flags,
            _ => 0,
        },
        client_output_buffer_limit: match &values[index_of("client-output-buffer-limit")] {
            Value::OutputBufferLimits(l) => l.map(|c| actors::config::OutputBufferLimit {
                hard: c.hard,
                soft: c.soft,
                soft_seconds: c.soft_seconds.max(0) as u64,
            }),
            _ => Tunables::default().client_output_buffer_limit,
        },
        metrics_port: num(values, "metrics-port").clamp(0, 65535) as u16,
        metrics_bind: text(values, "metrics-bind").unwrap_or_else(|| "127.0.0.1".into()),
        log_format: enum_text(values, "log-format"),
        mailbox_metrics: flag(values, "mailbox-metrics"),
        mailbox_metrics_connections: flag(values, "mailbox-metrics-connections"),
    }
}

/// `logfile` and `pidfile` resolved against `dir` (see [`resolve_in`]).
pub(crate) fn log_and_pid_files(values: &[Value]) -> (String, String) {
    let dir = match &values[index_of("dir")] {
        Value::Dir(d) => d.clone(),
        _ => std::path::PathBuf::from("/"),
    };
    (
        resolve_in(&dir, text(values, "logfile")),
        resolve_in(&dir, text(values, "pidfile")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::value::default_value;

    #[test]
    fn defaults_give_the_actors_defaults() {
        let values: Vec<Value> = DIRECTIVES
            .iter()
            .map(|d| default_value(d, Path::new("/")))
            .collect();
        let ctx = Context {
            default_password: None,
            config_file: None,
            logfile: "",
            pidfile: "",
        };
        assert_eq!(build(&values, &ctx), Tunables::default());
    }

    #[test]
    fn relative_files_resolve_against_dir() {
        let cases = [
            (None, ""),
            (Some(""), ""),
            (Some("redis.log"), "/var/lib/redis/redis.log"),
            (Some("/tmp/x.log"), "/tmp/x.log"),
        ];
        for (path, want) in cases {
            assert_eq!(
                resolve_in(Path::new("/var/lib/redis"), path.map(String::from)),
                want
            );
        }
    }
}
