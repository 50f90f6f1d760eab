//! The keyspace's pure state: the databases, lazy expiry and the counters INFO reports.

use super::db::{Db, Entry, Slot};
use crate::server::Rng;

/// Counters owned by the keyspace (no atomics needed: only its actor touches them).
#[derive(Debug, Default, Clone)]
pub struct KeyspaceStats {
    pub expired_keys: u64,
    pub keyspace_hits: u64,
    pub keyspace_misses: u64,
    pub total_commands_processed: u64,
    pub total_error_replies: u64,
    /// Successful saves (INFO persistence `rdb_saves`).
    pub rdb_saves: u64,
    /// Keys the last load at startup brought in (`rdb_last_load_keys_loaded`).
    pub keys_loaded: u64,
    /// `instantaneous_ops_per_sec`, `_input_kbps`, `_output_kbps`.
    pub ops_rate: crate::stats::RateSampler,
    pub input_rate: crate::stats::RateSampler,
    pub output_rate: crate::stats::RateSampler,
    /// Error replies by their first word (`ERR`, `WRONGTYPE` ...), for INFO errorstats.
    pub error_counts: std::collections::BTreeMap<String, u64>,
    /// Per-command counters and latencies (INFO commandstats / latencystats).
    pub commands: crate::cmdstats::CommandStats,
}

impl KeyspaceStats {
    /// Counts an error reply under its prefix, as INFO errorstats shows it.
    pub fn count_error(&mut self, msg: &str) {
        self.total_error_replies += 1;
        let prefix = msg.split(' ').next().unwrap_or("ERR");
        match self.error_counts.get_mut(prefix) {
            Some(n) => *n += 1,
            None => {
                // Redis caps distinct prefixes at 128 to bound memory.
                if self.error_counts.len() < 128 {
                    self.error_counts.insert(prefix.to_string(), 1);
                }
            }
        }
    }
}

/// A keyspace event waiting to be published once the command that caused it is done.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyEvent {
    pub class: u32,
    pub event: &'static str,
    pub db: usize,
    pub key: Vec<u8>,
}

/// CLIENT PAUSE: until when, and whether reads are held too.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pause {
    /// Unix ms; 0 when there is no pause.
    pub until: u64,
    pub all: bool,
}

impl Pause {
    /// Whether the pause holds `spec` for this client now: every command in ALL mode; in
    /// WRITE mode writes, commands that may replicate (PUBLISH ...), and an EXEC with a write
    /// queued, as Redis's `processCommand` decides.
    pub fn holds(
        &self,
        spec: &crate::cmd::CommandSpec,
        session: &crate::session::Session,
        now: u64,
    ) -> bool {
        if self.until <= now {
            return false;
        }
        self.all || Pause::writes(spec, session)
    }

    /// What a WRITE pause holds: writes, commands that may replicate (PUBLISH ...), and an
    /// EXEC with a write queued.
    pub fn writes(spec: &crate::cmd::CommandSpec, session: &crate::session::Session) -> bool {
        use crate::cmd::flags::{MAY_REPLICATE, WRITE};
        spec.flags & (WRITE | MAY_REPLICATE) != 0 || (spec.name == "exec" && session.multi_writes)
    }
}

