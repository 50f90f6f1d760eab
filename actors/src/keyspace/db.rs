//! One numbered database: the key table and its expiry index.

use super::value::Value;
use indexmap::IndexMap;
use std::collections::BTreeSet;

pub type Key = Box<[u8]>;

/// What [`Db::live_index`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    Live(usize),
    Missing,
    /// It was there but expired, and has just been removed.
    Expired,
}

/// A value and its absolute expiry time in Unix ms (0: no expiry).
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub value: Value,
    pub expire_at: u64,
    /// The database's epoch when the entry was last written: a snapshot owes the file every
    /// entry older than itself.
    pub epoch: u32,
}

/// The keys of one database.
///
/// Keys sit in an insertion-ordered map whose removals swap the last key into the hole. SCAN
/// walks indices downwards, so a key present for the whole scan is never skipped: only the last
/// key ever moves, into a lower slot, which can only cause a repeat, as Redis allows.
/// Expiry times are also kept in a sorted index so the active cycle finds due keys directly.
#[derive(Debug, Default)]
pub struct Db {
    keys: IndexMap<Key, Entry>,
    expires: BTreeSet<(u64, Key)>,
    expire_sum: u128,
    /// What new and rewritten entries are stamped with; a snapshot starts a new epoch.
    epoch: u32,
    /// The snapshot being written, if any: see [`super::snapshot`].
    snap: Option<Box<DbSnap>>,
}

/// A database's part of a running snapshot.
///
/// The snapshot walks slots upwards; `cursor` is the first slot not yet visited. An entry
/// stamped with an epoch older than the snapshot's is still owed: it is written before anything
/// changes or removes it, so the file holds the database as it was when the snapshot began.
#[derive(Debug)]
pub struct DbSnap {
    /// The database number the snapshot began with (SWAPDB moves databases around).
    pub origin: usize,
    pub epoch: u32,
    pub cursor: usize,
    /// Keys and keys-with-expiry when the snapshot began, for RESIZEDB.
    pub len: usize,
    pub expires: usize,
    /// The table FLUSHDB emptied, still owed to the snapshot.
    detached: Option<IndexMap<Key, Entry>>,
    /// Encoded entries not yet handed to the writer.
    pub buf: Vec<u8>,
    format: SnapshotFormat,
}

/// How a snapshot encodes entries: an RDB (LZF-compressed strings or not), or the commands of an
/// AOF base written without the RDB preamble.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotFormat {
    Rdb { compression: bool },
    Commands,
}

impl SnapshotFormat {
    pub fn put_entry(self, buf: &mut Vec<u8>, key: &[u8], entry: &Entry) {
        match self {
            SnapshotFormat::Rdb { compression } => {
                crate::rdb::write::put_entry(buf, key, entry, compression)
            }
            SnapshotFormat::Commands => crate::aof::rewrite::put_entry(buf, key, entry),
        }
    }
}

impl Db {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Keys with an expiry set.
    pub fn expires_len(&self) -> usize {
        self.expires.len()
    }

    /// Average remaining time to live in ms of the keys that have one, as INFO keyspace's avg_ttl.
    pub fn avg_ttl(&self, now: u64) -> u64 {
        if self.expires.is_empty() {
            return 0;
        }
        let avg = (self.expire_sum / self.expires.len() as u128) as u64;
        avg.saturating_sub(now)
    }

    /// Whether the key exists and is expired at `now`.
    pub fn is_expired(&self, key: &[u8], now: u64) -> bool {
        matches!(self.keys.get(key), Some(e) if e.expire_at != 0 && e.expire_at <= now)
    }

    pub fn get(&self, key: &[u8]) -> Option<&Entry> {
        self.keys.get(key)
    }

    pub fn get_mut(&mut self, key: &[u8]) -> Option<&mut Entry> {
        let i = self.keys.get_index_of(key)?;
        Some(self.at_mut(i))
    }

    /// The slot of `key`, expired or not.
    pub fn index_of(&self, key: &[u8]) -> Option<usize> {
        self.keys.get_index_of(key)
    }

    /// Where the live entry under `key` is, with one hash lookup; an entry expired at `now`
    /// is removed on the way.
    pub fn live_index(&mut self, key: &[u8], now: u64) -> Slot {
        let Some(i) = self.keys.get_index_of(key) else {
            return Slot::Missing;
        };
        let at = self.keys[i].expire_at;
        if at != 0 && at <= now {
            self.remove(key);
            return Slot::Expired;
        }
        Slot::Live(i)
    }

