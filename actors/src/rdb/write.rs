//! Saving databases as an RDB version 10 file, in the encodings Redis 7.0 itself writes, so
//! Redis 7.0 (and `redis-check-rdb`) load the result as if Redis had saved it.

use super::crc64::crc64;
use super::encoding::{intset_encode, ListpackWriter};
use super::kind::*;
use super::lzf;
use crate::keyspace::db::{Db, Entry};
use crate::keyspace::hash::HashValue;
use crate::keyspace::set::{Member, SetValue};
use crate::keyspace::value::{parse_i64_strict, Value};
use std::io::{self, Write};

/// Redis 7.0 starts a new quicklist node once a listpack would pass this many bytes
/// (`list-max-listpack-size -2`).
const LIST_NODE_BYTES: usize = 8192;

/// What `rdbSaveRio` takes from the server's configuration and state.
#[derive(Debug, Clone, PartialEq)]
pub struct RdbOptions {
    /// `rdbcompression`: LZF-compress strings longer than 20 bytes when that saves space.
    pub compression: bool,
    /// `rdbchecksum`: end with the CRC-64; otherwise with eight zero bytes, which loaders
    /// take as "not computed".
    pub checksum: bool,
    /// The `ctime` aux field, seconds since the epoch.
    pub ctime: i64,
    /// The `used-mem` aux field.
    pub used_mem: u64,
    /// The `repl-id` and `repl-offset` aux fields, written only for replication-aware saves.
    pub repl: Option<(String, i64)>,
    /// The `aof-base` aux field: 1 for the RDB preamble of an AOF base file.
    pub aof_base: bool,
}

impl Default for RdbOptions {
    fn default() -> Self {
        let ctime = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        RdbOptions {
            compression: true,
            checksum: true,
            ctime,
            used_mem: 0,
            repl: None,
            aof_base: false,
        }
    }
}

/// Checksums everything written through it.
struct Crc<'a, W: Write> {
    out: &'a mut W,
    crc: u64,
}

impl<W: Write> Crc<'_, W> {
    fn put(&mut self, b: &[u8]) -> io::Result<()> {
        self.crc = crc64(self.crc, b);
        self.out.write_all(b)
    }
}

/// Writes `dbs` (database `i` is `dbs[i]`; empty ones are left out, as Redis does) as an RDB
/// file. Keys keep their expiry, whether or not it has passed: the loader decides.
pub fn write_rdb(out: &mut impl Write, dbs: &[Db], opts: &RdbOptions) -> io::Result<()> {
    let mut w = Crc { out, crc: 0 };
    let mut buf = Vec::new();
    put_header(&mut buf, opts);
    w.put(&buf)?;
    for (i, db) in dbs.iter().enumerate() {
        if db.is_empty() {
            continue;
        }
        buf.clear();
        put_db_header(&mut buf, i, db.len(), db.expires_len());
        w.put(&buf)?;
        for (key, entry) in db.iter() {
            buf.clear();
            put_entry(&mut buf, key, entry, opts.compression);
            w.put(&buf)?;
        }
    }
    let crc = w.crc;
    put_trailer(&mut w.out, crc, opts.checksum)
}

/// The magic and the aux fields Redis 7.0 writes at the start of every RDB.
pub fn put_header(buf: &mut Vec<u8>, opts: &RdbOptions) {
    buf.extend_from_slice(format!("REDIS{:04}", super::RDB_VERSION).as_bytes());
    let mut aux = vec![
        ("redis-ver", "7.0.15".to_string()),
        ("redis-bits", "64".to_string()),
        ("ctime", opts.ctime.to_string()),
        ("used-mem", opts.used_mem.to_string()),
    ];
    if let Some((id, offset)) = &opts.repl {
        aux.push(("repl-stream-db", "0".to_string()));
        aux.push(("repl-id", id.clone()));
        aux.push(("repl-offset", offset.to_string()));
    }
    aux.push(("aof-base", (opts.aof_base as u8).to_string()));
    for (k, v) in aux {
        buf.push(OP_AUX);
        put_string(buf, k.as_bytes(), opts.compression);
        put_string(buf, v.as_bytes(), opts.compression);
    }
}

/// SELECTDB and RESIZEDB before the keys of database `db`.
pub fn put_db_header(buf: &mut Vec<u8>, db: usize, keys: usize, expires: usize) {
    buf.push(OP_SELECTDB);
    put_len(buf, db as u64);
    buf.push(OP_RESIZEDB);
    put_len(buf, keys as u64);
    put_len(buf, expires as u64);
}

