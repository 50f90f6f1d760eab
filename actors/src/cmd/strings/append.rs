//! APPEND key value
//!
//! Appends `value` to the string at `key` (creating it when absent) and replies with the new
//! length. Events: `new` when it creates the key, then `append`.

use super::{check_string_length, write_str};
use crate::cmd::flags::*;
use crate::cmd::keys::notify_new;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::keyspace::value::Value;
use crate::notify;

pub const SPEC: CommandSpec = spec(
    "append",
    3,
    WRITE | DENYOOM | FAST,
    KEY1,
    "string",
    "2.0.0",
    "Append a value to a key",
    append,
);

fn append(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let value = args.required()?;
    let old_len = match write_str(ex, key)? {
        None => None,
        Some(s) => Some(s.data.len()),
    };
    let len = match old_len {
        None => {
            // A new key holds the argument as SET would store it (not forced to `raw`).
            let db = ex.session.db;
            ex.ks.db(db).insert(key, Value::str(value), 0);
            notify_new(ex, db, key);
            value.len()
        }
        Some(old) => {
            check_string_length(ex, (old + value.len()) as u64)?;
            let s = write_str(ex, key)?.expect("checked above");
            s.data.extend_from_slice(value);
            // Redis unshares the value into a plain sds, which OBJECT ENCODING reports as raw.
            s.raw = true;
            s.data.len()
        }
    };
    ex.changed(notify::STRING, "append", key);
    ex.ks.dirty += 1;
    ex.out.int(len as i64);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn appends_and_reports_length() {
        let mut h = Harness::new();
        h.check(&[
            ("APPEND k 12", ":2\r\n"),
            ("OBJECT ENCODING k", "$3\r\nint\r\n"),
            ("APPEND k 3", ":3\r\n"),
            ("GET k", "$3\r\n123\r\n"),
            ("OBJECT ENCODING k", "$3\r\nraw\r\n"),
            ("SETEX t 100 a", "+OK\r\n"),
            ("APPEND t b", ":2\r\n"),
            ("TTL t", ":100\r\n"),
        ]);
        assert_eq!(h.run(&["APPEND", "k", ""]), ":3\r\n");
        assert_eq!(h.ks.dirty, 5);
    }

    #[test]
    fn events_append() {
        use crate::cmd::strings::{events, notifying};
        let mut h = notifying();
        assert_eq!(events(&mut h, "APPEND k x"), ["new 0 k", "append 0 k"]);
        assert_eq!(events(&mut h, "APPEND k y"), ["append 0 k"]);
        // Even an empty value creates the key.
        assert_eq!(events(&mut h, "APPEND e \"\""), ["new 0 e", "append 0 e"]);
    }
}
