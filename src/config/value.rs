//! A parameter's current value, and two of the three things Redis does with one: set it from
//! arguments (`interface.set`) and print it for CONFIG GET (`interface.get`). Parameters of a
//! type of their own are parsed in `special`; CONFIG REWRITE lines are made in `value_rewrite`.

use std::path::{Path, PathBuf};

use super::special::{notify_string, parse_special};
use super::table::{Directive, Kind, NumFormat, Special, MULTI_ARG};
use super::units::{format_double, parse_c_long, parse_memory, parse_strict_i64};

/// A `save <seconds> <changes>` point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SavePoint {
    pub seconds: i64,
    pub changes: i32,
}

/// One class of `client-output-buffer-limit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct OutputBufferLimit {
    pub hard: u64,
    pub soft: u64,
    pub soft_seconds: i64,
}

/// The classes of `client-output-buffer-limit`, in Redis's order, with their defaults.
pub(crate) const OBUF_CLASSES: [&str; 3] = ["normal", "slave", "pubsub"];
pub(crate) const OBUF_DEFAULTS: [OutputBufferLimit; 3] = [
    OutputBufferLimit {
        hard: 0,
        soft: 0,
        soft_seconds: 0,
    },
    OutputBufferLimit {
        hard: 256 * 1024 * 1024,
        soft: 64 * 1024 * 1024,
        soft_seconds: 60,
    },
    OutputBufferLimit {
        hard: 32 * 1024 * 1024,
        soft: 8 * 1024 * 1024,
        soft_seconds: 60,
    },
];
pub(crate) const DEFAULT_SAVE: [SavePoint; 3] = [
    SavePoint {
        seconds: 3600,
        changes: 1,
    },
    SavePoint {
        seconds: 300,
        changes: 100,
    },
    SavePoint {
        seconds: 60,
        changes: 10000,
    },
];
pub(crate) const DEFAULT_OOM_SCORE_ADJ_VALUES: [i32; 3] = [0, 200, 800];
pub(crate) const DEFAULT_BIND: [&str; 2] = ["*", "-::*"];
const DEFAULT_PERCENTILES: [f64; 3] = [50.0, 99.0, 99.9];

/// A parameter's value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    Bool(bool),
    /// `None` is "unset" for parameters where an empty string means so.
    Str(Option<Vec<u8>>),
    Enum(u32),
    /// Numbers as Redis carries them through `long long` (so `unsigned long long` values above
    /// `i64::MAX` are negative here, as in Redis).
    Num(i64),
    /// The working directory, absolute and free of symbolic links, as `getcwd` reports it.
    Dir(PathBuf),
    Save(Vec<SavePoint>),
    OutputBufferLimits([OutputBufferLimit; 3]),
    OomScoreAdjValues([i32; 3]),
    /// Keyspace notification flags, Redis's bit layout.
    Notify(u32),
    Bind(Vec<Vec<u8>>),
    /// (host, port) of the master, or `None` for a master.
    ReplicaOf(Option<(Vec<u8>, i64)>),
    Percentiles(Vec<f64>),
}

/// The directive's default. `cwd` is the directory `dir` starts as.
pub(crate) fn default_value(d: &Directive, cwd: &Path) -> Value {
    match d.kind {
        Kind::Bool { default, .. } => Value::Bool(default),
        Kind::Str { default, .. } => Value::Str(default.map(|s| s.as_bytes().to_vec())),
        Kind::Enum { default, .. } => Value::Enum(default),
        Kind::Num { default, .. } => Value::Num(default),
        Kind::Special(special) => match special {
            Special::Dir => Value::Dir(cwd.to_path_buf()),
            Special::Save => Value::Save(DEFAULT_SAVE.to_vec()),
            Special::ClientOutputBufferLimit => Value::OutputBufferLimits(OBUF_DEFAULTS),
            Special::OomScoreAdjValues => Value::OomScoreAdjValues(DEFAULT_OOM_SCORE_ADJ_VALUES),
            Special::NotifyKeyspaceEvents => Value::Notify(0),
            Special::Bind => {
                Value::Bind(DEFAULT_BIND.iter().map(|s| s.as_bytes().to_vec()).collect())
            }
            Special::ReplicaOf => Value::ReplicaOf(None),
            Special::LatencyTrackingInfoPercentiles => {
                Value::Percentiles(DEFAULT_PERCENTILES.to_vec())
            }
        },
    }
}

/// Whether a value is being read from a configuration file (which changes how `save` lines add
/// up) and, if so, whether a `save` line was already seen.
pub(crate) enum Origin<'a> {
    File { save_seen: &'a mut bool },
    ConfigSet,
}

