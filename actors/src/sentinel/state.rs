//! The per-master state machine of `sentinel.c` as a plain struct: what Sentinel knows of a
//! master, its replicas and the other Sentinels watching it, and the transitions driven by
//! time and observations (PING replies, INFO, peers' answers). Every transition returns the
//! events `sentinelEvent` would emit, with Redis's payloads, and the commands to send.

use super::select::{self, Candidate, MasterView};
use super::timings::Timings;
use super::vote::{self, StartCheck, Vote};
use super::{
    elapsed, instance_id, span, Addr, Event, InstanceKind, Level, DEFAULT_FAILOVER_TIMEOUT,
    DEFAULT_SLAVE_PRIORITY, MAX_DESYNC,
};

/// What an instance says it is in INFO (`role_reported`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Master,
    Slave,
}

/// The timing side of a link (`instanceLink`): when we pinged, when it answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// No command connection at the moment.
    pub disconnected: bool,
    /// When the command / pub-sub connections were established, `None` while not connected.
    pub cc_conn_time: Option<u64>,
    pub pc_conn_time: Option<u64>,
    /// Last message of any kind on the pub/sub connection.
    pub pc_last_activity: u64,
    /// Last valid PING reply (`+PONG`, `-LOADING`, `-MASTERDOWN`).
    pub last_avail_time: u64,
    /// When the oldest unanswered PING was sent; `None` once answered (Redis: 0).
    pub act_ping_time: Option<u64>,
    /// Last PING sent, whatever came of it.
    pub last_ping_time: u64,
    /// Last PING reply, valid or not.
    pub last_pong_time: u64,
}

impl Link {
    /// `createInstanceLink`: the pending-ping clock starts now even before connecting, so an
    /// instance we can never reach still goes SDOWN.
    pub fn new(now: u64) -> Link {
        Link {
            disconnected: true,
            cc_conn_time: None,
            pc_conn_time: None,
            pc_last_activity: 0,
            last_avail_time: now,
            act_ping_time: Some(now),
            last_ping_time: 0,
            last_pong_time: now,
        }
    }

    /// `sentinelSendPeriodicCommands`: PING when the last reply is older than the ping period
    /// (`min(down-after, ping-period)`, ping-period 1 s by default) and we did not ping within
    /// half of it.
    pub fn should_ping(&self, now: u64, down_after_period: u64, ping_period: u64) -> bool {
        let period = span(down_after_period.min(ping_period));
        elapsed(now, self.last_pong_time) > period && elapsed(now, self.last_ping_time) > period / 2
    }

    /// `sentinelSendPing`: the pending-ping clock keeps the first unanswered PING.
    pub fn ping_sent(&mut self, now: u64) {
        self.last_ping_time = now;
        if self.act_ping_time.is_none() {
            self.act_ping_time = Some(now);
        }
    }

    /// `sentinelPingReplyCallback`, given the reply's status or error text. `+PONG`,
    /// `-LOADING` and `-MASTERDOWN` count as "available"; anything else only as activity.
    /// Returns whether the reply was valid.
    pub fn ping_reply(&mut self, now: u64, reply: &str) -> bool {
        let valid = ["PONG", "LOADING", "MASTERDOWN"]
            .iter()
            .any(|p| reply.starts_with(p));
        if valid {
            self.last_avail_time = now;
            self.act_ping_time = None;
        }
        self.last_pong_time = now;
        valid
    }

    /// `sentinelCheckSubjectivelyDown`: time without a valid reply, from the pending PING, or
    /// from the last valid reply while disconnected.
    pub fn unanswered_for(&self, now: u64) -> i64 {
        match self.act_ping_time {
            Some(t) => elapsed(now, t),
            None if self.disconnected => elapsed(now, self.last_avail_time),
            None => 0,
        }
    }

    /// `sentinelCheckSubjectivelyDown`, parts 1 and 2: a command link older than
    /// `min-link-reconnect-period` (15 s) with a PING pending and no reply at all for half of
    /// down-after is closed (to reconnect); so is a pub/sub link older than that silent for
    /// `3 * publish-period`.
    pub fn idle_links(&self, now: u64, down_after_period: u64, t: &Timings) -> (bool, bool) {
        let half = span(down_after_period / 2);
        let min = span(t.min_link_reconnect_period);
        let close_cc = match (self.cc_conn_time, self.act_ping_time) {
            (Some(conn), Some(ping)) => {
                elapsed(now, conn) > min
                    && elapsed(now, ping) > half
                    && elapsed(now, self.last_pong_time) > half
            }
            _ => false,
        };
        let close_pc = match self.pc_conn_time {
            Some(conn) => {
                elapsed(now, conn) > min
                    && elapsed(now, self.pc_last_activity)
                        > span(t.publish_period.saturating_mul(3))
            }
            None => false,
        };
        (close_cc, close_pc)
    }
}

/// What every monitored instance (master or replica) has in common.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    /// The master's configured name; for replicas `ip:port`.
    pub name: String,
    pub addr: Addr,
    pub link: Link,
    pub s_down: bool,
    pub s_down_since_time: u64,
    pub down_after_period: u64,
    /// `None` until the first INFO (Redis: 0).
    pub role_reported: Option<Role>,
    pub role_reported_time: u64,
    /// Last INFO reply, 0 = never.
    pub info_refresh: u64,
    pub runid: Option<String>,
    /// `SRI_MASTER_REBOOT`: the master's runid changed at this time (only with
    /// `master-reboot-down-after-period` set).
    pub reboot_since: Option<u64>,
    pub master_reboot_down_after_period: u64,
}

impl Instance {
    pub fn new(name: impl Into<String>, addr: Addr, role: Role, now: u64) -> Instance {
        Instance {
            name: name.into(),
            addr,
            link: Link::new(now),
            s_down: false,
            s_down_since_time: 0,
            down_after_period: super::DEFAULT_DOWN_AFTER,
            role_reported: Some(role),
            role_reported_time: now,
            info_refresh: 0,
            runid: None,
            reboot_since: None,
            master_reboot_down_after_period: 0,
        }
    }
}

/// Commands the caller must send (or links to drop) on the state machine's behalf.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// `sentinelSendSlaveOf`: `MULTI`, `REPLICAOF <master>|NO ONE`, `CONFIG REWRITE`,
    /// `CLIENT KILL TYPE normal`, `CLIENT KILL TYPE pubsub`, `EXEC` to `target`.
    SlaveOf { target: Addr, master: Option<Addr> },
    /// Close the command link to `target` (idle, see [`Link::idle_links`]).
    CloseCommandLink { target: Addr },
    /// Close the pub/sub link to `target`.
    ClosePubsubLink { target: Addr },
    /// Close both links to the master (after a reset to a new address).
    ResetMasterLinks,
    /// Save the Sentinel config (`sentinelFlushConfig`).
    FlushConfig,
}

/// Events and commands produced by one transition.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Step {
    pub events: Vec<Event>,
    pub actions: Vec<Action>,
}

impl Step {
    fn event(&mut self, e: Event) {
        self.events.push(e);
    }
    fn action(&mut self, a: Action) {
        self.actions.push(a);
    }
}

/// `sentinelCheckSubjectivelyDown` on one instance. `is_master` adds the "claims to be a
/// replica" and reboot rules; `id` is the instance's `%@`.
fn check_sdown(
    inst: &mut Instance,
    is_master: bool,
    now: u64,
    id: String,
    t: &Timings,
    step: &mut Step,
) {
    let (close_cc, close_pc) = inst.link.idle_links(now, inst.down_after_period, t);
    if close_cc {
        inst.link.cc_conn_time = None;
        inst.link.disconnected = true;
        step.action(Action::CloseCommandLink {
            target: inst.addr.clone(),
        });
    }
    if close_pc {
        inst.link.pc_conn_time = None;
        inst.link.disconnected = true;
        step.action(Action::ClosePubsubLink {
            target: inst.addr.clone(),
        });
    }
    let unanswered = inst.link.unanswered_for(now) > inst.down_after_period as i64;
    let claims_replica = is_master
        && inst.role_reported == Some(Role::Slave)
        && elapsed(now, inst.role_reported_time)
            > span(
                inst.down_after_period
                    .saturating_add(t.info_period.saturating_mul(2)),
            );
    let rebooting = is_master
        && inst
            .reboot_since
            .is_some_and(|t| elapsed(now, t) > inst.master_reboot_down_after_period as i64);
    if unanswered || claims_replica || rebooting {
        if !inst.s_down {
            step.event(Event::warning("+sdown", id));
            inst.s_down = true;
            inst.s_down_since_time = now;
        }
    } else if inst.s_down {
        step.event(Event::warning("-sdown", id));
        inst.s_down = false;
    }
}

