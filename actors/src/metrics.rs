//! Mailbox metrics: what each actor has been sent, has handled, and how long handling took.
//!
//! actix exposes no queue length, so every send goes through [`Mailbox::sent`] (or a
//! [`Counted`] peer) and every handler opens a [`Handling`] guard. Everything is a relaxed
//! atomic: the hot path takes no lock.
//!
//! The age of the oldest queued message comes from a small ring of send times indexed by
//! sequence number: a mailbox is FIFO, so the oldest waiting message is the one after the last
//! whose handling began.

use crate::clock::Stamp;
use actix::dev::ToEnvelope;
use actix::{Actor, Addr, Handler, Message, Recipient};
use dashmap::DashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::Arc;

/// Number of histogram buckets; bucket `i` counts handling times in `[2^i, 2^(i+1))` ns.
const BUCKETS: usize = 40;

/// Send times kept per mailbox. With more messages queued than this, the oldest wait shown is
/// that of the oldest send still remembered: a lower bound.
const STAMPS: usize = 32;

/// Adds to a counter only its actor's handlers write: a plain load and store, not a locked
/// read-modify-write, since no other thread can race it; readers still see whole values.
fn bump(counter: &AtomicU64, n: u64) {
    counter.store(counter.load(Relaxed).wrapping_add(n), Relaxed);
}

/// Counters of one actor's mailbox.
#[derive(Debug)]
pub struct Mailbox {
    name: String,
    /// `seq_sent` at the last reset, less what was then still queued or in flight: `sent` is
    /// `seq_sent - sent_base`, so a send moves one counter, not two.
    sent_base: AtomicU64,
    /// Timer passes and self-counted messages ([`Mailbox::tick`]): sent and taken up at once,
    /// so they never queue and stay out of the sequence numbers.
    ticks: AtomicU64,
    handled: AtomicU64,
    refused: AtomicU64,
    max_queued: AtomicU64,
    in_flight: AtomicU64,
    busy_ns: AtomicU64,
    max_ns: AtomicU64,
    buckets: [AtomicU64; BUCKETS],
    /// Messages ever sent and ever taken up, never reset: they index `stamps`.
    seq_sent: AtomicU64,
    seq_started: AtomicU64,
    /// Send times as raw [`Stamp`]s (never 0, so 0 means none), by sequence number.
    stamps: [AtomicU64; STAMPS],
    enabled: AtomicBool,
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
    /// How long the oldest message still queued has waited, in microseconds.
    pub oldest_wait_us: u64,
}

impl Mailbox {
    fn new(name: String) -> Self {
        Mailbox {
            name,
            sent_base: AtomicU64::new(0),
            ticks: AtomicU64::new(0),
            handled: AtomicU64::new(0),
            refused: AtomicU64::new(0),
            max_queued: AtomicU64::new(0),
            in_flight: AtomicU64::new(0),
            busy_ns: AtomicU64::new(0),
            max_ns: AtomicU64::new(0),
            buckets: std::array::from_fn(|_| AtomicU64::new(0)),
            seq_sent: AtomicU64::new(0),
            seq_started: AtomicU64::new(0),
            stamps: std::array::from_fn(|_| AtomicU64::new(0)),
            enabled: AtomicBool::new(true),
        }
    }

