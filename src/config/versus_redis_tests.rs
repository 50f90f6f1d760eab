//! Differential tests: the same configuration, CONFIG SET commands and CONFIG REWRITE given to real
//! redis-server 7.0 and to [`ServerConfig`] must give the same answers and the same files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use actors::config::ConfigStore;
use bytes::Bytes;

use super::test_support::{free_port, have_redis, real_redis_stderr, RealRedis, ScratchDir};
use super::{load_in, parse_args, ServerConfig, REWRITE_SIGNATURE};

/// The repository root, where `configs/` lives.
pub(crate) fn repo_root() -> PathBuf {
    let here = Path::new(file!());
    if here.is_absolute() {
        // src/config/<file>.rs
        here.ancestors()
            .nth(3)
            .map(Path::to_path_buf)
            .unwrap_or_default()
    } else {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }
}

/// Our configuration for a redis-server command line, relative paths starting at `cwd`.
pub(crate) fn ours(args: &[String], cwd: &Path) -> Arc<ServerConfig> {
    let inv = parse_args(args).unwrap_or_else(|e| panic!("{e}"));
    load_in(&inv, cwd).unwrap_or_else(|e| panic!("{e}"))
}

fn get_all(store: &dyn ConfigStore) -> BTreeMap<String, String> {
    store.get(&[Bytes::from_static(b"*")]).into_iter().collect()
}

fn assert_same_config(real: &mut RealRedis, ours: &ServerConfig) {
    let theirs: BTreeMap<String, String> = real.config_get("*").into_iter().collect();
    let mine = get_all(ours);
    for (name, value) in &theirs {
        assert_eq!(mine.get(name), Some(value), "CONFIG GET {name}");
    }
    let extra: Vec<&String> = mine.keys().filter(|k| !theirs.contains_key(*k)).collect();
    assert!(
        extra.is_empty(),
        "parameters real Redis does not have: {extra:?}"
    );
}

