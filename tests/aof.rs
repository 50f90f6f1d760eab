//! The append only file through the real binary: every type and encoding surviving a restart
//! under each `appendfsync` policy, BGREWRITEAOF (RDB-preamble base) checked by the real
//! `redis-check-aof`, Redis 7.0's multi-part AOF directory loaded by real redis-server and
//! theirs loaded by us, the AOF winning over dump.rdb, and a last incr file cut mid-command
//! (truncated and loaded, or refused), compared with real redis-server on the same files.

mod common;

use common::{run_command, Client, Frame, Kind, Server, TempDir};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Databases the fill writes to (and the dump reads).
const DBS: [&str; 5] = ["0", "1", "2", "3", "9"];

fn text(r: &[u8]) -> String {
    common::escape(r)
}

/// Runs `args`, asserting the reply is not an error.
fn ok(c: &mut Client, args: &[&str]) -> Vec<u8> {
    let r = c.cmd(args);
    assert!(!r.starts_with(b"-"), "{args:?}: {}", text(&r));
    r
}

fn run(c: &mut Client, cmds: &[Vec<String>]) {
    for args in cmds {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        ok(c, &a);
    }
}

fn cmds(list: &[&[&str]]) -> Vec<Vec<String>> {
    list.iter()
        .map(|a| a.iter().map(|s| s.to_string()).collect())
        .collect()
}

/// A command with many generated arguments: `head` then `items`.
fn many(head: &[&str], items: impl IntoIterator<Item = String>) -> Vec<String> {
    head.iter().map(|s| s.to_string()).chain(items).collect()
}

