//! Parameters with a syntax of their own (`dir`, `save`, `client-output-buffer-limit`,
//! `oom-score-adj-values`, `notify-keyspace-events`, `bind`, `replicaof`,
//! `latency-tracking-info-percentiles`), parsed as Redis's special setters parse them.

use std::path::{Path, PathBuf};

use super::error::strerror;
use super::table::Special;
use super::units::{parse_c_long, parse_double, parse_memory};
use super::value::{Origin, OutputBufferLimit, SavePoint, Value};

/// CONFIG_BINDADDR_MAX.
const MAX_BIND_ADDRESSES: usize = 16;

pub(crate) fn parse_special(
    special: Special,
    current: &Value,
    args: &[Vec<u8>],
    origin: Origin<'_>,
) -> Result<Value, String> {
    match special {
        Special::Dir => {
            let Value::Dir(base) = current else {
                return Err("dir has no current value".into());
            };
            if args.len() != 1 {
                return Err("wrong number of arguments".into());
            }
            resolve_dir(base, &args[0]).map(Value::Dir)
        }
        Special::Save => parse_save(current, args, origin),
        Special::ClientOutputBufferLimit => {
            let Value::OutputBufferLimits(limits) = current else {
                return Err("no current limits".into());
            };
            parse_output_buffer_limits(*limits, args).map(Value::OutputBufferLimits)
        }
        Special::OomScoreAdjValues => {
            if args.len() != 3 {
                return Err("wrong number of arguments".into());
            }
            let mut values = [0i32; 3];
            for (slot, arg) in values.iter_mut().zip(args) {
                match parse_c_long(arg, 10) {
                    Some((v, _)) if (-2000..=2000).contains(&v) => *slot = v as i32,
                    _ => return Err(
                        "Invalid oom-score-adj-values, elements must be between -2000 and 2000."
                            .into(),
                    ),
                }
            }
            Ok(Value::OomScoreAdjValues(values))
        }
        Special::NotifyKeyspaceEvents => {
            if args.len() != 1 {
                return Err("wrong number of arguments".into());
            }
            notify_flags(&args[0])
                .map(Value::Notify)
                .ok_or_else(|| "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.".into())
        }
        Special::Bind => {
            if args.len() > MAX_BIND_ADDRESSES {
                return Err("Too many bind addresses specified.".into());
            }
            if args.len() == 1 && args[0].is_empty() {
                return Ok(Value::Bind(Vec::new()));
            }
            Ok(Value::Bind(args.to_vec()))
        }
        Special::ReplicaOf => {
            if args.len() != 2 {
                return Err("wrong number of arguments".into());
            }
            if args[0].eq_ignore_ascii_case(b"no") && args[1].eq_ignore_ascii_case(b"one") {
                return Ok(Value::ReplicaOf(None));
            }
            match parse_c_long(&args[1], 10) {
                Some((port, _)) if (0..=65535).contains(&port) => {
                    Ok(Value::ReplicaOf(Some((args[0].clone(), port))))
                }
                _ => Err("Invalid master port".into()),
            }
        }
        Special::LatencyTrackingInfoPercentiles => {
            if args.len() == 1 && args[0].is_empty() {
                return Ok(Value::Percentiles(Vec::new()));
            }
            let mut percentiles = Vec::with_capacity(args.len());
            for arg in args {
                let p = parse_double(arg)
                    .ok_or("Invalid latency-tracking-info-percentiles parameters")?;
                if !(0.0..=100.0).contains(&p) {
                    return Err("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]".into());
                }
                percentiles.push(p);
            }
            Ok(Value::Percentiles(percentiles))
        }
    }
}

/// Resolves `dir` the way `chdir` would from `base`, and reports `chdir`'s error if it would fail.
pub(crate) fn resolve_dir(base: &Path, arg: &[u8]) -> Result<PathBuf, String> {
    use std::os::unix::ffi::OsStrExt;
    if arg.is_empty() {
        return Err(strerror(&std::io::Error::from_raw_os_error(libc::ENOENT)));
    }
    let target = base.join(std::ffi::OsStr::from_bytes(arg));
    let resolved = std::fs::canonicalize(&target).map_err(|e| strerror(&e))?;
    let meta = std::fs::metadata(&resolved).map_err(|e| strerror(&e))?;
    if !meta.is_dir() {
        return Err(strerror(&std::io::Error::from_raw_os_error(libc::ENOTDIR)));
    }
    let c_path = std::ffi::CString::new(resolved.as_os_str().as_bytes())
        .map_err(|_| strerror(&std::io::Error::from_raw_os_error(libc::ENOENT)))?;
    // SAFETY: `c_path` is a valid NUL-terminated string that outlives the call.
    if unsafe { libc::access(c_path.as_ptr(), libc::X_OK) } != 0 {
        return Err(strerror(&std::io::Error::last_os_error()));
    }
    Ok(resolved)
}

