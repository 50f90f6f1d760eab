//! A scrape: every figure collected from where INFO takes it, then written as families.
//! Names follow redis_exporter where it has one (`redis_*`); Redactor's own are `redactor_*`.

use super::text::{Exposition, Type};
use super::Sources;
use crate::keyspace::figures::{GetFigures, KeyspaceFigures};
use crate::metrics::{kind_of, MailboxSnapshot};
use crate::repl::status::ReplState;
use crate::server::{unix_ms, REDACTOR_VERSION, REDIS_VERSION};
use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

/// How long a scrape waits for the keyspace's figures.
const KEYSPACE_TIMEOUT: Duration = Duration::from_secs(1);

/// One Sentinel master, as `SENTINEL MASTERS` / INFO's `masterN` line shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct SentinelMaster {
    pub name: String,
    pub address: String,
    pub ok: bool,
    pub slaves: usize,
    pub ok_slaves: usize,
    /// Counting this Sentinel, as INFO does.
    pub sentinels: usize,
    pub ok_sentinels: usize,
}

/// Everything one scrape reports.
#[derive(Debug, Clone, Default)]
pub struct Scrape {
    pub sentinel_mode: bool,
    pub uptime_secs: u64,
    pub connected_clients: usize,
    pub max_input_buffer: u64,
    pub max_output_buffer: u64,
    pub output_buffers: u64,
    pub used_memory: u64,
    pub connections_received: u64,
    pub rejected_connections: u64,
    pub net_input_bytes: u64,
    pub net_output_bytes: u64,
    /// `None` when the keyspace did not answer (or there is none: a Sentinel).
    pub keyspace: Option<KeyspaceFigures>,
    pub repl: Option<ReplState>,
    pub now_ms: u64,
    pub mailboxes: Vec<MailboxSnapshot>,
    /// `Some` in Sentinel mode: (tilt, masters).
    pub sentinel: Option<(bool, Vec<SentinelMaster>)>,
}

/// Collects a scrape's figures and writes them.
pub async fn gather(sources: &Sources) -> String {
    let server = &sources.server;
    // Taken before the keyspace is asked: a keyspace stuck on one message would answer late,
    // and its queue as it was at scrape time is what the scrape is for.
    let mailboxes = server.mailboxes.snapshots();
    let mut keyspace = None;
    if let Some(ks) = &sources.keyspace {
        if let Ok(Ok(f)) = tokio::time::timeout(KEYSPACE_TIMEOUT, ks.send(GetFigures)).await {
            keyspace = Some(f);
        }
    }
    let clients = server.clients.all();
    let sentinel = sources.sentinel.as_ref().map(|shared| {
        let mut masters: Vec<SentinelMaster> = shared
            .views
            .iter()
            .map(|v| {
                let s = &v.state;
                SentinelMaster {
                    name: s.inst.name.clone(),
                    address: s.current_address().to_string(),
                    ok: s.status() == "ok",
                    slaves: s.replicas.len(),
                    ok_slaves: s
                        .replicas
                        .iter()
                        .filter(|r| !r.inst.s_down && !r.inst.link.disconnected)
                        .count(),
                    sentinels: s.sentinels.len() + 1,
                    ok_sentinels: 1 + s
                        .sentinels
                        .iter()
                        .filter(|p| !p.inst.s_down && !p.inst.link.disconnected)
                        .count(),
                }
            })
            .collect();
        masters.sort_by(|a, b| a.name.cmp(&b.name));
        (shared.in_tilt(), masters)
    });
    let scrape = Scrape {
        sentinel_mode: server.sentinel_mode,
        uptime_secs: server.started.elapsed().as_secs(),
        connected_clients: clients.len(),
        max_input_buffer: clients
            .iter()
            .map(|c| c.qbuf.load(Relaxed))
            .max()
            .unwrap_or(0),
        max_output_buffer: clients
            .iter()
            .map(|c| c.obuf.load(Relaxed))
            .max()
            .unwrap_or(0),
        output_buffers: clients.iter().map(|c| c.obuf.load(Relaxed)).sum(),
        used_memory: (server.used_memory)(),
        connections_received: server.stats.total_connections_received.load(Relaxed),
        rejected_connections: server.stats.rejected_connections.load(Relaxed),
        net_input_bytes: server.stats.total_net_input_bytes.load(Relaxed),
        net_output_bytes: server.stats.total_net_output_bytes.load(Relaxed),
        keyspace,
        repl: (!server.sentinel_mode).then(|| server.repl.get()),
        now_ms: unix_ms(),
        mailboxes,
        sentinel,
    };
    render(&scrape)
}

