//! INFO [section [section ...]]
//!
//! The server's state as `field:value` lines under `# Section` headers, with Redis 7.0's field
//! names. `default` (no argument) lists server, clients, memory, persistence, stats,
//! replication, cpu, modules, errorstats, cluster and keyspace; `all` and `everything` add
//! commandstats, latencystats and Redactor's own `mailboxes` section (last), which is never in
//! the default output so clients that parse INFO see nothing new.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, NO_KEYS};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::metrics::{kind_of, MailboxSnapshot};
use crate::server::{unix_us, REDIS_VERSION};
use std::fmt::Write as _;
use std::sync::atomic::Ordering::Relaxed;

pub const SPEC: CommandSpec = spec(
    "info",
    -1,
    LOADING | STALE | SENTINEL,
    NO_KEYS,
    "server",
    "1.0.0",
    "Get information and statistics about the server",
    info,
);

const DEFAULT: &[&str] = &[
    "server",
    "clients",
    "memory",
    "persistence",
    "stats",
    "replication",
    "cpu",
    "modules",
    "errorstats",
    "cluster",
    "keyspace",
];
const ALL_EXTRA: &[&str] = &["commandstats", "latencystats", "mailboxes"];

/// Which sections a list of INFO arguments asks for, in Redis's order.
pub fn wanted_sections(args: &[&[u8]]) -> Vec<&'static str> {
    let order: Vec<&'static str> = [
        "server",
        "clients",
        "memory",
        "persistence",
        "stats",
        "replication",
        "cpu",
        "modules",
        "commandstats",
        "errorstats",
        "latencystats",
        "cluster",
        "keyspace",
        "mailboxes",
    ]
    .to_vec();
    let mut want = std::collections::HashSet::new();
    if args.is_empty() {
        want.extend(DEFAULT.iter().copied());
    }
    for a in args {
        let a = String::from_utf8_lossy(a).to_ascii_lowercase();
        match a.as_str() {
            "default" => want.extend(DEFAULT.iter().copied()),
            "all" => {
                want.extend(DEFAULT.iter().copied());
                want.extend(ALL_EXTRA.iter().copied());
            }
            "everything" => want.extend(order.iter().copied()),
            other => {
                if let Some(s) = order.iter().find(|s| **s == other) {
                    want.insert(*s);
                }
            }
        }
    }
    order.into_iter().filter(|s| want.contains(s)).collect()
}

fn info(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    let args: Vec<&[u8]> = args.rest().iter().map(|b| &b[..]).collect();
    let text = render(ex, &wanted_sections(&args));
    ex.out.verbatim("txt", text.as_bytes());
    Ok(())
}

/// The INFO text for the given sections.
pub fn render(ex: &Exec, sections: &[&str]) -> String {
    let mut parts = Vec::new();
    for s in sections {
        let mut body = String::new();
        let title = match *s {
            "server" => {
                server(ex, &mut body);
                "Server"
            }
            "clients" => {
                clients(ex, &mut body);
                "Clients"
            }
            "memory" => {
                memory(ex, &mut body);
                "Memory"
            }
            "persistence" => {
                persistence(ex, &mut body);
                "Persistence"
            }
            "stats" => {
                stats(ex, &mut body);
                "Stats"
            }
            "replication" => {
                replication(ex, &mut body);
                "Replication"
            }
            "cpu" => {
                cpu(&mut body);
                "CPU"
            }
            "modules" => "Modules",
            "commandstats" => {
                for (id, name) in ex.table.stat_names() {
                    if let Some(st) = ex.ks.stats.commands.get(id) {
                        if st.calls > 0 || st.failed_calls > 0 || st.rejected_calls > 0 {
                            line(
                                &mut body,
                                &format!("cmdstat_{name}"),
                                crate::cmdstats::cmdstat_value(st),
                            );
                        }
                    }
                }
                "Commandstats"
            }
            "errorstats" => {
                for (prefix, n) in &ex.ks.stats.error_counts {
                    line(
                        &mut body,
                        &format!("errorstat_{prefix}"),
                        format!("count={n}"),
                    );
                }
                "Errorstats"
            }
            // Redis prints the header alone while `latency-tracking` is off.
            "latencystats" if !ex.ks.trace_cfg.latency_tracking => "Latencystats",
            "latencystats" => {
                let percentiles = ex
                    .server
                    .config
                    .tunables()
                    .latency_tracking_info_percentiles
                    .clone();
                for (id, name) in ex.table.stat_names() {
                    let h = ex
                        .ks
                        .stats
                        .commands
                        .get(id)
                        .and_then(|s| s.latency.as_ref());
                    if let Some(h) = h {
                        line(
                            &mut body,
                            &format!("latency_percentiles_usec_{name}"),
                            crate::cmdstats::latency_value(h, &percentiles),
                        );
                    }
                }
                "Latencystats"
            }
            "cluster" => {
                line(&mut body, "cluster_enabled", 0);
                "Cluster"
            }
            "keyspace" => {
                for (i, db) in ex.ks.dbs.iter().enumerate() {
                    if !db.is_empty() {
                        let v = format!(
                            "keys={},expires={},avg_ttl={}",
                            db.len(),
                            db.expires_len(),
                            db.avg_ttl(ex.now)
                        );
                        line(&mut body, &format!("db{i}"), v);
                    }
                }
                "Keyspace"
            }
            "mailboxes" => {
                mailboxes(&ex.server.mailboxes.snapshots(), &mut body);
                "Mailboxes"
            }
            _ => continue,
        };
        parts.push(format!("# {title}\r\n{body}"));
    }
    parts.join("\r\n")
}

