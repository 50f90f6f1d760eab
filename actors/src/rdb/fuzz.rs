//! A deterministic, seeded mutation fuzzer for the RDB loader.
//!
//! Seeds are valid files: ones [`write_rdb`] makes from databases holding every type in every
//! encoding it writes, hand-built files in the older encodings only the loader knows (ziplist,
//! linked lists, text scores, quicklist 1, plain nodes, RDB 9), and a small dump real Redis
//! 7.0.15 saved. Mutations (bit flips, interesting bytes, truncation, insertions, duplicated
//! and deleted chunks, splices, huge length prefixes) are applied to them, and every load
//! must return — `Ok` or an error naming its offset — without panicking, quickly, and without
//! allocating more than a small multiple of the input (a length claiming 2^32 elements must
//! fail before anything is reserved for it).
//!
//! Allocation is measured by a pass-through global allocator that, only on a thread that arms
//! it, counts the live bytes and the largest single request. It wraps `System`, so the other
//! tests of this crate run exactly as before.

use super::*;
use crate::keyspace::db::Db;
use crate::keyspace::hash::HashValue;
use crate::keyspace::list::{End, ListValue};
use crate::keyspace::set::SetValue;
use crate::keyspace::value::{parse_i64_strict, Value};
use crate::keyspace::zset::{Limits, ZSetValue};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

struct Tracking;

thread_local! {
    static ARMED: Cell<bool> = const { Cell::new(false) };
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

fn note(grow: usize, shrink: usize) {
    // `try_with`: allocations can happen while a thread's locals are being torn down.
    let _ = ARMED.try_with(|armed| {
        if armed.get() {
            let live = LIVE.get() + grow as isize - shrink as isize;
            LIVE.set(live);
            PEAK.set(PEAK.get().max(live));
            LARGEST.set(LARGEST.get().max(grow));
        }
    });
}

unsafe impl GlobalAlloc for Tracking {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        note(l.size(), 0);
        System.alloc(l)
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        note(l.size(), 0);
        System.alloc_zeroed(l)
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        note(0, l.size());
        System.dealloc(p, l)
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        note(new, l.size());
        System.realloc(p, l, new)
    }
}

#[global_allocator]
static ALLOC: Tracking = Tracking;

/// What one load cost: the peak of live bytes it held and its largest single request.
struct Cost {
    peak: usize,
    largest: usize,
    time: Duration,
}

fn measured<T>(f: impl FnOnce() -> T) -> (T, Cost) {
    LIVE.set(0);
    PEAK.set(0);
    LARGEST.set(0);
    let start = Instant::now();
    ARMED.set(true);
    let out = f();
    ARMED.set(false);
    let cost = Cost {
        peak: PEAK.get().max(0) as usize,
        largest: LARGEST.get(),
        time: start.elapsed(),
    };
    (out, cost)
}

/// What a load may hold at once: LZF legitimately expands up to ~264x, and decoded values
/// carry per-element overhead; anything reserved from a corrupt length is far beyond this.
fn budget(input: usize) -> usize {
    (1 << 20) + 600 * input
}

/// xorshift64*: small, seeded, the same cases on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

/// Loads `data`, failing the test with `what` and the input if the loader panics, takes too
/// long, or allocates beyond [`budget`]. Checks that errors name an offset, and that what
/// loads saves and loads back.
fn check(what: &str, data: &[u8], opts: &LoadOptions) -> Result<(), RdbError> {
    let run = catch_unwind(AssertUnwindSafe(|| {
        measured(|| read_rdb_with(data, opts).map(|l| l.dbs))
    }));
    let show = || {
        let hex: String = data.iter().take(400).map(|b| format!("{b:02x}")).collect();
        format!("{what}: {} bytes, {opts:?}: {hex}", data.len())
    };
    let (res, cost) = match run {
        Ok(r) => r,
        Err(_) => panic!("loader panicked on {}", show()),
    };
    assert!(
        cost.peak <= budget(data.len()) && cost.largest <= budget(data.len()),
        "loader held {} bytes (largest request {}) on {}",
        cost.peak,
        cost.largest,
        show()
    );
    assert!(
        cost.time < Duration::from_secs(2),
        "slow load on {}",
        show()
    );
    match res {
        Ok(dbs) => {
            // What loads is consistent enough to save, and saving it loads the same keys.
            let mut again = Vec::new();
            // Uncompressed: LZF's table setup would dominate the fuzzer's time in debug builds.
            let plain = RdbOptions {
                compression: false,
                ..RdbOptions::default()
            };
            write_rdb(&mut again, &dbs, &plain).unwrap();
            let back = read_rdb_with(
                &again,
                &LoadOptions {
                    databases: 16,
                    ..*opts
                },
            )
            .unwrap_or_else(|e| panic!("resave of {} fails to load: {e}", show()));
            let count = |d: &[Db]| d.iter().map(Db::len).collect::<Vec<_>>();
            let (a, b) = (count(&dbs), count(&back.dbs));
            assert_eq!(a[..b.len()], b[..], "resave changes keys of {}", show());
            Ok(())
        }
        Err(e) => {
            let msg = e.to_string();
            let located = msg.contains("offset") || matches!(e, RdbError::Checksum { .. });
            assert!(located, "error {msg:?} names no offset on {}", show());
            if let Some(at) = offset(&e) {
                assert!(
                    at <= data.len(),
                    "{msg:?} points past the end of {}",
                    show()
                );
            }
            Err(e)
        }
    }
}

