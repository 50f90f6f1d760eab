//! Interop with real Redis 7.0: files Redis saves load here exactly as Redis itself reloads
//! them, and files written here pass `redis-check-rdb` and load into Redis with the same
//! content. Skipped, with a notice, where `redis-server` is not installed.

use super::*;
use crate::keyspace::db::Db;
use crate::keyspace::hash::HashValue;
use crate::keyspace::list::End;
use crate::keyspace::list::ListValue;
use crate::keyspace::set::SetValue;
use crate::keyspace::value::Value;
use crate::keyspace::zset::{Limits, ZSetValue};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn have(bin: &str) -> bool {
    Command::new(bin)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

fn temp_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "redactor-rdb-{tag}-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A real redis-server, killed on drop.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(dir: &Path, dbfilename: &str) -> Server {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
            ])
            .args(["--appendonly", "no", "--enable-debug-command", "yes"])
            .arg("--dir")
            .arg(dir)
            .args(["--dbfilename", dbfilename])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn redis-server");
        let s = Server { child, port };
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(mut c) = TcpStream::connect(("127.0.0.1", port)) {
                if call(&mut c, &["PING"]) == Resp::Simple("PONG".into()) {
                    break;
                }
            }
            assert!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        s
    }

    fn conn(&self) -> TcpStream {
        let c = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        c.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        c
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Resp {
    Simple(String),
    Error(String),
    Int(i64),
    Bulk(Option<Vec<u8>>),
    Array(Vec<Resp>),
}

impl Resp {
    fn bytes(self) -> Vec<u8> {
        match self {
            Resp::Bulk(Some(b)) => b,
            Resp::Simple(s) => s.into_bytes(),
            other => panic!("not a string: {other:?}"),
        }
    }

    fn array(self) -> Vec<Vec<u8>> {
        match self {
            Resp::Array(a) => a.into_iter().map(Resp::bytes).collect(),
            other => panic!("not an array: {other:?}"),
        }
    }

    fn int(self) -> i64 {
        match self {
            Resp::Int(n) => n,
            other => panic!("not an integer: {other:?}"),
        }
    }
}

fn call<A: AsRef<[u8]>>(c: &mut TcpStream, args: &[A]) -> Resp {
    let mut req = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        let a = a.as_ref();
        req.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        req.extend_from_slice(a);
        req.extend_from_slice(b"\r\n");
    }
    c.write_all(&req).unwrap();
    let mut r = BufReader::new(c);
    parse(&mut r)
}

fn parse(r: &mut impl BufRead) -> Resp {
    let mut line = Vec::new();
    r.read_until(b'\n', &mut line).unwrap();
    let text = String::from_utf8_lossy(&line[1..line.len() - 2]).to_string();
    match line[0] {
        b'+' => Resp::Simple(text),
        b'-' => Resp::Error(text),
        b':' => Resp::Int(text.parse().unwrap()),
        b'$' => {
            let n: i64 = text.parse().unwrap();
            if n < 0 {
                return Resp::Bulk(None);
            }
            let mut b = vec![0; n as usize + 2];
            r.read_exact(&mut b).unwrap();
            b.truncate(n as usize);
            Resp::Bulk(Some(b))
        }
        b'*' => {
            let n: i64 = text.parse().unwrap();
            Resp::Array((0..n.max(0)).map(|_| parse(r)).collect())
        }
        other => panic!("bad reply byte {other}"),
    }
}

/// One key's observable state: type, encoding, content, absolute expiry in ms (-1: none).
/// Orders Redis leaves unspecified (hashtable hashes and sets) are sorted.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    kind: String,
    encoding: String,
    content: Vec<Vec<u8>>,
    scores: Vec<f64>,
    expire: i64,
}

type Dump = BTreeMap<(usize, Vec<u8>), Seen>;