fn line(out: &mut String, name: &str, value: impl std::fmt::Display) {
    let _ = write!(out, "{name}:{value}\r\n");
}

/// Redis's `bytesToHuman`.
pub fn human(n: u64) -> String {
    let n = n as f64;
    const K: f64 = 1024.0;
    if n < K {
        format!("{}B", n as u64)
    } else if n < K * K {
        format!("{:.2}K", n / K)
    } else if n < K * K * K {
        format!("{:.2}M", n / (K * K))
    } else if n < K * K * K * K {
        format!("{:.2}G", n / (K * K * K))
    } else {
        format!("{:.2}T", n / (K * K * K * K))
    }
}

fn server(ex: &Exec, o: &mut String) {
    let t = ex.server.config.tunables();
    let up = ex.server.started.elapsed().as_secs();
    line(o, "redis_version", REDIS_VERSION);
    line(o, "redis_git_sha1", "00000000");
    line(o, "redis_git_dirty", 0);
    line(o, "redis_build_id", "0");
    let mode = if ex.server.sentinel_mode {
        "sentinel"
    } else {
        "standalone"
    };
    line(o, "redis_mode", mode);
    line(o, "os", os_name());
    line(o, "arch_bits", 64);
    line(o, "monotonic_clock", "POSIX clock_gettime");
    line(o, "multiplexing_api", "epoll");
    line(o, "atomicvar_api", "c11-builtin");
    line(o, "gcc_version", "0.0.0");
    line(o, "process_id", ex.server.pid);
    line(o, "process_supervised", "no");
    line(o, "run_id", &ex.server.run_id);
    line(o, "tcp_port", t.port);
    line(o, "server_time_usec", unix_us());
    line(o, "uptime_in_seconds", up);
    line(o, "uptime_in_days", up / 86400);
    line(o, "hz", t.hz);
    line(o, "configured_hz", t.hz);
    line(o, "lru_clock", (ex.now / 1000) & ((1 << 24) - 1));
    line(o, "executable", &ex.server.executable);
    line(o, "config_file", t.config_file.as_deref().unwrap_or(""));
    line(o, "io_threads_active", 0);
}

fn os_name() -> String {
    // SAFETY: uname fills a caller-owned struct; the fields are NUL-terminated C strings.
    unsafe {
        let mut u: libc::utsname = std::mem::zeroed();
        if libc::uname(&mut u) != 0 {
            return "Linux".into();
        }
        let f = |p: &[libc::c_char]| {
            std::ffi::CStr::from_ptr(p.as_ptr())
                .to_string_lossy()
                .into_owned()
        };
        format!("{} {} {}", f(&u.sysname), f(&u.release), f(&u.machine))
    }
}