    /// Turns counting on or off (`mailbox-metrics`). Turned back on, it forgets what was
    /// queued meanwhile, since those sends were not counted.
    pub fn set_enabled(&self, on: bool) {
        if on && !self.enabled.load(Relaxed) {
            self.seq_started.store(self.seq_sent.load(Relaxed), Relaxed);
        }
        self.enabled.store(on, Relaxed);
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Called by the sender right before a message enters the mailbox.
    pub fn sent(&self) {
        if !self.enabled.load(Relaxed) {
            return;
        }
        let seq = self.seq_sent.fetch_add(1, Relaxed);
        let at = Stamp::now().raw();
        self.stamps[seq as usize % STAMPS].store(at, Relaxed);
        let queued = (seq + 1).saturating_sub(self.seq_started.load(Relaxed));
        if queued > self.max_queued.load(Relaxed) {
            self.max_queued.fetch_max(queued, Relaxed);
        }
    }

    /// A timer pass, which actix runs outside the mailbox, or a message nobody counted on the
    /// way in: counted as sent and taken up at once, so that handled never exceeds sent. It
    /// never waited, so the queue and its oldest wait are left alone.
    pub fn tick(self: &Arc<Self>) -> Handling {
        let h = self.open();
        if h.mailbox.is_some() {
            bump(&self.ticks, 1);
        }
        h
    }

    /// A message about to be sent to an actor that is (`open`) or is not alive any more.
    fn entering(&self, open: bool) {
        if open {
            self.sent();
        } else {
            self.refused();
        }
    }

    /// A message that could not be delivered (mailbox closed or full).
    pub fn refused(&self) {
        self.refused.fetch_add(1, Relaxed);
    }

    /// Opens the guard a handler holds while it works on one message.
    pub fn handling(self: &Arc<Self>) -> Handling {
        let h = self.open();
        // Clamped: a message sent before counting was turned on is not in `seq_sent`.
        if h.mailbox.is_some() && self.seq_started.load(Relaxed) < self.seq_sent.load(Relaxed) {
            bump(&self.seq_started, 1);
        }
        h
    }

    /// The guard of one handled message, without saying where the message came from.
    fn open(self: &Arc<Self>) -> Handling {
        let start = Stamp::now();
        if !self.enabled.load(Relaxed) {
            return Handling {
                mailbox: None,
                start,
            };
        }
        bump(&self.in_flight, 1);
        Handling {
            mailbox: Some(self.clone()),
            start,
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
        let kept = queued + self.in_flight.load(Relaxed);
        self.sent_base
            .store(self.seq_sent.load(Relaxed).saturating_sub(kept), Relaxed);
        self.ticks.store(0, Relaxed);
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
        self.seq_sent
            .load(Relaxed)
            .saturating_sub(self.seq_started.load(Relaxed))
    }

    /// How long the oldest queued message has waited, in microseconds (0 when none waits).
    pub fn oldest_wait_us(&self) -> u64 {
        let sent = self.seq_sent.load(Relaxed);
        let started = self.seq_started.load(Relaxed);
        if started >= sent {
            return 0;
        }
        let oldest = started.max(sent.saturating_sub(STAMPS as u64));
        let at = self.stamps[oldest as usize % STAMPS].load(Relaxed);
        if at == 0 {
            return 0;
        }
        Stamp::now().ns_since(Stamp::from_raw(at)) / 1000
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
            sent: self
                .seq_sent
                .load(Relaxed)
                .saturating_sub(self.sent_base.load(Relaxed))
                + self.ticks.load(Relaxed),
            handled: self.handled.load(Relaxed),
            queued: self.queued(),
            max_queued: self.max_queued.load(Relaxed),
            in_flight: self.in_flight.load(Relaxed),
            refused: self.refused.load(Relaxed),
            busy_us: self.busy_ns.load(Relaxed) / 1000,
            p50_us: quantile(0.5),
            p99_us: quantile(0.99),
            max_us: self.max_ns.load(Relaxed) as f64 / 1000.0,
            oldest_wait_us: self.oldest_wait_us(),
        }
    }
}

/// Held by a handler while it processes one message; records the time on drop.
pub struct Handling {
    mailbox: Option<Arc<Mailbox>>,
    start: Stamp,
}

impl Handling {
    /// When handling began: handlers that need "now" can reuse it instead of reading the clock.
    pub fn started(&self) -> Stamp {
        self.start
    }
}

impl Drop for Handling {
    fn drop(&mut self) {
        if let Some(m) = &self.mailbox {
            m.done(self.start.elapsed_ns());
        }
    }
}

/// A peer whose sends are counted in its mailbox: the sender holds the receiver's
/// [`Mailbox`] next to its address, so that queue depth and waits are known without actix's
/// help. Wraps a `Recipient<M>` or an `Addr<A>`.
pub struct Counted<T> {
    to: T,
    mailbox: Arc<Mailbox>,
}

impl<T: Clone> Clone for Counted<T> {
    fn clone(&self) -> Self {
        Counted {
            to: self.to.clone(),
            mailbox: self.mailbox.clone(),
        }
    }
}

impl<T> Counted<T> {
    pub fn new(to: T, mailbox: Arc<Mailbox>) -> Self {
        Counted { to, mailbox }
    }

    /// The receiver's mailbox.
    pub fn mailbox(&self) -> &Arc<Mailbox> {
        &self.mailbox
    }
}

impl<M> Counted<Recipient<M>>
where
    M: Message + Send,
    M::Result: Send,
{
    pub fn do_send(&self, msg: M) {
        self.mailbox.entering(self.to.connected());
        self.to.do_send(msg);
    }

    pub fn send(&self, msg: M) -> actix::prelude::RecipientRequest<M> {
        self.mailbox.entering(self.to.connected());
        self.to.send(msg)
    }
}

impl<A: Actor> Counted<Addr<A>> {
    pub fn do_send<M>(&self, msg: M)
    where
        M: Message + Send + 'static,
        M::Result: Send,
        A: Handler<M>,
        A::Context: ToEnvelope<A, M>,
    {
        self.mailbox.entering(self.to.connected());
        self.to.do_send(msg);
    }