fn offset(e: &RdbError) -> Option<usize> {
    use RdbError::*;
    match *e {
        Truncated { at }
        | BadLength { at }
        | UnknownType { at, .. }
        | BadStringEncoding { at, .. }
        | Lzf { at, .. }
        | Blob { at, .. }
        | BadScore { at }
        | DuplicateKey { at }
        | Duplicate { at }
        | OddPairs { at }
        | BadContainer { at, .. }
        | DbOutOfRange { at, .. }
        | ModuleUnsupported { at }
        | StreamUnsupported { at }
        | ZipmapUnsupported { at }
        | OldFunctionFormat { at }
        | BadInteger { at } => Some(at),
        BadMagic | UnsupportedVersion { .. } | Checksum { .. } => None,
    }
}

fn list(items: &[&[u8]]) -> Value {
    let mut l = ListValue::new();
    for e in items {
        l.push(End::Tail, e);
    }
    Value::List(l)
}

fn pairs(p: &[(&[u8], &[u8])]) -> Vec<(Vec<u8>, Vec<u8>)> {
    p.iter().map(|(a, b)| (a.to_vec(), b.to_vec())).collect()
}

/// Databases holding every type in every encoding `write_rdb` produces, every string
/// encoding (int8/16/32, raw, LZF), every listpack entry encoding, intsets of each width,
/// expiries, a gap in database numbers, and the last database.
fn rich_dbs() -> Vec<Db> {
    let limits = Limits {
        entries: 128,
        value: 64,
    };
    let noise: Vec<u8> = (0..40u32).map(|i| (i * 181 + 7) as u8).collect();
    let mut db0 = Db::new();
    for (k, v) in [
        (&b"s"[..], &b"hello"[..]),
        (b"i8", b"-12"),
        (b"i16", b"1234"),
        (b"i32", b"-70000"),
        (b"i64", b"2147483648"),
        (b"empty", b""),
        (b"bin", b"\xff\x00\xc3\x80"),
        (b"noise", &noise),
        (b"lzf", &[b'q'; 90]),
    ] {
        db0.insert(k, Value::str(v), 0);
    }
    db0.insert(b"ttl", Value::str(b"v"), 4_102_444_800_000);
    let ints: &[&[u8]] = &[
        b"0",
        b"127",
        b"128",
        b"-1",
        b"-4096",
        b"4095",
        b"4096",
        b"-32768",
        b"32768",
        b"8388607",
        b"-8388608",
        b"8388608",
        b"2147483647",
        b"-2147483649",
        b"9223372036854775807",
        b"-9223372036854775808",
    ];
    let long = [b'x'; 70];
    let huge = [b'y'; 5000];
    let mut small: Vec<&[u8]> = ints.to_vec();
    small.extend([&b"a"[..], b"", &long, &noise]);
    db0.insert(b"l", list(&small), 1_900_000_000_000);
    // 5000-byte elements: 12-bit and 32-bit listpack lengths, one quicklist node each; LZF
    // keeps the file small.
    db0.insert(b"ql", list(&[&huge, &huge, b"tail", &huge]), 0);
    let mut db2 = Db::new();
    db2.insert(
        b"h",
        Value::Hash(HashValue::Listpack(pairs(&[
            (b"f", b"7"),
            (b"-300", b"x"),
            (b"g", &long[..60]),
        ]))),
        0,
    );
    db2.insert(
        b"ht",
        Value::Hash(HashValue::Table(
            pairs(&[(b"x", &long), (b"1", b"2"), (b"k", b"")])
                .into_iter()
                .collect(),
        )),
        0,
    );
    db2.insert(b"si2", Value::Set(SetValue::IntSet(vec![-1, 5, 300])), 0);
    db2.insert(
        b"si4",
        Value::Set(SetValue::IntSet(vec![-70000, 2, 70000])),
        0,
    );
    db2.insert(
        b"si8",
        Value::Set(SetValue::IntSet(vec![i64::MIN, 0, 1 << 40, i64::MAX])),
        0,
    );
    db2.insert(
        b"st",
        Value::Set(SetValue::Table(
            [&b"m"[..], b"7", b"-3", &long]
                .iter()
                .map(|m| m.to_vec())
                .collect(),
        )),
        0,
    );
    // A hashtable set of integers only: saved as a plain SET, loaded back as an intset.
    db2.insert(
        b"sti",
        Value::Set(SetValue::Table(
            [&b"10"[..], b"-4", b"99999"]
                .iter()
                .map(|m| m.to_vec())
                .collect(),
        )),
        0,
    );
    let z = |items: &[(&[u8], f64)]| {
        let items = items.iter().map(|(m, s)| (m.to_vec(), *s)).collect();
        Value::ZSet(ZSetValue::from_entries(items, limits))
    };
    db2.insert(
        b"z",
        z(&[
            (b"a", 1.5),
            (b"b", -2.0),
            (b"c", f64::INFINITY),
            (b"d", f64::NEG_INFINITY),
            (b"e", 1e300),
            (b"f", 0.1),
            (b"g", 3.0),
        ]),
        0,
    );
    db2.insert(
        b"zs",
        z(&[(&long, 0.25), (b"b", f64::INFINITY), (b"c", -1e-300)]),
        0,
    );
    let mut db15 = Db::new();
    db15.insert(b"last", Value::str(b"1"), 0);
    let mut dbs = vec![db0, Db::new(), db2];
    dbs.resize_with(15, Db::new);
    dbs.push(db15);
    dbs
}