/// Where a replica is in the reconfiguration phase of a failover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reconf {
    None,
    /// `SRI_RECONF_SENT`: `REPLICAOF <new master>` sent.
    Sent,
    /// `SRI_RECONF_INPROG`: INFO shows it replicating from the new master.
    InProgress,
    /// `SRI_RECONF_DONE`: its link to the new master is up (or it timed out).
    Done,
}

/// A replica of the master, as seen through its INFO.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replica {
    pub inst: Instance,
    pub priority: u32,
    pub repl_offset: u64,
    pub master_link_down_time: u64,
    pub master_host: Option<String>,
    pub master_port: u16,
    pub master_link_up: bool,
    /// `SRI_PROMOTED`.
    pub promoted: bool,
    pub reconf: Reconf,
    pub reconf_sent_time: u64,
    /// When INFO last showed it turning into a replica (`slave_conf_change_time`).
    pub slave_conf_change_time: u64,
}

impl Replica {
    pub fn new(addr: Addr, now: u64, down_after_period: u64) -> Replica {
        let mut inst = Instance::new(addr.to_string(), addr, Role::Slave, now);
        inst.down_after_period = down_after_period;
        Replica {
            inst,
            priority: DEFAULT_SLAVE_PRIORITY,
            repl_offset: 0,
            master_link_down_time: 0,
            master_host: None,
            master_port: 0,
            master_link_up: false,
            promoted: false,
            reconf: Reconf::None,
            reconf_sent_time: 0,
            slave_conf_change_time: now,
        }
    }
}

/// Another Sentinel watching the same master: what its last `is-master-down-by-addr` reply said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peer {
    pub runid: String,
    /// Its address, link timing and SDOWN (named by its runid, as Redis names Sentinels).
    pub inst: Instance,
    /// `SRI_MASTER_DOWN`.
    pub master_down: bool,
    pub vote: Vote,
    pub last_master_down_reply_time: u64,
    pub last_hello_time: u64,
}

impl Peer {
    pub fn new(runid: &str, addr: Addr, now: u64, down_after_period: u64) -> Peer {
        let mut inst = Instance::new(runid, addr, Role::Master, now);
        inst.role_reported = None;
        inst.runid = Some(runid.to_string());
        inst.down_after_period = down_after_period;
        Peer {
            runid: runid.to_string(),
            inst,
            master_down: false,
            vote: Vote::default(),
            last_master_down_reply_time: 0,
            last_hello_time: now,
        }
    }
}

/// `SENTINEL_FAILOVER_STATE_*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FailoverState {
    None,
    WaitStart,
    SelectSlave,
    SendSlaveofNoone,
    WaitPromotion,
    ReconfSlaves,
    UpdateConfig,
}

/// The fields of an INFO reply Sentinel reads (`sentinelRefreshInstanceInfo`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InfoFields {
    pub run_id: Option<String>,
    pub role: Option<Role>,
    /// `slaveN:ip=...,port=...` lines of a master.
    pub replicas: Vec<Addr>,
    /// `master_link_down_since_seconds * 1000`, 0 when absent.
    pub master_link_down_time: u64,
    pub master_host: Option<String>,
    pub master_port: Option<u16>,
    pub master_link_up: Option<bool>,
    pub slave_priority: Option<u32>,
    pub slave_repl_offset: Option<u64>,
}

impl InfoFields {
    /// Reads an INFO reply the way `sentinelRefreshInstanceInfo` does (replica-only fields are
    /// read only after a `role:slave` line).
    pub fn parse(info: &str) -> InfoFields {
        let mut f = InfoFields::default();
        for l in info.split("\r\n") {
            if let Some(id) = l.strip_prefix("run_id:") {
                if id.len() >= 40 {
                    f.run_id = Some(id[..40].to_string());
                }
            }
            if let Some(addr) = replica_line(l) {
                f.replicas.push(addr);
            }
            if let Some(v) = l.strip_prefix("master_link_down_since_seconds:") {
                f.master_link_down_time = v.trim().parse::<u64>().unwrap_or(0) * 1000;
            }
            if l.starts_with("role:master") {
                f.role = Some(Role::Master);
            } else if l.starts_with("role:slave") {
                f.role = Some(Role::Slave);
            }
            if f.role == Some(Role::Slave) {
                if let Some(v) = l.strip_prefix("master_host:") {
                    f.master_host = Some(v.to_string());
                }
                if let Some(v) = l.strip_prefix("master_port:") {
                    f.master_port = v.parse().ok();
                }
                if let Some(v) = l.strip_prefix("master_link_status:") {
                    f.master_link_up = Some(v.eq_ignore_ascii_case("up"));
                }
                if let Some(v) = l.strip_prefix("slave_priority:") {
                    f.slave_priority = v.parse().ok();
                }
                if let Some(v) = l.strip_prefix("slave_repl_offset:") {
                    f.slave_repl_offset = v.parse().ok();
                }
            }
        }
        f
    }
}

/// `slave0:ip=10.0.0.2,port=6379,state=online,...` (or the old `slave0:<ip>,<port>,<state>`).
fn replica_line(l: &str) -> Option<Addr> {
    let rest = l.strip_prefix("slave")?;
    if !rest.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let (_, fields) = rest.split_once(':')?;
    if fields.contains("ip=") {
        let mut ip = None;
        let mut port = None;
        for kv in fields.split(',') {
            if let Some(v) = kv.strip_prefix("ip=") {
                ip = Some(v);
            } else if let Some(v) = kv.strip_prefix("port=") {
                port = v.parse().ok();
            }
        }
        Some(Addr::new(ip?, port?))
    } else {
        let mut it = fields.split(',');
        let ip = it.next()?;
        let port = it.next()?.parse().ok()?;
        it.next()?;
        Some(Addr::new(ip, port))
    }
}

/// One monitored master (`sentinelRedisInstance` with `SRI_MASTER`), its replicas and peers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MasterState {
    pub inst: Instance,
    pub quorum: u32,
    pub parallel_syncs: usize,
    pub failover_timeout: u64,
    pub config_epoch: u64,
    /// Our vote for this master's failovers (`leader`, `leader_epoch`).
    pub vote: Vote,
    pub o_down: bool,
    pub o_down_since_time: u64,
    /// `SRI_FAILOVER_IN_PROGRESS` / `SRI_FORCE_FAILOVER`.
    pub failover_in_progress: bool,
    pub force_failover: bool,
    pub failover_state: FailoverState,
    pub failover_epoch: u64,
    pub failover_state_change_time: u64,
    pub failover_start_time: u64,
    /// Index into `replicas` of the one being promoted.
    pub promoted: Option<usize>,
    pub replicas: Vec<Replica>,
    pub sentinels: Vec<Peer>,
    /// The Sentinel's current timings (`SENTINEL DEBUG`), refreshed by the monitor before
    /// every timer pass; the defaults until then.
    pub timings: Timings,
}

impl MasterState {
    /// `SENTINEL MONITOR <name> <ip> <port> <quorum>` with the defaults.
    pub fn new(name: impl Into<String>, addr: Addr, quorum: u32, now: u64) -> MasterState {
        MasterState {
            inst: Instance::new(name, addr, Role::Master, now),
            quorum,
            parallel_syncs: 1,
            failover_timeout: DEFAULT_FAILOVER_TIMEOUT,
            config_epoch: 0,
            vote: Vote::default(),
            o_down: false,
            o_down_since_time: 0,
            failover_in_progress: false,
            force_failover: false,
            failover_state: FailoverState::None,
            failover_epoch: 0,
            failover_state_change_time: 0,
            failover_start_time: 0,
            promoted: None,
            replicas: Vec::new(),
            sentinels: Vec::new(),
            timings: Timings::default(),
        }
    }

    /// The master's `%@`.
    pub fn id(&self) -> String {
        instance_id(InstanceKind::Master, &self.inst.name, &self.inst.addr, None)
    }

