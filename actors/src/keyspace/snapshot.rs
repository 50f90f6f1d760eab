//! A point-in-time snapshot of every database, written while the keyspace keeps serving.
//!
//! Redis forks and lets the child write the file from copy-on-write pages. Here the keyspace
//! actor walks its own tables a slice at a time between batches ([`Snapshot::step`]) and hands
//! the encoded bytes to a writer on another thread. A command that changes or deletes an entry
//! the walk has not reached yet first writes that entry as it was ([`super::db::Db`]'s epoch
//! stamps), so the file is exactly the dataset at the moment [`Snapshot::begin`] ran. Entries
//! are encoded once each, whenever that happens; the keyspace never copies a table.

use super::db::{Db, SnapshotFormat};
use crate::rdb::write::{put_db_header, put_header};
use crate::rdb::RdbOptions;

/// The walk over all databases. The databases themselves hold their part (see `DbSnap`).
#[derive(Debug)]
pub struct Snapshot {
    /// Databases (by number at the start) still to write, in order.
    todo: std::collections::VecDeque<usize>,
    /// Whether the current database's SELECTDB/RESIZEDB is out.
    headed: bool,
    /// Bytes ready for the writer.
    out: Vec<u8>,
    /// Keys written so far.
    pub keys: u64,
    format: SnapshotFormat,
}

impl Snapshot {
    /// Marks everything in `dbs` as owed to a new snapshot and writes the file header.
    pub fn begin(dbs: &mut [Db], opts: &RdbOptions) -> Snapshot {
        Self::begin_as(
            dbs,
            opts,
            SnapshotFormat::Rdb {
                compression: opts.compression,
            },
        )
    }

    /// As [`Snapshot::begin`], in `format`; the command form has no header (nor trailer).
    pub fn begin_as(dbs: &mut [Db], opts: &RdbOptions, format: SnapshotFormat) -> Snapshot {
        let mut out = Vec::with_capacity(64 * 1024);
        if format != SnapshotFormat::Commands {
            put_header(&mut out, opts);
        }
        let mut todo = std::collections::VecDeque::new();
        for (i, db) in dbs.iter_mut().enumerate() {
            if !db.is_empty() {
                db.snapshot_begin(i, format);
                todo.push_back(i);
            }
        }
        Snapshot {
            todo,
            headed: false,
            out,
            keys: 0,
            format,
        }
    }

    /// Walks up to `budget` slots; true once every database is written (the caller then adds
    /// EOF and the checksum).
    pub fn step(&mut self, dbs: &mut [Db], mut budget: usize) -> bool {
        while let Some(&origin) = self.todo.front() {
            let Some(db) = dbs
                .iter_mut()
                .find(|d| d.snapshot_ref().is_some_and(|s| s.origin == origin))
            else {
                // Cannot happen: a database leaves the snapshot only through this walk.
                self.todo.pop_front();
                continue;
            };
            if !self.headed {
                let s = db.snapshot_ref().expect("found above");
                match self.format {
                    SnapshotFormat::Commands => {
                        crate::aof::rewrite::put_select(&mut self.out, origin)
                    }
                    SnapshotFormat::Rdb { .. } => {
                        put_db_header(&mut self.out, origin, s.len, s.expires)
                    }
                }
                self.headed = true;
            }
            let (visited, done) = db.snapshot_step(budget);
            let s = db.snapshot().expect("found above");
            self.out.append(&mut s.buf);
            self.keys += visited as u64;
            budget = budget.saturating_sub(visited);
            if done {
                db.snapshot_end();
                self.todo.pop_front();
                self.headed = false;
            }
            if budget == 0 {
                return self.todo.is_empty();
            }
        }
        true
    }

    /// Bytes encoded since the last call.
    pub fn take_output(&mut self) -> Vec<u8> {
        std::mem::replace(&mut self.out, Vec::with_capacity(64 * 1024))
    }

    pub fn pending_bytes(&self) -> usize {
        self.out.len()
    }

