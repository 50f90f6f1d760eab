//! One monitored master: the actor around [`MasterState`]. It owns the links to the master, to
//! each of its replicas and to each other Sentinel watching it; every 100 ms (Redis's
//! `sentinelTimer` at hz 10) it sends the periodic PING / INFO / hello, checks subjective and
//! objective down, asks the other Sentinels for their opinion and votes, and steps the failover.
//! What it decides is pure code in [`crate::sentinel::state`]; this shell turns the decisions'
//! actions into commands on links and their events into [`EventRaised`] for the Sentinel.

use super::link::{
    CloseLink, InstanceLink, LinkConfig, LinkEvent, LinkKind, LinkNews, SendCommand,
};
use super::shared::{lock, Shared, View};
use crate::metrics::{Counted, Mailbox};
use crate::sentinel::config::MasterConfig;
use crate::sentinel::hello::{self, Hello, HELLO_CHANNEL};
use crate::sentinel::state::{Action, InfoFields, MasterState, Peer, Replica, Step};
use crate::sentinel::{Addr, Event, MAX_DESYNC};
use crate::server::Rng;
use actix::prelude::*;
use bytes::Bytes;
use protocol::Frame;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// `SENTINEL_MAX_PENDING_COMMANDS`: a link this far behind gets no more periodic commands.
const MAX_PENDING: usize = 100;
/// The longest gap between timer passes (`server.hz` 10, randomised up to 20).
const TICK: Duration = Duration::from_millis(100);

/// A Sentinel event, to be logged, published and handed to the notification script.
#[derive(Message, Debug, Clone, PartialEq, Eq)]
#[rtype(result = "()")]
pub struct EventRaised {
    pub master: String,
    pub event: Event,
}

/// The state worth saving changed: the Sentinel rewrites its config file.
#[derive(Message, Debug, Clone, Copy, PartialEq, Eq)]
#[rtype(result = "()")]
pub struct ConfigChanged;

/// A warning for the Sentinel's log that is not an event (`<runid> voted for ...`, `Next
/// failover delay ...`): it goes through the Sentinel so that it lands in order with the
/// events around it.
#[derive(Message, Debug, Clone, PartialEq, Eq)]
#[rtype(result = "()")]
pub struct Noted(pub String);

/// Who a monitor reports to: the Sentinel, each send counted in its mailbox.
#[derive(Clone)]
pub struct MonitorPeers {
    pub events: Counted<Recipient<EventRaised>>,
    pub notes: Counted<Recipient<Noted>>,
    pub config: Counted<Recipient<ConfigChanged>>,
}

/// The two ends of a link the monitor uses, each send counted in the link's mailbox.
#[derive(Clone)]
pub struct LinkHandle {
    pub send: Counted<Recipient<SendCommand>>,
    pub close: Counted<Recipient<CloseLink>>,
}

/// Starts a link reporting to its owner (the monitor, counted in the monitor's mailbox);
/// tests inject one that records what it is asked to do.
pub type LinkSpawner =
    Arc<dyn Fn(LinkConfig, Counted<Recipient<LinkEvent>>) -> LinkHandle + Send + Sync>;

/// The real thing: an [`InstanceLink`] actor with its own mailbox.
pub fn spawn_instance_link(shared: &Arc<Shared>) -> LinkSpawner {
    let shared = shared.clone();
    Arc::new(
        move |cfg: LinkConfig, owner: Counted<Recipient<LinkEvent>>| {
            let mailbox = shared.server.mailboxes.register(cfg.label.clone());
            let link = InstanceLink::new(cfg, owner, mailbox.clone()).start();
            let link = Counted::new(link, mailbox);
            LinkHandle {
                send: link.recipient(),
                close: link.recipient(),
            }
        },
    )
}

/// `SENTINEL is-master-down-by-addr` reached this master: our opinion, and our vote when
/// `runid` is not `*`.
#[derive(Message, Debug, Clone)]
#[rtype(result = "MasterDownAnswer")]
pub struct AskMasterDown {
    pub req_epoch: u64,
    pub runid: String,
}

#[derive(MessageResponse, Debug, Clone, PartialEq, Eq)]
pub struct MasterDownAnswer {
    pub down: bool,
    pub leader: Option<String>,
    pub leader_epoch: u64,
}

/// A hello delivered to us directly (another Sentinel's `PUBLISH __sentinel__:hello`).
#[derive(Message, Debug, Clone)]
#[rtype(result = "()")]
pub struct HelloHeard(pub Hello);

/// `SENTINEL FAILOVER`: start one now without asking anyone.
#[derive(Message, Debug, Clone, Copy)]
#[rtype(result = "Result<(), String>")]
pub struct ForceFailover;