/// A ziplist entry's encoding and data, as Redis 6 wrote it (`zipStoreEntryEncoding`).
fn zl_entry(e: &[u8]) -> Vec<u8> {
    if let Some(n) = (e.len() <= 20).then(|| parse_i64_strict(e)).flatten() {
        return match n {
            0..=12 => vec![0xf1 + n as u8],
            _ if i8::try_from(n).is_ok() => vec![0xfe, n as u8],
            _ if i16::try_from(n).is_ok() => [&[0xc0][..], &(n as i16).to_le_bytes()].concat(),
            _ if (-(1 << 23)..1 << 23).contains(&n) => {
                [&[0xf0][..], &(n as i32).to_le_bytes()[..3]].concat()
            }
            _ if i32::try_from(n).is_ok() => [&[0xd0][..], &(n as i32).to_le_bytes()].concat(),
            _ => [&[0xe0][..], &n.to_le_bytes()].concat(),
        };
    }
    let mut out = match e.len() {
        l if l < 64 => vec![l as u8],
        l if l < 16384 => vec![0x40 | (l >> 8) as u8, l as u8],
        l => [&[0x80][..], &(l as u32).to_be_bytes()].concat(),
    };
    out.extend_from_slice(e);
    out
}

fn ziplist(entries: &[&[u8]]) -> Vec<u8> {
    let mut body = Vec::new();
    let (mut prev, mut tail) = (0usize, 10usize);
    for e in entries {
        tail = 10 + body.len();
        let start = body.len();
        if prev < 254 {
            body.push(prev as u8);
        } else {
            body.push(0xfe);
            body.extend_from_slice(&(prev as u32).to_le_bytes());
        }
        body.extend(zl_entry(e));
        prev = body.len() - start;
    }
    let mut zl = ((10 + body.len() + 1) as u32).to_le_bytes().to_vec();
    zl.extend_from_slice(&(tail as u32).to_le_bytes());
    zl.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    zl.extend_from_slice(&body);
    zl.push(0xff);
    zl
}

