//! Mailbox metrics: what each actor has been sent, has handled, and how long handling took.
//!
//! actix exposes no queue length, so every send goes through [`Mailbox::sent`] and every handler
//! opens a [`Handling`] guard. Everything is a relaxed atomic: the hot path takes no lock.

use dashmap::DashMap;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::Instant;

/// Number of histogram buckets; bucket `i` counts handling times in `[2^i, 2^(i+1))` ns.
const BUCKETS: usize = 40;

/// Adds to a counter only its actor's handlers write: a plain load and store, not a locked
/// read-modify-write, since no other thread can race it; readers still see whole values.
fn bump(counter: &AtomicU64, n: u64) {
    counter.store(counter.load(Relaxed).wrapping_add(n), Relaxed);
}

/// Counters of one actor's mailbox.
#[derive(Debug)]
pub struct Mailbox {
    name: String,
    sent: AtomicU64,
    handled: AtomicU64,
    refused: AtomicU64,
    max_queued: AtomicU64,
    in_flight: AtomicU64,
    busy_ns: AtomicU64,
    max_ns: AtomicU64,
    buckets: [AtomicU64; BUCKETS],
}

/// A point-in-time copy of a [`Mailbox`], for INFO and MAILBOX replies.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MailboxSnapshot {
    pub name: String,
    pub sent: u64,
    pub handled: u64,
    pub queued: u64,
    pub max_queued: u64,
    pub in_flight: u64,
    pub refused: u64,
    pub busy_us: u64,
    pub p50_us: f64,
    pub p99_us: f64,
    pub max_us: f64,
}

