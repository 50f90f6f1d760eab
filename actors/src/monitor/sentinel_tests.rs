//! The Sentinel actor alone, driven through `Execute` as a client connection drives it. Its
//! master's actor is real; that actor's links are probes that never connect, so every
//! answer comes from the Sentinel's own state and its master's vote.

use super::*;
use crate::config::{FixedConfig, Tunables};
use crate::monitor::link::{CloseLink, LinkConfig, LinkEvent, SendCommand};
use crate::monitor::master::LinkHandle;
use crate::server::ServerContext;

const MYID: &str = "0000000000000000000000000000000000000001";

/// A link that never connects; it counts what it is sent, as a real link does.
struct DeadLink(Arc<Mailbox>);

impl Actor for DeadLink {
    type Context = Context<Self>;
}

impl Handler<SendCommand> for DeadLink {
    type Result = ();
    fn handle(&mut self, _: SendCommand, _: &mut Context<Self>) {
        let _h = self.0.handling();
    }
}

impl Handler<CloseLink> for DeadLink {
    type Result = ();
    fn handle(&mut self, _: CloseLink, _: &mut Context<Self>) {
        let _h = self.0.handling();
    }
}

fn sentinel() -> actix::Addr<SentinelActor> {
    sentinel_on().0
}

/// The Sentinel and the server context its mailboxes are registered in.
fn sentinel_on() -> (actix::Addr<SentinelActor>, Arc<ServerContext>) {
    let server = Arc::new(
        ServerContext::new(
            Arc::new(FixedConfig(Arc::new(Tunables::default()))),
            slog::Logger::root(slog::Discard, slog::o!()),
            || 0,
        )
        .with_sentinel_mode(),
    );
    let shared = Arc::new(Shared::new(MYID.into(), 0, 26379, server.clone()));
    let mut cfg = SentinelConfig::default();
    cfg.masters
        .push(MasterConfig::new("mymaster", "10.0.0.1", 6379, 2));
    let registry = server.clone();
    let links: LinkSpawner = Arc::new(move |cfg: LinkConfig, _: Counted<Recipient<LinkEvent>>| {
        let mailbox = registry.mailboxes.register(cfg.label);
        let probe = Counted::new(DeadLink(mailbox.clone()).start(), mailbox);
        LinkHandle {
            send: probe.recipient(),
            close: probe.recipient(),
        }
    });
    let log = slog::Logger::root(slog::Discard, slog::o!());
    (SentinelActor::new(shared, cfg, links, log).start(), server)
}

/// Runs one command as a RESP2 client and returns the raw reply.
async fn run(s: &actix::Addr<SentinelActor>, args: &[&str]) -> String {
    let cmd = args.iter().map(|a| Bytes::from(a.to_string())).collect();
    let done = s
        .send(Execute {
            session: Session::new(1, true),
            cmds: vec![cmd],
            out: BytesMut::new(),
        })
        .await
        .unwrap();
    String::from_utf8_lossy(&done.out).into_owned()
}

#[actix_rt::test]
async fn role_and_master_address() {
    let s = sentinel();
    assert_eq!(
        run(&s, &["ROLE"]).await,
        "*2\r\n$8\r\nsentinel\r\n*1\r\n$8\r\nmymaster\r\n"
    );
    assert_eq!(
        run(&s, &["SENTINEL", "get-master-addr-by-name", "mymaster"]).await,
        "*2\r\n$8\r\n10.0.0.1\r\n$4\r\n6379\r\n"
    );
    assert_eq!(
        run(&s, &["SENTINEL", "get-master-addr-by-name", "other"]).await,
        "*-1\r\n"
    );
    assert_eq!(
        run(&s, &["SENTINEL", "myid"]).await,
        format!("$40\r\n{MYID}\r\n")
    );
}

