//! LATENCY LATEST | HISTORY event | RESET [event ...] | DOCTOR | GRAPH event |
//! HISTOGRAM [command ...] | HELP
//!
//! The latency monitor (events over `latency-monitor-threshold` ms: `command` and
//! `fast-command`, recorded in `call()`) and the per-command latency histograms
//! (`latency-tracking`).

use crate::cmd::connection::client::write_help;
use crate::cmd::flags::*;
use crate::cmd::table::{container, spec, NO_KEYS};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::trace::LatencySeries;

const F: u32 = ADMIN | NOSCRIPT | LOADING | STALE;

pub const SPEC: CommandSpec = container(
    "latency",
    0,
    "server",
    "2.8.13",
    "A container for latency diagnostics commands",
    &[
        spec(
            "doctor",
            2,
            F,
            NO_KEYS,
            "server",
            "2.8.13",
            "Return a human readable latency analysis report.",
            doctor,
        ),
        spec(
            "graph",
            3,
            F,
            NO_KEYS,
            "server",
            "2.8.13",
            "Return a latency graph for the event.",
            graph,
        ),
        spec(
            "help",
            2,
            LOADING | STALE,
            NO_KEYS,
            "server",
            "2.8.13",
            "Show helpful text about the different subcommands.",
            help,
        ),
        spec(
            "histogram",
            -2,
            F,
            NO_KEYS,
            "server",
            "7.0.0",
            "Return the cumulative distribution of latencies of a subset of commands or all.",
            histogram,
        ),
        spec(
            "history",
            3,
            F,
            NO_KEYS,
            "server",
            "2.8.13",
            "Return timestamp-latency samples for the event.",
            history,
        ),
        spec(
            "latest",
            2,
            F,
            NO_KEYS,
            "server",
            "2.8.13",
            "Return the latest latency samples for all events.",
            latest,
        ),
        spec(
            "reset",
            -2,
            F,
            NO_KEYS,
            "server",
            "2.8.13",
            "Reset latency data for one or more events.",
            reset,
        ),
    ],
);

fn latest(ex: &mut Exec, _: Args) -> Result<(), CmdError> {
    ex.out.array(ex.ks.latency.events.len());
    for (event, ts) in &ex.ks.latency.events {
        let last = ts.last();
        ex.out.array(4);
        ex.out.bulk(event.as_bytes());
        ex.out.int(last.time as i64);
        ex.out.int(last.latency_ms as i64);
        ex.out.int(ts.max as i64);
    }
    Ok(())
}

fn history(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    let event = String::from_utf8_lossy(&args.rest()[0]);
    let Some(ts) = ex.ks.latency.events.get(&*event) else {
        ex.out.array(0);
        return Ok(());
    };
    let samples: Vec<_> = ts.in_order().collect();
    ex.out.array(samples.len());
    for s in samples {
        ex.out.array(2);
        ex.out.int(s.time as i64);
        ex.out.int(s.latency_ms as i64);
    }
    Ok(())
}

fn reset(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    let n = if args.rest().is_empty() {
        ex.ks.latency.reset(None)
    } else {
        args.rest()
            .iter()
            .map(|e| ex.ks.latency.reset(Some(&String::from_utf8_lossy(e))))
            .sum()
    };
    ex.out.int(n as i64);
    Ok(())
}

fn graph(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    let event = String::from_utf8_lossy(&args.rest()[0]).into_owned();
    let Some(ts) = ex.ks.latency.events.get(&event) else {
        return Err(CmdError::other(format!(
            "ERR No samples available for event '{event}'"
        )));
    };
    let text = sparkline_graph(&event, ts, crate::server::unix_ms() / 1000);
    ex.out.verbatim("txt", text.as_bytes());
    Ok(())
}

/// Redis's `latencyCommandGenSparkeline`: a header, 80 dashes, and the samples as a filled
/// 4-row sparkline labelled with how long ago each was taken.
fn sparkline_graph(event: &str, ts: &LatencySeries, now_s: u64) -> String {
    let mut seq: Vec<(f64, String)> = Vec::new();
    let (mut min, mut max) = (0u64, 0u64);
    for s in ts.in_order() {
        if seq.is_empty() {
            min = s.latency_ms;
            max = s.latency_ms;
        } else {
            max = max.max(s.latency_ms);
            min = min.min(s.latency_ms);
        }
        let elapsed = now_s as i64 - s.time as i64;
        let label = if elapsed < 60 {
            format!("{elapsed}s")
        } else if elapsed < 3600 {
            format!("{}m", elapsed / 60)
        } else if elapsed < 86400 {
            format!("{}h", elapsed / 3600)
        } else {
            format!("{}d", elapsed / 86400)
        };
        seq.push((s.latency_ms as f64, label));
    }
    let mut out = format!(
        "{event} - high {max} ms, low {min} ms (all time high {} ms)\n",
        ts.max
    );
    out.push_str(&"-".repeat(80));
    out.push('\n');
    out.push_str(&sparkline(&seq, 80, 4));
    out
}

