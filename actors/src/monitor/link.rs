//! A link from a Sentinel to one instance: connects, authenticates, names itself as Redis's
//! Sentinel does (`CLIENT SETNAME sentinel-<id>-cmd|pubsub`), sends the requests its owner asks
//! for and reports every reply (or pub/sub message) back in order, with the time it arrived.
//! Lost connections are reported; the owner decides when to ask for a new one.

use crate::metrics::{Counted, Mailbox};
use crate::outbox::Outbox;
use crate::repl::handshake::encode_command as encode;
use crate::server::unix_ms;
use actix::prelude::*;
use bytes::{Bytes, BytesMut};
use protocol::{Frame, FrameDecoder};
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

/// Which of an instance's two links this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// Commands: PING, INFO, PUBLISH, the failover's MULTI ... EXEC.
    Command,
    /// SUBSCRIBE `__sentinel__:hello`.
    PubSub,
}

impl LinkKind {
    /// `cmd` / `pubsub`: the link's client name ends with it, and so does its mailbox's name.
    pub(crate) fn suffix(self) -> &'static str {
        match self {
            LinkKind::Command => "cmd",
            LinkKind::PubSub => "pubsub",
        }
    }
}

/// How to reach and log into the instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkConfig {
    pub host: String,
    pub port: u16,
    pub kind: LinkKind,
    /// `sentinel auth-user` / `auth-pass` of the master this instance belongs to.
    pub auth_user: Option<String>,
    pub auth_pass: Option<String>,
    /// Our Sentinel id: the link names itself `sentinel-<first 8>-<kind>`.
    pub myid: String,
    /// Which of its owner's instances this link reaches (echoed in every event).
    pub instance: usize,
    /// The mailbox's name, e.g. `sentinel/mymaster/replica/127.0.0.6:6379/cmd`.
    pub label: String,
}

/// Send this command; its reply comes back as [`LinkNews::Reply`] with `tag`.
#[derive(Message, Debug, Clone)]
#[rtype(result = "()")]
pub struct SendCommand {
    pub tag: &'static str,
    pub args: Vec<Bytes>,
}

/// Close the link for good.
#[derive(Message, Debug, Clone, Copy)]
#[rtype(result = "()")]
pub struct CloseLink;

/// What happened on the link, for its owner; `instance` says which of the owner's links.
#[derive(Message, Debug, Clone, PartialEq)]
#[rtype(result = "()")]
pub struct LinkEvent {
    pub instance: usize,
    pub what: LinkNews,
}

/// The news a [`LinkEvent`] carries.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkNews {
    Connected {
        kind: LinkKind,
        at: u64,
        /// Our end's address: what a hello announces without `announce-ip`.
        local_ip: Option<String>,
    },
    Reply {
        kind: LinkKind,
        tag: &'static str,
        frame: Frame,
        at: u64,
    },
    /// A pub/sub message on the pub/sub link.
    Message {
        channel: Bytes,
        payload: Bytes,
        at: u64,
    },
    Disconnected {
        kind: LinkKind,
        reason: String,
    },
}

/// Bytes read, tagged with the connection they came from.
#[derive(Message)]
#[rtype(result = "()")]
struct Read(u64, Result<Bytes, String>);

pub struct InstanceLink {
    cfg: LinkConfig,
    /// Its owner, each event counted in the owner's mailbox.
    owner: Counted<Recipient<LinkEvent>>,
    outbox: Outbox,
    /// Tags of requests sent and not yet answered, in order.
    pending: VecDeque<&'static str>,
    decoder: FrameDecoder,
    buf: BytesMut,
    generation: u64,
    closed: bool,
    mailbox: Arc<Mailbox>,
}

impl InstanceLink {
    pub fn new(
        cfg: LinkConfig,
        owner: Counted<Recipient<LinkEvent>>,
        mailbox: Arc<Mailbox>,
    ) -> Self {
        InstanceLink {
            cfg,
            owner,
            outbox: Outbox::default(),
            pending: VecDeque::new(),
            decoder: FrameDecoder::new(),
            buf: BytesMut::new(),
            generation: 0,
            closed: false,
            mailbox,
        }
    }