impl Mailbox {
    fn new(name: String) -> Self {
        Mailbox {
            name,
            sent: AtomicU64::new(0),
            handled: AtomicU64::new(0),
            refused: AtomicU64::new(0),
            max_queued: AtomicU64::new(0),
            in_flight: AtomicU64::new(0),
            busy_ns: AtomicU64::new(0),
            max_ns: AtomicU64::new(0),
            buckets: std::array::from_fn(|_| AtomicU64::new(0)),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Called by the sender right before a message enters the mailbox.
    pub fn sent(&self) {
        let sent = self.sent.fetch_add(1, Relaxed) + 1;
        let queued = sent.saturating_sub(self.handled.load(Relaxed));
        if queued > self.max_queued.load(Relaxed) {
            self.max_queued.fetch_max(queued, Relaxed);
        }
    }

    /// A message that could not be delivered (mailbox closed or full).
    pub fn refused(&self) {
        self.refused.fetch_add(1, Relaxed);
    }

    /// Opens the guard a handler holds while it works on one message.
    pub fn handling(self: &Arc<Self>) -> Handling {
        bump(&self.in_flight, 1);
        Handling {
            mailbox: self.clone(),
            start: Instant::now(),
        }
    }

    fn done(&self, ns: u64) {
        self.in_flight
            .store(self.in_flight.load(Relaxed).saturating_sub(1), Relaxed);
        bump(&self.handled, 1);
        bump(&self.busy_ns, ns);
        if ns > self.max_ns.load(Relaxed) {
            self.max_ns.store(ns, Relaxed);
        }
        let bucket = (64 - ns.max(1).leading_zeros() as usize - 1).min(BUCKETS - 1);
        bump(&self.buckets[bucket], 1);
    }

    /// Clears the counters (MAILBOX RESET / CONFIG RESETSTAT); what is queued stays queued.
    pub fn reset(&self) {
        let queued = self.queued();
        self.sent.store(queued, Relaxed);
        self.handled.store(0, Relaxed);
        self.refused.store(0, Relaxed);
        self.max_queued.store(queued, Relaxed);
        self.busy_ns.store(0, Relaxed);
        self.max_ns.store(0, Relaxed);
        for b in &self.buckets {
            b.store(0, Relaxed);
        }
    }

    /// Messages waiting in the mailbox, not counting the one being handled.
    pub fn queued(&self) -> u64 {
        let waiting = self
            .sent
            .load(Relaxed)
            .saturating_sub(self.handled.load(Relaxed));
        waiting.saturating_sub(self.in_flight.load(Relaxed))
    }

    pub fn snapshot(&self) -> MailboxSnapshot {
        let counts: Vec<u64> = self.buckets.iter().map(|b| b.load(Relaxed)).collect();
        let total: u64 = counts.iter().sum();
        let quantile = |q: f64| -> f64 {
            if total == 0 {
                return 0.0;
            }
            let rank = ((total as f64) * q).ceil().max(1.0) as u64;
            let mut seen = 0;
            for (i, c) in counts.iter().enumerate() {
                seen += c;
                if seen >= rank {
                    // Upper bound of the bucket: a conservative estimate.
                    return (1u64 << (i + 1)) as f64 / 1000.0;
                }
            }
            f64::NAN
        };
        MailboxSnapshot {
            name: self.name.clone(),
            sent: self.sent.load(Relaxed),
            handled: self.handled.load(Relaxed),
            queued: self.queued(),
            max_queued: self.max_queued.load(Relaxed),
            in_flight: self.in_flight.load(Relaxed),
            refused: self.refused.load(Relaxed),
            busy_us: self.busy_ns.load(Relaxed) / 1000,
            p50_us: quantile(0.5),
            p99_us: quantile(0.99),
            max_us: self.max_ns.load(Relaxed) as f64 / 1000.0,
        }
    }
}

/// Held by a handler while it processes one message; records the time on drop.
pub struct Handling {
    mailbox: Arc<Mailbox>,
    start: Instant,
}

impl Handling {
    /// When handling began: handlers that need "now" can reuse it instead of reading the clock.
    pub fn started(&self) -> Instant {
        self.start
    }
}

impl Drop for Handling {
    fn drop(&mut self) {
        self.mailbox.done(self.start.elapsed().as_nanos() as u64);
    }
}

/// Every live actor's mailbox by its stable name (`keyspace/0`, `conn/17`, `listener/127.0.0.1:6379`).
#[derive(Default, Debug)]
pub struct MailboxRegistry {
    boxes: DashMap<String, Arc<Mailbox>>,
}

impl MailboxRegistry {
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers (or finds again) the mailbox called `name`.
    pub fn register(&self, name: impl Into<String>) -> Arc<Mailbox> {
        let name = name.into();
        self.boxes
            .entry(name.clone())
            .or_insert_with(|| Arc::new(Mailbox::new(name)))
            .clone()
    }

    /// Forgets a mailbox whose actor stopped.
    pub fn unregister(&self, name: &str) {
        self.boxes.remove(name);
    }

    pub fn get(&self, name: &str) -> Option<Arc<Mailbox>> {
        self.boxes.get(name).map(|m| m.clone())
    }

    /// Snapshots sorted by name.
    pub fn snapshots(&self) -> Vec<MailboxSnapshot> {
        let mut v: Vec<_> = self.boxes.iter().map(|m| m.snapshot()).collect();
        v.sort_by(|a, b| a.name.cmp(&b.name));
        v
    }

    pub fn reset(&self) {
        for m in self.boxes.iter() {
            m.reset();
        }
    }
}

/// The actor kind of a mailbox name: the part before the first `/`.
pub fn kind_of(name: &str) -> &str {
    name.split('/').next().unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_queue_depth_and_handling() {
        let reg = MailboxRegistry::new();
        let m = reg.register("keyspace/0");
        m.sent();
        m.sent();
        m.sent();
        assert_eq!(m.queued(), 3);
        {
            let _h = m.handling();
            let s = m.snapshot();
            assert_eq!((s.in_flight, s.queued), (1, 2));
        }
        let s = m.snapshot();
        assert_eq!(
            (s.sent, s.handled, s.queued, s.max_queued, s.in_flight),
            (3, 1, 2, 3, 0)
        );
        assert!(s.p50_us > 0.0 && s.p99_us >= s.p50_us);
        m.reset();
        let s = m.snapshot();
        assert_eq!((s.handled, s.queued, s.max_queued), (0, 2, 2));
    }

    #[test]
    fn registry_finds_and_forgets() {
        let reg = MailboxRegistry::new();
        let a = reg.register("conn/1");
        assert!(Arc::ptr_eq(&a, &reg.register("conn/1")));
        reg.register("conn/2");
        let names: Vec<_> = reg.snapshots().into_iter().map(|s| s.name).collect();
        assert_eq!(names, ["conn/1", "conn/2"]);
        reg.unregister("conn/1");
        assert!(reg.get("conn/1").is_none());
        assert_eq!(kind_of("conn/2"), "conn");
    }
}
