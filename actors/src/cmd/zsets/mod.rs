//! Sorted set commands, and what they share: typed lookups, the encoding limits and the
//! member/score reply shapes.

pub mod block;
pub mod bzmpop;
pub mod bzpopmax;
pub mod bzpopmin;
pub mod parse;
pub mod pop;
pub mod range;
pub mod remrange;
pub mod setop;
pub mod zadd;
pub mod zcard;
pub mod zcount;
pub mod zdiff;
pub mod zdiffstore;
pub mod zincrby;
pub mod zinter;
pub mod zintercard;
pub mod zinterstore;
pub mod zlexcount;
pub mod zmpop;
pub mod zmscore;
pub mod zpopmax;
pub mod zpopmin;
pub mod zrandmember;
pub mod zrange;
pub mod zrangebylex;
pub mod zrangebyscore;
pub mod zrangestore;
pub mod zrank;
pub mod zrem;
pub mod zremrangebylex;
pub mod zremrangebyrank;
pub mod zremrangebyscore;
pub mod zrevrange;
pub mod zrevrangebylex;
pub mod zrevrangebyscore;
pub mod zrevrank;
pub mod zscan;
pub mod zscore;
pub mod zunion;
pub mod zunionstore;

use super::{CmdError, Exec};
use crate::keyspace::state::Keyspace;
use crate::keyspace::value::Value;
use crate::keyspace::zset::{Limits, ZSetValue};
use protocol::{ReplyWriter, Resp};

pub static COMMANDS: &[super::CommandSpec] = &[
    bzmpop::SPEC,
    bzpopmax::SPEC,
    bzpopmin::SPEC,
    zadd::SPEC,
    zcard::SPEC,
    zcount::SPEC,
    zdiff::SPEC,
    zdiffstore::SPEC,
    zincrby::SPEC,
    zinter::SPEC,
    zintercard::SPEC,
    zinterstore::SPEC,
    zlexcount::SPEC,
    zmpop::SPEC,
    zmscore::SPEC,
    zpopmax::SPEC,
    zpopmin::SPEC,
    zrandmember::SPEC,
    zrange::SPEC,
    zrangebylex::SPEC,
    zrangebyscore::SPEC,
    zrangestore::SPEC,
    zrank::SPEC,
    zrem::SPEC,
    zremrangebylex::SPEC,
    zremrangebyrank::SPEC,
    zremrangebyscore::SPEC,
    zrevrange::SPEC,
    zrevrangebylex::SPEC,
    zrevrangebyscore::SPEC,
    zrevrank::SPEC,
    zscan::SPEC,
    zscore::SPEC,
    zunion::SPEC,
    zunionstore::SPEC,
];

/// The encoding thresholds in force for this command.
pub fn limits(ex: &Exec) -> Limits {
    let t = ex.server.config.tunables();
    Limits {
        entries: t.zset_max_listpack_entries,
        value: t.zset_max_listpack_value,
    }
}

/// `lookupKeyRead` + `checkType`: counts a hit or a miss.
pub fn read<'a>(
    ks: &'a mut Keyspace,
    db: usize,
    key: &[u8],
    now: u64,
) -> Result<Option<&'a ZSetValue>, CmdError> {
    match ks.read(db, key, now).map(|e| &e.value) {
        None => Ok(None),
        Some(Value::ZSet(z)) => Ok(Some(z)),
        Some(_) => Err(CmdError::WrongType),
    }
}

/// `lookupKeyWrite` + `checkType`.
pub fn write<'a>(
    ks: &'a mut Keyspace,
    db: usize,
    key: &[u8],
    now: u64,
) -> Result<Option<&'a mut ZSetValue>, CmdError> {
    match ks.write(db, key, now).map(|e| &mut e.value) {
        None => Ok(None),
        Some(Value::ZSet(z)) => Ok(Some(z)),
        Some(_) => Err(CmdError::WrongType),
    }
}

/// Deletes `key` if its set is now empty, with the `del` event Redis sends then; true if it did.
pub fn drop_if_empty(ex: &mut Exec, key: &[u8]) -> bool {
    let db = ex.session.db;
    let empty = matches!(
        ex.ks.dbs[db].get(key).map(|e| &e.value),
        Some(Value::ZSet(z)) if z.is_empty()
    );
    if empty {
        ex.ks.db(db).remove(key);
        ex.changed(crate::notify::GENERIC, "del", key);
    }
    empty
}

/// Stores a computed set at `dst` (replacing any value and its TTL) as Redis's `setKey`; an
/// empty result deletes `dst` instead. Replies with the new cardinality.
pub fn store(ex: &mut Exec, dst: &[u8], z: ZSetValue, event: &'static str) {
    let (db, now) = (ex.session.db, ex.now);
    let n = z.len();
    if n > 0 {
        let existed = ex.ks.write(db, dst, now).is_some();
        ex.ks.db(db).insert(dst, Value::ZSet(z), 0);
        if !existed {
            super::keys::notify_new(ex, db, dst);
        }
        ex.changed(crate::notify::ZSET, event, dst);
        ex.ks.dirty += 1;
    } else if ex.ks.delete(db, dst, now) {
        ex.changed(crate::notify::GENERIC, "del", dst);
        ex.ks.dirty += 1;
    }
    ex.out.int(n as i64);
}

