//! Sentinel over the seed's topology: a master, two replicas and three Sentinels, each on
//! its own loopback address (servers 127.0.0.35-37, Sentinels 127.0.0.45-47), all with
//! `requirepass redis` / `masterauth redis` and `sentinel auth-pass mymaster redis`.
//!
//! Each scenario (in tests/common/sentinels.rs) runs with Redactor's binaries, and as
//! `real_*` with redis-server / redis-sentinel 7.0, which proves the scenario itself.
//! redis-py's Sentinel client (tests/python/sentinel_client.py) follows a failover.

mod common;

use common::sentinels::{
    self, die_with_parent, three, Cluster, Events, Flavor, Hosts, Spec, MASTER_NAME, WAIT,
};
use common::{repo_root, topology};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const HOSTS: Hosts = Hosts {
    servers: ["127.0.0.35", "127.0.0.36", "127.0.0.37"],
    sentinels: ["127.0.0.45", "127.0.0.46", "127.0.0.47"],
};

#[test]
fn discovery() {
    sentinels::discovery(HOSTS, Flavor::Redactor, &three(Flavor::Redactor));
}

#[test]
fn real_discovery() {
    sentinels::discovery(HOSTS, Flavor::Real, &three(Flavor::Real));
}

#[test]
fn failover_on_master_kill() {
    sentinels::failover_on_master_kill(HOSTS, Flavor::Redactor, &three(Flavor::Redactor));
}

#[test]
fn real_failover_on_master_kill() {
    sentinels::failover_on_master_kill(HOSTS, Flavor::Real, &three(Flavor::Real));
}

#[test]
fn manual_failover() {
    sentinels::manual_failover(HOSTS, Flavor::Redactor, &three(Flavor::Redactor));
}

#[test]
fn real_manual_failover() {
    sentinels::manual_failover(HOSTS, Flavor::Real, &three(Flavor::Real));
}

#[test]
fn redactor_server_started_with_sentinel_flag() {
    // `redactor-server <conf> --sentinel` is the same Sentinel as `redactor-sentinel <conf>`.
    let spec = Spec {
        flavor: Flavor::Redactor,
        via_server: true,
    };
    sentinels::discovery(HOSTS, Flavor::Redactor, &[spec; 3]);
}

#[test]
fn redis_py_follows_failover() {
    redis_py(Flavor::Redactor, &three(Flavor::Redactor));
}

#[test]
fn real_redis_py_follows_failover() {
    redis_py(Flavor::Real, &three(Flavor::Real));
}

#[test]
fn tilt_after_a_stall() {
    tilt(Flavor::Redactor);
}

#[test]
fn real_tilt_after_a_stall() {
    tilt(Flavor::Real);
}

/// A Sentinel frozen (SIGSTOP) for longer than the TILT trigger (2 s) finds its timer late
/// when it runs again, enters TILT (`+tilt #tilt mode entered`, INFO `sentinel_tilt:1`) and
/// stops acting on what it sees for the TILT period.
fn tilt(flavor: Flavor) {
    if !sentinels::available(&[flavor]) {
        return;
    }
    let master = sentinels::start_server(flavor, HOSTS.servers[0], None);
    let sentinel = sentinels::Sentinel::start(
        flavor,
        HOSTS.sentinels[0],
        (HOSTS.servers[0], master.port),
        false,
    );
    topology::wait_for("the master's INFO seen", WAIT, || {
        let m = sentinel.master()?;
        match m.get("role-reported").map(String::as_str) {
            Some("master") if m.get("info-refresh").is_some_and(|r| r != "0") => Ok(()),
            _ => Err(format!("{m:?}")),
        }
    });
    let pid = sentinel.pid().expect("sentinel running").to_string();
    let signal = |sig: &str| {
        let ok = Command::new("kill")
            .args([sig, &pid])
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "kill {sig} {pid}");
    };
    signal("-STOP");
    std::thread::sleep(Duration::from_millis(3000));
    signal("-CONT");
    topology::wait_for("TILT after the stall", Duration::from_secs(10), || {
        let info = sentinel.cmd_str(&["INFO", "sentinel"]);
        if info.contains("sentinel_tilt:1") {
            Ok(())
        } else {
            Err(info)
        }
    });
    let log = std::fs::read_to_string(sentinel.dir.path().join("sentinel.log")).unwrap_or_default();
    assert!(
        log.contains("# +tilt #tilt mode entered"),
        "{}",
        sentinel.diagnostics()
    );
    // The master was never reported down: TILT keeps the Sentinel from judging on stale times.
    assert!(!log.contains("+sdown master"), "{log}");
}

