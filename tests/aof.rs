//! The append only file through the real binary: every type and encoding surviving a restart
//! under each `appendfsync` policy, BGREWRITEAOF (RDB-preamble base) checked by the real
//! `redis-check-aof`, Redis 7.0's multi-part AOF directory loaded by real redis-server and
//! theirs loaded by us, the AOF winning over dump.rdb, and a last incr file cut mid-command
//! (truncated and loaded, or refused), compared with real redis-server on the same files.

mod common;

use common::dataset::{self, assert_same, ok};
use common::{escape as text, persistence_field as info_field, wait_loaded};
use common::{run_command, Kind, Server, TempDir};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The shared data set ([`dataset::fill`]) written to `server`.
fn fill(server: &Server) {
    dataset::fill(&mut server.client());
}

/// Writes after a rewrite ([`dataset::fill_more`]): changes to keys the base holds, new
/// keys, other databases.
fn fill_more(server: &Server) {
    dataset::fill_more(&mut server.client(), "more");
}

/// Every key of every filled database once `server` has loaded: type, encoding, expiry and
/// value, read the same way from either server ([`dataset::dump`]).
fn dump(server: &Server) -> Vec<String> {
    wait_loaded(server);
    let who = format!("{} {}", server.kind.name(), server.addr());
    dataset::dump(&mut server.client(), &dataset::DBS, true, &who)
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

/// With `aof-use-rdb-preamble no` the rewritten base is commands (`.base.aof`), as Redis writes
/// it: SELECT per database, then the commands that rebuild each key; both servers load it.
#[test]
fn rewrite_without_preamble_writes_a_command_base() {
    let dir = TempDir::new("aof-nopreamble");
    let mut s = aof_server(
        Kind::Redactor,
        dir.path(),
        &["--aof-use-rdb-preamble", "no"],
    );
    fill(&s);
    bgrewriteaof(&s);
    let before = dump(&s);
    shutdown_nosave(&mut s);
    let m = manifest(dir.path());
    let base = m.iter().find(|f| f.2 == "b").expect("a base");
    assert_eq!(
        base.0,
        format!("appendonly.aof.{}.base.aof", base.1),
        "{m:?}"
    );
    let data = std::fs::read(aof_dir(dir.path()).join(&base.0)).unwrap();
    assert!(
        data.starts_with(b"*2\r\n$6\r\nSELECT\r\n"),
        "{}",
        String::from_utf8_lossy(&data[..data.len().min(200)])
    );
    check_aof(dir.path());
    let again = aof_server(Kind::Redactor, dir.path(), &[]);
    assert_same(&before, &dump(&again), "command base, ours");
    drop(again);
    let copy = copy_aof(dir.path(), "aof-nopreamble-redis");
    let redis = aof_server(Kind::Redis, copy.path(), &[]);
    assert_same(&before, &dump(&redis), "command base, real redis-server");
}

/// A Redis 6 style AOF (one `appendonly.aof` in `dir`) is moved into the directory as the base
/// and loaded, as Redis 7 upgrades it; real Redis 7 reads the result.
#[test]
fn an_old_style_aof_is_migrated_into_the_directory() {
    let dir = TempDir::new("aof-legacy");
    std::fs::write(
        dir.path().join("appendonly.aof"),
        b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$3\r\nold\r\n$5\r\nstyle\r\n",
    )
    .unwrap();
    let s = aof_server(Kind::Redactor, dir.path(), &[]);
    assert_eq!(s.client().cmd_str(&["GET", "old"]), "$5\\r\\nstyle\\r\\n");
    assert!(
        s.output()
            .contains("Successfully migrated an old-style AOF file (appendonly.aof) into the AOF directory (appendonlydir)."),
        "{}",
        s.output()
    );
    drop(s);
    assert!(!dir.path().join("appendonly.aof").exists());
    let m = manifest(dir.path());
    assert!(
        m.iter().any(|f| f.0 == "appendonly.aof" && f.2 == "b"),
        "{m:?}"
    );
    check_aof(dir.path());
    let copy = copy_aof(dir.path(), "aof-legacy-redis");
    let redis = aof_server(Kind::Redis, copy.path(), &[]);
    assert_eq!(
        redis.client().cmd_str(&["GET", "old"]),
        "$5\\r\\nstyle\\r\\n"
    );
}