fn dump_redis(s: &Server) -> Dump {
    let mut c = s.conn();
    let mut out = Dump::new();
    for db in 0..16 {
        call(&mut c, &["SELECT".to_string(), db.to_string()]);
        let keys = call(&mut c, &["KEYS", "*"]).array();
        assert_eq!(
            call(&mut c, &["DBSIZE"]).int(),
            keys.len() as i64,
            "db {db}"
        );
        for k in keys {
            let kind = String::from_utf8(call(&mut c, &[&b"TYPE"[..], &k]).bytes()).unwrap();
            let encoding =
                String::from_utf8(call(&mut c, &[&b"OBJECT"[..], b"ENCODING", &k]).bytes())
                    .unwrap();
            let expire = call(&mut c, &[&b"PEXPIRETIME"[..], &k]).int();
            let mut scores = Vec::new();
            let mut content = match kind.as_str() {
                "string" => vec![call(&mut c, &[&b"GET"[..], &k]).bytes()],
                "list" => call(&mut c, &[&b"LRANGE"[..], &k, b"0", b"-1"]).array(),
                "hash" => call(&mut c, &[&b"HGETALL"[..], &k]).array(),
                "set" => call(&mut c, &[&b"SMEMBERS"[..], &k]).array(),
                "zset" => {
                    let all =
                        call(&mut c, &[&b"ZRANGE"[..], &k, b"0", b"-1", b"WITHSCORES"]).array();
                    let mut members = Vec::new();
                    for pair in all.chunks(2) {
                        members.push(pair[0].clone());
                        let text = String::from_utf8(pair[1].clone()).unwrap();
                        scores.push(match text.as_str() {
                            "inf" => f64::INFINITY,
                            "-inf" => f64::NEG_INFINITY,
                            t => t.parse().unwrap(),
                        });
                    }
                    members
                }
                other => panic!("unexpected type {other}"),
            };
            if kind == "set" || (kind == "hash" && encoding == "hashtable") {
                normalize(&kind, &mut content);
            }
            out.insert(
                (db, k),
                Seen {
                    kind,
                    encoding,
                    content,
                    scores,
                    expire,
                },
            );
        }
    }
    out
}

fn normalize(kind: &str, content: &mut Vec<Vec<u8>>) {
    if kind == "hash" {
        let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = content
            .chunks(2)
            .map(|p| (p[0].clone(), p[1].clone()))
            .collect();
        pairs.sort();
        *content = pairs.into_iter().flat_map(|(f, v)| [f, v]).collect();
    } else {
        content.sort();
    }
}

fn dump_dbs(dbs: &[Db]) -> Dump {
    let mut out = Dump::new();
    for (i, db) in dbs.iter().enumerate() {
        for (k, e) in db.iter() {
            let mut scores = Vec::new();
            let mut content: Vec<Vec<u8>> = match &e.value {
                Value::Str(s) => vec![s.data.clone()],
                Value::List(l) => l.iter().map(<[u8]>::to_vec).collect(),
                Value::Hash(h) => h
                    .iter()
                    .flat_map(|(f, v)| [f.to_vec(), v.to_vec()])
                    .collect(),
                Value::Set(s) => s.iter().map(|m| m.to_vec()).collect(),
                Value::ZSet(z) => z
                    .iter()
                    .map(|(m, s)| {
                        scores.push(s);
                        m.to_vec()
                    })
                    .collect(),
            };
            let kind = e.value.type_name().to_string();
            let encoding = e.value.encoding().to_string();
            if kind == "set" || (kind == "hash" && encoding == "hashtable") {
                normalize(&kind, &mut content);
            }
            let expire = if e.expire_at == 0 {
                -1
            } else {
                e.expire_at as i64
            };
            out.insert(
                (i, k.to_vec()),
                Seen {
                    kind,
                    encoding,
                    content,
                    scores,
                    expire,
                },
            );
        }
    }
    out
}