fn clients(ex: &Exec, o: &mut String) {
    let t = ex.server.config.tunables();
    line(o, "connected_clients", ex.server.clients.len());
    line(o, "cluster_connections", 0);
    line(o, "maxclients", t.maxclients);
    line(o, "client_recent_max_input_buffer", 0);
    line(o, "client_recent_max_output_buffer", 0);
    line(o, "blocked_clients", ex.ks.blocked.len());
    line(o, "tracking_clients", 0);
    line(o, "clients_in_timeout_table", 0);
}

fn memory(ex: &Exec, o: &mut String) {
    let t = ex.server.config.tunables();
    let used = (ex.server.used_memory)();
    let rss = rss_bytes();
    let total = total_system_memory();
    let frag = if used > 0 {
        rss as f64 / used as f64
    } else {
        0.0
    };
    line(o, "used_memory", used);
    line(o, "used_memory_human", human(used));
    line(o, "used_memory_rss", rss);
    line(o, "used_memory_rss_human", human(rss));
    line(o, "used_memory_peak", used);
    line(o, "used_memory_peak_human", human(used));
    line(o, "used_memory_peak_perc", "100.00%");
    line(o, "used_memory_overhead", 0);
    line(o, "used_memory_startup", 0);
    line(o, "used_memory_dataset", used);
    line(o, "used_memory_dataset_perc", "100.00%");
    line(o, "allocator_allocated", used);
    line(o, "allocator_active", used);
    line(o, "allocator_resident", rss);
    line(o, "total_system_memory", total);
    line(o, "total_system_memory_human", human(total));
    for (name, v) in [
        ("used_memory_lua", "0"),
        ("used_memory_vm_eval", "0"),
        ("used_memory_lua_human", "0B"),
        ("used_memory_scripts_eval", "0"),
        ("number_of_cached_scripts", "0"),
        ("number_of_functions", "0"),
        ("number_of_libraries", "0"),
        ("used_memory_vm_functions", "0"),
        ("used_memory_vm_total", "0"),
        ("used_memory_vm_total_human", "0B"),
        ("used_memory_functions", "0"),
        ("used_memory_scripts", "0"),
        ("used_memory_scripts_human", "0B"),
    ] {
        line(o, name, v);
    }
    line(o, "maxmemory", t.maxmemory);
    line(o, "maxmemory_human", human(t.maxmemory));
    line(o, "maxmemory_policy", &t.maxmemory_policy);
    line(o, "allocator_frag_ratio", "1.00");
    line(o, "allocator_frag_bytes", 0);
    line(o, "allocator_rss_ratio", format!("{frag:.2}"));
    line(o, "allocator_rss_bytes", rss as i64 - used as i64);
    line(o, "rss_overhead_ratio", "1.00");
    line(o, "rss_overhead_bytes", 0);
    line(o, "mem_fragmentation_ratio", format!("{frag:.2}"));
    line(o, "mem_fragmentation_bytes", rss as i64 - used as i64);
    for name in [
        "mem_not_counted_for_evict",
        "mem_replication_backlog",
        "mem_total_replication_buffers",
        "mem_clients_slaves",
        "mem_clients_normal",
        "mem_cluster_links",
        "mem_aof_buffer",
    ] {
        line(o, name, 0);
    }
    line(o, "mem_allocator", "libc");
    line(o, "active_defrag_running", 0);
    line(o, "lazyfree_pending_objects", 0);
    line(o, "lazyfreed_objects", 0);
}

fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

