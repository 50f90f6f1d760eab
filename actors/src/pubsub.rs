//! The pub/sub registry: who listens to which channel or pattern. PUBLISH runs in the keyspace,
//! looks subscribers up here and sends each one's connection a [`Deliver`] message with the
//! message already encoded in that client's protocol.

use crate::cmd::keys::glob::glob_match;
use actix::prelude::*;
use bytes::{Bytes, BytesMut};
use dashmap::DashMap;
use protocol::{ReplyWriter, Resp};
use std::collections::HashMap;

/// An encoded pub/sub message for one subscriber's socket.
#[derive(Message, Debug, Clone)]
#[rtype(result = "()")]
pub struct Deliver(pub Bytes);

/// One subscription's destination.
#[derive(Clone)]
pub struct Subscriber {
    pub resp: Resp,
    pub deliver: Recipient<Deliver>,
}

#[derive(Default)]
pub struct PubSubRegistry {
    channels: DashMap<Bytes, HashMap<u64, Subscriber>>,
    patterns: DashMap<Bytes, HashMap<u64, Subscriber>>,
    /// Shard channels (SSUBSCRIBE): a separate namespace whose messages are `smessage`.
    shard: DashMap<Bytes, HashMap<u64, Subscriber>>,
}

/// Encodes `parts` as a push (RESP3) or array (RESP2) of bulk strings.
pub fn encode_push(resp: Resp, parts: &[&[u8]]) -> Bytes {
    let mut buf = BytesMut::new();
    let mut w = ReplyWriter::new(&mut buf, resp);
    w.push(parts.len());
    for p in parts {
        w.bulk(p);
    }
    buf.freeze()
}

/// Lazily encoded copies of one message, at most one per protocol.
struct Encoded<'a> {
    parts: &'a [&'a [u8]],
    v2: Option<Bytes>,
    v3: Option<Bytes>,
}

impl Encoded<'_> {
    fn get(&mut self, resp: Resp) -> Bytes {
        let slot = match resp {
            Resp::V2 => &mut self.v2,
            Resp::V3 => &mut self.v3,
        };
        slot.get_or_insert_with(|| encode_push(resp, self.parts))
            .clone()
    }
}

impl PubSubRegistry {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a channel subscription; false if the client already had it.
    pub fn subscribe(&self, channel: &Bytes, id: u64, sub: Subscriber) -> bool {
        self.channels
            .entry(channel.clone())
            .or_default()
            .insert(id, sub)
            .is_none()
    }

    pub fn unsubscribe(&self, channel: &[u8], id: u64) -> bool {
        remove(&self.channels, channel, id)
    }

    pub fn psubscribe(&self, pattern: &Bytes, id: u64, sub: Subscriber) -> bool {
        self.patterns
            .entry(pattern.clone())
            .or_default()
            .insert(id, sub)
            .is_none()
    }

    pub fn punsubscribe(&self, pattern: &[u8], id: u64) -> bool {
        remove(&self.patterns, pattern, id)
    }

    pub fn ssubscribe(&self, channel: &Bytes, id: u64, sub: Subscriber) -> bool {
        self.shard
            .entry(channel.clone())
            .or_default()
            .insert(id, sub)
            .is_none()
    }

    pub fn sunsubscribe(&self, channel: &[u8], id: u64) -> bool {
        remove(&self.shard, channel, id)
    }

    /// SPUBLISH: to the shard channel's subscribers only (patterns never see shard messages).
    pub fn spublish(&self, channel: &[u8], message: &[u8]) -> usize {
        let Some(subs) = self.shard.get(channel) else {
            return 0;
        };
        let parts: [&[u8]; 3] = [b"smessage", channel, message];
        let mut enc = Encoded {
            parts: &parts,
            v2: None,
            v3: None,
        };
        for s in subs.values() {
            s.deliver.do_send(Deliver(enc.get(s.resp)));
        }
        subs.len()
    }

    pub fn active_shard_channels(&self, pattern: Option<&[u8]>) -> Vec<Bytes> {
        self.shard
            .iter()
            .filter(|e| pattern.is_none_or(|p| glob_match(p, e.key(), false)))
            .map(|e| e.key().clone())
            .collect()
    }

    pub fn shard_numsub(&self, channel: &[u8]) -> usize {
        self.shard.get(channel).map_or(0, |s| s.len())
    }

    /// Sends `message` to every subscriber of `channel` and of every matching pattern; returns
    /// how many received it, as PUBLISH answers.
    pub fn publish(&self, channel: &[u8], message: &[u8]) -> usize {
        self.publish_from(channel, message, None).0
    }