#[test]
fn scripts_run_on_events() {
    scripts(Flavor::Redactor);
}

#[test]
fn real_scripts_run_on_events() {
    scripts(Flavor::Real);
}

/// `notification-script` gets every warning event as `<type> <description>`;
/// `client-reconfig-script` gets `<master> <leader|observer> start <from ip> <from port>
/// <to ip> <to port>`: the leader at the promotion, the others when they learn the new
/// configuration.
fn scripts(flavor: Flavor) {
    let Some(mut c) = sentinels::Cluster::start(HOSTS, flavor, &three(flavor)) else {
        return;
    };
    for s in &mut c.sentinels {
        let dir = s.dir.path().to_path_buf();
        for (name, log) in [("notify.sh", "notify.log"), ("reconf.sh", "reconf.log")] {
            let script = dir.join(name);
            let body = format!("#!/bin/sh\necho \"$@\" >> {}\n", dir.join(log).display());
            std::fs::write(&script, body).expect("write script");
            let chmod = Command::new("chmod").arg("+x").arg(&script).status();
            assert!(chmod.is_ok_and(|st| st.success()));
        }
        let mut conf = std::fs::read_to_string(&s.conf).expect("read sentinel.conf");
        conf.push_str(&format!(
            "sentinel notification-script {MASTER_NAME} {}\nsentinel client-reconfig-script {MASTER_NAME} {}\n",
            dir.join("notify.sh").display(),
            dir.join("reconf.sh").display()
        ));
        std::fs::write(&s.conf, conf).expect("write sentinel.conf");
        s.restart();
    }
    c.wait_discovery(2);
    let old = Cluster::addr(&c.nodes[0]).replace(':', " ");
    let s0 = &c.sentinels[0];
    topology::wait_for(
        "SENTINEL FAILOVER accepted",
        Duration::from_secs(30),
        || match s0.cmd_str(&["SENTINEL", "FAILOVER", MASTER_NAME]).as_str() {
            "+OK\\r\\n" => Ok(()),
            r => Err(r.to_string()),
        },
    );
    let read = |s: &sentinels::Sentinel, log: &str| {
        std::fs::read_to_string(s.dir.path().join(log)).unwrap_or_default()
    };
    let mut new = String::new();
    topology::wait_for("the leader's scripts", WAIT, || {
        let notify = read(s0, "notify.log");
        let reconf = read(s0, "reconf.log");
        let switched = notify
            .lines()
            .find_map(|l| l.strip_prefix(&format!("+switch-master {MASTER_NAME} {old} ")));
        match (switched, reconf.lines().next()) {
            (Some(to), Some(r)) => {
                new = to.to_string();
                assert_eq!(r, format!("{MASTER_NAME} leader start {old} {new}"));
                Ok(())
            }
            _ => Err(format!("notify.log:\n{notify}\nreconf.log:\n{reconf}")),
        }
    });
    let notify = read(s0, "notify.log");
    for event in [
        "+new-epoch",
        "+try-failover",
        "+elected-leader",
        "+promoted-slave",
    ] {
        assert!(
            notify.lines().any(|l| l.starts_with(event)),
            "{event} missing:\n{notify}"
        );
    }
    assert!(
        !notify.lines().any(|l| l.starts_with("+slave ")),
        "notice-level events run no script:\n{notify}"
    );
    let observer = format!("{MASTER_NAME} observer start {old} {new}");
    topology::wait_for("an observer's reconfiguration script", WAIT, || {
        let seen: Vec<String> = c.sentinels[1..]
            .iter()
            .map(|s| read(s, "reconf.log"))
            .collect();
        if seen.iter().any(|r| r.lines().any(|l| l == observer)) {
            Ok(())
        } else {
            Err(format!("{seen:?}"))
        }
    });
}

// ---------------------------------------------------------------------------
// redis-py
// ---------------------------------------------------------------------------