pub struct Keyspace {
    pub dbs: Vec<Db>,
    /// CLIENT PAUSE in force.
    pub pause: Pause,
    /// Events of the running command, for `notify-keyspace-events`.
    pub events: Vec<KeyEvent>,
    /// `notify-keyspace-events` as of this batch: events of other classes are not even queued.
    pub notify_flags: u32,
    /// Keys written since blocked clients were last served: (db, key).
    pub ready: Vec<(usize, Vec<u8>)>,
    /// Keys some client WATCHes, with the watchers' ids: a write marks them dirty.
    pub watched: std::collections::HashMap<(usize, Vec<u8>), Vec<u64>>,
    /// Clients whose EXEC must fail because a watched key changed.
    pub dirty_cas: std::collections::HashSet<u64>,
    /// Clients parked by blocking commands.
    pub blocked: super::blocked::Blocked,
    /// Changes since the last save, as Redis's `server.dirty`.
    pub dirty: u64,
    /// Unix seconds of the last successful save (LASTSAVE); start time until one happens.
    pub lastsave: u64,
    pub stats: KeyspaceStats,
    pub rng: Rng,
    /// Writes to hand on to the AOF and replicas.
    pub prop: super::propagate::Propagation,
    /// BGSAVE and AOF rewrite bookkeeping.
    pub bg: super::background::BgStatus,
    /// Set while our master's stream is applied: nothing expires under it.
    pub applying_master: bool,
    /// Set while a parked client's command is run again because a key it waits on was written.
    pub serving_blocked: bool,
    /// `lazyfree-lazy-expire`: expirations propagate as UNLINK instead of DEL.
    pub lazy_expire: bool,
    /// DEBUG SET-ACTIVE-EXPIRE: whether the cron deletes due keys.
    pub active_expire_enabled: bool,
    /// FAILOVER in progress, if any.
    pub failover: Option<super::replication::Failover>,
    /// Replication: our history and the stream not yet handed on.
    pub repl: super::replication::ReplicationState,
    /// The AOF writer's status, when `appendonly yes`.
    pub aof_status: Option<std::sync::Arc<crate::aof::writer::AofStatus>>,
    /// What the slow log, the latency monitor and stats read from the configuration.
    pub trace_cfg: crate::trace::TraceConfig,
    pub slowlog: crate::trace::SlowLog,
    pub latency: crate::trace::LatencyMonitor,
    /// Clients in MONITOR mode.
    pub monitors: Vec<crate::trace::Monitor>,
}

impl Keyspace {
    /// Whether a command waits: for CLIENT PAUSE, or, while a FAILOVER runs, for the handover
    /// if it writes. The two are separate reasons, as in Redis (`PAUSE_BY_CLIENT_COMMAND`,
    /// `PAUSE_DURING_FAILOVER`): CLIENT UNPAUSE does not end the failover's, nor the end of a
    /// failover a client's.
    pub fn holds(
        &self,
        spec: &crate::cmd::CommandSpec,
        session: &crate::session::Session,
        now: u64,
    ) -> bool {
        self.pause.holds(spec, session, now)
            || (self.failover.is_some() && Pause::writes(spec, session))
    }

    pub fn new(databases: usize, seed: u64) -> Self {
        Keyspace {
            dbs: (0..databases.max(1)).map(|_| Db::new()).collect(),
            pause: Pause::default(),
            events: Vec::new(),
            notify_flags: 0,
            ready: Vec::new(),
            watched: Default::default(),
            dirty_cas: Default::default(),
            blocked: Default::default(),
            dirty: 0,
            lastsave: crate::server::unix_ms() / 1000,
            stats: KeyspaceStats::default(),
            rng: Rng::new(seed),
            prop: Default::default(),
            bg: Default::default(),
            aof_status: None,
            failover: None,
            repl: super::replication::ReplicationState::new(crate::server::random_hex(
                40,
                seed.rotate_left(29),
            )),
            active_expire_enabled: true,
            serving_blocked: false,
            applying_master: false,
            lazy_expire: false,
            trace_cfg: Default::default(),
            slowlog: Default::default(),
            latency: Default::default(),
            monitors: Vec::new(),
        }
    }

    /// Redis's `signalModifiedKey`: invalidates WATCHes on the key and, if a client is blocked
    /// on it, queues it to be served.
    pub fn signal_modified(&mut self, db: usize, key: &[u8]) {
        if !self.watched.is_empty() {
            if let Some(ids) = self.watched.get(&(db, key.to_vec())) {
                self.dirty_cas.extend(ids.iter().copied());
            }
        }
        if !self.blocked.is_empty() && self.blocked.is_waited_on(db, key) {
            self.ready.push((db, key.to_vec()));
        }
    }

    /// A key removed because it expired: `expired` event and WATCH invalidation, as Redis's
    /// `deleteExpiredKeyAndPropagate`.
    fn expired(&mut self, db: usize, key: &[u8]) {
        if self.prop.enabled {
            let del = bytes::Bytes::from_static(if self.lazy_expire { b"UNLINK" } else { b"DEL" });
            self.prop
                .push(db, vec![del, bytes::Bytes::copy_from_slice(key)]);
        }
        self.notify(crate::notify::EXPIRED, "expired", db, key);
        self.signal_modified(db, key);
    }