    /// PUBLISH by client `me`: its own copies come back in order instead of being sent, since
    /// Redis writes them to the publisher's output before the PUBLISH reply.
    pub fn publish_from(
        &self,
        channel: &[u8],
        message: &[u8],
        me: Option<u64>,
    ) -> (usize, Vec<Bytes>) {
        let mut n = 0;
        let mut mine = Vec::new();
        let mut send = |id: u64, s: &Subscriber, bytes: Bytes| {
            n += 1;
            if Some(id) == me {
                mine.push(bytes);
            } else {
                s.deliver.do_send(Deliver(bytes));
            }
        };
        if let Some(subs) = self.channels.get(channel) {
            let parts: [&[u8]; 3] = [b"message", channel, message];
            let mut enc = Encoded {
                parts: &parts,
                v2: None,
                v3: None,
            };
            for (id, s) in subs.iter() {
                send(*id, s, enc.get(s.resp));
            }
        }
        for entry in self.patterns.iter() {
            if !glob_match(entry.key(), channel, false) {
                continue;
            }
            let parts: [&[u8]; 4] = [b"pmessage", entry.key(), channel, message];
            let mut enc = Encoded {
                parts: &parts,
                v2: None,
                v3: None,
            };
            for (id, s) in entry.value().iter() {
                send(*id, s, enc.get(s.resp));
            }
        }
        (n, mine)
    }

    /// Channels with at least one subscriber, optionally filtered by a glob.
    pub fn active_channels(&self, pattern: Option<&[u8]>) -> Vec<Bytes> {
        self.channels
            .iter()
            .filter(|e| pattern.is_none_or(|p| glob_match(p, e.key(), false)))
            .map(|e| e.key().clone())
            .collect()
    }

    pub fn numsub(&self, channel: &[u8]) -> usize {
        self.channels.get(channel).map_or(0, |s| s.len())
    }

    /// Patterns subscribed by anyone (PUBSUB NUMPAT counts distinct patterns).
    pub fn numpat(&self) -> usize {
        self.patterns.len()
    }

    /// Forgets every subscription of a client that went away.
    pub fn remove_client(&self, id: u64) {
        self.channels.retain(|_, subs| {
            subs.remove(&id);
            !subs.is_empty()
        });
        self.patterns.retain(|_, subs| {
            subs.remove(&id);
            !subs.is_empty()
        });
        self.shard.retain(|_, subs| {
            subs.remove(&id);
            !subs.is_empty()
        });
    }
}

fn remove(map: &DashMap<Bytes, HashMap<u64, Subscriber>>, name: &[u8], id: u64) -> bool {
    let removed = map
        .get_mut(name)
        .is_some_and(|mut subs| subs.remove(&id).is_some());
    map.remove_if(name, |_, subs| subs.is_empty());
    removed
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// Records what a subscriber's connection would have been sent.
    struct Probe(Arc<Mutex<Vec<Bytes>>>);

    impl Actor for Probe {
        type Context = Context<Self>;
    }

    impl Handler<Deliver> for Probe {
        type Result = ();
        fn handle(&mut self, msg: Deliver, _: &mut Context<Self>) {
            self.0.lock().unwrap().push(msg.0);
        }
    }

    fn probe(resp: Resp) -> (Subscriber, Arc<Mutex<Vec<Bytes>>>) {
        let got = Arc::new(Mutex::new(Vec::new()));
        let addr = Probe(got.clone()).start();
        (
            Subscriber {
                resp,
                deliver: addr.recipient(),
            },
            got,
        )
    }

    #[actix_rt::test]
    async fn publish_reaches_channels_and_patterns_in_each_protocol() {
        let reg = PubSubRegistry::new();
        let (a, got_a) = probe(Resp::V2);
        let (b, got_b) = probe(Resp::V3);
        assert!(reg.subscribe(&Bytes::from("news"), 1, a.clone()));
        assert!(!reg.subscribe(&Bytes::from("news"), 1, a));
        assert!(reg.psubscribe(&Bytes::from("n*"), 2, b));
        assert_eq!(reg.publish(b"news", b"hi"), 2);
        assert_eq!(reg.publish(b"other", b"x"), 0);
        assert_eq!((reg.numsub(b"news"), reg.numpat()), (1, 1));
        actix_rt::time::sleep(std::time::Duration::from_millis(20)).await;
        assert_eq!(
            *got_a.lock().unwrap(),
            vec![Bytes::from(
                "*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n"
            )]
        );
        assert_eq!(
            *got_b.lock().unwrap(),
            vec![Bytes::from(
                ">4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$2\r\nhi\r\n"
            )]
        );
        reg.remove_client(1);
        assert_eq!(reg.numsub(b"news"), 0);
        assert!(reg.active_channels(None).is_empty());
        assert!(reg.punsubscribe(b"n*", 2));
        assert_eq!(reg.numpat(), 0);
    }
}