fn overrides(port: u16, dir: &Path) -> Vec<String> {
    let d = dir.to_string_lossy().into_owned();
    [
        "--port",
        &port.to_string(),
        "--bind",
        "127.0.0.1",
        "--dir",
        &d,
        "--logfile",
        "",
        "--pidfile",
        &format!("{d}/redis.pid"),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

#[test]
fn config_get_star_matches_real_redis_defaults() {
    if !have_redis() {
        return;
    }
    let dir = ScratchDir::new("defaults");
    let port = free_port();
    let args = overrides(port, dir.path());
    let Some(mut real) = RealRedis::start(dir.path(), &args, port) else {
        panic!("redis-server did not start")
    };
    assert_same_config(&mut real, &ours(&args, dir.path()));
}

/// CONFIG SET commands whose effects stay inside the configuration (none rebinds or forks).
const SET_BATTERY: &[&[(&str, &str)]] = &[
    &[("maxmemory", "abc")],
    &[("nosuch", "1")],
    &[("port", "abc")],
    &[("daemonize", "yes")],
    &[("DAEMONIZE", "yes")],
    &[("save", "x")],
    &[("save", "900 1 300")],
    &[("save", "100 2 200 3")],
    &[("save", "100  2")],
    &[("maxmemory", "1"), ("maxmemory", "2")],
    &[("MAXMEMORY", "1"), ("maxmemory", "2")],
    &[
        ("maxmemory", "1"),
        ("slave-priority", "3"),
        ("replica-priority", "4"),
    ],
    &[("slave-priority", "abc")],
    &[("loglevel", "loud")],
    &[("loglevel", "WARNING")],
    &[("maxmemory", "1"), ("nosuch", "2")],
    &[("nosuch", "2"), ("daemonize", "yes")],
    &[("daemonize", "yes"), ("nosuch", "2")],
    &[("maxmemory", "1"), ("maxmemory", "1"), ("daemonize", "yes")],
    &[("dir", "/nonexistent")],
    &[("dbfilename", "a/b")],
    &[("replicaof", "1.2.3.4 5")],
    &[("slaveof", "no one")],
    &[("hz", "100000")],
    &[("hz", "0")],
    &[("lua-time-limit", "42")],
    &[("client-output-buffer-limit", "normal 1 2")],
    &[("client-output-buffer-limit", "slave 1mb 2mb 3 pubsub 0 0 0")],
    &[("client-output-buffer-limit", "master 1 2 3")],
    &[("client-output-buffer-limit", "replica 1k 2 -1")],
    &[("client-output-buffer-limit", "")],
    &[("maxmemory-policy", "ALLKEYS-LRU")],
    &[("appendfsync", "EVERYSEC")],
    &[("maxmemory", "1kb"), ("maxmemory-policy", "foo")],
    &[("maxmemory", "5"), ("hash-max-ziplist-entries", "-1")],
    &[("MAXMEMORY", "2kb")],
    &[("maxmemory", "")],
    &[("maxmemory", "18446744073709551615")],
    &[("maxmemory", "0")],
    &[("latency-tracking-info-percentiles", "")],
    &[("latency-tracking-info-percentiles", "50 99.99")],
    &[("latency-tracking-info-percentiles", "101")],
    &[("oom-score-adj-values", "1  2 3")],
    &[("notify-keyspace-events", "KEA")],
    &[("notify-keyspace-events", "Ex")],
    &[("notify-keyspace-events", "Q")],
    &[("maxmemory-clients", "10%")],
    &[("maxmemory-clients", "200%")],
    &[("requirepass", "secret")],
    &[("requirepass", "")],
    &[("masterauth", "x y")],
    &[("activedefrag", "yes")],
    &[("shutdown-on-sigint", "save now")],
    &[("shutdown-on-sigterm", "save nosave")],
    &[("slowlog-max-len", "-1")],
    &[("set-max-intset-entries", "-1")],
    &[("proto-max-bulk-len", "1k")],
    &[("proto-max-bulk-len", "2mb")],
    &[("timeout", "3000000000")],
    &[("timeout", "30")],
    &[("enable-debug-command", "yes")],
    &[("proc-title-template", "{foo}")],
    &[("cluster-announce-hostname", "a_b")],
    &[("appendfilename", "x")],
    &[("unixsocketperm", "777")],
    &[("repl-backlog-size", "2mb")],
    &[("list-max-ziplist-size", "-5")],
    &[("slave-read-only", "no")],
    &[("min-slaves-to-write", "1"), ("min-replicas-max-lag", "5")],
    &[("replica-announce-ip", "10.0.0.1")],
    &[("save", "3600 1 300 100 60 10000")],
];

#[test]
fn config_set_answers_and_effects_match_real_redis() {
    if !have_redis() {
        return;
    }
    let dir = ScratchDir::new("set");
    let port = free_port();
    let args = overrides(port, dir.path());
    let Some(mut real) = RealRedis::start(dir.path(), &args, port) else {
        panic!("redis-server did not start")
    };
    let mine = ours(&args, dir.path());
    for pairs in SET_BATTERY {
        let theirs = real.config_set(pairs);
        let request: Vec<(Bytes, Bytes)> = pairs
            .iter()
            .map(|(n, v)| {
                (
                    Bytes::copy_from_slice(n.as_bytes()),
                    Bytes::copy_from_slice(v.as_bytes()),
                )
            })
            .collect();
        assert_eq!(mine.set(&request), theirs, "CONFIG SET {pairs:?}");
    }
    assert_same_config(&mut real, &mine);
    let patterns = [
        "MAXMEMORY",
        "maxmem?ry",
        "slave-*",
        "*ziplist*",
        "[lm]axmemory",
        "use-exit-on-panic",
        "use-exit*",
    ];
    for pattern in patterns {
        let mut theirs = real.config_get(pattern);
        let mut mine = mine.get(&[Bytes::copy_from_slice(pattern.as_bytes())]);
        theirs.sort();
        mine.sort();
        assert_eq!(mine, theirs, "CONFIG GET {pattern}");
    }
}

/// Compares two rewritten files: identical up to Redis's signature line, then the same appended
/// lines (real Redis appends them in its hash table's order).
fn assert_same_rewrite(theirs: &str, mine: &str) {
    let split = |text: &str| -> (String, Vec<String>) {
        match text.split_once(REWRITE_SIGNATURE) {
            Some((head, tail)) => {
                let mut appended: Vec<String> = tail.lines().map(str::to_string).collect();
                appended.sort();
                (head.to_string(), appended)
            }
            None => (text.to_string(), Vec::new()),
        }
    };
    let (their_head, their_tail) = split(theirs);
    let (my_head, my_tail) = split(mine);
    assert_eq!(
        my_head, their_head,
        "rewritten files differ before the signature"
    );
    assert_eq!(
        my_tail, their_tail,
        "rewritten files append different lines"
    );
}

fn rewrite_both(conf: &str, sets: &[(&str, &str)], demote: bool) {
    let dir = ScratchDir::new("rewrite");
    let root = repo_root();
    let source = std::fs::read_to_string(root.join("configs").join(conf))
        .unwrap_or_else(|e| panic!("{conf}: {e}"));
    let (real_file, my_file) = (dir.path().join("real.conf"), dir.path().join("mine.conf"));
    std::fs::write(&real_file, &source).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&my_file, &source).unwrap_or_else(|e| panic!("{e}"));
    let port = free_port();
    let with_file = |file: &Path| {
        let mut args = vec![file.to_string_lossy().into_owned()];
        args.extend(overrides(port, dir.path()));
        args
    };
    let Some(mut real) = RealRedis::start(&root, &with_file(&real_file), port) else {
        panic!("redis-server did not start with {conf}")
    };
    let _ = real.call(&[b"AUTH", b"redis"]);
    let mine = ours(&with_file(&my_file), &root);
    assert_same_config(&mut real, &mine);
    for (name, value) in sets {
        let request = [(
            Bytes::copy_from_slice(name.as_bytes()),
            Bytes::copy_from_slice(value.as_bytes()),
        )];
        assert_eq!(
            mine.set(&request),
            real.config_set(&[(name, value)]),
            "CONFIG SET {name} {value}"
        );
    }
    if demote {
        let _ = real.call(&[b"REPLICAOF", b"NO", b"ONE"]);
        mine.set_replicaof(None);
    }
    assert_eq!(
        real.call(&[b"CONFIG", b"REWRITE"]),
        super::test_support::Reply::Status("OK".into())
    );
    assert_eq!(mine.rewrite(), Ok(()));
    let theirs = std::fs::read_to_string(&real_file).unwrap_or_default();
    let my_text = std::fs::read_to_string(&my_file).unwrap_or_default();
    assert_same_rewrite(&theirs, &my_text);
    // What we wrote loads again, into the same configuration.
    let reloaded = ours(&with_file(&my_file), &root);
    assert_eq!(get_all(&*reloaded), get_all(&*mine));
}

#[test]
fn rewrite_of_the_master_config_matches_real_redis() {
    if !have_redis() {
        return;
    }
    rewrite_both(
        "redis-master.conf",
        &[
            ("maxmemory", "3gb"),
            ("maxmemory-policy", "allkeys-lru"),
            ("save", "100 2 200 3"),
            ("lua-time-limit", "42"),
            ("requirepass", "a b\"c"),
            ("notify-keyspace-events", "AKE"),
            ("hz", "500"),
            ("slave-priority", "4"),
            ("client-output-buffer-limit", "slave 1mb 2mb 3 pubsub 0 0 0"),
            ("latency-tracking-info-percentiles", ""),
            ("maxmemory-clients", "10%"),
            ("stream-node-max-bytes", "4096"),
            ("masteruser", "alice"),
            ("min-slaves-to-write", "1"),
        ],
        false,
    );
}

#[test]
fn rewrite_of_a_replica_config_matches_real_redis() {
    if !have_redis() {
        return;
    }
    rewrite_both(
        "redis-replica-1.conf",
        &[("requirepass", ""), ("timeout", "30")],
        false,
    );
    rewrite_both("redis-replica-2.conf", &[("save", "")], true);
}

/// Bad configurations, and the stderr real Redis prints for each.
const BAD_CONFIGS: &[&str] = &[
    "# first\nport abc\n",
    "port \"abc\"\n",
    "port 'abc' x\n",
    "port 70000\n",
    "daemonize maybe\n",
    "nosuch 1\n",
    "save 900\n",
    "save 0 1\n",
    "loglevel loud\n",
    "maxmemory 1x\n",
    "maxmemory -1\n",
    "port \"abc\n",
    "port \"a\"b\n",
    "dir /nonexistent-redactor\n",
    "logfile /nonexistent-redactor/x.log\n",
    "sentinel monitor m 1.2.3.4 6379 2\n",
    "client-output-buffer-limit foo 1 2 3\n",
    "client-output-buffer-limit normal 1 2\n",
    "replicaof 1.2.3.4\n",
    "replicaof 1.2.3.4 x\n",
    "maxmemory-clients -200%\n",
    "unixsocketperm 999\n",
    "notify-keyspace-events Q\n",
    "appendfilename \"\"\n",
    "dbfilename a/b\n",
    "include\n",
    "requirepass\n",
    "oom-score-adj-values 1 2\n",
    "latency-tracking-info-percentiles 101\n",
    "maxmemory-policy LRU\n",
    "shutdown-on-sigint save nosave\n",
    "io-threads 200\n",
    "proc-title-template \"{foo}\"\n",
    "mod.x\n",
    "timeout 3000000000\n",
    "hash-max-ziplist-entries -1\n",
    "user bob on fly\n",
    "user bob fly\n",
    "user bob on\nuser bob off\n",
    "user bob on #abc\n",
    "cluster-enabled yes\nreplicaof 1.2.3.4 6379\n",
    "\n\n   port   1   2   \n",
];

#[test]
fn fatal_errors_print_what_real_redis_prints() {
    if !have_redis() {
        return;
    }
    let dir = ScratchDir::new("fatal");
    for (i, text) in BAD_CONFIGS.iter().enumerate() {
        let file = dir.path().join(format!("bad-{i}.conf"));
        std::fs::write(&file, text).unwrap_or_else(|e| panic!("{e}"));
        let args = vec![file.to_string_lossy().into_owned()];
        let theirs = real_redis_stderr(dir.path(), &args);
        let inv = parse_args(&args).unwrap_or_else(|e| panic!("{e}"));
        let mine = match load_in(&inv, dir.path()) {
            Ok(_) => format!("(accepted {text:?})"),
            Err(e) => format!("{e}\n"),
        };
        assert_eq!(mine, theirs, "config {text:?}");
    }
    // Command-line options are lines of the same text, quoted as Redis quotes them.
    let cases: &[&[&str]] = &[
        &["--port", "7", "8"],
        &["--port", "1", "--loglevel"],
        &["--nosuch", "1"],
        &["-x"],
    ];
    for case in cases {
        let args: Vec<String> = case.iter().map(|s| s.to_string()).collect();
        let theirs = real_redis_stderr(dir.path(), &args);
        let inv = parse_args(&args).unwrap_or_else(|e| panic!("{e}"));
        let mine = load_in(&inv, dir.path())
            .err()
            .map(|e| format!("{e}\n"))
            .unwrap_or_default();
        assert_eq!(mine, theirs, "command line {case:?}");
    }
}
