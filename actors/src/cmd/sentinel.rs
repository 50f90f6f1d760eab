//! The commands a Sentinel answers differently from a server: SENTINEL, INFO, ROLE, PUBLISH
//! and HELLO; and Redactor's MAILBOX, the server's own, so that a Sentinel's actors can be
//! inspected as a server's are.
//! Their specs sit in the Sentinel's command table so that the usual checks (authentication,
//! arity, pub/sub context) run first; the handler only hands the command to the Sentinel actor
//! ([`Effect::Sentinel`]), which knows the monitored masters.
//!
//! ```text
//! SENTINEL <subcommand> [<arg> ...]
//! INFO [section ...]
//! ROLE
//! PUBLISH __sentinel__:hello <hello>
//! HELLO [protover [AUTH username password] [SETNAME clientname]]
//! MAILBOX LIST [pattern] | GET name | RESET | HELP
//! ```

use super::connection::hello;
use super::flags::*;
use super::table::{container, spec, NO_KEYS};
use super::{Args, CmdError, CommandSpec, Effect, Exec};

/// Flags of the SENTINEL subcommands (HELP has `loading stale` instead of `admin`).
const SUB: u32 = ADMIN | SENTINEL | ONLY_SENTINEL;

/// A SENTINEL subcommand: its arity is checked, and its full name (`sentinel|myid`) used in
/// errors, by the command table like any container's; the Sentinel actor parses the rest.
const fn sub(
    name: &'static str,
    arity: i32,
    flags: u32,
    since: &'static str,
    summary: &'static str,
) -> CommandSpec {
    spec(
        name, arity, flags, NO_KEYS, "sentinel", since, summary, defer,
    )
}

/// Redis 7.0's `sentinel` container and its subcommands, with their arities.
pub(crate) const SENTINEL_SPEC: CommandSpec = container(
    "sentinel",
    ADMIN | SENTINEL | ONLY_SENTINEL,
    "sentinel",
    "2.8.4",
    "A container for Sentinel commands",
    &[
        sub("ckquorum", 3, SUB, "2.8.4", "Check for a Sentinel quorum"),
        sub("config", -3, SUB, "6.2.0", "Configure Sentinel"),
        sub(
            "debug",
            -2,
            SUB,
            "7.0.0",
            "List or update the current configurable parameters",
        ),
        sub("failover", 3, SUB, "2.8.4", "Force a failover"),
        sub("flushconfig", 2, SUB, "2.8.4", "Rewrite configuration file"),
        sub(
            "get-master-addr-by-name",
            3,
            SUB,
            "2.8.4",
            "Get port and address of a master",
        ),
        sub(
            "help",
            2,
            LOADING | STALE | SENTINEL | ONLY_SENTINEL,
            "6.2.0",
            "Show helpful text about the different subcommands",
        ),
        sub(
            "info-cache",
            -3,
            SUB,
            "3.2.0",
            "Get cached INFO from the instances in the deployment",
        ),
        sub(
            "is-master-down-by-addr",
            6,
            SUB,
            "2.8.4",
            "Check if a master is down",
        ),
        sub("master", 3, SUB, "2.8.4", "Shows the state of a master"),
        sub("masters", 2, SUB, "2.8.4", "List the monitored masters"),
        sub("monitor", 6, SUB, "2.8.4", "Start monitoring"),
        sub("myid", 2, SUB, "6.2.0", "Get the Sentinel instance ID"),
        sub(
            "pending-scripts",
            2,
            SUB,
            "2.8.4",
            "Get information about pending scripts",
        ),
        sub("remove", 3, SUB, "2.8.4", "Stop monitoring"),
        sub("replicas", 3, SUB, "5.0.0", "List the monitored replicas"),
        sub("reset", 3, SUB, "2.8.4", "Reset masters by name pattern"),
        sub("sentinels", 3, SUB, "2.8.4", "List the Sentinel instances"),
        sub(
            "set",
            -5,
            SUB,
            "2.8.4",
            "Change the configuration of a monitored master",
        ),
        sub(
            "simulate-failure",
            -3,
            SUB,
            "3.2.0",
            "Simulate failover scenarios",
        ),
        sub("slaves", 3, SUB, "2.8.0", "List the monitored slaves"),
    ],
);

pub static COMMANDS: &[CommandSpec] = &[
    SENTINEL_SPEC,
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
    spec(
        "hello",
        -1,
        NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | SENTINEL | ALLOW_BUSY,
        NO_KEYS,
        "connection",
        "6.0.0",
        "Handshake with Redis",
        sentinel_hello,
    ),
    super::server::mailbox::SPEC,
];

/// `helloCommand` in sentinel mode: the server's HELLO (protocol switch, AUTH, SETNAME, their
/// errors), answered with `mode sentinel` and without the `role` field.
fn sentinel_hello(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    let start = ex.out.len();
    (hello::SPEC.handler)(ex, args)?;
    ex.out.truncate(start);
    let proto = if ex.session.resp == protocol::Resp::V3 {
        3
    } else {
        2
    };
    let out = &mut ex.out;
    out.map(6);
    out.bulk(b"server");
    out.bulk(b"redis");
    out.bulk(b"version");
    out.bulk(crate::server::REDIS_VERSION.as_bytes());
    out.bulk(b"proto");
    out.int(proto);
    out.bulk(b"id");
    out.int(ex.session.id as i64);
    out.bulk(b"mode");
    out.bulk(b"sentinel");
    out.bulk(b"modules");
    out.array(0);
    Ok(())
}

fn defer(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    ex.effect = Effect::Sentinel(args.all().to_vec());
    Ok(())
}

/// Sentinel's INFO sections, in the order they print.
const SECTIONS: [&str; 4] = ["server", "clients", "stats", "cpu"];

/// `sentinelInfoCommand`: only server, clients, stats, cpu and sentinel exist; no argument,
/// `default`, `all` and `everything` all mean every one of them. Redactor adds `mailboxes`,
/// asked by name or with `all` or `everything` (as a server does), after the Sentinel
/// section (so that what redis-sentinel prints comes first, unchanged); any other section is
/// answered with nothing, as Redis does.
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
    let mut extra = String::new();
    if asked
        .iter()
        .any(|a| matches!(a.as_str(), "mailboxes" | "all" | "everything"))
    {
        extra.push_str("# Mailboxes\r\n");
        super::server::info::mailboxes(&ex.server.mailboxes.snapshots(), &mut extra);
    }
    ex.effect = Effect::SentinelInfo {
        text,
        sentinel: wants("sentinel"),
        extra,
    };
    Ok(())
}
