//! Hash commands.

pub mod hdel;
pub mod hexists;
pub mod hget;
pub mod hgetall;
pub mod hincrby;
pub mod hincrbyfloat;
pub mod hkeys;
pub mod hlen;
pub mod hmget;
pub mod hmset;
pub mod hrandfield;
pub mod hscan;
pub mod hset;
pub mod hsetnx;
pub mod hstrlen;
pub mod hvals;

use super::{CmdError, Exec};
use crate::keyspace::hash::{HashLimits, HashValue};
use crate::keyspace::value::Value;
use protocol::ReplyWriter;

pub static COMMANDS: &[super::CommandSpec] = &[
    hdel::SPEC,
    hexists::SPEC,
    hget::SPEC,
    hgetall::SPEC,
    hincrby::SPEC,
    hincrbyfloat::SPEC,
    hkeys::SPEC,
    hlen::SPEC,
    hmget::SPEC,
    hmset::SPEC,
    hrandfield::SPEC,
    hscan::SPEC,
    hset::SPEC,
    hsetnx::SPEC,
    hstrlen::SPEC,
    hvals::SPEC,
];

/// The hash under `key` for reading, with the reply writer alongside so a reply can be written
/// straight from it. Counts a keyspace hit or miss, as Redis's `lookupKeyRead`.
pub fn read_hash<'e, 'a>(
    ex: &'e mut Exec<'a>,
    key: &[u8],
) -> Result<(Option<&'e HashValue>, &'e mut ReplyWriter<'a>), CmdError> {
    let out = &mut ex.out;
    match ex.ks.read(ex.session.db, key, ex.now) {
        None => Ok((None, out)),
        Some(e) => match &e.value {
            Value::Hash(h) => Ok((Some(h), out)),
            _ => Err(CmdError::WrongType),
        },
    }
}

/// The hash under `key` for modifying, without hit/miss counting (`lookupKeyWrite`).
pub fn write_hash<'e>(ex: &'e mut Exec, key: &[u8]) -> Result<Option<&'e mut HashValue>, CmdError> {
    match ex.ks.write(ex.session.db, key, ex.now) {
        None => Ok(None),
        Some(e) => match &mut e.value {
            Value::Hash(h) => Ok(Some(h)),
            _ => Err(CmdError::WrongType),
        },
    }
}

/// Redis's `hashTypeLookupWriteOrCreate`: the hash under `key`, created empty when absent.
/// Callers must not fail after this, or an empty hash would stay behind.
pub fn hash_or_create<'e>(ex: &'e mut Exec, key: &[u8]) -> Result<&'e mut HashValue, CmdError> {
    if write_hash(ex, key)?.is_none() {
        let db = ex.session.db;
        ex.ks
            .db(db)
            .insert(key, Value::Hash(HashValue::default()), 0);
        super::keys::notify_new(ex, db, key);
    }
    Ok(write_hash(ex, key)?.expect("just created"))
}

pub fn limits(ex: &Exec) -> HashLimits {
    let t = ex.server.config.tunables();
    HashLimits {
        entries: t.hash_max_listpack_entries,
        value: t.hash_max_listpack_value,
    }
}

/// A hash field's value as a bulk reply, nil when absent.
pub fn reply_field(out: &mut ReplyWriter, value: Option<&[u8]>) {
    match value {
        Some(v) => out.bulk(v),
        None => out.null(),
    }
}

/// Reply decoding for the tests of hash and set commands.
#[cfg(test)]
pub mod testutil {
    use protocol::{Frame, FrameDecoder};

    pub fn decode(raw: &str) -> Frame {
        let mut buf = bytes::BytesMut::from(raw.as_bytes());
        FrameDecoder::new().decode(&mut buf).unwrap().unwrap()
    }

    /// The elements of an array or set reply.
    pub fn items(f: Frame) -> Vec<Frame> {
        match f {
            Frame::Array(v) | Frame::Set(v) => v,
            other => panic!("not an aggregate: {other:?}"),
        }
    }

    pub fn text(f: &Frame) -> String {
        match f {
            Frame::Bulk(b) => String::from_utf8_lossy(b).into(),
            other => panic!("not a bulk: {other:?}"),
        }
    }

    /// A harness that queues keyspace events of every class, so tests can check them.
    pub fn with_events(mut h: crate::cmd::testing::Harness) -> crate::cmd::testing::Harness {
        h.ks.notify_flags = u32::MAX;
        h
    }

    /// The names of the events queued so far.
    pub fn events(h: &crate::cmd::testing::Harness) -> Vec<&'static str> {
        h.ks.events.iter().map(|e| e.event).collect()
    }

    /// The bulk strings of an array or set reply.
    pub fn texts(raw: &str) -> Vec<String> {
        items(decode(raw)).iter().map(text).collect()
    }
}
