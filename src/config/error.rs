//! Why reading the configuration failed, worded as redis-server 7.0.15 words it.
//!
//! The caller prints an error with `eprintln!("{err}")` and exits with [`ConfigError::exit_status`],
//! which reproduces what real Redis writes to stderr before it exits.

use std::fmt;

/// The Redis release whose behaviour Redactor reproduces, and which it reports in its messages.
pub const REDIS_VERSION: &str = "7.0.15";

/// The line of the configuration text at which a fatal error was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// 1-based line number within the text being read. For the main file this text is the file,
    /// then standard input, then one line per command-line `--directive`, as Redis concatenates them.
    pub line: usize,
    /// The line as Redis echoes it: trimmed of blanks at both ends.
    pub text: String,
}

/// A configuration that cannot be used. Every variant's `Display` is the exact text real Redis
/// prints for the same failure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigError {
    /// The line names no directive, or a file-only directive (`include`, `rename-command`, ...)
    /// has the wrong number of arguments.
    BadDirective(Location),
    /// A directive that takes exactly one value got another number of arguments.
    WrongArgCount(Location),
    /// The line's quotes do not balance, or a closing quote is followed by something other than
    /// a blank.
    UnbalancedQuotes(Location),
    /// The directive rejected its value; `reason` is Redis's wording (for instance `argument must
    /// be 'yes' or 'no'`).
    InvalidValue {
        /// The offending line.
        at: Location,
        /// Why the value was rejected.
        reason: String,
    },
    /// A `sentinel ...` line read by a server that is not running as Sentinel.
    SentinelOnly(Location),
    /// A module parameter (`module.param`) without a value.
    ModuleConfigWithoutValue(Location),
    /// A `user` line that cannot be accepted.
    UserDeclaration {
        /// The offending line.
        at: Location,
        /// The argument at fault, as Redis names it in the message.
        arg: String,
        /// Why it was refused.
        reason: String,
    },
    /// A directive Redis knows but Redactor does not implement (`rename-command`, `loadmodule`).
    Unsupported {
        /// The offending line.
        at: Location,
        /// What is missing.
        reason: String,
    },
    /// `include` nested so deeply that the files must be including each other.
    IncludeDepth(Location),
    /// The `logfile` cannot be opened for appending; carries the system's reason.
    LogFile(String),
    /// `replicaof` together with `cluster-enabled yes`.
    ReplicaOfInClusterMode,
    /// Module parameters were given, but no module is loaded to take them.
    ModuleConfigWithoutModule,
    /// A configuration file (named on the command line or included) cannot be read.
    Open {
        /// The file as Redis names it: absolute for the main file, as written for an include.
        path: String,
        /// The system's reason.
        reason: String,
    },
    /// Reading the configuration from standard input failed; carries the system's reason.
    Stdin(String),
    /// Sentinel mode without a configuration file to keep its state in.
    SentinelWithoutConfigFile,
    /// Sentinel mode with a configuration file the process cannot write.
    SentinelConfigNotWritable {
        /// The file, absolute.
        path: String,
        /// The system's reason.
        reason: String,
    },
    /// `--test-memory` without the amount of memory to test.
    TestMemoryUsage,
    /// A command-line mode of redis-server that Redactor does not provide (`--test-memory <mb>`,
    /// `--check-system`); carries the option.
    UnsupportedOption(String),
    /// Changing into `dir` at startup failed.
    Chdir {
        /// The directory.
        dir: String,
        /// The system's reason.
        reason: String,
    },
}

impl ConfigError {
    /// The exit status redis-server uses for every configuration failure.
    pub fn exit_status(&self) -> i32 {
        1
    }

    fn location(&self) -> Option<&Location> {
        match self {
            ConfigError::BadDirective(at)
            | ConfigError::WrongArgCount(at)
            | ConfigError::UnbalancedQuotes(at)
            | ConfigError::SentinelOnly(at)
            | ConfigError::ModuleConfigWithoutValue(at)
            | ConfigError::IncludeDepth(at)
            | ConfigError::InvalidValue { at, .. }
            | ConfigError::UserDeclaration { at, .. }
            | ConfigError::Unsupported { at, .. } => Some(at),
            _ => None,
        }
    }
}

