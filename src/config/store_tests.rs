//! [`ServerConfig`] as CONFIG sees it: GET patterns, all-or-nothing SET with Redis's errors,
//! listeners and appliers, the default user's password, REWRITE of a file.

use std::sync::{Arc, Mutex};

use actors::config::ConfigStore;
use bytes::Bytes;

use super::test_support::ScratchDir;
use super::{ConfigError, ServerConfig};

fn config(text: &str) -> Arc<ServerConfig> {
    ServerConfig::from_text(text.as_bytes(), false, None).unwrap_or_else(|e| panic!("{e}"))
}

fn pairs(list: &[(&str, &str)]) -> Vec<(Bytes, Bytes)> {
    list.iter()
        .map(|(n, v)| {
            (
                Bytes::copy_from_slice(n.as_bytes()),
                Bytes::copy_from_slice(v.as_bytes()),
            )
        })
        .collect()
}

fn get(cfg: &ServerConfig, patterns: &[&str]) -> Vec<(String, String)> {
    let patterns: Vec<Bytes> = patterns
        .iter()
        .map(|p| Bytes::copy_from_slice(p.as_bytes()))
        .collect();
    cfg.get(&patterns)
}

fn owned(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

#[test]
fn get_follows_redis_rules() {
    let cfg = config("maxmemory 3gb\n");
    type Case = (
        &'static [&'static str],
        &'static [(&'static str, &'static str)],
    );
    let cases: &[Case] = &[
        (&["MAXMEMORY"], &[("MAXMEMORY", "3221225472")]),
        (
            &["maxmemory", "MAXMEMORY", "maxmem?ry"],
            &[("maxmemory", "3221225472")],
        ),
        (&["slaveof"], &[("slaveof", "")]),
        (&["use-exit-on-panic"], &[("use-exit-on-panic", "no")]),
        (&["use-exit*"], &[]),
        (&["nosuch"], &[]),
        (&["lua-*"], &[("lua-time-limit", "5000")]),
        (
            &["*-max-ziplist-value"],
            &[
                ("hash-max-ziplist-value", "64"),
                ("zset-max-ziplist-value", "64"),
            ],
        ),
    ];
    for (patterns, want) in cases {
        let mut got = get(&cfg, patterns);
        got.sort();
        assert_eq!(got, owned(want), "CONFIG GET {patterns:?}");
    }
    assert_eq!(get(&cfg, &["*"]).len(), 192);
    assert_eq!(get(&cfg, &["slave-*"]).len(), 7);
}

#[test]
fn set_errors_use_redis_wording() {
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("nosuch", "1")], "ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'"),
        (&[("maxmemory", "1"), ("nosuch", "2")], "ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'"),
        (
            &[("Daemonize", "yes"), ("nosuch", "2")],
            "ERR CONFIG SET failed (possibly related to argument 'Daemonize') - can't set immutable config",
        ),
        (
            &[("maxmemory", "1"), ("MAXMEMORY", "2")],
            "ERR CONFIG SET failed (possibly related to argument 'MAXMEMORY') - duplicate parameter",
        ),
        (&[("dir", "/")], "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config"),
        (
            &[("maxmemory", "abc")],
            "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value",
        ),
        (
            &[("SLAVE-PRIORITY", "abc")],
            "ERR CONFIG SET failed (possibly related to argument 'slave-priority') - argument couldn't be parsed \
             into an integer",
        ),
        (
            &[("save", "900 1 300")],
            "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters",
        ),
        (
            &[("port", "1"), ("replicaof", "no one")],
            "ERR CONFIG SET failed (possibly related to argument 'replicaof') - can't set immutable config",
        ),
    ];
    let cfg = config("");
    for (request, want) in cases {
        assert_eq!(
            cfg.set(&pairs(request)),
            Err(want.to_string()),
            "CONFIG SET {request:?}"
        );
    }
    assert_eq!(
        cfg.value("port").as_deref(),
        Some("6379"),
        "nothing of a refused SET applies"
    );
}