/// Keys of every type and every encoding Redis 7.0 saves, spread over three databases.
fn populate(c: &mut TcpStream) {
    let cmd = |c: &mut TcpStream, args: Vec<Vec<u8>>| {
        let r = call(c, &args);
        assert!(
            !matches!(r, Resp::Error(_)),
            "{:?}: {r:?}",
            String::from_utf8_lossy(&args[0])
        );
    };
    let v = |parts: &[&str]| {
        parts
            .iter()
            .map(|p| p.as_bytes().to_vec())
            .collect::<Vec<_>>()
    };
    cmd(c, v(&["SELECT", "0"]));
    for (k, val) in [
        ("int8", "-5"),
        ("int16", "1000"),
        ("int32", "-2000000"),
        ("int64", "12345678901234"),
        ("notint", "007"),
        ("embstr", "hello world"),
        ("empty", ""),
    ] {
        cmd(c, v(&["SET", k, val]));
    }
    cmd(c, v(&["SET", "raw", &"r".repeat(50)]));
    cmd(c, v(&["SET", "lzf", &"abcabcabc".repeat(30)]));
    cmd(
        c,
        vec![
            b"SET".to_vec(),
            b"binary".to_vec(),
            vec![0, 255, 10, 13, 0, 128],
        ],
    );
    cmd(c, v(&["SET", "ttl", "v", "PX", "100000000"]));
    cmd(c, v(&["APPEND", "appended", "12"]));
    cmd(
        c,
        v(&["RPUSH", "list:small", "a", "1", "-300", "70000", "b"]),
    );
    let mut big = v(&["RPUSH", "list:big"]);
    big.extend((0..3000).map(|i| format!("element-{i}").into_bytes()));
    cmd(c, big);
    cmd(c, v(&["RPUSH", "list:long", &"x".repeat(10_000), "y"]));
    cmd(
        c,
        v(&["HSET", "hash:lp", "f1", "v1", "n", "42", "neg", "-9"]),
    );
    let mut big = v(&["HSET", "hash:big"]);
    big.extend((0..600).flat_map(|i| [format!("f{i}").into_bytes(), format!("{i}").into_bytes()]));
    cmd(c, big);
    cmd(c, v(&["HSET", "hash:longval", "f", &"v".repeat(100)]));
    cmd(c, v(&["EXPIRE", "hash:lp", "5000"]));
    cmd(c, v(&["SELECT", "3"]));
    cmd(c, v(&["SADD", "set:int16", "1", "-5", "300"]));
    cmd(
        c,
        v(&["SADD", "set:int64", "1", "9000000000", "-9000000000"]),
    );
    cmd(c, v(&["SADD", "set:str", "a", "b", "1"]));
    let mut big = v(&["SADD", "set:bigint"]);
    big.extend((0..600).map(|i| format!("{i}").into_bytes()));
    cmd(c, big);
    cmd(
        c,
        v(&[
            "ZADD", "zset:lp", "1", "one", "1.5", "onehalf", "-2", "neg", "inf", "top", "-inf",
            "bottom", "0.1", "tenth", "1e300", "huge",
        ]),
    );
    let mut big = v(&["ZADD", "zset:big"]);
    big.extend((0..300).flat_map(|i| {
        [
            format!("{}", i as f64 / 7.0).into_bytes(),
            format!("m{i}").into_bytes(),
        ]
    }));
    cmd(c, big);
    cmd(c, v(&["ZADD", "zset:longmember", "3", &"m".repeat(100)]));
    cmd(c, v(&["PEXPIRE", "zset:lp", "7000000"]));
    cmd(c, v(&["SELECT", "15"]));
    cmd(c, v(&["SET", "last", "db"]));
    cmd(c, v(&["RPUSH", "last:list", "z"]));
    // Saved as a FUNCTION2 record, which loading must step over.
    cmd(
        c,
        v(&[
            "FUNCTION",
            "LOAD",
            "#!lua name=rdblib\nredis.register_function('rdbf', function() return 1 end)",
        ]),
    );
}

fn skip() -> bool {
    if !have("redis-server") || !have("redis-check-rdb") {
        println!("NOTICE: redis-server or redis-check-rdb not installed; RDB interop test skipped");
        return true;
    }
    false
}