/// One key: its expiry in ms if it has one, then type, key and value.
pub fn put_entry(buf: &mut Vec<u8>, key: &[u8], entry: &Entry, compression: bool) {
    if entry.expire_at != 0 {
        buf.push(OP_EXPIRETIME_MS);
        buf.extend_from_slice(&(entry.expire_at as i64).to_le_bytes());
    }
    put_value(buf, key, &entry.value, compression);
}

/// EOF and the CRC-64 of everything before it (`crc` covers the file up to, not including,
/// EOF); eight zero bytes when checksums are off, which loaders take as "not computed".
pub fn put_trailer(out: &mut impl Write, crc: u64, checksum: bool) -> io::Result<()> {
    let crc = super::crc64::crc64(crc, &[OP_EOF]);
    out.write_all(&[OP_EOF])?;
    out.write_all(&(if checksum { crc } else { 0 }).to_le_bytes())
}

/// A length: 6, 14, 32 or 64 bits, the top bits of the first byte saying which.
pub(crate) fn put_len(out: &mut Vec<u8>, len: u64) {
    if len < 1 << 6 {
        out.push(len as u8);
    } else if len < 1 << 14 {
        out.extend_from_slice(&[0x40 | (len >> 8) as u8, len as u8]);
    } else if len <= u32::MAX as u64 {
        out.push(0x80);
        out.extend_from_slice(&(len as u32).to_be_bytes());
    } else {
        out.push(0x81);
        out.extend_from_slice(&len.to_be_bytes());
    }
}

/// A string as `rdbSaveRawString` writes it: a short decimal integer that fits 32 bits as
/// an integer, a long one LZF-compressed if that saves at least 4 bytes, otherwise raw.
pub(crate) fn put_string(out: &mut Vec<u8>, s: &[u8], compression: bool) {
    if s.len() <= 11 {
        if let Some(n) = parse_i64_strict(s) {
            if let Ok(n) = i8::try_from(n) {
                out.extend_from_slice(&[0xc0 | ENC_INT8, n as u8]);
                return;
            } else if let Ok(n) = i16::try_from(n) {
                out.push(0xc0 | ENC_INT16);
                out.extend_from_slice(&n.to_le_bytes());
                return;
            } else if let Ok(n) = i32::try_from(n) {
                out.push(0xc0 | ENC_INT32);
                out.extend_from_slice(&n.to_le_bytes());
                return;
            }
        }
    }
    if compression && s.len() > 20 {
        if let Some(c) = lzf::compress(s, s.len() - 4) {
            out.push(0xc0 | ENC_LZF);
            put_len(out, c.len() as u64);
            put_len(out, s.len() as u64);
            out.extend_from_slice(&c);
            return;
        }
    }
    put_len(out, s.len() as u64);
    out.extend_from_slice(s);
}

/// The bytes Redis's `d2string` gives a listpack score: integral values as integers (which
/// the listpack then stores as integers), others as a decimal that reads back exactly.
fn score_string(score: f64) -> Vec<u8> {
    if score.is_infinite() {
        return if score > 0.0 {
            b"inf".to_vec()
        } else {
            b"-inf".to_vec()
        };
    }
    if score.fract() == 0.0 && score.abs() < 1e17 {
        return (score as i64).to_string().into_bytes();
    }
    let plain = score.to_string();
    if plain.len() <= 24 {
        plain.into_bytes()
    } else {
        format!("{score:e}").into_bytes()
    }
}

