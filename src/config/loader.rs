//! Reading configuration text as `loadServerConfigFromString` does: line by line, later lines
//! overriding earlier ones, `include` read in place, `sentinel` lines kept for the Sentinel, and
//! the first problem reported as Redis reports it.

use std::path::{Path, PathBuf};

use super::acl::{self, UserLine};
use super::error::{strerror, ConfigError, Location};
use super::split::{lower, split_args, trim};
use super::table::{self, lookup, DIRECTIVES, MULTI_ARG};
use super::value::{self, Origin, Value};

/// A `sentinel ...` line, kept for the Sentinel to interpret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentinelDirective {
    /// 1-based line number in the text it came from.
    pub line: usize,
    /// The whole line, trimmed, for error messages.
    pub text: String,
    /// The arguments after `sentinel`, e.g. `["monitor", "mymaster", "127.0.0.5", "6379", "2"]`.
    pub args: Vec<String>,
}

/// Directives Redis 7.0 still accepts but ignores (with exactly one value).
const DEPRECATED: [&str; 3] = [
    "list-max-ziplist-entries",
    "list-max-ziplist-value",
    "lua-replicate-commands",
];

/// Includes deeper than this must be a cycle; Redis would recurse until it crashes.
const MAX_INCLUDE_DEPTH: usize = 32;

/// The outcome of reading the configuration.
#[derive(Debug)]
pub(crate) struct Loaded {
    pub values: Vec<Value>,
    pub sentinel_lines: Vec<SentinelDirective>,
    pub users: Vec<UserLine>,
    pub default_password: Option<Vec<u8>>,
}

/// Configuration being read.
pub(crate) struct Loader {
    values: Vec<Value>,
    sentinel: bool,
    /// Redis's `reading_config_file`; cleared when any text (even an included file) ends, so that
    /// `save` lines after an `include` replace instead of adding up, as in Redis.
    reading_file: bool,
    /// Whether a `save` line has replaced the default save points yet (a C static in Redis).
    save_seen: bool,
    sentinel_lines: Vec<SentinelDirective>,
    users: Vec<UserLine>,
    module_params: bool,
    depth: usize,
}

fn index(name: &str) -> usize {
    table::index_of(name)
}

impl Loader {
    /// Starts from the defaults; `cwd` is where relative paths (`dir`, `include`, `logfile`) start.
    /// In Sentinel mode the port defaults to 26379 and protected mode is off, as in Redis.
    pub(crate) fn new(sentinel: bool, cwd: &Path) -> Self {
        let mut values: Vec<Value> = DIRECTIVES
            .iter()
            .map(|d| value::default_value(d, cwd))
            .collect();
        if sentinel {
            values[index("port")] = Value::Num(26379);
            values[index("protected-mode")] = Value::Bool(false);
        }
        Loader {
            values,
            sentinel,
            reading_file: false,
            save_seen: false,
            sentinel_lines: Vec::new(),
            users: Vec::new(),
            module_params: false,
            depth: 0,
        }
    }

    /// The directory relative paths start from: the current `dir` (Redis has changed into it).
    fn cwd(&self) -> PathBuf {
        match &self.values[index("dir")] {
            Value::Dir(dir) => dir.clone(),
            _ => PathBuf::from("/"),
        }
    }

    /// Reads one text (a file, or the main file + stdin + command-line options).
    pub(crate) fn load_text(&mut self, text: &[u8]) -> Result<(), ConfigError> {
        self.reading_file = true;
        // Redis handles the text as a C string: a NUL byte ends it.
        let text = match text.iter().position(|&b| b == 0) {
            Some(end) => &text[..end],
            None => text,
        };
        for (i, raw) in text.split(|&b| b == b'\n').enumerate() {
            let line = trim(raw, b" \t\r\n");
            if line.is_empty() || line[0] == b'#' {
                continue;
            }
            let at = Location {
                line: i + 1,
                text: String::from_utf8_lossy(line).into_owned(),
            };
            let Some(mut args) = split_args(line) else {
                return Err(ConfigError::UnbalancedQuotes(at));
            };
            if args.is_empty() {
                continue;
            }
            args[0].make_ascii_lowercase();
            self.directive(args, at)?;
        }
        self.finish_text()
    }

