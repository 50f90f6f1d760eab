//! INCRBYFLOAT key increment
//!
//! Adds the floating point `increment` to the number stored at `key` (0 when absent), in
//! `long double` precision as Redis does, stores the sum in Redis's human-friendly form (17
//! decimals, trailing zeros dropped) keeping any time to live, and replies with that text.
//! Events: `new` when it creates the key, then `incrbyfloat`.

use super::longdouble::LongDouble;
use super::write_str;
use crate::cmd::flags::*;
use crate::cmd::keys::notify_new;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::keyspace::value::{StrValue, Value};
use crate::notify;

pub const SPEC: CommandSpec = spec(
    "incrbyfloat",
    3,
    WRITE | DENYOOM | FAST,
    KEY1,
    "string",
    "2.6.0",
    "Increment the float value of a key by the given amount",
    incrbyfloat,
);

fn incrbyfloat(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let incr = args.required()?;
    let current = match write_str(ex, key)? {
        None => None,
        Some(s) => Some(LongDouble::parse(&s.data).ok_or(CmdError::NotFloat)?),
    };
    let created = current.is_none();
    let current = current.unwrap_or(LongDouble::Zero { neg: false });
    let incr = LongDouble::parse(incr).ok_or(CmdError::NotFloat)?;
    let sum = current.plus(incr);
    if !sum.is_finite() {
        return Err(CmdError::other(
            "ERR increment would produce NaN or Infinity",
        ));
    }
    let text = sum.to_human();
    let db = ex.session.db;
    ex.ks
        .db(db)
        .set_keep_ttl(key, Value::Str(StrValue::from_float(text.as_bytes())));
    if created {
        notify_new(ex, db, key);
    }
    ex.changed(notify::STRING, "incrbyfloat", key);
    ex.ks.dirty += 1;
    // Float formatting may differ elsewhere: replicas get the exact result.
    ex.propagate_as(&[b"SET", key, text.as_bytes(), b"KEEPTTL"]);
    ex.out.bulk(text.as_bytes());
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn float_increments_match_redis() {
        let mut h = Harness::new();
        h.check(&[
            ("INCRBYFLOAT n 10.5", "$4\r\n10.5\r\n"),
            ("INCRBYFLOAT n 0.1", "$4\r\n10.6\r\n"),
            ("GET n", "$4\r\n10.6\r\n"),
            ("INCRBYFLOAT n -10.6", "$1\r\n0\r\n"),
            ("SET n 5.0e3", "+OK\r\n"),
            ("INCRBYFLOAT n 2.0e2", "$4\r\n5200\r\n"),
            ("SET n 17179869184", "+OK\r\n"),
            ("INCRBYFLOAT n 1.5", "$13\r\n17179869185.5\r\n"),
            ("INCRBYFLOAT n abc", "-ERR value is not a valid float\r\n"),
            ("INCRBYFLOAT n nan", "-ERR value is not a valid float\r\n"),
            (
                "INCRBYFLOAT n inf",
                "-ERR increment would produce NaN or Infinity\r\n",
            ),
            (
                "INCRBYFLOAT n 1e5000",
                "-ERR value is not a valid float\r\n",
            ),
            ("SET big 1e4932", "+OK\r\n"),
            (
                "INCRBYFLOAT big 1e4932",
                "-ERR increment would produce NaN or Infinity\r\n",
            ),
            ("SET s hello", "+OK\r\n"),
            ("INCRBYFLOAT s 1", "-ERR value is not a valid float\r\n"),
            ("SETEX t 100 1", "+OK\r\n"),
            ("INCRBYFLOAT t 1", "$1\r\n2\r\n"),
            ("TTL t", ":100\r\n"),
            (
                "INCRBYFLOAT t",
                "-ERR wrong number of arguments for 'incrbyfloat' command\r\n",
            ),
        ]);
        for bad in [" 1", "1 ", "", "0x", "1e"] {
            assert_eq!(
                h.run(&["INCRBYFLOAT", "n", bad]),
                "-ERR value is not a valid float\r\n",
                "{bad:?}"
            );
        }
        assert_eq!(h.run(&["GET", "n"]), "$13\r\n17179869185.5\r\n");
    }

    #[test]
    fn events_incrbyfloat() {
        use crate::cmd::strings::{events, notifying, NONE};
        let mut h = notifying();
        assert_eq!(
            events(&mut h, "INCRBYFLOAT f 1.5"),
            ["new 0 f", "incrbyfloat 0 f"]
        );
        assert_eq!(events(&mut h, "INCRBYFLOAT f 1"), ["incrbyfloat 0 f"]);
        assert_eq!(events(&mut h, "INCRBYFLOAT f abc"), NONE);
        assert_eq!(events(&mut h, "INCRBYFLOAT f inf"), NONE);
        assert_eq!(events(&mut h, "INCRBYFLOAT g abc"), NONE);
    }
}