#[test]
fn set_is_all_or_nothing_and_replaces_the_snapshot() {
    let cfg = config("");
    let before = cfg.tunables();
    assert!(
        Arc::ptr_eq(&before, &cfg.tunables()),
        "the snapshot is shared between SETs"
    );
    let refused = cfg.set(&pairs(&[("maxmemory", "1kb"), ("maxmemory-policy", "foo")]));
    assert!(refused.is_err());
    assert_eq!(cfg.value("maxmemory").as_deref(), Some("0"));
    assert!(Arc::ptr_eq(&before, &cfg.tunables()));

    let set = cfg.set(&pairs(&[
        ("maxmemory", "1kb"),
        ("maxmemory-policy", "allkeys-lru"),
        ("slave-read-only", "no"),
    ]));
    assert_eq!(set, Ok(()));
    let after = cfg.tunables();
    assert_eq!(
        (
            after.maxmemory,
            after.maxmemory_policy.as_str(),
            after.replica_read_only
        ),
        (1024, "allkeys-lru", false)
    );
    assert_eq!(
        (before.maxmemory, before.replica_read_only),
        (0, true),
        "old snapshots do not change"
    );

    // Aliases of one parameter are different names: the later one wins.
    assert_eq!(
        cfg.set(&pairs(&[
            ("slave-priority", "3"),
            ("replica-priority", "4")
        ])),
        Ok(())
    );
    assert_eq!(cfg.int_value("replica-priority"), Some(4));
    assert_eq!(cfg.set(&pairs(&[("hz", "100000")])), Ok(()));
    assert_eq!(
        (cfg.value("hz").as_deref(), cfg.tunables().hz),
        (Some("500"), 500)
    );
}

#[test]
fn listeners_run_after_each_successful_set() {
    let cfg = config("loglevel notice\n");
    let seen: Arc<Mutex<Vec<String>>> = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    cfg.on_change(Box::new(move |t| {
        sink.lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(t.loglevel.clone())
    }));
    assert_eq!(cfg.set(&pairs(&[("loglevel", "warning")])), Ok(()));
    assert!(cfg.set(&pairs(&[("loglevel", "loud")])).is_err());
    assert_eq!(cfg.set(&pairs(&[("loglevel", "DEBUG")])), Ok(()));
    assert_eq!(
        *seen.lock().unwrap_or_else(|p| p.into_inner()),
        vec!["warning", "debug"]
    );
}

#[test]
fn appliers_can_refuse_and_are_undone() {
    let cfg = config("");
    let calls: Arc<Mutex<Vec<u64>>> = Arc::new(Mutex::new(Vec::new()));
    let log = calls.clone();
    assert!(cfg.on_apply(
        "maxmemory",
        Box::new(move |t| {
            log.lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(t.maxmemory);
            Ok(())
        })
    ));
    assert!(cfg.on_apply(
        "port",
        Box::new(|t| if t.port == 1 {
            Err("Unable to listen on this port. Check server logs.".into())
        } else {
            Ok(())
        })
    ));
    assert!(!cfg.on_apply("nosuch", Box::new(|_| Ok(()))));

    let refused = cfg.set(&pairs(&[("maxmemory", "5"), ("port", "1")]));
    assert_eq!(
        refused,
        Err("ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check \
             server logs."
            .into())
    );
    assert_eq!(
        *calls.lock().unwrap_or_else(|p| p.into_inner()),
        vec![5, 0],
        "applied, then given the old value"
    );
    assert_eq!(cfg.value("maxmemory").as_deref(), Some("0"));
    assert_eq!(cfg.set(&pairs(&[("port", "7000")])), Ok(()));
    assert_eq!(cfg.tunables().port, 7000);
    // Unchanged values are not applied again.
    assert_eq!(cfg.set(&pairs(&[("maxmemory", "0")])), Ok(()));
    assert_eq!(calls.lock().unwrap_or_else(|p| p.into_inner()).len(), 2);
}

#[test]
fn protected_configs_follow_enable_protected_configs() {
    let tmp = std::fs::canonicalize(std::env::temp_dir()).unwrap_or_default();
    let dir_pair = pairs(&[("dir", &tmp.to_string_lossy())]);
    let refused = Err(
        "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config"
            .into(),
    );
    let cases: &[(&str, bool, bool)] = &[
        ("no", true, false),
        ("yes", false, true),
        ("local", false, false),
        ("local", true, true),
    ];
    for &(mode, local, allowed) in cases {
        let cfg = config(&format!("enable-protected-configs {mode}\n"));
        let got = cfg.set_as(&dir_pair, local);
        assert_eq!(
            got,
            if allowed { Ok(()) } else { refused.clone() },
            "{mode} local={local}"
        );
        if allowed {
            assert_eq!(cfg.value("dir"), Some(tmp.to_string_lossy().into_owned()));
            assert_eq!(cfg.tunables().dir, tmp.to_string_lossy());
        }
    }
}

