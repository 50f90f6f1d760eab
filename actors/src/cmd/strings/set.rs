//! SET key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds |
//!     PXAT unix-time-milliseconds | KEEPTTL]
//!
//! Stores `value`. NX/XX make it conditional (nil reply when the condition fails); GET replies
//! with the old value instead of OK; the expiry options set or keep a time to live.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::keyspace::value::Value;

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

/// The expiry options shared by SET and GETEX.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpireOpt {
    None,
    Ex(i64),
    Px(i64),
    ExAt(i64),
    PxAt(i64),
    KeepTtl,
    Persist,
}

impl ExpireOpt {
    /// Absolute Unix ms for a time option, validated as Redis's `getExpireMillisecondsOrReply`.
    pub fn deadline(self, now: u64, cmd: &'static str) -> Result<Option<u64>, CmdError> {
        let bad = CmdError::InvalidExpire(cmd);
        let (v, seconds, relative) = match self {
            ExpireOpt::Ex(v) => (v, true, true),
            ExpireOpt::Px(v) => (v, false, true),
            ExpireOpt::ExAt(v) => (v, true, false),
            ExpireOpt::PxAt(v) => (v, false, false),
            _ => return Ok(None),
        };
        if v <= 0 || (seconds && v > i64::MAX / 1000) {
            return Err(bad);
        }
        let mut ms = if seconds { v * 1000 } else { v };
        if relative {
            ms = ms.checked_add(now as i64).ok_or(bad.clone())?;
        }
        Ok(Some(ms as u64))
    }

    fn is_time(self) -> bool {
        matches!(
            self,
            ExpireOpt::Ex(_) | ExpireOpt::Px(_) | ExpireOpt::ExAt(_) | ExpireOpt::PxAt(_)
        )
    }
}

/// Parses one expiry option at the cursor if there is one, with Redis's exclusion rules: a time
/// option conflicts with KEEPTTL/PERSIST and with a different time option, but may repeat itself.
pub fn parse_expire_opt(
    args: &mut Args,
    cur: &mut ExpireOpt,
    allow_keepttl: bool,
    allow_persist: bool,
) -> Result<bool, CmdError> {
    let Some(word) = args.peek() else {
        return Ok(false);
    };
    let word = word.to_ascii_uppercase();
    let kind: fn(i64) -> ExpireOpt = match &word[..] {
        b"EX" => ExpireOpt::Ex,
        b"PX" => ExpireOpt::Px,
        b"EXAT" => ExpireOpt::ExAt,
        b"PXAT" => ExpireOpt::PxAt,
        b"KEEPTTL" if allow_keepttl => {
            if cur.is_time() || *cur == ExpireOpt::Persist {
                return Err(CmdError::Syntax);
            }
            args.next();
            *cur = ExpireOpt::KeepTtl;
            return Ok(true);
        }
        b"PERSIST" if allow_persist => {
            if cur.is_time() || *cur == ExpireOpt::KeepTtl {
                return Err(CmdError::Syntax);
            }
            args.next();
            *cur = ExpireOpt::Persist;
            return Ok(true);
        }
        _ => return Ok(false),
    };
    let same_kind = std::mem::discriminant(&kind(0)) == std::mem::discriminant(cur);
    if (*cur != ExpireOpt::None && !same_kind) || args.remaining() < 2 {
        return Err(CmdError::Syntax);
    }
    args.next();
    // The value is checked for being an integer only after all options parsed, as Redis does:
    // keep the raw text and convert here, mapping failure to NotInteger.
    let v = args.i64()?;
    *cur = kind(v);
    Ok(true)
}

fn set(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let value = args.required()?;
    let (mut nx, mut xx, mut get) = (false, false, false);
    let mut expire = ExpireOpt::None;
    while !args.is_empty() {
        if parse_expire_opt(&mut args, &mut expire, true, false)? {
            continue;
        }
        if !xx && args.eat("NX") {
            nx = true;
        } else if !nx && args.eat("XX") {
            xx = true;
        } else if args.eat("GET") {
            get = true;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    let deadline = expire.deadline(ex.now, "set")?;
    let db = ex.session.db;
    // Only SET ... GET is a read, as far as keyspace hit/miss counters go.
    let entry = if get {
        ex.ks.read(db, key, ex.now)
    } else {
        ex.ks.write(db, key, ex.now)
    };
    let found = match entry {
        None => None,
        Some(e) => match &e.value {
            Value::Str(s) => Some(s.data.clone()),
            #[allow(unreachable_patterns)]
            _ if get => return Err(CmdError::WrongType),
            #[allow(unreachable_patterns)]
            _ => Some(Vec::new()),
        },
    };
    if get {
        match &found {
            Some(old) => ex.out.bulk(old),
            None => ex.out.null(),
        }
    }
    if (nx && found.is_some()) || (xx && found.is_none()) {
        if !get {
            ex.out.null();
        }
        return Ok(());
    }
    let d = ex.ks.db(db);
    match (expire, deadline) {
        (ExpireOpt::KeepTtl, _) => d.set_keep_ttl(key, Value::str(value)),
        (_, Some(at)) => d.insert(key, Value::str(value), at),
        _ => d.insert(key, Value::str(value), 0),
    }
    ex.ks.dirty += 1;
    if !get {
        ex.out.ok();
    }
    Ok(())
}