/// A vote request reaches the master's actor and the answer comes back in the batch,
/// in order with the commands around it.
#[actix_rt::test]
async fn votes_go_through_the_master_actor() {
    let s = sentinel();
    let runid = "a".repeat(40);
    let cmds: Vec<Vec<Bytes>> = [
        vec!["PING"],
        vec![
            "SENTINEL",
            "is-master-down-by-addr",
            "10.0.0.1",
            "6379",
            "7",
            &runid,
        ],
        vec![
            "SENTINEL",
            "is-master-down-by-addr",
            "10.0.0.1",
            "6379",
            "7",
            "*",
        ],
        vec![
            "SENTINEL",
            "is-master-down-by-addr",
            "10.9.9.9",
            "6379",
            "7",
            &runid,
        ],
        vec!["PING"],
    ]
    .iter()
    .map(|c| c.iter().map(|a| Bytes::from(a.to_string())).collect())
    .collect();
    let done = s
        .send(Execute {
            session: Session::new(1, true),
            cmds,
            out: BytesMut::new(),
        })
        .await
        .unwrap();
    let want = format!(
        "+PONG\r\n*3\r\n:0\r\n$40\r\n{runid}\r\n:7\r\n*3\r\n:0\r\n$1\r\n*\r\n:0\r\n*3\r\n:0\r\n$1\r\n*\r\n:0\r\n+PONG\r\n"
    );
    assert_eq!(String::from_utf8_lossy(&done.out), want);
}

#[actix_rt::test]
async fn only_hellos_may_be_published_and_server_commands_are_unknown() {
    let s = sentinel();
    assert_eq!(
        run(&s, &["PUBLISH", "foo", "bar"]).await,
        "-ERR Only HELLO messages are accepted by Sentinel instances.\r\n"
    );
    assert_eq!(
        run(&s, &["GET", "foo"]).await,
        "-ERR unknown command 'GET', with args beginning with: 'foo' \r\n"
    );
}

/// INFO has the Sentinel's sections only, `redis_mode:sentinel`, and the master line.
#[actix_rt::test]
async fn info_sections() {
    let s = sentinel();
    let info = run(&s, &["INFO"]).await;
    let headers: Vec<&str> = info.lines().filter(|l| l.starts_with('#')).collect();
    assert_eq!(
        headers,
        ["# Server", "# Clients", "# Stats", "# CPU", "# Sentinel"]
    );
    assert!(info.contains("redis_mode:sentinel\r\n"));
    assert!(info.contains(
        "master0:name=mymaster,status=ok,address=10.0.0.1:6379,slaves=0,sentinels=1\r\n"
    ));
    assert_eq!(run(&s, &["INFO", "memory"]).await, "$0\r\n\r\n");
}

/// SENTINEL SET changes the master's actor before the reply, so the next command sees it.
#[actix_rt::test]
async fn set_is_seen_by_the_next_command() {
    let s = sentinel();
    assert_eq!(
        run(&s, &["SENTINEL", "set", "mymaster", "quorum", "3"]).await,
        "+OK\r\n"
    );
    let master = run(&s, &["SENTINEL", "master", "mymaster"]).await;
    assert!(master.contains("$6\r\nquorum\r\n$1\r\n3\r\n"), "{master}");
    assert_eq!(
        run(&s, &["SENTINEL", "set", "mymaster", "quorum", "0"]).await,
        "-ERR Invalid argument '0' for SENTINEL SET 'quorum'\r\n"
    );
}

/// MAILBOX on a Sentinel: the Sentinel's, the master's and the links' mailboxes; INFO shows
/// them with `mailboxes` or `everything` only, after the Sentinel section.
#[actix_rt::test]
async fn mailbox_command_and_info_section() {
    let s = sentinel();
    // The monitor's first pass opens the master's links.
    actix_rt::time::sleep(Duration::from_millis(250)).await;
    let list = run(&s, &["MAILBOX", "LIST", "sentinel/*"]).await;
    assert_eq!(
        list,
        "*4\r\n$10\r\nsentinel/0\r\n$17\r\nsentinel/mymaster\r\n\
         $28\r\nsentinel/mymaster/master/cmd\r\n$31\r\nsentinel/mymaster/master/pubsub\r\n"
    );
    let got = run(&s, &["MAILBOX", "GET", "sentinel/mymaster"]).await;
    assert!(got.starts_with("*22\r\n$6\r\nqueued\r\n"), "{got}");
    assert_eq!(run(&s, &["MAILBOX", "GET", "nosuch"]).await, "$-1\r\n");
    assert_eq!(run(&s, &["MAILBOX", "RESET"]).await, "+OK\r\n");
    assert!(run(&s, &["MAILBOX", "HELP"])
        .await
        .contains("LIST [<pattern>]"));
    let info = run(&s, &["INFO", "mailboxes"]).await;
    let headers: Vec<&str> = info.lines().filter(|l| l.starts_with('#')).collect();
    assert_eq!(headers, ["# Mailboxes"], "{info}");
    assert!(info.contains("\r\nkind_sentinel:instances=4,"), "{info}");
    let every = run(&s, &["INFO", "everything"]).await;
    let headers: Vec<&str> = every.lines().filter(|l| l.starts_with('#')).collect();
    assert_eq!(
        headers,
        [
            "# Server",
            "# Clients",
            "# Stats",
            "# CPU",
            "# Sentinel",
            "# Mailboxes"
        ]
    );
    for plain in [&["INFO"][..], &["INFO", "default"]] {
        assert!(!run(&s, plain).await.contains("Mailboxes"), "{plain:?}");
    }
    let all = run(&s, &["INFO", "all"]).await;
    let all_headers: Vec<&str> = all.lines().filter(|l| l.starts_with('#')).collect();
    let every_headers: Vec<&str> = every.lines().filter(|l| l.starts_with('#')).collect();
    assert_eq!(all_headers, every_headers);
    assert_eq!(run(&s, &["INFO", "nosuch"]).await, "$0\r\n\r\n");
}