/// Every type and encoding Redis 7.0 has for them, in several databases, written with the
/// commands whose propagation Redis rewrites (relative expiries, INCRBYFLOAT, SPOP, BLPOP ...)
/// as well as plain ones, and a transaction.
fn fill(server: &Server) {
    let mut c = server.client();
    let raw = "r".repeat(60);
    let long_value = "v".repeat(100);
    let half = "a".repeat(30);
    run(
        &mut c,
        &cmds(&[
            // Strings: int, embstr, raw (set and built by APPEND), counters, floats.
            &["SET", "str:int", "12345"],
            &["SET", "str:neg", "-42"],
            &["SET", "str:embstr", "hello world"],
            &["SET", "str:raw", &raw],
            &["SET", "str:bin", "a\r\nb\x00c"],
            &["APPEND", "str:append", &half],
            &["APPEND", "str:append", &half],
            &["INCR", "ctr"],
            &["INCRBY", "ctr", "41"],
            &["DECR", "ctr"],
            &["INCRBYFLOAT", "flt", "1.5"],
            &["INCRBYFLOAT", "flt", "0.25"],
            &["SETRANGE", "str:range", "50", "xyz"],
            &["MSET", "m1", "1", "m2", "two"],
            &["SETNX", "m1", "ignored"],
            &["GETSET", "m2", "three"],
            &["GETDEL", "m1"],
            // Lists: small, big, values past the listpack limit, moves and pops.
            &["RPUSH", "l:small", "a", "b", "c", "d"],
            &["LPUSH", "l:small", "z"],
            &["LPOP", "l:small"],
            &["RPOP", "l:small"],
            &["LSET", "l:small", "0", "A"],
            &["LINSERT", "l:small", "AFTER", "b", "b2"],
            &["RPUSH", "l:long", &long_value, "x"],
            &["LMOVE", "l:small", "l:moved", "LEFT", "RIGHT"],
            &["BLPOP", "l:small", "1"],
            &["RPUSH", "l:trim", "1", "2", "3", "4", "5", "2"],
            &["LTRIM", "l:trim", "1", "-1"],
            &["LREM", "l:trim", "0", "2"],
            // Hashes: listpack, hashtable by count and by value length.
            &["HSET", "h:small", "f1", "v1", "f2", "v2", "n", "10"],
            &["HINCRBY", "h:small", "n", "5"],
            &["HINCRBYFLOAT", "h:small", "fl", "2.5"],
            &["HDEL", "h:small", "f2"],
            &["HSETNX", "h:small", "f3", "v3"],
            &["HSET", "h:longval", "f", &long_value],
            // Sets: intset, hashtable by member kind and by count; SPOP is random.
            &["SADD", "s:int", "3", "1", "2", "-7"],
            &["SADD", "s:str", "a", "b", "c"],
            &["SADD", "s:pop", "p1", "p2", "p3", "p4", "p5", "p6"],
            &["SPOP", "s:pop"],
            &["SPOP", "s:pop", "2"],
            &["SMOVE", "s:str", "s:int", "a"],
            &["SREM", "s:int", "3"],
            // Sorted sets: listpack, skiplist by count and by member length.
            &["ZADD", "z:small", "1.5", "a", "2", "b", "-3", "c"],
            &["ZINCRBY", "z:small", "10", "a"],
            &["ZADD", "z:small", "inf", "top", "-inf", "bottom"],
            &["ZPOPMIN", "z:small"],
            &["ZREM", "z:small", "c"],
            &["ZADD", "z:long", "1", &long_value],
            // Expiries, absolute and relative (the latter rewritten for propagation).
            &["SET", "t:pxat", "x", "PXAT", "4102444800000"],
            &["SET", "t:ex", "x", "EX", "100000"],
            &["SET", "t:px", "x", "PX", "100000000"],
            &["SETEX", "t:setex", "50000", "x"],
            &["PSETEX", "t:psetex", "50000000", "x"],
            &["SET", "t:getex", "x"],
            &["GETEX", "t:getex", "EX", "70000"],
            &["SET", "t:keepttl", "x", "EX", "80000"],
            &["SET", "t:keepttl", "y", "KEEPTTL"],
            &["SET", "t:persist", "x", "EX", "1000"],
            &["PERSIST", "t:persist"],
            &["EXPIRE", "h:small", "20000"],
            &["PEXPIRE", "l:small", "30000000"],
            &["EXPIREAT", "z:small", "4102444800"],
            &["PEXPIREAT", "s:int", "4102444800123"],
            &["SET", "t:gone", "x"],
            &["EXPIRE", "t:gone", "-1"],
            // Renames, deletes, a transaction.
            &["SET", "old", "renamed"],
            &["RENAME", "old", "new"],
            &["SET", "del1", "x"],
            &["SET", "del2", "x"],
            &["DEL", "del1"],
            &["UNLINK", "del2"],
            &["MULTI"],
            &["SET", "tx:a", "1"],
            &["INCR", "tx:b"],
            &["LPUSH", "tx:l", "q"],
            &["EXEC"],
            &["MOVE", "new", "1"],
        ]),
    );
    // Encodings by count.
    run(
        &mut c,
        &[
            many(&["RPUSH", "l:big"], (0..300).map(|i| format!("e{i}"))),
            many(
                &["HSET", "h:big"],
                (0..200).flat_map(|i| [format!("f{i}"), format!("v{i}")]),
            ),
            many(&["SADD", "s:big"], (0..600).map(|i| i.to_string())),
            many(
                &["ZADD", "z:big"],
                (0..200).flat_map(|i| [format!("{}", i as f64 / 4.0), format!("m{i}")]),
            ),
        ],
    );
    // Other databases.
    run(
        &mut c,
        &cmds(&[
            &["SELECT", "1"],
            &["SET", "db1:s", "one"],
            &["HSET", "db1:h", "a", "1"],
            &["SET", "db1:t", "x", "EX", "90000"],
            &["SELECT", "2"],
            &["SET", "db2:flushed", "x"],
            &["FLUSHDB"],
            &["SET", "db2:after", "y"],
            &["SELECT", "3"],
            &["SADD", "db3:s", "1", "2"],
            &["ZADD", "db3:z", "1", "a"],
            &["SELECT", "9"],
            &["RPUSH", "db9:l", "x", "y"],
            &["SELECT", "0"],
        ]),
    );
}