    /// Replica `i`'s `%@` (`slave <ip:port> <ip> <port> @ <name> <ip> <port>`).
    pub fn replica_id(&self, i: usize) -> String {
        let r = &self.replicas[i].inst;
        let master = Some((self.inst.name.as_str(), &self.inst.addr));
        instance_id(InstanceKind::Slave, &r.name, &r.addr, master)
    }

    /// `sentinelGetCurrentMasterAddress`: the promoted replica's address once it acknowledged
    /// the promotion (state `RECONF_SLAVES` or later), for hellos.
    pub fn current_address(&self) -> &Addr {
        match self.promoted {
            Some(i)
                if self.failover_in_progress
                    && self.failover_state >= FailoverState::ReconfSlaves =>
            {
                &self.replicas[i].inst.addr
            }
            _ => &self.inst.addr,
        }
    }

    /// `sentinelCheckSubjectivelyDown` for the master.
    pub fn check_sdown(&mut self, now: u64) -> Step {
        let mut step = Step::default();
        let id = self.id();
        let t = self.timings;
        check_sdown(&mut self.inst, true, now, id, &t, &mut step);
        step
    }

    /// `sentinelCheckSubjectivelyDown` for replica `i`.
    pub fn check_replica_sdown(&mut self, i: usize, now: u64) -> Step {
        let mut step = Step::default();
        let id = self.replica_id(i);
        let t = self.timings;
        check_sdown(&mut self.replicas[i].inst, false, now, id, &t, &mut step);
        step
    }

    /// `sentinelCheckObjectivelyDown`.
    pub fn check_odown(&mut self, now: u64) -> Step {
        let mut step = Step::default();
        let peers_down = self.sentinels.iter().filter(|p| p.master_down).count();
        match vote::objectively_down(self.inst.s_down, peers_down, self.quorum) {
            Some(count) => {
                if !self.o_down {
                    let payload = format!("{} #quorum {}/{}", self.id(), count, self.quorum);
                    step.event(Event::warning("+odown", payload));
                    self.o_down = true;
                    self.o_down_since_time = now;
                }
            }
            None => {
                if self.o_down {
                    step.event(Event::warning("-odown", self.id()));
                    self.o_down = false;
                }
            }
        }
        step
    }

    /// `sentinelReceiveIsMasterDownReply`: a peer answered `is-master-down-by-addr` with
    /// `[down, leader runid or *, leader epoch]`.
    pub fn peer_reply(&mut self, peer: usize, now: u64, down: bool, leader: &str, epoch: u64) {
        let p = &mut self.sentinels[peer];
        p.last_master_down_reply_time = now;
        p.master_down = down;
        if leader != "*" {
            p.vote = Vote {
                leader: Some(leader.to_string()),
                leader_epoch: epoch,
            };
        }
    }

    /// `sentinelAskMasterStateToOtherSentinels`: forget stale peer answers and list the peers
    /// to ask now (indices into `sentinels`), with the runid argument to send.
    pub fn peers_to_ask(&mut self, now: u64, forced: bool, myid: &str) -> (Vec<usize>, String) {
        let mut ask = Vec::new();
        let ask_period = self.timings.ask_period;
        for (i, p) in self.sentinels.iter_mut().enumerate() {
            if vote::peer_reply_stale(now, p.last_master_down_reply_time, ask_period) {
                p.master_down = false;
                p.vote.leader = None;
            }
            if vote::should_ask_peer(
                now,
                self.inst.s_down,
                !p.inst.link.disconnected,
                p.last_master_down_reply_time,
                forced,
                ask_period,
            ) {
                ask.push(i);
            }
        }
        let in_progress = self.failover_state > FailoverState::None;
        (ask, vote::ask_runid(in_progress, myid).to_string())
    }

    /// `sentinelVoteLeader`, for `SENTINEL is-master-down-by-addr` with a runid: returns our
    /// leader and its epoch, and the events. `desync` is `rand() % SENTINEL_MAX_DESYNC`.
    pub fn vote_leader(
        &mut self,
        now: u64,
        current_epoch: &mut u64,
        req_epoch: u64,
        req_runid: &str,
        myid: &str,
        desync: u64,
    ) -> (Option<String>, u64, Step) {
        let mut step = Step::default();
        let out = vote::vote_leader(current_epoch, &mut self.vote, req_epoch, req_runid, myid);
        self.vote_events(&out, now, desync, &mut step);
        (out.leader, out.leader_epoch, step)
    }

    fn vote_events(&mut self, out: &vote::VoteOutcome, now: u64, desync: u64, step: &mut Step) {
        if let Some(e) = out.new_epoch {
            step.action(Action::FlushConfig);
            step.event(Event::warning("+new-epoch", e.to_string()));
        }
        if out.granted {
            step.action(Action::FlushConfig);
            let leader = out.leader.as_deref().unwrap_or_default();
            // Redis raises it without an instance: just the leader and the epoch.
            step.event(Event::warning(
                "+vote-for-leader",
                format!("{} {}", leader, out.leader_epoch),
            ));
            if out.delay_own_failover {
                self.failover_start_time = now + desync % MAX_DESYNC;
            }
        }
    }

    /// `sentinelStartFailoverIfNeeded` + `sentinelStartFailover`: a new epoch, `+new-epoch`,
    /// `+try-failover`, and a start time delayed by `desync` (`rand() % SENTINEL_MAX_DESYNC`).
    /// Returns whether a failover started (then peers are asked for votes at once).
    pub fn start_failover_if_needed(
        &mut self,
        now: u64,
        current_epoch: &mut u64,
        desync: u64,
    ) -> (bool, Step) {
        let mut step = Step::default();
        let check = vote::start_failover_check(
            now,
            self.o_down,
            self.failover_in_progress,
            self.failover_start_time,
            self.failover_timeout,
        );
        if check != StartCheck::Start {
            return (false, step);
        }
        self.start_failover(now, current_epoch, desync, &mut step);
        (true, step)
    }

    /// `sentinelStartFailover`.
    fn start_failover(&mut self, now: u64, current_epoch: &mut u64, desync: u64, step: &mut Step) {
        self.failover_state = FailoverState::WaitStart;
        self.failover_in_progress = true;
        *current_epoch += 1;
        self.failover_epoch = *current_epoch;
        step.event(Event::warning("+new-epoch", current_epoch.to_string()));
        step.event(Event::warning("+try-failover", self.id()));
        self.failover_start_time = now + desync % MAX_DESYNC;
        self.failover_state_change_time = now;
    }

    /// `SENTINEL FAILOVER` once its checks passed: a failover that needs nobody's vote.
    pub fn force_failover(&mut self, now: u64, current_epoch: &mut u64, desync: u64) -> Step {
        let mut step = Step::default();
        self.start_failover(now, current_epoch, desync, &mut step);
        self.force_failover = true;
        step
    }

    /// `sentinelResetMaster(ri, 0)` (SENTINEL RESET): replicas, peers and any failover are
    /// forgotten, to be found again; settings and address stay.
    pub fn reset(&mut self, now: u64) {
        let mut step = Step::default();
        let addr = self.inst.addr.clone();
        self.replicas.clear();
        self.reset_and_change_address(addr, now, &mut step);
        self.sentinels.clear();
    }

    /// `sentinelAbortFailover`: back to no failover; the promoted replica loses its mark.
    pub fn abort_failover(&mut self, now: u64) {
        self.failover_in_progress = false;
        self.force_failover = false;
        self.failover_state = FailoverState::None;
        self.failover_state_change_time = now;
        if let Some(i) = self.promoted.take() {
            self.replicas[i].promoted = false;
        }
    }

    fn enter(&mut self, state: FailoverState, now: u64) {
        self.failover_state = state;
        self.failover_state_change_time = now;
    }

    /// `sentinelFailoverStateMachine`: one tick of the failover in progress. `desync` is used
    /// only if voting changes our vote.
    pub fn failover_step(
        &mut self,
        now: u64,
        current_epoch: &mut u64,
        myid: &str,
        desync: u64,
    ) -> Step {
        let mut step = Step::default();
        if !self.failover_in_progress {
            return step;
        }
        match self.failover_state {
            FailoverState::WaitStart => {
                self.wait_start(now, current_epoch, myid, desync, &mut step)
            }
            FailoverState::SelectSlave => self.select_slave(now, &mut step),
            FailoverState::SendSlaveofNoone => self.send_slaveof_noone(now, &mut step),
            FailoverState::WaitPromotion => {
                if elapsed(now, self.failover_state_change_time) > self.failover_timeout as i64 {
                    step.event(Event::warning("-failover-abort-slave-timeout", self.id()));
                    self.abort_failover(now);
                }
            }
            FailoverState::ReconfSlaves => self.reconf_next_slave(now, &mut step),
            FailoverState::None | FailoverState::UpdateConfig => {}
        }
        step
    }

