//! SET key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds |
//!     PXAT unix-time-milliseconds | KEEPTTL]
//!
//! Stores `value`. NX/XX make it conditional (nil reply when the condition fails); GET replies
//! with the old value instead of OK; the expiry options set or keep a time to live.

use crate::cmd::flags::*;
use crate::cmd::keys::notify_new;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::keyspace::value::{parse_i64_strict, Value};
use crate::notify;

pub const SPEC: CommandSpec = spec(
    "set",
    -3,
    WRITE | DENYOOM,
    KEY1,
    "string",
    "1.0.0",
    "Set the string value of a key",
    set,
);

/// The expiry options shared by SET (and SETEX, PSETEX) and GETEX. Time options keep the
/// argument's text: Redis checks that it is an integer only after every option parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpireOpt<'a> {
    None,
    Ex(&'a [u8]),
    Px(&'a [u8]),
    ExAt(&'a [u8]),
    PxAt(&'a [u8]),
    KeepTtl,
    Persist,
}

impl ExpireOpt<'_> {
    /// Absolute Unix ms for a time option, validated as Redis's `getExpireMillisecondsOrReply`.
    pub fn deadline(self, now: u64, cmd: &'static str) -> Result<Option<u64>, CmdError> {
        let (raw, seconds, relative) = match self {
            ExpireOpt::Ex(v) => (v, true, true),
            ExpireOpt::Px(v) => (v, false, true),
            ExpireOpt::ExAt(v) => (v, true, false),
            ExpireOpt::PxAt(v) => (v, false, false),
            _ => return Ok(None),
        };
        let v = parse_i64_strict(raw).ok_or(CmdError::NotInteger)?;
        let bad = CmdError::InvalidExpire(cmd);
        if v <= 0 || (seconds && v > i64::MAX / 1000) {
            return Err(bad);
        }
        let mut ms = if seconds { v * 1000 } else { v };
        if relative {
            ms = ms.checked_add(now as i64).ok_or(bad)?;
        }
        Ok(Some(ms as u64))
    }

    /// Whether this is an absolute time (EXAT, PXAT), which may already be in the past.
    pub fn is_absolute(self) -> bool {
        matches!(self, ExpireOpt::ExAt(_) | ExpireOpt::PxAt(_))
    }
}

/// Parses one expiry option at the cursor if there is one, with Redis's exclusion rules: a time
/// option conflicts with KEEPTTL/PERSIST and with a different time option, but may repeat itself
/// (the last one wins), and so may KEEPTTL and PERSIST.
pub fn parse_expire_opt<'a>(
    args: &mut Args<'a>,
    cur: &mut ExpireOpt<'a>,
    allow_keepttl: bool,
    allow_persist: bool,
) -> Result<bool, CmdError> {
    let Some(word) = args.peek() else {
        return Ok(false);
    };
    let word = word.to_ascii_uppercase();
    let kind: fn(&'a [u8]) -> ExpireOpt<'a> = match &word[..] {
        b"EX" => ExpireOpt::Ex,
        b"PX" => ExpireOpt::Px,
        b"EXAT" => ExpireOpt::ExAt,
        b"PXAT" => ExpireOpt::PxAt,
        b"KEEPTTL" if allow_keepttl => return set_flag(args, cur, ExpireOpt::KeepTtl),
        b"PERSIST" if allow_persist => return set_flag(args, cur, ExpireOpt::Persist),
        _ => return Ok(false),
    };
    let same_kind = std::mem::discriminant(&kind(b"")) == std::mem::discriminant(cur);
    if (*cur != ExpireOpt::None && !same_kind) || args.remaining() < 2 {
        return Err(CmdError::Syntax);
    }
    args.next();
    *cur = kind(args.required()?);
    Ok(true)
}

fn set_flag<'a>(
    args: &mut Args<'a>,
    cur: &mut ExpireOpt<'a>,
    flag: ExpireOpt<'a>,
) -> Result<bool, CmdError> {
    if *cur != ExpireOpt::None && *cur != flag {
        return Err(CmdError::Syntax);
    }
    args.next();
    *cur = flag;
    Ok(true)
}

/// What SET and its variants were asked to do beyond storing the value.
#[derive(Debug, Clone, Copy)]
pub struct SetOpts<'a> {
    pub nx: bool,
    pub xx: bool,
    pub get: bool,
    pub expire: ExpireOpt<'a>,
}