/// Writes after a rewrite: changes to keys the base holds, new keys, other databases.
fn fill_more(server: &Server) {
    let mut c = server.client();
    run(
        &mut c,
        &cmds(&[
            &["SADD", "s:int", "4"],
            &["HSET", "h:small", "f9", "v9"],
            &["DEL", "str:neg"],
            &["RPUSH", "l:big", "tail"],
            &["INCR", "ctr"],
            &["INCRBYFLOAT", "flt", "3"],
            &["ZADD", "z:big", "1000", "m0"],
            &["SET", "post:ex", "x", "EX", "5000"],
            &["SPOP", "s:big", "3"],
            &["SELECT", "1"],
            &["SET", "db1:post", "p"],
            &["EXPIRE", "db1:s", "4000"],
            &["SELECT", "0"],
        ]),
    );
}

/// Every key of every filled database: type, encoding, expiry and value, read the same way
/// from either server (unordered collections sorted).
fn dump(server: &Server) -> Vec<String> {
    wait_loaded(server);
    let mut c = server.client();
    let mut out = Vec::new();
    for db in DBS {
        ok(&mut c, &["SELECT", db]);
        out.push(format!("db{db} size {}", text(&c.cmd(&["DBSIZE"]))));
        let keys = Frame::parse(&c.cmd(&["KEYS", "*"])).unwrap();
        let mut keys: Vec<Vec<u8>> = keys
            .items()
            .unwrap()
            .iter()
            .map(|k| k.as_bytes().unwrap().to_vec())
            .collect();
        keys.sort();
        for k in keys {
            let kb = k.as_slice();
            let typ = c.cmd_bytes(&[b"TYPE", kb]);
            let enc = c.cmd_bytes(&[b"OBJECT", b"ENCODING", kb]);
            let pexp = c.cmd_bytes(&[b"PEXPIRETIME", kb]);
            let value = match typ.as_slice() {
                b"+string\r\n" => c.cmd_bytes(&[b"GET", kb]),
                b"+list\r\n" => c.cmd_bytes(&[b"LRANGE", kb, b"0", b"-1"]),
                b"+hash\r\n" => Frame::parse(&c.cmd_bytes(&[b"HGETALL", kb]))
                    .unwrap()
                    .sorted_pairs()
                    .encode(),
                b"+set\r\n" => Frame::parse(&c.cmd_bytes(&[b"SMEMBERS", kb]))
                    .unwrap()
                    .sorted()
                    .encode(),
                b"+zset\r\n" => c.cmd_bytes(&[b"ZRANGE", kb, b"0", b"-1", b"WITHSCORES"]),
                _ => b"?".to_vec(),
            };
            out.push(format!(
                "db{db} {} {} {} pexpiretime={} {}",
                text(kb),
                text(&typ),
                text(&enc),
                text(&pexp),
                text(&value)
            ));
        }
    }
    ok(&mut c, &["SELECT", "0"]);
    out
}

/// Line-by-line difference of two dumps, for failure messages.
fn diff(a: &[String], b: &[String]) -> String {
    let mut s = String::new();
    for l in a.iter().filter(|l| !b.contains(l)) {
        s.push_str(&format!("- {l}\n"));
    }
    for l in b.iter().filter(|l| !a.contains(l)) {
        s.push_str(&format!("+ {l}\n"));
    }
    s
}

fn assert_same(expected: &[String], got: &[String], what: &str) {
    assert!(
        expected == got,
        "{what}: contents differ (- expected, + got)\n{}",
        diff(expected, got)
    );
}

fn wait_loaded(server: &Server) {
    common::wait_loaded(server)
}

fn info_field(c: &mut Client, field: &str) -> String {
    common::persistence_field(c, field)
}

