//! The master monitor alone: its links are probes that record what they are asked to send,
//! the test plays the instances by injecting the links' events, and time is tokio's paused
//! clock, advanced tick by tick.

use super::*;
use crate::config::{FixedConfig, Tunables};
use crate::metrics::MailboxSnapshot;
use crate::server::ServerContext;
use std::sync::Mutex;

const MYID: &str = "0000000000000000000000000000000000000001";

/// One command a link was asked to send: (link id, tag, arguments, when).
type Sent = (usize, &'static str, Vec<Bytes>, u64);

#[derive(Default)]
struct World {
    links: Vec<(LinkConfig, Counted<Recipient<LinkEvent>>)>,
    sent: Vec<Sent>,
    events: Vec<(u64, Event)>,
    flushes: usize,
    /// Where every mailbox (the monitor's, the probes') is registered.
    server: Option<Arc<ServerContext>>,
}

type Shared_ = Arc<Mutex<World>>;

struct LinkProbe(usize, Shared_, Clock, Arc<Mailbox>);

impl Actor for LinkProbe {
    type Context = Context<Self>;
}

impl Handler<SendCommand> for LinkProbe {
    type Result = ();
    fn handle(&mut self, msg: SendCommand, _: &mut Context<Self>) {
        let _h = self.3.handling();
        let now = self.2.now();
        self.1
            .lock()
            .unwrap()
            .sent
            .push((self.0, msg.tag, msg.args, now));
    }
}

impl Handler<CloseLink> for LinkProbe {
    type Result = ();
    fn handle(&mut self, _: CloseLink, _: &mut Context<Self>) {
        let _h = self.3.handling();
    }
}

/// Receives the monitor's events and config requests, in the mailbox `sentinel/0` as the
/// Sentinel would.
struct Core(Shared_, Clock, Arc<Mailbox>);

impl Actor for Core {
    type Context = Context<Self>;
}

impl Handler<EventRaised> for Core {
    type Result = ();
    fn handle(&mut self, msg: EventRaised, _: &mut Context<Self>) {
        let _h = self.2.handling();
        let now = self.1.now();
        self.0.lock().unwrap().events.push((now, msg.event));
    }
}

impl Handler<Noted> for Core {
    type Result = ();
    fn handle(&mut self, _: Noted, _: &mut Context<Self>) {
        let _h = self.2.handling();
    }
}

impl Handler<ConfigChanged> for Core {
    type Result = ();
    fn handle(&mut self, _: ConfigChanged, _: &mut Context<Self>) {
        let _h = self.2.handling();
        self.0.lock().unwrap().flushes += 1;
    }
}

fn settings(down_after: u64) -> MasterConfig {
    let mut cfg = MasterConfig::new("mymaster", "10.0.0.1", 6379, 2);
    cfg.down_after_ms = down_after;
    cfg.auth_pass = Some("redis".into());
    cfg
}

/// A monitor with probe links; the clock must already be paused.
fn start(cfg: MasterConfig) -> (actix::Addr<MasterMonitor>, Shared_, Clock) {
    start_with(cfg, &[])
}

/// [`start`] after `SENTINEL DEBUG` set `debug`.
fn start_with(
    cfg: MasterConfig,
    debug: &[(crate::sentinel::command::DebugParam, u64)],
) -> (actix::Addr<MasterMonitor>, Shared_, Clock) {
    let world: Shared_ = Arc::default();
    let server = Arc::new(ServerContext::new(
        Arc::new(FixedConfig(Arc::new(Tunables::default()))),
        slog::Logger::root(slog::Discard, slog::o!()),
        || 0,
    ));
    world.lock().unwrap().server = Some(server.clone());
    let shared = Arc::new(Shared::new(MYID.into(), 0, 26379, server.clone()));
    shared.set_timings(debug);
    let clock = Clock::new();
    let core_mailbox = server.mailboxes.register("sentinel/0");
    let core = Counted::new(
        Core(world.clone(), clock, core_mailbox.clone()).start(),
        core_mailbox,
    );
    let peers = MonitorPeers {
        events: core.recipient(),
        notes: core.recipient(),
        config: core.recipient(),
    };
    let w = world.clone();
    let spawn: LinkSpawner = Arc::new(
        move |cfg: LinkConfig, owner: Counted<Recipient<LinkEvent>>| {
            let mailbox = server.mailboxes.register(cfg.label.clone());
            let probe = LinkProbe(cfg.instance, w.clone(), clock, mailbox.clone()).start();
            let probe = Counted::new(probe, mailbox);
            w.lock().unwrap().links.push((cfg, owner));
            LinkHandle {
                send: probe.recipient(),
                close: probe.recipient(),
            }
        },
    );
    let log = slog::Logger::root(slog::Discard, slog::o!());
    let m = MasterMonitor::new(cfg, shared, peers, spawn, clock, log).start();
    (m, world, clock)
}

/// Lets every actor run what is in its mailbox.
async fn settle() {
    for _ in 0..20 {
        tokio::task::yield_now().await;
    }
}

async fn advance(ms: u64) {
    for _ in 0..ms / 10 {
        tokio::time::advance(Duration::from_millis(10)).await;
        settle().await;
    }
}

fn event(instance: usize, what: LinkNews) -> LinkEvent {
    LinkEvent { instance, what }
}

/// Connects every link spawned so far to `host:port`.
fn connect(world: &Shared_, host: &str, port: u16) {
    let w = world.lock().unwrap();
    for (cfg, owner) in &w.links {
        if cfg.host == host && cfg.port == port {
            owner.do_send(event(
                cfg.instance,
                LinkNews::Connected {
                    kind: cfg.kind,
                    at: 0,
                    local_ip: Some("127.0.0.1".into()),
                },
            ));
        }
    }
}

/// Answers every unanswered `tag` command sent to `host:port` with `frame`.
fn answer(world: &Shared_, host: &str, port: u16, tag: &str, frame: Frame, from: usize) -> usize {
    let w = world.lock().unwrap();
    let mut n = 0;
    for (id, t, _, _) in &w.sent[from..] {
        if *t != tag {
            continue;
        }
        if let Some((cfg, owner)) = w.links.iter().find(|(c, _)| c.instance == *id) {
            if cfg.host == host && cfg.port == port {
                owner.do_send(event(
                    *id,
                    LinkNews::Reply {
                        kind: cfg.kind,
                        tag: t,
                        frame: frame.clone(),
                        at: 0,
                    },
                ));
                n += 1;
            }
        }
    }
    n
}

fn kinds(world: &Shared_) -> Vec<&'static str> {
    world
        .lock()
        .unwrap()
        .events
        .iter()
        .map(|(_, e)| e.kind)
        .collect()
}