    /// Redis's `touchAllWatchedKeysInDb` for FLUSHDB/FLUSHALL/SWAPDB: every watched key of
    /// `db` that exists is now changed.
    pub fn touch_watched_in_db(&mut self, db: usize) {
        let hit: Vec<u64> = self
            .watched
            .iter()
            .filter(|((d, k), _)| *d == db && self.dbs[db].get(k).is_some())
            .flat_map(|(_, ids)| ids.iter().copied())
            .collect();
        self.dirty_cas.extend(hit);
    }

    /// Redis's `scanDatabaseForReadyKeys` after SWAPDB: waited-on keys that now exist in `db`
    /// are ready.
    pub fn scan_ready_keys(&mut self, db: usize) {
        for key in self.blocked.keys_in_db(db) {
            if self.dbs[db].get(&key).is_some() {
                self.ready.push((db, key));
            }
        }
    }

    /// Redis's `notifyKeyspaceEvent`: queued, published after the command.
    pub fn notify(&mut self, class: u32, event: &'static str, db: usize, key: &[u8]) {
        if self.notify_flags & class == 0 {
            return;
        }
        self.events.push(KeyEvent {
            class,
            event,
            db,
            key: key.to_vec(),
        });
    }

    /// The replication offset including every write finished so far (WAIT's target).
    pub fn repl_offset_now(&mut self) -> i64 {
        let Keyspace { prop, repl, .. } = self;
        repl.feed_ops(prop.unstreamed());
        repl.history.offset
    }

    pub fn db(&mut self, i: usize) -> &mut Db {
        &mut self.dbs[i]
    }

    /// Where `key` is for a command: as [`Db::live_index`], except on a replica, which never
    /// deletes on its own (its master's DEL does): an expired key is only hidden from its
    /// clients, and our master's stream sees every key.
    fn slot(&mut self, db: usize, key: &[u8], now: u64) -> Slot {
        if self.repl.master.is_none() {
            return self.dbs[db].live_index(key, now);
        }
        match self.dbs[db].index_of(key) {
            None => Slot::Missing,
            Some(i) if self.applying_master || !self.dbs[db].is_expired(key, now) => Slot::Live(i),
            Some(_) => Slot::Missing,
        }
    }

    /// Deletes `key` if it is expired at `now`; true when it did.
    pub fn expire_if_needed(&mut self, db: usize, key: &[u8], now: u64) -> bool {
        if self.repl.master.is_some() {
            return !self.applying_master && self.dbs[db].is_expired(key, now);
        }
        let d = &mut self.dbs[db];
        if d.is_expired(key, now) {
            d.remove(key);
            self.stats.expired_keys += 1;
            self.expired(db, key);
            true
        } else {
            false
        }
    }

    /// Lookup for a read: expires lazily and counts keyspace hits and misses.
    pub fn read(&mut self, db: usize, key: &[u8], now: u64) -> Option<&mut Entry> {
        self.lookup(db, key, now, true)
    }

    /// Lookup for a read that raises no `keymiss` event (Redis's LOOKUP_NONOTIFY).
    pub fn read_quiet(&mut self, db: usize, key: &[u8], now: u64) -> Option<&mut Entry> {
        self.lookup(db, key, now, false)
    }

    /// The read path with one hash lookup: lazy expiry, hit/miss counters, `keymiss`.
    fn lookup(&mut self, db: usize, key: &[u8], now: u64, keymiss: bool) -> Option<&mut Entry> {
        let slot = match self.slot(db, key, now) {
            Slot::Live(i) => Some(i),
            Slot::Missing => None,
            Slot::Expired => {
                self.stats.expired_keys += 1;
                self.expired(db, key);
                None
            }
        };
        match slot {
            Some(i) => {
                self.stats.keyspace_hits += 1;
                Some(self.dbs[db].at_mut(i))
            }
            None => {
                self.stats.keyspace_misses += 1;
                if keymiss {
                    self.notify(crate::notify::KEY_MISS, "keymiss", db, key);
                }
                None
            }
        }
    }

    /// Lookup for a write: expires lazily, counts nothing.
    pub fn write(&mut self, db: usize, key: &[u8], now: u64) -> Option<&mut Entry> {
        match self.slot(db, key, now) {
            Slot::Live(i) => Some(self.dbs[db].at_mut(i)),
            Slot::Missing => None,
            Slot::Expired => {
                self.stats.expired_keys += 1;
                self.expired(db, key);
                None
            }
        }
    }