/// (a) Redis saves every encoding; we load it as Redis reloads it, encodings included.
/// (b) We save it back; redis-check-rdb accepts it and Redis loads the same content.
#[test]
fn interop_with_real_redis() {
    if skip() {
        return;
    }
    let dir = temp_dir("interop");
    let loaded = {
        let s = Server::start(&dir, "dump.rdb");
        let mut c = s.conn();
        populate(&mut c);
        // DEBUG RELOAD saves, then reloads the saved file, so what Redis reports afterwards is
        // exactly what loading that file gives.
        assert_eq!(
            call(&mut c, &["DEBUG", "RELOAD"]),
            Resp::Simple("OK".into())
        );
        let want = dump_redis(&s);
        let data = std::fs::read(dir.join("dump.rdb")).unwrap();
        let loaded = read_rdb(&data).unwrap();
        assert_eq!(loaded.aux("redis-ver"), Some(&b"7.0.15"[..]));
        let got = dump_dbs(&loaded.dbs);
        assert_eq!(got.len(), want.len());
        for (k, w) in &want {
            assert_eq!(
                got.get(k),
                Some(w),
                "key {:?}",
                String::from_utf8_lossy(&k.1)
            );
        }
        // Every prefix of a real file is an error, never a panic.
        for cut in (0..data.len()).step_by(7) {
            assert!(read_rdb(&data[..cut]).is_err(), "cut at {cut}");
        }
        loaded
    };

    for compression in [true, false] {
        let out_dir = temp_dir(if compression {
            "ours-lzf"
        } else {
            "ours-plain"
        });
        let opts = RdbOptions {
            compression,
            repl: Some(("0123456789abcdef0123456789abcdef01234567".into(), 1234)),
            ..RdbOptions::default()
        };
        let mut file = Vec::new();
        write_rdb(&mut file, &loaded.dbs, &opts).unwrap();
        let path = out_dir.join("ours.rdb");
        std::fs::write(&path, &file).unwrap();
        let check = Command::new("redis-check-rdb").arg(&path).output().unwrap();
        let report = String::from_utf8_lossy(&check.stdout);
        assert!(
            check.status.success() && report.contains("RDB looks OK!"),
            "{report}"
        );

        let back = read_rdb(&file).unwrap();
        assert_eq!(back.repl_offset(), Some(1234));
        assert_eq!(dump_dbs(&back.dbs), dump_dbs(&loaded.dbs));

        let s = Server::start(&out_dir, "ours.rdb");
        assert_eq!(
            dump_redis(&s),
            dump_dbs(&loaded.dbs),
            "compression {compression}"
        );
        drop(s);
        let _ = std::fs::remove_dir_all(&out_dir);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn sample_dbs() -> Vec<Db> {
    let mut db0 = Db::new();
    db0.insert(b"s", Value::str(b"hello"), 0);
    db0.insert(b"n", Value::str(b"-123"), 1_900_000_000_000);
    db0.insert(b"long", Value::str(&[b'q'; 64]), 0);
    let mut l = ListValue::new();
    for e in ["a", "1", "bb"] {
        l.push(End::Tail, e.as_bytes());
    }
    db0.insert(b"l", Value::List(l), 0);
    let mut db1 = Db::new();
    db1.insert(
        b"h",
        Value::Hash(HashValue::Listpack(vec![(b"f".to_vec(), b"7".to_vec())])),
        0,
    );
    db1.insert(
        b"ht",
        // Too long a value for a listpack, so it stays a hashtable on load.
        Value::Hash(HashValue::Table(
            [(b"x".to_vec(), vec![b'y'; 65])].into_iter().collect(),
        )),
        0,
    );
    db1.insert(b"si", Value::Set(SetValue::IntSet(vec![-1, 5])), 0);
    db1.insert(
        b"st",
        Value::Set(SetValue::Table([b"m".to_vec()].into_iter().collect())),
        0,
    );
    let limits = Limits {
        entries: 128,
        value: 64,
    };
    db1.insert(
        b"z",
        Value::ZSet(ZSetValue::from_entries(
            vec![(b"a".to_vec(), 1.5), (b"b".to_vec(), -2.0)],
            limits,
        )),
        0,
    );
    db1.insert(
        b"zs",
        Value::ZSet(ZSetValue::from_entries(
            vec![(vec![b'a'; 65], 0.25)],
            limits,
        )),
        0,
    );
    vec![db0, Db::new(), db1]
}

#[test]
fn write_then_read_round_trips() {
    for compression in [true, false] {
        for checksum in [true, false] {
            let dbs = sample_dbs();
            let opts = RdbOptions {
                compression,
                checksum,
                ..RdbOptions::default()
            };
            let mut file = Vec::new();
            write_rdb(&mut file, &dbs, &opts).unwrap();
            let back = read_rdb(&file).unwrap();
            assert_eq!(back.repl_id(), None);
            // Database 1 was empty; databases after it keep their numbers.
            assert_eq!(back.dbs.len(), 3);
            assert_eq!(dump_dbs(&back.dbs), dump_dbs(&dbs));
        }
    }
}

/// (c) Every truncation and every single-byte corruption of a small file is an error.
#[test]
fn corrupt_files_are_errors_not_panics() {
    let mut file = Vec::new();
    write_rdb(&mut file, &sample_dbs(), &RdbOptions::default()).unwrap();
    for cut in 0..file.len() {
        let err = read_rdb(&file[..cut]).expect_err("truncated file loaded");
        assert!(!err.to_string().is_empty());
    }
    for i in 0..file.len() {
        for flip in [0x01u8, 0x40, 0x80, 0xff] {
            let mut bad = file.clone();
            bad[i] ^= flip;
            assert!(read_rdb(&bad).is_err(), "flip {flip:#x} at {i} loaded");
        }
    }
    // Without a checksum corruption may go unnoticed, but must never panic.
    let mut plain = Vec::new();
    let opts = RdbOptions {
        checksum: false,
        ..RdbOptions::default()
    };
    write_rdb(&mut plain, &sample_dbs(), &opts).unwrap();
    for i in 0..plain.len() {
        for flip in [0x01u8, 0x40, 0x80, 0xff] {
            let mut bad = plain.clone();
            bad[i] ^= flip;
            let _ = read_rdb(&bad);
        }
    }
}

#[test]
fn errors_name_their_offset() {
    let mut file = Vec::new();
    write_rdb(
        &mut file,
        &[],
        &RdbOptions {
            checksum: false,
            ..RdbOptions::default()
        },
    )
    .unwrap();
    let eof = file.len() - 9;
    let cases: Vec<(Vec<u8>, RdbError)> = vec![
        (b"RUBBISH00".to_vec(), RdbError::BadMagic),
        (
            b"REDIS0011".to_vec(),
            RdbError::UnsupportedVersion { version: 11 },
        ),
        (
            [&file[..eof], &[20u8][..]].concat(),
            RdbError::UnknownType { at: eof, byte: 20 },
        ),
        (
            [&file[..eof], &[247u8][..]].concat(),
            RdbError::ModuleUnsupported { at: eof },
        ),
        (
            [&file[..eof], &[9u8, 1, b'k'][..]].concat(),
            RdbError::ZipmapUnsupported { at: eof },
        ),
        (
            [&file[..eof], &[15u8, 1, b'k'][..]].concat(),
            RdbError::StreamUnsupported { at: eof },
        ),
        (
            [&file[..eof], &[254u8, 16][..]].concat(),
            RdbError::DbOutOfRange { at: eof, db: 16 },
        ),
        (
            [&file[..eof], &[0u8, 1, b'k', 0xc4][..]].concat(),
            RdbError::BadStringEncoding {
                at: eof + 3,
                encoding: 4,
            },
        ),
        (
            [&file[..eof], &[2u8, 1, b'k', 2, 1, b'a', 1, b'a'][..]].concat(),
            RdbError::Duplicate { at: eof },
        ),
        (
            [&file[..eof], &[1u8, 1, b'k', 0x80, 0, 0, 1, 0][..]].concat(),
            RdbError::BadLength { at: eof + 3 },
        ),
        (
            [
                &file[..eof],
                &[0u8, 1, b'k', 1, b'a', 0, 1, b'k', 1, b'b'][..],
            ]
            .concat(),
            RdbError::DuplicateKey { at: eof + 6 },
        ),
    ];
    for (data, want) in cases {
        assert_eq!(read_rdb(&data).map(|_| ()), Err(want.clone()), "{want}");
    }
    let mut bad = Vec::new();
    write_rdb(&mut bad, &sample_dbs(), &RdbOptions::default()).unwrap();
    let n = bad.len();
    bad[n - 1] ^= 1;
    assert!(matches!(read_rdb(&bad), Err(RdbError::Checksum { .. })));
}

#[test]
fn older_encodings_load() {
    // An RDB 6 style file by hand: a linked LIST, a ZSET with text scores, EXPIRETIME in
    // seconds, IDLE and FREQ hints, a FUNCTION2 record; no checksum (zeros).
    let mut f = b"REDIS0009".to_vec();
    f.extend_from_slice(&[245, 3, b'l', b'i', b'b']);
    f.extend_from_slice(&[254, 2]);
    f.extend_from_slice(&[253]);
    f.extend_from_slice(&2_000_000_000i32.to_le_bytes());
    f.extend_from_slice(&[248, 5, 249, 3]);
    f.extend_from_slice(&[1, 1, b'L', 2, 1, b'x', 0xc0, 7]);
    f.extend_from_slice(&[
        3, 1, b'Z', 3, 1, b'a', 3, b'1', b'.', b'5', 1, b'b', 254, 1, b'c', 255,
    ]);
    f.push(255);
    f.extend_from_slice(&[0; 8]);
    let loaded = read_rdb(&f).unwrap();
    let got = dump_dbs(&loaded.dbs);
    let list = &got[&(2, b"L".to_vec())];
    assert_eq!(list.content, vec![b"x".to_vec(), b"7".to_vec()]);
    assert_eq!(list.expire, 2_000_000_000_000);
    let z = &got[&(2, b"Z".to_vec())];
    assert_eq!(z.encoding, "listpack");
    assert_eq!(z.content, vec![b"c".to_vec(), b"a".to_vec(), b"b".to_vec()]);
    assert_eq!(z.scores, vec![f64::NEG_INFINITY, 1.5, f64::INFINITY]);
}

/// A ziplist of short strings (6-bit lengths) and small integers (immediate 0..=12), laid
/// out as Redis 6 wrote them.
fn ziplist(entries: &[&str]) -> Vec<u8> {
    let mut body = Vec::new();
    let mut prev = 0;
    for e in entries {
        let start = body.len();
        body.push(prev as u8);
        match e.parse::<u8>() {
            Ok(n) if n <= 12 && e.len() == 1 + (n >= 10) as usize => body.push(0xf1 + n),
            _ => {
                body.push(e.len() as u8);
                body.extend_from_slice(e.as_bytes());
            }
        }
        prev = body.len() - start;
    }
    let mut zl = ((10 + body.len() + 1) as u32).to_le_bytes().to_vec();
    zl.extend_from_slice(&0u32.to_le_bytes());
    zl.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    zl.extend_from_slice(&body);
    zl.push(0xff);
    zl
}

fn blob_record(kind: u8, key: &[u8], blob: &[u8]) -> Vec<u8> {
    let mut out = vec![kind];
    write::put_string(&mut out, key, false);
    write::put_string(&mut out, blob, false);
    out
}

#[test]
fn ziplist_and_plain_node_types_load() {
    let mut f = b"REDIS0010".to_vec();
    f.extend(blob_record(
        kind::LIST_ZIPLIST,
        b"lz",
        &ziplist(&["a", "7", "bc"]),
    ));
    f.extend(blob_record(
        kind::HASH_ZIPLIST,
        b"hz",
        &ziplist(&["f", "1", "g", "x"]),
    ));
    f.extend(blob_record(
        kind::ZSET_ZIPLIST,
        b"zz",
        &ziplist(&["b", "2", "a", "1.5"]),
    ));
    // LIST_QUICKLIST: two ziplist nodes.
    f.extend([kind::LIST_QUICKLIST, 2, b'q', b'1', 2]);
    for node in [ziplist(&["x", "y"]), ziplist(&["12"])] {
        write::put_string(&mut f, &node, false);
    }
    // LIST_QUICKLIST_2: a plain node (one big element) between two packed ones.
    let mut lp = encoding::ListpackWriter::new();
    lp.push(b"p");
    let lp = lp.finish();
    f.extend([kind::LIST_QUICKLIST_2, 2, b'q', b'2', 3]);
    write::put_len(&mut f, kind::NODE_PACKED);
    write::put_string(&mut f, &lp, false);
    write::put_len(&mut f, kind::NODE_PLAIN);
    write::put_string(&mut f, b"plain", false);
    write::put_len(&mut f, kind::NODE_PACKED);
    write::put_string(&mut f, &lp, false);
    f.push(kind::OP_EOF);
    let crc = crc64::crc64(0, &f);
    f.extend_from_slice(&crc.to_le_bytes());

    let got = dump_dbs(&read_rdb(&f).unwrap().dbs);
    let s = |v: &[&str]| v.iter().map(|e| e.as_bytes().to_vec()).collect::<Vec<_>>();
    let table: &[(&[u8], &str, &[&str])] = &[
        (b"lz", "quicklist", &["a", "7", "bc"]),
        (b"hz", "listpack", &["f", "1", "g", "x"]),
        (b"zz", "listpack", &["a", "b"]),
        (b"q1", "quicklist", &["x", "y", "12"]),
        (b"q2", "quicklist", &["p", "plain", "p"]),
    ];
    assert_eq!(got.len(), table.len());
    for (key, encoding, content) in table {
        let seen = &got[&(0, key.to_vec())];
        assert_eq!(
            (seen.encoding.as_str(), &seen.content),
            (*encoding, &s(content))
        );
    }
    assert_eq!(got[&(0, b"zz".to_vec())].scores, vec![1.5, 2.0]);
}

/// Many random multi-byte mutations of an unchecksummed file: loading may succeed or fail,
/// but must return.
#[test]
fn random_mutations_never_panic() {
    let mut file = Vec::new();
    let opts = RdbOptions {
        checksum: false,
        compression: true,
        ..RdbOptions::default()
    };
    write_rdb(&mut file, &sample_dbs(), &opts).unwrap();
    let mut rng = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let mut failures = 0;
    for _ in 0..20_000 {
        let mut bad = file.clone();
        for _ in 0..1 + next() % 4 {
            let i = 9 + (next() as usize) % (bad.len() - 9);
            bad[i] = next() as u8;
        }
        let cut = bad.len() - (next() as usize % 3);
        failures += read_rdb(&bad[..cut]).is_err() as usize;
    }
    assert!(failures > 0, "mutations must be noticed at least sometimes");
}