fn put_value(out: &mut Vec<u8>, key: &[u8], value: &Value, compression: bool) {
    match value {
        Value::Str(s) => {
            out.push(STRING);
            put_string(out, key, compression);
            put_string(out, &s.data, compression);
        }
        Value::List(l) => {
            out.push(LIST_QUICKLIST_2);
            put_string(out, key, compression);
            let mut nodes = Vec::new();
            let mut lp = ListpackWriter::new();
            for e in l.iter() {
                if !lp.is_empty() && lp.bytes() + e.len() + 11 > LIST_NODE_BYTES {
                    nodes.push(std::mem::take(&mut lp).finish());
                }
                lp.push(e);
            }
            if !lp.is_empty() {
                nodes.push(lp.finish());
            }
            put_len(out, nodes.len() as u64);
            for n in nodes {
                put_len(out, NODE_PACKED);
                put_string(out, &n, compression);
            }
        }
        Value::Hash(HashValue::Listpack(pairs)) => {
            out.push(HASH_LISTPACK);
            put_string(out, key, compression);
            let mut lp = ListpackWriter::new();
            for (f, v) in pairs {
                lp.push(f);
                lp.push(v);
            }
            put_string(out, &lp.finish(), compression);
        }
        Value::Hash(h) => {
            out.push(HASH);
            put_string(out, key, compression);
            put_len(out, h.len() as u64);
            for (f, v) in h.iter() {
                put_string(out, f, compression);
                put_string(out, v, compression);
            }
        }
        Value::Set(SetValue::IntSet(v)) => {
            out.push(SET_INTSET);
            put_string(out, key, compression);
            put_string(out, &intset_encode(v), compression);
        }
        Value::Set(s) => {
            out.push(SET);
            put_string(out, key, compression);
            put_len(out, s.len() as u64);
            for m in s.iter() {
                match m {
                    Member::Str(b) => put_string(out, b, compression),
                    Member::Int(n) => put_string(out, n.to_string().as_bytes(), compression),
                }
            }
        }
        Value::ZSet(z) if z.is_listpack() => {
            out.push(ZSET_LISTPACK);
            put_string(out, key, compression);
            let mut lp = ListpackWriter::new();
            for (m, score) in z.iter() {
                lp.push(m);
                lp.push(&score_string(score));
            }
            put_string(out, &lp.finish(), compression);
        }
        Value::ZSet(z) => {
            out.push(ZSET_2);
            put_string(out, key, compression);
            put_len(out, z.len() as u64);
            // Highest first, as Redis walks its skiplist from the tail so that loading
            // inserts every element at the head.
            let items: Vec<(&[u8], f64)> = z.iter().collect();
            for (m, score) in items.into_iter().rev() {
                put_string(out, m, compression);
                out.extend_from_slice(&score.to_le_bytes());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths() {
        let table: &[(u64, &[u8])] = &[
            (0, &[0x00]),
            (63, &[0x3f]),
            (64, &[0x40, 0x40]),
            (16383, &[0x7f, 0xff]),
            (16384, &[0x80, 0, 0, 0x40, 0]),
            (u32::MAX as u64, &[0x80, 0xff, 0xff, 0xff, 0xff]),
            (1 << 32, &[0x81, 0, 0, 0, 1, 0, 0, 0, 0]),
        ];
        for (len, want) in table {
            let mut out = Vec::new();
            put_len(&mut out, *len);
            assert_eq!(out, *want, "{len}");
        }
    }

    #[test]
    fn strings_pick_redis_encoding() {
        let long = vec![b'a'; 100];
        let random: Vec<u8> = (0..30u8).map(|i| i.wrapping_mul(97) ^ 0x5a).collect();
        let table: &[(&[u8], bool, &[u8])] = &[
            (b"0", true, &[0xc0, 0x00]),
            (b"-128", true, &[0xc0, 0x80]),
            (b"128", true, &[0xc1, 0x80, 0x00]),
            (b"-32769", true, &[0xc2, 0xff, 0x7f, 0xff, 0xff]),
            (
                b"2147483648",
                true,
                &[
                    0x0a, b'2', b'1', b'4', b'7', b'4', b'8', b'3', b'6', b'4', b'8',
                ],
            ),
            (b"01", true, &[0x02, b'0', b'1']),
            (b"", true, &[0x00]),
        ];
        for (s, compression, want) in table {
            let mut out = Vec::new();
            put_string(&mut out, s, *compression);
            assert_eq!(out, *want, "{:?}", String::from_utf8_lossy(s));
        }
        let mut out = Vec::new();
        put_string(&mut out, &long, true);
        assert_eq!(out[0], 0xc3, "long runs compress");
        out.clear();
        put_string(&mut out, &long, false);
        assert_eq!(out[0], 0x40, "rdbcompression no keeps them raw");
        out.clear();
        put_string(&mut out, &random, true);
        assert_eq!(out[0], 30, "incompressible strings stay raw");
    }

    #[test]
    fn score_strings_read_back_exactly() {
        for s in [
            0.0,
            1.0,
            -3.0,
            0.1,
            1.5,
            -2.5e-300,
            1e300,
            123456789.125,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1e17,
            2f64.powi(70),
        ] {
            let text = String::from_utf8(score_string(s)).unwrap();
            let back: f64 = text.parse().unwrap();
            assert_eq!(back, s, "{text}");
        }
        assert_eq!(score_string(3.0), b"3");
    }

    #[test]
    fn empty_keyspace_is_header_and_trailer() {
        let opts = RdbOptions {
            ctime: 0,
            ..RdbOptions::default()
        };
        let mut out = Vec::new();
        write_rdb(&mut out, &[Db::new()], &opts).unwrap();
        assert!(out.starts_with(b"REDIS0010\xfa"));
        let n = out.len();
        assert_eq!(out[n - 9], OP_EOF);
        assert_eq!(crc64(0, &out[..n - 8]).to_le_bytes(), out[n - 8..]);
        let mut plain = Vec::new();
        write_rdb(
            &mut plain,
            &[],
            &RdbOptions {
                checksum: false,
                ..opts
            },
        )
        .unwrap();
        assert_eq!(&plain[plain.len() - 8..], &[0; 8]);
    }
}