    /// `sentinelFailoverWaitStart`.
    fn wait_start(
        &mut self,
        now: u64,
        current_epoch: &mut u64,
        myid: &str,
        desync: u64,
        step: &mut Step,
    ) {
        let peers: Vec<Vote> = self.sentinels.iter().map(|p| p.vote.clone()).collect();
        let election = vote::get_leader(
            &peers,
            current_epoch,
            &mut self.vote,
            myid,
            self.failover_epoch,
            self.quorum,
        );
        self.vote_events(&election.my_vote, now, desync, step);
        let is_leader = election
            .winner
            .is_some_and(|w| w.eq_ignore_ascii_case(myid));
        if !is_leader && !self.force_failover {
            if vote::election_expired(
                now,
                self.failover_start_time,
                self.failover_timeout,
                self.timings.election_timeout,
            ) {
                step.event(Event::warning("-failover-abort-not-elected", self.id()));
                self.abort_failover(now);
            }
            return;
        }
        step.event(Event::warning("+elected-leader", self.id()));
        self.enter(FailoverState::SelectSlave, now);
        step.event(Event::warning("+failover-state-select-slave", self.id()));
    }

    /// The view [`select::select_slave`] needs of each replica.
    pub fn candidates(&self) -> Vec<Candidate> {
        self.replicas
            .iter()
            .map(|r| Candidate {
                down: r.inst.s_down,
                disconnected: r.inst.link.disconnected,
                last_avail_time: r.inst.link.last_avail_time,
                info_refresh: r.inst.info_refresh,
                priority: r.priority,
                repl_offset: r.repl_offset,
                runid: r.inst.runid.clone(),
                master_link_down_time: r.master_link_down_time,
            })
            .collect()
    }

    /// The view [`select::select_slave`] needs of the master (and of the timings).
    pub fn master_view(&self) -> MasterView {
        MasterView {
            s_down: self.inst.s_down,
            s_down_since_time: self.inst.s_down_since_time,
            down_after_period: self.inst.down_after_period,
            ping_period: self.timings.ping_period,
            info_period: self.timings.info_period,
        }
    }

    /// `sentinelFailoverSelectSlave`.
    fn select_slave(&mut self, now: u64, step: &mut Step) {
        let view = self.master_view();
        match select::select_slave(&view, &self.candidates(), now) {
            None => {
                step.event(Event::warning("-failover-abort-no-good-slave", self.id()));
                self.abort_failover(now);
            }
            Some(i) => {
                step.event(Event::warning("+selected-slave", self.replica_id(i)));
                self.replicas[i].promoted = true;
                self.promoted = Some(i);
                self.enter(FailoverState::SendSlaveofNoone, now);
                step.event(Event::notice(
                    "+failover-state-send-slaveof-noone",
                    self.replica_id(i),
                ));
            }
        }
    }

    /// `sentinelFailoverSendSlaveOfNoOne`.
    fn send_slaveof_noone(&mut self, now: u64, step: &mut Step) {
        let Some(i) = self.promoted else { return };
        if self.replicas[i].inst.link.disconnected {
            if elapsed(now, self.failover_state_change_time) > self.failover_timeout as i64 {
                step.event(Event::warning("-failover-abort-slave-timeout", self.id()));
                self.abort_failover(now);
            }
            return;
        }
        step.action(Action::SlaveOf {
            target: self.replicas[i].inst.addr.clone(),
            master: None,
        });
        step.event(Event::notice(
            "+failover-state-wait-promotion",
            self.replica_id(i),
        ));
        self.enter(FailoverState::WaitPromotion, now);
    }

    /// `sentinelFailoverReconfNextSlave`: keep up to `parallel-syncs` replicas reconfiguring.
    fn reconf_next_slave(&mut self, now: u64, step: &mut Step) {
        let Some(p) = self.promoted else { return };
        let new_master = self.replicas[p].inst.addr.clone();
        let mut in_progress = self
            .replicas
            .iter()
            .filter(|r| matches!(r.reconf, Reconf::Sent | Reconf::InProgress))
            .count();
        for i in 0..self.replicas.len() {
            if in_progress >= self.parallel_syncs {
                break;
            }
            let r = &self.replicas[i];
            if r.promoted || r.reconf == Reconf::Done {
                continue;
            }
            if r.reconf == Reconf::Sent
                && elapsed(now, r.reconf_sent_time) > span(self.timings.slave_reconf_timeout)
            {
                step.event(Event::notice(
                    "-slave-reconf-sent-timeout",
                    self.replica_id(i),
                ));
                self.replicas[i].reconf = Reconf::Done;
            }
            // Redis then sends REPLICAOF again to a timed-out replica (its DONE flag is not in
            // the skip mask); we do the same but keep it counted as done.
            let r = &self.replicas[i];
            if matches!(r.reconf, Reconf::Sent | Reconf::InProgress) || r.inst.link.disconnected {
                continue;
            }
            step.action(Action::SlaveOf {
                target: r.inst.addr.clone(),
                master: Some(new_master.clone()),
            });
            if self.replicas[i].reconf != Reconf::Done {
                self.replicas[i].reconf = Reconf::Sent;
            }
            self.replicas[i].reconf_sent_time = now;
            step.event(Event::notice("+slave-reconf-sent", self.replica_id(i)));
            in_progress += 1;
        }
        self.detect_end(now, step);
    }

    /// `sentinelFailoverDetectEnd`: done when every reachable replica is reconfigured, or on
    /// `failover-timeout` (then a best-effort `REPLICAOF` goes to the laggards).
    fn detect_end(&mut self, now: u64, step: &mut Step) {
        let Some(p) = self.promoted else { return };
        if self.replicas[p].inst.s_down {
            return;
        }
        let mut not_reconfigured = self
            .replicas
            .iter()
            .filter(|r| !r.promoted && r.reconf != Reconf::Done && !r.inst.s_down)
            .count();
        let timeout = elapsed(now, self.failover_state_change_time) > self.failover_timeout as i64;
        if timeout {
            not_reconfigured = 0;
            step.event(Event::warning("+failover-end-for-timeout", self.id()));
        }
        if not_reconfigured == 0 {
            step.event(Event::warning("+failover-end", self.id()));
            self.enter(FailoverState::UpdateConfig, now);
        }
        if timeout {
            let new_master = self.replicas[p].inst.addr.clone();
            for i in 0..self.replicas.len() {
                let r = &self.replicas[i];
                if r.promoted || matches!(r.reconf, Reconf::Done | Reconf::Sent) {
                    continue;
                }
                if r.inst.link.disconnected {
                    continue;
                }
                step.action(Action::SlaveOf {
                    target: r.inst.addr.clone(),
                    master: Some(new_master.clone()),
                });
                step.event(Event::notice("+slave-reconf-sent-be", self.replica_id(i)));
                self.replicas[i].reconf = Reconf::Sent;
            }
        }
    }

    /// `sentinelFailoverSwitchToPromotedSlave` + `sentinelResetMasterAndChangeAddress`: in
    /// `UPDATE_CONFIG`, `+switch-master <name> <old ip> <old port> <new ip> <new port>`, then
    /// watch the new address with every other known address (the old master included) as
    /// replicas, each announced with `+slave`. Peers are kept; the vote's leader is cleared.
    pub fn switch_to_promoted(&mut self, now: u64) -> Step {
        let new_addr = match self.promoted {
            Some(i) => self.replicas[i].inst.addr.clone(),
            None => self.inst.addr.clone(),
        };
        let mut step = Step::default();
        let old = self.inst.addr.clone();
        step.event(Event::warning(
            "+switch-master",
            format!(
                "{} {} {} {} {}",
                self.inst.name, old.host, old.port, new_addr.host, new_addr.port
            ),
        ));
        self.reset_and_change_address(new_addr, now, &mut step);
        step
    }