/// Redis's `sparklineRender` with SPARKLINE_FILL (every sample labelled).
fn sparkline(seq: &[(f64, String)], columns: usize, rows: usize) -> String {
    const FILL: &[u8] = b"_o#";
    let mut out = String::new();
    if seq.is_empty() {
        return out;
    }
    let smin = seq.iter().map(|s| s.0).fold(f64::INFINITY, f64::min);
    let smax = seq.iter().map(|s| s.0).fold(f64::NEG_INFINITY, f64::max);
    let mut relmax = smax - smin;
    if relmax == 0.0 {
        relmax = 1.0;
    }
    let steps = (FILL.len() * rows) as i64;
    for (chunk_no, chunk) in seq.chunks(columns).enumerate() {
        if chunk_no != 0 {
            out.push('\n');
        }
        let mut row = 0usize;
        loop {
            let mut again = false;
            let mut chars = vec![b' '; chunk.len()];
            for (j, (value, label)) in chunk.iter().enumerate() {
                let relval = value - smin;
                let mut step = (((relval * steps as f64) as i64) as f64 / relmax) as i64;
                step = step.clamp(0, steps - 1);
                if row < rows {
                    let charidx = step - ((rows - row - 1) * FILL.len()) as i64;
                    again = true;
                    if charidx >= 0 && (charidx as usize) < FILL.len() {
                        chars[j] = FILL[charidx as usize];
                    } else if charidx >= FILL.len() as i64 {
                        chars[j] = b'|';
                    }
                } else {
                    // One blank line between the graph and the labels.
                    if row - rows < 1 {
                        again = true;
                        break;
                    }
                    let label_char = row - rows - 1;
                    if label.len() > label_char {
                        again = true;
                        chars[j] = label.as_bytes()[label_char];
                    }
                }
            }
            if !again {
                break;
            }
            row += 1;
            out.push_str(&String::from_utf8_lossy(&chars));
            out.push('\n');
        }
    }
    out
}

fn doctor(ex: &mut Exec, _: Args) -> Result<(), CmdError> {
    let text = report(ex);
    ex.out.verbatim("txt", text.as_bytes());
    Ok(())
}

/// Redis's `createLatencyReport`, for the events Redactor records.
fn report(ex: &Exec) -> String {
    let cfg = &ex.ks.trace_cfg;
    let events = &ex.ks.latency.events;
    if events.is_empty() && cfg.latency_threshold_ms == 0 {
        return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n".into();
    }
    let now_s = crate::server::unix_ms() / 1000;
    let mut out = String::new();
    let (mut slowlog_enabled, mut slowlog_tuning, mut slowlog_inspect) = (false, false, false);
    let (mut scheduler, mut large_objects) = (false, false);
    let mut advices = 0;
    for (n, (event, ts)) in events.iter().enumerate() {
        if n == 0 {
            out.push_str("Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n");
        }
        let samples: Vec<_> = ts.samples.iter().filter(|s| s.time != 0).collect();
        let count = samples.len() as u64;
        let (mut avg, mut mad, mut period) = (0u64, 0u64, 0u64);
        if let Some(a) = samples
            .iter()
            .map(|s| s.latency_ms)
            .sum::<u64>()
            .checked_div(count)
        {
            avg = a;
            let oldest = samples.iter().map(|s| s.time).min().unwrap_or(0);
            period = now_s.saturating_sub(oldest).max(1);
            mad = samples
                .iter()
                .map(|s| (avg as i64 - s.latency_ms as i64).unsigned_abs())
                .sum::<u64>()
                / count;
        }
        out.push_str(&format!(
            "{}. {}: {} latency spikes (average {}ms, mean deviation {}ms, period {:.2} sec). Worst all time event {}ms.",
            n + 1,
            event,
            count,
            avg,
            mad,
            period as f64 / count as f64,
            ts.max
        ));
        if event == "command" {
            if cfg.slowlog_slower_than < 0 {
                slowlog_enabled = true;
                advices += 1;
            } else if (cfg.slowlog_slower_than / 1000) as u64 > cfg.latency_threshold_ms {
                slowlog_tuning = true;
                advices += 1;
            }
            slowlog_inspect = true;
            large_objects = true;
            advices += 2;
        }
        if event == "fast-command" {
            scheduler = true;
            advices += 1;
        }
        out.push('\n');
    }
    let thp = anon_huge_pages() > 0;
    if thp {
        advices += 1;
    }
    if events.is_empty() && advices == 0 {
        out.push_str("Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n");
        return out;
    }
    if !events.is_empty() && advices == 0 {
        out.push_str("\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please use the Redis community to get some help, providing this report in your help request.\n");
        return out;
    }
    let threshold_us = cfg.latency_threshold_ms * 1000;
    out.push_str("\nI have a few advices for you:\n\n");
    if slowlog_enabled {
        out.push_str(&format!("- There are latency issues with potentially slow commands you are using. Try to enable the Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than {threshold_us}'. If the Slow log is disabled Redis is not able to log slow commands execution for you.\n"));
    }
    if slowlog_tuning {
        out.push_str(&format!("- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than {threshold_us}'.\n"));
    }
    if slowlog_inspect {
        out.push_str("- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n");
    }
    if scheduler {
        out.push_str("- The system is slow to execute Redis code paths not containing system calls. This usually means the system does not provide Redis CPU time to run for long periods. You should try to:\n  1) Lower the system load.\n  2) Use a computer / VM just for Redis if you are running other software in the same system.\n  3) Check if you have a \"noisy neighbour\" problem.\n  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your system.\n  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if you are using Jemalloc. However this may create fragmentation problems.\n");
    }
    if large_objects {
        out.push_str("- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n");
    }
    if thp {
        out.push_str("- I detected a non zero amount of anonymous huge pages used by your process. This creates very serious latency events in different conditions, especially when Redis is persisting on disk. To disable THP support use the command 'echo never > /sys/kernel/mm/transparent_hugepage/enabled', make sure to also add it into /etc/rc.local so that the command will be executed again after a reboot. Note that even if you have already disabled THP, you still need to restart the Redis process to get rid of the huge pages already created.\n");
    }
    out
}