/// `interface.set`: the new value for `args`, or Redis's reason for refusing them. `current` is
/// the value being replaced (the base for `save` lines in a file, partial
/// `client-output-buffer-limit` updates and relative `dir` paths).
pub(crate) fn parse(
    d: &Directive,
    current: &Value,
    args: &[Vec<u8>],
    origin: Origin<'_>,
) -> Result<Value, String> {
    let first = args.first().map(Vec::as_slice).unwrap_or_default();
    match d.kind {
        Kind::Bool { check, .. } => {
            let yes = match first.to_ascii_lowercase().as_slice() {
                b"yes" => true,
                b"no" => false,
                _ => return Err("argument must be 'yes' or 'no'".into()),
            };
            if let Some(check) = check {
                check(yes)?;
            }
            Ok(Value::Bool(yes))
        }
        Kind::Str {
            empty_is_null,
            check,
            ..
        } => {
            if let Some(check) = check {
                check(first)?;
            }
            Ok(Value::Str(if empty_is_null && first.is_empty() {
                None
            } else {
                Some(first.to_vec())
            }))
        }
        Kind::Enum { names, check, .. } => {
            let bitflags = d.has(MULTI_ARG);
            let value = enum_value(names, args, bitflags).ok_or_else(|| enum_error(names))?;
            if let Some(check) = check {
                check(value)?;
            }
            Ok(Value::Enum(value))
        }
        Kind::Num {
            unsigned,
            format,
            lower,
            upper,
            ..
        } => {
            let value = parse_number(format, first)?;
            check_bounds(unsigned, format, lower, upper, value)?;
            Ok(Value::Num(value))
        }
        Kind::Special(special) => parse_special(special, current, args, origin),
    }
}

fn parse_number(format: NumFormat, s: &[u8]) -> Result<i64, String> {
    if matches!(format, NumFormat::Memory | NumFormat::MemoryOrPercent) {
        if let Some(bytes) = parse_memory(s) {
            return Ok(bytes as i64);
        }
    }
    if format == NumFormat::MemoryOrPercent && s.len() > 1 && s.ends_with(b"%") {
        if let Some(percent) = parse_strict_i64(&s[..s.len() - 1]).filter(|p| *p >= 0) {
            // Redis stores a percentage as its negation.
            return Ok(-percent);
        }
    }
    if format == NumFormat::Octal {
        if let Some((value, false)) = parse_c_long(s, 8) {
            return Ok(value);
        }
    }
    if format == NumFormat::Integer {
        if let Some(value) = parse_strict_i64(s) {
            return Ok(value);
        }
    }
    Err(match format {
        NumFormat::MemoryOrPercent => "argument must be a memory or percent value",
        NumFormat::Memory => "argument must be a memory value",
        NumFormat::Octal => "argument couldn't be parsed as an octal number",
        NumFormat::Integer => "argument couldn't be parsed into an integer",
    }
    .into())
}

fn check_bounds(
    unsigned: bool,
    format: NumFormat,
    lower: i64,
    upper: i64,
    value: i64,
) -> Result<(), String> {
    if unsigned {
        let (v, lo, hi) = (value as u64, lower as u64, upper as u64);
        if v > hi || v < lo {
            return Err(if format == NumFormat::Octal {
                format!("argument must be between {lo:o} and {hi:o} inclusive")
            } else {
                format!("argument must be between {lo} and {hi} inclusive")
            });
        }
    } else if format == NumFormat::MemoryOrPercent && value < 0 {
        if value < lower {
            return Err(format!(
                "percentage argument must be less or equal to {}",
                -lower
            ));
        }
    } else if value > upper || value < lower {
        return Err(format!(
            "argument must be between {lower} and {upper} inclusive"
        ));
    }
    Ok(())
}

/// `configEnumGetValue`: one name, or for bit-flag enums several names or'ed together.
fn enum_value(names: &[(&str, u32)], args: &[Vec<u8>], bitflags: bool) -> Option<u32> {
    if args.is_empty() || (!bitflags && args.len() != 1) {
        return None;
    }
    let mut value = 0;
    for arg in args {
        let mut matched = false;
        for (name, bits) in names {
            if arg.eq_ignore_ascii_case(name.as_bytes()) {
                value |= bits;
                matched = true;
            }
        }
        if !matched {
            return None;
        }
    }
    Some(value)
}

fn enum_error(names: &[(&str, u32)]) -> String {
    let list: Vec<&str> = names.iter().map(|(name, _)| *name).collect();
    let mut text = format!(
        "argument(s) must be one of the following: {}",
        list.join(", ")
    );
    // Redis copies the message into a 256-byte buffer.
    text.truncate(255);
    text
}

