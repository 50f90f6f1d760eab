//! The Sentinel scenarios, each a function of the flavors of its servers and Sentinels so
//! that sentinel.rs runs it with Redactor and all-real, and sentinel_interop.rs mixed.

use super::*;

/// `+switch-master mymaster <old ip> <old port> <new ip> <new port>` → `new ip:port`.
pub fn switched_to(e: &Event, old: &str) -> String {
    let w: Vec<&str> = e.message.split(' ').collect();
    assert!(
        w.len() == 5 && w[0] == MASTER_NAME && format!("{}:{}", w[1], w[2]) == old,
        "+switch-master payload: {:?} (old master {old})",
        e.message
    );
    format!("{}:{}", w[3], w[4])
}

fn secs(from: Instant, to: Instant) -> f64 {
    to.saturating_duration_since(from).as_secs_f64()
}

/// After the switch to `nodes[new]`: it is a master holding the data written before, the
/// remaining replica follows it, the config files say so.
fn check_promoted(c: &Cluster, new: usize, other: usize) {
    let (nm, or) = (&c.nodes[new], &c.nodes[other]);
    wait_for(&format!("{} role:master", nm.name()), WAIT, || {
        let r = role_of(nm);
        if r == "master" {
            Ok(())
        } else {
            Err(nm.info("replication"))
        }
    });
    topology::wait_link_up(or, nm);
    assert_eq!(
        nm.cmd(&["GET", "before"]),
        "$8\\r\\nfailover\\r\\n",
        "{}",
        nm.name()
    );
    assert_eq!(nm.cmd(&["SET", "after", "1"]), "+OK\\r\\n", "{}", nm.name());
    wait_conf_replicaof(nm, None);
    wait_conf_replicaof(or, Some((&nm.host, nm.port)));
}

/// Kill -9 of the master: every Sentinel sees `+sdown` and `+switch-master`, one of them
/// `+odown` and `+elected-leader`; a replica is promoted and the other follows it; config
/// files rewritten; the old master, restarted from its own config, is converted into a
/// replica of the new one and listed by every Sentinel.
pub fn failover_on_master_kill(hosts: Hosts, servers: Flavor, specs: &[Spec]) {
    if let Some(c) = Cluster::start(hosts, servers, specs) {
        failover_of(c);
    }
}