fn pong() -> Frame {
    Frame::Simple(Bytes::from_static(b"PONG"))
}

fn info(text: &str) -> Frame {
    Frame::Bulk(Bytes::from(text.replace('\n', "\r\n")))
}

const MASTER_INFO: &str = "# Server\nrun_id:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n# Replication\nrole:master\nconnected_slaves:1\nslave0:ip=10.0.0.2,port=6379,state=online,offset=100,lag=0\n";

const LONE_MASTER_INFO: &str = "# Server\nrun_id:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n# Replication\nrole:master\nconnected_slaves:0\n";

const REPLICA_INFO: &str = "# Server\nrun_id:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n# Replication\nrole:slave\nmaster_host:10.0.0.1\nmaster_port:6379\nmaster_link_status:up\nslave_repl_offset:100\nslave_priority:100\n";

const PROMOTED_INFO: &str = "# Server\nrun_id:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n# Replication\nrole:master\nconnected_slaves:0\n";

/// The links log in with the master's auth-pass; a PING is queued on the command link at
/// once, INFO follows once connected, and a master that answers once and then goes silent
/// is SDOWN at the first check after down-after-milliseconds without a reply, not before.
#[actix_rt::test]
async fn a_silent_master_goes_sdown_exactly_after_down_after() {
    tokio::time::pause();
    let (_m, world, _) = start(settings(1000));
    advance(150).await;
    {
        let w = world.lock().unwrap();
        let kinds: Vec<_> = w.links.iter().map(|(c, _)| c.kind).collect();
        assert_eq!(kinds, [LinkKind::Command, LinkKind::PubSub]);
        assert!(w
            .links
            .iter()
            .all(|(c, _)| c.auth_pass.as_deref() == Some("redis")));
        assert_eq!(w.sent.iter().map(|s| s.1).collect::<Vec<_>>(), ["ping"]);
    }
    connect(&world, "10.0.0.1", 6379);
    answer(&world, "10.0.0.1", 6379, "ping", pong(), 0);
    settle().await;
    advance(100).await;
    let tags: Vec<_> = world.lock().unwrap().sent.iter().map(|s| s.1).collect();
    assert!(
        tags.contains(&"info") && tags.contains(&"publish"),
        "{tags:?}"
    );
    answer(&world, "10.0.0.1", 6379, "info", info(LONE_MASTER_INFO), 0);
    settle().await;
    // From now on the master answers nothing. The next PING goes out once the last reply is
    // a ping period (1 s) old; SDOWN comes when that PING is unanswered for more than 1 s.
    let mut sdown_at = None;
    for _ in 0..60 {
        advance(50).await;
        let w = world.lock().unwrap();
        if let Some((t, _)) = w.events.iter().find(|(_, e)| e.kind == "+sdown") {
            sdown_at = Some(*t);
            break;
        }
    }
    let w = world.lock().unwrap();
    let pings: Vec<u64> = w
        .sent
        .iter()
        .filter(|s| s.1 == "ping")
        .map(|s| s.3)
        .collect();
    assert!(pings.len() >= 2, "{pings:?}");
    let ping = pings[1];
    drop(w);
    let sdown = sdown_at.expect("+sdown was raised");
    let waited = sdown - ping;
    assert!(
        (1000..=1160).contains(&waited),
        "SDOWN {waited} ms after the unanswered PING"
    );
    let w = world.lock().unwrap();
    let (_, e) = w.events.iter().find(|(_, e)| e.kind == "+sdown").unwrap();
    assert_eq!(e.payload, "master mymaster 10.0.0.1 6379");
}

