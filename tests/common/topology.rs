//! Replication nodes and topologies for the replication tests: a master and replicas on
//! their own loopback addresses ([`MASTER_HOST`], [`REPLICA_HOSTS`], free ports), each a
//! [`Node`] with a fixed address and data dir so that it can be restarted in place, the
//! bounded `INFO` waits (link up, replicas online, offsets converged), the contents of two
//! nodes compared, and [`Stopped`], a SIGSTOP undone on drop.
//!
//! What differs between the test files (timeouts, options, password, what the contents
//! dump reads) is a [`Setup`], given to every node.

use super::dataset::{self, s};
use super::{escape as text, Client, Frame, Kind, Outcome, Server, TempDir};
use std::time::{Duration, Instant};

pub const PASS: &str = "redis";
pub const MASTER_HOST: &str = "127.0.0.5";
pub const REPLICA_HOSTS: [&str; 2] = ["127.0.0.6", "127.0.0.7"];

/// How a test file's nodes are started, waited for and compared.
#[derive(Clone, Copy, Debug)]
pub struct Setup {
    /// Prefix of the nodes' data dirs.
    pub dir_prefix: &'static str,
    /// `--requirepass` / `--masterauth` [`PASS`], and clients that AUTH.
    pub auth: bool,
    /// `--bind-source-addr <own ip>` and `--protected-mode no` by default, so that a master
    /// sees each replica at the replica's address.
    pub source_addr: bool,
    /// A replica's link up after it was started or pointed somewhere.
    pub link_timeout: Duration,
    /// Offsets equal, contents equal, counters moved.
    pub sync_timeout: Duration,
    /// The databases the contents dump reads.
    pub dbs: &'static [&'static str],
    /// Whether the contents dump reads `OBJECT ENCODING`.
    pub encoding: bool,
}

/// One server with a fixed address and data dir, so that it can be restarted in place.
pub struct Node {
    pub setup: Setup,
    pub kind: Kind,
    pub host: String,
    pub port: u16,
    pub data: TempDir,
    pub args: Vec<String>,
    pub server: Option<Server>,
}

/// Default options unless `extra` gives them.
fn with_defaults(setup: &Setup, host: &str, extra: &[String]) -> Vec<String> {
    let mut args = extra.to_vec();
    let has = |name: &str| extra.iter().any(|a| a.eq_ignore_ascii_case(name));
    let mut defaults = vec![
        ("--save", ""),
        ("--repl-diskless-sync-delay", "0"),
        ("--appendonly", "no"),
    ];
    if setup.source_addr {
        defaults.push(("--bind-source-addr", host));
        // Redis 7.0 admits only 127.0.0.1 and ::1 as local under protected mode, and the
        // nodes talk from 127.0.0.5-7.
        defaults.push(("--protected-mode", "no"));
    }
    for (name, value) in defaults {
        if !has(name) {
            args.push(name.into());
            args.push(value.into());
        }
    }
    args
}

impl Node {
    pub fn start(setup: Setup, kind: Kind, host: &str, extra: &[String]) -> Node {
        let port = super::free_port(host);
        let mut n = Node {
            setup,
            kind,
            host: host.to_string(),
            port,
            data: TempDir::new(setup.dir_prefix),
            args: with_defaults(&setup, host, extra),
            server: None,
        };
        n.launch();
        n
    }

    pub fn launch(&mut self) {
        assert!(self.server.is_none(), "{} already running", self.name());
        let mut args = s(&["--bind", &self.host, "--port", &self.port.to_string()]);
        args.push("--dir".into());
        args.push(self.data.path().display().to_string());
        if self.setup.auth {
            args.extend(s(&["--requirepass", PASS, "--masterauth", PASS]));
        }
        args.extend(self.args.iter().cloned());
        self.server = Some(Server::builder(self.kind).args(&args).start());
    }

    pub fn server(&self) -> &Server {
        self.server.as_ref().expect("server running")
    }

    pub fn server_mut(&mut self) -> &mut Server {
        self.server.as_mut().expect("server running")
    }