/// Waits (bounded) until no AOF rewrite runs or is scheduled; asserts it succeeded.
fn wait_rewrite(server: &Server) {
    let mut c = server.client();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if info_field(&mut c, "aof_rewrite_in_progress") == "0"
            && info_field(&mut c, "aof_rewrite_scheduled") == "0"
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "rewrite did not finish\n{}",
            server.diagnostics()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(info_field(&mut c, "aof_last_bgrewrite_status"), "ok");
}

fn bgrewriteaof(server: &Server) {
    let r = server.client().cmd(&["BGREWRITEAOF"]);
    assert_eq!(
        text(&r),
        "+Background append only file rewriting started\\r\\n"
    );
    wait_rewrite(server);
}

/// SHUTDOWN NOSAVE, then waits (bounded) for the exit.
fn shutdown_nosave(server: &mut Server) {
    let mut c = server.client();
    c.send(&[b"SHUTDOWN", b"NOSAVE"]);
    let st = server
        .wait_exit(Duration::from_secs(10))
        .unwrap_or_else(|| panic!("did not exit\n{}", server.diagnostics()));
    assert!(st.success(), "{st}\n{}", server.diagnostics());
}

fn aof_dir(dir: &Path) -> PathBuf {
    dir.join("appendonlydir")
}

/// The manifest's `file <name> seq <n> type <t>` lines as (name, seq, type).
fn manifest(dir: &Path) -> Vec<(String, u64, String)> {
    let path = aof_dir(dir).join("appendonly.aof.manifest");
    let body = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    body.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            assert_eq!(w.len(), 6, "manifest line {l:?}");
            assert_eq!((w[0], w[2], w[4]), ("file", "seq", "type"), "{l:?}");
            (w[1].to_string(), w[3].parse().unwrap(), w[5].to_string())
        })
        .collect()
}

fn last_incr(dir: &Path) -> String {
    manifest(dir)
        .into_iter()
        .rfind(|(_, _, t)| t == "i")
        .expect("an incr file in the manifest")
        .0
}

/// Runs the real redis-check-aof on the manifest; asserts it finds everything valid.
fn check_aof(dir: &Path) {
    let out = run_command(
        Command::new("redis-check-aof").arg(aof_dir(dir).join("appendonly.aof.manifest")),
        Duration::from_secs(20),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("All AOF files and manifest are valid"),
        "redis-check-aof: {}\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        let to = dst.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to);
        } else {
            std::fs::copy(e.path(), to).unwrap();
        }
    }
}

/// A copy of the AOF of `src` (its appendonlydir only) in a new temp dir.
fn copy_aof(src: &Path, tag: &str) -> TempDir {
    let d = TempDir::new(tag);
    copy_dir(&aof_dir(src), &aof_dir(d.path()));
    d
}

fn aof_server(kind: Kind, dir: &Path, extra: &[&str]) -> Server {
    let d = dir.display().to_string();
    let mut args = vec!["--dir", &d, "--appendonly", "yes", "--save", ""];
    args.extend_from_slice(extra);
    let s = Server::builder(kind).args(&args).start();
    wait_loaded(&s);
    s
}

/// The fill did produce every encoding (so the comparisons cover them).
fn assert_encodings(dump: &[String]) {
    for enc in [
        "int",
        "embstr",
        "raw",
        "quicklist",
        "listpack",
        "hashtable",
        "intset",
        "skiplist",
    ] {
        let needle = format!("\\r\\n{enc}\\r\\n");
        assert!(
            dump.iter().any(|l| l.contains(&needle)),
            "no {enc} value in {dump:#?}"
        );
    }
    assert!(dump.iter().any(|l| !l.contains("pexpiretime=:-1")));
    assert!(dump.len() > 40, "{dump:#?}");
}

