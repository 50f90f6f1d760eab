//! The keyspace actor's side of replication on a master: it turns a PSYNC into a replica-link
//! actor and a partial or full resync, streams what it executes to the backlog, and answers
//! WAIT as acknowledgements come in. On a replica it applies its master's stream.

use super::background::Job;
use super::KeyspaceActor;
use crate::cmd::repl::psync::SyncRequest;
use crate::metrics::{Counted, Mailbox};
use crate::repl::replica::{Acked, ReplicaLink, Unlink};
use crate::repl::status::ReplicaInfo;
use crate::repl::stream::{Attach, Detach, Feed, Psync, PsyncOutcome, ResetBacklog, ResizeBacklog};
use crate::server::unix_ms;
use crate::session::Session;
use actix::prelude::*;
use bytes::Bytes;
use std::sync::Arc;

/// The backlog actor as the keyspace sees it.
#[derive(Clone)]
pub struct BacklogLink {
    pub feed: Counted<Recipient<Feed>>,
    pub resize: Counted<Recipient<ResizeBacklog>>,
    pub reset: Counted<Recipient<ResetBacklog>>,
    pub attach: Counted<Recipient<Attach>>,
    pub detach: Counted<Recipient<Detach>>,
    pub psync: Counted<Recipient<Psync>>,
}

impl BacklogLink {
    /// The ends of one backlog actor (or a probe in tests), counted in `mailbox`.
    pub fn of<A>(addr: &Addr<A>, mailbox: &Arc<Mailbox>) -> Self
    where
        A: Actor<Context = Context<A>>
            + Handler<Feed>
            + Handler<ResizeBacklog>
            + Handler<ResetBacklog>
            + Handler<Attach>
            + Handler<Detach>
            + Handler<Psync>,
    {
        let counted = Counted::new(addr.clone(), mailbox.clone());
        BacklogLink {
            feed: counted.recipient(),
            resize: counted.recipient(),
            reset: counted.recipient(),
            attach: counted.recipient(),
            detach: counted.recipient(),
            psync: counted.recipient(),
        }
    }
}

impl KeyspaceActor {
    /// Hands the stream produced since the last call to the backlog (and through it to the
    /// replicas), in order.
    pub(super) fn stream_to_replicas(&mut self) {
        let end = self.state.repl_offset_now();
        if self.state.repl.pending.is_empty() {
            return;
        }
        let bytes = Bytes::from(std::mem::take(&mut self.state.repl.pending));
        if let Some(b) = &self.backlog {
            b.feed.do_send(Feed { bytes, end });
        }
    }

    /// Creates the backlog the first time a replica needs it (Redis's
    /// `createReplicationBacklog`): from then on every write is streamed.
    fn activate_stream(&mut self) {
        if self.state.repl.active {
            return;
        }
        self.state.repl.active = true;
        self.state.prop.enabled = true;
        self.state.repl.selected = None;
        let size = self.server.config.tunables().repl_backlog_size;
        if let Some(b) = &self.backlog {
            b.reset.do_send(ResetBacklog {
                offset: self.state.repl.history.offset,
                size,
            });
        }
        let h = &self.state.repl.history;
        slog::info!(
            self.log,
            "Replication backlog created, my new replication IDs are '{}' and '{}'",
            h.replid,
            h.replid2
        );
    }