    pub fn name(&self) -> String {
        format!("{} {}:{}", self.kind.name(), self.host, self.port)
    }

    /// A client, authenticated when the node has a password.
    pub fn c(&self) -> Client {
        let mut c = self.server().client();
        if self.setup.auth {
            assert_eq!(c.cmd_str(&["AUTH", PASS]), "+OK\\r\\n", "{}", self.name());
        }
        c
    }

    pub fn cmd(&self, args: &[&str]) -> String {
        text(&self.c().cmd(args))
    }

    pub fn info(&self, section: &str) -> String {
        info(&mut self.c(), section)
    }

    /// `INFO <section>`, or why there is none: for polls that may race a `CLIENT KILL TYPE
    /// normal` (Sentinel sends one with every reconfiguration) or a restart.
    pub fn try_info(&self, section: &str) -> Result<String, String> {
        let mut c = Client::connect(&self.server().addr()).map_err(|e| e.to_string())?;
        let mut ask = |args: &[&str]| {
            let args: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
            c.send(&args);
            match c.read_outcome() {
                Outcome::Reply(r) => Ok(r),
                other => Err(format!("{}: {}", self.name(), other.describe())),
            }
        };
        if self.setup.auth {
            ask(&["AUTH", PASS])?;
        }
        let r = ask(&["INFO", section])?;
        match Frame::parse(&r)
            .ok()
            .and_then(|f| f.as_bytes().map(<[u8]>::to_vec))
        {
            Some(b) if r.starts_with(b"$") || r.starts_with(b"=") => {
                Ok(String::from_utf8_lossy(&b).into_owned())
            }
            _ => Err(format!("INFO {section} from {}: {}", self.name(), text(&r))),
        }
    }

    pub fn field(&self, section: &str, name: &str) -> Option<String> {
        field(&self.info(section), name)
    }

    pub fn repl(&self, name: &str) -> String {
        self.field("replication", name)
            .unwrap_or_else(|| panic!("no {name} in INFO replication of {}", self.name()))
    }

    pub fn stats(&self) -> Stats {
        let i = self.info("stats");
        let n = |f: &str| -> u64 {
            field(&i, f)
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("no {f} in INFO stats of {}:\n{i}", self.name()))
        };
        Stats {
            full: n("sync_full"),
            partial_ok: n("sync_partial_ok"),
            partial_err: n("sync_partial_err"),
        }
    }

    /// SIGTERM (a save when save points are set), bounded wait for the exit.
    pub fn stop(&mut self) {
        let mut srv = self.server.take().expect("server running");
        let st = srv.terminate(Duration::from_secs(10));
        assert!(
            st.is_some_and(|st| st.success()),
            "{} did not exit cleanly after SIGTERM: {st:?}\n{}",
            self.name(),
            srv.diagnostics()
        );
    }

    /// SIGKILL, bounded wait for the exit; the dead server is returned (its output is kept
    /// for messages) and the node can be launched again in place.
    pub fn kill(&mut self) -> Server {
        let mut srv = self.server.take().expect("server running");
        srv.signal(libc::SIGKILL);
        assert!(
            srv.wait_exit(Duration::from_secs(10)).is_some(),
            "{} survived SIGKILL",
            self.name()
        );
        srv
    }

    pub fn pid(&self) -> u32 {
        self.server().pid()
    }

    /// The process still runs and nothing it printed says it panicked.
    pub fn assert_healthy(&mut self, what: &str) {
        let name = self.name();
        let srv = self.server_mut();
        assert!(
            srv.try_wait().is_none(),
            "{what}: {name} exited\n{}",
            srv.diagnostics()
        );
        assert_no_panic(srv, what);
    }

    /// The node's contents as the [`Setup`] reads them ([`dataset::dump`]).
    pub fn dump(&self) -> Vec<String> {
        dataset::dump(
            &mut self.c(),
            self.setup.dbs,
            self.setup.encoding,
            &self.name(),
        )
    }
}

