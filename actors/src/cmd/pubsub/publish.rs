//! PUBLISH channel message | SPUBLISH shardchannel message
//!
//! Sends the message to every subscriber of the channel and of every matching pattern (shard
//! channels: their own subscribers only); answers how many clients received it.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, NO_KEYS};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "publish",
    3,
    PUBSUB | LOADING | STALE | FAST | MAY_REPLICATE | SENTINEL,
    NO_KEYS,
    "pubsub",
    "2.0.0",
    "Post a message to a channel",
    publish,
);

fn publish(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let channel = args.required()?;
    let message = args.required()?;
    let me = ex.session.subscribed().then_some(ex.session.id);
    let (n, mine) = ex.server.pubsub.publish_from(channel, message, me);
    for m in mine {
        ex.out.raw(&m);
    }
    ex.out.int(n as i64);
    // Replicas' subscribers get it too (Sentinel's hellos travel this way); the AOF does not.
    if ex.ks.repl.active {
        let argv = args.all().to_vec();
        ex.ks.prop.push_to_replicas(ex.session.db, argv);
    }
    Ok(())
}

pub const SPUBLISH: CommandSpec = spec(
    "spublish",
    3,
    PUBSUB | LOADING | STALE | FAST | MAY_REPLICATE,
    (1, 1, 1),
    "pubsub",
    "7.0.0",
    "Post a message to a shard channel",
    spublish,
);

fn spublish(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let channel = args.required()?;
    let message = args.required()?;
    let n = ex.server.pubsub.spublish(channel, message);
    ex.out.int(n as i64);
    Ok(())
}
