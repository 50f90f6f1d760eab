//! Loading an RDB file: every encoding Redis 7.0 writes plus the older ones it still loads,
//! rebuilt into Redactor values with the encodings Redis 7.0 would give them on load.
//!
//! Every read is bounds-checked against the input, and every length is checked against what
//! remains before anything is allocated for it, so a corrupt or hostile file is an
//! [`RdbError`] naming the byte offset, never a panic or a huge allocation.

use super::crc64::crc64;
use super::encoding::{intset_decode, listpack_entries, ziplist_entries, BlobError};
use super::kind::*;
use super::lzf::{self, LzfError};
use crate::keyspace::db::Db;
use crate::keyspace::hash::HashValue;
use crate::keyspace::list::{End, ListValue};
use crate::keyspace::set::SetValue;
use crate::keyspace::value::{parse_i64_strict, StrValue, Value};
use crate::keyspace::zset::{Limits, ZSetValue};
use indexmap::{IndexMap, IndexSet};
use std::collections::HashSet;
use std::fmt;

/// Why a file could not be loaded. `at` is always a byte offset into the file.
#[derive(Debug, Clone, PartialEq)]
pub enum RdbError {
    /// The file does not start with `REDIS` and four decimal digits.
    BadMagic,
    /// The version is 0 or newer than 10, which Redis 7.0 cannot load either.
    UnsupportedVersion { version: u32 },
    /// The file ends inside the item starting at `at`.
    Truncated { at: usize },
    /// A length at `at` exceeds what remains of the file or what the item allows.
    BadLength { at: usize },
    /// The byte at `at` is neither a value type nor an opcode.
    UnknownType { at: usize, byte: u8 },
    /// A string at `at` has a special encoding that does not exist.
    BadStringEncoding { at: usize, encoding: u8 },
    /// The LZF string at `at` does not decode.
    Lzf { at: usize, err: LzfError },
    /// The listpack, ziplist or intset blob starting at `at` is malformed.
    Blob {
        at: usize,
        kind: &'static str,
        err: BlobError,
    },
    /// A number stored as text at `at` (a ZSET score or a blob's score) does not parse, or
    /// is NaN.
    BadScore { at: usize },
    /// The key read at `at` was already loaded into the same database.
    DuplicateKey { at: usize },
    /// A hash field, set member or sorted set member repeats in the value at `at`.
    Duplicate { at: usize },
    /// A blob at `at` holds an odd number of entries where pairs are needed.
    OddPairs { at: usize },
    /// A quicklist node at `at` has a container kind other than plain or packed.
    BadContainer { at: usize, container: u64 },
    /// SELECTDB at `at` names a database beyond the configured count.
    DbOutOfRange { at: usize, db: u64 },
    /// A key or aux value at `at` needs a module; Redactor has none.
    ModuleUnsupported { at: usize },
    /// A stream at `at`; Redactor has no stream type.
    StreamUnsupported { at: usize },
    /// A zipmap hash (Redis 2.4 and older) at `at`; not supported.
    ZipmapUnsupported { at: usize },
    /// A pre-release 7.0 function record at `at`, which Redis 7.0 also refuses.
    OldFunctionFormat { at: usize },
    /// An integer in a text field at `at` (an aux value is not checked) is out of range.
    BadInteger { at: usize },
    /// The CRC-64 trailer disagrees with the content.
    Checksum { stored: u64, computed: u64 },
}