/// `SENTINEL SET` / `RESET`: change the settings (or forget replicas and peers) and publish
/// the new view before answering.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Reconfigure(pub Change);

/// A change to a master's state and settings, made inside its actor.
pub type Change = Box<dyn FnOnce(&mut MasterState, &mut MasterConfig) + Send>;

/// `SENTINEL RESET`: forget replicas, peers and any failover; links are rebuilt.
#[derive(Message, Debug, Clone, Copy)]
#[rtype(result = "()")]
pub struct ResetMaster;

/// `SENTINEL REMOVE`: close every link and stop.
#[derive(Message, Debug, Clone, Copy)]
#[rtype(result = "()")]
pub struct StopMonitoring;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Target {
    Master,
    Replica(Addr),
    Peer(String),
}

#[derive(Default)]
struct Links {
    cmd: Option<(usize, LinkHandle)>,
    pubsub: Option<(usize, LinkHandle)>,
    pending: usize,
    last_pub_time: u64,
    last_reconn_time: u64,
    local_ip: Option<String>,
}

/// Unix ms derived from tokio's clock, so that tests can pause and advance it.
#[derive(Clone, Copy)]
pub struct Clock {
    base_unix: u64,
    base: tokio::time::Instant,
}

impl Clock {
    pub fn new() -> Clock {
        Clock {
            base_unix: crate::server::unix_ms(),
            base: tokio::time::Instant::now(),
        }
    }
    pub fn now(&self) -> u64 {
        self.base_unix + self.base.elapsed().as_millis() as u64
    }
}

impl Default for Clock {
    fn default() -> Self {
        Clock::new()
    }
}

pub struct MasterMonitor {
    state: MasterState,
    cfg: MasterConfig,
    shared: Arc<Shared>,
    peers: MonitorPeers,
    spawn_link: LinkSpawner,
    links: HashMap<Target, Links>,
    owners: HashMap<usize, (Target, LinkKind)>,
    next_link: usize,
    clock: Clock,
    info: HashMap<Target, (u64, String)>,
    rng: Rng,
    flush: bool,
    /// The `failover_start_time` whose delay was logged (`failover_delay_logged`).
    failover_delay_logged: u64,
    log: slog::Logger,
    mailbox: Arc<Mailbox>,
}

impl MasterMonitor {
    /// A monitor for `cfg`, remembering the replicas and Sentinels the config file lists.
    pub fn new(
        cfg: MasterConfig,
        shared: Arc<Shared>,
        peers: MonitorPeers,
        spawn_link: LinkSpawner,
        clock: Clock,
        log: slog::Logger,
    ) -> Self {
        let now = clock.now();
        let mut state = MasterState::new(
            cfg.name.clone(),
            Addr::new(cfg.host.clone(), cfg.port),
            cfg.quorum,
            now,
        );
        state.inst.down_after_period = cfg.down_after_ms;
        state.inst.master_reboot_down_after_period = cfg.master_reboot_down_after_period;
        state.failover_timeout = cfg.failover_timeout_ms;
        state.parallel_syncs = cfg.parallel_syncs as usize;
        state.config_epoch = cfg.config_epoch;
        state.vote.leader_epoch = cfg.leader_epoch;
        for (host, port) in &cfg.known_replicas {
            state.replicas.push(Replica::new(
                Addr::new(host.clone(), *port),
                now,
                cfg.down_after_ms,
            ));
        }
        for (host, port, runid) in &cfg.known_sentinels {
            state.sentinels.push(Peer::new(
                runid,
                Addr::new(host.clone(), *port),
                now,
                cfg.down_after_ms,
            ));
        }
        let mailbox = shared
            .server
            .mailboxes
            .register(format!("sentinel/{}", cfg.name));
        let seed = crate::server::unix_us() ^ (shared.myid.len() as u64) << 32 ^ cfg.port as u64;
        let mut m = MasterMonitor {
            state,
            cfg,
            shared,
            peers,
            spawn_link,
            links: HashMap::new(),
            owners: HashMap::new(),
            next_link: 0,
            clock,
            info: HashMap::new(),
            rng: Rng::new(seed),
            flush: false,
            failover_delay_logged: 0,
            log,
            mailbox,
        };
        // The view exists from the start, so that a config flush right away includes it.
        m.finish();
        m
    }

    /// Its mailbox (`sentinel/<master>`): whoever sends to it counts there.
    pub fn mailbox(&self) -> Arc<Mailbox> {
        self.mailbox.clone()
    }