/// Nothing `srv` printed says it panicked.
pub fn assert_no_panic(srv: &Server, what: &str) {
    let out = srv.output();
    assert!(
        !out.contains("panicked"),
        "{what}: {} panicked:\n{}",
        srv.kind.name(),
        out.lines()
            .filter(|l| l.contains("panicked"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// The sync counters of INFO stats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stats {
    pub full: u64,
    pub partial_ok: u64,
    pub partial_err: u64,
}

/// `INFO <section>` as text (a bulk or verbatim string, else a panic).
pub fn info(c: &mut Client, section: &str) -> String {
    let r = c.cmd(&["INFO", section]);
    let f = Frame::parse(&r).unwrap_or_else(|e| panic!("INFO {section}: {e}: {}", text(&r)));
    match f.as_bytes() {
        Some(b) if r.starts_with(b"$") || r.starts_with(b"=") => {
            String::from_utf8_lossy(b).into_owned()
        }
        _ => panic!("INFO {section} from {}: {}", c.addr, text(&r)),
    }
}

/// The value of field `name` of an INFO text.
pub fn field(info: &str, name: &str) -> Option<String> {
    info.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}:")))
        .map(|v| v.trim().to_string())
}

/// The field names of an INFO section, in order.
pub fn field_names(info: &str) -> Vec<String> {
    info.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split(':').next().unwrap_or("").to_string())
        .collect()
}

/// Polls `check` until it returns `Ok`, at most `timeout`; panics with the last `Err`.
pub fn wait_for(what: &str, timeout: Duration, mut check: impl FnMut() -> Result<(), String>) {
    let deadline = Instant::now() + timeout;
    loop {
        let last = match check() {
            Ok(()) => return,
            Err(e) => e,
        };
        if Instant::now() >= deadline {
            panic!("{what}: not reached within {timeout:?}: {last}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Waits until `replica` reports its link to `master` up (`master_link_status:up`, the
/// right master, no sync in progress).
pub fn wait_link_up(replica: &Node, master: &Node) {
    wait_for(
        &format!("{} link up to {}", replica.name(), master.name()),
        replica.setup.link_timeout,
        || {
            let i = replica.try_info("replication")?;
            let ok = field(&i, "role").as_deref() == Some("slave")
                && field(&i, "master_host").as_deref() == Some(master.host.as_str())
                && field(&i, "master_port") == Some(master.port.to_string())
                && field(&i, "master_link_status").as_deref() == Some("up")
                && field(&i, "master_sync_in_progress").as_deref() == Some("0");
            if ok {
                Ok(())
            } else {
                Err(i)
            }
        },
    );
}

/// Waits until `master` lists `n` replicas, all `state=online`.
pub fn wait_online(master: &Node, n: usize) {
    wait_for(
        &format!("{} with {n} online replicas", master.name()),
        master.setup.link_timeout,
        || {
            let i = master.try_info("replication")?;
            let online = (0..n)
                .filter(|k| {
                    field(&i, &format!("slave{k}")).is_some_and(|v| v.contains(",state=online,"))
                })
                .count();
            if field(&i, "connected_slaves") == Some(n.to_string()) && online == n {
                Ok(())
            } else {
                Err(i)
            }
        },
    );
}

/// `WAIT n` returns n, then the master's offset equals every replica's
/// `slave_repl_offset` (and the master's view of each replica's offset).
pub fn converge(master: &Node, replicas: &[&Node]) {
    let n = replicas.len();
    let w = master.cmd(&["WAIT", &n.to_string(), "5000"]);
    assert_eq!(
        w,
        format!(":{n}\\r\\n"),
        "WAIT {n} 5000 on {}",
        master.name()
    );
    wait_for("offsets converged", master.setup.sync_timeout, || {
        let mi = master.info("replication");
        let moff = field(&mi, "master_repl_offset").unwrap_or_default();
        let mut seen = vec![format!("master {moff}")];
        let mut ok = true;
        for r in replicas {
            let off = r.repl("slave_repl_offset");
            ok &= off == moff;
            seen.push(format!("{} {off}", r.name()));
        }
        // The master's view: every slaveN line has offset=<master_repl_offset>.
        for k in 0..n {
            let line = field(&mi, &format!("slave{k}")).unwrap_or_default();
            ok &= line.contains(&format!(",offset={moff},"));
            seen.push(line);
        }
        if ok {
            Ok(())
        } else {
            Err(seen.join("; "))
        }
    });
}

/// The replica's contents equal the master's (polled: a replica may still be applying).
/// The master must hold at least two keys.
pub fn assert_same_data(master: &Node, replica: &Node, what: &str) {
    let expected = master.dump();
    assert!(
        expected.len() > master.setup.dbs.len() + 1,
        "{what}: the master holds nothing: {expected:?}"
    );
    let mut got = Vec::new();
    let deadline = Instant::now() + master.setup.sync_timeout;
    while Instant::now() < deadline {
        got = replica.dump();
        if got == expected {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!(
        "{what}: {} differs from master {} (- master, + replica)\n{}",
        replica.name(),
        master.name(),
        dataset::diff(&expected, &got)
    );
}

/// ROLE as (role, master host, master port, state) for a replica, (role, "", 0, "") else.
pub fn role(node: &Node) -> (String, String, i64, String) {
    let r = Frame::parse(&node.c().cmd(&["ROLE"])).unwrap();
    let items = r.items().unwrap_or_else(|| panic!("ROLE: {r:?}"));
    let str_at = |i: usize| {
        items
            .get(i)
            .and_then(Frame::as_bytes)
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default()
    };
    let role = str_at(0);
    if role == "slave" {
        (
            role,
            str_at(1),
            items.get(2).and_then(Frame::as_int).unwrap_or(-1),
            str_at(3),
        )
    } else {
        (role, String::new(), 0, String::new())
    }
}

/// A master and its replicas.
pub struct Topo {
    pub setup: Setup,
    pub master: Node,
    pub replicas: Vec<Node>,
}

impl Topo {
    /// A master alone on [`MASTER_HOST`].
    pub fn master(setup: Setup, kind: Kind, extra: &[&str]) -> Topo {
        Topo {
            setup,
            master: Node::start(setup, kind, MASTER_HOST, &s(extra)),
            replicas: Vec::new(),
        }
    }

    /// Starts a replica of the master (`--replicaof` on its command line) on the next
    /// loopback address; does not wait for the sync.
    pub fn add_replica(&mut self, kind: Kind, extra: &[&str]) -> usize {
        let i = self.replicas.len();
        let mut args = s(&[
            "--replicaof",
            &self.master.host,
            &self.master.port.to_string(),
        ]);
        args.extend(s(extra));
        self.replicas
            .push(Node::start(self.setup, kind, REPLICA_HOSTS[i % 2], &args));
        i
    }

    /// A master with `n` replicas, all synced.
    pub fn start(
        setup: Setup,
        mk: Kind,
        rk: Kind,
        n: usize,
        master_extra: &[&str],
        rep_extra: &[&str],
    ) -> Topo {
        let mut t = Topo::master(setup, mk, master_extra);
        for _ in 0..n {
            t.add_replica(rk, rep_extra);
        }
        t.wait_synced();
        t
    }

    pub fn wait_synced(&self) {
        for r in &self.replicas {
            wait_link_up(r, &self.master);
        }
        wait_online(&self.master, self.replicas.len());
    }

    /// [`converge`] of the master and all its replicas.
    pub fn wait_converged(&self) {
        converge(&self.master, &self.replicas.iter().collect::<Vec<_>>());
    }
}

/// Resumes a SIGSTOPped process when dropped (also on a failed assertion).
pub struct Stopped(u32);

impl Stopped {
    pub fn new(node: &Node) -> Stopped {
        let pid = node.pid();
        // SAFETY: kill(2) on the pid of our own running child (not yet reaped).
        unsafe {
            libc::kill(pid as libc::pid_t, libc::SIGSTOP);
        }
        Stopped(pid)
    }
}

impl Drop for Stopped {
    fn drop(&mut self) {
        // SAFETY: as above; the child is still ours (the harness reaps it only on drop).
        unsafe {
            libc::kill(self.0 as libc::pid_t, libc::SIGCONT);
        }
    }
}