fn fatal_header(f: &mut fmt::Formatter<'_>, at: Option<&Location>) -> fmt::Result {
    writeln!(f)?;
    writeln!(f, "*** FATAL CONFIG FILE ERROR (Redis {REDIS_VERSION}) ***")?;
    if let Some(at) = at {
        writeln!(f, "Reading the configuration file, at line {}", at.line)?;
        writeln!(f, ">>> '{}'", at.text)?;
    }
    Ok(())
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::BadDirective(_) => {
                fatal_header(f, self.location())?;
                f.write_str("Bad directive or wrong number of arguments")
            }
            ConfigError::WrongArgCount(_) => {
                fatal_header(f, self.location())?;
                f.write_str("wrong number of arguments")
            }
            ConfigError::UnbalancedQuotes(_) => {
                fatal_header(f, self.location())?;
                f.write_str("Unbalanced quotes in configuration line")
            }
            ConfigError::InvalidValue { reason, .. } | ConfigError::Unsupported { reason, .. } => {
                fatal_header(f, self.location())?;
                f.write_str(reason)
            }
            ConfigError::SentinelOnly(_) => {
                fatal_header(f, self.location())?;
                f.write_str("sentinel directive while not in sentinel mode")
            }
            ConfigError::ModuleConfigWithoutValue(_) => {
                fatal_header(f, self.location())?;
                f.write_str("Module config specified without value")
            }
            ConfigError::UserDeclaration { arg, reason, .. } => {
                fatal_header(f, self.location())?;
                write!(f, "Error in user declaration '{arg}': {reason}")
            }
            ConfigError::IncludeDepth(_) => {
                fatal_header(f, self.location())?;
                f.write_str("include nested too deeply (do the files include each other?)")
            }
            ConfigError::LogFile(reason) => {
                fatal_header(f, None)?;
                write!(f, "Can't open the log file: {reason}")
            }
            ConfigError::ReplicaOfInClusterMode => {
                fatal_header(f, None)?;
                f.write_str("replicaof directive not allowed in cluster mode")
            }
            ConfigError::ModuleConfigWithoutModule => f.write_str(
                "Module Configuration detected without loadmodule directive or no ApplyConfig \
                 call: aborting",
            ),
            ConfigError::Open { path, reason } => {
                write!(f, "Fatal error, can't open config file '{path}': {reason}")
            }
            ConfigError::Stdin(reason) => {
                write!(f, "Fatal error, can't read config from stdin: {reason}")
            }
            ConfigError::SentinelWithoutConfigFile => {
                f.write_str("Sentinel needs config file on disk to save state. Exiting...")
            }
            ConfigError::SentinelConfigNotWritable { path, reason } => {
                write!(
                    f,
                    "Sentinel config file {path} is not writable: {reason}. Exiting..."
                )
            }
            ConfigError::TestMemoryUsage => f.write_str(
                "Please specify the amount of memory to test in megabytes.\n\
                 Example: ./redis-server --test-memory 4096\n",
            ),
            ConfigError::UnsupportedOption(option) => {
                write!(f, "{option} is not supported by Redactor")
            }
            ConfigError::Chdir { dir, reason } => write!(f, "Can't chdir to '{dir}': {reason}"),
        }
    }
}

impl std::error::Error for ConfigError {}

/// The system's message for an I/O error, without the ` (os error N)` suffix Rust adds, so that it
/// reads like C's `strerror`.
pub fn strerror(err: &std::io::Error) -> String {
    let text = err.to_string();
    match text.find(" (os error ") {
        Some(cut) => text[..cut].to_string(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize, text: &str) -> Location {
        Location {
            line,
            text: text.to_string(),
        }
    }

    #[test]
    fn display_matches_redis_stderr() {
        let cases: Vec<(ConfigError, &str)> = vec![
            (
                ConfigError::InvalidValue {
                    at: at(2, "port \"abc\""),
                    reason: "argument couldn't be parsed into an integer".into(),
                },
                "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, \
                 at line 2\n>>> 'port \"abc\"'\nargument couldn't be parsed into an integer",
            ),
            (
                ConfigError::BadDirective(at(7, "nosuch 1")),
                "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, \
                 at line 7\n>>> 'nosuch 1'\nBad directive or wrong number of arguments",
            ),
            (
                ConfigError::WrongArgCount(at(1, "port")),
                "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, \
                 at line 1\n>>> 'port'\nwrong number of arguments",
            ),
            (
                ConfigError::UnbalancedQuotes(at(3, "port \"abc")),
                "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, \
                 at line 3\n>>> 'port \"abc'\nUnbalanced quotes in configuration line",
            ),
            (
                ConfigError::SentinelOnly(at(2, "sentinel monitor m 1.2.3.4 6379 2")),
                "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, \
                 at line 2\n>>> 'sentinel monitor m 1.2.3.4 6379 2'\nsentinel directive while not \
                 in sentinel mode",
            ),
            (
                ConfigError::LogFile("No such file or directory".into()),
                "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nCan't open the log file: No such \
                 file or directory",
            ),
            (
                ConfigError::Open {
                    path: "/nonexistent.conf".into(),
                    reason: "No such file or directory".into(),
                },
                "Fatal error, can't open config file '/nonexistent.conf': No such file or directory",
            ),
            (
                ConfigError::UserDeclaration {
                    at: at(4, "user bob on foo"),
                    arg: "foo".into(),
                    reason: "Syntax error".into(),
                },
                "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, \
                 at line 4\n>>> 'user bob on foo'\nError in user declaration 'foo': Syntax error",
            ),
            (
                ConfigError::Chdir { dir: "/nope".into(), reason: "No such file or directory".into() },
                "Can't chdir to '/nope': No such file or directory",
            ),
        ];
        for (err, want) in cases {
            assert_eq!(err.to_string(), want);
            assert_eq!(err.exit_status(), 1);
        }
    }

    #[test]
    fn strerror_drops_the_os_error_suffix() {
        let err = std::io::Error::from_raw_os_error(libc::ENOENT);
        assert_eq!(strerror(&err), "No such file or directory");
        let err = std::io::Error::from_raw_os_error(libc::ENOTDIR);
        assert_eq!(strerror(&err), "Not a directory");
    }
}