    fn directive(&mut self, args: Vec<Vec<u8>>, at: Location) -> Result<(), ConfigError> {
        if let Some(entry) = lookup(&args[0]) {
            let d = &DIRECTIVES[entry.index];
            let multi = d.has(MULTI_ARG);
            if !multi && args.len() != 2 {
                return Err(ConfigError::WrongArgCount(at));
            }
            // A multi-argument value given as one quoted argument is split again, so that
            // `--save "900 1"` and `bind "a b"` work; an empty one stays as is (`save ""`).
            let values = if multi && args.len() == 2 && !args[1].is_empty() {
                split_args(&args[1]).unwrap_or_default()
            } else {
                args[1..].to_vec()
            };
            let origin = if self.reading_file {
                Origin::File {
                    save_seen: &mut self.save_seen,
                }
            } else {
                Origin::ConfigSet
            };
            let new = value::parse(d, &self.values[entry.index], &values, origin)
                .map_err(|reason| ConfigError::InvalidValue { at, reason })?;
            self.values[entry.index] = normalize(d.name, new);
            return Ok(());
        }
        let name = lower(&args[0]);
        if DEPRECATED.contains(&name.as_str()) && args.len() == 2 {
            return Ok(());
        }
        match name.as_str() {
            "include" if args.len() == 2 => self.include(&args[1], at),
            "rename-command" if args.len() == 3 => Err(ConfigError::Unsupported {
                at,
                reason: "rename-command is not supported by Redactor".into(),
            }),
            "user" if args.len() >= 2 => {
                if self.users.iter().any(|u| u.args.first() == Some(&args[1])) {
                    return Err(ConfigError::UserDeclaration {
                        at,
                        arg: String::from_utf8_lossy(&args[1]).into_owned(),
                        reason:
                            "Duplicate user found. A user can only be defined once in config files"
                                .into(),
                    });
                }
                if let Err((i, reason)) = acl::check_rules(&args[1..]) {
                    // Redis numbers the faulty rule from 0 but prints that index of the whole line
                    // (`user`, name, rules...), so it names the argument two places earlier.
                    let arg = String::from_utf8_lossy(&args[i - 1]).into_owned();
                    return Err(ConfigError::UserDeclaration {
                        at,
                        arg,
                        reason: reason.into(),
                    });
                }
                self.users.push(UserLine {
                    at,
                    args: args[1..].to_vec(),
                });
                Ok(())
            }
            "loadmodule" if args.len() >= 2 => Err(ConfigError::Unsupported {
                at,
                reason: "loadmodule is not supported by Redactor (it has no module system)".into(),
            }),
            _ if name.contains('.') => {
                if args.len() < 2 {
                    return Err(ConfigError::ModuleConfigWithoutValue(at));
                }
                self.module_params = true;
                Ok(())
            }
            // A bare `sentinel` line only selects Sentinel mode (the command line's --sentinel).
            "sentinel" if args.len() == 1 => Ok(()),
            "sentinel" => {
                if !self.sentinel {
                    return Err(ConfigError::SentinelOnly(at));
                }
                let args = args[1..]
                    .iter()
                    .map(|a| String::from_utf8_lossy(a).into_owned())
                    .collect();
                self.sentinel_lines.push(SentinelDirective {
                    line: at.line,
                    text: at.text,
                    args,
                });
                Ok(())
            }
            _ => Err(ConfigError::BadDirective(at)),
        }
    }

    /// `include <path>`: the file (or every file a glob pattern matches, concatenated) is read as a
    /// text of its own, relative to the current directory.
    fn include(&mut self, path: &[u8], at: Location) -> Result<(), ConfigError> {
        if self.depth >= MAX_INCLUDE_DEPTH {
            return Err(ConfigError::IncludeDepth(at));
        }
        let text = read_config_source(&self.cwd(), path)?;
        self.depth += 1;
        let result = self.load_text(&text);
        self.depth -= 1;
        result
    }