/// The exposition text of a scrape.
pub fn render(s: &Scrape) -> String {
    let mut e = Exposition::new();
    let up = s.sentinel_mode || s.keyspace.is_some();
    e.single(
        "redis_up",
        Type::Gauge,
        "Whether the server answered the scrape (the keyspace replied).",
        up as u8 as f64,
    );
    let role = match (&s.repl, s.sentinel_mode) {
        (_, true) => "sentinel",
        (Some(r), _) if r.master.is_some() => "slave",
        _ => "master",
    };
    let mode = if s.sentinel_mode {
        "sentinel"
    } else {
        "standalone"
    };
    e.family(
        "redis_instance_info",
        Type::Gauge,
        "Information about the instance, in labels.",
    )
    .sample(
        "",
        &[
            ("role", role),
            ("redis_version", REDIS_VERSION),
            ("redis_mode", mode),
            ("redactor_version", REDACTOR_VERSION),
        ],
        1.0,
    );
    let gauges: [(&str, &str, f64); 5] = [
        (
            "redis_uptime_in_seconds",
            "Seconds since the server started.",
            s.uptime_secs as f64,
        ),
        (
            "redis_connected_clients",
            "Client connections.",
            s.connected_clients as f64,
        ),
        (
            "redis_client_recent_max_input_buffer_bytes",
            "The largest query buffer of a client now.",
            s.max_input_buffer as f64,
        ),
        (
            "redis_client_recent_max_output_buffer_bytes",
            "The largest output buffer of a client now.",
            s.max_output_buffer as f64,
        ),
        (
            "redis_memory_used_bytes",
            "Bytes allocated by the process.",
            s.used_memory as f64,
        ),
    ];
    for (name, help, v) in gauges {
        e.single(name, Type::Gauge, help, v);
    }
    e.single(
        "redactor_clients_output_buffer_bytes",
        Type::Gauge,
        "Reply bytes waiting to be written to clients, all clients together.",
        s.output_buffers as f64,
    );
    let counters: [(&str, &str, u64); 4] = [
        (
            "redis_connections_received_total",
            "Connections accepted (INFO total_connections_received).",
            s.connections_received,
        ),
        (
            "redis_rejected_connections_total",
            "Connections refused (maxclients, protected mode).",
            s.rejected_connections,
        ),
        (
            "redis_net_input_bytes_total",
            "Bytes read from clients.",
            s.net_input_bytes,
        ),
        (
            "redis_net_output_bytes_total",
            "Bytes written to clients.",
            s.net_output_bytes,
        ),
    ];
    for (name, help, v) in counters {
        e.single(name, Type::Counter, help, v as f64);
    }
    if let Some(k) = &s.keyspace {
        keyspace(&mut e, k);
    }
    if let Some(r) = &s.repl {
        replication(&mut e, r, s.now_ms);
    }
    if let Some((tilt, masters)) = &s.sentinel {
        sentinel(&mut e, *tilt, masters);
    }
    mailboxes(&mut e, &s.mailboxes);
    e.finish()
}