/// Every message to the Sentinel and its master's actor is counted when sent and when handled
/// (timer passes as both): once idle, the counts agree and nothing is queued.
#[actix_rt::test]
async fn the_sentinel_and_its_monitor_count_consistently() {
    tokio::time::pause();
    let (s, server) = sentinel_on();
    let mailbox = server.mailboxes.get("sentinel/0").unwrap();
    // A client connection counts its batches in the Sentinel's mailbox.
    let client = Counted::new(s, mailbox);
    let cmds = vec![
        vec![Bytes::from_static(b"PING")],
        vec![
            Bytes::from_static(b"SENTINEL"),
            Bytes::from_static(b"is-master-down-by-addr"),
            Bytes::from_static(b"10.0.0.1"),
            Bytes::from_static(b"6379"),
            Bytes::from_static(b"3"),
            Bytes::from("d".repeat(40)),
        ],
        vec![
            Bytes::from_static(b"SENTINEL"),
            Bytes::from_static(b"set"),
            Bytes::from_static(b"mymaster"),
            Bytes::from_static(b"quorum"),
            Bytes::from_static(b"1"),
        ],
    ];
    for _ in 0..3 {
        client
            .send(Execute {
                session: Session::new(1, true),
                cmds: cmds.clone(),
                out: BytesMut::new(),
            })
            .await
            .unwrap();
        for _ in 0..10 {
            tokio::time::advance(Duration::from_millis(100)).await;
            for _ in 0..20 {
                tokio::task::yield_now().await;
            }
        }
    }
    for name in [
        "sentinel/0",
        "sentinel/mymaster",
        "sentinel/mymaster/master/cmd",
    ] {
        let s = server.mailboxes.get(name).unwrap().snapshot();
        assert!(s.sent > 0 && s.handled <= s.sent, "{s:?}");
        assert_eq!((s.queued, s.in_flight), (0, 0), "{s:?}");
        assert_eq!(s.handled, s.sent, "{s:?}");
    }
    // Three batches, the timer passes and the monitor's events (+new-epoch, +vote-for-leader,
    // +set) and config flushes.
    let sentinel = server.mailboxes.get("sentinel/0").unwrap().snapshot();
    assert!(sentinel.sent > 30, "{sentinel:?}");
}

/// Runs one command as a RESP3 client.
async fn run3(s: &actix::Addr<SentinelActor>, args: &[&str]) -> String {
    let cmd = args.iter().map(|a| Bytes::from(a.to_string())).collect();
    let mut session = Session::new(1, true);
    session.resp = protocol::Resp::V3;
    let done = s
        .send(Execute {
            session,
            cmds: vec![cmd],
            out: BytesMut::new(),
        })
        .await
        .unwrap();
    String::from_utf8_lossy(&done.out).into_owned()
}

/// The `NAME value` pair of `SENTINEL DEBUG`'s reply.
fn debug_pair(name: &str, value: u64) -> String {
    let v = value.to_string();
    format!("${}\r\n{name}\r\n${}\r\n{v}\r\n", name.len(), v.len())
}