    fn targets(&self) -> Vec<Target> {
        let mut t = vec![Target::Master];
        t.extend(
            self.state
                .replicas
                .iter()
                .map(|r| Target::Replica(r.inst.addr.clone())),
        );
        t.extend(
            self.state
                .sentinels
                .iter()
                .map(|p| Target::Peer(p.runid.clone())),
        );
        t
    }

    fn instance(&mut self, t: &Target) -> Option<&mut crate::sentinel::state::Instance> {
        match t {
            Target::Master => Some(&mut self.state.inst),
            Target::Replica(a) => self
                .state
                .replicas
                .iter_mut()
                .find(|r| r.inst.addr == *a)
                .map(|r| &mut r.inst),
            Target::Peer(id) => self
                .state
                .sentinels
                .iter_mut()
                .find(|p| p.runid == *id)
                .map(|p| &mut p.inst),
        }
    }

    fn addr_of(&self, t: &Target) -> Option<Addr> {
        match t {
            Target::Master => Some(self.state.inst.addr.clone()),
            Target::Replica(a) => Some(a.clone()),
            Target::Peer(id) => self
                .state
                .sentinels
                .iter()
                .find(|p| p.runid == *id)
                .map(|p| p.inst.addr.clone()),
        }
    }

    fn target_at(&self, addr: &Addr) -> Option<Target> {
        if self.state.inst.addr == *addr {
            return Some(Target::Master);
        }
        self.state
            .replicas
            .iter()
            .any(|r| r.inst.addr == *addr)
            .then(|| Target::Replica(addr.clone()))
    }

    /// `sentinelReconnectInstance`: open what is missing, at most once per `ping-period`.
    fn ensure_links(&mut self, t: &Target, now: u64, ctx: &mut Context<Self>) {
        let Some(addr) = self.addr_of(t) else { return };
        let wants_pubsub = !matches!(t, Target::Peer(_));
        let entry = self.links.entry(t.clone()).or_default();
        let missing = entry.cmd.is_none() || (wants_pubsub && entry.pubsub.is_none());
        if !missing || now.saturating_sub(entry.last_reconn_time) < self.state.timings.ping_period {
            return;
        }
        entry.last_reconn_time = now;
        let (user, pass) = match t {
            Target::Peer(_) => lock(&self.shared.peer_auth).clone(),
            _ => (self.cfg.auth_user.clone(), self.cfg.auth_pass.clone()),
        };
        let mut kinds = Vec::new();
        if entry.cmd.is_none() {
            kinds.push(LinkKind::Command);
        }
        if wants_pubsub && entry.pubsub.is_none() {
            kinds.push(LinkKind::PubSub);
        }
        for kind in kinds {
            let id = self.next_link;
            self.next_link += 1;
            let cfg = LinkConfig {
                host: addr.host.clone(),
                port: addr.port,
                kind,
                auth_user: user.clone(),
                auth_pass: pass.clone(),
                myid: self.shared.myid.clone(),
                instance: id,
                label: self.link_label(t, &addr, kind),
            };
            let owner = Counted::new(ctx.address(), self.mailbox.clone()).recipient();
            let handle = (self.spawn_link)(cfg, owner);
            self.owners.insert(id, (t.clone(), kind));
            let entry = self.links.entry(t.clone()).or_default();
            match kind {
                LinkKind::Command => {
                    entry.cmd = Some((id, handle));
                    entry.pending = 0;
                }
                LinkKind::PubSub => entry.pubsub = Some((id, handle)),
            }
            if kind == LinkKind::Command {
                // A PING goes out at once (it waits in the link until connected): the
                // instance has until down-after from the link's creation to answer.
                let ping = self.command("PING");
                if self.send(t, "ping", vec![ping]) {
                    if let Some(inst) = self.instance(t) {
                        inst.link.ping_sent(now);
                    }
                }
            }
        }
    }

    /// `sentinel/<master>/master|replica/<addr>|sentinel/<addr>/cmd|pubsub`.
    fn link_label(&self, t: &Target, addr: &Addr, kind: LinkKind) -> String {
        let who = match t {
            Target::Master => "master".to_string(),
            Target::Replica(_) => format!("replica/{addr}"),
            Target::Peer(_) => format!("sentinel/{addr}"),
        };
        format!("sentinel/{}/{who}/{}", self.state.inst.name, kind.suffix())
    }

