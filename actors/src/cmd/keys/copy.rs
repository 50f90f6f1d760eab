//! COPY source destination [DB destination-db] [REPLACE]
//!
//! Copies the value (and time to live) of `source` to `destination`, in the current database
//! or `destination-db`: 1 when copied, 0 when `source` is absent or `destination` exists
//! without REPLACE. Events in the destination database: `new`, then `copy_to`.

use super::{db_index, notify_new, same_object};
use crate::cmd::flags::*;
use crate::cmd::table::spec;
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::notify;

pub const SPEC: CommandSpec = spec(
    "copy",
    -3,
    WRITE | DENYOOM,
    (1, 2, 1),
    "generic",
    "6.2.0",
    "Copy a key",
    copy,
);

fn copy(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let src_key = args.required()?;
    let dst_key = args.required()?;
    let src = ex.session.db;
    let (mut dst, mut replace) = (src, false);
    while let Some(opt) = args.next() {
        if opt.eq_ignore_ascii_case(b"REPLACE") {
            replace = true;
        } else if opt.eq_ignore_ascii_case(b"DB") && !args.is_empty() {
            dst = db_index(ex, args.required()?)?;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    if src == dst && src_key == dst_key {
        return Err(same_object());
    }
    let Some(entry) = ex.ks.read(src, src_key, ex.now).cloned() else {
        ex.out.int(0);
        return Ok(());
    };
    if ex.ks.write(dst, dst_key, ex.now).is_some() && !replace {
        ex.out.int(0);
        return Ok(());
    }
    ex.ks.db(dst).insert(dst_key, entry.value, entry.expire_at);
    notify_new(ex, dst, dst_key);
    ex.ks.signal_modified(dst, dst_key);
    ex.ks.notify(notify::GENERIC, "copy_to", dst, dst_key);
    ex.ks.dirty += 1;
    ex.out.int(1);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn copies_with_options() {
        let mut h = Harness::new();
        h.check(&[
            ("COPY a b", ":0\r\n"),
            ("SETEX a 100 v", "+OK\r\n"),
            (
                "COPY a a",
                "-ERR source and destination objects are the same\r\n",
            ),
            (
                "COPY a a DB 0",
                "-ERR source and destination objects are the same\r\n",
            ),
            ("COPY a b DB 16", "-ERR DB index is out of range\r\n"),
            (
                "COPY a b DB x",
                "-ERR value is not an integer or out of range\r\n",
            ),
            (
                "COPY a b DB -2147483649",
                "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n",
            ),
            ("COPY a b DB", "-ERR syntax error\r\n"),
            ("COPY a b FOO", "-ERR syntax error\r\n"),
            ("COPY a b", ":1\r\n"),
            ("TTL b", ":100\r\n"),
            ("SET c other", "+OK\r\n"),
            ("COPY a c", ":0\r\n"),
            ("COPY a c REPLACE", ":1\r\n"),
            ("GET c", "$1\r\nv\r\n"),
            ("COPY a a DB 1", ":1\r\n"),
            ("COPY a a db 1 replace", ":1\r\n"),
            ("SELECT 1", "+OK\r\n"),
            ("GET a", "$1\r\nv\r\n"),
            (
                "COPY a",
                "-ERR wrong number of arguments for 'copy' command\r\n",
            ),
        ]);
    }

    #[test]
    fn events_in_the_destination_database() {
        use crate::cmd::strings::{events, notifying, NONE};
        let mut h = notifying();
        h.run(&["SET", "a", "v"]);
        assert_eq!(events(&mut h, "COPY a b"), ["new 0 b", "copy_to 0 b"]);
        assert_eq!(events(&mut h, "COPY a b"), NONE);
        assert_eq!(
            events(&mut h, "COPY a b REPLACE"),
            ["new 0 b", "copy_to 0 b"]
        );
        assert_eq!(events(&mut h, "COPY a b DB 2"), ["new 2 b", "copy_to 2 b"]);
        assert_eq!(events(&mut h, "COPY nosuch b REPLACE"), NONE);
        assert_eq!(events(&mut h, "COPY a a"), NONE);
    }

    #[test]
    fn invalidates_a_watch_in_the_destination() {
        use crate::cmd::testing::Harness;
        let mut h = Harness::new();
        h.check(&[
            ("SELECT 2", "+OK\r\n"),
            ("WATCH b", "+OK\r\n"),
            ("SELECT 0", "+OK\r\n"),
            ("SET a v", "+OK\r\n"),
            ("COPY a b DB 2", ":1\r\n"),
            ("MULTI", "+OK\r\n"),
            ("EXEC", "*-1\r\n"),
        ]);
    }
}