    /// The entry in slot `i` (from [`Db::live_index`]).
    pub fn at_mut(&mut self, i: usize) -> &mut Entry {
        if self.snap.is_some() {
            self.settle(i);
        }
        &mut self.keys[i]
    }

    /// Stores `value` under `key` with expiry `expire_at` (0: none), replacing any old entry.
    pub fn insert(&mut self, key: &[u8], value: Value, expire_at: u64) {
        if let Some(e) = self.get_mut(key) {
            let old = std::mem::replace(&mut e.expire_at, expire_at);
            e.value = value;
            if old != expire_at {
                self.unindex(key, old);
                self.index(key, expire_at);
            }
        } else {
            let epoch = self.epoch;
            self.keys.insert(
                key.into(),
                Entry {
                    value,
                    expire_at,
                    epoch,
                },
            );
            self.index(key, expire_at);
        }
    }

    /// Replaces the value of an existing key, keeping its expiry; inserts without one otherwise.
    pub fn set_keep_ttl(&mut self, key: &[u8], value: Value) {
        match self.get_mut(key) {
            Some(e) => e.value = value,
            None => self.insert(key, value, 0),
        }
    }

    pub fn remove(&mut self, key: &[u8]) -> Option<Entry> {
        let i = self.keys.get_index_of(key)?;
        if self.snap.is_some() {
            self.settle(i);
            // The last entry moves into the hole; below the cursor it would never be visited.
            let last = self.keys.len() - 1;
            if self.snap.as_ref().is_some_and(|s| i < s.cursor) {
                self.settle(last);
            }
        }
        let (_, e) = self.keys.swap_remove_index(i)?;
        self.unindex(key, e.expire_at);
        Some(e)
    }

    /// Sets the expiry of an existing key; returns false when there is no such key.
    pub fn set_expire(&mut self, key: &[u8], at: u64) -> bool {
        let Some(e) = self.get_mut(key) else {
            return false;
        };
        let old = std::mem::replace(&mut e.expire_at, at);
        if old != at {
            self.unindex(key, old);
            self.index(key, at);
        }
        true
    }

    pub fn clear(&mut self) {
        if let Some(s) = &mut self.snap {
            // The snapshot keeps what it still owes; the database starts empty.
            if s.detached.is_none() {
                s.detached = Some(std::mem::take(&mut self.keys));
            }
        }
        self.keys.clear();
        self.expires.clear();
        self.expire_sum = 0;
    }

    /// Keys whose expiry is at or before `now`, at most `limit` of them, soonest first.
    pub fn due(&self, now: u64, limit: usize) -> Vec<Key> {
        self.expires
            .iter()
            .take_while(|(at, _)| *at <= now)
            .take(limit)
            .map(|(_, k)| k.clone())
            .collect()
    }

    /// The key at slot `i`, for RANDOMKEY and SCAN.
    pub fn key_at(&self, i: usize) -> Option<(&Key, &Entry)> {
        self.keys.get_index(i)
    }