#[test]
fn requirepass_drives_the_default_user() {
    let cfg = config("requirepass redis\n");
    assert_eq!(cfg.tunables().requirepass.as_deref(), Some(&b"redis"[..]));
    let cfg = config("requirepass redis\nuser default on nopass ~* &* +@all\n");
    assert_eq!(
        cfg.tunables().requirepass,
        None,
        "a user line applies after requirepass, as in Redis"
    );
    assert_eq!(cfg.value("requirepass").as_deref(), Some("redis"));
    assert_eq!(cfg.set(&pairs(&[("requirepass", "x y")])), Ok(()));
    assert_eq!(cfg.tunables().requirepass.as_deref(), Some(&b"x y"[..]));
    assert_eq!(cfg.set(&pairs(&[("requirepass", "")])), Ok(()));
    assert_eq!(cfg.tunables().requirepass, None);
    assert!(
        ServerConfig::is_sensitive(b"REQUIREPASS") && ServerConfig::is_sensitive(b"masterauth")
    );
    assert!(!ServerConfig::is_sensitive(b"maxmemory"));
}

#[test]
fn replication_state_is_recorded() {
    let cfg = config("slaveof 10.0.0.1 6380\nmasterauth redis\n");
    assert_eq!(cfg.replicaof(), Some(("10.0.0.1".to_string(), 6380)));
    assert_eq!(cfg.masterauth().as_deref(), Some(&b"redis"[..]));
    assert_eq!(cfg.masteruser(), None);
    cfg.set_replicaof(Some(("127.0.0.5".into(), 6379)));
    assert_eq!(cfg.value("replicaof").as_deref(), Some("127.0.0.5 6379"));
    cfg.set_replicaof(None);
    assert_eq!(
        (cfg.value("slaveof").as_deref(), cfg.replicaof()),
        (Some(""), None)
    );
}

#[test]
fn rewrite_needs_a_config_file() {
    assert_eq!(
        ServerConfig::defaults(false).rewrite(),
        Err("ERR The server is running without a config file".into())
    );
}

#[test]
fn rewrite_keeps_the_file_and_reloads_the_same() {
    let dir = ScratchDir::new("store-rewrite");
    let file = dir.path().join("redis.conf");
    let old = format!(
        "# my comment\nport 7000\nslaveof 10.0.0.1 6379\nsave 900 1\nsave 300 10\nlua-time-limit 5000\ndir {}\n",
        dir.path().display()
    );
    std::fs::write(&file, &old).unwrap_or_else(|e| panic!("{e}"));
    let cfg = ServerConfig::from_text(old.as_bytes(), false, Some(file.clone()))
        .unwrap_or_else(|e| panic!("{e}"));
    cfg.set_replicaof(None);
    assert_eq!(
        cfg.set(&pairs(&[("save", ""), ("maxmemory", "1mb")])),
        Ok(())
    );
    assert_eq!(cfg.rewrite(), Ok(()));
    let new = std::fs::read_to_string(&file).unwrap_or_default();
    let want = format!(
        "# my comment\nport 7000\n\nsave \"\"\n\nbusy-reply-threshold 5000\ndir \"{}\"\n\n# Generated by CONFIG \
         REWRITE\nmaxmemory 1mb\nlatency-tracking-info-percentiles 50 99 99.9\nuser default on nopass ~* &* +@all\n",
        dir.path().display()
    );
    assert_eq!(new, want);
    let again = ServerConfig::from_text(new.as_bytes(), false, Some(file))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(get(&again, &["*"]), get(&cfg, &["*"]));
    // As with Redis, the file's last newline becomes a blank line once, then nothing changes.
    assert_eq!(again.rewrite(), Ok(()));
    let twice = std::fs::read_to_string(dir.path().join("redis.conf")).unwrap_or_default();
    assert_eq!(twice, format!("{want}\n"));
    assert_eq!(again.rewrite(), Ok(()));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("redis.conf")).unwrap_or_default(),
        twice
    );
}