    /// What Redis's Sentinel sends first on a new link (`sentinelReconnectInstance`): AUTH
    /// when the master has a password, its name, then SUBSCRIBE on the pub/sub link.
    fn greeting(&mut self) {
        if let Some(pass) = self.cfg.auth_pass.clone() {
            let cmd = match self.cfg.auth_user.clone() {
                Some(user) => encode(&[b"AUTH", user.as_bytes(), pass.as_bytes()]),
                None => encode(&[b"AUTH", pass.as_bytes()]),
            };
            self.queue("auth", cmd);
        }
        let id: String = self.cfg.myid.chars().take(8).collect();
        let name = format!("sentinel-{id}-{}", self.cfg.kind.suffix());
        self.queue("setname", encode(&[b"CLIENT", b"SETNAME", name.as_bytes()]));
        if self.cfg.kind == LinkKind::PubSub {
            self.queue(
                "subscribe",
                encode(&[
                    b"SUBSCRIBE",
                    crate::sentinel::hello::HELLO_CHANNEL.as_bytes(),
                ]),
            );
        }
    }

    fn tell(&self, what: LinkNews) {
        self.owner.do_send(LinkEvent {
            instance: self.cfg.instance,
            what,
        });
    }

    fn queue(&mut self, tag: &'static str, bytes: Vec<u8>) {
        self.pending.push_back(tag);
        self.outbox.push(&bytes);
    }

    fn flush(&mut self, ctx: &mut Context<Self>) {
        Outbox::flush(
            self,
            ctx,
            |l| &mut l.outbox,
            |l, e, ctx| l.lost(e.to_string(), ctx),
        );
    }

    fn lost(&mut self, reason: String, ctx: &mut Context<Self>) {
        self.generation += 1;
        self.outbox.detach();
        self.pending.clear();
        self.tell(LinkNews::Disconnected {
            kind: self.cfg.kind,
            reason,
        });
        ctx.stop();
    }

    fn connected(&mut self, stream: TcpStream, ctx: &mut Context<Self>) {
        let _ = stream.set_nodelay(true);
        let local_ip = stream.local_addr().ok().map(|a| a.ip().to_string());
        let (mut read, write) = stream.into_split();
        self.outbox.attach(write);
        // The reader's messages count in our own mailbox, like anyone else's.
        let me = Counted::new(ctx.address(), self.mailbox.clone());
        let gen = self.generation;
        actix::spawn(async move {
            let mut chunk = vec![0u8; 16 * 1024];
            loop {
                let r = match read.read(&mut chunk).await {
                    Ok(0) => Err("connection closed".to_string()),
                    Ok(n) => Ok(Bytes::copy_from_slice(&chunk[..n])),
                    Err(e) => Err(e.to_string()),
                };
                let stop = r.is_err();
                if me.send(Read(gen, r)).await.is_err() || stop {
                    break;
                }
            }
        });
        self.tell(LinkNews::Connected {
            kind: self.cfg.kind,
            at: unix_ms(),
            local_ip,
        });
        // What the owner asked for before the link was up goes after the greeting.
        let asked = self.outbox.take_queued();
        let tags = std::mem::take(&mut self.pending);
        self.greeting();
        self.outbox.push(&asked);
        self.pending.extend(tags);
        self.flush(ctx);
    }

    /// Every complete frame read: a pub/sub message, or the reply to the oldest request.
    fn frames(&mut self, ctx: &mut Context<Self>) {
        loop {
            let frame = match self.decoder.decode(&mut self.buf) {
                Ok(Some(f)) => f,
                Ok(None) => return,
                Err(e) => {
                    self.lost(format!("Protocol error: {e}"), ctx);
                    return;
                }
            };
            let at = unix_ms();
            if self.cfg.kind == LinkKind::PubSub {
                if let Some((channel, payload)) = message(&frame) {
                    self.tell(LinkNews::Message {
                        channel,
                        payload,
                        at,
                    });
                    continue;
                }
            }
            let tag = self.pending.pop_front().unwrap_or("unexpected");
            self.tell(LinkNews::Reply {
                kind: self.cfg.kind,
                tag,
                frame,
                at,
            });
        }
    }
}

/// `["message", channel, payload]`, as a subscriber receives it.
fn message(frame: &Frame) -> Option<(Bytes, Bytes)> {
    let Frame::Array(items) = frame else {
        return None;
    };
    match items.as_slice() {
        [Frame::Bulk(kind), Frame::Bulk(ch), Frame::Bulk(payload)]
            if kind[..] == b"message"[..] =>
        {
            Some((ch.clone(), payload.clone()))
        }
        _ => None,
    }
}

impl Actor for InstanceLink {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        let addr = format!("{}:{}", self.cfg.host, self.cfg.port);
        let gen = self.generation;
        ctx.spawn(
            async move { tokio::time::timeout(Duration::from_secs(5), TcpStream::connect(addr)).await }
                .into_actor(self)
                .map(move |res, act, ctx| {
                    if act.generation != gen || act.closed {
                        return;
                    }
                    match res {
                        Ok(Ok(stream)) => act.connected(stream, ctx),
                        Ok(Err(e)) => act.lost(e.to_string(), ctx),
                        Err(_) => act.lost("connection timed out".into(), ctx),
                    }
                }),
        );
    }
}