fn listpack(entries: &[&[u8]]) -> Vec<u8> {
    let mut w = encoding::ListpackWriter::new();
    for e in entries {
        w.push(e);
    }
    w.finish()
}

fn record(out: &mut Vec<u8>, kind: u8, key: &[u8]) {
    out.push(kind);
    write::put_string(out, key, false);
}

fn finish(mut f: Vec<u8>, checksum: bool) -> Vec<u8> {
    f.push(kind::OP_EOF);
    let crc = if checksum { crc64::crc64(0, &f) } else { 0 };
    f.extend_from_slice(&crc.to_le_bytes());
    f
}

/// Every encoding older Redis versions wrote that 7.0 still loads, in an RDB 9 file with
/// aux fields, a function, idle and frequency hints, and expiries in seconds and ms.
fn old_encodings() -> Vec<u8> {
    use kind::*;
    let mut f = b"REDIS0009".to_vec();
    f.extend_from_slice(&[OP_AUX, 3, b'v', b'e', b'r', 5, b'6', b'.', b'2', b'.', b'0']);
    f.extend_from_slice(&[OP_FUNCTION2, 3, b'l', b'i', b'b']);
    f.extend_from_slice(&[OP_SELECTDB, 1, OP_RESIZEDB, 9, 1]);
    f.push(OP_EXPIRETIME);
    f.extend_from_slice(&2_000_000_000i32.to_le_bytes());
    f.extend_from_slice(&[OP_IDLE, 5, OP_FREQ, 3]);
    record(&mut f, LIST, b"L");
    f.push(3);
    for e in [&b"x"[..], b"7", &[b'z'; 70]] {
        write::put_string(&mut f, e, false);
    }
    record(&mut f, ZSET, b"Z");
    f.extend_from_slice(&[3, 1, b'a', 3, b'1', b'.', b'5', 1, b'b', 254, 1, b'c', 255]);
    record(&mut f, SET, b"S");
    f.extend_from_slice(&[2, 1, b'm', 0xc0, 9]);
    record(&mut f, HASH, b"H");
    f.extend_from_slice(&[2, 1, b'f', 1, b'v', 1, b'g', 0xc1, 0x10, 0x27]);
    let wide = [b'w'; 300];
    let zl_items: &[&[u8]] = &[
        b"a",
        b"7",
        b"-100",
        b"3000",
        b"-70000",
        b"8000000",
        b"3000000000",
        &wide,
        b"",
    ];
    record(&mut f, LIST_ZIPLIST, b"lz");
    write::put_string(&mut f, &ziplist(zl_items), false);
    record(&mut f, HASH_ZIPLIST, b"hz");
    write::put_string(&mut f, &ziplist(&[b"f", b"1", b"g", &wide]), false);
    record(&mut f, ZSET_ZIPLIST, b"zz");
    write::put_string(
        &mut f,
        &ziplist(&[b"b", b"2", b"a", b"1.5", b"c", b"-inf"]),
        false,
    );
    record(&mut f, LIST_QUICKLIST, b"q1");
    f.push(2);
    for node in [ziplist(&[b"x", b"y"]), ziplist(&[b"12", &wide])] {
        write::put_string(&mut f, &node, false);
    }
    f.push(OP_EXPIRETIME_MS);
    f.extend_from_slice(&4_102_444_800_000i64.to_le_bytes());
    record(&mut f, LIST_QUICKLIST_2, b"q2");
    f.push(3);
    let lp = listpack(&[b"p", b"-5", &wide]);
    for (container, node) in [
        (NODE_PACKED, &lp[..]),
        (NODE_PLAIN, &b"plain"[..]),
        (NODE_PACKED, &lp[..]),
    ] {
        write::put_len(&mut f, container);
        write::put_string(&mut f, node, false);
    }
    record(&mut f, HASH_LISTPACK, b"hl");
    write::put_string(&mut f, &listpack(&[b"f", b"1"]), false);
    record(&mut f, ZSET_LISTPACK, b"zl");
    write::put_string(&mut f, &listpack(&[b"m", b"2.5", b"n", b"inf"]), false);
    record(&mut f, SET_INTSET, b"is");
    write::put_string(&mut f, &encoding::intset_encode(&[1, 2, 70000]), false);
    finish(f, false)
}

