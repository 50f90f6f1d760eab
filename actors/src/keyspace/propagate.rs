//! What the keyspace hands on after it runs commands: the writes, in the form Redis propagates
//! them to the AOF and to replicas (relative expiries made absolute, blocking pops as plain
//! pops, expirations as `DEL`), collected per execution unit and shipped after each batch.

use actix::prelude::*;
use bytes::Bytes;
use std::sync::Arc;

/// Append these writes, in order, to the stream (the AOF writer; replication's backlog).
#[derive(Message, Debug, Clone)]
#[rtype(result = "()")]
pub struct Propagate {
    pub ops: Arc<[Op]>,
}

/// Encodes `ops` as Redis writes them to the AOF and the replication stream: each a RESP
/// array of bulk strings, preceded by `SELECT` whenever the database differs from `selected`
/// (which it updates; `None` forces a SELECT, as at the start of a file).
pub fn encode<'a>(
    out: &mut Vec<u8>,
    selected: &mut Option<usize>,
    ops: impl IntoIterator<Item = &'a Op>,
) {
    for op in ops {
        if *selected != Some(op.db) {
            let db = op.db.to_string();
            put_command(out, [b"SELECT".as_slice(), db.as_bytes()]);
            *selected = Some(op.db);
        }
        put_command(out, op.argv.iter().map(|a| a.as_ref()));
    }
}

fn put_command<'a, I>(out: &mut Vec<u8>, args: I)
where
    I: IntoIterator<Item = &'a [u8]>,
    I::IntoIter: ExactSizeIterator,
{
    let args = args.into_iter();
    out.push(b'*');
    out.extend_from_slice(args.len().to_string().as_bytes());
    out.extend_from_slice(b"\r\n");
    for a in args {
        out.push(b'$');
        out.extend_from_slice(a.len().to_string().as_bytes());
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
}

/// One propagated command and the database it applies to.
#[derive(Debug, Clone, PartialEq)]
pub struct Op {
    pub db: usize,
    pub argv: Vec<Bytes>,
    /// Whether replicas get it: not for what our master sent us (its stream is passed on as
    /// is) nor for local writes on a writable replica.
    pub replicate: bool,
    /// Whether the AOF gets it: PUBLISH reaches replicas only, as in Redis.
    pub aof: bool,
}

impl Op {
    pub fn new(db: usize, argv: Vec<Bytes>) -> Self {
        Op {
            db,
            argv,
            replicate: true,
            aof: true,
        }
    }
}

/// The ops of the running execution unit (one command, or one EXEC) and those of finished
/// units of the current batch. Collecting costs nothing while nobody consumes them.
#[derive(Debug)]
pub struct Propagation {
    /// Whether an AOF or a replica wants the stream.
    pub enabled: bool,
    /// Ops of the unit in progress.
    unit: Vec<Op>,
    /// Finished units of this batch, wrapped as Redis wraps them.
    pub done: Vec<Op>,
    /// Whether the ops being queued go to replicas too (see [`Op::replicate`]).
    pub replicate: bool,
    /// How many of `done` the replication stream has taken.
    pub streamed: usize,
}

impl Propagation {
    /// Queues an op of the running unit.
    pub fn push(&mut self, db: usize, argv: Vec<Bytes>) {
        if self.enabled {
            self.unit.push(Op {
                db,
                argv,
                replicate: self.replicate,
                aof: true,
            });
        }
    }

    /// Ends an execution unit: more than one op goes out wrapped in MULTI/EXEC so replicas and
    /// the AOF apply it atomically, as Redis 7.0's `propagatePendingCommands` does.
    pub fn end_unit(&mut self) {
        match self.unit.len() {
            0 => {}
            1 => self.done.append(&mut self.unit),
            _ => {
                let (db, replicate) = (self.unit[0].db, self.unit[0].replicate);
                let wrap = |db, word: &'static [u8]| Op {
                    db,
                    argv: vec![Bytes::from_static(word)],
                    replicate,
                    aof: true,
                };
                self.done.push(wrap(db, b"MULTI"));
                self.done.append(&mut self.unit);
                let db = self.done.last().map_or(db, |o| o.db);
                self.done.push(wrap(db, b"EXEC"));
            }
        }
    }

    /// Queues an op for replicas only (PUBLISH).
    pub fn push_to_replicas(&mut self, db: usize, argv: Vec<Bytes>) {
        if self.enabled && self.replicate {
            self.unit.push(Op {
                db,
                argv,
                replicate: true,
                aof: false,
            });
        }
    }

    /// Takes everything finished so far.
    pub fn take(&mut self) -> Vec<Op> {
        self.streamed = 0;
        std::mem::take(&mut self.done)
    }

    /// Finished ops the replication stream has not taken yet; marks them taken.
    pub fn unstreamed(&mut self) -> &[Op] {
        let from = self.streamed.min(self.done.len());
        self.streamed = self.done.len();
        &self.done[from..]
    }

    pub fn is_empty(&self) -> bool {
        self.done.is_empty()
    }
}

impl Default for Propagation {
    fn default() -> Self {
        Propagation {
            enabled: false,
            unit: Vec::new(),
            done: Vec::new(),
            replicate: true,
            streamed: 0,
        }
    }
}

/// What a command propagates, decided by its handler.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Rule {
    /// Its own arguments, if it changed the dataset.
    #[default]
    AsIs,
    /// These arguments instead, if it changed the dataset.
    As(Vec<Bytes>),
    /// Nothing beyond what it queued itself.
    Nothing,
}

/// Builds an argv from anything byte-like.
pub fn argv<const N: usize>(parts: [&[u8]; N]) -> Vec<Bytes> {
    parts.iter().map(|p| Bytes::copy_from_slice(p)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(ops: &[Op]) -> Vec<String> {
        ops.iter()
            .map(|o| String::from_utf8_lossy(&o.argv[0]).into_owned())
            .collect()
    }

    #[test]
    fn encodes_with_select_on_db_changes() {
        let ops = [
            Op::new(0, argv([b"SET", b"k", b"v"])),
            Op::new(0, argv([b"DEL", b"k"])),
            Op::new(3, argv([b"INCR", b"n"])),
        ];
        let mut out = Vec::new();
        let mut selected = None;
        encode(&mut out, &mut selected, &ops);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n\
             *2\r\n$3\r\nDEL\r\n$1\r\nk\r\n*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n\
             *2\r\n$4\r\nINCR\r\n$1\r\nn\r\n"
        );
        assert_eq!(selected, Some(3));
    }

    #[test]
    fn disabled_collects_nothing() {
        let mut p = Propagation::default();
        p.push(0, argv([b"SET", b"k", b"v"]));
        p.end_unit();
        assert!(p.is_empty());
    }

    #[test]
    fn one_op_goes_bare_more_are_wrapped() {
        let mut p = Propagation {
            enabled: true,
            ..Default::default()
        };
        p.push(0, argv([b"SET", b"k", b"v"]));
        p.end_unit();
        p.push(0, argv([b"DEL", b"k"]));
        p.push(2, argv([b"SET", b"k", b"w"]));
        p.end_unit();
        p.end_unit();
        let ops = p.take();
        assert_eq!(names(&ops), ["SET", "MULTI", "DEL", "SET", "EXEC"]);
        assert_eq!(ops[4].db, 2);
        assert!(p.is_empty());
    }
}
