//! The commands a Sentinel answers differently from a server: SENTINEL, INFO, ROLE and PUBLISH.
//! Their specs sit in the Sentinel's command table so that the usual checks (authentication,
//! arity, pub/sub context) run first; the handler only hands the command to the Sentinel actor
//! ([`Effect::Sentinel`]), which knows the monitored masters.
//!
//! ```text
//! SENTINEL <subcommand> [<arg> ...]
//! INFO [section ...]
//! ROLE
//! PUBLISH __sentinel__:hello <hello>
//! ```

use super::flags::*;
use super::table::{spec, NO_KEYS};
use super::{Args, CmdError, CommandSpec, Effect, Exec};

pub static COMMANDS: &[CommandSpec] = &[
    spec(
        "sentinel",
        -2,
        ADMIN | SENTINEL | ONLY_SENTINEL,
        NO_KEYS,
        "sentinel",
        "2.8.4",
        "Sentinel commands",
        defer,
    ),
    spec(
        "info",
        -1,
        LOADING | STALE | SENTINEL,
        NO_KEYS,
        "server",
        "1.0.0",
        "Get information and statistics about the server",
        info,
    ),
    spec(
        "role",
        1,
        NOSCRIPT | LOADING | STALE | FAST | SENTINEL,
        NO_KEYS,
        "server",
        "2.8.12",
        "Return the role of the instance in the context of replication",
        defer,
    ),
    spec(
        "publish",
        3,
        PUBSUB | LOADING | STALE | FAST | MAY_REPLICATE | SENTINEL,
        NO_KEYS,
        "pubsub",
        "2.0.0",
        "Post a message to a channel",
        defer,
    ),
];

fn defer(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    ex.effect = Effect::Sentinel(args.all().to_vec());
    Ok(())
}

/// Sentinel's INFO sections, in the order they print.
const SECTIONS: [&str; 4] = ["server", "clients", "stats", "cpu"];

/// `sentinelInfoCommand`: only server, clients, stats, cpu and sentinel exist; no argument,
/// `default`, `all` and `everything` all mean every one of them.
fn info(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    let asked: Vec<String> = args
        .rest()
        .iter()
        .map(|a| String::from_utf8_lossy(a).to_ascii_lowercase())
        .collect();
    let every = asked.is_empty()
        || asked
            .iter()
            .any(|a| matches!(a.as_str(), "default" | "all" | "everything"));
    let wants = |s: &str| every || asked.iter().any(|a| a == s);
    let sections: Vec<&str> = SECTIONS.iter().copied().filter(|s| wants(s)).collect();
    let text = super::server::info::render(ex, &sections);
    ex.effect = Effect::SentinelInfo {
        text,
        sentinel: wants("sentinel"),
    };
    Ok(())
}
