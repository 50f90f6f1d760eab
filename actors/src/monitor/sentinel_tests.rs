//! The Sentinel actor alone, driven through `Execute` as a client connection drives it. Its
//! master's actor is real; that actor's links are probes that never connect, so every
//! answer comes from the Sentinel's own state and its master's vote.

use super::*;
use crate::config::{FixedConfig, Tunables};
use crate::monitor::link::{CloseLink, LinkConfig, LinkEvent, SendCommand};
use crate::monitor::master::LinkHandle;
use crate::server::ServerContext;

const MYID: &str = "0000000000000000000000000000000000000001";

struct DeadLink;

impl Actor for DeadLink {
    type Context = Context<Self>;
}

impl Handler<SendCommand> for DeadLink {
    type Result = ();
    fn handle(&mut self, _: SendCommand, _: &mut Context<Self>) {}
}

impl Handler<CloseLink> for DeadLink {
    type Result = ();
    fn handle(&mut self, _: CloseLink, _: &mut Context<Self>) {}
}

fn sentinel() -> actix::Addr<SentinelActor> {
    let server = Arc::new(
        ServerContext::new(
            Arc::new(FixedConfig(Arc::new(Tunables::default()))),
            slog::Logger::root(slog::Discard, slog::o!()),
            || 0,
        )
        .with_sentinel_mode(),
    );
    let shared = Arc::new(Shared::new(MYID.into(), 0, 26379, server));
    let mut cfg = SentinelConfig::default();
    cfg.masters
        .push(MasterConfig::new("mymaster", "10.0.0.1", 6379, 2));
    let links: LinkSpawner = Arc::new(|_: LinkConfig, _: Recipient<LinkEvent>| {
        let probe = DeadLink.start();
        LinkHandle {
            send: probe.clone().recipient(),
            close: probe.recipient(),
        }
    });
    let log = slog::Logger::root(slog::Discard, slog::o!());
    SentinelActor::new(shared, cfg, links, log).start()
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