/// Redis's `THPGetAnonHugePagesSize`: the process's AnonHugePages, in bytes.
fn anon_huge_pages() -> u64 {
    let text = std::fs::read_to_string("/proc/self/smaps_rollup").unwrap_or_default();
    text.lines()
        .filter_map(|l| l.strip_prefix("AnonHugePages:"))
        .filter_map(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .sum::<u64>()
        * 1024
}

fn histogram(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    let ids: Vec<usize> = if args.rest().is_empty() {
        ex.table.stat_names().map(|(id, _)| id).collect()
    } else {
        args.rest()
            .iter()
            .flat_map(|name| ex.table.ids_by_full_name(name))
            .collect()
    };
    let with_data: Vec<(usize, &crate::cmdstats::Histogram)> = ids
        .into_iter()
        .filter_map(|id| {
            let h = ex.ks.stats.commands.get(id)?.latency.as_deref()?;
            Some((id, h))
        })
        .collect();
    ex.out.map(with_data.len());
    for (id, h) in with_data {
        ex.out.bulk(ex.table.name_of(id).to_string().as_bytes());
        ex.out.map(2);
        ex.out.bulk(b"calls");
        ex.out.int(h.total() as i64);
        ex.out.bulk(b"histogram_usec");
        let rows = h.cdf();
        ex.out.map(rows.len());
        for (us, n) in rows {
            ex.out.int(us);
            ex.out.int(n as i64);
        }
    }
    Ok(())
}

fn help(ex: &mut Exec, _: Args) -> Result<(), CmdError> {
    write_help(
        ex,
        &[
            "LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "DOCTOR",
            "    Return a human readable latency analysis report.",
            "GRAPH <event>",
            "    Return an ASCII latency graph for the <event> class.",
            "HISTORY <event>",
            "    Return time-latency samples for the <event> class.",
            "LATEST",
            "    Return the latest latency samples for all events.",
            "RESET [<event> ...]",
            "    Reset latency data of one or more <event> classes.",
            "    (default: reset all data for all event classes)",
            "HISTOGRAM [COMMAND ...]",
            "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
            "    If no commands are specified then all histograms are replied.",
            "HELP",
            "    Prints this help.",
        ],
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparkline_like_redis() {
        let mut ts = LatencySeries::default();
        ts.samples[0] = crate::trace::LatencySample {
            time: 100,
            latency_ms: 10,
        };
        ts.samples[1] = crate::trace::LatencySample {
            time: 101,
            latency_ms: 20,
        };
        ts.idx = 2;
        ts.max = 20;
        let g = sparkline_graph("command", &ts, 105);
        let lines: Vec<&str> = g.split('\n').collect();
        assert_eq!(
            lines[0],
            "command - high 20 ms, low 10 ms (all time high 20 ms)"
        );
        assert_eq!(lines[1], "-".repeat(80));
        // Rows top to bottom: the highest sample reaches the top row.
        assert_eq!(&lines[2..6], &[" #", " |", " |", "_|"]);
        assert_eq!(lines[6], "  ");
        assert_eq!(&lines[7..9], &["54", "ss"]);
    }
}