impl fmt::Display for RdbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RdbError::BadMagic => write!(f, "not an RDB file (bad magic at offset 0)"),
            RdbError::UnsupportedVersion { version: 0 } => {
                write!(f, "can't handle RDB format version 0 (at offset 5)")
            }
            RdbError::UnsupportedVersion { version } => {
                write!(
                    f,
                    "RDB format version {version} (at offset 5) is newer than 10, can't load"
                )
            }
            RdbError::Truncated { at } => {
                write!(f, "unexpected end of file in item at offset {at}")
            }
            RdbError::BadLength { at } => write!(f, "impossible length at offset {at}"),
            RdbError::UnknownType { at, byte } => {
                write!(f, "unknown value type or opcode {byte} at offset {at}")
            }
            RdbError::BadStringEncoding { at, encoding } => {
                write!(f, "unknown string encoding {encoding} at offset {at}")
            }
            RdbError::Lzf { at, err } => write!(f, "bad LZF string at offset {at}: {err}"),
            RdbError::Blob { at, kind, err } => write!(f, "bad {kind} at offset {at}: {err}"),
            RdbError::BadScore { at } => write!(f, "bad score at offset {at}"),
            RdbError::DuplicateKey { at } => write!(f, "duplicate key at offset {at}"),
            RdbError::Duplicate { at } => write!(f, "duplicate element in value at offset {at}"),
            RdbError::OddPairs { at } => write!(f, "odd number of entries in pairs at offset {at}"),
            RdbError::BadContainer { at, container } => {
                write!(f, "unknown quicklist container {container} at offset {at}")
            }
            RdbError::DbOutOfRange { at, db } => {
                write!(f, "database {db} out of range at offset {at}")
            }
            RdbError::ModuleUnsupported { at } => {
                write!(f, "module data at offset {at}: modules are not supported")
            }
            RdbError::StreamUnsupported { at } => {
                write!(f, "stream at offset {at}: streams are not supported")
            }
            RdbError::ZipmapUnsupported { at } => {
                write!(
                    f,
                    "zipmap hash at offset {at}: pre-2.6 encoding not supported"
                )
            }
            RdbError::OldFunctionFormat { at } => {
                write!(
                    f,
                    "pre-release function format at offset {at} not supported"
                )
            }
            RdbError::BadInteger { at } => write!(f, "integer out of range at offset {at}"),
            RdbError::Checksum { stored, computed } => write!(
                f,
                "wrong checksum: file says {stored:#018x}, content gives {computed:#018x}"
            ),
        }
    }
}

impl std::error::Error for RdbError {}

/// The configuration that decides the encodings values get on load (Redis 7.0's defaults).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadOptions {
    /// `databases`: SELECTDB beyond this is an error, as in Redis.
    pub databases: usize,
    pub hash_max_listpack_entries: u64,
    pub hash_max_listpack_value: u64,
    pub set_max_intset_entries: u64,
    pub zset_max_listpack_entries: u64,
    pub zset_max_listpack_value: u64,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            databases: 16,
            hash_max_listpack_entries: 512,
            hash_max_listpack_value: 64,
            set_max_intset_entries: 512,
            zset_max_listpack_entries: 128,
            zset_max_listpack_value: 64,
        }
    }
}

/// A loaded file.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Database `i` is `dbs[i]`; as many as the highest SELECTDB needs (at least one).
    pub dbs: Vec<Db>,
    /// Every aux field, in file order.
    pub aux: Vec<(Vec<u8>, Vec<u8>)>,
    /// The RDB version from the header.
    pub version: u32,
}

impl Loaded {
    /// What Redis's `rdbLoadRio` logs from the aux fields as it reads them.
    pub fn describe(&self, now_s: i64) -> Vec<String> {
        let text = |n: &str| self.aux(n).map(|v| String::from_utf8_lossy(v).into_owned());
        let mut lines = Vec::new();
        if let Some(v) = text("redis-ver") {
            lines.push(format!("Loading RDB produced by version {v}"));
        }
        if let Some(ctime) = text("ctime").and_then(|c| c.parse::<i64>().ok()) {
            lines.push(format!("RDB age {} seconds", (now_s - ctime).max(0)));
        }
        if let Some(mem) = text("used-mem").and_then(|m| m.parse::<u64>().ok()) {
            lines.push(format!(
                "RDB memory usage when created {:.2} Mb",
                mem as f64 / (1024.0 * 1024.0)
            ));
        }
        if text("aof-base").is_some_and(|v| v != "0") {
            lines.push("RDB is base AOF".into());
        }
        lines
    }

    pub fn aux(&self, name: &str) -> Option<&[u8]> {
        self.aux
            .iter()
            .rev()
            .find(|(k, _)| k == name.as_bytes())
            .map(|(_, v)| &v[..])
    }

    pub fn repl_id(&self) -> Option<&[u8]> {
        self.aux("repl-id")
    }

    pub fn repl_offset(&self) -> Option<i64> {
        self.aux("repl-offset").and_then(parse_i64_strict)
    }
}