/// [`failover_on_master_kill`] on a cluster already started (`nodes[0]` the master).
pub fn failover_of(mut c: Cluster) {
    c.wait_discovery(2);
    assert_eq!(c.nodes[0].cmd(&["SET", "before", "failover"]), "+OK\\r\\n");
    topology::converge(&c.nodes[0], &[&c.nodes[1], &c.nodes[2]]);
    let ids: Vec<String> = c.sentinels.iter().map(Sentinel::myid).collect();
    let events = c.events();
    let old = Cluster::addr(&c.nodes[0]);
    let old_master = format!("master {MASTER_NAME} {}", old.replace(':', " "));

    let killed_at = Instant::now();
    c.nodes[0].kill();
    let mut new = String::new();
    for ev in &events {
        let sdown = ev.wait("+sdown", &old_master, WAIT);
        let sw = ev.wait(
            "+switch-master",
            &format!("{MASTER_NAME} {} ", old.replace(':', " ")),
            WAIT,
        );
        let to = switched_to(&sw, &old);
        assert!(
            new.is_empty() || new == to,
            "Sentinels disagree: {new} vs {to}"
        );
        new = to;
        eprintln!(
            "[timing] {}: kill -> +sdown {:.2}s -> +switch-master {:.2}s",
            ev.sentinel,
            secs(killed_at, sdown.at),
            secs(killed_at, sw.at)
        );
    }
    let odown: Vec<&Events> = events
        .iter()
        .filter(|e| e.find("+odown", &old_master).is_some())
        .collect();
    assert!(
        !odown.is_empty(),
        "no Sentinel published +odown for {old_master}"
    );
    let q = odown[0].find("+odown", &old_master).unwrap();
    assert!(
        q.message.starts_with(&format!("{old_master} #quorum ")),
        "+odown payload {:?}",
        q.message
    );
    let leader = c.check_one_leader(&events, &ids, &old_master, false);
    eprintln!(
        "[events] leader {}:\n{}",
        events[leader].sentinel,
        events[leader].dump(Some(killed_at))
    );

    let ni = c.index_of(&new);
    assert_ne!(ni, 0, "the dead master was chosen");
    let oi = 3 - ni;
    check_promoted(&c, ni, oi);
    c.wait_master_everywhere(&new);

    // The old master comes back with its old config (role master, `masterauth` set) and
    // becomes a replica of the master the Sentinels name. That is normally the one just
    // promoted; on a starved machine the Sentinels may have failed over once more since, and
    // the old master then rightly follows the newer one.
    let back_at = Instant::now();
    launch(&mut c.nodes[0]);
    let current = || c.index_of(&c.sentinels[0].master_addr());
    let rejoined = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        topology::wait_for(
            "the old master to replicate the current master",
            c.nodes[0].setup.link_timeout,
            || {
                let m = &c.nodes[current()];
                let i = c.nodes[0].try_info("replication")?;
                let ok = topology::field(&i, "role").as_deref() == Some("slave")
                    && topology::field(&i, "master_host").as_deref() == Some(m.host.as_str())
                    && topology::field(&i, "master_port") == Some(m.port.to_string())
                    && topology::field(&i, "master_link_status").as_deref() == Some("up")
                    && topology::field(&i, "master_sync_in_progress").as_deref() == Some("0");
                if ok {
                    Ok(())
                } else {
                    Err(format!("current master {}:\n{i}", m.name()))
                }
            },
        )
    }));
    if let Err(e) = rejoined {
        // Every Sentinel's events and log: who told the old master to follow whom.
        for (ev, s) in events.iter().zip(&c.sentinels) {
            eprintln!(
                "[events] {}:\n{}\n[log]\n{}",
                ev.sentinel,
                ev.dump(Some(killed_at)),
                s.diagnostics()
            );
        }
        eprintln!(
            "[log] old master:\n{}",
            crate::common::tail(&c.nodes[0].server().log(), 40)
        );
        std::panic::resume_unwind(e);
    }
    let cm = current();
    if cm != ni {
        eprintln!(
            "[note] a second failover moved the master from {new} to {}",
            Cluster::addr(&c.nodes[cm])
        );
    }
    eprintln!(
        "[timing] old master restarted -> replica of {}, link up: {:.2}s",
        Cluster::addr(&c.nodes[cm]),
        back_at.elapsed().as_secs_f64()
    );
    let master_addr = (c.nodes[cm].host.clone(), c.nodes[cm].port);
    wait_conf_replicaof(&c.nodes[0], Some((&master_addr.0, master_addr.1)));
    // Normally the old master is turned into a replica by `+convert-to-slave`. After a second
    // failover it is one of the replicas the new leader reconfigures (`+slave-reconf-sent`):
    // real redis-sentinel resets the switched master's link with `act_ping_time = now`
    // (sentinelResetMaster) and reconnects at most once a second, so a reconnect that lands
    // late reads as a second SDOWN at down-after 1000, with the peers' stale down flags an
    // immediate ODOWN.
    let slave_old = format!("slave {old} ");
    let rejoined_by = |e: &Events| {
        e.find("+convert-to-slave", &slave_old).is_some()
            || (cm != ni && e.find("+slave-reconf-sent", &slave_old).is_some())
    };
    assert!(
        events.iter().any(rejoined_by),
        "no Sentinel published +convert-to-slave (or, after a second failover, \
         +slave-reconf-sent) for {old}:\n{}",
        events
            .iter()
            .map(|e| format!("{}:\n{}", e.sentinel, e.dump(Some(killed_at))))
            .collect::<Vec<_>>()
            .join("\n")
    );
    for i in (0..3).filter(|i| *i != cm) {
        c.wait_listed_replica(&Cluster::addr(&c.nodes[i]));
    }
    c.wait_discovery(2);
}

/// `SENTINEL FAILOVER mymaster` with the master alive: no vote, no sdown; roles swapped,
/// the old master converted into a replica of the new one.
pub fn manual_failover(hosts: Hosts, servers: Flavor, specs: &[Spec]) {
    let Some(c) = Cluster::start(hosts, servers, specs) else {
        return;
    };
    c.wait_discovery(2);
    assert_eq!(c.nodes[0].cmd(&["SET", "before", "failover"]), "+OK\\r\\n");
    topology::converge(&c.nodes[0], &[&c.nodes[1], &c.nodes[2]]);
    let ids: Vec<String> = c.sentinels.iter().map(Sentinel::myid).collect();
    let events = c.events();
    let old = Cluster::addr(&c.nodes[0]);
    let old_master = format!("master {MASTER_NAME} {}", old.replace(':', " "));
    // A replica whose INFO is not fresh yet makes it -NOGOODSLAVE.
    let s0 = &c.sentinels[0];
    wait_for(
        "SENTINEL FAILOVER accepted",
        Duration::from_secs(30),
        || match s0.cmd_str(&["SENTINEL", "FAILOVER", MASTER_NAME]).as_str() {
            "+OK\\r\\n" => Ok(()),
            r if r.starts_with("-NOGOODSLAVE") => Err(r.to_string()),
            r => panic!("SENTINEL FAILOVER on {}: {r}", s0.name()),
        },
    );
    let asked_at = Instant::now();
    let mut new = String::new();
    for ev in &events {
        let sw = ev.wait(
            "+switch-master",
            &format!("{MASTER_NAME} {} ", old.replace(':', " ")),
            WAIT,
        );
        new = switched_to(&sw, &old);
        eprintln!(
            "[timing] {}: SENTINEL FAILOVER -> +switch-master {:.2}s",
            ev.sentinel,
            secs(asked_at, sw.at)
        );
        for ch in ["+sdown", "+odown"] {
            assert!(
                ev.find(ch, &old_master).is_none(),
                "{}: {ch} in a manual failover:\n{}",
                ev.sentinel,
                ev.dump(None)
            );
        }
    }
    let leader = c.check_one_leader(&events, &ids, &old_master, true);
    assert_eq!(leader, 0, "the Sentinel asked to fail over is the leader");
    eprintln!(
        "[events] {}:\n{}",
        events[0].sentinel,
        events[0].dump(Some(asked_at))
    );
    let ni = c.index_of(&new);
    assert_ne!(ni, 0);
    check_promoted(&c, ni, 3 - ni);
    c.wait_master_everywhere(&new);
    topology::wait_link_up(&c.nodes[0], &c.nodes[ni]);
    wait_conf_replicaof(&c.nodes[0], Some((&c.nodes[ni].host, c.nodes[ni].port)));
    c.wait_listed_replica(&old);
}