/// `configEnumGetName`, including its "unknown" fallback.
pub(crate) fn enum_name(names: &[(&str, u32)], value: u32, bitflags: bool) -> String {
    let mut found: Vec<&str> = Vec::new();
    let mut unmatched = value;
    for &(name, bits) in names {
        if value == bits {
            return name.to_string();
        }
        if bitflags && bits != 0 && bits == (unmatched & bits) {
            found.push(name);
            unmatched &= !bits;
        }
    }
    if found.is_empty() || unmatched != 0 {
        "unknown".into()
    } else {
        found.join(" ")
    }
}

/// `interface.get`: the value as CONFIG GET prints it.
pub(crate) fn show(d: &Directive, value: &Value) -> Vec<u8> {
    match (d.kind, value) {
        (_, Value::Bool(b)) => {
            if *b {
                b"yes".to_vec()
            } else {
                b"no".to_vec()
            }
        }
        (_, Value::Str(s)) => s.clone().unwrap_or_default(),
        (Kind::Enum { names, .. }, Value::Enum(v)) => {
            enum_name(names, *v, d.has(MULTI_ARG)).into_bytes()
        }
        (Kind::Num { format, .. }, Value::Num(v)) => show_number(format, *v).into_bytes(),
        (_, Value::Dir(path)) => {
            use std::os::unix::ffi::OsStrExt;
            path.as_os_str().as_bytes().to_vec()
        }
        (_, Value::Save(points)) => {
            let parts: Vec<String> = points
                .iter()
                .map(|p| format!("{} {}", p.seconds, p.changes))
                .collect();
            parts.join(" ").into_bytes()
        }
        (_, Value::OutputBufferLimits(limits)) => {
            let parts: Vec<String> = OBUF_CLASSES
                .iter()
                .zip(limits)
                .map(|(class, l)| format!("{class} {} {} {}", l.hard, l.soft, l.soft_seconds))
                .collect();
            parts.join(" ").into_bytes()
        }
        (_, Value::OomScoreAdjValues(values)) => {
            let parts: Vec<String> = values.iter().map(i32::to_string).collect();
            parts.join(" ").into_bytes()
        }
        (_, Value::Notify(flags)) => notify_string(*flags).into_bytes(),
        (_, Value::Bind(addresses)) => addresses.join(&b' '),
        (_, Value::ReplicaOf(master)) => match master {
            Some((host, port)) => [host.as_slice(), format!(" {port}").as_bytes()].concat(),
            None => Vec::new(),
        },
        (_, Value::Percentiles(list)) => {
            let parts: Vec<String> = list.iter().map(|p| format_double(*p)).collect();
            parts.join(" ").into_bytes()
        }
        (_, Value::Enum(v)) => v.to_string().into_bytes(),
        (_, Value::Num(v)) => v.to_string().into_bytes(),
    }
}