fn parse_save(current: &Value, args: &[Vec<u8>], origin: Origin<'_>) -> Result<Value, String> {
    const INVALID: &str = "Invalid save parameters";
    let mut points = match current {
        Value::Save(points) => points.clone(),
        _ => Vec::new(),
    };
    let mut args = args;
    // A single empty argument means "no save points" and clears them at once.
    if args.len() == 1 && args[0].is_empty() {
        points.clear();
        args = &[];
    }
    if !args.len().is_multiple_of(2) {
        return Err(INVALID.into());
    }
    let mut parsed = Vec::with_capacity(args.len());
    for (j, arg) in args.iter().enumerate() {
        let (value, _) = parse_c_long(arg, 10).ok_or(INVALID)?;
        if (j % 2 == 0 && value < 1) || (j % 2 == 1 && value < 0) {
            return Err(INVALID.into());
        }
        parsed.push(value);
    }
    match origin {
        // The file's first `save` line replaces the defaults; later lines add to it.
        Origin::File { save_seen } => {
            if !*save_seen {
                *save_seen = true;
                points.clear();
            }
        }
        Origin::ConfigSet => points.clear(),
    }
    // Redis keeps `changes` in a C int, truncating larger numbers.
    points.extend(parsed.chunks(2).map(|pair| SavePoint {
        seconds: pair[0],
        changes: pair[1] as i32,
    }));
    Ok(Value::Save(points))
}

fn parse_output_buffer_limits(
    mut limits: [OutputBufferLimit; 3],
    args: &[Vec<u8>],
) -> Result<[OutputBufferLimit; 3], String> {
    if !args.len().is_multiple_of(4) {
        return Err("Wrong number of arguments in buffer limit configuration.".into());
    }
    let mut updates = Vec::new();
    for group in args.chunks(4) {
        let class = match group[0].to_ascii_lowercase().as_slice() {
            b"normal" => 0,
            b"slave" | b"replica" => 1,
            b"pubsub" => 2,
            _ => {
                return Err("Invalid client class specified in buffer limit configuration.".into())
            }
        };
        let hard = parse_memory(&group[1]);
        let soft = parse_memory(&group[2]);
        // Redis parses the seconds into a C int, so larger numbers wrap before the sign check.
        let seconds = parse_c_long(&group[3], 10).map(|(v, _)| v as i32);
        match (hard, soft, seconds) {
            (Some(hard), Some(soft), Some(seconds)) if seconds >= 0 => {
                updates.push((
                    class,
                    OutputBufferLimit {
                        hard,
                        soft,
                        soft_seconds: i64::from(seconds),
                    },
                ));
            }
            _ => {
                return Err(
                    "Error in hard, soft or soft_seconds setting in buffer limit configuration."
                        .into(),
                );
            }
        }
    }
    for (class, limit) in updates {
        limits[class] = limit;
    }
    Ok(limits)
}

const NOTIFY_KEYSPACE: u32 = 1 << 0;
const NOTIFY_KEYEVENT: u32 = 1 << 1;
const NOTIFY_KEY_MISS: u32 = 1 << 11;
/// The type classes in the order Redis prints them, with their letters.
const NOTIFY_CLASSES: [(u32, char); 11] = [
    (1 << 2, 'g'),
    (1 << 3, '$'),
    (1 << 4, 'l'),
    (1 << 5, 's'),
    (1 << 6, 'h'),
    (1 << 7, 'z'),
    (1 << 8, 'x'),
    (1 << 9, 'e'),
    (1 << 10, 't'),
    (1 << 13, 'd'),
    (1 << 14, 'n'),
];
/// `A`: every class except key-miss and new-key events.
const NOTIFY_ALL: u32 = (1 << 2)
    | (1 << 3)
    | (1 << 4)
    | (1 << 5)
    | (1 << 6)
    | (1 << 7)
    | (1 << 8)
    | (1 << 9)
    | (1 << 10)
    | (1 << 13);

/// `keyspaceEventsStringToFlags`.
pub(crate) fn notify_flags(classes: &[u8]) -> Option<u32> {
    let mut flags = 0;
    for &c in classes {
        flags |= match c {
            b'A' => NOTIFY_ALL,
            b'K' => NOTIFY_KEYSPACE,
            b'E' => NOTIFY_KEYEVENT,
            b'm' => NOTIFY_KEY_MISS,
            _ => {
                NOTIFY_CLASSES
                    .iter()
                    .find(|(_, letter)| *letter as u8 == c)?
                    .0
            }
        };
    }
    Some(flags)
}