    /// PSYNC / SYNC from a client: it becomes a replica with a link actor of its own.
    pub(super) fn replica_wants_sync(
        &mut self,
        session: &Session,
        req: SyncRequest,
        ctx: &mut Context<Self>,
    ) {
        let Some(handle) = session.handle.clone() else {
            return;
        };
        if req.failover {
            // Our master hands over: we become the master, then continue its replica from the
            // history we shared (PSYNC2).
            let who = crate::cmd::connection::client::describe(&handle, unix_ms());
            let line = format!("MASTER MODE enabled (failover request from '{who}')");
            self.follow(None, Some(line), ctx);
        }
        handle
            .replica
            .store(true, std::sync::atomic::Ordering::Relaxed);
        let ip = req
            .ip
            .clone()
            .unwrap_or_else(|| handle.addr.ip().to_string());
        let who = format!("{ip}:{}", req.listening_port);
        slog::info!(self.log, "Replica {who} asks for synchronization");
        let info = ReplicaInfo {
            id: session.id,
            ip,
            port: req.listening_port,
            state: "wait_bgsave",
            offset: 0,
            last_ack_ms: unix_ms(),
        };
        let name = format!("replica-link/{who}");
        let mailbox = self.server.mailboxes.register(name.clone());
        let log = self.server.log.new(slog::o!("actor" => name));
        let mut link = ReplicaLink::new(
            info,
            handle.deliver.clone(),
            Some(handle.kill.clone()),
            self.server.repl_status(),
            mailbox.clone(),
            log,
        );
        link.hard_limit = self.server.config.tunables().client_output_buffer_limit
            [crate::config::OBUF_REPLICA]
            .hard;
        let link = crate::metrics::Counted::new(link.start(), mailbox);
        self.replicas.insert(session.id, link.clone());
        // Everything executed before this PSYNC is in the stream the decision is made on.
        self.stream_to_replicas();
        let id = session.id;
        if req.psync && req.replid != "?" && self.state.repl.active {
            if let Some(b) = &self.backlog {
                let ask = b.psync.send(Psync {
                    id,
                    link,
                    history: self.state.repl.history.clone(),
                    replid: req.replid.clone(),
                    offset: req.offset,
                    capa_psync2: req.capa_psync2,
                    who: who.clone(),
                });
                ctx.spawn(ask.into_actor(self).map(move |res, act, ctx| match res {
                    Ok(PsyncOutcome::Continued) => {
                        act.server.repl.update(|s| s.sync_partial_ok += 1);
                    }
                    _ => {
                        act.server.repl.update(|s| s.sync_partial_err += 1);
                        act.full_sync(id, ctx);
                    }
                }));
                return;
            }
        }
        slog::info!(self.log, "Full resync requested by replica {who}");
        self.full_sync(id, ctx);
    }

    /// Queues a replica for the next full-sync snapshot and starts one if none runs.
    fn full_sync(&mut self, id: u64, ctx: &mut Context<Self>) {
        if !self.replicas.contains_key(&id) {
            return;
        }
        self.activate_stream();
        self.server.repl.update(|s| s.sync_full += 1);
        self.sync_waiting.push(id);
        if self.state.bg.running.is_none() {
            let t = self.server.config.tunables();
            if t.repl_diskless_sync && t.repl_diskless_sync_delay > 0 && !self.sync_delayed {
                // Give other replicas a moment to join this snapshot, as Redis does.
                slog::info!(self.log, "Delay next BGSAVE for diskless SYNC");
                self.sync_delayed = true;
                let delay = std::time::Duration::from_secs(t.repl_diskless_sync_delay);
                ctx.run_later(delay, |act, ctx| {
                    act.sync_delayed = false;
                    if act.state.bg.running.is_none() && !act.sync_waiting.is_empty() {
                        act.start_job(Job::ReplSync { diskless: true }, ctx);
                    }
                });
            } else if !self.sync_delayed {
                let diskless = t.repl_diskless_sync;
                self.start_job(Job::ReplSync { diskless }, ctx);
            }
        } else {
            self.state.bg.sync_scheduled = true;
        }
    }

    /// The snapshot for the waiting replicas begins now: each gets `+FULLRESYNC` with the
    /// offset the snapshot stands for, and the stream from that point.
    pub(super) fn sync_point(&mut self, diskless: bool) -> Vec<u64> {
        self.stream_to_replicas();
        // The stream after a snapshot starts with a SELECT, whatever was selected before.
        self.state.repl.selected = None;
        let waiting = std::mem::take(&mut self.sync_waiting);
        let mut started = Vec::new();
        for id in waiting {
            let Some(link) = self.replicas.get(&id) else {
                continue;
            };
            link.do_send(crate::repl::replica::FullResyncAt {
                replid: self.state.repl.history.replid.clone(),
                offset: self.state.repl.history.offset,
                diskless,
            });
            if let Some(b) = &self.backlog {
                b.attach.do_send(Attach {
                    id,
                    link: link.clone(),
                });
            }
            started.push(id);
        }
        started
    }