fn round_trip(fsync: &str, stop: &str) {
    let dir = TempDir::new(&format!("aof-{fsync}"));
    let extra = ["--appendfsync", fsync];
    let mut s = aof_server(Kind::Redactor, dir.path(), &extra);
    fill(&s);
    let before = dump(&s);
    assert_encodings(&before);
    match stop {
        "nosave" => shutdown_nosave(&mut s),
        "shutdown" => {
            let mut c = s.client();
            c.send(&[b"SHUTDOWN"]);
            let st = s.wait_exit(Duration::from_secs(10)).expect("did not exit");
            assert!(st.success(), "{st}");
        }
        _ => {
            let st = s
                .terminate(Duration::from_secs(10))
                .expect("did not exit on SIGTERM");
            assert!(st.success(), "{st}");
        }
    }
    assert!(
        !dir.path().join("dump.rdb").exists(),
        "no dump.rdb expected with save \"\""
    );
    let m = manifest(dir.path());
    assert!(m.iter().any(|(_, _, t)| t == "b"), "{m:?}");
    assert!(m.iter().any(|(_, _, t)| t == "i"), "{m:?}");
    let again = aof_server(Kind::Redactor, dir.path(), &extra);
    assert!(
        again.wait_output("DB loaded from append only file", Duration::from_secs(5)),
        "{}",
        again.output()
    );
    assert_same(&before, &dump(&again), &format!("appendfsync {fsync}"));
    drop(again);
    check_aof(dir.path());
}

#[test]
fn round_trip_appendfsync_always() {
    round_trip("always", "nosave");
}

#[test]
fn round_trip_appendfsync_everysec() {
    round_trip("everysec", "sigterm");
}

#[test]
fn round_trip_appendfsync_no() {
    round_trip("no", "shutdown");
}

#[test]
fn bgrewriteaof_then_more_writes_round_trip() {
    let dir = TempDir::new("aof-rewrite");
    let mut s = aof_server(Kind::Redactor, dir.path(), &[]);
    let first = manifest(dir.path());
    let first_base = first.iter().find(|f| f.2 == "b").expect("a base").clone();
    fill(&s);
    bgrewriteaof(&s);
    fill_more(&s);
    let before = dump(&s);
    shutdown_nosave(&mut s);

    let m = manifest(dir.path());
    let bases: Vec<_> = m.iter().filter(|f| f.2 == "b").collect();
    let incrs: Vec<_> = m.iter().filter(|f| f.2 == "i").collect();
    assert_eq!(bases.len(), 1, "{m:?}");
    assert_eq!(incrs.len(), 1, "{m:?}");
    assert!(bases[0].1 > first_base.1, "{first:?} -> {m:?}");
    assert_eq!(
        bases[0].0,
        format!("appendonly.aof.{}.base.rdb", bases[0].1)
    );
    assert_eq!(
        incrs[0].0,
        format!("appendonly.aof.{}.incr.aof", incrs[0].1)
    );
    assert!(m.iter().all(|f| f.2 == "b" || f.2 == "i"), "{m:?}");
    let base = std::fs::read(aof_dir(dir.path()).join(&bases[0].0)).unwrap();
    assert!(base.starts_with(b"REDIS"), "RDB preamble expected");
    // The history files go away.
    let old = aof_dir(dir.path()).join(&first_base.0);
    let deadline = Instant::now() + Duration::from_secs(5);
    while old.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!old.exists(), "{} still exists", old.display());
    // The incr file holds only what came after the rewrite.
    let incr = std::fs::read(aof_dir(dir.path()).join(&incrs[0].0)).unwrap();
    let incr_text = String::from_utf8_lossy(&incr);
    assert!(incr_text.contains("db1:post"), "{incr_text}");
    assert!(!incr_text.contains("str:embstr"), "{incr_text}");
    check_aof(dir.path());

    let again = aof_server(Kind::Redactor, dir.path(), &[]);
    assert_same(&before, &dump(&again), "after BGREWRITEAOF");
    drop(again);
    // Real redis-server reads the rewritten AOF the same way.
    let copy = copy_aof(dir.path(), "aof-rewrite-redis");
    let redis = aof_server(Kind::Redis, copy.path(), &[]);
    assert_same(&before, &dump(&redis), "rewritten AOF in real redis-server");
}