    /// Gives up: no database owes anything any more.
    pub fn abort(self, dbs: &mut [Db]) {
        for db in dbs {
            db.snapshot_end();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyspace::value::Value;
    use crate::rdb::write::put_trailer;
    use crate::rdb::{read_rdb, write_rdb};

    fn opts() -> RdbOptions {
        RdbOptions {
            ctime: 1,
            ..RdbOptions::default()
        }
    }

    fn dbs_with(n: usize) -> Vec<Db> {
        let mut dbs: Vec<Db> = (0..4).map(|_| Db::new()).collect();
        for i in 0..n {
            let k = format!("k{i}");
            dbs[i % 3].insert(k.as_bytes(), Value::str(format!("v{i}").as_bytes()), 0);
        }
        dbs[1].insert(b"ttl", Value::str(b"x"), 4_000_000_000_000);
        dbs
    }

    /// Every key, value and expiry, sorted, per database.
    fn contents(dbs: &[Db]) -> Vec<Vec<(Vec<u8>, Value, u64)>> {
        dbs.iter()
            .map(|d| {
                let mut v: Vec<_> = d
                    .iter()
                    .map(|(k, e)| (k.to_vec(), e.value.clone(), e.expire_at))
                    .collect();
                v.sort_by(|a, b| a.0.cmp(&b.0));
                v
            })
            .collect()
    }

    fn finish(mut snap: Snapshot, dbs: &mut [Db]) -> Vec<u8> {
        while !snap.step(dbs, 7) {}
        let mut file = snap.take_output();
        let crc = crate::rdb::crc64::crc64(0, &file);
        put_trailer(&mut file, crc, true).unwrap();
        file
    }

    #[test]
    fn untouched_snapshot_is_byte_identical_to_a_blocking_save() {
        let mut dbs = dbs_with(100);
        let mut blocking = Vec::new();
        write_rdb(&mut blocking, &dbs, &opts()).unwrap();
        let snap = Snapshot::begin(&mut dbs, &opts());
        assert_eq!(finish(snap, &mut dbs), blocking);
    }

    /// Writes, deletes, expiry changes, FLUSHDB and SWAPDB in the middle of the walk leave the
    /// file equal to the dataset at the start, and the live dataset as the writes left it.
    #[test]
    fn changes_during_the_walk_do_not_reach_the_file() {
        let mut dbs = dbs_with(300);
        let before = contents(&dbs);
        let mut snap = Snapshot::begin(&mut dbs, &opts());
        let mut step = 0;
        let mut done = false;
        while !done {
            done = snap.step(&mut dbs, 5);
            step += 1;
            let k = format!("k{}", (step * 37) % 300);
            let d = (step * 37 % 300) % 3;
            match step % 6 {
                0 => {
                    dbs[d].remove(k.as_bytes());
                }
                1 => dbs[d].insert(k.as_bytes(), Value::str(b"changed"), 0),
                2 => dbs[d].insert(format!("new{step}").as_bytes(), Value::str(b"n"), 0),
                3 => {
                    dbs[d].set_expire(k.as_bytes(), 5_000_000_000_000);
                }
                4 if step == 10 => dbs[2].clear(),
                4 if step == 16 => dbs.swap(0, 1),
                _ => {
                    if let Some(e) = dbs[d].get_mut(k.as_bytes()) {
                        e.value = Value::str(b"mutated in place");
                    }
                }
            }
        }
        let mut file = snap.take_output();
        let crc = crate::rdb::crc64::crc64(0, &file);
        put_trailer(&mut file, crc, true).unwrap();
        let loaded = read_rdb(&file).unwrap();
        let mut back = loaded.dbs;
        back.resize_with(4, Db::new);
        assert_eq!(contents(&back), before);
        // Nothing is owed any more: a second snapshot sees the live data.
        let live = contents(&dbs);
        let snap = Snapshot::begin(&mut dbs, &opts());
        let file = finish(snap, &mut dbs);
        let mut back = read_rdb(&file).unwrap().dbs;
        back.resize_with(4, Db::new);
        assert_eq!(contents(&back), live);
    }

    #[test]
    fn abort_releases_every_database() {
        let mut dbs = dbs_with(50);
        let mut snap = Snapshot::begin(&mut dbs, &opts());
        snap.step(&mut dbs, 3);
        snap.abort(&mut dbs);
        assert!(dbs.iter_mut().all(|d| d.snapshot().is_none()));
    }
}