    fn close_link(&mut self, t: &Target, kind: LinkKind) {
        let Some(entry) = self.links.get_mut(t) else {
            return;
        };
        let slot = match kind {
            LinkKind::Command => entry.cmd.take(),
            LinkKind::PubSub => entry.pubsub.take(),
        };
        if let Some((id, h)) = slot {
            self.owners.remove(&id);
            h.close.do_send(CloseLink);
        }
        if kind == LinkKind::Command {
            entry.pending = 0;
        }
        if let Some(inst) = self.instance(t) {
            inst.link.disconnected = true;
            match kind {
                LinkKind::Command => inst.link.cc_conn_time = None,
                LinkKind::PubSub => inst.link.pc_conn_time = None,
            }
        }
    }

    fn close_all(&mut self, keep_peers: bool) {
        for t in self.links.keys().cloned().collect::<Vec<_>>() {
            if keep_peers && matches!(t, Target::Peer(_)) {
                continue;
            }
            self.close_link(&t, LinkKind::Command);
            self.close_link(&t, LinkKind::PubSub);
            self.links.remove(&t);
        }
    }

    /// The command name to send, after the master's `rename-command`s.
    fn command(&self, name: &str) -> Bytes {
        let renamed = self
            .cfg
            .renamed_commands
            .iter()
            .find(|(from, _)| from.eq_ignore_ascii_case(name))
            .map(|(_, to)| to.clone());
        Bytes::from(renamed.unwrap_or_else(|| name.to_string()))
    }

    fn send(&mut self, t: &Target, tag: &'static str, args: Vec<Bytes>) -> bool {
        let Some(entry) = self.links.get_mut(t) else {
            return false;
        };
        let Some((_, h)) = &entry.cmd else {
            return false;
        };
        h.send.do_send(SendCommand { tag, args });
        entry.pending += 1;
        true
    }

    /// `sentinelSendPeriodicCommands`.
    fn periodic(&mut self, t: &Target, now: u64) {
        let connected = self.links.get(t).is_some_and(|l| l.cmd.is_some());
        let Some(inst) = self.instance(t).map(|i| i.clone()) else {
            return;
        };
        if !connected || inst.link.disconnected {
            return;
        }
        let (pending, last_pub) = self
            .links
            .get(t)
            .map_or((0, 0), |l| (l.pending, l.last_pub_time));
        if pending >= MAX_PENDING {
            return;
        }
        let info_period = match t {
            Target::Replica(a) => {
                let link_down = self
                    .state
                    .replicas
                    .iter()
                    .find(|r| r.inst.addr == *a)
                    .is_some_and(|r| r.master_link_down_time != 0);
                if self.state.o_down || self.state.failover_in_progress || link_down {
                    // A literal second in Redis, whatever info-period says.
                    1000
                } else {
                    self.state.timings.info_period
                }
            }
            _ => self.state.timings.info_period,
        };
        if !matches!(t, Target::Peer(_))
            && (inst.info_refresh == 0 || now.saturating_sub(inst.info_refresh) > info_period)
        {
            let info = self.command("INFO");
            self.send(t, "info", vec![info]);
        }
        if inst
            .link
            .should_ping(now, inst.down_after_period, self.state.timings.ping_period)
        {
            let ping = self.command("PING");
            if self.send(t, "ping", vec![ping]) {
                if let Some(i) = self.instance(t) {
                    i.link.ping_sent(now);
                }
            }
        }
        if now.saturating_sub(last_pub) > self.state.timings.publish_period {
            self.send_hello(t, now);
        }
    }

    /// `sentinelSendHello`: our address, epoch, and the master as we know it.
    fn send_hello(&mut self, t: &Target, now: u64) {
        let local = self.links.get(t).and_then(|l| l.local_ip.clone());
        let (ip, port) = self.shared.announced(local.as_deref());
        let addr = self.state.current_address().clone();
        let h = Hello {
            sentinel_ip: ip,
            sentinel_port: port,
            runid: self.shared.myid.clone(),
            current_epoch: self.shared.current_epoch(),
            master_name: self.state.inst.name.clone(),
            master_ip: addr.host,
            master_port: addr.port,
            master_config_epoch: self.state.config_epoch,
        };
        let publish = self.command("PUBLISH");
        let args = vec![
            publish,
            Bytes::from_static(HELLO_CHANNEL.as_bytes()),
            Bytes::from(h.to_string()),
        ];
        if self.send(t, "publish", args) {
            if let Some(l) = self.links.get_mut(t) {
                l.last_pub_time = now;
            }
        }
    }

