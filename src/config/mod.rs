//! The configuration of redactor-server and redactor-sentinel, read and managed as redis-server
//! 7.0.15 does: redis.conf syntax (quoting, units, `include`, repeated directives), command-line
//! overrides, every Redis 7.0 parameter with its type, bounds, default, aliases and mutability,
//! fatal errors worded as Redis words them, and CONFIG GET / SET / REWRITE.
//!
//! Startup, as redis-server does it:
//!
//! ```ignore
//! let args: Vec<String> = std::env::args().collect();
//! let mut inv = config::parse_args(&args[1..]).unwrap_or_else(|e| { eprintln!("{e}"); std::process::exit(e.exit_status()) });
//! if inv.version { println!("{}", config::version_text()); return }
//! if inv.help { eprint!("{}", config::usage_text(&args[0])); std::process::exit(1) }
//! inv.sentinel |= started_as_sentinel;
//! let cfg = config::load(&inv).unwrap_or_else(|e| { eprintln!("{e}"); std::process::exit(e.exit_status()) });
//! config::change_dir(&cfg.tunables().dir).unwrap_or_else(|e| { eprintln!("{e}"); std::process::exit(1) });
//! ```

mod acl;
mod args;
mod checks;
mod error;
mod glob;
mod loader;
mod rewrite;
mod special;
mod split;
mod store;
mod table;
mod tunables;
mod units;
mod value;
mod value_rewrite;

#[cfg(test)]
mod shipped_configs_tests;
#[cfg(test)]
mod store_tests;
#[cfg(test)]
mod test_support;
#[cfg(test)]
mod versus_redis_tests;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use args::{parse_args, usage_text, version_text, Invocation};
pub use error::{strerror, ConfigError, Location, REDIS_VERSION};
pub use glob::string_match;
pub use loader::SentinelDirective;
pub use rewrite::{RewriteState, REWRITE_SIGNATURE};
pub use store::{Applier, ChangeListener, ServerConfig};

/// The working directory as `getcwd` reports it (symbolic links resolved).
pub(crate) fn current_dir() -> PathBuf {
    std::env::current_dir()
        .and_then(std::fs::canonicalize)
        .unwrap_or_else(|_| PathBuf::from("/"))
}

/// Reads the configuration a command line names: the file, then standard input when asked, then
/// the command-line options, exactly as redis-server concatenates them. In Sentinel mode the file
/// is required and must be writable, as Redis Sentinel requires.
pub fn load(inv: &Invocation) -> Result<Arc<ServerConfig>, ConfigError> {
    let cfg = load_in(inv, &current_dir())?;
    // A real server's working directory is `dir`, so CONFIG SET dir moves it, as in Redis.
    cfg.follow_dir();
    Ok(cfg)
}

/// Changes the process's working directory into `dir` (the `dir` parameter), as redis-server does
/// while reading its configuration; the error reads `Can't chdir to '<dir>': <reason>`.
pub fn change_dir(dir: &str) -> Result<(), ConfigError> {
    std::env::set_current_dir(dir).map_err(|e| ConfigError::Chdir {
        dir: dir.to_string(),
        reason: error::strerror(&e),
    })
}

/// [`load`] with relative paths starting at `cwd` instead of the working directory.
pub(crate) fn load_in(inv: &Invocation, cwd: &Path) -> Result<Arc<ServerConfig>, ConfigError> {
    let mut text = Vec::new();
    if let Some(path) = &inv.config_file {
        text = std::fs::read(path).map_err(|e| ConfigError::Open {
            path: path.to_string_lossy().into_owned(),
            reason: error::strerror(&e),
        })?;
    }
    if inv.config_from_stdin {
        std::io::stdin()
            .read_to_end(&mut text)
            .map_err(|e| ConfigError::Stdin(error::strerror(&e)))?;
    }
    text.push(b'\n');
    text.extend_from_slice(&inv.options);
    let mut loader = loader::Loader::new(inv.sentinel, cwd);
    loader.load_text(&text)?;
    let loaded = loader.finish()?;
    if inv.sentinel {
        let Some(path) = &inv.config_file else {
            return Err(ConfigError::SentinelWithoutConfigFile);
        };
        store::check_writable(path).map_err(|reason| ConfigError::SentinelConfigNotWritable {
            path: path.to_string_lossy().into_owned(),
            reason,
        })?;
    }
    Ok(ServerConfig::from_loaded(
        loaded,
        inv.config_file.clone(),
        inv.sentinel,
    ))
}