fn total_system_memory() -> u64 {
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

fn persistence(ex: &Exec, o: &mut String) {
    use crate::keyspace::background::Job;
    let t = ex.server.config.tunables();
    let bg = &ex.ks.bg;
    for name in [
        "loading",
        "async_loading",
        "current_cow_peak",
        "current_cow_size",
        "current_cow_size_age",
    ] {
        line(o, name, 0);
    }
    let (done, total) = (bg.keys_processed, bg.keys_total);
    let perc = if bg.running.is_some() && total > 0 {
        done as f64 * 100.0 / total as f64
    } else {
        0.0
    };
    line(o, "current_fork_perc", format!("{perc:.2}"));
    line(o, "current_save_keys_processed", done);
    line(o, "current_save_keys_total", total);
    line(o, "rdb_changes_since_last_save", ex.ks.dirty);
    line(o, "rdb_bgsave_in_progress", bg.runs(Job::Bgsave) as u8);
    line(o, "rdb_last_save_time", ex.ks.lastsave);
    line(o, "rdb_last_bgsave_status", status(bg.last_bgsave_ok));
    line(o, "rdb_last_bgsave_time_sec", bg.last_bgsave_time_sec);
    line(
        o,
        "rdb_current_bgsave_time_sec",
        bg.current_time_sec(Job::Bgsave, ex.now),
    );
    line(o, "rdb_saves", ex.ks.stats.rdb_saves);
    line(o, "rdb_last_cow_size", 0);
    line(o, "rdb_last_load_keys_expired", 0);
    line(o, "rdb_last_load_keys_loaded", ex.ks.stats.keys_loaded);
    line(o, "aof_enabled", t.appendonly as u8);
    line(o, "aof_rewrite_in_progress", bg.runs(Job::AofRewrite) as u8);
    line(o, "aof_rewrite_scheduled", bg.rewrite_scheduled as u8);
    line(o, "aof_last_rewrite_time_sec", bg.last_rewrite_time_sec);
    line(
        o,
        "aof_current_rewrite_time_sec",
        bg.current_time_sec(Job::AofRewrite, ex.now),
    );
    line(o, "aof_last_bgrewrite_status", status(bg.last_rewrite_ok));
    line(o, "aof_rewrites", bg.rewrites);
    line(
        o,
        "aof_rewrites_consecutive_failures",
        bg.rewrites_consecutive_failures,
    );
    let aof = ex.ks.aof_status.as_deref();
    let write_ok = aof.is_none_or(|a| a.write_ok.load(Relaxed));
    line(o, "aof_last_write_status", status(write_ok));
    line(o, "aof_last_cow_size", 0);
    line(o, "module_fork_in_progress", 0);
    line(o, "module_fork_last_cow_size", 0);
    if let (true, Some(a)) = (t.appendonly, aof) {
        line(o, "aof_current_size", a.current_size.load(Relaxed));
        line(o, "aof_base_size", a.base_size.load(Relaxed));
        line(o, "aof_pending_rewrite", 0);
        line(o, "aof_buffer_length", 0);
        line(o, "aof_pending_bio_fsync", 0);
        line(o, "aof_delayed_fsync", a.delayed_fsync.load(Relaxed));
    }
}

fn status(ok: bool) -> &'static str {
    if ok {
        "ok"
    } else {
        "err"
    }
}

fn stats(ex: &Exec, o: &mut String) {
    let s = &ex.server.stats;
    let k = &ex.ks.stats;
    let kbps = |r: &crate::stats::RateSampler| format!("{:.2}", r.rate() / 1024.0);
    line(
        o,
        "total_connections_received",
        s.total_connections_received.load(Relaxed),
    );
    line(o, "total_commands_processed", k.total_commands_processed);
    line(
        o,
        "instantaneous_ops_per_sec",
        k.ops_rate.rate().round() as u64,
    );
    line(
        o,
        "total_net_input_bytes",
        s.total_net_input_bytes.load(Relaxed),
    );
    line(
        o,
        "total_net_output_bytes",
        s.total_net_output_bytes.load(Relaxed),
    );
    line(o, "total_net_repl_input_bytes", 0);
    line(o, "total_net_repl_output_bytes", 0);
    line(o, "instantaneous_input_kbps", kbps(&k.input_rate));
    line(o, "instantaneous_output_kbps", kbps(&k.output_rate));
    line(o, "instantaneous_input_repl_kbps", "0.00");
    line(o, "instantaneous_output_repl_kbps", "0.00");
    line(
        o,
        "rejected_connections",
        s.rejected_connections.load(Relaxed),
    );
    let repl = ex.server.repl.get();
    line(o, "sync_full", repl.sync_full);
    line(o, "sync_partial_ok", repl.sync_partial_ok);
    line(o, "sync_partial_err", repl.sync_partial_err);
    line(o, "expired_keys", k.expired_keys);
    line(o, "expired_stale_perc", "0.00");
    line(o, "expired_time_cap_reached_count", 0);
    line(o, "expire_cycle_cpu_milliseconds", 0);
    line(o, "evicted_keys", 0);
    line(o, "evicted_clients", 0);
    line(o, "total_eviction_exceeded_time", 0);
    line(o, "current_eviction_exceeded_time", 0);
    line(o, "keyspace_hits", k.keyspace_hits);
    line(o, "keyspace_misses", k.keyspace_misses);
    for name in [
        "pubsub_channels",
        "pubsub_patterns",
        "pubsubshard_channels",
        "latest_fork_usec",
        "total_forks",
        "migrate_cached_sockets",
        "slave_expires_tracked_keys",
        "active_defrag_hits",
        "active_defrag_misses",
        "active_defrag_key_hits",
        "active_defrag_key_misses",
        "total_active_defrag_time",
        "current_active_defrag_time",
        "tracking_total_keys",
        "tracking_total_items",
        "tracking_total_prefixes",
        "unexpected_error_replies",
    ] {
        line(o, name, 0);
    }
    line(o, "total_error_replies", k.total_error_replies);
    line(o, "dump_payload_sanitizations", 0);
    line(
        o,
        "total_reads_processed",
        s.total_reads_processed.load(Relaxed),
    );
    line(
        o,
        "total_writes_processed",
        s.total_writes_processed.load(Relaxed),
    );
    for name in [
        "io_threaded_reads_processed",
        "io_threaded_writes_processed",
        "reply_buffer_shrinks",
        "reply_buffer_expands",
    ] {
        line(o, name, 0);
    }
}

