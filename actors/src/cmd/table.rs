//! Every command the server knows, in one static table.

use super::CommandSpec;
use super::{
    connection, hashes, keys, lists, pubsub, repl, server, sets, strings, transactions, zsets,
};

/// Each group's module lists its own commands.
pub static GROUPS: &[&[CommandSpec]] = &[
    connection::COMMANDS,
    strings::COMMANDS,
    keys::COMMANDS,
    server::COMMANDS,
    lists::COMMANDS,
    hashes::COMMANDS,
    sets::COMMANDS,
    zsets::COMMANDS,
    transactions::COMMANDS,
    pubsub::COMMANDS,
    repl::COMMANDS,
];

/// Builds a spec; keeps each command file's declaration to one call.
#[allow(clippy::too_many_arguments)]
pub const fn spec(
    name: &'static str,
    arity: i32,
    flags: u32,
    keys: (i32, i32, i32),
    group: &'static str,
    since: &'static str,
    summary: &'static str,
    handler: super::Handler,
) -> CommandSpec {
    CommandSpec {
        name,
        arity,
        flags,
        first_key: keys.0,
        last_key: keys.1,
        step: keys.2,
        group,
        summary,
        since,
        handler,
        subcommands: &[],
    }
}

/// A container command (CONFIG, SLOWLOG, ...): at least a subcommand, no keys; the container
/// alone is never run, its subcommands are.
pub const fn container(
    name: &'static str,
    flags: u32,
    group: &'static str,
    since: &'static str,
    summary: &'static str,
    subcommands: &'static [CommandSpec],
) -> CommandSpec {
    CommandSpec {
        name,
        arity: -2,
        flags,
        first_key: 0,
        last_key: 0,
        step: 0,
        group,
        summary,
        since,
        handler: |_, _| Err(super::CmdError::Syntax),
        subcommands,
    }
}

/// No keys.
pub const NO_KEYS: (i32, i32, i32) = (0, 0, 0);
/// One key, the first argument.
pub const KEY1: (i32, i32, i32) = (1, 1, 1);