/// Redis's `setGenericCommand`. Returns whether the value was stored. With `get`, the old
/// value has already been written as the reply (also when nothing was stored). Events when it
/// stores: `new` for a new key, `set`, then `expire` when a time option was given.
pub fn set_generic(
    ex: &mut Exec,
    key: &[u8],
    value: &[u8],
    opts: SetOpts,
    cmd: &'static str,
) -> Result<bool, CmdError> {
    let deadline = opts.expire.deadline(ex.now, cmd)?;
    let db = ex.session.db;
    let found = if opts.get {
        // Only with GET is SET a read, as far as keyspace hit/miss counters go.
        match ex.ks.read(db, key, ex.now).map(|e| &e.value) {
            None => {
                ex.out.null();
                false
            }
            Some(Value::Str(s)) => {
                ex.out.bulk(&s.data);
                true
            }
            #[allow(unreachable_patterns)]
            Some(_) => return Err(CmdError::WrongType),
        }
    } else {
        ex.ks.write(db, key, ex.now).is_some()
    };
    if (opts.nx && found) || (opts.xx && !found) {
        return Ok(false);
    }
    let d = ex.ks.db(db);
    match opts.expire {
        ExpireOpt::KeepTtl => d.set_keep_ttl(key, Value::str(value)),
        _ => d.insert(key, Value::str(value), deadline.unwrap_or(0)),
    }
    ex.ks.dirty += 1;
    if !found {
        notify_new(ex, db, key);
    }
    ex.changed(notify::STRING, "set", key);
    if let Some(at) = deadline {
        // setExpire does not signal: the `set` above already did.
        ex.ks.notify(notify::GENERIC, "expire", db, key);
        // Replicas and the AOF get the absolute time, so replaying later expires it alike.
        let at = at.to_string();
        ex.propagate_as(&[b"SET", key, value, b"PXAT", at.as_bytes()]);
    }
    Ok(true)
}