    /// Whether a live key exists (expiring it if due), without touching hit counters.
    pub fn exists(&mut self, db: usize, key: &[u8], now: u64) -> bool {
        self.write(db, key, now).is_some()
    }

    /// Deletes a key, live or not; true when a live key was removed.
    pub fn delete(&mut self, db: usize, key: &[u8], now: u64) -> bool {
        if self.expire_if_needed(db, key, now) {
            return false;
        }
        self.dbs[db].remove(key).is_some()
    }

    /// One pass of active expiry over every database: deletes up to `budget` due keys in total.
    /// Returns how many were deleted.
    pub fn active_expire(&mut self, now: u64, budget: usize) -> usize {
        if !self.active_expire_enabled || self.repl.master.is_some() {
            return 0;
        }
        let mut done = 0;
        let mut expired = Vec::new();
        for (i, d) in self.dbs.iter_mut().enumerate() {
            if done >= budget {
                break;
            }
            for k in d.due(now, budget - done) {
                d.remove(&k);
                done += 1;
                expired.push((i, k));
            }
        }
        self.stats.expired_keys += done as u64;
        for (db, k) in expired {
            self.expired(db, &k);
        }
        done
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyspace::value::Value;

    /// (CLIENT PAUSE, failover running, command, held): the two reasons hold independently.
    #[test]
    fn client_pause_and_failover_hold_writes_independently() {
        let table = crate::cmd::CommandTable::new();
        let session = crate::session::Session::new(1, true);
        let failover = super::super::replication::Failover {
            target: None,
            force: false,
            deadline_ms: 0,
            in_progress: false,
        };
        let now = 1_000;
        let write_pause = Pause {
            until: now + 500,
            all: false,
        };
        let all_pause = Pause {
            until: now + 500,
            all: true,
        };
        let ended = Pause {
            until: now - 1,
            all: true,
        };
        let cases = [
            (Pause::default(), false, "set", false),
            (Pause::default(), true, "set", true),
            (Pause::default(), true, "get", false),
            (Pause::default(), true, "publish", true),
            (ended, true, "set", true),
            (ended, true, "get", false),
            (write_pause, false, "set", true),
            (write_pause, false, "get", false),
            (all_pause, true, "get", true),
            (ended, false, "set", false),
        ];
        for (pause, failing_over, cmd, held) in cases {
            let mut ks = Keyspace::new(1, 1);
            ks.pause = pause;
            ks.failover = failing_over.then(|| failover.clone());
            let spec = table.lookup(cmd.as_bytes()).unwrap();
            assert_eq!(
                ks.holds(spec, &session, now),
                held,
                "{pause:?} failover={failing_over} {cmd}"
            );
        }
    }

    #[test]
    fn read_misses_raise_keymiss_only_when_enabled() {
        let mut ks = Keyspace::new(1, 1);
        assert!(ks.read(0, b"nope", 0).is_none());
        assert!(ks.events.is_empty());
        ks.notify_flags = crate::notify::KEY_MISS;
        assert!(ks.read(0, b"nope", 0).is_none());
        assert_eq!(ks.events.len(), 1);
        assert_eq!(
            (ks.events[0].event, &ks.events[0].key[..]),
            ("keymiss", &b"nope"[..])
        );
    }

    #[test]
    fn lazy_and_active_expiry() {
        let mut ks = Keyspace::new(2, 1);
        ks.db(0).insert(b"a", Value::str(b"1"), 100);
        ks.db(1).insert(b"b", Value::str(b"1"), 100);
        ks.db(1).insert(b"c", Value::str(b"1"), 0);
        assert!(ks.read(0, b"a", 99).is_some());
        assert!(ks.read(0, b"a", 100).is_none());
        assert_eq!((ks.stats.keyspace_hits, ks.stats.keyspace_misses), (1, 1));
        assert_eq!(ks.stats.expired_keys, 1);
        assert_eq!(ks.active_expire(200, 10), 1);
        assert_eq!(ks.dbs.iter().map(|d| d.len()).sum::<usize>(), 1);
        assert!(!ks.delete(1, b"zz", 0));
        assert!(ks.delete(1, b"c", 0));
    }
}