    /// `sentinelAskMasterStateToOtherSentinels`.
    fn ask_peers(&mut self, now: u64, forced: bool) {
        let myid = self.shared.myid.clone();
        let (ask, runid) = self.state.peers_to_ask(now, forced, &myid);
        let addr = self.state.inst.addr.clone();
        let epoch = self.shared.current_epoch();
        for i in ask {
            let t = Target::Peer(self.state.sentinels[i].runid.clone());
            let args = vec![
                self.command("SENTINEL"),
                Bytes::from_static(b"is-master-down-by-addr"),
                Bytes::from(addr.host.clone()),
                Bytes::from(addr.port.to_string()),
                Bytes::from(epoch.to_string()),
                Bytes::from(runid.clone()),
            ];
            self.send(&t, "is-master-down", args);
        }
    }

    fn desync(&mut self) -> u64 {
        self.rng.below(MAX_DESYNC)
    }

    /// Emits the step's events and carries out its actions.
    fn apply(&mut self, step: Step) {
        if step.events.iter().any(|e| e.kind == "+promoted-slave") {
            // `sentinelForceHelloUpdateForMaster`: the new configuration goes out at the next
            // pass instead of up to 2 s later, so the other Sentinels switch at once.
            for l in self.links.values_mut() {
                l.last_pub_time = 0;
            }
        }
        for event in step.events {
            self.peers.events.do_send(EventRaised {
                master: self.state.inst.name.clone(),
                event,
            });
        }
        for action in step.actions {
            match action {
                Action::SlaveOf { target, master } => self.send_slaveof(&target, master.as_ref()),
                Action::CloseCommandLink { target } => {
                    if let Some(t) = self.target_of(&target) {
                        self.close_link(&t, LinkKind::Command);
                    }
                }
                Action::ClosePubsubLink { target } => {
                    if let Some(t) = self.target_of(&target) {
                        self.close_link(&t, LinkKind::PubSub);
                    }
                }
                Action::ResetMasterLinks => self.close_all(true),
                Action::FlushConfig => self.flush = true,
            }
        }
    }

    fn target_of(&self, addr: &Addr) -> Option<Target> {
        self.target_at(addr).or_else(|| {
            self.state
                .sentinels
                .iter()
                .find(|p| p.inst.addr == *addr)
                .map(|p| Target::Peer(p.runid.clone()))
        })
    }