    pub fn send<M>(&self, msg: M) -> actix::dev::Request<A, M>
    where
        M: Message + Send + 'static,
        M::Result: Send,
        A: Handler<M>,
        A::Context: ToEnvelope<A, M>,
    {
        self.mailbox.entering(self.to.connected());
        self.to.send(msg)
    }

    /// The same actor as a counted recipient of one of its messages.
    pub fn recipient<M>(&self) -> Counted<Recipient<M>>
    where
        M: Message + Send + 'static,
        M::Result: Send,
        A: Handler<M>,
        A::Context: ToEnvelope<A, M>,
    {
        Counted::new(self.to.clone().recipient(), self.mailbox.clone())
    }
}

/// Every live actor's mailbox by its stable name (`keyspace/0`, `conn/17`, `listener/127.0.0.1:6379`).
#[derive(Debug)]
pub struct MailboxRegistry {
    boxes: DashMap<String, Arc<Mailbox>>,
    /// Connections' mailboxes while `mailbox-metrics-connections` is off: listed nowhere, but
    /// still reached when counting is turned off or on.
    unlisted: DashMap<String, Arc<Mailbox>>,
    /// `mailbox-metrics`: counting on at all.
    enabled: AtomicBool,
    /// `mailbox-metrics-connections`: each connection listed under `conn/<id>`.
    connections: AtomicBool,
}

impl Default for MailboxRegistry {
    fn default() -> Self {
        MailboxRegistry {
            boxes: DashMap::new(),
            unlisted: DashMap::new(),
            enabled: AtomicBool::new(true),
            connections: AtomicBool::new(true),
        }
    }
}

impl MailboxRegistry {
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers (or finds again) the mailbox called `name`.
    pub fn register(&self, name: impl Into<String>) -> Arc<Mailbox> {
        Self::register_in(&self.boxes, name.into(), self.enabled.load(Relaxed))
    }

    fn register_in(map: &DashMap<String, Arc<Mailbox>>, name: String, on: bool) -> Arc<Mailbox> {
        map.entry(name.clone())
            .or_insert_with(|| {
                let m = Mailbox::new(name);
                m.set_enabled(on);
                Arc::new(m)
            })
            .clone()
    }

    /// A client connection's mailbox: registered like any other, unless per-connection detail
    /// is off, when it is listed nowhere.
    pub fn register_connection(&self, name: impl Into<String>) -> Arc<Mailbox> {
        let map = if self.connections.load(Relaxed) {
            &self.boxes
        } else {
            &self.unlisted
        };
        Self::register_in(map, name.into(), self.enabled.load(Relaxed))
    }

    /// `mailbox-metrics yes|no`: every mailbox, listed or not, and those registered later.
    pub fn set_enabled(&self, on: bool) {
        self.enabled.store(on, Relaxed);
        for m in self.boxes.iter().chain(self.unlisted.iter()) {
            m.set_enabled(on);
        }
    }

    /// `mailbox-metrics-connections yes|no`: off unlists the connections at once, on lists
    /// them again.
    pub fn set_connection_detail(&self, on: bool) {
        self.connections.store(on, Relaxed);
        let (from, to) = if on {
            (&self.unlisted, &self.boxes)
        } else {
            (&self.boxes, &self.unlisted)
        };
        let moved: Vec<String> = from
            .iter()
            .filter(|m| kind_of(m.key()) == "conn")
            .map(|m| m.key().clone())
            .collect();
        for name in moved {
            if let Some((name, m)) = from.remove(&name) {
                to.insert(name, m);
            }
        }
    }