/// Loads `data` with Redis 7.0's default encoding thresholds.
pub fn read_rdb(data: &[u8]) -> Result<Loaded, RdbError> {
    read_rdb_with(data, &LoadOptions::default())
}

pub fn read_rdb_with(data: &[u8], opts: &LoadOptions) -> Result<Loaded, RdbError> {
    let Some(magic) = data.get(..9) else {
        // Cut inside the 9-byte header: a short file (Redis's "Short read"), not a foreign
        // one, as long as what is there could start an RDB file.
        let fits = data.iter().zip(b"REDIS").all(|(a, b)| a == b)
            && data.iter().skip(5).all(u8::is_ascii_digit);
        return Err(if fits {
            RdbError::Truncated { at: 0 }
        } else {
            RdbError::BadMagic
        });
    };
    if &magic[..5] != b"REDIS" || !magic[5..].iter().all(u8::is_ascii_digit) {
        return Err(RdbError::BadMagic);
    }
    let version = magic[5..]
        .iter()
        .fold(0u32, |v, d| v * 10 + (d - b'0') as u32);
    if !(1..=super::RDB_VERSION).contains(&version) {
        return Err(RdbError::UnsupportedVersion { version });
    }
    let mut r = Reader { data, pos: 9 };
    let mut loaded = Loaded {
        dbs: vec![Db::new()],
        aux: Vec::new(),
        version,
    };
    let mut db = 0usize;
    let mut expire_at = 0u64;
    loop {
        let at = r.pos;
        let t = r.u8()?;
        match t {
            OP_EOF => break,
            OP_SELECTDB => {
                let n = r.len()?;
                if n >= opts.databases as u64 {
                    return Err(RdbError::DbOutOfRange { at, db: n });
                }
                db = n as usize;
                if loaded.dbs.len() <= db {
                    loaded.dbs.resize_with(db + 1, Db::new);
                }
            }
            OP_RESIZEDB => {
                // Only a sizing hint.
                r.len()?;
                r.len()?;
            }
            OP_AUX => {
                let k = r.string()?;
                let v = r.string()?;
                loaded.aux.push((k, v));
            }
            OP_EXPIRETIME_MS => {
                let ms = i64::from_le_bytes(r.array()?);
                expire_at = ms.max(1) as u64;
            }
            OP_EXPIRETIME => {
                let s = i32::from_le_bytes(r.array()?) as i64;
                expire_at = (s * 1000).max(1) as u64;
            }
            OP_IDLE => {
                r.len()?;
            }
            OP_FREQ => {
                r.u8()?;
            }
            OP_MODULE_AUX => return Err(RdbError::ModuleUnsupported { at }),
            OP_FUNCTION2 => {
                // A function library's source; there is no function engine to give it to.
                r.string()?;
            }
            OP_FUNCTION => return Err(RdbError::OldFunctionFormat { at }),
            t if !is_value_type(t) => return Err(RdbError::UnknownType { at, byte: t }),
            _ => {
                let kat = r.pos;
                let key = r.string()?;
                if loaded.dbs[db].get(&key).is_some() {
                    return Err(RdbError::DuplicateKey { at: kat });
                }
                let value = r.value(t, at, opts)?;
                // Redis drops keys whose value loads empty (a bug of old versions wrote them).
                if let Some(value) = value {
                    loaded.dbs[db].insert(&key, value, expire_at);
                }
                expire_at = 0;
            }
        }
    }
    if version >= 5 {
        let end = r.pos;
        let stored = u64::from_le_bytes(r.array()?);
        if stored != 0 {
            let computed = crc64(0, &data[..end]);
            if computed != stored {
                return Err(RdbError::Checksum { stored, computed });
            }
        }
    }
    Ok(loaded)
}

/// A blob decoder from [`super::encoding`].
type Decoder = fn(&[u8]) -> Result<Vec<Vec<u8>>, BlobError>;

/// Field-value or member-score pairs, as a blob lists them.
type Pairs = Vec<(Vec<u8>, Vec<u8>)>;

struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn bytes(&mut self, n: usize, at: usize) -> Result<&'a [u8], RdbError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.data.len())
            .ok_or(RdbError::Truncated { at })?;
        let b = &self.data[self.pos..end];
        self.pos = end;
        Ok(b)
    }

    fn u8(&mut self) -> Result<u8, RdbError> {
        let at = self.pos;
        Ok(self.bytes(1, at)?[0])
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], RdbError> {
        let at = self.pos;
        let b = self.bytes(N, at)?;
        let mut a = [0u8; N];
        a.copy_from_slice(b);
        Ok(a)
    }

    /// A length, or for strings a special encoding: `(value, is_encoding)`.
    fn len_or_enc(&mut self) -> Result<(u64, bool), RdbError> {
        let at = self.pos;
        let first = self.u8()?;
        Ok(match first >> 6 {
            0 => ((first & 0x3f) as u64, false),
            1 => (((first & 0x3f) as u64) << 8 | self.u8()? as u64, false),
            2 => match first {
                0x80 => (u32::from_be_bytes(self.array()?) as u64, false),
                0x81 => (u64::from_be_bytes(self.array()?), false),
                _ => return Err(RdbError::BadLength { at }),
            },
            _ => ((first & 0x3f) as u64, true),
        })
    }

    fn len(&mut self) -> Result<u64, RdbError> {
        let at = self.pos;
        match self.len_or_enc()? {
            (n, false) => Ok(n),
            (_, true) => Err(RdbError::BadLength { at }),
        }
    }

    /// A count of items that each take at least one byte: more than remain is corrupt, and
    /// checking it here keeps capacity reservations bounded by the file size.
    fn count(&mut self) -> Result<usize, RdbError> {
        let at = self.pos;
        let n = self.len()?;
        if n > (self.data.len() - self.pos) as u64 {
            return Err(RdbError::BadLength { at });
        }
        Ok(n as usize)
    }

    fn string(&mut self) -> Result<Vec<u8>, RdbError> {
        let at = self.pos;
        let (n, enc) = self.len_or_enc()?;
        if !enc {
            let n = usize::try_from(n).map_err(|_| RdbError::BadLength { at })?;
            return Ok(self.bytes(n, at)?.to_vec());
        }
        let v = match n as u8 {
            ENC_INT8 => self.u8()? as i8 as i64,
            ENC_INT16 => i16::from_le_bytes(self.array()?) as i64,
            ENC_INT32 => i32::from_le_bytes(self.array()?) as i64,
            ENC_LZF => {
                let clen = self.len()?;
                let len = self.len()?;
                let clen = usize::try_from(clen).map_err(|_| RdbError::BadLength { at })?;
                let len = usize::try_from(len).map_err(|_| RdbError::BadLength { at })?;
                let c = self.bytes(clen, at)?;
                return lzf::decompress(c, len).map_err(|err| RdbError::Lzf { at, err });
            }
            encoding => return Err(RdbError::BadStringEncoding { at, encoding }),
        };
        Ok(v.to_string().into_bytes())
    }

    /// A blob string and its entries.
    fn blob(
        &mut self,
        kind: &'static str,
        decode: Decoder,
    ) -> Result<(usize, Vec<Vec<u8>>), RdbError> {
        let at = self.pos;
        let b = self.string()?;
        let entries = decode(&b).map_err(|err| RdbError::Blob { at, kind, err })?;
        Ok((at, entries))
    }

    /// The score of an RDB_TYPE_ZSET entry: a length byte then text, with 253/254/255 for
    /// NaN/+inf/-inf.
    fn text_score(&mut self) -> Result<f64, RdbError> {
        let at = self.pos;
        let n = self.u8()?;
        let v = match n {
            253 => f64::NAN,
            254 => f64::INFINITY,
            255 => f64::NEG_INFINITY,
            _ => parse_score(self.bytes(n as usize, at)?).ok_or(RdbError::BadScore { at })?,
        };
        if v.is_nan() {
            return Err(RdbError::BadScore { at });
        }
        Ok(v)
    }

    fn value(&mut self, t: u8, at: usize, o: &LoadOptions) -> Result<Option<Value>, RdbError> {
        let v = match t {
            STRING => Value::Str(StrValue::new(&self.string()?)),
            LIST => {
                let n = self.count()?;
                let mut l = ListValue::new();
                for _ in 0..n {
                    l.push(End::Tail, &self.string()?);
                }
                Value::List(l)
            }
            LIST_ZIPLIST => {
                let (_, items) = self.blob("ziplist", ziplist_entries)?;
                list_of(items.iter())
            }
            LIST_QUICKLIST | LIST_QUICKLIST_2 => {
                let nodes = self.count()?;
                let mut l = ListValue::new();
                for _ in 0..nodes {
                    let container = if t == LIST_QUICKLIST_2 {
                        let cat = self.pos;
                        match self.len()? {
                            NODE_PLAIN => {
                                l.push(End::Tail, &self.string()?);
                                continue;
                            }
                            NODE_PACKED => "listpack",
                            container => return Err(RdbError::BadContainer { at: cat, container }),
                        }
                    } else {
                        "ziplist"
                    };
                    let decode = if container == "listpack" {
                        listpack_entries
                    } else {
                        ziplist_entries
                    };
                    let (_, items) = self.blob(container, decode)?;
                    for e in items {
                        l.push(End::Tail, &e);
                    }
                }
                Value::List(l)
            }
            SET => {
                let n = self.count()?;
                let max = o.set_max_intset_entries.min(1 << 30);
                let mut ints = Vec::new();
                let mut table: Option<IndexSet<Vec<u8>>> = None;
                let mut seen = HashSet::new();
                for _ in 0..n {
                    let m = self.string()?;
                    if !seen.insert(m.clone()) {
                        return Err(RdbError::Duplicate { at });
                    }
                    match (&mut table, parse_i64_strict(&m)) {
                        (None, Some(i)) if n as u64 <= max => ints.push(i),
                        (None, _) => {
                            let mut t: IndexSet<Vec<u8>> = ints
                                .drain(..)
                                .map(|i: i64| i.to_string().into_bytes())
                                .collect();
                            t.insert(m);
                            table = Some(t);
                        }
                        (Some(t), _) => {
                            t.insert(m);
                        }
                    }
                }
                match table {
                    Some(t) => Value::Set(SetValue::Table(t)),
                    None => {
                        ints.sort_unstable();
                        Value::Set(SetValue::IntSet(ints))
                    }
                }
            }
            SET_INTSET => {
                let bat = self.pos;
                let b = self.string()?;
                let ints = intset_decode(&b).map_err(|err| RdbError::Blob {
                    at: bat,
                    kind: "intset",
                    err,
                })?;
                if ints.len() as u64 > o.set_max_intset_entries.min(1 << 30) {
                    Value::Set(SetValue::Table(
                        ints.iter().map(|i| i.to_string().into_bytes()).collect(),
                    ))
                } else {
                    Value::Set(SetValue::IntSet(ints))
                }
            }
            ZSET | ZSET_2 => {
                let n = self.count()?;
                let mut items = Vec::with_capacity(n);
                let mut seen = HashSet::new();
                for _ in 0..n {
                    let m = self.string()?;
                    let sat = self.pos;
                    let s = if t == ZSET_2 {
                        f64::from_le_bytes(self.array()?)
                    } else {
                        self.text_score()?
                    };
                    if s.is_nan() {
                        return Err(RdbError::BadScore { at: sat });
                    }
                    if !seen.insert(m.clone()) {
                        return Err(RdbError::Duplicate { at });
                    }
                    items.push((m, s));
                }
                let limits = Limits {
                    entries: o.zset_max_listpack_entries,
                    value: o.zset_max_listpack_value,
                };
                Value::ZSet(ZSetValue::from_entries(items, limits))
            }
            ZSET_ZIPLIST | ZSET_LISTPACK => {
                let (bat, items) = if t == ZSET_LISTPACK {
                    self.blob("listpack", listpack_entries)?
                } else {
                    self.blob("ziplist", ziplist_entries)?
                };
                let pairs = pairs(bat, items)?;
                let mut seen = HashSet::new();
                let mut out = Vec::with_capacity(pairs.len());
                for (m, s) in pairs {
                    let s = parse_score(&s).ok_or(RdbError::BadScore { at: bat })?;
                    if !seen.insert(m.clone()) {
                        return Err(RdbError::Duplicate { at: bat });
                    }
                    out.push((m, s));
                }
                // Redis checks only the entry count here, not the member length.
                let limits = Limits {
                    entries: o.zset_max_listpack_entries,
                    value: u64::MAX,
                };
                Value::ZSet(ZSetValue::from_entries(out, limits))
            }
            HASH => {
                let n = self.count()?;
                let mut lp: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
                let mut table: Option<IndexMap<Vec<u8>, Vec<u8>>> =
                    (n as u64 > o.hash_max_listpack_entries).then(IndexMap::new);
                let mut seen = HashSet::new();
                for _ in 0..n {
                    let f = self.string()?;
                    let v = self.string()?;
                    if !seen.insert(f.clone()) {
                        return Err(RdbError::Duplicate { at });
                    }
                    if table.is_none()
                        && (f.len() as u64 > o.hash_max_listpack_value
                            || v.len() as u64 > o.hash_max_listpack_value)
                    {
                        table = Some(lp.drain(..).collect());
                    }
                    match &mut table {
                        Some(t) => {
                            t.insert(f, v);
                        }
                        None => lp.push((f, v)),
                    }
                }
                match table {
                    Some(t) => Value::Hash(HashValue::Table(t)),
                    None => Value::Hash(HashValue::Listpack(lp)),
                }
            }
            HASH_ZIPLIST | HASH_LISTPACK => {
                let (bat, items) = if t == HASH_LISTPACK {
                    self.blob("listpack", listpack_entries)?
                } else {
                    self.blob("ziplist", ziplist_entries)?
                };
                let pairs = pairs(bat, items)?;
                let mut seen = HashSet::new();
                let mut maxlen = 0;
                for (f, v) in &pairs {
                    if !seen.insert(f.clone()) {
                        return Err(RdbError::Duplicate { at: bat });
                    }
                    maxlen = maxlen.max(f.len()).max(v.len());
                }
                // A listpack is only converted for its entry count; a ziplist (converted to a
                // listpack on load anyway) also for its longest element.
                let too_long = t == HASH_ZIPLIST && maxlen as u64 > o.hash_max_listpack_value;
                if pairs.len() as u64 > o.hash_max_listpack_entries || too_long {
                    Value::Hash(HashValue::Table(pairs.into_iter().collect()))
                } else {
                    Value::Hash(HashValue::Listpack(pairs))
                }
            }
            HASH_ZIPMAP => return Err(RdbError::ZipmapUnsupported { at }),
            MODULE | MODULE_2 => return Err(RdbError::ModuleUnsupported { at }),
            STREAM_LISTPACKS | STREAM_LISTPACKS_2 => {
                return Err(RdbError::StreamUnsupported { at })
            }
            byte => return Err(RdbError::UnknownType { at, byte }),
        };
        let empty = match &v {
            Value::Str(_) => false,
            Value::List(l) => l.is_empty(),
            Value::Hash(h) => h.is_empty(),
            Value::Set(s) => s.is_empty(),
            Value::ZSet(z) => z.is_empty(),
        };
        Ok((!empty).then_some(v))
    }
}