/// `keyspaceEventsFlagsToString`.
pub(crate) fn notify_string(flags: u32) -> String {
    let mut out = String::new();
    if flags & NOTIFY_ALL == NOTIFY_ALL {
        out.push('A');
    } else {
        out.extend(
            NOTIFY_CLASSES
                .iter()
                .filter(|(bit, _)| flags & bit != 0)
                .map(|(_, c)| *c),
        );
    }
    for (bit, c) in [
        (NOTIFY_KEYSPACE, 'K'),
        (NOTIFY_KEYEVENT, 'E'),
        (NOTIFY_KEY_MISS, 'm'),
    ] {
        if flags & bit != 0 {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::value::tests::check_cases;

    #[test]
    #[rustfmt::skip]
    fn special_parameters_parse_and_print_like_redis() {
        check_cases(&[
            ("save", &["100", "2", "200", "3"], Ok("100 2 200 3")),
            ("save", &[""], Ok("")),
            ("save", &[], Ok("")),
            ("save", &["x"], Err("Invalid save parameters")),
            ("save", &["900", "1", "300"], Err("Invalid save parameters")),
            ("save", &["0", "1"], Err("Invalid save parameters")),
            ("save", &["100", "", "2"], Err("Invalid save parameters")),
            ("save", &["900", "4294967297"], Ok("900 1")),
            ("client-output-buffer-limit", &["slave", "1mb", "2mb", "3", "pubsub", "0", "0", "0"],
                Ok("normal 0 0 0 slave 1048576 2097152 3 pubsub 0 0 0")),
            ("client-output-buffer-limit", &["replica", "1k", "2", "-1"],
                Err("Error in hard, soft or soft_seconds setting in buffer limit configuration.")),
            ("client-output-buffer-limit", &["master", "1mb", "2mb", "3"],
                Err("Invalid client class specified in buffer limit configuration.")),
            ("client-output-buffer-limit", &["normal", "1", "2"],
                Err("Wrong number of arguments in buffer limit configuration.")),
            ("oom-score-adj-values", &["1", "2", "3"], Ok("1 2 3")),
            ("oom-score-adj-values", &["1", "2"], Err("wrong number of arguments")),
            ("oom-score-adj-values", &["1", "2", "3000"],
                Err("Invalid oom-score-adj-values, elements must be between -2000 and 2000.")),
            ("notify-keyspace-events", &["KEA"], Ok("AKE")),
            ("notify-keyspace-events", &["Ex"], Ok("xE")),
            ("notify-keyspace-events", &["Q"], Err("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.")),
            ("bind", &["127.0.0.1", "::1"], Ok("127.0.0.1 ::1")),
            ("bind", &[""], Ok("")),
            ("bind", &["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17"],
                Err("Too many bind addresses specified.")),
            ("replicaof", &["1.2.3.4", "6379"], Ok("1.2.3.4 6379")),
            ("replicaof", &["NO", "ONE"], Ok("")),
            ("replicaof", &["1.2.3.4", "x"], Err("Invalid master port")),
            ("replicaof", &["1.2.3.4"], Err("wrong number of arguments")),
            ("latency-tracking-info-percentiles", &["50", "99.99"], Ok("50 99.99")),
            ("latency-tracking-info-percentiles", &[""], Ok("")),
            ("latency-tracking-info-percentiles", &["101"],
                Err("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]")),
            ("latency-tracking-info-percentiles", &["x"], Err("Invalid latency-tracking-info-percentiles parameters")),
            ("dir", &["/nonexistent-redactor-dir"], Err("No such file or directory")),
            ("dir", &["/etc/passwd"], Err("Not a directory")),
            ("dir", &[""], Err("No such file or directory")),
            ("dir", &["/"], Ok("/")),
        ]);
    }

    #[test]
    fn relative_dir_starts_at_the_current_one() {
        let tmp = std::fs::canonicalize(std::env::temp_dir()).unwrap_or_default();
        let name = tmp
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let parent = tmp.parent().map(Path::to_path_buf).unwrap_or_default();
        assert_eq!(resolve_dir(&parent, name.as_bytes()), Ok(tmp.clone()));
        assert_eq!(resolve_dir(&tmp, b".."), Ok(parent));
    }

    #[test]
    fn file_save_lines_replace_defaults_once_then_add_up() {
        let current = Value::Save(crate::config::value::DEFAULT_SAVE.to_vec());
        let mut seen = false;
        let mut v = current;
        for line in [["900", "1"], ["300", "10"], ["60", "10000"]] {
            let args: Vec<Vec<u8>> = line.iter().map(|s| s.as_bytes().to_vec()).collect();
            v = parse_save(
                &v,
                &args,
                Origin::File {
                    save_seen: &mut seen,
                },
            )
            .unwrap_or_else(|e| panic!("{e}"));
        }
        let points = |v: &Value| match v {
            Value::Save(p) => p.iter().map(|p| (p.seconds, p.changes)).collect::<Vec<_>>(),
            _ => Vec::new(),
        };
        assert_eq!(points(&v), vec![(900, 1), (300, 10), (60, 10000)]);
        let v = parse_save(
            &v,
            &[Vec::new()],
            Origin::File {
                save_seen: &mut seen,
            },
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(points(&v), vec![]);
    }

    #[test]
    fn notify_flags_round_trip() {
        let cases: &[(&str, &str)] = &[
            ("", ""),
            ("KEA", "AKE"),
            ("g$lshzxetd", "A"),
            ("Km", "Km"),
            ("nE", "nE"),
            ("mEKA", "AKEm"),
            ("Exg", "gxE"),
        ];
        for (input, canonical) in cases {
            let flags = notify_flags(input.as_bytes()).unwrap_or(u32::MAX);
            assert_eq!(notify_string(flags), *canonical, "{input}");
        }
        assert_eq!(notify_flags(b"Q"), None);
    }
}