    /// `sentinelSendSlaveOf`: one transaction, so the instance is never left half-configured.
    fn send_slaveof(&mut self, target: &Addr, master: Option<&Addr>) {
        let Some(t) = self.target_at(target) else {
            return;
        };
        let (host, port) = match master {
            Some(m) => (Bytes::from(m.host.clone()), Bytes::from(m.port.to_string())),
            None => (Bytes::from_static(b"NO"), Bytes::from_static(b"ONE")),
        };
        let multi = self.command("MULTI");
        let slaveof = self.command("SLAVEOF");
        let config = self.command("CONFIG");
        let client = self.command("CLIENT");
        let exec = self.command("EXEC");
        let kill = |kind: &'static [u8]| {
            vec![
                client.clone(),
                Bytes::from_static(b"KILL"),
                Bytes::from_static(b"TYPE"),
                Bytes::from_static(kind),
            ]
        };
        let cmds: Vec<(&'static str, Vec<Bytes>)> = vec![
            ("multi", vec![multi]),
            ("slaveof", vec![slaveof, host, port]),
            ("rewrite", vec![config, Bytes::from_static(b"REWRITE")]),
            ("kill", kill(b"normal")),
            ("kill", kill(b"pubsub")),
            ("exec", vec![exec]),
        ];
        for (tag, args) in cmds {
            self.send(&t, tag, args);
        }
    }

    /// `sentinelStartFailoverIfNeeded`'s note, once per attempt, when ODOWN comes too soon
    /// after the last failover attempt (or a vote for another Sentinel) to start one.
    fn log_failover_delay(&mut self, now: u64) {
        let check = crate::sentinel::vote::start_failover_check(
            now,
            self.state.o_down,
            self.state.failover_in_progress,
            self.state.failover_start_time,
            self.state.failover_timeout,
        );
        if let crate::sentinel::vote::StartCheck::TooSoon { not_before } = check {
            if self.failover_delay_logged != self.state.failover_start_time {
                self.failover_delay_logged = self.state.failover_start_time;
                self.peers.notes.do_send(Noted(format!(
                    "Next failover delay: I will not start a failover before {}",
                    ctime(not_before / 1000)
                )));
            }
        }
    }

    /// The next timer pass in 50 to 100 ms: Redis's Sentinel changes `hz` at random on every
    /// pass so that Sentinels do not act in lockstep (and start failovers at the same moment).
    fn schedule_tick(&mut self, ctx: &mut Context<Self>) {
        let jitter = self.rng.below(TICK.as_millis() as u64 / 2);
        let next = TICK - Duration::from_millis(jitter);
        ctx.run_later(next, |act, ctx| {
            let _h = act.mailbox.tick();
            act.tick(ctx);
            act.schedule_tick(ctx);
        });
    }

    /// One pass of `sentinelHandleRedisInstance` over the master, its replicas and peers.
    fn tick(&mut self, ctx: &mut Context<Self>) {
        let now = self.clock.now();
        // Redis's timer reads the `sentinel_*` globals on every pass: so do we, once.
        self.state.timings = self.shared.timings();
        if let Some(event) = self.shared.check_tilt(crate::server::unix_ms()) {
            self.peers.events.do_send(EventRaised {
                master: String::new(),
                event,
            });
        }
        for t in self.targets() {
            self.ensure_links(&t, now, ctx);
            self.periodic(&t, now);
        }
        if !self.shared.in_tilt() {
            let mut step = self.state.check_sdown(now);
            for i in 0..self.state.replicas.len() {
                let s = self.state.check_replica_sdown(i, now);
                merge(&mut step, s);
            }
            for i in 0..self.state.sentinels.len() {
                let s = self.state.check_peer_sdown(i, now);
                merge(&mut step, s);
            }
            merge(&mut step, self.state.check_odown(now));
            self.apply(step);
            self.log_failover_delay(now);
            let desync = self.desync();
            let shared = self.shared.clone();
            let (started, step) =
                shared.with_epoch(|e| self.state.start_failover_if_needed(now, e, desync));
            self.apply(step);
            if started {
                self.ask_peers(now, true);
            }
            let myid = shared.myid.clone();
            let desync = self.desync();
            let step = shared.with_epoch(|e| self.state.failover_step(now, e, &myid, desync));
            self.apply(step);
            self.ask_peers(now, false);
            if self.state.failover_state == crate::sentinel::state::FailoverState::UpdateConfig {
                let step = self.state.switch_to_promoted(now);
                self.info.retain(|t, _| matches!(t, Target::Peer(_)));
                self.apply(step);
            }
        }
        self.finish();
    }

    /// Publishes the view and, when something worth saving changed, asks for a config flush.
    fn finish(&mut self) {
        let pending = |m: &Self, t: Target| m.links.get(&t).map_or(0, |l| l.pending);
        let mut info = Vec::new();
        for t in self.targets() {
            if let (Some((at, text)), Some(addr)) = (self.info.get(&t), self.addr_of(&t)) {
                if !matches!(t, Target::Peer(_)) {
                    info.push((addr, *at, text.clone()));
                }
            }
        }
        let view = View {
            state: self.state.clone(),
            cfg: self.cfg.clone(),
            pending_master: pending(self, Target::Master),
            pending_replicas: self
                .state
                .replicas
                .iter()
                .map(|r| pending(self, Target::Replica(r.inst.addr.clone())))
                .collect(),
            pending_peers: self
                .state
                .sentinels
                .iter()
                .map(|p| pending(self, Target::Peer(p.runid.clone())))
                .collect(),
            info,
        };
        self.shared
            .views
            .insert(self.state.inst.name.clone(), Arc::new(view));
        if std::mem::take(&mut self.flush) {
            self.peers.config.do_send(ConfigChanged);
        }
    }

    fn on_reply(&mut self, t: &Target, tag: &str, frame: Frame, now: u64) {
        match tag {
            "ping" => {
                let text = match &frame {
                    Frame::Simple(s) | Frame::Error(s) => String::from_utf8_lossy(s).into_owned(),
                    _ => String::new(),
                };
                if let Some(inst) = self.instance(t) {
                    inst.link.ping_reply(now, &text);
                }
            }
            "info" => {
                let text = match &frame {
                    Frame::Bulk(b) => String::from_utf8_lossy(b).into_owned(),
                    Frame::Verbatim(_, b) => String::from_utf8_lossy(b).into_owned(),
                    _ => return,
                };
                let fields = InfoFields::parse(&text);
                self.info.insert(t.clone(), (now, text));
                let tilt = self.shared.in_tilt();
                let step = match t {
                    Target::Master => self.state.master_info(now, &fields),
                    Target::Replica(a) => {
                        match self.state.replicas.iter().position(|r| r.inst.addr == *a) {
                            Some(i) => self.state.replica_info(i, now, &fields, tilt),
                            None => return,
                        }
                    }
                    Target::Peer(_) => return,
                };
                self.apply(step);
            }
            "is-master-down" => {
                let Frame::Array(items) = &frame else { return };
                let (
                    Some(Frame::Integer(down)),
                    Some(Frame::Bulk(leader)),
                    Some(Frame::Integer(epoch)),
                ) = (items.first(), items.get(1), items.get(2))
                else {
                    return;
                };
                let Target::Peer(runid) = t else { return };
                let Some(i) = self.state.sentinels.iter().position(|p| p.runid == *runid) else {
                    return;
                };
                let leader = String::from_utf8_lossy(leader).into_owned();
                let old_epoch = self.state.sentinels[i].vote.leader_epoch;
                if leader != "*" && old_epoch != *epoch as u64 {
                    let note = format!("{runid} voted for {leader} {epoch}");
                    self.peers.notes.do_send(Noted(note));
                }
                self.state
                    .peer_reply(i, now, *down == 1, &leader, *epoch as u64);
            }
            _ => {}
        }
    }

    fn on_hello(&mut self, payload: &[u8], now: u64) {
        let Ok(text) = std::str::from_utf8(payload) else {
            return;
        };
        if hello::is_own(text, &self.shared.myid) {
            return;
        }
        let Ok(h) = Hello::parse(text) else { return };
        self.hear(&h, now);
    }

    fn hear(&mut self, h: &Hello, now: u64) {
        if h.master_name != self.state.inst.name || h.runid == self.shared.myid {
            return;
        }
        let mut step = Step::default();
        let shared = self.shared.clone();
        let moved = shared.with_epoch(|e| self.state.hello(h, now, e, &mut step));
        if moved {
            self.info.retain(|t, _| matches!(t, Target::Peer(_)));
        }
        self.apply(step);
    }
}

