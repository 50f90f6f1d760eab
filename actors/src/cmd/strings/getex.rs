//! GETEX key [EX seconds | PX milliseconds | EXAT unix-time-seconds |
//!     PXAT unix-time-milliseconds | PERSIST]
//!
//! Replies with the value of `key` like GET, and sets or removes its time to live. An EXAT or
//! PXAT time already past deletes the key (after replying with its value). Events: `expire`,
//! `del` for a past time, `persist` when PERSIST removed a time to live.

use super::set::{parse_expire_opt, ExpireOpt};
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::keyspace::value::Value;
use crate::notify;

pub const SPEC: CommandSpec = spec(
    "getex",
    -2,
    WRITE | FAST,
    KEY1,
    "string",
    "6.2.0",
    "Get the value of a key and optionally set its expiration",
    getex,
);

fn getex(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let mut expire = ExpireOpt::None;
    while !args.is_empty() {
        if !parse_expire_opt(&mut args, &mut expire, false, true)? {
            return Err(CmdError::Syntax);
        }
    }
    let db = ex.session.db;
    // A missing key answers nil before the time argument is even looked at, as in Redis.
    let value = match ex.ks.read(db, key, ex.now).map(|e| &e.value) {
        None => {
            ex.out.null();
            return Ok(());
        }
        Some(Value::Str(s)) => s.data.clone(),
        #[allow(unreachable_patterns)]
        Some(_) => return Err(CmdError::WrongType),
    };
    let deadline = expire.deadline(ex.now, "getex")?;
    ex.out.bulk(&value);
    let d = ex.ks.db(db);
    match deadline {
        Some(at) if expire.is_absolute() && at <= ex.now => {
            d.remove(key);
            ex.changed(notify::GENERIC, "del", key);
            ex.ks.dirty += 1;
            let del = ex.expire_del();
            ex.propagate_as(&[del, key]);
        }
        Some(at) => {
            d.set_expire(key, at);
            ex.changed(notify::GENERIC, "expire", key);
            ex.ks.dirty += 1;
            let at = at.to_string();
            ex.propagate_as(&[b"PEXPIREAT", key, at.as_bytes()]);
        }
        None if expire == ExpireOpt::Persist && d.get(key).is_some_and(|e| e.expire_at != 0) => {
            d.set_expire(key, 0);
            ex.changed(notify::GENERIC, "persist", key);
            ex.ks.dirty += 1;
            ex.propagate_as(&[b"PERSIST", key]);
        }
        None => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn options_and_errors_match_redis() {
        let mut h = Harness::new();
        h.check(&[
            ("GETEX nokey EX abc", "$-1\r\n"),
            ("GETEX nokey EX 0", "$-1\r\n"),
            ("GETEX nokey FOO", "-ERR syntax error\r\n"),
            ("SET k v", "+OK\r\n"),
            (
                "GETEX k EX abc",
                "-ERR value is not an integer or out of range\r\n",
            ),
            (
                "GETEX k EX 0",
                "-ERR invalid expire time in 'getex' command\r\n",
            ),
            ("GETEX k PERSIST EX 10", "-ERR syntax error\r\n"),
            ("GETEX k EX 10 PERSIST", "-ERR syntax error\r\n"),
            ("GETEX k EX 10 PX 10", "-ERR syntax error\r\n"),
            ("GETEX k KEEPTTL", "-ERR syntax error\r\n"),
            ("GETEX k EX", "-ERR syntax error\r\n"),
            ("GETEX k PERSIST PERSIST", "$1\r\nv\r\n"),
            ("GETEX k ex 100", "$1\r\nv\r\n"),
            ("TTL k", ":100\r\n"),
            ("GETEX k", "$1\r\nv\r\n"),
            ("TTL k", ":100\r\n"),
            ("GETEX k PERSIST", "$1\r\nv\r\n"),
            ("TTL k", ":-1\r\n"),
            ("GETEX k EX 10 EX 20", "$1\r\nv\r\n"),
            ("TTL k", ":20\r\n"),
            ("GETEX k PX 5000", "$1\r\nv\r\n"),
            ("TTL k", ":5\r\n"),
            ("GETEX k EXAT 99999999999", "$1\r\nv\r\n"),
            ("GETEX k PXAT 1", "$1\r\nv\r\n"),
            ("EXISTS k", ":0\r\n"),
        ]);
        // EX 100, EX 20, PX 5000, EXAT, PXAT (delete) and one PERSIST that removed a TTL.
        assert_eq!(h.ks.dirty, 1 + 6);
        let mut h = Harness::new().resp3();
        h.check(&[("GETEX k PERSIST", "_\r\n")]);
    }

    #[test]
    fn events_expire_persist_del() {
        use crate::cmd::strings::{events, notifying, NONE};
        let mut h = notifying();
        h.run(&["SET", "k", "v"]);
        assert_eq!(events(&mut h, "GETEX k"), NONE);
        assert_eq!(events(&mut h, "GETEX k PERSIST"), NONE);
        assert_eq!(events(&mut h, "GETEX k EX 100"), ["expire 0 k"]);
        assert_eq!(
            events(&mut h, "GETEX k PXAT 99999999999999"),
            ["expire 0 k"]
        );
        assert_eq!(events(&mut h, "GETEX k PERSIST"), ["persist 0 k"]);
        assert_eq!(events(&mut h, "GETEX k EX 0"), NONE);
        assert_eq!(events(&mut h, "GETEX k EXAT 1"), ["del 0 k"]);
        assert_eq!(events(&mut h, "GETEX k EX 10"), NONE);
    }
}