/// A dump real Redis 7.0.15 saved: strings (int, raw, LZF), a quicklist, listpack and
/// hashtable hashes, intset and hashtable sets, listpack and skiplist zsets, expiries, a
/// function library, databases 0 and 3.
const REDIS_7_DUMP: &str = concat!(
    "524544495330303130fa0972656469732d76657206372e302e3135fa0a726564",
    "69732d62697473c040fa056374696d65c216ef056bfa08757365642d6d656dc2",
    "48671100fa08616f662d62617365c000f5404423216c7561206e616d653d6c69",
    "620a72656469732e72656769737465725f66756e6374696f6e282766272c2066",
    "756e6374696f6e28292072657475726e203120656e6429fe00fb0e0104026874",
    "020178c3094046017979e039000179790161016200036269670a323134373438",
    "3336343800036e6567c290eefeff11017a2b2b0000000a00816402842d696e66",
    "05816202dffe0281610283312e3504816502030181630283696e6604fffc00d8",
    "c32cbb030000000365787001760202737403016d016ec00105027a7302016200",
    "0000000000f03fc3094046016161e03900016161000000000000d03f10016818",
    "1800000006008166020701816702817802816e02dfff02ff0b027369c3212804",
    "0800000004200300ffa0000005200b400001409c40052000025ed0b220050000",
    "00037261773269657168353234796e67356279316132726f6775626262386179",
    "6e3162376f3235396f776f6f3373623039676c736876363112016c0102c32e40",
    "6e1a6e0000000800816102010182626203dffb02c12c02f270110104f4201900",
    "802003040009e04678e03c000148ff00016ec139300001730568656c6c6f0004",
    "6c6f6e67c30b40780361626361e06902016263fe03fb0301fc37d9a457b90100",
    "0000026533c00112026c3301020a0a0000000100817102ff00026b33027633ff",
    "8bdd9e011d99fd12",
);

fn redis_dump() -> Vec<u8> {
    (0..REDIS_7_DUMP.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&REDIS_7_DUMP[i..i + 2], 16).unwrap())
        .collect()
}

fn seeds() -> Vec<Vec<u8>> {
    let mut out = vec![redis_dump(), old_encodings()];
    for (compression, checksum) in [(true, false), (false, false), (true, true)] {
        let opts = RdbOptions {
            compression,
            checksum,
            ctime: 1_700_000_000,
            ..RdbOptions::default()
        };
        let mut f = Vec::new();
        write_rdb(&mut f, &rich_dbs(), &opts).unwrap();
        out.push(f);
    }
    out
}

/// Encoding thresholds to load with: Redis's defaults, everything converted, and zero.
const OPTIONS: [LoadOptions; 3] = [
    LoadOptions {
        databases: 16,
        hash_max_listpack_entries: 512,
        hash_max_listpack_value: 64,
        set_max_intset_entries: 512,
        zset_max_listpack_entries: 128,
        zset_max_listpack_value: 64,
    },
    LoadOptions {
        databases: 4,
        hash_max_listpack_entries: 1,
        hash_max_listpack_value: 1,
        set_max_intset_entries: 1,
        zset_max_listpack_entries: 1,
        zset_max_listpack_value: 1,
    },
    LoadOptions {
        databases: 1,
        hash_max_listpack_entries: 0,
        hash_max_listpack_value: 0,
        set_max_intset_entries: 0,
        zset_max_listpack_entries: 0,
        zset_max_listpack_value: 0,
    },
];

const INTERESTING: [u8; 12] = [
    0x00, 0xff, 0x7f, 0x80, 0xc0, 0xc1, 0xc2, 0xc3, 0x40, 0x3f, 0x81, 0xfe,
];