fn keyspace(e: &mut Exposition, k: &KeyspaceFigures) {
    e.single(
        "redis_blocked_clients",
        Type::Gauge,
        "Clients waiting in a blocking command.",
        k.blocked_clients as f64,
    );
    let counters: [(&str, &str, u64); 5] = [
        (
            "redis_commands_processed_total",
            "Commands processed (INFO total_commands_processed).",
            k.total_commands_processed,
        ),
        (
            "redis_keyspace_hits_total",
            "Key lookups that found the key.",
            k.keyspace_hits,
        ),
        (
            "redis_keyspace_misses_total",
            "Key lookups that did not find the key.",
            k.keyspace_misses,
        ),
        (
            "redis_expired_keys_total",
            "Keys removed because their time to live ran out.",
            k.expired_keys,
        ),
        (
            "redis_errors_total",
            "Error replies (INFO total_error_replies).",
            k.total_error_replies,
        ),
    ];
    for (name, help, v) in counters {
        e.single(name, Type::Counter, help, v as f64);
    }
    e.single(
        "redis_rdb_changes_since_last_save",
        Type::Gauge,
        "Changes since the last save.",
        k.dirty as f64,
    );
    e.family("redis_db_keys", Type::Gauge, "Keys in a database.");
    for db in &k.dbs {
        e.sample("", &[("db", &format!("db{}", db.index))], db.keys as f64);
    }
    e.family(
        "redis_db_keys_expiring",
        Type::Gauge,
        "Keys with a time to live in a database.",
    );
    for db in &k.dbs {
        e.sample("", &[("db", &format!("db{}", db.index))], db.expires as f64);
    }
}

fn replication(e: &mut Exposition, r: &ReplState, now_ms: u64) {
    e.single(
        "redis_master_repl_offset",
        Type::Gauge,
        "The replication offset of this server.",
        r.master_repl_offset as f64,
    );
    e.single(
        "redis_connected_slaves",
        Type::Gauge,
        "Replicas connected to this server.",
        r.replicas.len() as f64,
    );
    let labels = |i: usize| {
        let rep = &r.replicas[i];
        (rep.ip.clone(), rep.port.to_string(), rep.state.to_string())
    };
    for (name, help, lag) in [
        (
            "redis_connected_slave_offset_bytes",
            "The replication offset a replica acknowledged.",
            false,
        ),
        (
            "redis_connected_slave_lag_seconds",
            "Seconds since a replica's last acknowledgement.",
            true,
        ),
    ] {
        e.family(name, Type::Gauge, help);
        for (i, rep) in r.replicas.iter().enumerate() {
            let (ip, port, state) = labels(i);
            let v = if lag {
                rep.lag_secs(now_ms) as f64
            } else {
                rep.offset as f64
            };
            e.sample(
                "",
                &[
                    ("slave_ip", &ip),
                    ("slave_port", &port),
                    ("slave_state", &state),
                ],
                v,
            );
        }
    }
    if let Some(m) = &r.master {
        e.single(
            "redis_master_link_up",
            Type::Gauge,
            "Whether the link to the master is up (replicas only).",
            m.link_up() as u8 as f64,
        );
        e.single(
            "redis_slave_repl_offset",
            Type::Gauge,
            "The replication offset processed from the master.",
            m.offset as f64,
        );
    }
}

fn sentinel(e: &mut Exposition, tilt: bool, masters: &[SentinelMaster]) {
    e.single(
        "redis_sentinel_masters",
        Type::Gauge,
        "Masters this Sentinel monitors.",
        masters.len() as f64,
    );
    e.single(
        "redis_sentinel_tilt",
        Type::Gauge,
        "Whether the Sentinel is in TILT mode.",
        tilt as u8 as f64,
    );
    e.family(
        "redis_sentinel_master_status",
        Type::Gauge,
        "A master's status: 1 ok, 0 subjectively or objectively down.",
    );
    for m in masters {
        e.sample(
            "",
            &[("master_name", &m.name), ("master_address", &m.address)],
            m.ok as u8 as f64,
        );
    }
    type Count = fn(&SentinelMaster) -> usize;
    let per_master: [(&str, &str, Count); 4] = [
        (
            "redis_sentinel_master_slaves",
            "Replicas of a master.",
            |m| m.slaves,
        ),
        (
            "redis_sentinel_master_ok_slaves",
            "Replicas of a master that are reachable and not down.",
            |m| m.ok_slaves,
        ),
        (
            "redis_sentinel_master_sentinels",
            "Sentinels monitoring a master, this one included.",
            |m| m.sentinels,
        ),
        (
            "redis_sentinel_master_ok_sentinels",
            "Sentinels monitoring a master that are reachable and not down, this one included.",
            |m| m.ok_sentinels,
        ),
    ];
    for (name, help, f) in per_master {
        e.family(name, Type::Gauge, help);
        for m in masters {
            e.sample("", &[("master_name", &m.name)], f(m) as f64);
        }
    }
}

