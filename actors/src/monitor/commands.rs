//! The SENTINEL subcommands, as the Sentinel actor answers them: reads come from the masters'
//! published views, changes and votes go to the master's actor and are answered when it has
//! made them.

use super::master::{AskMasterDown, ForceFailover, Reconfigure, ResetMaster, StopMonitoring};
use super::sentinel::{Answer, Reply, SentinelActor};
use super::shared::{lock, View};
use crate::sentinel::command::{self as parse, SentinelCmd, SimReply};
use crate::sentinel::config::MasterConfig;
use crate::sentinel::report::{self, Fields};
use crate::sentinel::state::MasterState;
use crate::sentinel::Event;
use crate::server::unix_ms;
use actix::fut::wrap_future;
use actix::prelude::*;
use bytes::Bytes;
use protocol::ReplyWriter;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// `SENTINEL SIMULATE-FAILURE` flags.
pub const SIMFAILURE_CRASH_AFTER_ELECTION: u32 = 1 << 0;
pub const SIMFAILURE_CRASH_AFTER_PROMOTION: u32 = 1 << 1;

fn fields(out: &mut ReplyWriter, f: &Fields) {
    out.map(f.len());
    for (k, v) in f {
        out.bulk(k.as_bytes());
        out.bulk(v.as_bytes());
    }
}

fn master_fields(v: &View, now: u64) -> Fields {
    report::master_fields(&v.state, now, v.pending_master, v.state.sentinels.len())
}

/// SET's options applied to the master: its settings live partly in the state (what the
/// state machine reads) and partly in the config (auth, scripts, renames).
fn apply_set(state: &mut MasterState, cfg: &mut MasterConfig, opts: &[parse::SetOption]) {
    cfg.quorum = state.quorum;
    cfg.down_after_ms = state.inst.down_after_period;
    cfg.failover_timeout_ms = state.failover_timeout;
    cfg.parallel_syncs = state.parallel_syncs as u64;
    cfg.master_reboot_down_after_period = state.inst.master_reboot_down_after_period;
    for o in opts {
        o.apply(cfg);
    }
    state.quorum = cfg.quorum;
    state.inst.down_after_period = cfg.down_after_ms;
    state.failover_timeout = cfg.failover_timeout_ms;
    state.parallel_syncs = cfg.parallel_syncs as usize;
    state.inst.master_reboot_down_after_period = cfg.master_reboot_down_after_period;
}

fn later<F>(f: F) -> Answer
where
    F: ActorFuture<SentinelActor, Output = Reply> + 'static,
{
    Answer::Later(Box::pin(f))
}

fn error_reply(e: String) -> Reply {
    Box::new(move |out: &mut ReplyWriter| out.error(&e))
}

impl SentinelActor {
    fn view(&self, name: &str) -> Option<Arc<View>> {
        self.shared.views.get(name).map(|v| v.clone())
    }