/// C's `ctime` without its newline: `Tue Nov 24 22:36:27 2026`, local time.
fn ctime(secs: u64) -> String {
    let t = secs as libc::time_t;
    let mut buf = [0 as libc::c_char; 32];
    // SAFETY: ctime_r writes at most 26 bytes into the buffer we own.
    let p = unsafe { libc::ctime_r(&t, buf.as_mut_ptr()) };
    if p.is_null() {
        return secs.to_string();
    }
    // SAFETY: on success the buffer holds a NUL-terminated string.
    let s = unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) };
    s.to_string_lossy().trim_end().to_string()
}

fn merge(into: &mut Step, from: Step) {
    into.events.extend(from.events);
    into.actions.extend(from.actions);
}

impl Actor for MasterMonitor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        self.schedule_tick(ctx);
        self.finish();
    }

    fn stopped(&mut self, _: &mut Self::Context) {
        self.close_all(false);
    }
}

impl Handler<LinkEvent> for MasterMonitor {
    type Result = ();

    fn handle(&mut self, msg: LinkEvent, _: &mut Self::Context) {
        let _h = self.mailbox.handling();
        let Some((t, kind)) = self.owners.get(&msg.instance).cloned() else {
            return;
        };
        let now = self.clock.now();
        match msg.what {
            LinkNews::Connected { local_ip, .. } => {
                let pubsub_needed = !matches!(t, Target::Peer(_));
                let entry = self.links.entry(t.clone()).or_default();
                if kind == LinkKind::Command {
                    entry.local_ip = local_ip;
                }
                let complete = entry.cmd.is_some() && (!pubsub_needed || entry.pubsub.is_some());
                if let Some(inst) = self.instance(&t) {
                    match kind {
                        LinkKind::Command => inst.link.cc_conn_time = Some(now),
                        LinkKind::PubSub => {
                            inst.link.pc_conn_time = Some(now);
                            inst.link.pc_last_activity = now;
                        }
                    }
                    let both = inst.link.cc_conn_time.is_some()
                        && (!pubsub_needed || inst.link.pc_conn_time.is_some());
                    inst.link.disconnected = !(complete && both);
                }
            }
            LinkNews::Reply { tag, frame, .. } => {
                if kind == LinkKind::Command {
                    if let Some(l) = self.links.get_mut(&t) {
                        l.pending = l.pending.saturating_sub(1);
                    }
                    self.on_reply(&t, tag, frame, now);
                }
            }
            LinkNews::Message {
                channel, payload, ..
            } => {
                if let Some(inst) = self.instance(&t) {
                    inst.link.pc_last_activity = now;
                }
                if channel[..] == *HELLO_CHANNEL.as_bytes() {
                    self.on_hello(&payload, now);
                }
            }
            LinkNews::Disconnected { reason, .. } => {
                slog::debug!(self.log, "link lost"; "to" => ?t, "kind" => ?kind, "reason" => reason);
                self.owners.remove(&msg.instance);
                if let Some(entry) = self.links.get_mut(&t) {
                    match kind {
                        LinkKind::Command
                            if entry
                                .cmd
                                .as_ref()
                                .is_some_and(|(id, _)| *id == msg.instance) =>
                        {
                            entry.cmd = None;
                            entry.pending = 0;
                        }
                        LinkKind::PubSub
                            if entry
                                .pubsub
                                .as_ref()
                                .is_some_and(|(id, _)| *id == msg.instance) =>
                        {
                            entry.pubsub = None;
                        }
                        _ => {}
                    }
                }
                if let Some(inst) = self.instance(&t) {
                    inst.link.disconnected = true;
                    match kind {
                        LinkKind::Command => inst.link.cc_conn_time = None,
                        LinkKind::PubSub => inst.link.pc_conn_time = None,
                    }
                }
            }
        }
        self.finish();
    }
}