    /// What Redis checks when a text ends: the log file can be opened, no `replicaof` in cluster
    /// mode; then `hz` is brought into range.
    fn finish_text(&mut self) -> Result<(), ConfigError> {
        if let Value::Str(Some(logfile)) = &self.values[index("logfile")] {
            if !logfile.is_empty() {
                let path = self.cwd().join(os_path(logfile));
                std::fs::OpenOptions::new()
                    .append(true)
                    .create(true)
                    .open(path)
                    .map_err(|e| ConfigError::LogFile(strerror(&e)))?;
            }
        }
        let cluster = matches!(self.values[index("cluster-enabled")], Value::Bool(true));
        if cluster && matches!(self.values[index("replicaof")], Value::ReplicaOf(Some(_))) {
            return Err(ConfigError::ReplicaOfInClusterMode);
        }
        let hz = index("hz");
        self.values[hz] = normalize("hz", self.values[hz].clone());
        self.reading_file = false;
        Ok(())
    }

    /// The configuration as it stands, without the final checks: for defaults, which cannot fail
    /// them.
    pub(crate) fn defaults(self) -> Loaded {
        let default_password = match &self.values[index("requirepass")] {
            Value::Str(p) => p.clone(),
            _ => None,
        };
        Loaded {
            values: self.values,
            sentinel_lines: self.sentinel_lines,
            users: self.users,
            default_password,
        }
    }

    /// The configuration read, after the checks Redis makes once everything is loaded.
    pub(crate) fn finish(self) -> Result<Loaded, ConfigError> {
        if self.module_params {
            return Err(ConfigError::ModuleConfigWithoutModule);
        }
        let requirepass = match &self.values[index("requirepass")] {
            Value::Str(Some(p)) => Some(p.as_slice()),
            _ => None,
        };
        let default_password = acl::default_password(&self.users, requirepass)?;
        Ok(Loaded {
            values: self.values,
            sentinel_lines: self.sentinel_lines,
            users: self.users,
            default_password,
        })
    }
}

/// Brings a freshly set value into the range Redis keeps it in (`hz` is clamped to 1..=500 rather
/// than refused).
pub(crate) fn normalize(name: &str, value: Value) -> Value {
    match (name, value) {
        ("hz", Value::Num(hz)) => Value::Num(hz.clamp(1, 500)),
        (_, value) => value,
    }
}

pub(crate) fn os_path(bytes: &[u8]) -> &Path {
    use std::os::unix::ffi::OsStrExt;
    Path::new(std::ffi::OsStr::from_bytes(bytes))
}

/// Reads a configuration file named by `include`: one file, or for a glob pattern every match in
/// order (none is fine). Relative names start at `cwd`.
fn read_config_source(cwd: &Path, name: &[u8]) -> Result<Vec<u8>, ConfigError> {
    let shown = String::from_utf8_lossy(name).into_owned();
    let path = cwd.join(os_path(name));
    if !name.iter().any(|b| matches!(b, b'*' | b'?' | b'[')) {
        return std::fs::read(&path).map_err(|e| ConfigError::Open {
            path: shown,
            reason: strerror(&e),
        });
    }
    let mut text = Vec::new();
    for matched in glob_paths(cwd, name) {
        let content = std::fs::read(&matched).map_err(|e| ConfigError::Open {
            path: matched.to_string_lossy().into_owned(),
            reason: strerror(&e),
        })?;
        text.extend_from_slice(&content);
    }
    Ok(text)
}