#[test]
fn our_aof_loads_in_real_redis() {
    let dir = TempDir::new("aof-ours");
    let mut s = aof_server(Kind::Redactor, dir.path(), &[]);
    fill(&s);
    let expected = dump(&s);
    shutdown_nosave(&mut s);
    check_aof(dir.path());
    let redis = aof_server(Kind::Redis, dir.path(), &[]);
    assert!(
        redis.wait_output("DB loaded from append only file", Duration::from_secs(5)),
        "{}",
        redis.output()
    );
    assert_same(&expected, &dump(&redis), "our AOF in real redis-server");
}

/// Real redis-server writes an AOF (before and after a rewrite); we load each stage.
fn theirs_into_ours(preamble: &str) {
    let dir = TempDir::new(&format!("aof-theirs-{preamble}"));
    let extra = ["--aof-use-rdb-preamble", preamble];
    let mut redis = aof_server(Kind::Redis, dir.path(), &extra);
    fill(&redis);
    let expected = dump(&redis);
    shutdown_nosave(&mut redis);
    {
        let copy = copy_aof(dir.path(), "aof-theirs-plain");
        let ours = aof_server(Kind::Redactor, copy.path(), &extra);
        assert_same(
            &expected,
            &dump(&ours),
            "real redis AOF (no rewrite) in redactor",
        );
    }
    let mut redis = aof_server(Kind::Redis, dir.path(), &extra);
    bgrewriteaof(&redis);
    fill_more(&redis);
    let expected = dump(&redis);
    shutdown_nosave(&mut redis);
    let m = manifest(dir.path());
    let base_suffix = if preamble == "yes" {
        ".base.rdb"
    } else {
        ".base.aof"
    };
    assert!(
        m.iter().any(|f| f.2 == "b" && f.0.ends_with(base_suffix)),
        "{m:?}"
    );
    let copy = copy_aof(dir.path(), "aof-theirs-rewritten");
    let ours = aof_server(Kind::Redactor, copy.path(), &extra);
    assert_same(
        &expected,
        &dump(&ours),
        &format!("real redis rewritten AOF (preamble {preamble}) in redactor"),
    );
}

#[test]
fn real_redis_aof_loads_in_ours() {
    theirs_into_ours("yes");
}

#[test]
fn real_redis_aof_without_preamble_loads_in_ours() {
    theirs_into_ours("no");
}

#[test]
fn aof_wins_over_rdb() {
    let dir = TempDir::new("aof-wins");
    let d = dir.path().display().to_string();
    let mut s = aof_server(Kind::Redactor, dir.path(), &[]);
    fill(&s);
    let expected = dump(&s);
    shutdown_nosave(&mut s);
    // A dump.rdb with other data, written with the AOF off.
    {
        let rdb = Server::redactor(&["--dir", &d, "--appendonly", "no", "--save", ""]);
        let mut c = rdb.client();
        ok(&mut c, &["FLUSHALL"]);
        ok(&mut c, &["SET", "rdb-only", "1"]);
        ok(&mut c, &["SET", "str:int", "999"]);
        assert_eq!(c.cmd(&["SAVE"]), b"+OK\r\n");
    }
    assert!(dir.path().join("dump.rdb").exists());
    let rdb_copy = std::fs::read(dir.path().join("dump.rdb")).unwrap();
    let copy = copy_aof(dir.path(), "aof-wins-redis");
    std::fs::write(copy.path().join("dump.rdb"), &rdb_copy).unwrap();

    let s = aof_server(Kind::Redactor, dir.path(), &[]);
    assert!(
        s.wait_output("DB loaded from append only file", Duration::from_secs(5)),
        "{}",
        s.output()
    );
    assert_same(&expected, &dump(&s), "appendonly yes with a dump.rdb too");
    let redis = aof_server(Kind::Redis, copy.path(), &[]);
    assert_same(&expected, &dump(&redis), "real redis-server, same files");
}

