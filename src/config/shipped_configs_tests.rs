//! The configurations shipped in `configs/` load here, and real Redis starts with each of them.

use actors::config::ConfigStore;
use bytes::Bytes;

use super::test_support::{free_port, have_redis, RealRedis, Reply, ScratchDir};
use super::versus_redis_tests::{ours, repo_root};

const SERVERS: [(&str, &str, Option<&str>); 3] = [
    ("redis-master.conf", "127.0.0.5 127.0.0.1", None),
    ("redis-replica-1.conf", "127.0.0.6", Some("127.0.0.5 6379")),
    ("redis-replica-2.conf", "127.0.0.7", Some("127.0.0.5 6379")),
];
const SENTINELS: [(&str, &str); 3] = [
    ("sentinel-1.conf", "127.0.0.5"),
    ("sentinel-2.conf", "127.0.0.6"),
    ("sentinel-3.conf", "127.0.0.7"),
];

fn get(store: &dyn ConfigStore, name: &str) -> String {
    store
        .get(&[Bytes::copy_from_slice(name.as_bytes())])
        .pop()
        .map(|(_, v)| v)
        .unwrap_or_default()
}

#[test]
fn server_configs_load_with_the_seed_values() {
    let root = repo_root();
    for (file, bind, master) in SERVERS {
        let path = root
            .join("configs")
            .join(file)
            .to_string_lossy()
            .into_owned();
        let cfg = ours(&[path], &root);
        let run_dir = std::fs::canonicalize(
            root.join("configs/run")
                .join(file.trim_start_matches("redis-").trim_end_matches(".conf")),
        )
        .unwrap_or_else(|e| panic!("{file}: {e}"));
        let cases = [
            ("bind", bind.to_string()),
            ("port", "6379".into()),
            ("replicaof", master.unwrap_or("").into()),
            ("masterauth", "redis".into()),
            ("requirepass", "redis".into()),
            ("save", "900 1 300 10 60 10000".into()),
            ("dir", run_dir.to_string_lossy().into_owned()),
            ("always-show-logo", "yes".into()),
            ("repl-diskless-sync", "no".into()),
            ("lua-time-limit", "5000".into()),
            ("hash-max-ziplist-entries", "512".into()),
            ("auto-aof-rewrite-min-size", "67108864".into()),
            (
                "client-output-buffer-limit",
                "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60".into(),
            ),
            ("oom-score-adj-values", "0 200 800".into()),
            ("notify-keyspace-events", String::new()),
        ];
        for (name, want) in cases {
            assert_eq!(get(&*cfg, name), want, "{file}: {name}");
        }
        let t = cfg.tunables();
        assert_eq!(t.requirepass.as_deref(), Some(&b"redis"[..]), "{file}");
        assert_eq!(
            t.logfile,
            run_dir.join("redis.log").to_string_lossy(),
            "{file}"
        );
        assert_eq!(
            t.pidfile,
            run_dir.join("redis.pid").to_string_lossy(),
            "{file}"
        );
        assert!(!cfg.is_sentinel());
    }
}

#[test]
fn sentinel_configs_load_in_sentinel_mode() {
    let root = repo_root();
    for (i, (file, bind)) in SENTINELS.iter().enumerate() {
        let path = root
            .join("configs")
            .join(file)
            .to_string_lossy()
            .into_owned();
        let cfg = ours(&[path, "--sentinel".into()], &root);
        assert!(cfg.is_sentinel());
        assert_eq!(get(&*cfg, "port"), "26379", "{file}");
        assert_eq!(get(&*cfg, "bind"), *bind, "{file}");
        let run_dir = std::fs::canonicalize(root.join(format!("configs/run/sentinel-{}", i + 1)))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(get(&*cfg, "dir"), run_dir.to_string_lossy(), "{file}");
        let lines: Vec<Vec<String>> = cfg
            .sentinel_directives()
            .into_iter()
            .map(|d| d.args)
            .collect();
        let announce = format!("announce-ip {bind}");
        let want: Vec<Vec<String>> = [
            announce.as_str(),
            "monitor mymaster 127.0.0.5 6379 2",
            "auth-pass mymaster redis",
            "down-after-milliseconds mymaster 30000",
            "parallel-syncs mymaster 1",
            "failover-timeout mymaster 180000",
            "deny-scripts-reconfig yes",
        ]
        .iter()
        .map(|l| l.split(' ').map(String::from).collect())
        .collect();
        assert_eq!(lines, want, "{file}");
    }
    // Without Sentinel mode a sentinel file is refused, as by redis-server.
    let path = root
        .join("configs/sentinel-1.conf")
        .to_string_lossy()
        .into_owned();
    let inv = super::parse_args(&[path]).unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(
        super::load_in(&inv, &root),
        Err(super::ConfigError::SentinelOnly(_))
    ));
}

fn overrides(port: u16, dir: &std::path::Path) -> Vec<String> {
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
        &format!("{d}/x.pid"),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

#[test]
fn real_redis_starts_with_every_shipped_config() {
    if !have_redis() {
        return;
    }
    let root = repo_root();
    for (file, _, _) in SERVERS {
        let dir = ScratchDir::new("shipped");
        let port = free_port();
        let mut args = vec![root
            .join("configs")
            .join(file)
            .to_string_lossy()
            .into_owned()];
        args.extend(overrides(port, dir.path()));
        let Some(mut real) = RealRedis::start(&root, &args, port) else {
            panic!("redis-server refused {file}")
        };
        assert_eq!(
            real.call(&[b"AUTH", b"redis"]),
            Reply::Status("OK".into()),
            "{file}"
        );
        let mine = ours(&args, &root);
        let mut theirs = real.config_get("*");
        let mut mine = mine.get(&[Bytes::from_static(b"*")]);
        theirs.sort();
        mine.sort();
        assert_eq!(mine, theirs, "{file}");
    }
    for (file, _) in SENTINELS {
        // Sentinel rewrites its file, so it gets a copy.
        let dir = ScratchDir::new("shipped-sentinel");
        let copy = dir.path().join(file);
        std::fs::copy(root.join("configs").join(file), &copy)
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let port = free_port();
        let mut args = vec![copy.to_string_lossy().into_owned(), "--sentinel".into()];
        args.extend(overrides(port, dir.path()));
        let Some(mut real) = RealRedis::start(&root, &args, port) else {
            panic!("redis-sentinel refused {file}")
        };
        assert_eq!(
            real.call(&[b"PING"]),
            Reply::Status("PONG".into()),
            "{file}"
        );
        let _ = ours(&args, &root);
    }
}