    /// One SCAN step. `cursor` 0 starts a scan; the returned cursor is 0 when it is complete.
    /// Cursor `c` means slots `[0, c-1)` are still to visit, walked downwards.
    pub fn scan(&self, cursor: u64, count: usize, mut visit: impl FnMut(&Key, &Entry)) -> u64 {
        let mut next = if cursor == 0 {
            self.keys.len()
        } else {
            (cursor - 1) as usize
        };
        next = next.min(self.keys.len());
        let mut steps = count.max(1);
        while next > 0 && steps > 0 {
            next -= 1;
            steps -= 1;
            if let Some((k, e)) = self.keys.get_index(next) {
                visit(k, e);
            }
        }
        if next == 0 {
            0
        } else {
            next as u64 + 1
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Key, &Entry)> {
        self.keys.iter()
    }

    /// Starts this database's part of a snapshot: everything in it now is owed.
    pub fn snapshot_begin(&mut self, origin: usize, format: SnapshotFormat) {
        self.epoch = self.epoch.wrapping_add(1);
        self.snap = Some(Box::new(DbSnap {
            origin,
            epoch: self.epoch,
            cursor: 0,
            len: self.keys.len(),
            expires: self.expires.len(),
            detached: None,
            buf: Vec::new(),
            format,
        }));
    }

    pub fn snapshot_ref(&self) -> Option<&DbSnap> {
        self.snap.as_deref()
    }

    pub fn snapshot(&mut self) -> Option<&mut DbSnap> {
        self.snap.as_deref_mut()
    }

    /// Ends (or abandons) this database's part of a snapshot.
    pub fn snapshot_end(&mut self) {
        self.snap = None;
    }

    /// Visits up to `budget` slots, encoding owed entries into the snapshot's buffer; returns
    /// the number of slots visited and whether every slot has been.
    pub fn snapshot_step(&mut self, budget: usize) -> (usize, bool) {
        let Some(s) = self.snap.as_deref_mut() else {
            return (0, true);
        };
        let table = s.detached.as_ref().unwrap_or(&self.keys);
        let end = table.len().min(s.cursor.saturating_add(budget));
        let from = s.cursor;
        for (k, e) in table
            .get_range(from..end)
            .into_iter()
            .flat_map(|r| r.iter())
        {
            if e.epoch != s.epoch {
                s.format.put_entry(&mut s.buf, k, e);
            }
        }
        s.cursor = end.max(from);
        (end.saturating_sub(from), s.cursor >= table.len())
    }

    /// Before slot `i` changes or goes: if the snapshot still owes its entry, write it now.
    fn settle(&mut self, i: usize) {
        let Some(s) = self.snap.as_deref_mut() else {
            return;
        };
        if s.detached.is_some() || i < s.cursor {
            return;
        }
        if let Some((k, e)) = self.keys.get_index_mut(i) {
            if e.epoch != s.epoch {
                s.format.put_entry(&mut s.buf, k, e);
                e.epoch = s.epoch;
            }
        }
    }

    fn index(&mut self, key: &[u8], at: u64) {
        if at != 0 {
            self.expires.insert((at, key.into()));
            self.expire_sum += at as u128;
        }
    }

    fn unindex(&mut self, key: &[u8], at: u64) {
        if at != 0 && self.expires.remove(&(at, Box::from(key))) {
            self.expire_sum -= at as u128;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db_with(n: usize) -> Db {
        let mut db = Db::new();
        for i in 0..n {
            db.insert(format!("k{i}").as_bytes(), Value::str(b"v"), 0);
        }
        db
    }

    fn full_scan(db: &Db, count: usize) -> Vec<String> {
        let mut seen = Vec::new();
        let mut cursor = 0;
        loop {
            cursor = db.scan(cursor, count, |k, _| {
                seen.push(String::from_utf8_lossy(k).into())
            });
            if cursor == 0 {
                break;
            }
        }
        seen.sort();
        seen
    }

    #[test]
    fn scan_visits_every_key_once_when_nothing_changes() {
        let db = db_with(25);
        let seen = full_scan(&db, 7);
        assert_eq!(seen.len(), 25);
        let mut dedup = seen.clone();
        dedup.dedup();
        assert_eq!(dedup, seen);
    }

    #[test]
    fn scan_never_skips_keys_present_throughout_despite_deletes() {
        let mut db = db_with(100);
        let mut seen = std::collections::HashSet::new();
        let mut cursor = 0;
        let mut round = 0;
        loop {
            cursor = db.scan(cursor, 5, |k, _| {
                seen.insert(k.clone());
            });
            // Delete keys between steps, both already seen and not yet seen ones.
            for victim in [round * 3, round * 3 + 1] {
                db.remove(format!("k{victim}").as_bytes());
            }
            round += 1;
            if cursor == 0 {
                break;
            }
        }
        for (k, _) in db.iter() {
            assert!(seen.contains(k), "missed {:?}", String::from_utf8_lossy(k));
        }
    }

    #[test]
    fn expiry_index_follows_every_change() {
        let mut db = Db::new();
        db.insert(b"a", Value::str(b"1"), 100);
        db.insert(b"b", Value::str(b"1"), 50);
        db.insert(b"c", Value::str(b"1"), 0);
        assert_eq!(db.expires_len(), 2);
        assert_eq!(db.avg_ttl(0), 75);
        assert_eq!(db.due(60, 10), vec![Box::from(&b"b"[..])]);
        db.set_expire(b"b", 200);
        assert!(db.due(60, 10).is_empty());
        db.insert(b"a", Value::str(b"2"), 0);
        assert_eq!(db.expires_len(), 1);
        db.set_keep_ttl(b"b", Value::str(b"3"));
        assert_eq!(db.get(b"b").unwrap().expire_at, 200);
        db.remove(b"b");
        assert_eq!((db.expires_len(), db.avg_ttl(0)), (0, 0));
        assert!(!db.is_expired(b"c", 10) && db.len() == 2);
    }
}