fn replication(ex: &Exec, o: &mut String) {
    let st = ex.server.repl.get();
    let t = ex.server.config.tunables();
    let now = ex.now;
    let secs = |ms: u64| (now.saturating_sub(ms) / 1000) as i64;
    match &st.master {
        None => line(o, "role", "master"),
        Some(m) => {
            line(o, "role", "slave");
            line(o, "master_host", &m.host);
            line(o, "master_port", m.port);
            let up = m.link_up();
            line(o, "master_link_status", if up { "up" } else { "down" });
            line(
                o,
                "master_last_io_seconds_ago",
                // Without a live link Redis has no master client to ask: -1.
                if !up || m.last_io_ms == 0 {
                    -1
                } else {
                    secs(m.last_io_ms)
                },
            );
            let syncing = m.state == "sync";
            line(o, "master_sync_in_progress", syncing as u8);
            line(o, "slave_read_repl_offset", m.offset);
            line(o, "slave_repl_offset", m.offset);
            if syncing {
                let total = m.sync_size;
                let read = m.sync_read as i64;
                line(o, "master_sync_total_bytes", total);
                line(o, "master_sync_read_bytes", read);
                line(o, "master_sync_left_bytes", (total - read).max(0));
                let perc = if total > 0 {
                    read as f64 * 100.0 / total as f64
                } else {
                    0.0
                };
                line(o, "master_sync_perc", format!("{perc:.2}"));
                line(o, "master_sync_last_io_seconds_ago", secs(m.last_io_ms));
            }
            if !up {
                let since = if m.down_since_ms == 0 {
                    -1
                } else {
                    secs(m.down_since_ms)
                };
                line(o, "master_link_down_since_seconds", since);
            }
            line(o, "slave_priority", t.replica_priority);
            line(o, "slave_read_only", t.replica_read_only as u8);
            line(o, "replica_announced", 1);
        }
    }
    line(o, "connected_slaves", st.replicas.len());
    for (i, r) in st.replicas.iter().enumerate() {
        line(
            o,
            &format!("slave{i}"),
            format!(
                "ip={},port={},state={},offset={},lag={}",
                r.ip,
                r.port,
                r.state,
                r.offset,
                r.lag_secs(now)
            ),
        );
    }
    line(
        o,
        "master_failover_state",
        crate::keyspace::replication::Failover::state_name(ex.ks.failover.as_ref()),
    );
    line(o, "master_replid", &st.replid);
    line(o, "master_replid2", &st.replid2);
    line(o, "master_repl_offset", st.master_repl_offset);
    line(o, "second_repl_offset", st.second_repl_offset);
    line(o, "repl_backlog_active", st.backlog_active as u8);
    line(o, "repl_backlog_size", st.backlog_size);
    line(
        o,
        "repl_backlog_first_byte_offset",
        st.backlog_first_byte_offset,
    );
    line(o, "repl_backlog_histlen", st.backlog_histlen);
}