/// Members, with their scores when asked: a flat array in RESP2, [member, score] pairs in
/// RESP3 (an array, not a map, so the order survives).
pub fn reply_entries<'a>(
    out: &mut ReplyWriter,
    items: impl ExactSizeIterator<Item = (&'a [u8], f64)>,
    withscores: bool,
) {
    let nested = withscores && out.resp() == Resp::V3;
    let per = if withscores && !nested { 2 } else { 1 };
    out.array(items.len() * per);
    for (m, s) in items {
        if nested {
            out.array(2);
        }
        out.bulk(m);
        if withscores {
            out.double(s);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;
    use crate::notify;

    /// Keyspace events per command, as captured from redis-server 7.0.15 (`__keyevent@0__:*`).
    #[test]
    fn keyspace_events_match_redis() {
        let table: &[(&str, &[&str])] = &[
            ("ZADD z 1 a 2 b", &["zadd:z"]),
            ("ZADD z 1 a", &[]),
            ("ZADD z XX 5 nope", &[]),
            ("ZINCRBY z 1 a", &["zincr:z"]),
            ("ZADD z INCR 0 a", &[]),
            ("ZREM z nope", &[]),
            ("ZREM z a", &["zrem:z"]),
            ("ZREM z b", &["zrem:z", "del:z"]),
            ("ZADD z 1 a 2 b 3 c", &["zadd:z"]),
            ("ZPOPMIN z", &["zpopmin:z"]),
            ("ZPOPMAX z 5", &["zpopmax:z", "del:z"]),
            ("ZPOPMIN z", &[]),
            ("ZADD z 1 a 2 b 3 c 4 d", &["zadd:z"]),
            ("ZREMRANGEBYRANK z 0 0", &["zremrangebyrank:z"]),
            ("ZREMRANGEBYSCORE z 3 3", &["zremrangebyscore:z"]),
            ("ZREMRANGEBYLEX z - +", &["zremrangebylex:z", "del:z"]),
            ("ZREMRANGEBYSCORE z 0 0", &[]),
            ("ZADD z 1 a 2 b", &["zadd:z"]),
            ("ZUNIONSTORE d 1 z", &["zunionstore:d"]),
            ("ZINTERSTORE d 2 z nokey", &["del:d"]),
            ("ZINTERSTORE d 2 z nokey", &[]),
            ("ZDIFFSTORE d 1 z", &["zdiffstore:d"]),
            ("ZRANGESTORE d2 z 0 0", &["zrangestore:d2"]),
            ("ZRANGESTORE d2 z 5 6", &["del:d2"]),
            ("ZMPOP 1 z MAX COUNT 1", &["zpopmax:z"]),
            ("BZPOPMIN z 0", &["zpopmin:z", "del:z"]),
            ("ZADD z 1 a 2 b", &["zadd:z"]),
            ("BZMPOP 0 1 z MIN COUNT 5", &["zpopmin:z", "del:z"]),
            ("ZADD z 1 a", &["zadd:z"]),
            ("ZRANGESTORE z z 0 -1", &["zrangestore:z"]),
            ("ZUNIONSTORE z 2 z z", &["zunionstore:z"]),
            ("ZINTERSTORE z 1 nokey", &["del:z"]),
        ];
        let mut h = Harness::new();
        // `KEA`: every class but `new` and `keymiss`.
        h.ks.notify_flags = !notify::NEW & !notify::KEY_MISS;
        check_events(&mut h, table);
    }

    /// With `n` too (`KEAn`), as redis-server 7.0.15 sends them.
    #[test]
    fn new_key_events_match_redis() {
        let table: &[(&str, &[&str])] = &[
            ("ZADD z 1 a", &["new:z", "zadd:z"]),
            ("ZADD z 2 b", &["zadd:z"]),
            ("ZUNIONSTORE d 1 z", &["new:d", "zunionstore:d"]),
            ("ZUNIONSTORE d 1 z", &["zunionstore:d"]),
            ("ZRANGESTORE e z 0 0", &["new:e", "zrangestore:e"]),
            ("SET s x", &["new:s", "set:s"]),
            ("ZINTERSTORE s 1 z", &["zinterstore:s"]),
            ("ZRANGESTORE nothere z 5 6", &[]),
        ];
        let mut h = Harness::new();
        h.ks.notify_flags = !notify::KEY_MISS;
        check_events(&mut h, table);
    }

    fn check_events(h: &mut Harness, table: &[(&str, &[&str])]) {
        for (line, want) in table {
            h.ks.events.clear();
            h.run(&line.split(' ').collect::<Vec<_>>());
            let got: Vec<String> =
                h.ks.events
                    .iter()
                    .map(|e| format!("{}:{}", e.event, String::from_utf8_lossy(&e.key)))
                    .collect();
            assert_eq!(got, *want, "{line}");
        }
    }
}