/// The script, driven line by line: it answers each command with one `OK ...` or `ERR ...`
/// line, so every step is bounded here.
struct Py {
    child: Child,
    stdin: ChildStdin,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Py {
    fn start(sentinels: &[String]) -> Py {
        let script = repo_root().join("tests/python/sentinel_client.py");
        let mut cmd = Command::new("python3");
        cmd.arg(&script)
            .args(sentinels)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        die_with_parent(&mut cmd);
        let mut child = cmd.spawn().expect("start python3");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for l in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(l).is_err() {
                    break;
                }
            }
        });
        Py {
            child,
            stdin,
            lines,
            seen: Vec::new(),
        }
    }

    fn send(&mut self, command: &str) {
        writeln!(self.stdin, "{command}").expect("write to the script");
        self.stdin.flush().unwrap();
    }

    /// Sends one command; returns the words after `OK` of its answer.
    fn ask(&mut self, command: &str, timeout: Duration) -> Vec<String> {
        self.send(command);
        self.answer(command, timeout)
    }

    fn answer(&mut self, command: &str, timeout: Duration) -> Vec<String> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(l) => {
                    self.seen.push(l.clone());
                    if let Some(rest) = l.strip_prefix("OK ") {
                        return rest.split(' ').map(str::to_string).collect();
                    }
                    assert!(
                        !l.starts_with("ERR"),
                        "{command}: {l}\nscript output:\n{}",
                        self.seen.join("\n")
                    );
                }
                Err(_) => panic!(
                    "{command}: no answer from the script within {timeout:?}\nscript output:\n{}",
                    self.seen.join("\n")
                ),
            }
        }
    }
}

impl Drop for Py {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn redis_py_available() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import redis.sentinel"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|st| st.success());
    if !ok {
        eprintln!("\n*** SKIPPED: python3 with the `redis` package is not available ***\n");
    }
    ok
}

/// `Sentinel.master_for` writes, `slave_for` reads; after the master is killed and the
/// Sentinels switch, the same master_for client writes again, to the new master.
fn redis_py(servers: Flavor, specs: &[Spec]) {
    if !redis_py_available() {
        return;
    }
    let Some(mut c) = Cluster::start(HOSTS, servers, specs) else {
        return;
    };
    c.wait_discovery(2);
    let addrs: Vec<String> = c.sentinels.iter().map(|s| s.addr()).collect();
    let mut py = Py::start(&addrs);
    let step = Duration::from_secs(40);
    let old = Cluster::addr(&c.nodes[0]);
    assert_eq!(
        py.ask("master", step),
        std::slice::from_ref(&old),
        "discover_master before the failover"
    );
    assert_eq!(py.ask("write k1 v1", step), std::slice::from_ref(&old));
    let replica = py.ask("read k1", step);
    assert_eq!(replica[0], "v1");
    assert!(
        c.nodes[1..].iter().any(|n| Cluster::addr(n) == replica[1]),
        "slave_for read from {} which is not a replica",
        replica[1]
    );
    topology::converge(&c.nodes[0], &[&c.nodes[1], &c.nodes[2]]);

    let events = Events::subscribe(&c.sentinels[0]);
    let killed_at = Instant::now();
    c.nodes[0].kill();
    // Sent while the master is dead: the script retries (bounded) through the failover.
    py.send("write k2 v2");
    let sw = events.wait(
        "+switch-master",
        &format!("{MASTER_NAME} {} ", old.replace(':', " ")),
        WAIT,
    );
    let new = sentinels::switched_to(&sw, &old);
    eprintln!(
        "[timing] kill -> +switch-master {:.2}s",
        sw.at.duration_since(killed_at).as_secs_f64()
    );
    let wrote = py.answer("write k2 v2", step);
    assert!(
        py.seen.iter().any(|l| l.starts_with("retry write")),
        "the write sent while the master was dead never failed: {:?}",
        py.seen
    );
    assert_eq!(
        wrote,
        std::slice::from_ref(&new),
        "master_for after the failover"
    );
    eprintln!(
        "[timing] kill -> redis-py write accepted {:.2}s",
        killed_at.elapsed().as_secs_f64()
    );
    let ni = c.index_of(&new);
    assert_eq!(c.nodes[ni].cmd(&["GET", "k2"]), "$2\\r\\nv2\\r\\n");
    assert_eq!(
        py.ask("read k1", step)[0],
        "v1",
        "slave_for after the failover"
    );
    assert_eq!(py.ask("quit", step), ["bye"]);
}