/// The files matching a glob pattern, sorted, as glob(3) gives them. A relative pattern starts at
/// `cwd` (whose own glob characters are escaped).
fn glob_paths(cwd: &Path, pattern: &[u8]) -> Vec<PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    let mut full = Vec::new();
    if pattern.first() != Some(&b'/') {
        for &b in cwd.as_os_str().as_bytes() {
            if matches!(b, b'*' | b'?' | b'[' | b'\\') {
                full.push(b'\\');
            }
            full.push(b);
        }
        full.push(b'/');
    }
    full.extend_from_slice(pattern);
    let Ok(c_pattern) = std::ffi::CString::new(full) else {
        return Vec::new();
    };
    // SAFETY: glob_t is plain data; glob fills it and globfree releases what glob allocated.
    unsafe {
        let mut found: libc::glob_t = std::mem::zeroed();
        let mut paths = Vec::new();
        if libc::glob(c_pattern.as_ptr(), 0, None, &mut found) == 0 {
            for i in 0..found.gl_pathc {
                let entry = *found.gl_pathv.add(i);
                if !entry.is_null() {
                    paths.push(PathBuf::from(std::ffi::OsStr::from_bytes(
                        std::ffi::CStr::from_ptr(entry).to_bytes(),
                    )));
                }
            }
        }
        libc::globfree(&mut found);
        paths
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::value::show;

    fn load(text: &str, sentinel: bool) -> Result<Loaded, ConfigError> {
        let mut loader = Loader::new(sentinel, Path::new("/"));
        loader.load_text(text.as_bytes())?;
        loader.finish()
    }

    fn get(loaded: &Loaded, name: &str) -> String {
        let i = index(name);
        String::from_utf8_lossy(&show(&DIRECTIVES[i], &loaded.values[i])).into_owned()
    }

    fn at(line: usize, text: &str) -> Location {
        Location {
            line,
            text: text.into(),
        }
    }

    #[test]
    fn later_lines_win_and_values_accumulate() {
        let text = "# comment\n\n  port 7000\nPORT 7001\nsave 900 1\nsave 300 10\nsave 60 10000\n\
                    client-output-buffer-limit replica 1mb 2mb 3\nbind 127.0.0.1 ::1\nmaxmemory 1kb\n\
                    lua-time-limit 42\nslaveof 127.0.0.5 6379\nhash-max-ziplist-entries 7\n\
                    list-max-ziplist-entries 5\nrequirepass \"a b\"\nnotify-keyspace-events \"\"\n\
                    hz 100000\n";
        let loaded = load(text, false).unwrap_or_else(|e| panic!("{e}"));
        let cases = [
            ("port", "7001"),
            ("save", "900 1 300 10 60 10000"),
            (
                "client-output-buffer-limit",
                "normal 0 0 0 slave 1048576 2097152 3 pubsub 33554432 8388608 60",
            ),
            ("bind", "127.0.0.1 ::1"),
            ("maxmemory", "1024"),
            ("busy-reply-threshold", "42"),
            ("replicaof", "127.0.0.5 6379"),
            ("hash-max-listpack-entries", "7"),
            ("requirepass", "a b"),
            ("hz", "500"),
        ];
        for (name, want) in cases {
            assert_eq!(get(&loaded, name), want, "{name}");
        }
        assert_eq!(loaded.default_password.as_deref(), Some(&b"a b"[..]));
    }

    #[test]
    fn multi_argument_values_may_be_quoted_as_one() {
        let loaded = load("save \"100 1 200 2\"\nbind \"1.2.3.4 5.6.7.8\"\n", false)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(get(&loaded, "save"), "100 1 200 2");
        assert_eq!(get(&loaded, "bind"), "1.2.3.4 5.6.7.8");
        let loaded = load("save \"\"\n", false).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(get(&loaded, "save"), "");
        let loaded = load("save\n", false).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(get(&loaded, "save"), "");
    }

    #[test]
    fn errors_match_redis() {
        let cases: Vec<(&str, ConfigError)> = vec![
            (
                "# first\nport abc\n",
                ConfigError::InvalidValue {
                    at: at(2, "port abc"),
                    reason: "argument couldn't be parsed into an integer".into(),
                },
            ),
            (
                "port 'abc' x",
                ConfigError::WrongArgCount(at(1, "port 'abc' x")),
            ),
            ("  nosuch 1  ", ConfigError::BadDirective(at(1, "nosuch 1"))),
            ("include", ConfigError::BadDirective(at(1, "include"))),
            (
                "port \"a\"b",
                ConfigError::UnbalancedQuotes(at(1, "port \"a\"b")),
            ),
            (
                "save 900",
                ConfigError::InvalidValue {
                    at: at(1, "save 900"),
                    reason: "Invalid save parameters".into(),
                },
            ),
            (
                "daemonize maybe",
                ConfigError::InvalidValue {
                    at: at(1, "daemonize maybe"),
                    reason: "argument must be 'yes' or 'no'".into(),
                },
            ),
            (
                "sentinel monitor m 1.2.3.4 6379 2",
                ConfigError::SentinelOnly(at(1, "sentinel monitor m 1.2.3.4 6379 2")),
            ),
            (
                "mod.x",
                ConfigError::ModuleConfigWithoutValue(at(1, "mod.x")),
            ),
            ("mod.x 1", ConfigError::ModuleConfigWithoutModule),
            (
                "dir /nonexistent-redactor",
                ConfigError::InvalidValue {
                    at: at(1, "dir /nonexistent-redactor"),
                    reason: "No such file or directory".into(),
                },
            ),
            (
                "logfile /nonexistent-redactor/x.log",
                ConfigError::LogFile("No such file or directory".into()),
            ),
            (
                "include /nonexistent-redactor.conf",
                ConfigError::Open {
                    path: "/nonexistent-redactor.conf".into(),
                    reason: "No such file or directory".into(),
                },
            ),
            (
                "cluster-enabled yes\nreplicaof 1.2.3.4 6379",
                ConfigError::ReplicaOfInClusterMode,
            ),
            (
                "user bob on fly",
                ConfigError::UserDeclaration {
                    at: at(1, "user bob on fly"),
                    arg: "bob".into(),
                    reason: "Syntax error".into(),
                },
            ),
            (
                "user bob on\nuser bob off",
                ConfigError::UserDeclaration {
                    at: at(2, "user bob off"),
                    arg: "bob".into(),
                    reason: "Duplicate user found. A user can only be defined once in config files"
                        .into(),
                },
            ),
        ];
        for (text, want) in cases {
            assert_eq!(load(text, false).err(), Some(want), "{text:?}");
        }
    }

    #[test]
    fn sentinel_mode_keeps_sentinel_lines() {
        let text = "port 26379\nsentinel monitor mymaster 127.0.0.5 6379 2\n\nsentinel auth-pass mymaster redis\n";
        let loaded = load(text, true).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(loaded.sentinel_lines.len(), 2);
        assert_eq!(loaded.sentinel_lines[1].line, 4);
        assert_eq!(
            loaded.sentinel_lines[1].args,
            vec!["auth-pass", "mymaster", "redis"]
        );
        assert_eq!(
            loaded.sentinel_lines[0].text,
            "sentinel monitor mymaster 127.0.0.5 6379 2"
        );
        let defaults = load("", true).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(get(&defaults, "port"), "26379");
        assert_eq!(get(&defaults, "protected-mode"), "no");
    }

    #[test]
    fn include_reads_in_place_and_resets_save_accumulation() {
        let dir = std::env::temp_dir().join(format!("redactor-include-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("conf.d")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.join("a.conf"), "port 7100\nmaxmemory 1mb\n")
            .unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.join("conf.d/x.conf"), "timeout 5\n").unwrap_or_else(|e| panic!("{e}"));
        let text = format!(
            "dir {}\nport 7000\ninclude a.conf\nmaxmemory 2mb\ninclude conf.d/*.conf\ninclude none/*.conf\n\
             save 900 1\nsave 300 10\n",
            dir.display()
        );
        let loaded = load(&text, false).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(get(&loaded, "port"), "7100");
        assert_eq!(get(&loaded, "maxmemory"), "2097152");
        assert_eq!(get(&loaded, "timeout"), "5");
        // After an include Redis no longer treats save lines as file lines: each replaces the last.
        assert_eq!(get(&loaded, "save"), "300 10");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn include_cycles_are_refused() {
        let dir = std::env::temp_dir().join(format!("redactor-cycle-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.join("self.conf"), "include self.conf\n")
            .unwrap_or_else(|e| panic!("{e}"));
        let err = load(
            &format!("dir {}\ninclude self.conf\n", dir.display()),
            false,
        )
        .err();
        assert_eq!(
            err,
            Some(ConfigError::IncludeDepth(at(1, "include self.conf")))
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn nul_ends_the_text() {
        let loaded = load("port 7000\n\0port abc\n", false).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(get(&loaded, "port"), "7000");
    }
}