/// A master that answers everything at once, watched for `ms` after its links connect: when
/// each PING and INFO went out.
async fn periodic_commands(
    debug: &[(crate::sentinel::command::DebugParam, u64)],
    ms: u64,
) -> (Vec<u64>, Vec<u64>) {
    let (_m, world, clock) = start_with(settings(30_000), debug);
    advance(150).await;
    connect(&world, "10.0.0.1", 6379);
    let start = clock.now();
    let mut seen = 0;
    for _ in 0..ms / 50 {
        advance(50).await;
        let n = world.lock().unwrap().sent.len();
        answer(&world, "10.0.0.1", 6379, "ping", pong(), seen);
        answer(
            &world,
            "10.0.0.1",
            6379,
            "info",
            info(LONE_MASTER_INFO),
            seen,
        );
        seen = n;
        settle().await;
    }
    let w = world.lock().unwrap();
    let when = |tag: &str| -> Vec<u64> {
        w.sent
            .iter()
            .filter(|s| s.1 == tag && s.3 >= start)
            .map(|s| s.3 - start)
            .collect()
    };
    (when("ping"), when("info"))
}

/// `SENTINEL DEBUG info-period 1000` / `ping-period 200` take effect on the next timer pass:
/// INFO every second instead of every 10 s, PING five times as often.
#[actix_rt::test]
async fn debug_timings_drive_the_periodic_commands() {
    use crate::sentinel::command::DebugParam;
    tokio::time::pause();
    let (pings, infos) = periodic_commands(&[], 10_000).await;
    assert!((1..=2).contains(&infos.len()), "{infos:?}");
    assert!((8..=11).contains(&pings.len()), "{pings:?}");
    let (pings, infos) = periodic_commands(
        &[
            (DebugParam::InfoPeriod, 1000),
            (DebugParam::PingPeriod, 200),
        ],
        10_000,
    )
    .await;
    assert!((8..=11).contains(&infos.len()), "{infos:?}");
    for gap in infos.windows(2).map(|w| w[1] - w[0]) {
        assert!((1000..=1150).contains(&gap), "{infos:?}");
    }
    assert!((33..=50).contains(&pings.len()), "{pings:?}");
    for gap in pings.windows(2).map(|w| w[1] - w[0]) {
        assert!((200..=350).contains(&gap), "{pings:?}");
    }
}

/// Replicas named in the master's INFO are announced (`+slave`), saved, and linked to.
#[actix_rt::test]
async fn replicas_are_discovered_from_the_master_info() {
    tokio::time::pause();
    let (_m, world, _) = start(settings(30_000));
    advance(150).await;
    connect(&world, "10.0.0.1", 6379);
    advance(100).await;
    answer(&world, "10.0.0.1", 6379, "info", info(MASTER_INFO), 0);
    advance(1100).await;
    let w = world.lock().unwrap();
    let slave = w.events.iter().find(|(_, e)| e.kind == "+slave");
    assert_eq!(
        slave.map(|(_, e)| e.payload.as_str()),
        Some("slave 10.0.0.2:6379 10.0.0.2 6379 @ mymaster 10.0.0.1 6379")
    );
    assert!(w.flushes >= 1);
    let replica_links = w.links.iter().filter(|(c, _)| c.host == "10.0.0.2").count();
    assert_eq!(replica_links, 2);
}