impl Handler<Read> for InstanceLink {
    type Result = ();

    fn handle(&mut self, msg: Read, ctx: &mut Self::Context) {
        let _h = self.mailbox.handling();
        if msg.0 != self.generation || self.closed {
            return;
        }
        match msg.1 {
            Ok(data) => {
                self.buf.extend_from_slice(&data);
                self.frames(ctx);
            }
            Err(e) => self.lost(e, ctx),
        }
    }
}

impl Handler<SendCommand> for InstanceLink {
    type Result = ();

    fn handle(&mut self, msg: SendCommand, ctx: &mut Self::Context) {
        let _h = self.mailbox.handling();
        let args: Vec<&[u8]> = msg.args.iter().map(|a| a.as_ref()).collect();
        self.queue(msg.tag, encode(&args));
        self.flush(ctx);
    }
}

impl Handler<CloseLink> for InstanceLink {
    type Result = ();

    fn handle(&mut self, _: CloseLink, ctx: &mut Self::Context) {
        let _h = self.mailbox.handling();
        self.closed = true;
        self.generation += 1;
        self.outbox.detach();
        ctx.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;
    use tokio::io::AsyncWriteExt;

    /// Records what the link reports.
    struct Owner(Arc<Mutex<Vec<LinkEvent>>>);

    impl Actor for Owner {
        type Context = Context<Self>;
    }

    impl Handler<LinkEvent> for Owner {
        type Result = ();
        fn handle(&mut self, msg: LinkEvent, _: &mut Context<Self>) {
            self.0.lock().unwrap().push(msg);
        }
    }

    /// The owner as a link sees it: its events counted in a mailbox of the owner's.
    fn counted(owner: Addr<Owner>) -> Counted<Recipient<LinkEvent>> {
        let mailbox = crate::metrics::MailboxRegistry::new().register("owner");
        Counted::new(owner.recipient(), mailbox)
    }

    fn cfg(port: u16, kind: LinkKind) -> LinkConfig {
        LinkConfig {
            host: "127.0.0.1".into(),
            port,
            kind,
            auth_user: None,
            auth_pass: Some("redis".into()),
            myid: "0123456789abcdef0123456789abcdef01234567".into(),
            instance: 0,
            label: "sentinel/test/master/cmd".into(),
        }
    }

    async fn wait_for(events: &Arc<Mutex<Vec<LinkEvent>>>, n: usize) -> Vec<LinkEvent> {
        for _ in 0..400 {
            if events.lock().unwrap().len() >= n {
                break;
            }
            actix_rt::time::sleep(Duration::from_millis(5)).await;
        }
        events.lock().unwrap().clone()
    }

    /// Against a real redis-server when the machine has one (CI installs it).
    fn redis(port: u16, dir: &std::path::Path) -> Option<std::process::Child> {
        std::process::Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--requirepass",
                "redis",
                "--dir",
                &dir.display().to_string(),
            ])
            .stdout(std::process::Stdio::null())
            .spawn()
            .ok()
    }

    fn free_port() -> u16 {
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    }

    #[actix_rt::test]
    async fn a_command_link_logs_in_names_itself_and_answers_in_order() {
        let port = free_port();
        let dir = std::env::temp_dir().join(format!("redactor-link-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let Some(mut child) = redis(port, &dir) else {
            return;
        };
        actix_rt::time::sleep(Duration::from_millis(300)).await;
        let events = Arc::new(Mutex::new(Vec::new()));
        let owner = Owner(events.clone()).start();
        let mailbox = crate::metrics::MailboxRegistry::new().register("link");
        let link = InstanceLink::new(cfg(port, LinkKind::Command), counted(owner), mailbox).start();
        link.do_send(SendCommand {
            tag: "ping",
            args: vec![Bytes::from_static(b"PING")],
        });
        link.do_send(SendCommand {
            tag: "name",
            args: vec![
                Bytes::from_static(b"CLIENT"),
                Bytes::from_static(b"GETNAME"),
            ],
        });
        let got = wait_for(&events, 5).await;
        let _ = child.kill();
        let _ = child.wait();
        let _ = std::fs::remove_dir_all(&dir);
        assert!(matches!(got[0].what, LinkNews::Connected { .. }), "{got:?}");
        let replies: Vec<(&str, Frame)> = got
            .iter()
            .filter_map(|e| match &e.what {
                LinkNews::Reply { tag, frame, .. } => Some((*tag, frame.clone())),
                _ => None,
            })
            .collect();
        assert_eq!(
            replies,
            vec![
                ("auth", Frame::Simple(Bytes::from_static(b"OK"))),
                ("setname", Frame::Simple(Bytes::from_static(b"OK"))),
                ("ping", Frame::Simple(Bytes::from_static(b"PONG"))),
                (
                    "name",
                    Frame::Bulk(Bytes::from_static(b"sentinel-01234567-cmd"))
                ),
            ]
        );
    }

    #[actix_rt::test]
    async fn a_pubsub_link_hears_hellos() {
        let port = free_port();
        let dir = std::env::temp_dir().join(format!("redactor-link-ps-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let Some(mut child) = redis(port, &dir) else {
            return;
        };
        actix_rt::time::sleep(Duration::from_millis(300)).await;
        let events = Arc::new(Mutex::new(Vec::new()));
        let owner = Owner(events.clone()).start();
        let mailbox = crate::metrics::MailboxRegistry::new().register("link");
        let _sub = InstanceLink::new(
            cfg(port, LinkKind::PubSub),
            counted(owner.clone()),
            mailbox.clone(),
        )
        .start();
        // Subscribed (connected, auth, setname, subscribe) before anything is published.
        wait_for(&events, 4).await;
        let publisher =
            InstanceLink::new(cfg(port, LinkKind::Command), counted(owner), mailbox).start();
        publisher.do_send(SendCommand {
            tag: "publish",
            args: vec![
                Bytes::from_static(b"PUBLISH"),
                Bytes::from_static(b"__sentinel__:hello"),
                Bytes::from_static(b"127.0.0.25,26379,id,0,mymaster,127.0.0.5,6379,0"),
            ],
        });
        let got = wait_for(&events, 9).await;
        let _ = child.kill();
        let _ = child.wait();
        let _ = std::fs::remove_dir_all(&dir);
        let hello = got.iter().find_map(|e| match &e.what {
            LinkNews::Message {
                channel, payload, ..
            } => Some((channel.clone(), payload.clone())),
            _ => None,
        });
        assert_eq!(
            hello,
            Some((
                Bytes::from_static(b"__sentinel__:hello"),
                Bytes::from_static(b"127.0.0.25,26379,id,0,mymaster,127.0.0.5,6379,0")
            )),
            "{got:?}"
        );
    }

    /// The link's mailbox counts the commands it is sent and the reads of its own reader
    /// task, and handles each once: idle, nothing is queued and the counts agree.
    #[actix_rt::test]
    async fn the_mailbox_counts_commands_and_reads() {
        // A fake instance: every read answered with one +OK per command in it.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        actix::spawn(async move {
            let (mut sock, _) = listener.accept().await.unwrap();
            let mut buf = vec![0u8; 4096];
            loop {
                let n = match sock.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => n,
                };
                let cmds = buf[..n].iter().filter(|b| **b == b'*').count();
                if sock.write_all(&b"+OK\r\n".repeat(cmds)).await.is_err() {
                    return;
                }
            }
        });
        let events = Arc::new(Mutex::new(Vec::new()));
        let owner = Owner(events.clone()).start();
        let reg = crate::metrics::MailboxRegistry::new();
        let mailbox = reg.register("sentinel/test/master/cmd");
        let link = InstanceLink::new(
            cfg(port, LinkKind::Command),
            counted(owner),
            mailbox.clone(),
        );
        let link = Counted::new(link.start(), mailbox.clone());
        let send = link.recipient::<SendCommand>();
        for _ in 0..3 {
            send.do_send(SendCommand {
                tag: "ping",
                args: vec![Bytes::from_static(b"PING")],
            });
        }
        assert_eq!(mailbox.snapshot().sent, 3);
        // Connected, then auth, setname and the three pings answered.
        let got = wait_for(&events, 6).await;
        assert_eq!(got.len(), 6, "{got:?}");
        let s = mailbox.snapshot();
        assert!(s.sent > 3, "the reads count too: {s:?}");
        assert_eq!(
            (s.handled, s.queued, s.in_flight, s.refused),
            (s.sent, 0, 0, 0),
            "{s:?}"
        );
        let before = s.sent;
        link.recipient::<CloseLink>().send(CloseLink).await.unwrap();
        let s = mailbox.snapshot();
        assert_eq!((s.sent, s.handled), (before + 1, before + 1), "{s:?}");
    }
}
