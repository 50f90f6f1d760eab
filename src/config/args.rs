//! redis-server's command line: `[config-file] [--directive value ...] [-]`, `--sentinel`,
//! `-v`/`--version`, `-h`/`--help`. Options become configuration lines appended after the file,
//! built exactly as Redis builds them so that errors name the same lines.

use std::path::PathBuf;

use super::error::{ConfigError, REDIS_VERSION};
use super::split::{repr, split_args, trim};

/// A parsed command line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Invocation {
    /// `-v` / `--version` as the first argument: print the version and exit with status 0.
    pub version: bool,
    /// `-h` / `--help` as the first argument: print the usage and exit.
    pub help: bool,
    /// The configuration file, made absolute as Redis does (without resolving symbolic links).
    pub config_file: Option<PathBuf>,
    /// `-` as the first or last argument: append standard input to the file.
    pub config_from_stdin: bool,
    /// The command-line options as configuration lines (`port "7000"\nsave ""`), read after the
    /// file and standard input.
    pub options: Vec<u8>,
    /// Sentinel mode: `--sentinel` among the arguments. A program started as a Sentinel (as
    /// redis-sentinel is) sets this itself before calling [`super::load`].
    pub sentinel: bool,
}

/// Parses redis-server's arguments (those after the program name) as redis-server does.
pub fn parse_args(args: &[String]) -> Result<Invocation, ConfigError> {
    let mut inv = Invocation {
        sentinel: args.iter().any(|a| a == "--sentinel"),
        ..Invocation::default()
    };
    let Some(first) = args.first() else {
        return Ok(inv);
    };
    match first.as_str() {
        "-v" | "--version" => {
            inv.version = true;
            return Ok(inv);
        }
        "-h" | "--help" => {
            inv.help = true;
            return Ok(inv);
        }
        "--test-memory" if args.len() == 2 => {
            return Err(ConfigError::UnsupportedOption("--test-memory".into()))
        }
        "--test-memory" => return Err(ConfigError::TestMemoryUsage),
        "--check-system" => return Err(ConfigError::UnsupportedOption("--check-system".into())),
        _ => {}
    }
    let mut j = 0;
    if !first.starts_with('-') {
        inv.config_file = Some(absolute_path(first));
        j = 1;
    }
    let last = args.len() - 1;
    let mut options: Vec<u8> = Vec::new();
    // Whether the previous option name already has a value; a bare `--name` takes the arguments
    // that follow, up to the next `--`.
    let mut value_given = true;
    while j < args.len() {
        let arg = args[j].as_bytes();
        if arg == b"-" && (j == 0 || j == last) {
            inv.config_from_stdin = true;
        } else if value_given && arg.starts_with(b"--") {
            if !options.is_empty() {
                options.push(b'\n');
            }
            options.extend_from_slice(&arg[2..]);
            options.push(b' ');
            if split_args(arg).map_or(0, |a| a.len()) == 1 {
                value_given = false;
                let next_is_option = j != last && args[j + 1].starts_with("--");
                if args[j].eq_ignore_ascii_case("--save") && (next_is_option || j == last) {
                    // `--save` with nothing after it means `save ""`, as before Redis 7.0.1.
                    options.extend_from_slice(b"\"\"");
                    value_given = next_is_option;
                } else if args[j].eq_ignore_ascii_case("--sentinel") && next_is_option {
                    value_given = true;
                }
            } else {
                // `"--port 6380"` as one argument carries its own value.
                value_given = true;
            }
        } else {
            options.extend_from_slice(repr(arg).as_bytes());
            options.push(b' ');
            value_given = true;
        }
        j += 1;
    }
    inv.options = options;
    Ok(inv)
}

/// `getAbsolutePath`: a relative name joined to the current directory, leading `../` folded in.
fn absolute_path(name: &str) -> PathBuf {
    let rel = String::from_utf8_lossy(trim(name.as_bytes(), b" \r\n\t")).into_owned();
    if rel.starts_with('/') {
        return PathBuf::from(rel);
    }
    let mut base = std::env::current_dir()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !base.ends_with('/') {
        base.push('/');
    }
    let mut rel = rel.as_str();
    while let Some(rest) = rel.strip_prefix("../") {
        rel = rest;
        if base.len() > 1 {
            let without_slash = &base[..base.len() - 1];
            let cut = without_slash.rfind('/').map_or(0, |i| i + 1);
            base.truncate(cut);
        }
    }
    PathBuf::from(format!("{base}{rel}"))
}

/// What `redis-server -v` prints (Redactor reports itself as the Redis release it mirrors).
pub fn version_text() -> String {
    format!("Redis server v={REDIS_VERSION} sha=00000000:0 malloc=libc bits=64 build=0")
}

