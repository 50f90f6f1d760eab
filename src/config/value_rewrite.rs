//! The lines CONFIG REWRITE writes for a parameter's value (`interface.rewrite`), and whether
//! they must be written even where the old file has no line for it.

use super::rewrite::RewriteState;
use super::special::notify_string;
use super::split::repr;
use super::table::{Directive, Kind, NumFormat, MULTI_ARG};
use super::units::{format_double, format_memory};
use super::value::{
    enum_name, Value, DEFAULT_BIND, DEFAULT_OOM_SCORE_ADJ_VALUES, OBUF_CLASSES, OBUF_DEFAULTS,
};

/// `interface.rewrite`: replaces or appends the directive's lines in the rewrite state.
pub(crate) fn rewrite(d: &Directive, value: &Value, state: &mut RewriteState, sentinel: bool) {
    let name = d.name;
    match (d.kind, value) {
        (Kind::Bool { default, .. }, Value::Bool(b)) => {
            let line = format!("{name} {}", if *b { "yes" } else { "no" });
            state.rewrite_line(name, line.into_bytes(), *b != default);
        }
        (Kind::Str { default, .. }, Value::Str(s)) => match s {
            // An unset string must be absent from the file to stay unset after a restart.
            None => state.mark_processed(name),
            Some(s) => {
                let force = default.is_none_or(|def| def.as_bytes() != s.as_slice());
                state.rewrite_line(name, format!("{name} {}", repr(s)).into_bytes(), force);
            }
        },
        (Kind::Enum { names, default, .. }, Value::Enum(v)) => {
            let line = format!("{name} {}", enum_name(names, *v, d.has(MULTI_ARG)));
            state.rewrite_line(name, line.into_bytes(), *v != default);
        }
        (
            Kind::Num {
                format, default, ..
            },
            Value::Num(v),
        ) => {
            let text = match format {
                NumFormat::MemoryOrPercent if *v < 0 => format!("{}%", -v),
                NumFormat::Memory | NumFormat::MemoryOrPercent => format_memory(*v),
                NumFormat::Octal => format!("{v:o}"),
                NumFormat::Integer => v.to_string(),
            };
            state.rewrite_line(name, format!("{name} {text}").into_bytes(), *v != default);
        }
        (_, Value::Dir(path)) => {
            use std::os::unix::ffi::OsStrExt;
            let line = format!("{name} {}", repr(path.as_os_str().as_bytes()));
            state.rewrite_line(name, line.into_bytes(), true);
        }
        (_, Value::Save(points)) => {
            // Sentinel keeps no data, so its file gets no save lines.
            if !sentinel {
                if points.is_empty() {
                    state.rewrite_line(name, b"save \"\"".to_vec(), true);
                }
                for p in points {
                    state.rewrite_line(
                        name,
                        format!("save {} {}", p.seconds, p.changes).into_bytes(),
                        true,
                    );
                }
            }
            state.mark_processed(name);
        }
        (_, Value::OutputBufferLimits(limits)) => {
            for (class, (limit, default)) in limits.iter().zip(OBUF_DEFAULTS).enumerate() {
                let class_name = if class == 1 {
                    "replica"
                } else {
                    OBUF_CLASSES[class]
                };
                let line = format!(
                    "{name} {class_name} {} {} {}",
                    format_memory(limit.hard as i64),
                    format_memory(limit.soft as i64),
                    limit.soft_seconds
                );
                state.rewrite_line(name, line.into_bytes(), *limit != default);
            }
        }
        (_, Value::OomScoreAdjValues(values)) => {
            let parts: Vec<String> = values.iter().map(i32::to_string).collect();
            let line = format!("{name} {}", parts.join(" "));
            state.rewrite_line(
                name,
                line.into_bytes(),
                *values != DEFAULT_OOM_SCORE_ADJ_VALUES,
            );
        }
        (_, Value::Notify(flags)) => {
            let line = format!("{name} {}", repr(notify_string(*flags).as_bytes()));
            state.rewrite_line(name, line.into_bytes(), *flags != 0);
        }
        (_, Value::Bind(addresses)) => {
            if addresses
                .iter()
                .map(Vec::as_slice)
                .eq(DEFAULT_BIND.iter().map(|s| s.as_bytes()))
            {
                state.mark_processed(name);
            } else {
                let joined = if addresses.is_empty() {
                    b"\"\"".to_vec()
                } else {
                    addresses.join(&b' ')
                };
                state.rewrite_line(
                    name,
                    [format!("{name} ").as_bytes(), &joined].concat(),
                    true,
                );
            }
        }
        (_, Value::ReplicaOf(master)) => match master {
            None => state.mark_processed(name),
            Some((host, port)) => {
                let line = [
                    format!("{name} ").as_bytes(),
                    host,
                    format!(" {port}").as_bytes(),
                ]
                .concat();
                state.rewrite_line(name, line, true);
            }
        },
        (_, Value::Percentiles(list)) => {
            let line = if list.is_empty() {
                format!("{name} \"\"")
            } else {
                let parts: Vec<String> = list.iter().map(|p| format_double(*p)).collect();
                format!("{name} {}", parts.join(" "))
            };
            state.rewrite_line(name, line.into_bytes(), true);
        }
        // A value of another directive's type cannot be stored here; leave the file's lines alone.
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::table::{lookup, DIRECTIVES};
    use crate::config::value::default_value;

    /// What a fresh file gets for `name` = `values` (CONFIG SET syntax).
    fn appended(name: &str, values: &[&str]) -> String {
        let index = lookup(name.as_bytes())
            .map(|e| e.index)
            .unwrap_or(usize::MAX);
        let d = &DIRECTIVES[index];
        let args: Vec<Vec<u8>> = values.iter().map(|s| s.as_bytes().to_vec()).collect();
        let current = default_value(d, std::path::Path::new("/"));
        let value = if values.is_empty() {
            current
        } else {
            crate::config::value::parse(d, &current, &args, crate::config::value::Origin::ConfigSet)
                .unwrap_or_else(|e| panic!("{e}"))
        };
        let mut state = RewriteState::from_old_text(b"", false);
        rewrite(d, &value, &mut state, false);
        let text = String::from_utf8_lossy(&state.content()).into_owned();
        text.strip_prefix("# Generated by CONFIG REWRITE\n")
            .unwrap_or(&text)
            .to_string()
    }

    #[test]
    #[rustfmt::skip]
    fn appended_lines_match_redis() {
        let cases: &[(&str, &[&str], &str)] = &[
            ("maxmemory", &[], ""),
            ("maxmemory", &["3gb"], "maxmemory 3gb\n"),
            ("stream-node-max-bytes", &["8192"], "stream-node-max-bytes 8kb\n"),
            ("maxmemory-clients", &["10%"], "maxmemory-clients 10%\n"),
            ("unixsocketperm", &["700"], "unixsocketperm 700\n"),
            ("lua-time-limit", &["42"], "busy-reply-threshold 42\n"),
            ("slave-read-only", &["no"], "replica-read-only no\n"),
            ("loglevel", &["warning"], "loglevel warning\n"),
            ("shutdown-on-sigterm", &["save", "now"], "shutdown-on-sigterm save now\n"),
            ("requirepass", &["a b\"c"], "requirepass \"a b\\\"c\"\n"),
            ("requirepass", &[], ""),
            ("logfile", &[""], ""),
            ("notify-keyspace-events", &["KEA"], "notify-keyspace-events \"AKE\"\n"),
            ("save", &[], "save 3600 1\nsave 300 100\nsave 60 10000\n"),
            ("save", &[""], "save \"\"\n"),
            ("client-output-buffer-limit", &["pubsub", "1gb", "0", "0"], "client-output-buffer-limit pubsub 1gb 0 0\n"),
            ("oom-score-adj-values", &["1", "2", "3"], "oom-score-adj-values 1 2 3\n"),
            ("bind", &[], ""),
            ("bind", &["127.0.0.1", "-::1"], "bind 127.0.0.1 -::1\n"),
            ("bind", &[""], "bind \"\"\n"),
            ("slaveof", &[], ""),
            ("slaveof", &["10.0.0.1", "6380"], "replicaof 10.0.0.1 6380\n"),
            ("latency-tracking-info-percentiles", &[], "latency-tracking-info-percentiles 50 99 99.9\n"),
            ("latency-tracking-info-percentiles", &[""], "latency-tracking-info-percentiles \"\"\n"),
            ("dir", &[], "dir \"/\"\n"),
        ];
        for (name, values, want) in cases {
            assert_eq!(appended(name, values), *want, "{name} {values:?}");
        }
    }
}
