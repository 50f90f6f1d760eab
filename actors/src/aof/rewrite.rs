//! The AOF base in command form, written by a rewrite when `aof-use-rdb-preamble no`: each key
//! as the commands that rebuild it, as Redis's `rewriteAppendOnlyFileRio` writes them (at most
//! 64 elements per command, `HMSET` for hashes, `%.17g` scores, `PEXPIREAT` after a key with a
//! time to live, `SELECT` before each database).

use crate::keyspace::db::Entry;
use crate::keyspace::value::Value;

/// Redis's `AOF_REWRITE_ITEMS_PER_CMD`.
const ITEMS_PER_CMD: usize = 64;

fn put_command(out: &mut Vec<u8>, args: &[&[u8]]) {
    out.extend_from_slice(format!("*{}\r\n", args.len()).as_bytes());
    for a in args {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
}

/// `SELECT <db>`, written before each database's keys.
pub fn put_select(out: &mut Vec<u8>, db: usize) {
    put_command(out, &[b"SELECT", db.to_string().as_bytes()]);
}

/// Commands in batches: `name key` then up to 64 items (each one or more arguments).
fn put_batched<'a>(
    out: &mut Vec<u8>,
    name: &[u8],
    key: &[u8],
    items: impl Iterator<Item = Vec<&'a [u8]>>,
) {
    let mut args: Vec<&[u8]> = vec![name, key];
    let mut n = 0;
    for item in items {
        args.extend(item);
        n += 1;
        if n == ITEMS_PER_CMD {
            put_command(out, &args);
            args.truncate(2);
            n = 0;
        }
    }
    if n > 0 {
        put_command(out, &args);
    }
}

/// One key as commands.
pub fn put_entry(out: &mut Vec<u8>, key: &[u8], entry: &Entry) {
    match &entry.value {
        Value::Str(s) => put_command(out, &[b"SET", key, &s.data]),
        Value::List(l) => put_batched(out, b"RPUSH", key, l.iter().map(|e| vec![e])),
        Value::Set(s) => {
            let members: Vec<Vec<u8>> = s.iter().map(|m| m.to_vec()).collect();
            put_batched(out, b"SADD", key, members.iter().map(|m| vec![&m[..]]));
        }
        Value::ZSet(z) => {
            let pairs: Vec<(String, Vec<u8>)> = z
                .iter()
                .map(|(m, score)| (protocol::format_double(score), m.to_vec()))
                .collect();
            put_batched(
                out,
                b"ZADD",
                key,
                pairs.iter().map(|(s, m)| vec![s.as_bytes(), &m[..]]),
            );
        }
        Value::Hash(h) => put_batched(out, b"HMSET", key, h.iter().map(|(f, v)| vec![f, v])),
    }
    if entry.expire_at != 0 {
        put_command(
            out,
            &[b"PEXPIREAT", key, entry.expire_at.to_string().as_bytes()],
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyspace::db::Db;
    use crate::keyspace::value::Value;

    #[test]
    fn keys_become_the_commands_redis_writes() {
        let mut db = Db::new();
        db.insert(b"s", Value::str(b"v"), 4_000_000_000_000);
        let mut out = Vec::new();
        put_select(&mut out, 2);
        put_entry(&mut out, b"s", db.get(b"s").unwrap());
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "*2\r\n$6\r\nSELECT\r\n$1\r\n2\r\n*3\r\n$3\r\nSET\r\n$1\r\ns\r\n$1\r\nv\r\n\
             *3\r\n$9\r\nPEXPIREAT\r\n$1\r\ns\r\n$13\r\n4000000000000\r\n"
        );
        // 130 list elements: RPUSH commands of 64, 64 and 2.
        let items: Vec<String> = (0..130).map(|i| i.to_string()).collect();
        let mut out = Vec::new();
        let mut batches = Vec::new();
        put_batched(
            &mut out,
            b"RPUSH",
            b"l",
            items.iter().map(|i| vec![i.as_bytes()]),
        );
        let mut pos = 0;
        let data = bytes::Bytes::from(out);
        while let Some(crate::aof::load::Read::Command(argv)) =
            crate::aof::load::read_command(&data, &mut pos)
        {
            batches.push(argv.len() - 2);
        }
        assert_eq!(batches, vec![64, 64, 2]);
    }
}