fn set(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let value = args.required()?;
    let mut o = SetOpts {
        nx: false,
        xx: false,
        get: false,
        expire: ExpireOpt::None,
    };
    while !args.is_empty() {
        if parse_expire_opt(&mut args, &mut o.expire, true, false)? {
            continue;
        }
        if !o.xx && args.eat("NX") {
            o.nx = true;
        } else if !o.nx && args.eat("XX") {
            o.xx = true;
        } else if args.eat("GET") {
            o.get = true;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    let stored = set_generic(ex, key, value, o, "set")?;
    if o.get && matches!(o.expire, ExpireOpt::None | ExpireOpt::KeepTtl) {
        // Replicas need no old value: the GET token goes (7.0's `SET ... GET` rewrite).
        let kept: Vec<&[u8]> = args
            .all()
            .iter()
            .filter(|a| !a.eq_ignore_ascii_case(b"get"))
            .map(|a| a.as_ref())
            .collect();
        ex.propagate_as(&kept);
    }
    if !o.get {
        if stored {
            ex.out.ok();
        } else {
            ex.out.null();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn options_and_replies_match_redis() {
        let mut h = Harness::new();
        h.check(&[
            ("SET k v EX abc FOO", "-ERR syntax error\r\n"),
            (
                "SET k v EX abc",
                "-ERR value is not an integer or out of range\r\n",
            ),
            (
                "SET k v EX 0",
                "-ERR invalid expire time in 'set' command\r\n",
            ),
            (
                "SET k v EX -1",
                "-ERR invalid expire time in 'set' command\r\n",
            ),
            (
                "SET k v EX 9223372036854776",
                "-ERR invalid expire time in 'set' command\r\n",
            ),
            (
                "SET k v PX 9223372036854775807",
                "-ERR invalid expire time in 'set' command\r\n",
            ),
            ("SET k v EX 10 PX 20", "-ERR syntax error\r\n"),
            ("SET k v EX 10 KEEPTTL", "-ERR syntax error\r\n"),
            ("SET k v KEEPTTL EX 10", "-ERR syntax error\r\n"),
            ("SET k v NX XX", "-ERR syntax error\r\n"),
            ("SET k v EX", "-ERR syntax error\r\n"),
            ("SET k v PERSIST", "-ERR syntax error\r\n"),
            ("EXISTS k", ":0\r\n"),
            ("SET k v EXAT 9223372036854775", "+OK\r\n"),
            ("SET k v ex 10 ex 20", "+OK\r\n"),
            ("TTL k", ":20\r\n"),
            ("SET k v nx nx", "$-1\r\n"),
            ("SET k v2 GET GET", "$1\r\nv\r\n"),
            ("SET k v3 GET NX", "$2\r\nv2\r\n"),
            ("GET k", "$2\r\nv2\r\n"),
            ("SET k v3 GET XX", "$2\r\nv2\r\n"),
            ("SET nokey v GET XX", "$-1\r\n"),
            ("EXISTS nokey", ":0\r\n"),
            (
                "SET k v4 XX GET EX abc",
                "-ERR value is not an integer or out of range\r\n",
            ),
            ("SET k v4 EX 100", "+OK\r\n"),
            ("SET k v5 KEEPTTL KEEPTTL", "+OK\r\n"),
            ("TTL k", ":100\r\n"),
            ("SET k v6", "+OK\r\n"),
            ("TTL k", ":-1\r\n"),
            ("SET k v XX", "+OK\r\n"),
            ("SET new v XX", "$-1\r\n"),
            ("SET new v NX", "+OK\r\n"),
            (
                "SET k",
                "-ERR wrong number of arguments for 'set' command\r\n",
            ),
        ]);
    }

    #[test]
    fn expired_keys_count_as_absent_and_dirty_counts_sets() {
        let mut h = Harness::new();
        h.check(&[
            ("SET k v PXAT 1", "+OK\r\n"),
            ("SET k x NX", "+OK\r\n"),
            ("GET k", "$1\r\nx\r\n"),
        ]);
        assert_eq!(h.ks.dirty, 2);
        h.run(&["SET", "k", "y", "NX"]);
        assert_eq!(h.ks.dirty, 2);
    }

    #[test]
    fn resp3_nulls() {
        let mut h = Harness::new().resp3();
        h.check(&[
            ("SET k v XX", "_\r\n"),
            ("SET k v GET", "_\r\n"),
            ("SET k w GET", "$1\r\nv\r\n"),
        ]);
    }

    #[test]
    fn events_match_redis() {
        use crate::cmd::strings::{events, notifying, NONE};
        use crate::notify;
        let mut h = notifying();
        assert_eq!(events(&mut h, "SET k v"), ["new 0 k", "set 0 k"]);
        assert_eq!(events(&mut h, "SET k v EX 10"), ["set 0 k", "expire 0 k"]);
        assert_eq!(
            events(&mut h, "SET k v PXAT 99999999999999"),
            ["set 0 k", "expire 0 k"]
        );
        assert_eq!(events(&mut h, "SET k v KEEPTTL"), ["set 0 k"]);
        assert_eq!(events(&mut h, "SET k v NX"), NONE);
        assert_eq!(events(&mut h, "SET k v NX GET"), NONE);
        assert_eq!(events(&mut h, "SET x v XX"), NONE);
        assert_eq!(events(&mut h, "SET k v EX 0"), NONE);
        assert_eq!(events(&mut h, "SET x v GET"), ["new 0 x", "set 0 x"]);
        assert_eq!(events(&mut h, "SET x w XX GET"), ["set 0 x"]);
        // A time already past still stores, announces the expiry, and expires later.
        assert_eq!(
            events(&mut h, "SET e v PXAT 1"),
            ["new 0 e", "set 0 e", "expire 0 e"]
        );
        assert_eq!(
            events(&mut h, "SET e w"),
            ["expired 0 e", "new 0 e", "set 0 e"]
        );
        h.run(&["SELECT", "3"]);
        assert_eq!(events(&mut h, "SET k v"), ["new 3 k", "set 3 k"]);
        // Only the enabled classes are queued.
        h.ks.notify_flags = notify::STRING;
        assert_eq!(events(&mut h, "SET k v EX 10"), ["set 3 k"]);
        h.ks.notify_flags = notify::GENERIC;
        assert_eq!(events(&mut h, "SET k v EX 10"), ["expire 3 k"]);
        h.ks.notify_flags = 0;
        assert_eq!(events(&mut h, "SET k v EX 10"), NONE);
    }
}