/// Whether `t` names a value type, known or not loadable; checked before the key is read so
/// a corrupt type byte is reported where it is.
fn is_value_type(t: u8) -> bool {
    matches!(t, STRING..=MODULE_2 | HASH_ZIPMAP..=STREAM_LISTPACKS_2)
}

fn list_of<'a>(items: impl Iterator<Item = &'a Vec<u8>>) -> Value {
    let mut l = ListValue::new();
    for e in items {
        l.push(End::Tail, e);
    }
    Value::List(l)
}

fn pairs(at: usize, items: Vec<Vec<u8>>) -> Result<Pairs, RdbError> {
    if !items.len().is_multiple_of(2) {
        return Err(RdbError::OddPairs { at });
    }
    let mut out = Vec::with_capacity(items.len() / 2);
    let mut it = items.into_iter();
    while let (Some(a), Some(b)) = (it.next(), it.next()) {
        out.push((a, b));
    }
    Ok(out)
}

/// A score as text, the way `strtod` reads what Redis writes ("inf", "-inf", decimals).
fn parse_score(s: &[u8]) -> Option<f64> {
    let s = std::str::from_utf8(s).ok()?;
    let v: f64 = match s {
        "inf" | "+inf" => f64::INFINITY,
        "-inf" => f64::NEG_INFINITY,
        _ => s.parse().ok()?,
    };
    (!v.is_nan()).then_some(v)
}
