//! String commands.

pub mod append;
pub mod decr;
pub mod decrby;
pub mod get;
pub mod getdel;
pub mod getex;
pub mod getrange;
pub mod getset;
pub mod incr;
pub mod incrby;
pub mod incrbyfloat;
pub mod lcs;
pub mod longdouble;
pub mod mget;
pub mod mset;
pub mod msetnx;
pub mod psetex;
pub mod set;
pub mod setex;
pub mod setnx;
pub mod setrange;
pub mod strlen;

pub static COMMANDS: &[super::CommandSpec] = &[
    append::SPEC,
    decr::SPEC,
    decrby::SPEC,
    get::SPEC,
    getdel::SPEC,
    getex::SPEC,
    getrange::SPEC,
    getrange::SUBSTR,
    getset::SPEC,
    incr::SPEC,
    incrby::SPEC,
    incrbyfloat::SPEC,
    lcs::SPEC,
    mget::SPEC,
    mset::SPEC,
    msetnx::SPEC,
    psetex::SPEC,
    set::SPEC,
    setex::SPEC,
    setnx::SPEC,
    setrange::SPEC,
    strlen::SPEC,
];

use super::keys::notify_new;
use super::{CmdError, Exec};
use crate::keyspace::value::{parse_i64_strict, StrValue, Value};
use crate::notify;

/// The string under `key` for reading: `Ok(None)` when absent, WRONGTYPE for other types.
/// Counts a keyspace hit or miss, as Redis's `lookupKeyRead`.
pub fn read_str<'e>(ex: &'e mut Exec, key: &[u8]) -> Result<Option<&'e StrValue>, CmdError> {
    match ex.ks.read(ex.session.db, key, ex.now) {
        None => Ok(None),
        Some(e) => match &e.value {
            Value::Str(s) => Ok(Some(s)),
            #[allow(unreachable_patterns)]
            _ => Err(CmdError::WrongType),
        },
    }
}

/// The string under `key` for modifying: like [`read_str`] but without hit/miss counting, as
/// Redis's `lookupKeyWrite`.
pub fn write_str<'e>(ex: &'e mut Exec, key: &[u8]) -> Result<Option<&'e mut StrValue>, CmdError> {
    match ex.ks.write(ex.session.db, key, ex.now) {
        None => Ok(None),
        Some(e) => match &mut e.value {
            Value::Str(s) => Ok(Some(s)),
            #[allow(unreachable_patterns)]
            _ => Err(CmdError::WrongType),
        },
    }
}

/// INCR, DECR, INCRBY and DECRBY: adds `by` to the integer at `key` (0 when absent), keeping
/// any time to live, and replies with the new value. Events: `new` when it creates the key,
/// then `incrby`.
pub fn incr_by(ex: &mut Exec, key: &[u8], by: i64) -> Result<(), CmdError> {
    let old = match write_str(ex, key)? {
        None => None,
        Some(s) => Some(parse_i64_strict(&s.data).ok_or(CmdError::NotInteger)?),
    };
    let new = old.unwrap_or(0).checked_add(by).ok_or(CmdError::Overflow)?;
    let db = ex.session.db;
    ex.ks
        .db(db)
        .set_keep_ttl(key, Value::Str(StrValue::from_i64(new)));
    if old.is_none() {
        notify_new(ex, db, key);
    }
    ex.changed(notify::STRING, "incrby", key);
    ex.ks.dirty += 1;
    ex.out.int(new);
    Ok(())
}

/// `checkStringLength`: whether a string of `len` bytes may be created.
pub fn check_string_length(ex: &Exec, len: u64) -> Result<(), CmdError> {
    if len > ex.server.config.tunables().proto_max_bulk_len {
        return Err(CmdError::other(
            "ERR string exceeds maximum allowed size (proto-max-bulk-len)",
        ));
    }
    Ok(())
}

/// A server context with modified tunables, for tests of configuration-dependent behaviour.
#[cfg(test)]
pub fn server_with(
    change: impl FnOnce(&mut crate::config::Tunables),
) -> std::sync::Arc<crate::server::ServerContext> {
    use std::sync::Arc;
    let mut t = crate::config::Tunables::default();
    change(&mut t);
    let cfg = crate::config::FixedConfig(Arc::new(t));
    let log = slog::Logger::root(slog::Discard, slog::o!());
    Arc::new(crate::server::ServerContext::new(Arc::new(cfg), log, || 0))
}

/// For keyspace event tests: a harness that queues events of every class.
#[cfg(test)]
pub fn notifying() -> crate::cmd::testing::Harness {
    let mut h = crate::cmd::testing::Harness::new();
    // Every class but key misses, which reads of absent keys would add everywhere.
    h.ks.notify_flags = !crate::notify::KEY_MISS;
    h
}

/// For keyspace event tests: runs `line` (split on spaces, `""` for an empty argument) and
/// returns the events it queued, each as `event db key`.
#[cfg(test)]
pub fn events(h: &mut crate::cmd::testing::Harness, line: &str) -> Vec<String> {
    h.ks.events.clear();
    let args: Vec<&str> = line
        .split(' ')
        .map(|a| if a == "\"\"" { "" } else { a })
        .collect();
    let reply = h.run(&args);
    assert!(
        !reply.starts_with("-ERR unknown") && !reply.starts_with("-ERR wrong number"),
        "{line}: {reply}"
    );
    h.ks.events
        .drain(..)
        .map(|e| format!("{} {} {}", e.event, e.db, String::from_utf8_lossy(&e.key)))
        .collect()
}

/// No events, for comparing with [`events`].
#[cfg(test)]
pub const NONE: [&str; 0] = [];