    /// A replica connection closed.
    pub(super) fn replica_gone(&mut self, id: u64) {
        if let Some(link) = self.replicas.remove(&id) {
            if let Some(r) = self.server.repl.get().replicas.iter().find(|r| r.id == id) {
                slog::info!(
                    self.log,
                    "Connection with replica {}:{} lost.",
                    r.ip,
                    r.port
                );
            }
            link.do_send(Unlink);
            if let Some(b) = &self.backlog {
                b.detach.do_send(Detach { id });
            }
            self.sync_waiting.retain(|w| *w != id);
        }
    }

    /// REPLCONF ACK: the link records it; WAITing clients may now have their count.
    pub(super) fn replica_acked(&mut self, id: u64, offset: i64, ctx: &mut Context<Self>) {
        if let Some(link) = self.replicas.get(&id) {
            link.do_send(Acked { offset });
            // The link publishes asynchronously; count this ack right away.
            self.server.repl.update(|s| {
                if let Some(r) = s.replicas.iter_mut().find(|r| r.id == id) {
                    r.offset = offset;
                    r.last_ack_ms = unix_ms();
                }
            });
        }
        self.serve_waits(ctx);
        self.failover_cron(ctx);
    }

    /// WAIT: parks until enough replicas acknowledge `target`; asks them to at once.
    pub(super) fn wait_for_acks(&mut self, id: u64, numreplicas: usize, target: i64) {
        self.waits.push((id, numreplicas, target));
        self.request_acks();
    }

    /// `repl-ping-replica-period`: a PING in the stream now and then, so replicas can tell a
    /// quiet master from a dead link.
    pub(super) fn ping_replicas(&mut self, now: u64) {
        if self.replicas.is_empty() || self.state.repl.master.is_some() {
            return;
        }
        let period = self.server.config.tunables().repl_ping_replica_period * 1000;
        if now.saturating_sub(self.last_ping_ms) < period {
            return;
        }
        self.last_ping_ms = now;
        self.stream_to_replicas();
        self.state.repl.feed_raw(b"*1\r\n$4\r\nping\r\n");
        self.stream_to_replicas();
        self.publish_history();
    }

    /// `repl-timeout`: a replica that has not acknowledged anything for that long is dropped,
    /// as Redis's replicationCron does; and `repl-backlog-size` follows CONFIG SET.
    pub(super) fn replicas_cron(&mut self, now: u64) {
        let t = self.server.config.tunables();
        if t.repl_backlog_size != self.backlog_size {
            self.backlog_size = t.repl_backlog_size;
            if let Some(b) = &self.backlog {
                b.resize.do_send(crate::repl::stream::ResizeBacklog {
                    size: t.repl_backlog_size,
                });
            }
        }
        let limit = t.repl_timeout * 1000;
        let late: Vec<(u64, String, u16)> = self
            .server
            .repl
            .get()
            .replicas
            .iter()
            .filter(|r| r.state == "online" && now.saturating_sub(r.last_ack_ms) > limit)
            .map(|r| (r.id, r.ip.clone(), r.port))
            .collect();
        for (id, ip, port) in late {
            slog::warn!(
                self.log,
                "Disconnecting timedout replica (streaming sync): {ip}:{port}"
            );
            self.replica_gone(id);
        }
    }

    /// `REPLCONF GETACK *` into the stream.
    pub(super) fn request_acks(&mut self) {
        if !self.state.repl.active {
            return;
        }
        self.stream_to_replicas();
        let getack = b"*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n";
        self.state.repl.feed_raw(getack);
        self.stream_to_replicas();
    }

    fn serve_waits(&mut self, ctx: &mut Context<Self>) {
        if self.waits.is_empty() {
            return;
        }
        let waits = std::mem::take(&mut self.waits);
        for (id, n, target) in waits {
            let acked = self.server.repl.acked_at(target);
            if acked < n {
                self.waits.push((id, n, target));
                continue;
            }
            if let Some(mut p) = self.state.blocked.unpark(id) {
                let mut w = protocol::ReplyWriter::new(&mut p.out, p.session.resp);
                w.int(acked as i64);
                p.next += 1;
                self.resume(p, ctx);
            }
        }
    }
}