/// `SENTINEL DEBUG <param> <value>` changes what `SENTINEL DEBUG` shows, in RESP2 and RESP3;
/// as in Redis's `sentinelSetDebugConfigParameters`, the pairs before a bad one are applied
/// and the ones after it are not.
#[actix_rt::test]
async fn debug_sets_the_timings_it_shows() {
    let s = sentinel();
    let before = run(&s, &["SENTINEL", "DEBUG"]).await;
    assert!(before.starts_with("*26\r\n"), "{before}");
    assert!(
        before.contains(&debug_pair("PING-PERIOD", 1000)),
        "{before}"
    );
    assert_eq!(
        run(&s, &["SENTINEL", "DEBUG", "ping-period", "500"]).await,
        "+OK\r\n"
    );
    let resp2 = run(&s, &["SENTINEL", "DEBUG"]).await;
    assert!(resp2.starts_with("*26\r\n"), "{resp2}");
    assert!(resp2.contains(&debug_pair("PING-PERIOD", 500)), "{resp2}");
    let resp3 = run3(&s, &["SENTINEL", "DEBUG"]).await;
    assert!(resp3.starts_with("%13\r\n"), "{resp3}");
    assert!(resp3.contains(&debug_pair("PING-PERIOD", 500)), "{resp3}");
    // A bad value: info-period applied, ask-period and publish-period not.
    assert_eq!(
        run(
            &s,
            &[
                "SENTINEL",
                "DEBUG",
                "info-period",
                "2000",
                "ask-period",
                "0",
                "publish-period",
                "3000"
            ]
        )
        .await,
        "-ERR Invalid argument '0' for SENTINEL DEBUG 'ask-period'\r\n"
    );
    // An unknown option: TILT-PERIOD applied, election-timeout not.
    assert_eq!(
        run(
            &s,
            &[
                "SENTINEL",
                "DEBUG",
                "TILT-period",
                "100",
                "nosuch",
                "5",
                "election-timeout",
                "5"
            ]
        )
        .await,
        "-ERR Unknown option or number of arguments for SENTINEL DEBUG 'nosuch'\r\n"
    );
    let after = run(&s, &["SENTINEL", "DEBUG"]).await;
    for (name, value) in [
        ("INFO-PERIOD", 2000),
        ("PING-PERIOD", 500),
        ("ASK-PERIOD", 1000),
        ("PUBLISH-PERIOD", 2000),
        ("TILT-PERIOD", 100),
        ("ELECTION-TIMEOUT", 10_000),
    ] {
        assert!(after.contains(&debug_pair(name, value)), "{name}: {after}");
    }
}

/// `default-down-after` and `default-failover-timeout` are taken by a master when SENTINEL
/// MONITOR adds it; masters already there keep theirs.
#[actix_rt::test]
async fn monitor_takes_the_current_defaults() {
    let s = sentinel();
    assert_eq!(
        run(
            &s,
            &[
                "SENTINEL",
                "DEBUG",
                "default-down-after",
                "5000",
                "default-failover-timeout",
                "7000"
            ]
        )
        .await,
        "+OK\r\n"
    );
    assert_eq!(
        run(
            &s,
            &["SENTINEL", "MONITOR", "other", "10.0.0.2", "6380", "2"]
        )
        .await,
        "+OK\r\n"
    );
    let other = run(&s, &["SENTINEL", "master", "other"]).await;
    assert!(
        other.contains(&debug_pair("down-after-milliseconds", 5000)),
        "{other}"
    );
    assert!(
        other.contains(&debug_pair("failover-timeout", 7000)),
        "{other}"
    );
    let old = run(&s, &["SENTINEL", "master", "mymaster"]).await;
    assert!(
        old.contains(&debug_pair("down-after-milliseconds", 30_000)),
        "{old}"
    );
    assert!(
        old.contains(&debug_pair("failover-timeout", 180_000)),
        "{old}"
    );
}

/// Errors the Sentinel answers itself count in `total_error_replies` and errorstats, as Redis
/// counts every error reply: immediate ones and those answered after the master's actor.
#[actix_rt::test]
async fn sentinel_errors_are_counted_like_any_other() {
    let s = sentinel();
    let before = run(&s, &["INFO", "stats"]).await;
    assert!(before.contains("total_error_replies:0\r\n"), "{before}");
    assert!(run(&s, &["SENTINEL", "MASTER", "nosuch"])
        .await
        .starts_with("-ERR No such master with that name"));
    assert!(run(&s, &["SENTINEL", "SET", "mymaster", "quorum", "0"])
        .await
        .starts_with("-ERR"));
    // Answered once the master's actor applied the first pair.
    assert!(run(
        &s,
        &["SENTINEL", "SET", "mymaster", "quorum", "2", "nosuch", "1"]
    )
    .await
    .starts_with("-ERR"));
    assert!(run(&s, &["PUBLISH", "other", "x"])
        .await
        .starts_with("-ERR"));
    let after = run(&s, &["INFO", "stats"]).await;
    assert!(after.contains("total_error_replies:4\r\n"), "{after}");
}