/// Two Sentinels ask for our vote in the same epoch: the first gets it, the second is told
/// who already has it. Our epoch follows the request's.
#[actix_rt::test]
async fn one_vote_per_epoch() {
    tokio::time::pause();
    let (m, world, _) = start(settings(30_000));
    let a = "a".repeat(40);
    let b = "b".repeat(40);
    let first = m
        .send(AskMasterDown {
            req_epoch: 5,
            runid: a.clone(),
        })
        .await
        .unwrap();
    let second = m
        .send(AskMasterDown {
            req_epoch: 5,
            runid: b,
        })
        .await
        .unwrap();
    assert_eq!(first.leader.as_deref(), Some(a.as_str()));
    assert_eq!(first.leader_epoch, 5);
    assert_eq!(second.leader.as_deref(), Some(a.as_str()));
    assert!(!first.down && !second.down);
    settle().await;
    let w = world.lock().unwrap();
    let e: Vec<_> = w
        .events
        .iter()
        .map(|(_, e)| (e.kind, e.payload.clone()))
        .collect();
    assert_eq!(
        e,
        [
            ("+new-epoch", "5".to_string()),
            ("+vote-for-leader", format!("{a} 5"))
        ]
    );
}

/// SENTINEL FAILOVER: no votes needed; the replica gets Redis's MULTI ... EXEC block, its
/// INFO saying master completes the promotion, and the master's address switches to it.
#[actix_rt::test]
async fn a_forced_failover_promotes_the_replica() {
    tokio::time::pause();
    let (m, world, _) = start(settings(30_000));
    advance(150).await;
    connect(&world, "10.0.0.1", 6379);
    advance(100).await;
    answer(&world, "10.0.0.1", 6379, "ping", pong(), 0);
    answer(&world, "10.0.0.1", 6379, "info", info(MASTER_INFO), 0);
    advance(1100).await;
    connect(&world, "10.0.0.2", 6379);
    advance(200).await;
    answer(&world, "10.0.0.2", 6379, "ping", pong(), 0);
    answer(&world, "10.0.0.2", 6379, "info", info(REPLICA_INFO), 0);
    settle().await;
    assert_eq!(m.send(ForceFailover).await.unwrap(), Ok(()));
    assert_eq!(
        m.send(ForceFailover).await.unwrap(),
        Err("INPROG Failover already in progress".to_string())
    );
    let mark = world.lock().unwrap().sent.len();
    advance(1500).await;
    {
        let w = world.lock().unwrap();
        let replica_link = w
            .links
            .iter()
            .find(|(c, _)| c.host == "10.0.0.2" && c.kind == LinkKind::Command)
            .map(|(c, _)| c.instance)
            .unwrap();
        let block: Vec<Vec<&[u8]>> = w.sent[mark..]
            .iter()
            .filter(|s| s.0 == replica_link && !matches!(s.1, "ping" | "info" | "publish"))
            .map(|s| s.2.iter().map(|a| &a[..]).collect())
            .collect();
        let want: Vec<Vec<&[u8]>> = vec![
            vec![b"MULTI"],
            vec![b"SLAVEOF", b"NO", b"ONE"],
            vec![b"CONFIG", b"REWRITE"],
            vec![b"CLIENT", b"KILL", b"TYPE", b"normal"],
            vec![b"CLIENT", b"KILL", b"TYPE", b"pubsub"],
            vec![b"EXEC"],
        ];
        assert_eq!(block, want);
    }
    let from = world.lock().unwrap().sent.len();
    advance(1100).await;
    answer(&world, "10.0.0.2", 6379, "info", info(PROMOTED_INFO), from);
    advance(500).await;
    let k = kinds(&world);
    let at = |name: &str| k.iter().position(|x| *x == name).unwrap_or(usize::MAX);
    for name in [
        "+new-epoch",
        "+try-failover",
        "+elected-leader",
        "+failover-state-select-slave",
        "+selected-slave",
        "+failover-state-send-slaveof-noone",
        "+failover-state-wait-promotion",
        "+promoted-slave",
        "+failover-state-reconf-slaves",
        "+failover-end",
        "+switch-master",
    ] {
        assert!(at(name) != usize::MAX, "{name} missing from {k:?}");
    }
    assert!(at("+try-failover") < at("+elected-leader"));
    assert!(at("+promoted-slave") < at("+switch-master"));
    let w = world.lock().unwrap();
    let switch = w
        .events
        .iter()
        .find(|(_, e)| e.kind == "+switch-master")
        .unwrap();
    assert_eq!(switch.1.payload, "mymaster 10.0.0.1 6379 10.0.0.2 6379");
}

