//! PUBSUB CHANNELS [pattern] | NUMSUB [channel ...] | NUMPAT | SHARDCHANNELS [pattern] |
//! SHARDNUMSUB [shardchannel ...] | HELP
//!
//! Introspection of the pub/sub registry.

use crate::cmd::connection::client::write_help;
use crate::cmd::flags::*;
use crate::cmd::table::{container, spec, NO_KEYS};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

const F: u32 = PUBSUB | LOADING | STALE;

pub const SPEC: CommandSpec = container(
    "pubsub",
    0,
    "pubsub",
    "2.8.0",
    "A container for Pub/Sub commands",
    &[
        spec(
            "channels",
            -2,
            F,
            NO_KEYS,
            "pubsub",
            "2.8.0",
            "List active channels",
            channels,
        ),
        spec(
            "numsub",
            -2,
            F,
            NO_KEYS,
            "pubsub",
            "2.8.0",
            "Get the count of subscribers for channels",
            numsub,
        ),
        spec(
            "numpat",
            2,
            F,
            NO_KEYS,
            "pubsub",
            "2.8.0",
            "Get the count of unique patterns pattern subscriptions",
            numpat,
        ),
        spec(
            "shardchannels",
            -2,
            F,
            NO_KEYS,
            "pubsub",
            "7.0.0",
            "List active shard channels",
            shardchannels,
        ),
        spec(
            "shardnumsub",
            -2,
            F,
            NO_KEYS,
            "pubsub",
            "7.0.0",
            "Get the count of subscribers for shard channels",
            shardnumsub,
        ),
        spec(
            "help",
            2,
            LOADING | STALE,
            NO_KEYS,
            "pubsub",
            "6.2.0",
            "Show helpful text about the different subcommands",
            help,
        ),
    ],
);

fn channels(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let pattern = args.next();
    args.finish().map_err(|_| wrong_args(&args))?;
    let list = ex.server.pubsub.active_channels(pattern);
    ex.out.array(list.len());
    for ch in list {
        ex.out.bulk(&ch);
    }
    Ok(())
}

fn numsub(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    // A flat array even in RESP3, as Redis 7.0 answers.
    let chans = args.rest();
    ex.out.array(2 * chans.len());
    for ch in chans {
        ex.out.bulk(ch);
        ex.out.int(ex.server.pubsub.numsub(ch) as i64);
    }
    Ok(())
}

fn shardnumsub(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    let chans = args.rest();
    ex.out.array(2 * chans.len());
    for ch in chans {
        ex.out.bulk(ch);
        ex.out.int(ex.server.pubsub.shard_numsub(ch) as i64);
    }
    Ok(())
}

fn shardchannels(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let pattern = args.next();
    args.finish().map_err(|_| wrong_args(&args))?;
    let list = ex.server.pubsub.active_shard_channels(pattern);
    ex.out.array(list.len());
    for ch in list {
        ex.out.bulk(&ch);
    }
    Ok(())
}

/// PUBSUB's own wording for too many arguments, naming the subcommand as typed.
fn wrong_args(args: &Args) -> CmdError {
    CmdError::subcommand_arity(&args.all()[1], "pubsub")
}

fn numpat(ex: &mut Exec, _: Args) -> Result<(), CmdError> {
    ex.out.int(ex.server.pubsub.numpat() as i64);
    Ok(())
}

fn help(ex: &mut Exec, _: Args) -> Result<(), CmdError> {
    write_help(
        ex,
        &[
            "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "CHANNELS [<pattern>]",
            "    Return the currently active channels matching a <pattern> (default: '*').",
            "NUMPAT",
            "    Return number of subscriptions to patterns.",
            "NUMSUB [<channel> ...]",
            "    Return the number of subscribers for the specified channels, excluding",
            "    pattern subscriptions(default: no channels).",
            "SHARDCHANNELS [<pattern>]",
            "    Return the currently active shard level channels matching a <pattern> (default: '*').",
            "SHARDNUMSUB [<shardchannel> ...]",
            "    Return the number of subscribers for the specified shard level channel(s)",
            "HELP",
            "    Prints this help.",
        ],
    );
    Ok(())
}