#[test]
fn rewrite_with_lets_the_sentinel_add_its_lines() {
    let dir = ScratchDir::new("store-sentinel");
    let file = dir.path().join("sentinel.conf");
    let old = format!(
        "port 26379\ndir {}\nsentinel monitor m 127.0.0.5 6379 2\n",
        dir.path().display()
    );
    std::fs::write(&file, &old).unwrap_or_else(|e| panic!("{e}"));
    let cfg = ServerConfig::from_text(old.as_bytes(), true, Some(file.clone()))
        .unwrap_or_else(|e| panic!("{e}"));
    let done = cfg.rewrite_with(|state| {
        state.rewrite_line(
            "sentinel monitor",
            b"sentinel monitor m 127.0.0.6 6379 2".to_vec(),
            true,
        );
        state.rewrite_line("sentinel myid", b"sentinel myid abc".to_vec(), true);
    });
    assert_eq!(done, Ok(()));
    let new = std::fs::read_to_string(&file).unwrap_or_default();
    assert!(
        new.starts_with(&format!(
            "port 26379\ndir \"{}\"\nsentinel monitor m 127.0.0.6 6379 2\n",
            dir.path().display()
        )),
        "{new}"
    );
    assert!(
        new.contains("sentinel myid abc\n") && !new.contains("save "),
        "{new}"
    );
}

#[test]
fn enter_dir_reports_chdir_failures_like_redis() {
    let dir = ScratchDir::new("store-chdir");
    let gone = dir.path().join("gone");
    std::fs::create_dir(&gone).unwrap_or_else(|e| panic!("{e}"));
    let cfg = config(&format!("dir {}\n", gone.display()));
    std::fs::remove_dir(&gone).unwrap_or_else(|e| panic!("{e}"));
    let err = cfg.enter_dir().err();
    assert_eq!(
        err,
        Some(ConfigError::Chdir {
            dir: gone.to_string_lossy().into_owned(),
            reason: "No such file or directory".into()
        })
    );
    assert_eq!(
        err.map(|e| e.to_string()),
        Some(format!(
            "Can't chdir to '{}': No such file or directory",
            gone.display()
        ))
    );
    // Entering the directory the process is already in changes nothing for the other tests.
    let here = super::current_dir();
    assert_eq!(
        config(&format!("dir {}\n", here.display())).enter_dir(),
        Ok(())
    );
    assert_eq!(super::current_dir(), here);
}

/// Redactor's own parameters: CONFIG GET by exact name (never through a pattern, so `*` answers
/// what Redis answers), CONFIG SET, and CONFIG REWRITE writing the changed ones.
#[test]
fn redactor_parameters_are_hidden_settable_and_rewritten() {
    let dir = ScratchDir::new("store-redactor-params");
    let file = dir.path().join("redis.conf");
    let old = format!("port 7000\ndir {}\nlog-format json\n", dir.path().display());
    std::fs::write(&file, &old).unwrap_or_else(|e| panic!("{e}"));
    let cfg = ServerConfig::from_text(old.as_bytes(), false, Some(file.clone()))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        get(&cfg, &["metrics-port", "metrics-bind", "log-format"]),
        owned(&[
            ("metrics-port", "0"),
            ("metrics-bind", "127.0.0.1"),
            ("log-format", "json")
        ])
    );
    assert!(get(&cfg, &["*"])
        .iter()
        .all(|(n, _)| !n.starts_with("metrics")));
    assert!(get(&cfg, &["metrics*"]).is_empty());
    assert_eq!(
        cfg.set(&pairs(&[
            ("metrics-port", "9121"),
            ("metrics-bind", "127.0.0.2")
        ])),
        Ok(())
    );
    let t = cfg.tunables();
    assert_eq!(
        (
            t.metrics_port,
            t.metrics_bind.as_str(),
            t.log_format.as_str()
        ),
        (9121, "127.0.0.2", "json")
    );
    assert!(cfg
        .set(&pairs(&[("log-format", "redis")]))
        .is_err_and(|e| e.contains("can't set immutable config")));
    assert!(
        ServerConfig::from_text(b"log-format xml\n", false, None).is_err_and(|e| e
            .to_string()
            .contains("argument(s) must be one of the following"))
    );
    assert_eq!(cfg.rewrite(), Ok(()));
    let new = std::fs::read_to_string(&file).unwrap_or_default();
    assert!(new.contains("\nlog-format json\n"), "{new}");
    assert!(new.contains("\nmetrics-port 9121\n"), "{new}");
    assert!(new.contains("\nmetrics-bind \"127.0.0.2\"\n"), "{new}");
}