/// Length prefixes claiming far more than any file holds.
const HUGE_LENGTHS: [&[u8]; 6] = [
    &[0x80, 0xff, 0xff, 0xff, 0xff],
    &[0x80, 0x7f, 0xff, 0xff, 0xff],
    &[0x80, 0x00, 0x10, 0x00, 0x00],
    &[0x81, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
    &[0x81, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00],
    &[0x7f, 0xff],
];

fn mutate(rng: &mut Rng, f: &mut Vec<u8>, seeds: &[Vec<u8>]) {
    // Mostly past the magic, which has nothing interesting to find.
    let pos = |rng: &mut Rng, len: usize| {
        if len > 9 && rng.below(16) != 0 {
            9 + rng.below(len - 9)
        } else {
            rng.below(len.max(1))
        }
    };
    if f.is_empty() {
        f.push(rng.next() as u8);
        return;
    }
    let i = pos(rng, f.len());
    match rng.below(11) {
        0 => f[i] ^= 1 << rng.below(8),
        1 | 2 => f[i] = *rng.pick(&INTERESTING),
        3 => f[i] = rng.next() as u8,
        4 => f.truncate(i),
        5 => {
            let n = 1 + rng.below(8);
            let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
            f.splice(i..i, bytes);
        }
        6 => {
            let n = 1 + rng.below(64.min(f.len() - i));
            let chunk = f[i..i + n].to_vec();
            let at = pos(rng, f.len());
            f.splice(at..at, chunk);
        }
        7 => {
            let n = 1 + rng.below(32.min(f.len() - i));
            f.drain(i..i + n);
        }
        8 => {
            let huge = *rng.pick(&HUGE_LENGTHS);
            if rng.below(2) == 0 {
                f.splice(i..i, huge.iter().copied());
            } else {
                let end = (i + huge.len()).min(f.len());
                f.splice(i..end, huge.iter().copied());
            }
        }
        9 => {
            // A blob header field (listpack total, intset count, ziplist size) gone huge.
            let v: u32 = *rng.pick(&[u32::MAX, 0x7fff_ffff, 0x8000_0000, 1 << 20]);
            let end = (i + 4).min(f.len());
            f.splice(i..end, v.to_le_bytes());
        }
        _ => {
            let other = rng.pick(seeds);
            let a = rng.below(other.len());
            let n = 1 + rng.below(128.min(other.len() - a));
            let end = (i + rng.below(n + 1)).min(f.len());
            f.splice(i..end, other[a..a + n].iter().copied());
        }
    }
}

#[test]
fn seeds_load() {
    for (n, s) in seeds().iter().enumerate() {
        for opts in &OPTIONS[..2] {
            if let Err(e) = check(&format!("seed {n}"), s, opts) {
                // Option set 1 allows only databases 0..4.
                assert!(
                    matches!(e, RdbError::DbOutOfRange { .. }) && opts.databases == 4,
                    "seed {n}: {e}"
                );
            }
        }
    }
    let real = read_rdb(&redis_dump()).unwrap();
    assert_eq!(real.aux("redis-ver"), Some(&b"7.0.15"[..]));
    assert_eq!(real.dbs.iter().map(Db::len).sum::<usize>(), 17);
}

/// Every prefix of every seed is an error naming where the file ends short.
#[test]
fn every_truncation_is_an_error_naming_its_offset() {
    let mut cases = 0;
    for (n, s) in seeds().iter().enumerate() {
        for cut in 0..s.len() {
            let e = check(&format!("seed {n} cut at {cut}"), &s[..cut], &OPTIONS[0])
                .expect_err("a truncated file loaded");
            if cut < 9 {
                assert_eq!(e, RdbError::Truncated { at: 0 }, "seed {n} cut at {cut}");
            } else if let RdbError::Truncated { at } = e {
                assert!(at <= cut, "seed {n} cut at {cut}: {e}");
                assert!(e.to_string().contains(&format!("offset {at}")));
            }
            cases += 1;
        }
    }
    assert!(cases > 10_000, "{cases}");
}

/// Each interesting byte at every offset of the real Redis dump; two of them, in turn, at
/// every offset of the old-encodings file (three times larger).
#[test]
fn interesting_bytes_at_every_offset() {
    let seeds = seeds();
    for (n, s) in seeds.iter().enumerate().take(2) {
        for i in 9..s.len() {
            let values = match n {
                0 => INTERESTING.to_vec(),
                _ => vec![INTERESTING[i % 12], INTERESTING[(i + 6) % 12]],
            };
            for b in values {
                let mut bad = s.clone();
                bad[i] = b;
                let _ = check(&format!("seed {n}: {b:#04x} at {i}"), &bad, &OPTIONS[0]);
            }
        }
    }
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok()?.parse().ok()
}

/// Seeded random stacks of mutations. `RDB_FUZZ_CASES` and `RDB_FUZZ_SEED` run a longer or
/// different campaign (`cargo test --release ... random_mutations`); a failure names its case.
#[test]
fn random_mutations() {
    let seeds = seeds();
    let cases = env_u64("RDB_FUZZ_CASES").unwrap_or(24_000);
    let mut rng = Rng(env_u64("RDB_FUZZ_SEED").unwrap_or(0x5eed_2024_0000_0001) | 1);
    let (mut ok, mut err) = (0, 0);
    let start = Instant::now();
    for case in 0..cases {
        let n = rng.below(seeds.len());
        let mut f = seeds[n].clone();
        for _ in 0..1 + rng.below(4) {
            mutate(&mut rng, &mut f, &seeds);
        }
        let opts = rng.pick(&OPTIONS);
        match check(&format!("case {case} from seed {n}"), &f, opts) {
            Ok(()) => ok += 1,
            Err(_) => err += 1,
        }
    }
    // Both outcomes must occur, or the mutations are not reaching the loader's logic.
    assert!(ok > 100 && err > 10_000, "{ok} loaded, {err} rejected");
    assert!(cases != 24_000 || start.elapsed() < Duration::from_secs(60));
}

/// The guard itself: a reservation made inside [`measured`] is seen, one made outside is not.
#[test]
fn allocation_tracker_sees_reservations() {
    let (v, cost) = measured(|| Vec::<u8>::with_capacity(64 << 20));
    assert!(cost.largest >= 64 << 20 && cost.peak >= 64 << 20);
    let (_, cost) = measured(|| drop(v));
    assert_eq!((cost.largest, cost.peak), (0, 0));
}

/// A file holding `body` after a minimal header, with no checksum.
fn file(body: &[u8]) -> Vec<u8> {
    let mut f = b"REDIS0010".to_vec();
    f.extend_from_slice(body);
    finish(f, false)
}

/// Every length the loader reads, claiming 2^32 - 1 and 2^64 - 1: each must fail at once
/// with an error at the length, reserving nothing for it.
#[test]
fn huge_lengths_fail_fast() {
    use kind::*;
    let big32: &[u8] = &[0x80, 0xff, 0xff, 0xff, 0xff];
    let big64: &[u8] = &[0x81, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
    for big in [big32, big64] {
        // (what, body, offset of the error)
        let mut cases: Vec<(&str, Vec<u8>, usize)> = vec![
            ("string", [&[STRING, 1, b'k'][..], big].concat(), 12),
            ("key", [&[STRING][..], big].concat(), 10),
            ("aux", [&[OP_AUX][..], big].concat(), 10),
            ("selectdb", [&[OP_SELECTDB][..], big].concat(), 9),
            ("list", [&[LIST, 1, b'k'][..], big].concat(), 12),
            ("set", [&[SET, 1, b'k'][..], big].concat(), 12),
            ("zset", [&[ZSET, 1, b'k'][..], big].concat(), 12),
            ("zset2", [&[ZSET_2, 1, b'k'][..], big].concat(), 12),
            ("hash", [&[HASH, 1, b'k'][..], big].concat(), 12),
            (
                "quicklist",
                [&[LIST_QUICKLIST, 1, b'k'][..], big].concat(),
                12,
            ),
            (
                "quicklist2",
                [&[LIST_QUICKLIST_2, 1, b'k'][..], big].concat(),
                12,
            ),
            (
                "lzf clen",
                [&[STRING, 1, b'k', 0xc3][..], big, &[1, 0]].concat(),
                12,
            ),
            (
                "lzf len",
                [&[STRING, 1, b'k', 0xc3, 2][..], big, &[0, b'a']].concat(),
                12,
            ),
            ("function", [&[OP_FUNCTION2][..], big].concat(), 10),
        ];
        // A quicklist node claiming a huge container number, and a plain node's huge string.
        cases.push((
            "container",
            [&[LIST_QUICKLIST_2, 1, b'k', 1][..], big].concat(),
            13,
        ));
        cases.push((
            "plain node",
            [&[LIST_QUICKLIST_2, 1, b'k', 1, 1][..], big].concat(),
            14,
        ));
        for (what, body, _at) in cases {
            let data = file(&body);
            let e = check(what, &data, &OPTIONS[0]).expect_err(what);
            let at = offset(&e).unwrap_or_else(|| panic!("{what}: {e}"));
            assert!((9..data.len()).contains(&at), "{what}: {e}");
        }
    }
    // Blob headers: a listpack, ziplist and intset whose header claims 2^32 - 1 bytes or
    // elements, and entries claiming 2^32 - 1 bytes.
    let mut blobs: Vec<(u8, Vec<u8>)> = Vec::new();
    let mut lp = listpack(&[b"a", b"b"]);
    lp[..4].copy_from_slice(&u32::MAX.to_le_bytes());
    blobs.push((HASH_LISTPACK, lp));
    let mut zl = ziplist(&[b"a", b"b"]);
    zl[..4].copy_from_slice(&u32::MAX.to_le_bytes());
    blobs.push((HASH_ZIPLIST, zl));
    let mut is = encoding::intset_encode(&[1, 2]);
    is[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
    blobs.push((SET_INTSET, is));
    // 65535 entries is "count unknown": the entries are walked, so this one is fine.
    let mut lp_unknown = listpack(&[b"a", b"b"]);
    lp_unknown[4..6].copy_from_slice(&[0xff, 0xff]);
    let mut body = vec![HASH_LISTPACK, 1, b'k'];
    write::put_string(&mut body, &lp_unknown, false);
    check("unknown count", &file(&body), &OPTIONS[0]).unwrap();
    let lp_entry = [
        &7u32.to_le_bytes()[..],
        &[1, 0, 0xf0, 0xff, 0xff, 0xff, 0xff],
    ]
    .concat();
    blobs.push((LIST_QUICKLIST_2, lp_entry));
    let zl_entry = [
        &16u32.to_le_bytes()[..],
        &[10, 0, 0, 0, 1, 0, 0, 0x80, 0xff, 0xff, 0xff, 0xff],
    ]
    .concat();
    blobs.push((LIST_ZIPLIST, zl_entry));
    for (t, blob) in blobs {
        let mut body = vec![t, 1, b'k'];
        if t == LIST_QUICKLIST_2 {
            body.extend_from_slice(&[1, 2]);
        }
        write::put_string(&mut body, &blob, false);
        let data = file(&body);
        let e = check("blob", &data, &OPTIONS[0]).expect_err("huge blob loaded");
        assert!(offset(&e).is_some(), "{e}");
    }
}

/// The offsets of truncation errors point at the item the file ends in.
#[test]
fn truncation_errors_locate_the_item() {
    // A 100-byte raw string value cut after 10 of its bytes.
    let mut body = vec![kind::STRING, 1, b'k'];
    write::put_string(&mut body, &[b'v'; 100], false);
    let mut data = b"REDIS0010".to_vec();
    data.extend_from_slice(&body[..body.len() - 90]);
    let e = read_rdb(&data).unwrap_err();
    assert_eq!(e, RdbError::Truncated { at: 12 });
    assert_eq!(e.to_string(), "unexpected end of file in item at offset 12");
    // Cut inside the checksum.
    let f = file(&[]);
    let e = read_rdb(&f[..f.len() - 3]).unwrap_err();
    assert_eq!(e, RdbError::Truncated { at: 10 });
}

/// Regression: a file cut inside its 9-byte header (an empty file included) was reported
/// as "not an RDB file"; it is a short read at offset 0, as Redis reports it. Bytes that
/// cannot start an RDB file are still a bad magic.
#[test]
fn short_header_is_a_truncation() {
    for short in [&b""[..], b"R", b"REDIS", b"REDIS001"] {
        let e = read_rdb(short).unwrap_err();
        assert_eq!(e, RdbError::Truncated { at: 0 }, "{short:?}");
        assert_eq!(e.to_string(), "unexpected end of file in item at offset 0");
    }
    for foreign in [&b"RUB"[..], b"REDIX", b"REDIS0a", b"RUBBISH00"] {
        assert_eq!(
            read_rdb(foreign).unwrap_err(),
            RdbError::BadMagic,
            "{foreign:?}"
        );
    }
}

/// Regression: version 0 was reported as "newer than 10".
#[test]
fn version_errors_say_what_is_wrong() {
    let e = read_rdb(b"REDIS0000\xff").unwrap_err();
    assert_eq!(e, RdbError::UnsupportedVersion { version: 0 });
    assert_eq!(
        e.to_string(),
        "can't handle RDB format version 0 (at offset 5)"
    );
    let e = read_rdb(b"REDIS0011\xff").unwrap_err();
    assert_eq!(
        e.to_string(),
        "RDB format version 11 (at offset 5) is newer than 10, can't load"
    );
}