fn show_number(format: NumFormat, value: i64) -> String {
    match format {
        NumFormat::MemoryOrPercent if value < 0 => format!("{}%", -value),
        NumFormat::Memory | NumFormat::MemoryOrPercent => (value as u64).to_string(),
        NumFormat::Octal => format!("{value:o}"),
        NumFormat::Integer => value.to_string(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::config::table::{lookup, DIRECTIVES};

    /// Sets `name` from its default with CONFIG SET semantics and prints the result.
    pub(crate) fn set_and_show(name: &str, values: &[&str]) -> Result<String, String> {
        let index = lookup(name.as_bytes())
            .map(|e| e.index)
            .ok_or("no such parameter")?;
        let d = &DIRECTIVES[index];
        let current = default_value(d, Path::new("/"));
        let args: Vec<Vec<u8>> = values.iter().map(|s| s.as_bytes().to_vec()).collect();
        let v = parse(d, &current, &args, Origin::ConfigSet)?;
        Ok(String::from_utf8_lossy(&show(d, &v)).into_owned())
    }

    /// Checks CONFIG SET cases: (parameter, arguments, printed value or Redis's error).
    pub(crate) fn check_cases(cases: &[(&str, &[&str], Result<&str, &str>)]) {
        for (name, values, want) in cases {
            let want = want.map(String::from).map_err(String::from);
            assert_eq!(
                set_and_show(name, values),
                want,
                "CONFIG SET {name} {values:?}"
            );
        }
    }

    #[test]
    #[rustfmt::skip]
    fn generic_types_parse_and_print_like_redis() {
        check_cases(&[
            ("daemonize", &["YES"], Ok("yes")),
            ("daemonize", &["maybe"], Err("argument must be 'yes' or 'no'")),
            ("activedefrag", &["no"], Ok("no")),
            ("port", &["abc"], Err("argument couldn't be parsed into an integer")),
            ("port", &["70000"], Err("argument must be between 0 and 65535 inclusive")),
            ("port", &["-1"], Err("argument must be between 0 and 65535 inclusive")),
            ("port", &["+5"], Err("argument couldn't be parsed into an integer")),
            ("maxmemory", &["abc"], Err("argument must be a memory value")),
            ("maxmemory", &["-1"], Err("argument must be a memory value")),
            ("maxmemory", &["3gb"], Ok("3221225472")),
            ("maxmemory", &[""], Ok("0")),
            ("maxmemory", &["18446744073709551615"], Ok("18446744073709551615")),
            ("maxclients", &["0"], Err("argument must be between 1 and 4294967295 inclusive")),
            ("set-max-intset-entries", &["-1"], Err("argument must be between 0 and 9223372036854775807 inclusive")),
            ("slowlog-max-len", &["-1"], Err("argument must be between 0 and 9223372036854775807 inclusive")),
            ("proto-max-bulk-len", &["1k"], Err("argument must be between 1048576 and 9223372036854775807 inclusive")),
            ("unixsocketperm", &["777"], Ok("777")),
            ("unixsocketperm", &["999"], Err("argument couldn't be parsed as an octal number")),
            ("unixsocketperm", &["1777"], Err("argument must be between 0 and 777 inclusive")),
            ("maxmemory-clients", &["10%"], Ok("10%")),
            ("maxmemory-clients", &["1mb"], Ok("1048576")),
            ("maxmemory-clients", &["200%"], Err("percentage argument must be less or equal to 100")),
            ("maxmemory-clients", &["-200%"], Err("argument must be a memory or percent value")),
            ("loglevel", &["loud"], Err("argument(s) must be one of the following: debug, verbose, notice, warning")),
            ("loglevel", &["WARNING"], Ok("warning")),
            ("maxmemory-policy", &["ALLKEYS-LRU"], Ok("allkeys-lru")),
            ("oom-score-adj", &["relative"], Ok("yes")),
            ("shutdown-on-sigint", &["now", "save"], Ok("save now")),
            ("shutdown-on-sigint", &["save", "nosave"], Err("shutdown options SAVE and NOSAVE can't be used simultaneously")),
            ("shutdown-on-sigint", &[], Err("argument(s) must be one of the following: default, save, nosave, now, force")),
            ("dbfilename", &["a/b"], Err("dbfilename can't be a path, just a filename")),
            ("requirepass", &[""], Ok("")),
            ("requirepass", &["a b"], Ok("a b")),
        ]);
    }

    #[test]
    #[rustfmt::skip]
    fn defaults_print_like_redis() {
        let cases: &[(&str, &str)] = &[
            ("save", "3600 1 300 100 60 10000"),
            ("client-output-buffer-limit", "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"),
            ("bind", "* -::*"),
            ("oom-score-adj-values", "0 200 800"),
            ("latency-tracking-info-percentiles", "50 99 99.9"),
            ("auto-aof-rewrite-min-size", "67108864"),
            ("proc-title-template", "{title} {listen-addr} {server-mode}"),
            ("syslog-facility", "local0"),
            ("acl-pubsub-default", "resetchannels"),
            ("shutdown-on-sigint", "default"),
            ("tls-auth-clients", "yes"),
            ("list-max-ziplist-size", "-2"),
            ("unixsocketperm", "0"),
            ("notify-keyspace-events", ""),
            ("replicaof", ""),
            ("pidfile", ""),
        ];
        for (name, want) in cases {
            let index = lookup(name.as_bytes()).map(|e| e.index).unwrap_or(usize::MAX);
            let d = &DIRECTIVES[index];
            let v = default_value(d, Path::new("/"));
            assert_eq!(String::from_utf8_lossy(&show(d, &v)), *want, "{name}");
        }
    }

    #[test]
    fn enum_names_fall_back_to_unknown() {
        let names: &[(&str, u32)] = &[
            ("default", 0),
            ("save", 1),
            ("nosave", 2),
            ("now", 4),
            ("force", 8),
        ];
        let cases = [
            (0, true, "default"),
            (1 | 4 | 8, true, "save now force"),
            (16, true, "unknown"),
            (5, false, "unknown"),
        ];
        for (value, bitflags, want) in cases {
            assert_eq!(
                enum_name(names, value, bitflags),
                want,
                "{value} {bitflags}"
            );
        }
    }
}
