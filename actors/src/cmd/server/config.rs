//! CONFIG GET parameter [parameter ...] | SET parameter value [parameter value ...] |
//! REWRITE | RESETSTAT | HELP
//!
//! Reads and changes the configuration through the server's [`ConfigStore`].
//!
//! [`ConfigStore`]: crate::config::ConfigStore

use crate::cmd::connection::client::write_help;
use crate::cmd::flags::*;
use crate::cmd::table::{container, spec, NO_KEYS};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

const F: u32 = ADMIN | NOSCRIPT | LOADING | STALE;

pub const SPEC: CommandSpec = container(
    "config",
    0,
    "server",
    "2.0.0",
    "A container for server configuration commands",
    &[
        spec(
            "get",
            -3,
            F,
            NO_KEYS,
            "server",
            "2.0.0",
            "Get the values of configuration parameters",
            get,
        ),
        spec(
            "set",
            -4,
            F,
            NO_KEYS,
            "server",
            "2.0.0",
            "Set configuration parameters to the given values",
            set,
        ),
        spec(
            "rewrite",
            2,
            F,
            NO_KEYS,
            "server",
            "2.8.0",
            "Rewrite the configuration file with the in memory configuration",
            rewrite,
        ),
        spec(
            "resetstat",
            2,
            F,
            NO_KEYS,
            "server",
            "2.0.0",
            "Reset the stats returned by INFO",
            resetstat,
        ),
        spec(
            "help",
            2,
            LOADING | STALE,
            NO_KEYS,
            "server",
            "5.0.0",
            "Show helpful text about the different subcommands",
            help,
        ),
    ],
);

fn get(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    let pairs = ex.server.config.get(args.rest());
    ex.out.map(pairs.len());
    for (k, v) in pairs {
        ex.out.bulk(k.as_bytes());
        ex.out.bulk(v.as_bytes());
    }
    Ok(())
}

fn set(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    let rest = args.rest();
    if !rest.len().is_multiple_of(2) {
        return Err(CmdError::Syntax);
    }
    let pairs: Vec<_> = rest
        .chunks(2)
        .map(|c| (c[0].clone(), c[1].clone()))
        .collect();
    ex.server.config.set(&pairs).map_err(CmdError::Other)?;
    // Redis's call() measures a command after it ran, against the settings as they are then:
    // `CONFIG SET slowlog-log-slower-than 0` is itself in the slow log, and the SET back is not.
    ex.ks.trace_cfg = crate::trace::TraceConfig::from_tunables(&ex.server.config.tunables());
    ex.effect = crate::cmd::Effect::ConfigChanged;
    ex.out.ok();
    Ok(())
}

fn rewrite(ex: &mut Exec, _: Args) -> Result<(), CmdError> {
    ex.server.config.rewrite().map_err(CmdError::Other)?;
    slog::info!(ex.server.log, "CONFIG REWRITE executed with success.");
    ex.out.ok();
    Ok(())
}

fn resetstat(ex: &mut Exec, _: Args) -> Result<(), CmdError> {
    ex.server.stats.reset();
    ex.server.mailboxes.reset();
    ex.ks.stats = Default::default();
    ex.out.ok();
    Ok(())
}

fn help(ex: &mut Exec, _: Args) -> Result<(), CmdError> {
    write_help(
        ex,
        &[
            "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "GET <pattern>",
            "    Return parameters matching the glob-like <pattern> and their values.",
            "SET <directive> <value>",
            "    Set the configuration <directive> to <value>.",
            "RESETSTAT",
            "    Reset statistics reported by the INFO command.",
            "REWRITE",
            "    Rewrite the configuration file.",
            "HELP",
            "    Prints this help.",
        ],
    );
    Ok(())
}