    /// Forgets a mailbox whose actor stopped.
    pub fn unregister(&self, name: &str) {
        self.boxes.remove(name);
        self.unlisted.remove(name);
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
        for m in self.boxes.iter().chain(self.unlisted.iter()) {
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

    #[test]
    fn oldest_wait_follows_the_queue_head() {
        let m = MailboxRegistry::new().register("keyspace/0");
        assert_eq!(m.oldest_wait_us(), 0);
        m.sent();
        std::thread::sleep(std::time::Duration::from_millis(20));
        m.sent();
        let first = m.oldest_wait_us();
        assert!(first >= 20_000, "{first}");
        // The first message is taken up: the second is now the oldest, and it is younger.
        let h = m.handling();
        let second = m.oldest_wait_us();
        assert!(second < first, "{second} vs {first}");
        drop(h);
        drop(m.handling());
        assert_eq!(m.oldest_wait_us(), 0);
        assert_eq!(m.snapshot().oldest_wait_us, 0);
    }

    #[test]
    fn oldest_wait_past_the_ring_is_a_lower_bound() {
        let m = MailboxRegistry::new().register("conn/1");
        m.sent();
        std::thread::sleep(std::time::Duration::from_millis(20));
        for _ in 0..STAMPS {
            m.sent();
        }
        // The first send time was overwritten: what is shown is younger than 20 ms but the
        // queue is still known to be STAMPS + 1 long.
        assert!(m.oldest_wait_us() < 20_000);
        assert_eq!(m.queued(), STAMPS as u64 + 1);
    }

    #[test]
    fn ticks_count_as_sent_and_handled() {
        let m = MailboxRegistry::new().register("sentinel/mymaster");
        drop(m.tick());
        let s = m.snapshot();
        assert_eq!((s.sent, s.handled, s.queued), (1, 1, 0));
        // A timer pass while a message waits does not take the waiting message's place.
        m.sent();
        std::thread::sleep(std::time::Duration::from_millis(2));
        drop(m.tick());
        let s = m.snapshot();
        assert_eq!((s.sent, s.handled, s.queued), (3, 2, 1));
        assert!(s.oldest_wait_us >= 2000, "{}", s.oldest_wait_us);
        m.reset();
        drop(m.handling());
        let s = m.snapshot();
        assert_eq!((s.sent, s.handled, s.queued), (1, 1, 0));
    }

    #[test]
    fn turned_off_counts_nothing_and_comes_back_clean() {
        let reg = MailboxRegistry::new();
        let m = reg.register("keyspace/0");
        reg.set_enabled(false);
        m.sent();
        drop(m.handling());
        let later = reg.register("conn/9");
        later.sent();
        assert_eq!(m.snapshot().sent, 0);
        assert_eq!(later.snapshot().sent, 0);
        // Sent while off, handled after: no negative queue, no phantom wait.
        m.sent();
        reg.set_enabled(true);
        drop(m.handling());
        let s = m.snapshot();
        assert_eq!((s.queued, s.oldest_wait_us, s.handled), (0, 0, 1));
    }

    #[test]
    fn connection_detail_off_hides_connections() {
        let reg = MailboxRegistry::new();
        reg.register_connection("conn/1");
        reg.register("keyspace/0");
        reg.set_connection_detail(false);
        let hidden = reg.register_connection("conn/2");
        hidden.sent();
        assert_eq!(hidden.queued(), 1);
        let names: Vec<_> = reg.snapshots().into_iter().map(|s| s.name).collect();
        assert_eq!(names, ["keyspace/0"]);
        // Unlisted, but still switched off and on with everything else.
        reg.set_enabled(false);
        hidden.sent();
        assert_eq!(hidden.queued(), 1);
        reg.set_enabled(true);
        // Listed again: both connections, old and new.
        reg.set_connection_detail(true);
        let names: Vec<_> = reg.snapshots().into_iter().map(|s| s.name).collect();
        assert_eq!(names, ["conn/1", "conn/2", "keyspace/0"]);
        reg.unregister("conn/2");
        reg.set_connection_detail(false);
        reg.set_connection_detail(true);
        let names: Vec<_> = reg.snapshots().into_iter().map(|s| s.name).collect();
        assert_eq!(names, ["conn/1", "keyspace/0"]);
    }

    #[actix_rt::test]
    async fn counted_peers_count_sends_and_refusals() {
        use actix::{Actor, ActorContext, Context, Handler, Message};
        #[derive(Message)]
        #[rtype(result = "u32")]
        struct Ping;
        #[derive(Message)]
        #[rtype(result = "()")]
        struct Quit;
        struct Probe(Arc<Mailbox>);
        impl Actor for Probe {
            type Context = Context<Self>;
        }
        impl Handler<Quit> for Probe {
            type Result = ();
            fn handle(&mut self, _: Quit, ctx: &mut Context<Self>) {
                ctx.stop();
            }
        }
        impl Handler<Ping> for Probe {
            type Result = u32;
            fn handle(&mut self, _: Ping, _: &mut Context<Self>) -> u32 {
                let _h = self.0.handling();
                7
            }
        }
        let reg = MailboxRegistry::new();
        let mb = reg.register("probe/1");
        let addr = Probe(mb.clone()).start();
        let peer = Counted::new(addr.clone(), mb.clone());
        assert_eq!(peer.send(Ping).await.unwrap(), 7);
        let as_recipient = peer.recipient::<Ping>();
        assert_eq!(as_recipient.send(Ping).await.unwrap(), 7);
        let s = mb.snapshot();
        assert_eq!((s.sent, s.handled, s.queued), (2, 2, 0));
        addr.send(Quit).await.unwrap();
        for _ in 0..100 {
            if !addr.connected() {
                break;
            }
            actix_rt::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        // A stopped actor: refused, not queued.
        assert!(as_recipient.send(Ping).await.is_err());
        peer.do_send(Ping);
        let s = mb.snapshot();
        assert_eq!((s.refused, s.queued), (2, 0));
    }
}