    /// `sentinelResetMasterAndChangeAddress` (also used for a `+switch-master` learned from a
    /// hello with a newer config epoch).
    pub fn reset_and_change_address(&mut self, new_addr: Addr, now: u64, step: &mut Step) {
        let mut addrs: Vec<Addr> = self
            .replicas
            .iter()
            .map(|r| r.inst.addr.clone())
            .filter(|a| !a.same(&new_addr.host, new_addr.port))
            .collect();
        if !self.inst.addr.same(&new_addr.host, new_addr.port) {
            addrs.push(self.inst.addr.clone());
        }
        // sentinelResetMaster(SENTINEL_RESET_NO_SENTINELS)
        let name = std::mem::take(&mut self.inst.name);
        let down_after = self.inst.down_after_period;
        let reboot_period = self.inst.master_reboot_down_after_period;
        self.inst = Instance::new(name, new_addr, Role::Master, now);
        self.inst.down_after_period = down_after;
        self.inst.master_reboot_down_after_period = reboot_period;
        self.o_down = false;
        self.o_down_since_time = 0;
        self.failover_in_progress = false;
        self.force_failover = false;
        self.vote.leader = None;
        self.failover_state = FailoverState::None;
        self.failover_state_change_time = 0;
        self.failover_start_time = 0;
        self.promoted = None;
        step.action(Action::ResetMasterLinks);
        self.replicas = addrs
            .into_iter()
            .map(|a| Replica::new(a, now, down_after))
            .collect();
        for i in 0..self.replicas.len() {
            step.event(Event::notice("+slave", self.replica_id(i)));
        }
        step.action(Action::FlushConfig);
    }

    /// INFO sentinel's `status`: `odown`, `sdown` or `ok`.
    pub fn status(&self) -> &'static str {
        if self.o_down {
            "odown"
        } else if self.inst.s_down {
            "sdown"
        } else {
            "ok"
        }
    }

    /// `sentinelMasterLooksSane`: up, says it is a master, and its INFO is fresh (younger
    /// than `2 * info-period`).
    pub fn looks_sane(&self, now: u64) -> bool {
        self.inst.role_reported == Some(Role::Master)
            && !self.inst.s_down
            && !self.o_down
            && elapsed(now, self.inst.info_refresh)
                < span(self.timings.info_period.saturating_mul(2))
    }

    /// `sentinelProcessHelloMessage` for a hello about this master: a new Sentinel
    /// (`+sentinel`, or `+sentinel-address-switch` when a known runid moved), a newer
    /// epoch (`+new-epoch`), and a newer configuration that moved the master
    /// (`+config-update-from`, `+switch-master`). Returns whether the master moved.
    pub fn hello(
        &mut self,
        h: &super::hello::Hello,
        now: u64,
        current_epoch: &mut u64,
        step: &mut Step,
    ) -> bool {
        let found = self
            .sentinels
            .iter()
            .position(|p| p.runid == h.runid && p.inst.addr.same(&h.sentinel_ip, h.sentinel_port));
        let peer = match found {
            Some(i) => Some(i),
            None => {
                let before = self.sentinels.len();
                self.sentinels.retain(|p| p.runid != h.runid);
                let removed = self.sentinels.len() != before;
                let addr = Addr::new(h.sentinel_ip.clone(), h.sentinel_port);
                if removed {
                    step.event(Event::notice(
                        "+sentinel-address-switch",
                        format!(
                            "{} ip {} port {} for {}",
                            self.id(),
                            h.sentinel_ip,
                            h.sentinel_port,
                            h.runid
                        ),
                    ));
                } else if let Some(j) = self
                    .sentinels
                    .iter()
                    .position(|p| p.inst.addr.same(&h.sentinel_ip, h.sentinel_port))
                {
                    step.event(Event::notice("+sentinel-invalid-addr", self.peer_id(j)));
                    self.sentinels.remove(j);
                }
                let down_after = self.inst.down_after_period;
                self.sentinels
                    .push(Peer::new(&h.runid, addr, now, down_after));
                let i = self.sentinels.len() - 1;
                if !removed {
                    step.event(Event::notice("+sentinel", self.peer_id(i)));
                }
                step.action(Action::FlushConfig);
                Some(i)
            }
        };
        if h.current_epoch > *current_epoch {
            *current_epoch = h.current_epoch;
            step.action(Action::FlushConfig);
            step.event(Event::warning("+new-epoch", current_epoch.to_string()));
        }
        let mut moved = false;
        if let Some(i) = peer {
            if self.config_epoch < h.master_config_epoch {
                self.config_epoch = h.master_config_epoch;
                if !self.inst.addr.same(&h.master_ip, h.master_port) {
                    step.event(Event::warning("+config-update-from", self.peer_id(i)));
                    let old = self.inst.addr.clone();
                    step.event(Event::warning(
                        "+switch-master",
                        format!(
                            "{} {} {} {} {}",
                            self.inst.name, old.host, old.port, h.master_ip, h.master_port
                        ),
                    ));
                    let new_addr = Addr::new(h.master_ip.clone(), h.master_port);
                    self.reset_and_change_address(new_addr, now, step);
                    moved = true;
                }
            }
            if let Some(p) = self.sentinels.iter_mut().find(|p| p.runid == h.runid) {
                p.last_hello_time = now;
            }
        }
        moved
    }

    /// Peer `i`'s `%@` (`sentinel <runid> <ip> <port> @ <name> <ip> <port>`).
    pub fn peer_id(&self, i: usize) -> String {
        let p = &self.sentinels[i].inst;
        let master = Some((self.inst.name.as_str(), &self.inst.addr));
        instance_id(InstanceKind::Sentinel, &p.name, &p.addr, master)
    }

    /// `sentinelCheckSubjectivelyDown` for peer Sentinel `i`.
    pub fn check_peer_sdown(&mut self, i: usize, now: u64) -> Step {
        let mut step = Step::default();
        let id = self.peer_id(i);
        let t = self.timings;
        check_sdown(&mut self.sentinels[i].inst, false, now, id, &t, &mut step);
        step
    }

    /// `sentinelRefreshInstanceInfo` for the master: runid (`+reboot`), role changes, and
    /// replicas discovered (`+slave`).
    pub fn master_info(&mut self, now: u64, info: &InfoFields) -> Step {
        let mut step = Step::default();
        let id = self.id();
        refresh_common(&mut self.inst, true, now, info, id, &mut step);
        for addr in &info.replicas {
            if !self
                .replicas
                .iter()
                .any(|r| r.inst.addr.same(&addr.host, addr.port))
            {
                let down_after = self.inst.down_after_period;
                self.replicas
                    .push(Replica::new(addr.clone(), now, down_after));
                step.event(Event::notice(
                    "+slave",
                    self.replica_id(self.replicas.len() - 1),
                ));
                step.action(Action::FlushConfig);
            }
        }
        step
    }

    /// `sentinelRefreshInstanceInfo` for replica `i`: its replication fields, the promotion
    /// acknowledgement (`+promoted-slave`, `+failover-state-reconf-slaves`) and the
    /// reconfiguration progress (`+slave-reconf-inprog`, `+slave-reconf-done`). Not called
    /// in TILT for the acting part: pass `tilt` to skip it.
    pub fn replica_info(&mut self, i: usize, now: u64, info: &InfoFields, tilt: bool) -> Step {
        let mut step = Step::default();
        let id = self.replica_id(i);
        {
            let r = &mut self.replicas[i];
            if info.role == Some(Role::Slave) && r.inst.role_reported != Some(Role::Slave) {
                r.slave_conf_change_time = now;
            }
            refresh_common(&mut r.inst, false, now, info, id.clone(), &mut step);
            r.master_link_down_time = info.master_link_down_time;
            if info.role == Some(Role::Slave) {
                if let Some(h) = &info.master_host {
                    if r.master_host
                        .as_deref()
                        .is_none_or(|old| !old.eq_ignore_ascii_case(h))
                    {
                        r.master_host = Some(h.clone());
                        r.slave_conf_change_time = now;
                    }
                }
                if let Some(p) = info.master_port {
                    if r.master_port != p {
                        r.master_port = p;
                        r.slave_conf_change_time = now;
                    }
                }
                if let Some(up) = info.master_link_up {
                    r.master_link_up = up;
                }
                if let Some(p) = info.slave_priority {
                    r.priority = p;
                }
                if let Some(o) = info.slave_repl_offset {
                    r.repl_offset = o;
                }
            }
        }
        if tilt {
            return step;
        }
        let (promoted, reconf) = (self.replicas[i].promoted, self.replicas[i].reconf);
        if info.role == Some(Role::Master)
            && promoted
            && self.failover_in_progress
            && self.failover_state == FailoverState::WaitPromotion
        {
            self.config_epoch = self.failover_epoch;
            self.enter(FailoverState::ReconfSlaves, now);
            step.action(Action::FlushConfig);
            step.event(Event::warning("+promoted-slave", id.clone()));
            step.event(Event::warning("+failover-state-reconf-slaves", self.id()));
        } else if info.role == Some(Role::Master) && !promoted {
            // A replica turned master behind our back (the old master coming back, say):
            // after a while, if our master looks sane, make it a replica again.
            let wait = self.timings.publish_period.saturating_mul(4);
            let r = &self.replicas[i];
            if self.looks_sane(now)
                && no_down_for(&r.inst, now, wait)
                && elapsed(now, r.inst.role_reported_time) > wait as i64
            {
                step.action(Action::SlaveOf {
                    target: r.inst.addr.clone(),
                    master: Some(self.inst.addr.clone()),
                });
                step.event(Event::notice("+convert-to-slave", id.clone()));
            }
        }
        if info.role == Some(Role::Slave) {
            let r = &self.replicas[i];
            let wrong = r.master_port != self.inst.addr.port
                || !r
                    .master_host
                    .as_deref()
                    .is_some_and(|h| self.inst.addr.same(h, r.master_port));
            let wait = self.failover_timeout;
            if wrong
                && self.looks_sane(now)
                && no_down_for(&r.inst, now, wait)
                && elapsed(now, r.slave_conf_change_time) > wait as i64
            {
                step.action(Action::SlaveOf {
                    target: r.inst.addr.clone(),
                    master: Some(self.inst.addr.clone()),
                });
                step.event(Event::notice("+fix-slave-config", id.clone()));
            }
        }
        if info.role == Some(Role::Slave) && matches!(reconf, Reconf::Sent | Reconf::InProgress) {
            if let Some(p) = self.promoted {
                let target = self.replicas[p].inst.addr.clone();
                let r = &mut self.replicas[i];
                if r.reconf == Reconf::Sent
                    && r.master_host
                        .as_deref()
                        .is_some_and(|h| target.same(h, r.master_port))
                {
                    r.reconf = Reconf::InProgress;
                    step.event(Event::notice("+slave-reconf-inprog", id.clone()));
                }
                if r.reconf == Reconf::InProgress && r.master_link_up {
                    r.reconf = Reconf::Done;
                    step.event(Event::notice("+slave-reconf-done", id));
                }
            }
        }
        step
    }
}