impl Handler<AskMasterDown> for MasterMonitor {
    type Result = MasterDownAnswer;

    fn handle(&mut self, msg: AskMasterDown, _: &mut Self::Context) -> MasterDownAnswer {
        let _h = self.mailbox.handling();
        let tilt = self.shared.in_tilt();
        let down = !tilt && self.state.inst.s_down;
        let mut answer = MasterDownAnswer {
            down,
            leader: None,
            leader_epoch: 0,
        };
        if msg.runid != "*" {
            let now = self.clock.now();
            let desync = self.desync();
            let shared = self.shared.clone();
            let myid = shared.myid.clone();
            let (leader, epoch, step) = shared.with_epoch(|e| {
                self.state
                    .vote_leader(now, e, msg.req_epoch, &msg.runid, &myid, desync)
            });
            answer.leader = leader;
            answer.leader_epoch = epoch;
            self.apply(step);
        }
        self.finish();
        answer
    }
}

impl Handler<HelloHeard> for MasterMonitor {
    type Result = ();

    fn handle(&mut self, msg: HelloHeard, _: &mut Self::Context) {
        let _h = self.mailbox.handling();
        let now = self.clock.now();
        self.hear(&msg.0, now);
        self.finish();
    }
}

impl Handler<ForceFailover> for MasterMonitor {
    type Result = Result<(), String>;

    /// `SENTINEL FAILOVER`: Redis's checks, then a failover that needs no votes.
    fn handle(&mut self, _: ForceFailover, _: &mut Self::Context) -> Result<(), String> {
        let _h = self.mailbox.handling();
        let now = self.clock.now();
        if self.state.failover_in_progress {
            return Err(crate::sentinel::command::INPROG.into());
        }
        self.state.timings = self.shared.timings();
        let view = self.state.master_view();
        if crate::sentinel::select::select_slave(&view, &self.state.candidates(), now).is_none() {
            return Err(crate::sentinel::command::NOGOODSLAVE.into());
        }
        let note = format!(
            "Executing user requested FAILOVER of '{}'",
            self.state.inst.name
        );
        self.peers.notes.do_send(Noted(note));
        let desync = self.desync();
        let shared = self.shared.clone();
        let step = shared.with_epoch(|e| self.state.force_failover(now, e, desync));
        self.apply(step);
        self.finish();
        Ok(())
    }
}

impl Handler<Reconfigure> for MasterMonitor {
    type Result = ();

    fn handle(&mut self, msg: Reconfigure, _: &mut Self::Context) {
        let _h = self.mailbox.handling();
        let before = (self.cfg.auth_user.clone(), self.cfg.auth_pass.clone());
        (msg.0)(&mut self.state, &mut self.cfg);
        let down_after = self.state.inst.down_after_period;
        for r in &mut self.state.replicas {
            r.inst.down_after_period = down_after;
        }
        for p in &mut self.state.sentinels {
            p.inst.down_after_period = down_after;
        }
        if before != (self.cfg.auth_user.clone(), self.cfg.auth_pass.clone()) {
            // New credentials: log in again everywhere.
            self.close_all(true);
        }
        // The caller (SENTINEL SET / CONFIG SET) writes the config once it has the answer.
        self.finish();
    }
}

impl Handler<ResetMaster> for MasterMonitor {
    type Result = ();

    fn handle(&mut self, _: ResetMaster, _: &mut Self::Context) {
        let _h = self.mailbox.handling();
        let now = self.clock.now();
        self.close_all(false);
        self.links.clear();
        self.info.clear();
        self.state.reset(now);
        // SENTINEL RESET writes the config once every matching master has reset.
        self.finish();
    }
}

impl Handler<StopMonitoring> for MasterMonitor {
    type Result = ();

    fn handle(&mut self, _: StopMonitoring, ctx: &mut Self::Context) {
        let _h = self.mailbox.handling();
        self.shared.views.remove(&self.state.inst.name);
        ctx.stop();
    }
}

#[cfg(test)]
#[path = "master_tests.rs"]
mod tests;