/// Start offsets of the commands of an AOF made of RESP multibulks.
fn command_starts(data: &[u8]) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut p = 0;
    let line = |p: &mut usize| -> usize {
        let end = *p + data[*p..].windows(2).position(|w| w == b"\r\n").unwrap();
        let n: usize = std::str::from_utf8(&data[*p + 1..end])
            .unwrap()
            .parse()
            .unwrap();
        *p = end + 2;
        n
    };
    while p < data.len() {
        starts.push(p);
        assert_eq!(data[p], b'*', "not a command at {p}");
        let argc = line(&mut p);
        for _ in 0..argc {
            assert_eq!(data[p], b'$');
            let len = line(&mut p);
            p += len + 2;
        }
    }
    assert_eq!(p, data.len());
    starts
}

#[test]
fn truncated_aof_is_loaded_or_refused_like_redis() {
    let dir = TempDir::new("aof-trunc");
    let mut s = aof_server(Kind::Redactor, dir.path(), &["--appendfsync", "always"]);
    fill(&s);
    let expected = dump(&s);
    let last_value = "L".repeat(200);
    ok(&mut s.client(), &["SET", "last", &last_value]);
    shutdown_nosave(&mut s);

    let incr = last_incr(dir.path());
    let path = aof_dir(dir.path()).join(&incr);
    let data = std::fs::read(&path).unwrap();
    let starts = command_starts(&data);
    let last = *starts.last().unwrap();
    let tail = String::from_utf8_lossy(&data[last..]);
    assert!(
        tail.contains("last") && tail.contains(&last_value),
        "{tail}"
    );
    let cut = last + (data.len() - last) / 2;
    std::fs::write(&path, &data[..cut]).unwrap();

    // aof-load-truncated no: both refuse, exit code 1.
    for kind in [Kind::Redactor, Kind::Redis] {
        let copy = copy_aof(dir.path(), "aof-trunc-no");
        let d = copy.path().display().to_string();
        let mut srv = Server::builder(kind)
            .args(&[
                "--dir",
                &d,
                "--appendonly",
                "yes",
                "--save",
                "",
                "--aof-load-truncated",
                "no",
            ])
            .no_wait()
            .start();
        let st = srv
            .wait_exit(Duration::from_secs(10))
            .unwrap_or_else(|| panic!("{} must refuse the cut AOF", kind.name()));
        assert_eq!(st.code(), Some(1), "{}\n{}", kind.name(), srv.output());
        let out = srv.output();
        assert!(
            out.contains(&format!(
                "Unexpected end of file reading the append only file {incr}"
            )),
            "{}: {out}",
            kind.name()
        );
        assert_eq!(
            std::fs::read(aof_dir(copy.path()).join(&incr))
                .unwrap()
                .len(),
            cut,
            "the file must be left alone"
        );
    }

    // aof-load-truncated yes: both load every complete command and cut the file.
    for kind in [Kind::Redactor, Kind::Redis] {
        let copy = copy_aof(dir.path(), "aof-trunc-yes");
        let srv = aof_server(kind, copy.path(), &["--aof-load-truncated", "yes"]);
        let out = srv.output();
        for line in [
            format!("!!! Warning: short read while loading the AOF file {incr}!!!"),
            format!("!!! Truncating the AOF {incr} at offset {last} !!!"),
            format!("AOF {incr} loaded anyway because aof-load-truncated is enabled"),
        ] {
            assert!(
                out.contains(&line),
                "{}: no {line:?} in\n{out}",
                kind.name()
            );
        }
        assert_same(&expected, &dump(&srv), kind.name());
        assert_eq!(
            std::fs::read(aof_dir(copy.path()).join(&incr)).unwrap(),
            &data[..last],
            "{}: the file must be truncated at offset {last}",
            kind.name()
        );
        // And it appends after the cut.
        ok(&mut srv.client(), &["SET", "after-cut", "1"]);
        drop(srv);
        let srv = aof_server(kind, copy.path(), &[]);
        let mut with_after = dump(&srv);
        let mut c = srv.client();
        assert_eq!(
            c.cmd(&["GET", "after-cut"]),
            b"$1\r\n1\r\n",
            "{}",
            kind.name()
        );
        with_after.retain(|l| !l.contains("after-cut") && !l.starts_with("db0 size"));
        let mut exp = expected.clone();
        exp.retain(|l| !l.starts_with("db0 size"));
        assert_same(
            &exp,
            &with_after,
            &format!("{} after appending", kind.name()),
        );
    }
}