/// 1 master, 2 replicas, the Sentinels: every Sentinel counts both replicas and every other
/// Sentinel, lists them with their addresses and ids, and wrote them to its config file.
pub fn discovery(hosts: Hosts, servers: Flavor, specs: &[Spec]) {
    let Some(c) = Cluster::start(hosts, servers, specs) else {
        return;
    };
    c.wait_discovery(2);
    let ids: Vec<String> = c.sentinels.iter().map(Sentinel::myid).collect();
    for id in &ids {
        assert!(
            id.len() == 40 && id.bytes().all(|b| b.is_ascii_hexdigit()),
            "SENTINEL MYID {id:?}"
        );
    }
    let master = Cluster::addr(&c.nodes[0]);
    let mut want_reps: Vec<String> = c.nodes[1..].iter().map(Cluster::addr).collect();
    want_reps.sort();
    for (i, s) in c.sentinels.iter().enumerate() {
        assert_eq!(s.master_addr(), master, "{}", s.name());
        let m = s.master().unwrap();
        assert_eq!(
            m.get("flags").map(String::as_str),
            Some("master"),
            "{}: {m:?}",
            s.name()
        );
        assert_eq!(
            m.get("quorum").map(String::as_str),
            Some("2"),
            "{}: {m:?}",
            s.name()
        );
        let mut reps: Vec<String> = s
            .instances("REPLICAS")
            .iter()
            .map(|r| format!("{}:{}", r["ip"], r["port"]))
            .collect();
        reps.sort();
        assert_eq!(reps, want_reps, "{}: SENTINEL REPLICAS", s.name());
        let mut peers: Vec<String> = s
            .instances("SENTINELS")
            .iter()
            .map(|p| format!("{}:{} {}", p["ip"], p["port"], p["runid"]))
            .collect();
        peers.sort();
        let mut want_peers: Vec<String> = (0..c.sentinels.len())
            .filter(|&k| k != i)
            .map(|k| format!("{} {}", c.sentinels[k].addr(), ids[k]))
            .collect();
        want_peers.sort();
        assert_eq!(peers, want_peers, "{}: SENTINEL SENTINELS", s.name());
        let ck = s.cmd_str(&["SENTINEL", "CKQUORUM", MASTER_NAME]);
        assert!(
            ck.starts_with(&format!("+OK {} usable Sentinels", c.sentinels.len())),
            "{}: CKQUORUM {ck}",
            s.name()
        );
        let info = topology::info(&mut s.c(), "sentinel");
        let line = format!(
            "name={MASTER_NAME},status=ok,address={master},slaves=2,sentinels={}",
            c.sentinels.len()
        );
        assert_eq!(
            field(&info, "master0").as_deref(),
            Some(line.as_str()),
            "{}: INFO sentinel\n{info}",
            s.name()
        );

        // The config file catches up with the discovery (it is rewritten on each change).
        let mut want_lines = vec![format!("sentinel myid {}", ids[i])];
        for r in &c.nodes[1..] {
            want_lines.push(format!(
                "sentinel known-replica {MASTER_NAME} {} {}",
                r.host, r.port
            ));
        }
        for k in (0..c.sentinels.len()).filter(|&k| k != i) {
            let p = &c.sentinels[k];
            want_lines.push(format!(
                "sentinel known-sentinel {MASTER_NAME} {} {} {}",
                p.host, p.port, ids[k]
            ));
        }
        wait_for(&format!("config file of {}", s.name()), WAIT, || {
            let conf = s.conf_text();
            let missing: Vec<&String> = want_lines
                .iter()
                .filter(|w| !conf.lines().any(|l| l == *w))
                .collect();
            if missing.is_empty() {
                Ok(())
            } else {
                Err(format!("missing {missing:?} in:\n{conf}"))
            }
        });
    }
}
