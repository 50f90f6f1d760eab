//! SETRANGE key offset value
//!
//! Overwrites the string at `key` from byte `offset` with `value`, zero-padding as needed
//! (creating the key when absent), and replies with the new length. Events: `new` when it
//! creates the key, then `setrange`; none when `value` is empty.

use super::{check_string_length, write_str};
use crate::cmd::flags::*;
use crate::cmd::keys::notify_new;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::keyspace::value::{parse_i64_strict, StrValue, Value};
use crate::notify;

pub const SPEC: CommandSpec = spec(
    "setrange",
    4,
    WRITE | DENYOOM,
    KEY1,
    "string",
    "2.2.0",
    "Overwrite part of a string at key starting at the specified offset",
    setrange,
);

fn setrange(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let offset = parse_i64_strict(args.required()?).ok_or(CmdError::NotInteger)?;
    let value = args.required()?;
    if offset < 0 {
        return Err(CmdError::other("ERR offset is out of range"));
    }
    let offset = offset as u64;
    let old_len = write_str(ex, key)?.map(|s| s.data.len());
    if value.is_empty() {
        // Setting nothing changes nothing, not even creating the key.
        ex.out.int(old_len.unwrap_or(0) as i64);
        return Ok(());
    }
    check_string_length(ex, offset.saturating_add(value.len() as u64))?;
    let offset = offset as usize;
    if old_len.is_none() {
        let db = ex.session.db;
        ex.ks.db(db).insert(key, Value::Str(StrValue::default()), 0);
        notify_new(ex, db, key);
    }
    let s = write_str(ex, key)?.expect("exists: found or just inserted");
    let end = offset + value.len();
    if s.data.len() < end {
        s.data.resize(end, 0);
    }
    s.data[offset..end].copy_from_slice(value);
    s.raw = true;
    let len = s.data.len();
    ex.changed(notify::STRING, "setrange", key);
    ex.ks.dirty += 1;
    ex.out.int(len as i64);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn overwrites_and_pads() {
        let mut h = Harness::new();
        assert_eq!(h.run(&["SETRANGE", "k", "0", ""]), ":0\r\n");
        assert_eq!(h.run(&["EXISTS", "k"]), ":0\r\n");
        h.check(&[
            ("SETRANGE k 3 ab", ":5\r\n"),
            ("GET k", "$5\r\n\0\0\0ab\r\n"),
            ("SETRANGE k 0 xy", ":5\r\n"),
            ("GET k", "$5\r\nxy\0ab\r\n"),
            ("SETRANGE k -1 a", "-ERR offset is out of range\r\n"),
            (
                "SETRANGE k x a",
                "-ERR value is not an integer or out of range\r\n",
            ),
            (
                "SETRANGE k 536870911 ab",
                "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n",
            ),
            ("SET n 1234", "+OK\r\n"),
            ("OBJECT ENCODING n", "$3\r\nint\r\n"),
            ("SETRANGE n 1 9", ":4\r\n"),
            ("GET n", "$4\r\n1934\r\n"),
            ("OBJECT ENCODING n", "$3\r\nraw\r\n"),
        ]);
        assert_eq!(h.run(&["SETRANGE", "k", "100", ""]), ":5\r\n");
        assert_eq!(h.ks.dirty, 4);
    }

    #[test]
    fn length_limit_follows_proto_max_bulk_len() {
        let mut h = Harness::with_server(crate::cmd::strings::server_with(|t| {
            t.proto_max_bulk_len = 10
        }));
        h.check(&[
            ("SETRANGE k 9 a", ":10\r\n"),
            (
                "SETRANGE k 10 a",
                "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n",
            ),
            (
                "SETRANGE k 9223372036854775807 a",
                "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n",
            ),
            (
                "APPEND k a",
                "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n",
            ),
            ("STRLEN k", ":10\r\n"),
        ]);
    }

    #[test]
    fn events_setrange() {
        use crate::cmd::strings::{events, notifying, NONE};
        let mut h = notifying();
        assert_eq!(events(&mut h, "SETRANGE k 0 \"\""), NONE);
        assert_eq!(
            events(&mut h, "SETRANGE k 2 x"),
            ["new 0 k", "setrange 0 k"]
        );
        assert_eq!(events(&mut h, "SETRANGE k 0 y"), ["setrange 0 k"]);
        assert_eq!(events(&mut h, "SETRANGE k 1 \"\""), NONE);
        assert_eq!(events(&mut h, "SETRANGE k -1 x"), NONE);
    }
}
