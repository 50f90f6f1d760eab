//! Clients parked by blocking commands (BLPOP, BZPOPMIN ...), and the order they wait in.
//!
//! Pure bookkeeping: the keyspace actor decides when to retry or time a client out. Clients
//! blocked on the same key are served in the order they blocked, as in Redis.

use super::Executed;
use crate::cmd::BlockRequest;
use crate::session::Session;
use bytes::{Bytes, BytesMut};
use std::collections::{HashMap, VecDeque};
use tokio::sync::oneshot;

/// A client whose batch stopped at a blocking command.
pub struct Parked {
    pub session: Session,
    pub cmds: Vec<Vec<Bytes>>,
    /// Index of the blocking command in `cmds`.
    pub next: usize,
    /// Replies of the commands before it.
    pub out: BytesMut,
    pub request: BlockRequest,
    /// The db the keys live in (the selected db when it blocked).
    pub db: usize,
    /// Tells a timeout for an earlier wait of the same client from the current one.
    pub token: u64,
    pub reply_to: oneshot::Sender<Executed>,
}

#[derive(Default)]
pub struct Blocked {
    parked: HashMap<u64, Parked>,
    queues: HashMap<(usize, Vec<u8>), VecDeque<u64>>,
    next_token: u64,
}

impl Blocked {
    pub fn len(&self) -> usize {
        self.parked.len()
    }

    pub fn is_empty(&self) -> bool {
        self.parked.is_empty()
    }

    pub fn contains(&self, id: u64) -> bool {
        self.parked.contains_key(&id)
    }

    pub fn new_token(&mut self) -> u64 {
        self.next_token += 1;
        self.next_token
    }

    /// Parks a client at the back of each of its keys' queues.
    pub fn park(&mut self, p: Parked) {
        for k in &p.request.keys {
            self.queues
                .entry((p.db, k.clone()))
                .or_default()
                .push_back(p.session.id);
        }
        self.parked.insert(p.session.id, p);
    }

    /// Takes a client out of every queue it waits in.
    pub fn unpark(&mut self, id: u64) -> Option<Parked> {
        let p = self.parked.remove(&id)?;
        for k in &p.request.keys {
            let slot = (p.db, k.clone());
            if let Some(q) = self.queues.get_mut(&slot) {
                q.retain(|c| *c != id);
                if q.is_empty() {
                    self.queues.remove(&slot);
                }
            }
        }
        Some(p)
    }

    /// Puts a client whose retry found nothing back where it was in each queue.
    pub fn repark_front(&mut self, p: Parked) {
        for k in &p.request.keys {
            self.queues
                .entry((p.db, k.clone()))
                .or_default()
                .push_front(p.session.id);
        }
        self.parked.insert(p.session.id, p);
    }

    /// Clients waiting on a key, first come first.
    pub fn waiting_on(&self, db: usize, key: &[u8]) -> Vec<u64> {
        self.queues
            .get(&(db, key.to_vec()))
            .map(|q| q.iter().copied().collect())
            .unwrap_or_default()
    }

    /// Whether anyone waits on the key.
    pub fn is_waited_on(&self, db: usize, key: &[u8]) -> bool {
        self.queues.contains_key(&(db, key.to_vec()))
    }

    /// The command a parked client is blocked in.
    pub fn command_of(&self, id: u64) -> Option<Vec<Bytes>> {
        self.parked.get(&id).map(|p| p.cmds[p.next].clone())
    }

    /// Keys of `db` that somebody waits on.
    pub fn keys_in_db(&self, db: usize) -> Vec<Vec<u8>> {
        self.queues
            .keys()
            .filter(|(d, _)| *d == db)
            .map(|(_, k)| k.clone())
            .collect()
    }

    pub fn token_of(&self, id: u64) -> Option<u64> {
        self.parked.get(&id).map(|p| p.token)
    }

    /// Clients whose connection went away while they waited.
    pub fn abandoned(&self) -> Vec<u64> {
        self.parked
            .iter()
            .filter(|(_, p)| p.reply_to.is_closed())
            .map(|(id, _)| *id)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd::TimeoutReply;

    fn parked(id: u64, keys: &[&str]) -> (Parked, oneshot::Receiver<Executed>) {
        let (tx, rx) = oneshot::channel();
        let p = Parked {
            session: Session::new(id, true),
            cmds: Vec::new(),
            next: 0,
            out: BytesMut::new(),
            request: BlockRequest {
                keys: keys.iter().map(|k| k.as_bytes().to_vec()).collect(),
                timeout_ms: 0,
                timeout_reply: TimeoutReply::NullArray,
            },
            db: 0,
            token: id,
            reply_to: tx,
        };
        (p, rx)
    }

    #[test]
    fn queues_keep_arrival_order_per_key() {
        let mut b = Blocked::default();
        let (p1, _r1) = parked(1, &["a", "b"]);
        let (p2, _r2) = parked(2, &["b"]);
        let (p3, r3) = parked(3, &["a"]);
        b.park(p1);
        b.park(p2);
        b.park(p3);
        assert_eq!(b.waiting_on(0, b"a"), vec![1, 3]);
        assert_eq!(b.waiting_on(0, b"b"), vec![1, 2]);
        let p1 = b.unpark(1).unwrap();
        assert_eq!(b.waiting_on(0, b"b"), vec![2]);
        b.repark_front(p1);
        assert_eq!(b.waiting_on(0, b"a"), vec![1, 3]);
        assert_eq!(b.waiting_on(0, b"b"), vec![1, 2]);
        drop(r3);
        assert_eq!(b.abandoned(), vec![3]);
        b.unpark(3);
        b.unpark(1);
        b.unpark(2);
        assert!(b.is_empty() && !b.is_waited_on(0, b"a") && b.waiting_on(0, b"b").is_empty());
    }
}