/// What `redis-server --help` prints, with `program` in place of `./redis-server`.
pub fn usage_text(program: &str) -> String {
    format!(
        "Usage: {p} [/path/to/redis.conf] [options] [-]\n\
         \x20      {p} - (read config from stdin)\n\
         \x20      {p} -v or --version\n\
         \x20      {p} -h or --help\n\
         \x20      {p} --test-memory <megabytes>\n\
         \x20      {p} --check-system\n\
         \n\
         Examples:\n\
         \x20      {p} (run the server with default conf)\n\
         \x20      echo 'maxmemory 128mb' | {p} -\n\
         \x20      {p} /etc/redis/6379.conf\n\
         \x20      {p} --port 7777\n\
         \x20      {p} --port 7777 --replicaof 127.0.0.1 8888\n\
         \x20      {p} /etc/myredis.conf --loglevel verbose -\n\
         \x20      {p} /etc/myredis.conf --loglevel verbose\n\
         \n\
         Sentinel mode:\n\
         \x20      {p} /etc/sentinel.conf --sentinel\n",
        p = program
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses a command line written with its program name, as in a shell.
    fn parse(line: &[&str]) -> Result<Invocation, ConfigError> {
        let args: Vec<String> = line.iter().skip(1).map(|s| s.to_string()).collect();
        parse_args(&args)
    }

    #[test]
    fn options_become_config_lines_like_redis() {
        let cases: &[(&[&str], &str)] = &[
            (&["redis-server", "--port", "7000"], "port \"7000\" "),
            (&["redis-server", "--port", "7", "8"], "port \"7\" \"8\" "),
            (&["redis-server", "--port"], "port "),
            (
                &["redis-server", "--port", "7302", "--loglevel"],
                "port \"7302\" \nloglevel ",
            ),
            (&["redis-server", "--save"], "save \"\""),
            (
                &["redis-server", "--save", "--loglevel", "debug"],
                "save \"\"\nloglevel \"debug\" ",
            ),
            (
                &["redis-server", "--save", "", "--port", "1"],
                "save \"\" \nport \"1\" ",
            ),
            (&["redis-server", "--save", "900 1"], "save \"900 1\" "),
            (
                &["redis-server", "--replicaof", "127.0.0.1", "8888"],
                "replicaof \"127.0.0.1\" \"8888\" ",
            ),
            (&["redis-server", "-x"], "\"-x\" "),
            (&["redis-server", "--port 7302"], "port 7302 "),
            (
                &["redis-server", "--port", "7302", "--", "foo"],
                "port \"7302\" \n \"foo\" ",
            ),
            (
                &["redis-server", "--sentinel", "--port", "1"],
                "sentinel \nport \"1\" ",
            ),
            (
                &["redis-server", "--requirepass", "a b\"c"],
                "requirepass \"a b\\\"c\" ",
            ),
        ];
        for (line, want) in cases {
            let inv = parse(line).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(String::from_utf8_lossy(&inv.options), *want, "{line:?}");
        }
    }

    #[test]
    fn config_file_stdin_and_modes() {
        let inv = parse(&["redis-server", "/etc/redis.conf", "--port", "1", "-"])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(inv.config_file, Some(PathBuf::from("/etc/redis.conf")));
        assert!(inv.config_from_stdin && !inv.sentinel && !inv.version && !inv.help);

        let inv = parse(&["redis-server", "-"]).unwrap_or_else(|e| panic!("{e}"));
        assert!(inv.config_from_stdin && inv.config_file.is_none());

        let inv =
            parse(&["redis-server", "s.conf", "--sentinel"]).unwrap_or_else(|e| panic!("{e}"));
        assert!(inv.sentinel);
        let cwd = std::env::current_dir().unwrap_or_default();
        assert_eq!(inv.config_file, Some(cwd.join("s.conf")));

        let cases: &[(&[&str], bool, bool)] = &[
            (&["redis-server", "-v"], true, false),
            (&["redis-server", "--version"], true, false),
            (&["redis-server", "-h"], false, true),
            (&["redis-server", "--help"], false, true),
            (&["redis-server"], false, false),
            (&["redis-server", "x.conf", "-v"], false, false),
        ];
        for (line, version, help) in cases {
            assert_eq!(
                parse(line).map(|i| (i.version, i.help)),
                Ok((*version, *help)),
                "{line:?}"
            );
        }
        assert_eq!(
            parse(&["redis-server", "--test-memory"]),
            Err(ConfigError::TestMemoryUsage)
        );
        assert_eq!(
            parse(&["redis-server", "--test-memory", "10"]),
            Err(ConfigError::UnsupportedOption("--test-memory".into()))
        );
    }

    #[test]
    fn relative_config_paths_fold_parent_steps() {
        let cwd = std::env::current_dir().unwrap_or_default();
        let parent = cwd.parent().map(|p| p.to_path_buf()).unwrap_or_default();
        assert_eq!(absolute_path("../x.conf"), parent.join("x.conf"));
        assert_eq!(absolute_path(" /abs.conf "), PathBuf::from("/abs.conf"));
    }
}