/// `auto-aof-rewrite-percentage` / `-min-size`: once the AOF has doubled past the minimum, a
/// rewrite starts by itself, as in Redis; the data survives it and a restart.
#[test]
fn the_aof_is_rewritten_automatically_once_it_grows() {
    let dir = TempDir::new("aof-auto");
    let s = aof_server(
        Kind::Redactor,
        dir.path(),
        &[
            "--auto-aof-rewrite-min-size",
            "64kb",
            "--auto-aof-rewrite-percentage",
            "100",
        ],
    );
    let mut c = s.client();
    let value = "x".repeat(1000);
    for i in 0..200 {
        ok(&mut c, &["SET", &format!("k{i}"), &value]);
    }
    assert!(
        s.wait_output(
            "Starting automatic rewriting of AOF on",
            Duration::from_secs(10)
        ),
        "{}",
        s.diagnostics()
    );
    wait_rewrite(&s);
    assert!(manifest(dir.path())
        .iter()
        .any(|(n, seq, t)| t == "b" && *seq >= 2 && n.ends_with(".base.rdb")));
    let before = dump(&s);
    drop(s);
    let again = aof_server(Kind::Redactor, dir.path(), &[]);
    assert_same(&before, &dump(&again), "after the automatic rewrite");
}

/// CONFIG SET appendonly yes on a running server writes the dataset as a base and appends from
/// then on; after a kill -9 the AOF alone brings everything back, in Redactor and in Redis.
#[test]
fn config_set_appendonly_yes_takes_effect_at_once() {
    let dir = TempDir::new("aof-runtime");
    let d = dir.path().display().to_string();
    let mut s = Server::redactor(&["--dir", &d, "--save", ""]);
    fill(&s);
    let mut c = s.client();
    assert_eq!(
        ok(&mut c, &["CONFIG", "SET", "appendonly", "yes"]),
        b"+OK\r\n"
    );
    wait_rewrite(&s);
    assert_eq!(info_field(&mut c, "aof_enabled"), "1");
    ok(&mut c, &["SET", "after", "enable"]);
    ok(&mut c, &["INCR", "counter"]);
    let before = dump(&s);
    s.signal(9);
    s.wait_exit(Duration::from_secs(10)).expect("killed");
    check_aof(dir.path());
    let ours = aof_server(Kind::Redactor, dir.path(), &[]);
    assert_same(
        &before,
        &dump(&ours),
        "ours after CONFIG SET appendonly yes",
    );
    drop(ours);
    let copy = copy_aof(dir.path(), "aof-runtime-redis");
    let redis = aof_server(Kind::Redis, copy.path(), &[]);
    assert_same(&before, &dump(&redis), "real Redis on the same files");
    // And off again: nothing more is appended.
    let mut s = aof_server(Kind::Redactor, dir.path(), &[]);
    let mut c = s.client();
    assert_eq!(
        ok(&mut c, &["CONFIG", "SET", "appendonly", "no"]),
        b"+OK\r\n"
    );
    let len = std::fs::metadata(aof_dir(dir.path()).join(last_incr(dir.path())))
        .unwrap()
        .len();
    ok(&mut c, &["SET", "not", "appended"]);
    assert_eq!(info_field(&mut c, "aof_enabled"), "0");
    shutdown_nosave(&mut s);
    let after = std::fs::metadata(aof_dir(dir.path()).join(last_incr(dir.path())))
        .unwrap()
        .len();
    assert_eq!(len, after);
}