fn snapshot(world: &Shared_, name: &str) -> MailboxSnapshot {
    let w = world.lock().unwrap();
    let server = w.server.as_ref().unwrap();
    let mb = server.mailboxes.get(name);
    mb.unwrap_or_else(|| panic!("no mailbox {name}")).snapshot()
}

/// Every message the monitor, its links and its Sentinel receive is counted once sent and
/// once handled (timer passes as both): idle, nothing is queued and the counts agree.
#[actix_rt::test]
async fn mailboxes_count_every_send_and_agree_when_idle() {
    tokio::time::pause();
    let (m, world, _) = start(settings(1000));
    advance(150).await;
    connect(&world, "10.0.0.1", 6379);
    advance(100).await;
    answer(&world, "10.0.0.1", 6379, "ping", pong(), 0);
    // Answered once asked (the INFO goes out at the first pass after the link is up).
    for _ in 0..20 {
        if answer(&world, "10.0.0.1", 6379, "info", info(MASTER_INFO), 0) > 0 {
            break;
        }
        advance(50).await;
    }
    for _ in 0..40 {
        advance(50).await;
        let w = world.lock().unwrap();
        if w.links.iter().any(|(c, _)| c.host == "10.0.0.2") {
            break;
        }
    }
    connect(&world, "10.0.0.2", 6379);
    advance(200).await;
    answer(&world, "10.0.0.2", 6379, "ping", pong(), 0);
    answer(&world, "10.0.0.2", 6379, "info", info(REPLICA_INFO), 0);
    // A vote asked as the Sentinel asks it: through its counted address.
    let mailbox = world
        .lock()
        .unwrap()
        .server
        .as_ref()
        .unwrap()
        .mailboxes
        .get("sentinel/mymaster");
    let monitor = Counted::new(m, mailbox.unwrap());
    let answer = monitor
        .send(AskMasterDown {
            req_epoch: 1,
            runid: "c".repeat(40),
        })
        .await
        .unwrap();
    assert_eq!(answer.leader_epoch, 1);
    // The master stops answering: SDOWN, events and a config flush reach the Sentinel.
    advance(2500).await;
    settle().await;
    assert!(kinds(&world).contains(&"+sdown"), "{:?}", kinds(&world));
    let names: Vec<String> = {
        let w = world.lock().unwrap();
        let server = w.server.as_ref().unwrap();
        server
            .mailboxes
            .snapshots()
            .into_iter()
            .map(|s| s.name)
            .collect()
    };
    for want in [
        "sentinel/0",
        "sentinel/mymaster",
        "sentinel/mymaster/master/cmd",
        "sentinel/mymaster/master/pubsub",
        "sentinel/mymaster/replica/10.0.0.2:6379/cmd",
        "sentinel/mymaster/replica/10.0.0.2:6379/pubsub",
    ] {
        assert!(names.iter().any(|n| n == want), "{want} not in {names:?}");
    }
    for name in &names {
        let s = snapshot(&world, name);
        assert!(s.handled <= s.sent, "{s:?}");
        assert_eq!((s.queued, s.in_flight, s.refused), (0, 0, 0), "{s:?}");
        assert_eq!(s.handled, s.sent, "{s:?}");
    }
    // The monitor: its timer passes, the links' news, the vote; the links: what was sent.
    let monitor = snapshot(&world, "sentinel/mymaster");
    assert!(monitor.sent > 40, "{monitor:?}");
    let sentinel = snapshot(&world, "sentinel/0");
    let w = world.lock().unwrap();
    assert!(
        sentinel.sent as usize >= w.events.len() + w.flushes,
        "{sentinel:?}"
    );
    let master_cmd = w
        .links
        .iter()
        .find(|(c, _)| c.label == "sentinel/mymaster/master/cmd")
        .map(|(c, _)| c.instance)
        .unwrap();
    let to_master = w.sent.iter().filter(|s| s.0 == master_cmd).count() as u64;
    drop(w);
    assert_eq!(
        snapshot(&world, "sentinel/mymaster/master/cmd").sent,
        to_master
    );
}