/// `sentinelRedisInstanceNoDownFor`: not SDOWN (nor ODOWN) in the last `ms`.
fn no_down_for(inst: &Instance, now: u64, ms: u64) -> bool {
    inst.s_down_since_time == 0 || elapsed(now, inst.s_down_since_time) > span(ms)
}

/// The part of `sentinelRefreshInstanceInfo` common to masters and replicas: runid changes
/// (`+reboot`) and role changes (`+role-change` / `-role-change`, verbose).
fn refresh_common(
    inst: &mut Instance,
    is_master: bool,
    now: u64,
    info: &InfoFields,
    id: String,
    step: &mut Step,
) {
    if let Some(run_id) = &info.run_id {
        match &inst.runid {
            None => inst.runid = Some(run_id.clone()),
            Some(old) if old != run_id => {
                step.event(Event::notice("+reboot", id.clone()));
                if is_master && inst.master_reboot_down_after_period != 0 {
                    inst.reboot_since = Some(now);
                }
                inst.runid = Some(run_id.clone());
            }
            Some(_) => {}
        }
    }
    inst.info_refresh = now;
    if info.role != inst.role_reported {
        inst.role_reported_time = now;
        inst.role_reported = info.role;
        let configured = if is_master { Role::Master } else { Role::Slave };
        let kind = if info.role == Some(configured) {
            "+role-change"
        } else {
            "-role-change"
        };
        // Redis prints "slave" for anything but master, including no role line at all.
        let role = if info.role == Some(Role::Master) {
            "master"
        } else {
            "slave"
        };
        step.event(Event::new(
            Level::Verbose,
            kind,
            format!("{id} new reported role is {role}"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: u64 = 1_000_000;
    const ME: &str = "me";

    fn kinds(step: &Step) -> Vec<&'static str> {
        step.events.iter().map(|e| e.kind).collect()
    }

    fn master() -> MasterState {
        let mut m = MasterState::new("mymaster", Addr::new("10.0.0.1", 6379), 2, T0);
        m.inst.link.disconnected = false;
        m.inst.link.cc_conn_time = Some(T0);
        m.inst.link.act_ping_time = None;
        m
    }

    /// A master answers its last PING at T0, then goes silent; PINGs keep going out. SDOWN comes
    /// exactly when the unanswered time exceeds down-after-milliseconds (30 s), not before.
    #[test]
    fn sdown_exactly_after_down_after_period() {
        let mut m = master();
        m.inst.link.ping_sent(T0 + 1);
        // (now, reply received before the check, expected event)
        let cases: &[(u64, Option<&str>, Option<&str>)] = &[
            (T0 + 1000, None, None),
            (T0 + 30_001, None, None),
            (T0 + 30_002, None, Some("+sdown")),
            (T0 + 31_000, None, None),
            (T0 + 32_000, Some("-BUSY script"), None),
            (T0 + 33_000, Some("PONG"), Some("-sdown")),
            (T0 + 34_000, None, None),
        ];
        for (now, reply, want) in cases {
            if m.inst
                .link
                .should_ping(*now, m.inst.down_after_period, 1000)
            {
                m.inst.link.ping_sent(*now);
            }
            if let Some(r) = reply {
                m.inst.link.ping_reply(*now, r);
            }
            let step = m.check_sdown(*now);
            assert_eq!(
                kinds(&step),
                want.iter().copied().collect::<Vec<_>>(),
                "at {now}"
            );
            if let Some(e) = step.events.first() {
                assert_eq!(e.payload, "master mymaster 10.0.0.1 6379");
            }
        }
        assert_eq!(m.inst.s_down_since_time, T0 + 30_002);
    }

    #[test]
    fn valid_ping_replies() {
        let cases = [
            ("PONG", true),
            ("LOADING Redis is loading", true),
            ("MASTERDOWN Link with MASTER is down", true),
            ("BUSY Redis is busy", false),
            ("NOAUTH Authentication required.", false),
        ];
        for (reply, valid) in cases {
            let mut l = Link::new(0);
            l.ping_sent(10);
            assert_eq!(l.ping_reply(20, reply), valid, "{reply}");
            assert_eq!(l.act_ping_time.is_none(), valid, "{reply}");
            assert_eq!(l.last_pong_time, 20);
        }
    }

    /// A disconnected instance counts from its last valid reply; a never-reached one from the
    /// link's creation.
    #[test]
    fn never_reached_instance_goes_down() {
        let mut m = MasterState::new("mymaster", Addr::new("10.0.0.1", 6379), 2, T0);
        assert!(m.check_sdown(T0 + 30_000).events.is_empty());
        assert_eq!(kinds(&m.check_sdown(T0 + 30_001)), ["+sdown"]);
    }

    /// A master whose INFO says `role:slave` is SDOWN after down-after + 2 INFO periods, even
    /// though it answers PINGs.
    #[test]
    fn master_reporting_slave_role() {
        let mut m = master();
        let info = InfoFields {
            role: Some(Role::Slave),
            ..InfoFields::default()
        };
        let step = m.master_info(T0, &info);
        assert_eq!(kinds(&step), ["-role-change"]);
        assert_eq!(
            step.events[0].payload,
            "master mymaster 10.0.0.1 6379 new reported role is slave"
        );
        assert!(m.check_sdown(T0 + 50_000).events.is_empty());
        assert_eq!(kinds(&m.check_sdown(T0 + 50_001)), ["+sdown"]);
    }

    #[test]
    fn idle_command_link_is_closed() {
        let mut m = master();
        m.inst.link.ping_sent(T0 + 1000);
        // Link young (< 15 s): kept, although the ping is 15 s old.
        let step = m.check_sdown(T0 + 15_000);
        assert!(step.actions.is_empty());
        let step = m.check_sdown(T0 + 16_001);
        assert_eq!(
            step.actions,
            [Action::CloseCommandLink {
                target: Addr::new("10.0.0.1", 6379)
            }]
        );
    }

    /// (down-after, ping-period, since the last reply, since the last PING, ping?): the
    /// period is `min(down-after, ping-period)`, and no PING within half of it.
    #[test]
    fn should_ping_follows_the_ping_period() {
        let cases = [
            (30_000, 1000, 1000, 1000, false),
            (30_000, 1000, 1001, 501, true),
            (30_000, 1000, 1001, 500, false),
            (30_000, 200, 201, 101, true),
            (30_000, 200, 200, 101, false),
            (30_000, 200, 201, 100, false),
            (150, 200, 151, 76, true),
            (150, 200, 151, 75, false),
            (30_000, 5000, 1001, 1001, false),
            (30_000, 5000, 5001, 2501, true),
            (
                i64::MAX as u64,
                i64::MAX as u64,
                1_000_000,
                1_000_000,
                false,
            ),
        ];
        for (down_after, period, pong_ago, ping_ago, want) in cases {
            let mut l = Link::new(0);
            l.last_pong_time = T0 - pong_ago;
            l.last_ping_time = T0 - ping_ago;
            assert_eq!(
                l.should_ping(T0, down_after, period),
                want,
                "{down_after} {period} {pong_ago} {ping_ago}"
            );
        }
    }

    /// `min-link-reconnect-period 0`: an idle link is closed however young it is; with
    /// `publish-period 100` a pub/sub link silent for 301 ms is closed too.
    #[test]
    fn idle_links_follow_the_timings() {
        let mut l = Link::new(T0);
        l.disconnected = false;
        l.cc_conn_time = Some(T0);
        l.pc_conn_time = Some(T0);
        l.pc_last_activity = T0;
        l.last_pong_time = T0;
        let d = Timings::default();
        let fast = Timings {
            min_link_reconnect_period: 0,
            publish_period: 100,
            ..d
        };
        // 15.001 s, ping pending since T0: kept by default only while the link is young.
        assert_eq!(l.idle_links(T0 + 15_000, 30_000, &d), (false, false));
        assert_eq!(l.idle_links(T0 + 15_001, 30_000, &d), (true, true));
        assert_eq!(l.idle_links(T0 + 301, 600, &d), (false, false));
        assert_eq!(l.idle_links(T0 + 301, 600, &fast), (true, true));
        assert_eq!(l.idle_links(T0 + 300, 600, &fast), (false, false));
    }

    /// `sentinelCheckSubjectivelyDown` with the timings the master carries: the "claims to be a
    /// replica" rule waits down-after + 2 * info-period.
    #[test]
    fn master_reporting_slave_role_with_a_short_info_period() {
        let mut m = master();
        m.timings.info_period = 1000;
        let info = InfoFields {
            role: Some(Role::Slave),
            ..InfoFields::default()
        };
        m.master_info(T0, &info);
        m.inst.link.ping_reply(T0 + 32_000, "PONG");
        assert!(m.check_sdown(T0 + 32_000).events.is_empty());
        assert_eq!(kinds(&m.check_sdown(T0 + 32_001)), ["+sdown"]);
    }

    fn with_peers(m: &mut MasterState, n: usize) {
        for k in 0..n {
            let mut p = Peer::new(
                &format!("peer{k}"),
                Addr::new(format!("10.0.1.{k}"), 26379),
                T0,
                30_000,
            );
            p.inst.link.disconnected = false;
            m.sentinels.push(p);
        }
    }

    #[test]
    fn odown_needs_quorum() {
        let mut m = master();
        with_peers(&mut m, 2);
        m.inst.s_down = true;
        assert!(m.check_odown(T0).events.is_empty());
        m.peer_reply(0, T0, true, "*", 0);
        let step = m.check_odown(T0 + 1);
        assert_eq!(kinds(&step), ["+odown"]);
        assert_eq!(
            step.events[0].payload,
            "master mymaster 10.0.0.1 6379 #quorum 2/2"
        );
        m.inst.s_down = false;
        assert_eq!(kinds(&m.check_odown(T0 + 2)), ["-odown"]);
    }

    fn replica(m: &mut MasterState, host: &str, offset: u64) {
        let mut r = Replica::new(Addr::new(host, 6379), T0, m.inst.down_after_period);
        r.inst.link.disconnected = false;
        r.inst.link.act_ping_time = None;
        r.repl_offset = offset;
        r.inst.runid = Some(format!("run-{host}"));
        m.replicas.push(r);
    }

    fn fresh(m: &mut MasterState, now: u64) {
        for r in &mut m.replicas {
            r.inst.link.last_avail_time = now;
            r.inst.info_refresh = now;
        }
    }

    /// The whole failover as the leader sees it, with every event Redis emits.
    #[test]
    fn failover_as_leader() {
        let mut m = master();
        with_peers(&mut m, 2);
        replica(&mut m, "10.0.0.2", 100);
        replica(&mut m, "10.0.0.3", 200);
        let mut epoch = 0;
        let mut now = T0 + 30_002;
        m.inst.link.ping_sent(T0 + 1);
        assert_eq!(kinds(&m.check_sdown(now)), ["+sdown"]);
        m.peer_reply(0, now, true, "*", 0);
        assert_eq!(kinds(&m.check_odown(now)), ["+odown"]);

        let (started, step) = m.start_failover_if_needed(now, &mut epoch, 250);
        assert!(started);
        assert_eq!(kinds(&step), ["+new-epoch", "+try-failover"]);
        assert_eq!(step.events[0].payload, "1");
        assert_eq!(m.failover_start_time, now + 250);
        let (ask, runid) = m.peers_to_ask(now, true, ME);
        assert_eq!((ask, runid.as_str()), (vec![0, 1], ME));

        // Nobody else voted yet: we vote for ourselves but 1 of 3 is not enough.
        let step = m.failover_step(now, &mut epoch, ME, 0);
        assert_eq!(kinds(&step), ["+vote-for-leader"]);
        // As Redis logs it: `+vote-for-leader <leader> <epoch>`, no instance.
        assert_eq!(step.events[0].payload, "me 1");
        // One peer grants us its vote: elected.
        now += 300;
        m.peer_reply(0, now, true, ME, 1);
        fresh(&mut m, now);
        let step = m.failover_step(now, &mut epoch, ME, 0);
        assert_eq!(
            kinds(&step),
            ["+elected-leader", "+failover-state-select-slave"]
        );

        let step = m.failover_step(now, &mut epoch, ME, 0);
        assert_eq!(
            kinds(&step),
            ["+selected-slave", "+failover-state-send-slaveof-noone"]
        );
        assert_eq!(
            step.events[0].payload,
            "slave 10.0.0.3:6379 10.0.0.3 6379 @ mymaster 10.0.0.1 6379"
        );
        let step = m.failover_step(now, &mut epoch, ME, 0);
        assert_eq!(kinds(&step), ["+failover-state-wait-promotion"]);
        assert_eq!(
            step.actions,
            [Action::SlaveOf {
                target: Addr::new("10.0.0.3", 6379),
                master: None
            }]
        );

        now += 1000;
        let info = InfoFields::parse("# Replication\r\nrole:master\r\nconnected_slaves:0\r\n");
        let step = m.replica_info(1, now, &info, false);
        assert_eq!(
            kinds(&step),
            [
                "-role-change",
                "+promoted-slave",
                "+failover-state-reconf-slaves"
            ]
        );
        assert_eq!(m.config_epoch, 1);
        assert_eq!(m.current_address(), &Addr::new("10.0.0.3", 6379));

        let step = m.failover_step(now, &mut epoch, ME, 0);
        assert_eq!(kinds(&step), ["+slave-reconf-sent"]);
        assert_eq!(
            step.actions,
            [Action::SlaveOf {
                target: Addr::new("10.0.0.2", 6379),
                master: Some(Addr::new("10.0.0.3", 6379))
            }]
        );
        now += 1000;
        let info = InfoFields::parse(
            "role:slave\r\nmaster_host:10.0.0.3\r\nmaster_port:6379\r\nmaster_link_status:up\r\n",
        );
        let step = m.replica_info(0, now, &info, false);
        assert_eq!(kinds(&step), ["+slave-reconf-inprog", "+slave-reconf-done"]);
        let step = m.failover_step(now, &mut epoch, ME, 0);
        assert_eq!(kinds(&step), ["+failover-end"]);
        assert_eq!(m.failover_state, FailoverState::UpdateConfig);

        let step = m.switch_to_promoted(now);
        assert_eq!(kinds(&step), ["+switch-master", "+slave", "+slave"]);
        assert_eq!(
            step.events[0].payload,
            "mymaster 10.0.0.1 6379 10.0.0.3 6379"
        );
        assert_eq!(
            step.events[2].payload,
            "slave 10.0.0.1:6379 10.0.0.1 6379 @ mymaster 10.0.0.3 6379"
        );
        assert_eq!(m.inst.addr, Addr::new("10.0.0.3", 6379));
        assert_eq!(m.failover_state, FailoverState::None);
        assert_eq!(m.sentinels.len(), 2);
    }

    /// Not elected: abort once the election timeout (min(10 s, failover-timeout)) has passed
    /// since the delayed start time, then no new attempt before 2 * failover-timeout.
    #[test]
    fn not_elected_aborts_then_waits() {
        let mut m = master();
        with_peers(&mut m, 2);
        m.inst.s_down = true;
        m.o_down = true;
        let mut epoch = 5;
        let (started, _) = m.start_failover_if_needed(T0, &mut epoch, 400);
        assert!(started);
        assert_eq!(m.failover_epoch, 6);
        // We vote for ourselves first (no other votes known yet)...
        let step = m.failover_step(T0, &mut epoch, ME, 0);
        assert_eq!(kinds(&step), ["+vote-for-leader"]);
        // ...then learn the peers voted for someone else in epoch 6.
        m.peer_reply(0, T0, true, "other", 6);
        m.peer_reply(1, T0, true, "other", 6);
        let cases = [
            (T0 + 10_400, Vec::<&str>::new()),
            (T0 + 10_401, vec!["-failover-abort-not-elected"]),
        ];
        for (i, (now, want)) in cases.into_iter().enumerate() {
            let step = m.failover_step(now, &mut epoch, ME, 0);
            assert_eq!(kinds(&step), want, "case {i}");
        }
        assert_eq!(m.failover_state, FailoverState::None);
        assert!(!m.failover_in_progress);
        let (started, _) = m.start_failover_if_needed(T0 + 360_399, &mut epoch, 0);
        assert!(!started);
        let (started, _) = m.start_failover_if_needed(T0 + 360_400, &mut epoch, 0);
        assert!(started);
    }

    /// IS-MASTER-DOWN-BY-ADDR votes: two candidates in one epoch, one grant; voting for another
    /// Sentinel delays our own failover.
    #[test]
    fn votes_for_peers() {
        let mut m = master();
        let mut epoch = 3;
        let (leader, le, step) = m.vote_leader(T0, &mut epoch, 4, "A", ME, 123);
        assert_eq!((leader.as_deref(), le), (Some("A"), 4));
        assert_eq!(kinds(&step), ["+new-epoch", "+vote-for-leader"]);
        assert_eq!(step.events[1].payload, "A 4");
        assert_eq!(m.failover_start_time, T0 + 123);
        let (leader, le, step) = m.vote_leader(T0, &mut epoch, 4, "B", ME, 0);
        assert_eq!((leader.as_deref(), le), (Some("A"), 4));
        assert!(step.events.is_empty());
    }

    #[test]
    fn no_good_slave_aborts() {
        let mut m = master();
        replica(&mut m, "10.0.0.2", 100);
        m.replicas[0].priority = 0;
        m.failover_in_progress = true;
        m.failover_state = FailoverState::SelectSlave;
        let mut epoch = 1;
        let step = m.failover_step(T0, &mut epoch, ME, 0);
        assert_eq!(kinds(&step), ["-failover-abort-no-good-slave"]);
        assert_eq!(m.failover_state, FailoverState::None);
    }

    #[test]
    fn reconf_times_out() {
        let mut m = master();
        replica(&mut m, "10.0.0.2", 100);
        replica(&mut m, "10.0.0.3", 200);
        m.failover_in_progress = true;
        m.failover_state = FailoverState::ReconfSlaves;
        m.failover_state_change_time = T0;
        m.promoted = Some(1);
        m.replicas[1].promoted = true;
        let mut epoch = 1;
        m.replicas[0].inst.link.disconnected = true;
        assert!(m
            .failover_step(T0 + 180_000, &mut epoch, ME, 0)
            .events
            .is_empty());
        let step = m.failover_step(T0 + 180_001, &mut epoch, ME, 0);
        assert_eq!(kinds(&step), ["+failover-end-for-timeout", "+failover-end"]);
    }

    /// `slave-reconf-timeout 500`: a replica told REPLICAOF that does not move on is counted as
    /// done after 500 ms instead of 10 s.
    #[test]
    fn slave_reconf_timeout_follows_the_timings() {
        for (timeout, quiet_until) in [(10_000, T0 + 10_000), (500, T0 + 500)] {
            let mut m = master();
            m.timings.slave_reconf_timeout = timeout;
            // Redis checks the timeout only while fewer than parallel-syncs are in progress.
            m.parallel_syncs = 2;
            replica(&mut m, "10.0.0.2", 100);
            replica(&mut m, "10.0.0.3", 200);
            m.failover_in_progress = true;
            m.failover_state = FailoverState::ReconfSlaves;
            m.failover_state_change_time = T0;
            m.promoted = Some(1);
            m.replicas[1].promoted = true;
            m.replicas[0].reconf = Reconf::Sent;
            m.replicas[0].reconf_sent_time = T0;
            let mut epoch = 1;
            let step = m.failover_step(quiet_until, &mut epoch, ME, 0);
            assert!(
                !kinds(&step).contains(&"-slave-reconf-sent-timeout"),
                "{timeout}"
            );
            let step = m.failover_step(quiet_until + 1, &mut epoch, ME, 0);
            assert!(
                kinds(&step).contains(&"-slave-reconf-sent-timeout"),
                "{timeout}: {:?}",
                kinds(&step)
            );
        }
    }

    #[test]
    fn info_parsing() {
        let info = "# Server\r\nrun_id:0123456789012345678901234567890123456789\r\n\
                    # Replication\r\nrole:master\r\nconnected_slaves:2\r\n\
                    slave0:ip=10.0.0.2,port=6380,state=online,offset=10,lag=0\r\n\
                    slave1:10.0.0.3,6381,online\r\nmaster_host:ignored\r\n";
        let f = InfoFields::parse(info);
        assert_eq!(
            f.run_id.as_deref(),
            Some("0123456789012345678901234567890123456789")
        );
        assert_eq!(f.role, Some(Role::Master));
        assert_eq!(
            f.replicas,
            [Addr::new("10.0.0.2", 6380), Addr::new("10.0.0.3", 6381)]
        );
        assert_eq!(f.master_host, None);
        let info = "role:slave\r\nmaster_host:10.0.0.1\r\nmaster_port:6379\r\n\
                    master_link_status:down\r\nmaster_link_down_since_seconds:7\r\n\
                    slave_repl_offset:42\r\nslave_priority:10\r\n";
        let f = InfoFields::parse(info);
        assert_eq!(f.master_link_down_time, 7000);
        assert_eq!(f.master_link_up, Some(false));
        assert_eq!(
            (f.slave_priority, f.slave_repl_offset),
            (Some(10), Some(42))
        );
    }

    #[test]
    fn discovers_replicas_and_reboots() {
        let mut m = master();
        let id1 = "1".repeat(40);
        let id2 = "2".repeat(40);
        let info =
            format!("run_id:{id1}\r\nrole:master\r\nslave0:ip=10.0.0.2,port=6379,state=online\r\n");
        let step = m.master_info(T0, &InfoFields::parse(&info));
        assert_eq!(kinds(&step), ["+slave"]);
        assert_eq!(
            step.events[0].payload,
            "slave 10.0.0.2:6379 10.0.0.2 6379 @ mymaster 10.0.0.1 6379"
        );
        assert!(m
            .master_info(T0, &InfoFields::parse(&info))
            .events
            .is_empty());
        let info =
            format!("run_id:{id2}\r\nrole:master\r\nslave0:ip=10.0.0.2,port=6379,state=online\r\n");
        assert_eq!(
            kinds(&m.master_info(T0, &InfoFields::parse(&info))),
            ["+reboot"]
        );
    }
}