fn cpu(o: &mut String) {
    let secs = |tv: libc::timeval| tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6;
    let usage = |who| {
        // SAFETY: getrusage writes into the zeroed struct we own.
        unsafe {
            let mut ru: libc::rusage = std::mem::zeroed();
            libc::getrusage(who, &mut ru);
            (secs(ru.ru_stime), secs(ru.ru_utime))
        }
    };
    let (sys, user) = usage(libc::RUSAGE_SELF);
    let (csys, cuser) = usage(libc::RUSAGE_CHILDREN);
    let (tsys, tuser) = usage(libc::RUSAGE_THREAD);
    line(o, "used_cpu_sys", format!("{sys:.6}"));
    line(o, "used_cpu_user", format!("{user:.6}"));
    line(o, "used_cpu_sys_children", format!("{csys:.6}"));
    line(o, "used_cpu_user_children", format!("{cuser:.6}"));
    line(o, "used_cpu_sys_main_thread", format!("{tsys:.6}"));
    line(o, "used_cpu_user_main_thread", format!("{tuser:.6}"));
}

/// Totals per actor kind, then the five busiest mailboxes of each kind.
pub fn mailboxes(snaps: &[MailboxSnapshot], o: &mut String) {
    let mut kinds: Vec<&str> = snaps.iter().map(|s| kind_of(&s.name)).collect();
    kinds.sort();
    kinds.dedup();
    line(o, "mailbox_kinds", kinds.len());
    for kind in &kinds {
        let of_kind: Vec<&MailboxSnapshot> =
            snaps.iter().filter(|s| kind_of(&s.name) == *kind).collect();
        let sum = |f: fn(&MailboxSnapshot) -> u64| of_kind.iter().map(|s| f(s)).sum::<u64>();
        line(
            o,
            &format!("kind_{kind}"),
            format!(
                "instances={},queued={},oldest_wait_us={},sent={},handled={},refused={},busy_us={}",
                of_kind.len(),
                sum(|s| s.queued),
                of_kind.iter().map(|s| s.oldest_wait_us).max().unwrap_or(0),
                sum(|s| s.sent),
                sum(|s| s.handled),
                sum(|s| s.refused),
                sum(|s| s.busy_us)
            ),
        );
    }
    let mut busiest: Vec<&MailboxSnapshot> = snaps.iter().collect();
    busiest.sort_by(|a, b| b.busy_us.cmp(&a.busy_us).then(a.name.cmp(&b.name)));
    for kind in &kinds {
        for s in busiest.iter().filter(|s| kind_of(&s.name) == *kind).take(5) {
            line(
                o,
                // An INFO field name must not hold the `:` that ends it: addresses' ports are
                // joined with `_` here (MAILBOX GET takes the real name).
                &format!("mailbox_{}", s.name.replace(':', "_")),
                format!(
                    "queued={},max_queued={},oldest_wait_us={},sent={},handled={},in_flight={},refused={},busy_us={},p50_us={:.3},p99_us={:.3},max_us={:.3}",
                    s.queued, s.max_queued, s.oldest_wait_us, s.sent, s.handled, s.in_flight,
                    s.refused, s.busy_us, s.p50_us, s.p99_us, s.max_us
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn section_selection_follows_redis() {
        let none: &[&[u8]] = &[];
        assert_eq!(wanted_sections(none), DEFAULT.to_vec());
        assert!(wanted_sections(&[b"all"]).contains(&"mailboxes"));
        assert!(!wanted_sections(&[b"default"]).contains(&"mailboxes"));
        assert!(wanted_sections(&[b"everything"]).contains(&"mailboxes"));
        assert_eq!(
            wanted_sections(&[b"KEYSPACE", b"server"]),
            vec!["server", "keyspace"]
        );
        assert!(wanted_sections(&[b"nosuch"]).is_empty());
    }

    #[test]
    fn human_sizes() {
        assert_eq!(human(0), "0B");
        assert_eq!(human(1023), "1023B");
        assert_eq!(human(1386888), "1.32M");
        assert_eq!(human(25276063744), "23.54G");
    }
}
