//! Generic key commands.

pub mod copy;
pub mod del;
pub mod exists;
pub mod expire;
pub mod expireat;
pub mod expiretime;
pub mod glob;
// The KEYS command lives in keys/keys.rs like every other command in its own file.
#[allow(clippy::module_inception)]
pub mod keys;
pub mod r#move;
pub mod object;
pub mod persist;
pub mod pexpire;
pub mod pexpireat;
pub mod pexpiretime;
pub mod pttl;
pub mod randomkey;
pub mod rename;
pub mod renamenx;
pub mod scan;
pub mod touch;
pub mod ttl;
pub mod r#type;
pub mod unlink;

pub static COMMANDS: &[super::CommandSpec] = &[
    copy::SPEC,
    del::SPEC,
    exists::SPEC,
    expire::SPEC,
    expireat::SPEC,
    expiretime::SPEC,
    keys::SPEC,
    r#move::SPEC,
    object::SPEC,
    persist::SPEC,
    pexpire::SPEC,
    pexpireat::SPEC,
    pexpiretime::SPEC,
    pttl::SPEC,
    randomkey::SPEC,
    rename::SPEC,
    renamenx::SPEC,
    scan::SPEC,
    touch::SPEC,
    ttl::SPEC,
    r#type::SPEC,
    unlink::SPEC,
];

use super::{Args, CmdError, Exec};
use crate::keyspace::value::parse_i64_strict;
use crate::notify;

/// A key was just created in `db`: the `new` event of Redis's `dbAdd` (class `n`, which `A`
/// does not include). Comes before the command's own event, as `dbAdd` runs first.
pub fn notify_new(ex: &mut Exec, db: usize, key: &[u8]) {
    ex.ks.notify(notify::NEW, "new", db, key);
}

/// DEL and UNLINK: deletes each live key, replying with how many there were; a `del` event for
/// each one deleted.
pub fn delete_keys(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    let db = ex.session.db;
    let mut deleted = 0;
    for key in args.rest() {
        if ex.ks.delete(db, key, ex.now) {
            ex.changed(notify::GENERIC, "del", key);
            deleted += 1;
        }
    }
    ex.ks.dirty += deleted;
    ex.out.int(deleted as i64);
    Ok(())
}

/// Redis's `getIntFromObjectOrReply` then `selectDb` check, for MOVE and COPY's DB argument.
pub fn db_index(ex: &Exec, arg: &[u8]) -> Result<usize, CmdError> {
    let id = parse_i64_strict(arg).ok_or(CmdError::NotInteger)?;
    let id = i32::try_from(id).map_err(|_| {
        CmdError::other("ERR value is out of range, value must between -2147483648 and 2147483647")
    })?;
    if id < 0 || id as usize >= ex.ks.dbs.len() {
        return Err(CmdError::DbIndexOutOfRange);
    }
    Ok(id as usize)
}

/// `ERR source and destination objects are the same`
pub fn same_object() -> CmdError {
    CmdError::other("ERR source and destination objects are the same")
}

/// The four EXPIRE variants: how the time argument is read.
#[derive(Debug, Clone, Copy)]
pub struct ExpireKind {
    pub name: &'static str,
    /// The argument is in seconds (else milliseconds).
    pub seconds: bool,
    /// The argument is relative to now (else a Unix time).
    pub relative: bool,
}

/// Redis's `expireGenericCommand`: `key time [NX | XX | GT | LT]`. A time already past deletes
/// the key; the reply is 1 when the expiry was set (or the key deleted), 0 otherwise. Events:
/// `expire`, or `del` when the time was past.
pub fn expire_generic(ex: &mut Exec, mut args: Args, kind: ExpireKind) -> Result<(), CmdError> {
    let key = args.required()?;
    let time = args.required()?;
    let (mut nx, mut xx, mut gt, mut lt) = (false, false, false, false);
    for opt in args.rest() {
        match opt.to_ascii_uppercase().as_slice() {
            b"NX" => nx = true,
            b"XX" => xx = true,
            b"GT" => gt = true,
            b"LT" => lt = true,
            _ => {
                // Redis prints the option with %s, so it stops at a NUL byte.
                let shown = opt.split(|&c| c == 0).next().unwrap_or_default();
                return Err(CmdError::Other(format!(
                    "ERR Unsupported option {}",
                    String::from_utf8_lossy(shown)
                )));
            }
        }
    }
    if nx && (xx || gt || lt) {
        return Err(CmdError::other(
            "ERR NX and XX, GT or LT options at the same time are not compatible",
        ));
    }
    if gt && lt {
        return Err(CmdError::other(
            "ERR GT and LT options at the same time are not compatible",
        ));
    }
    let mut when = parse_i64_strict(time).ok_or(CmdError::NotInteger)?;
    if kind.seconds {
        when = when
            .checked_mul(1000)
            .ok_or(CmdError::InvalidExpire(kind.name))?;
    }
    if kind.relative {
        when = when
            .checked_add(ex.now as i64)
            .ok_or(CmdError::InvalidExpire(kind.name))?;
    }
    let db = ex.session.db;
    let Some(entry) = ex.ks.write(db, key, ex.now) else {
        ex.out.int(0);
        return Ok(());
    };
    // Current expiry as Redis's getExpire: -1 for none.
    let current = if entry.expire_at == 0 {
        -1
    } else {
        entry.expire_at as i64
    };
    let refused = (nx && current != -1)
        || (xx && current == -1)
        || (gt && (current == -1 || when <= current))
        || (lt && current != -1 && when >= current);
    if refused {
        ex.out.int(0);
        return Ok(());
    }
    let d = ex.ks.db(db);
    if when <= ex.now as i64 {
        d.remove(key);
        ex.changed(notify::GENERIC, "del", key);
        let del = ex.expire_del();
        ex.propagate_as(&[del, key]);
    } else {
        d.set_expire(key, when as u64);
        ex.changed(notify::GENERIC, "expire", key);
        // As PEXPIREAT with the absolute time, options kept (Redis rewrites only these two,
        // and the name only when it is not PEXPIREAT already).
        let at = when.to_string();
        let name: &[u8] = if kind.name == "pexpireat" {
            &args.all()[0]
        } else {
            b"PEXPIREAT"
        };
        let mut parts: Vec<&[u8]> = vec![name, key, at.as_bytes()];
        parts.extend(args.all()[3..].iter().map(|a| a.as_ref()));
        ex.propagate_as(&parts);
    }
    ex.ks.dirty += 1;
    ex.out.int(1);
    Ok(())
}

/// Redis's `ttlGenericCommand`: -2 for no key, -1 for no expiry, else the time left (or the
/// absolute expiry) in ms or rounded seconds.
pub fn ttl_generic(
    ex: &mut Exec,
    mut args: Args,
    ms: bool,
    absolute: bool,
) -> Result<(), CmdError> {
    let key = args.required()?;
    let now = ex.now;
    let Some(entry) = ex.ks.read(ex.session.db, key, now) else {
        ex.out.int(-2);
        return Ok(());
    };
    if entry.expire_at == 0 {
        ex.out.int(-1);
        return Ok(());
    }
    let at = entry.expire_at.min(i64::MAX as u64) as i64;
    let t = if absolute {
        at
    } else {
        (at - now as i64).max(0)
    };
    // Widened so the rounding of the largest expiry does not overflow (Redis's compiled code
    // gives the mathematically exact result there too).
    ex.out.int(if ms {
        t
    } else {
        ((t as i128 + 500) / 1000) as i64
    });
    Ok(())
}
