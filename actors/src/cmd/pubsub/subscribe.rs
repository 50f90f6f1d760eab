//! SUBSCRIBE channel [channel ...] | UNSUBSCRIBE [channel ...] |
//! PSUBSCRIBE pattern [pattern ...] | PUNSUBSCRIBE [pattern ...] |
//! SSUBSCRIBE shardchannel [shardchannel ...] | SUNSUBSCRIBE [shardchannel ...]
//!
//! Each (un)subscription is confirmed by its own push: `[kind, name, subscriptions left]`
//! (an array for RESP2 clients). Without arguments the UNSUBSCRIBE forms drop every channel
//! (pattern); with nothing to drop they answer once with a null name and 0.

use super::me;
use crate::cmd::flags::*;
use crate::cmd::table::{spec, NO_KEYS};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use bytes::Bytes;

const F: u32 = PUBSUB | NOSCRIPT | LOADING | STALE | SENTINEL | PUBSUB_CONTEXT;

pub const SUBSCRIBE: CommandSpec = spec(
    "subscribe",
    -2,
    F,
    NO_KEYS,
    "pubsub",
    "2.0.0",
    "Listen for messages published to the given channels",
    subscribe,
);

pub const UNSUBSCRIBE: CommandSpec = spec(
    "unsubscribe",
    -1,
    F,
    NO_KEYS,
    "pubsub",
    "2.0.0",
    "Stop listening for messages posted to the given channels",
    unsubscribe,
);

pub const PSUBSCRIBE: CommandSpec = spec(
    "psubscribe",
    -2,
    F,
    NO_KEYS,
    "pubsub",
    "2.0.0",
    "Listen for messages published to channels matching the given patterns",
    psubscribe,
);

pub const PUNSUBSCRIBE: CommandSpec = spec(
    "punsubscribe",
    -1,
    F,
    NO_KEYS,
    "pubsub",
    "2.0.0",
    "Stop listening for messages posted to channels matching the given patterns",
    punsubscribe,
);

pub const SSUBSCRIBE: CommandSpec = spec(
    "ssubscribe",
    -2,
    PUBSUB | NOSCRIPT | LOADING | STALE | PUBSUB_CONTEXT,
    (1, -1, 1),
    "pubsub",
    "7.0.0",
    "Listen for messages published to the given shard channels",
    ssubscribe,
);

pub const SUNSUBSCRIBE: CommandSpec = spec(
    "sunsubscribe",
    -1,
    PUBSUB | NOSCRIPT | LOADING | STALE | PUBSUB_CONTEXT,
    (1, -1, 1),
    "pubsub",
    "7.0.0",
    "Stop listening for messages posted to the given shard channels",
    sunsubscribe,
);

/// `[kind, name, count]` as a push; shard confirmations count shard channels only.
fn confirm(ex: &mut Exec, kind: &[u8], name: Option<&[u8]>) {
    let count = if kind.starts_with(b"s") && kind != b"subscribe" {
        ex.session.shard_channels.len() as i64
    } else {
        ex.session.subscriptions() as i64
    };
    ex.out.push(3);
    ex.out.bulk(kind);
    match name {
        Some(n) => ex.out.bulk(n),
        None => ex.out.null(),
    }
    ex.out.int(count);
}

fn subscribe(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    let sub = me(ex);
    for ch in args.rest() {
        if ex.session.channels.insert(ch.clone()) {
            if let Some(s) = &sub {
                ex.server.pubsub.subscribe(ch, ex.session.id, s.clone());
            }
        }
        confirm(ex, b"subscribe", Some(ch));
    }
    Ok(())
}

fn psubscribe(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    let sub = me(ex);
    for p in args.rest() {
        if ex.session.patterns.insert(p.clone()) {
            if let Some(s) = &sub {
                ex.server.pubsub.psubscribe(p, ex.session.id, s.clone());
            }
        }
        confirm(ex, b"psubscribe", Some(p));
    }
    Ok(())
}

fn unsubscribe(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    let names: Vec<Bytes> = if args.is_empty() {
        ex.session.channels.iter().cloned().collect()
    } else {
        args.rest().to_vec()
    };
    if names.is_empty() {
        confirm(ex, b"unsubscribe", None);
    }
    for ch in names {
        if ex.session.channels.remove(&ch) {
            ex.server.pubsub.unsubscribe(&ch, ex.session.id);
        }
        confirm(ex, b"unsubscribe", Some(&ch));
    }
    Ok(())
}

fn punsubscribe(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    let names: Vec<Bytes> = if args.is_empty() {
        ex.session.patterns.iter().cloned().collect()
    } else {
        args.rest().to_vec()
    };
    if names.is_empty() {
        confirm(ex, b"punsubscribe", None);
    }
    for p in names {
        if ex.session.patterns.remove(&p) {
            ex.server.pubsub.punsubscribe(&p, ex.session.id);
        }
        confirm(ex, b"punsubscribe", Some(&p));
    }
    Ok(())
}

fn ssubscribe(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    let sub = me(ex);
    for ch in args.rest() {
        if ex.session.shard_channels.insert(ch.clone()) {
            if let Some(s) = &sub {
                ex.server.pubsub.ssubscribe(ch, ex.session.id, s.clone());
            }
        }
        confirm(ex, b"ssubscribe", Some(ch));
    }
    Ok(())
}

fn sunsubscribe(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    let names: Vec<Bytes> = if args.is_empty() {
        ex.session.shard_channels.iter().cloned().collect()
    } else {
        args.rest().to_vec()
    };
    if names.is_empty() {
        confirm(ex, b"sunsubscribe", None);
    }
    for ch in names {
        if ex.session.shard_channels.remove(&ch) {
            ex.server.pubsub.sunsubscribe(&ch, ex.session.id);
        }
        confirm(ex, b"sunsubscribe", Some(&ch));
    }
    Ok(())
}

/// Drops every subscription of the session (RESET).
pub fn drop_all(ex: &mut Exec) {
    let id = ex.session.id;
    for ch in std::mem::take(&mut ex.session.channels) {
        ex.server.pubsub.unsubscribe(&ch, id);
    }
    for p in std::mem::take(&mut ex.session.patterns) {
        ex.server.pubsub.punsubscribe(&p, id);
    }
    for ch in std::mem::take(&mut ex.session.shard_channels) {
        ex.server.pubsub.sunsubscribe(&ch, id);
    }
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn confirmations_count_both_kinds() {
        let mut h = Harness::new();
        h.check(&[
            ("UNSUBSCRIBE", "*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n"),
            (
                "SUBSCRIBE a b",
                "*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n",
            ),
            ("PSUBSCRIBE p*", "*3\r\n$10\r\npsubscribe\r\n$2\r\np*\r\n:3\r\n"),
            (
                "GET x",
                "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n",
            ),
            ("PING", "*2\r\n$4\r\npong\r\n$0\r\n\r\n"),
            (
                "UNSUBSCRIBE",
                "*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:2\r\n*3\r\n$11\r\nunsubscribe\r\n$1\r\nb\r\n:1\r\n",
            ),
            ("PUNSUBSCRIBE", "*3\r\n$12\r\npunsubscribe\r\n$2\r\np*\r\n:0\r\n"),
            ("GET x", "$-1\r\n"),
        ]);
    }

    #[test]
    fn resp3_subscribers_get_pushes_and_may_run_anything() {
        let mut h = Harness::new().resp3();
        h.check(&[
            ("SUBSCRIBE a", ">3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n"),
            ("GET x", "_\r\n"),
            ("PING", "+PONG\r\n"),
        ]);
    }
}