fn mailboxes(e: &mut Exposition, snaps: &[MailboxSnapshot]) {
    type Field = fn(&MailboxSnapshot) -> f64;
    let families: [(&str, Type, &str, Field); 8] = [
        (
            "redactor_mailbox_queued",
            Type::Gauge,
            "Messages waiting in an actor's mailbox.",
            |s| s.queued as f64,
        ),
        (
            "redactor_mailbox_queued_max",
            Type::Gauge,
            "The deepest the mailbox has been since the last reset.",
            |s| s.max_queued as f64,
        ),
        (
            "redactor_mailbox_oldest_wait_seconds",
            Type::Gauge,
            "How long the oldest message still queued has waited.",
            |s| s.oldest_wait_us as f64 / 1e6,
        ),
        (
            "redactor_mailbox_in_flight",
            Type::Gauge,
            "Messages being handled right now.",
            |s| s.in_flight as f64,
        ),
        (
            "redactor_mailbox_sent_total",
            Type::Counter,
            "Messages sent to the mailbox.",
            |s| s.sent as f64,
        ),
        (
            "redactor_mailbox_handled_total",
            Type::Counter,
            "Messages the actor has handled.",
            |s| s.handled as f64,
        ),
        (
            "redactor_mailbox_refused_total",
            Type::Counter,
            "Messages that could not be delivered (mailbox closed or full).",
            |s| s.refused as f64,
        ),
        (
            "redactor_mailbox_busy_seconds_total",
            Type::Counter,
            "Time spent handling messages.",
            |s| s.busy_us as f64 / 1e6,
        ),
    ];
    let labels = |s: &MailboxSnapshot| {
        [
            ("actor", kind_of(&s.name).to_string()),
            ("name", s.name.clone()),
        ]
    };
    for (name, kind, help, f) in families {
        e.family(name, kind, help);
        for s in snaps {
            let l = labels(s);
            e.sample("", &[(l[0].0, &l[0].1), (l[1].0, &l[1].1)], f(s));
        }
    }
    e.family(
        "redactor_mailbox_handling_seconds",
        Type::Summary,
        "Time to handle one message (quantiles are upper bounds of power-of-two buckets).",
    );
    for s in snaps {
        let l = labels(s);
        let (a, n) = (&l[0].1, &l[1].1);
        for (q, v) in [("0.5", s.p50_us), ("0.99", s.p99_us)] {
            e.sample("", &[("actor", a), ("name", n), ("quantile", q)], v / 1e6);
        }
        e.sample("_sum", &[("actor", a), ("name", n)], s.busy_us as f64 / 1e6);
        e.sample("_count", &[("actor", a), ("name", n)], s.handled as f64);
    }
    e.family(
        "redactor_mailbox_handling_seconds_max",
        Type::Gauge,
        "The longest handling of one message since the last reset.",
    );
    for s in snaps {
        let l = labels(s);
        e.sample("", &[("actor", &l[0].1), ("name", &l[1].1)], s.max_us / 1e6);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyspace::figures::DbFigures;
    use crate::repl::status::ReplicaInfo;

    fn lines_of<'a>(text: &'a str, family: &str) -> Vec<&'a str> {
        text.lines()
            .filter(|l| !l.starts_with('#'))
            .filter(|l| l.split(['{', ' ']).next().is_some_and(|n| n == family))
            .collect()
    }

    #[test]
    fn a_server_scrape_has_its_families() {
        let mut repl = ReplState {
            master_repl_offset: 42,
            ..Default::default()
        };
        repl.replicas.push(ReplicaInfo {
            ip: "127.0.0.1".into(),
            port: 6380,
            state: "online",
            offset: 40,
            last_ack_ms: 9_000,
            ..Default::default()
        });
        let s = Scrape {
            keyspace: Some(KeyspaceFigures {
                total_commands_processed: 7,
                dbs: vec![DbFigures {
                    index: 3,
                    keys: 5,
                    expires: 2,
                }],
                ..Default::default()
            }),
            repl: Some(repl),
            now_ms: 10_500,
            mailboxes: vec![MailboxSnapshot {
                name: "keyspace/0".into(),
                handled: 9,
                busy_us: 1500,
                p50_us: 2.048,
                ..Default::default()
            }],
            ..Default::default()
        };
        let text = render(&s);
        assert_eq!(lines_of(&text, "redis_up"), ["redis_up 1"]);
        assert_eq!(
            lines_of(&text, "redis_commands_processed_total"),
            ["redis_commands_processed_total 7"]
        );
        assert_eq!(
            lines_of(&text, "redis_db_keys"),
            ["redis_db_keys{db=\"db3\"} 5"]
        );
        assert_eq!(
            lines_of(&text, "redis_connected_slave_lag_seconds"),
            ["redis_connected_slave_lag_seconds{slave_ip=\"127.0.0.1\",slave_port=\"6380\",slave_state=\"online\"} 1"]
        );
        assert_eq!(
            lines_of(&text, "redactor_mailbox_handled_total"),
            ["redactor_mailbox_handled_total{actor=\"keyspace\",name=\"keyspace/0\"} 9"]
        );
        assert_eq!(
            lines_of(&text, "redactor_mailbox_handling_seconds"),
            [
                "redactor_mailbox_handling_seconds{actor=\"keyspace\",name=\"keyspace/0\",quantile=\"0.5\"} 0.000002048",
                "redactor_mailbox_handling_seconds{actor=\"keyspace\",name=\"keyspace/0\",quantile=\"0.99\"} 0",
            ]
        );
        assert!(lines_of(&text, "redis_master_link_up").is_empty());
        // Every family has HELP and TYPE once, and its samples right after.
        let types = text.lines().filter(|l| l.starts_with("# TYPE")).count();
        let helps = text.lines().filter(|l| l.starts_with("# HELP")).count();
        assert_eq!(types, helps);
        assert!(text.contains("role=\"master\""));
    }

    #[test]
    fn a_sentinel_scrape_reports_masters_and_no_keyspace() {
        let s = Scrape {
            sentinel_mode: true,
            sentinel: Some((
                false,
                vec![SentinelMaster {
                    name: "my\"master".into(),
                    address: "127.0.0.1:6379".into(),
                    ok: true,
                    slaves: 2,
                    ok_slaves: 1,
                    sentinels: 3,
                    ok_sentinels: 3,
                }],
            )),
            ..Default::default()
        };
        let text = render(&s);
        assert_eq!(lines_of(&text, "redis_up"), ["redis_up 1"]);
        assert_eq!(
            lines_of(&text, "redis_sentinel_master_status"),
            ["redis_sentinel_master_status{master_name=\"my\\\"master\",master_address=\"127.0.0.1:6379\"} 1"]
        );
        assert_eq!(
            lines_of(&text, "redis_sentinel_master_ok_slaves"),
            ["redis_sentinel_master_ok_slaves{master_name=\"my\\\"master\"} 1"]
        );
        assert!(lines_of(&text, "redis_commands_processed_total").is_empty());
        assert!(text.contains("role=\"sentinel\""));
    }
}
