//! What `SENTINEL MASTER(S)` and `SENTINEL REPLICAS` answer and what INFO's Sentinel section
//! says, built from the state as Redis's `addReplySentinelRedisInstance` and
//! `genRedisInfoString` build them: the same fields, in the same order, all values as text.

use super::state::{FailoverState, Instance, MasterState, Replica, Role};
use super::{elapsed, Addr};

/// Field/value pairs of one instance, in reply order.
pub type Fields = Vec<(&'static str, String)>;

/// `failover-state`'s words (`sentinelFailoverStateStr`).
pub fn failover_state_name(s: FailoverState) -> &'static str {
    match s {
        FailoverState::None => "none",
        FailoverState::WaitStart => "wait_start",
        FailoverState::SelectSlave => "select_slave",
        FailoverState::SendSlaveofNoone => "send_slaveof_noone",
        FailoverState::WaitPromotion => "wait_promotion",
        FailoverState::ReconfSlaves => "reconf_slaves",
        FailoverState::UpdateConfig => "update_config",
    }
}

/// The comma-joined flags, in Redis's order: s_down, o_down, master, slave, disconnected,
/// failover_in_progress, promoted, reconf_sent, reconf_inprog, reconf_done.
fn flags(inst: &Instance, kind: &str, extra: &[(&'static str, bool)], o_down: bool) -> String {
    let mut f = Vec::new();
    if inst.s_down {
        f.push("s_down");
    }
    if o_down {
        f.push("o_down");
    }
    f.push(kind);
    if inst.link.disconnected {
        f.push("disconnected");
    }
    f.extend(extra.iter().filter(|(_, on)| *on).map(|(name, _)| *name));
    f.join(",")
}

/// The fields every instance starts with, up to `last-ping-reply` (plus `s-down-time`).
fn common(
    inst: &Instance,
    flags: String,
    now: u64,
    pending_commands: usize,
    failover: Option<FailoverState>,
) -> Fields {
    let l = &inst.link;
    let mut v: Fields = vec![
        ("name", inst.name.clone()),
        ("ip", inst.addr.host.clone()),
        ("port", inst.addr.port.to_string()),
        ("runid", inst.runid.clone().unwrap_or_default()),
        ("flags", flags),
        ("link-pending-commands", pending_commands.to_string()),
        ("link-refcount", "1".into()),
    ];
    if let Some(state) = failover {
        v.push(("failover-state", failover_state_name(state).into()));
    }
    v.push((
        "last-ping-sent",
        l.act_ping_time
            .map_or(0, |t| elapsed(now, t).max(0))
            .to_string(),
    ));
    v.push((
        "last-ok-ping-reply",
        elapsed(now, l.last_avail_time).to_string(),
    ));
    v.push((
        "last-ping-reply",
        elapsed(now, l.last_pong_time).to_string(),
    ));
    if inst.s_down {
        v.push((
            "s-down-time",
            elapsed(now, inst.s_down_since_time).to_string(),
        ));
    }
    v
}

fn role_fields(inst: &Instance, now: u64, v: &mut Fields) {
    v.push((
        "down-after-milliseconds",
        inst.down_after_period.to_string(),
    ));
    v.push((
        "info-refresh",
        if inst.info_refresh == 0 {
            "0".to_string()
        } else {
            elapsed(now, inst.info_refresh).to_string()
        },
    ));
    let role = match inst.role_reported {
        Some(Role::Slave) => "slave",
        _ => "master",
    };
    v.push(("role-reported", role.into()));
    v.push((
        "role-reported-time",
        elapsed(now, inst.role_reported_time).to_string(),
    ));
}

/// `SENTINEL MASTER <name>`.
pub fn master_fields(m: &MasterState, now: u64, pending_commands: usize, others: usize) -> Fields {
    let extra = [("failover_in_progress", m.failover_in_progress)];
    let flags = flags(&m.inst, "master", &extra, m.o_down);
    let failover = m.failover_in_progress.then_some(m.failover_state);
    let mut v = common(&m.inst, flags, now, pending_commands, failover);
    if m.o_down {
        v.push(("o-down-time", elapsed(now, m.o_down_since_time).to_string()));
    }
    role_fields(&m.inst, now, &mut v);
    v.push(("config-epoch", m.config_epoch.to_string()));
    v.push(("num-slaves", m.replicas.len().to_string()));
    v.push(("num-other-sentinels", others.to_string()));
    v.push(("quorum", m.quorum.to_string()));
    v.push(("failover-timeout", m.failover_timeout.to_string()));
    v.push(("parallel-syncs", m.parallel_syncs.to_string()));
    v
}

/// One entry of `SENTINEL REPLICAS <name>`.
pub fn replica_fields(r: &Replica, now: u64, pending_commands: usize) -> Fields {
    use super::state::Reconf;
    let extra = [
        ("promoted", r.promoted),
        ("reconf_sent", r.reconf == Reconf::Sent),
        ("reconf_inprog", r.reconf == Reconf::InProgress),
        ("reconf_done", r.reconf == Reconf::Done),
    ];
    let flags = flags(&r.inst, "slave", &extra, false);
    let mut v = common(&r.inst, flags, now, pending_commands, None);
    role_fields(&r.inst, now, &mut v);
    v.push(("master-link-down-time", r.master_link_down_time.to_string()));
    v.push((
        "master-link-status",
        if r.master_link_up { "ok" } else { "err" }.into(),
    ));
    v.push((
        "master-host",
        r.master_host.clone().unwrap_or_else(|| "?".into()),
    ));
    v.push(("master-port", r.master_port.to_string()));
    v.push(("slave-priority", r.priority.to_string()));
    v.push(("slave-repl-offset", r.repl_offset.to_string()));
    v.push(("replica-announced", "1".into()));
    v
}

/// One entry of `SENTINEL SENTINELS <name>`.
pub fn peer_fields(p: &super::state::Peer, now: u64, pending_commands: usize) -> Fields {
    let flags = flags(&p.inst, "sentinel", &[], false);
    let mut v = common(&p.inst, flags, now, pending_commands, None);
    v.push((
        "down-after-milliseconds",
        p.inst.down_after_period.to_string(),
    ));
    v.push((
        "last-hello-message",
        elapsed(now, p.last_hello_time).to_string(),
    ));
    v.push((
        "voted-leader",
        p.vote.leader.clone().unwrap_or_else(|| "?".into()),
    ));
    v.push(("voted-leader-epoch", p.vote.leader_epoch.to_string()));
    v
}

/// INFO's `masterN:` line: `name=..,status=ok|sdown|odown,address=ip:port,slaves=N,sentinels=N`
/// (the Sentinels count includes this one).
pub fn info_master_line(i: usize, m: &MasterState, addr: &Addr, sentinels: usize) -> String {
    format!(
        "master{i}:name={},status={},address={addr},slaves={},sentinels={}",
        m.inst.name,
        m.status(),
        m.replicas.len(),
        sentinels
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(f: &Fields) -> Vec<&'static str> {
        f.iter().map(|(k, _)| *k).collect()
    }

    #[test]
    fn a_healthy_master_lists_redis_fields_in_order() {
        let mut m = MasterState::new("mymaster", Addr::new("127.0.0.15", 7015), 2, 1000);
        m.inst.link.disconnected = false;
        m.inst.link.act_ping_time = None;
        m.inst.runid = Some("a".repeat(40));
        let f = master_fields(&m, 1027, 0, 2);
        assert_eq!(
            names(&f),
            [
                "name",
                "ip",
                "port",
                "runid",
                "flags",
                "link-pending-commands",
                "link-refcount",
                "last-ping-sent",
                "last-ok-ping-reply",
                "last-ping-reply",
                "down-after-milliseconds",
                "info-refresh",
                "role-reported",
                "role-reported-time",
                "config-epoch",
                "num-slaves",
                "num-other-sentinels",
                "quorum",
                "failover-timeout",
                "parallel-syncs",
            ]
        );
        let get = |k: &str| f.iter().find(|(n, _)| *n == k).unwrap().1.clone();
        assert_eq!(get("flags"), "master");
        assert_eq!(get("last-ping-sent"), "0");
        assert_eq!(get("last-ok-ping-reply"), "27");
        assert_eq!(get("num-other-sentinels"), "2");
    }

    #[test]
    fn a_master_failing_over_shows_the_down_times_and_its_state() {
        let mut m = MasterState::new("mymaster", Addr::new("127.0.0.15", 7015), 2, 1000);
        m.inst.s_down = true;
        m.inst.s_down_since_time = 2000;
        m.o_down = true;
        m.o_down_since_time = 2062;
        m.failover_in_progress = true;
        m.failover_state = FailoverState::SendSlaveofNoone;
        let f = master_fields(&m, 2220, 1, 2);
        let get = |k: &str| f.iter().find(|(n, _)| *n == k).unwrap().1.clone();
        assert_eq!(
            get("flags"),
            "s_down,o_down,master,disconnected,failover_in_progress"
        );
        assert_eq!(get("failover-state"), "send_slaveof_noone");
        assert_eq!(get("s-down-time"), "220");
        assert_eq!(get("o-down-time"), "158");
        let order = names(&f);
        let at = |k| order.iter().position(|n| *n == k).unwrap();
        assert_eq!(at("failover-state"), at("link-refcount") + 1);
        assert_eq!(at("s-down-time"), at("last-ping-reply") + 1);
        assert_eq!(at("o-down-time"), at("s-down-time") + 1);
        assert_eq!(f.len(), 23);
    }

    #[test]
    fn a_replica_never_reached_reads_as_redis_shows_it() {
        let r = Replica::new(Addr::new("127.0.0.17", 7017), 1000, 1000);
        let f = replica_fields(&r, 1100, 2);
        assert_eq!(f.len(), 21);
        let get = |k: &str| f.iter().find(|(n, _)| *n == k).unwrap().1.clone();
        assert_eq!(get("name"), "127.0.0.17:7017");
        assert_eq!(get("runid"), "");
        assert_eq!(get("flags"), "slave,disconnected");
        assert_eq!(get("info-refresh"), "0");
        assert_eq!(get("master-host"), "?");
        assert_eq!(get("master-link-status"), "err");
        assert_eq!(get("replica-announced"), "1");
    }

    #[test]
    fn info_line() {
        let m = MasterState::new("mymaster", Addr::new("127.0.0.15", 7015), 2, 0);
        assert_eq!(
            info_master_line(0, &m, &Addr::new("127.0.0.15", 7015), 3),
            "master0:name=mymaster,status=ok,address=127.0.0.15:7015,slaves=0,sentinels=3"
        );
    }
}