    /// `SENTINEL <args>`.
    pub(super) fn sentinel(
        &mut self,
        args: &[Bytes],
        out: &mut ReplyWriter,
        ctx: &mut Context<Self>,
    ) -> Answer {
        let cmd = match parse::parse(args) {
            Ok(c) => c,
            Err(e) => {
                out.error(&e);
                return Answer::Done;
            }
        };
        let now = unix_ms();
        match cmd {
            SentinelCmd::Help => {
                out.array(parse::HELP.len());
                for l in parse::HELP {
                    out.simple(l);
                }
            }
            SentinelCmd::Masters => {
                let views: Vec<_> = self
                    .monitors
                    .iter()
                    .filter_map(|(n, _)| self.view(n))
                    .collect();
                out.array(views.len());
                for v in views {
                    fields(out, &master_fields(&v, now));
                }
            }
            SentinelCmd::Master(name) => match self.view(&name) {
                Some(v) => fields(out, &master_fields(&v, now)),
                None => out.error(parse::NO_SUCH_MASTER),
            },
            SentinelCmd::Replicas(name) => match self.view(&name) {
                Some(v) => {
                    out.array(v.state.replicas.len());
                    for (i, r) in v.state.replicas.iter().enumerate() {
                        let pending = v.pending_replicas.get(i).copied().unwrap_or(0);
                        fields(out, &report::replica_fields(r, now, pending));
                    }
                }
                None => out.error(parse::NO_SUCH_MASTER),
            },
            SentinelCmd::Sentinels(name) => match self.view(&name) {
                Some(v) => {
                    out.array(v.state.sentinels.len());
                    for (i, p) in v.state.sentinels.iter().enumerate() {
                        let pending = v.pending_peers.get(i).copied().unwrap_or(0);
                        fields(out, &report::peer_fields(p, now, pending));
                    }
                }
                None => out.error(parse::NO_SUCH_MASTER),
            },
            SentinelCmd::GetMasterAddrByName(name) => match self.view(&name) {
                Some(v) => {
                    let a = v.state.current_address();
                    out.array(2);
                    out.bulk(a.host.as_bytes());
                    out.bulk(a.port.to_string().as_bytes());
                }
                None => out.null_array(),
            },
            SentinelCmd::Reset(pattern) => return self.reset(&pattern),
            SentinelCmd::Failover(name) => {
                let Some(m) = self.find(name.as_bytes()) else {
                    out.error(parse::NO_SUCH_MASTER);
                    return Answer::Done;
                };
                return later(wrap_future(m.send(ForceFailover)).map(|r, _, _| -> Reply {
                    match r {
                        Ok(Ok(())) => Box::new(|out: &mut ReplyWriter| out.simple("OK")),
                        Ok(Err(e)) => error_reply(e),
                        Err(e) => error_reply(format!("ERR {e}")),
                    }
                }));
            }
            SentinelCmd::CkQuorum(name) => match self.view(&name) {
                Some(v) => {
                    let usable = 1 + v.state.sentinels.iter().filter(|p| !p.inst.s_down).count();
                    let voters = v.state.sentinels.len() + 1;
                    match parse::ckquorum_reply(usable, v.state.quorum, voters) {
                        Ok(s) => out.simple(&s),
                        Err(e) => out.error(&e),
                    }
                }
                None => out.error(parse::NO_SUCH_MASTER),
            },
            SentinelCmd::FlushConfig => match self.flush_config() {
                Ok(()) => out.simple("OK"),
                Err(e) => out.error(&e),
            },
            SentinelCmd::Monitor {
                name,
                host,
                port,
                quorum,
            } => {
                let taken = self.find(name.as_bytes()).is_some();
                let resolve = |h: &str| {
                    use std::net::ToSocketAddrs;
                    (h, 0)
                        .to_socket_addrs()
                        .ok()
                        .and_then(|mut a| a.next())
                        .map(|a| a.ip().to_string())
                };
                match parse::check_monitor(
                    &host,
                    port,
                    self.config.resolve_hostnames,
                    resolve,
                    taken,
                ) {
                    Ok((ip, port)) => {
                        // `createSentinelRedisInstance`: the defaults as they are now.
                        let t = self.shared.timings();
                        let mut cfg = MasterConfig::new(&name, &ip, port, quorum);
                        cfg.down_after_ms = t.default_down_after;
                        cfg.failover_timeout_ms = t.default_failover_timeout;
                        self.monitor(cfg);
                        let id = format!("master {name} {ip} {port}");
                        self.raise(
                            Some(&name),
                            &Event::warning("+monitor", format!("{id} quorum {quorum}")),
                        );
                        let _ = self.flush_config();
                        out.simple("OK");
                    }
                    Err(e) => out.error(&e),
                }
            }
            SentinelCmd::Remove(name) => {
                let Some(i) = self.monitors.iter().position(|(n, _)| *n == name) else {
                    out.error(parse::NO_SUCH_MASTER);
                    return Answer::Done;
                };
                let (_, m) = self.monitors.remove(i);
                if let Some((_, v)) = self.shared.views.remove(&name) {
                    self.raise(Some(&name), &Event::warning("-monitor", v.state.id()));
                }
                m.do_send(StopMonitoring);
                let _ = self.flush_config();
                out.simple("OK");
            }
            SentinelCmd::Set { name, args } => return self.set(&name, &args, out),
            SentinelCmd::IsMasterDownByAddr {
                ip,
                port,
                epoch,
                runid,
            } => {
                let found = self.monitors.iter().find(|(n, _)| {
                    self.shared
                        .views
                        .get(n)
                        .is_some_and(|v| v.state.inst.addr.same(&ip, port as u16))
                });
                let Some((_, m)) = found else {
                    write_down_reply(out, false, None, 0);
                    return Answer::Done;
                };
                let ask = AskMasterDown {
                    req_epoch: epoch,
                    runid,
                };
                return later(wrap_future(m.send(ask)).map(|r, _, _| -> Reply {
                    Box::new(move |out: &mut ReplyWriter| match r {
                        Ok(a) => write_down_reply(out, a.down, a.leader.as_deref(), a.leader_epoch),
                        Err(_) => write_down_reply(out, false, None, 0),
                    })
                }));
            }
            SentinelCmd::MyId => out.bulk(self.shared.myid.as_bytes()),
            SentinelCmd::ConfigGet(pattern) => {
                let mut cfg = self.config.clone();
                {
                    let a = lock(&self.shared.announce);
                    cfg.announce_ip = a.0.clone();
                    cfg.announce_port = a.1;
                }
                let pairs = parse::config_get(&cfg, &pattern);
                out.map(pairs.len());
                for (k, v) in pairs {
                    out.bulk(k.as_bytes());
                    out.bulk(v.as_bytes());
                }
            }
            SentinelCmd::ConfigSet(param) => {
                param.apply(&mut self.config);
                self.shared.configure(&self.config);
                let _ = self.flush_config();
                if param.drops_connections() {
                    for (_, m) in &self.monitors {
                        m.do_send(Reconfigure(Box::new(|_, _| {})));
                    }
                }
                out.simple("OK");
            }
            SentinelCmd::InfoCache(names) => {
                let views: Vec<Arc<View>> = self
                    .monitors
                    .iter()
                    .filter(|(n, _)| names.iter().any(|x| x == n))
                    .filter_map(|(n, _)| self.view(n))
                    .collect();
                out.array(views.len() * 2);
                for v in views {
                    // `sentinelInfoCacheCommand`: the master, then every replica, each as
                    // [ms since its last INFO reply or 0, that INFO text or null].
                    out.bulk(v.state.inst.name.as_bytes());
                    out.array(1 + v.state.replicas.len());
                    let insts = std::iter::once(&v.state.inst)
                        .chain(v.state.replicas.iter().map(|r| &r.inst));
                    for inst in insts {
                        out.array(2);
                        let age = if inst.info_refresh != 0 {
                            now.saturating_sub(inst.info_refresh)
                        } else {
                            0
                        };
                        out.int(age as i64);
                        match v.info.iter().find(|(a, _, _)| *a == inst.addr) {
                            Some((_, _, text)) => out.bulk(text.as_bytes()),
                            None => out.null(),
                        }
                    }
                }
            }
            SentinelCmd::SimulateFailure {
                crash_after_election,
                crash_after_promotion,
                reply,
            } => {
                let mut flags = 0;
                if crash_after_election {
                    flags |= SIMFAILURE_CRASH_AFTER_ELECTION;
                }
                if crash_after_promotion {
                    flags |= SIMFAILURE_CRASH_AFTER_PROMOTION;
                }
                self.shared.simfailure.store(flags, Ordering::SeqCst);
                match reply {
                    SimReply::Ok => out.simple("OK"),
                    SimReply::Help => {
                        out.array(2);
                        for h in parse::SIMULATE_FAILURE_HELP {
                            out.bulk(h.as_bytes());
                        }
                    }
                    SimReply::Error(e) => out.error(&e),
                }
            }
            SentinelCmd::DebugInfo => {
                out.map(parse::DebugParam::ALL.len());
                let t = self.shared.timings();
                for p in parse::DebugParam::ALL {
                    // Redis replies with the names upper-cased.
                    out.bulk(p.name().to_ascii_uppercase().as_bytes());
                    out.bulk(t.get(p).to_string().as_bytes());
                }
            }
            SentinelCmd::DebugSet(partial) => {
                // As Redis: the pairs before a bad one are applied, the rest are not.
                self.shared.set_timings(&partial.applied);
                match partial.error {
                    Some(e) => out.error(&e),
                    None => out.simple("OK"),
                }
            }
            SentinelCmd::PendingScripts => {
                let jobs = self.scripts.pending(now);
                out.array(jobs.len());
                for (argv, running, pid, time, retries) in jobs {
                    out.map(5);
                    out.bulk(b"argv");
                    out.array(argv.len());
                    for a in &argv {
                        out.bulk(a.as_bytes());
                    }
                    out.bulk(b"flags");
                    out.bulk(if running {
                        &b"running"[..]
                    } else {
                        &b"scheduled"[..]
                    });
                    out.bulk(b"pid");
                    out.bulk(pid.to_string().as_bytes());
                    out.bulk(if running {
                        &b"run-time"[..]
                    } else {
                        &b"run-delay"[..]
                    });
                    out.bulk(time.to_string().as_bytes());
                    out.bulk(b"retry-num");
                    out.bulk(retries.to_string().as_bytes());
                }
            }
        }
        let _ = ctx;
        Answer::Done
    }

    /// `SENTINEL RESET <pattern>`: every matching master forgets its replicas and peers.
    fn reset(&mut self, pattern: &[u8]) -> Answer {
        let matching: Vec<_> = self
            .monitors
            .iter()
            .filter(|(n, _)| parse::reset_matches(pattern, n))
            .cloned()
            .collect();
        for (name, _) in &matching {
            if let Some(v) = self.view(name) {
                let e = Event::warning("+reset-master", v.state.id());
                self.raise(Some(name), &e);
            }
        }
        let count = matching.len() as i64;
        let sends: Vec<_> = matching
            .into_iter()
            .map(|(_, m)| m.send(ResetMaster))
            .collect();
        later(
            // Redis only replies: the file is rewritten by whatever changes the state next.
            wrap_future(futures_join(sends)).map(move |_, _: &mut SentinelActor, _| -> Reply {
                Box::new(move |out: &mut ReplyWriter| out.int(count))
            }),
        )
    }

    /// `SENTINEL SET <name> <option> <value> ...`: applied up to the first bad pair.
    fn set(&mut self, name: &str, args: &[Bytes], out: &mut ReplyWriter) -> Answer {
        let Some(m) = self.find(name.as_bytes()) else {
            out.error(parse::NO_SUCH_MASTER);
            return Answer::Done;
        };
        let deny = self.config.deny_scripts_reconfig;
        let partial = parse::parse_set(args, deny, parse::script_executable);
        let id = self.view(name).map(|v| v.state.id()).unwrap_or_default();
        for change in &partial.applied {
            let e = Event::warning("+set", format!("{id} {}", change.event));
            self.raise(Some(name), &e);
        }
        let error = partial.error.clone();
        if partial.applied.is_empty() {
            let e = error.unwrap_or_default();
            out.error(&e);
            return Answer::Done;
        }
        let opts: Vec<parse::SetOption> = partial.applied.into_iter().map(|c| c.option).collect();
        let change = Reconfigure(Box::new(move |state, cfg| apply_set(state, cfg, &opts)));
        later(
            wrap_future(m.send(change)).map(move |_, act: &mut SentinelActor, _| -> Reply {
                let _ = act.flush_config();
                match error {
                    Some(e) => error_reply(e),
                    None => Box::new(|out: &mut ReplyWriter| out.simple("OK")),
                }
            }),
        )
    }
}

fn write_down_reply(out: &mut ReplyWriter, down: bool, leader: Option<&str>, epoch: u64) {
    let (d, l, e) = parse::is_master_down_reply(down, leader, epoch);
    out.array(3);
    out.int(d);
    out.bulk(l.as_bytes());
    out.int(e);
}

/// Waits for every request, in any order.
async fn futures_join<T>(sends: Vec<Request<super::master::MasterMonitor, T>>)
where
    T: Message + Send + 'static,
    T::Result: Send,
    super::master::MasterMonitor: Handler<T>,
{
    for s in sends {
        let _ = s.await;
    }
}
