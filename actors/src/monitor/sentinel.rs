//! The Sentinel itself: the actor clients talk to. It runs their commands (the Sentinel's
//! command table), answers SENTINEL, INFO and ROLE from the masters' published views, passes
//! votes, forced failovers and settings to the masters' actors, and is where their events end
//! up: logged in Redis's format, published on the Sentinel's own pub/sub, and handed to the
//! notification script. It also owns the config file (rewritten after every change worth
//! keeping) and TILT.

use super::master::{
    ConfigChanged, EventRaised, HelloHeard, LinkSpawner, MasterMonitor, MonitorPeers, Noted,
};
use super::scripts::Scripts;
use super::shared::{lock, Shared};
use crate::cmd::{CommandTable, Effect};
use crate::keyspace::state::Keyspace;
use crate::keyspace::{ClientGone, Execute, Executed};
use crate::metrics::{Counted, Mailbox};
use crate::sentinel::config::{MasterConfig, SentinelConfig};
use crate::sentinel::hello::{Hello, HELLO_CHANNEL};
use crate::sentinel::{Event, Level};
use crate::server::unix_ms;
use crate::session::Session;
use actix::prelude::*;
use bytes::{Bytes, BytesMut};
use protocol::ReplyWriter;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

/// A batch of commands from one client, run one by one; a command that needs a master's
/// actor suspends it until the answer comes.
pub(super) struct Batch {
    pub session: Session,
    pub cmds: Vec<Vec<Bytes>>,
    pub next: usize,
    pub out: BytesMut,
}

/// What a SENTINEL subcommand needs to finish.
pub(super) enum Answer {
    /// Written already.
    Done,
    /// Written when this completes (a master's actor answers).
    Later(Pin<Box<dyn ActorFuture<SentinelActor, Output = Reply>>>),
}

/// A reply computed later, written into the batch's output.
pub(super) type Reply = Box<dyn FnOnce(&mut ReplyWriter)>;

pub struct SentinelActor {
    pub(super) shared: Arc<Shared>,
    ks: Keyspace,
    table: CommandTable,
    /// Each master's actor, its sends counted in the monitor's mailbox.
    pub(super) monitors: Vec<(String, Counted<Addr<MasterMonitor>>)>,
    /// The Sentinel-wide settings (the masters' live in their views).
    pub(super) config: SentinelConfig,
    pub(super) spawn_link: LinkSpawner,
    pub(super) log: slog::Logger,
    pub(super) scripts: Scripts,
    mailbox: Arc<Mailbox>,
    flush_scheduled: bool,
    me: Option<Addr<SentinelActor>>,
    /// A new Sentinel: save the id it just picked as soon as it starts.
    fresh_id: bool,
}

impl SentinelActor {
    pub fn new(
        shared: Arc<Shared>,
        config: SentinelConfig,
        spawn_link: LinkSpawner,
        log: slog::Logger,
    ) -> Self {
        let mailbox = shared.server.mailboxes.register("sentinel/0");
        let seed = unix_ms();
        let databases = 1;
        SentinelActor {
            shared,
            ks: Keyspace::new(databases, seed),
            table: CommandTable::sentinel(),
            monitors: Vec::new(),
            config,
            spawn_link,
            scripts: Scripts::new(log.clone()),
            log,
            mailbox,
            flush_scheduled: false,
            me: None,
            fresh_id: false,
        }
    }

    pub fn with_fresh_id(mut self, fresh: bool) -> Self {
        self.fresh_id = fresh;
        self
    }

    /// The mailbox clients' connections count their requests in.
    pub fn mailbox(&self) -> Arc<Mailbox> {
        self.mailbox.clone()
    }

    /// The state its masters' monitors share (for the metrics endpoint).
    pub fn shared(&self) -> Arc<Shared> {
        self.shared.clone()
    }

    /// Starts watching `cfg`'s master (`sentinel monitor` at startup, SENTINEL MONITOR).
    pub(super) fn monitor(&mut self, mut cfg: MasterConfig) {
        let Some(me) = self.me.clone() else { return };
        // A master named by host name is shown by that name with `announce-hostnames yes`,
        // by its address otherwise (Redis keeps both and picks when it shows one).
        if !self.config.announce_hostnames
            && crate::sentinel::command::numeric_host(&cfg.host).is_none()
        {
            if let Some(ip) = crate::sentinel::config::resolve(&cfg.host) {
                cfg.host = ip;
            }
        }
        let me = Counted::new(me, self.mailbox.clone());
        let peers = MonitorPeers {
            events: me.recipient(),
            notes: me.recipient(),
            config: me.recipient(),
        };
        let name = cfg.name.clone();
        let log = self.log.new(slog::o!("master" => name.clone()));
        let m = MasterMonitor::new(
            cfg,
            self.shared.clone(),
            peers,
            self.spawn_link.clone(),
            super::master::Clock::new(),
            log,
        );
        let mailbox = m.mailbox();
        self.monitors.push((name, Counted::new(m.start(), mailbox)));
    }

    pub(super) fn find(&self, name: &[u8]) -> Option<Counted<Addr<MasterMonitor>>> {
        self.monitors
            .iter()
            .find(|(n, _)| n.as_bytes() == name)
            .map(|(_, a)| a.clone())
    }

    /// `sentinelFlushConfig`: the file gets the Sentinel's settings and every master's state.
    pub(super) fn flush_config(&mut self) -> Result<(), String> {
        let mut cfg = self.config.clone();
        cfg.myid = Some(self.shared.myid.clone());
        cfg.current_epoch = self.shared.current_epoch();
        {
            let a = lock(&self.shared.announce);
            cfg.announce_ip = a.0.clone().filter(|ip| !ip.is_empty());
            cfg.announce_port = a.1;
        }
        cfg.masters = self
            .monitors
            .iter()
            .filter_map(|(name, _)| self.shared.views.get(name).map(|v| v.config()))
            .collect();
        let t = self.shared.timings();
        let lines = cfg.rewrite_lines_with(t.default_down_after, t.default_failover_timeout);
        let result = self.shared.server.config.rewrite_sentinel(&lines);
        match &result {
            Ok(()) => slog::info!(self.log, "Sentinel new configuration saved on disk"),
            Err(e) => slog::warn!(
                self.log,
                "WARNING: Sentinel was not able to save the new configuration on disk!!!: {e}"
            ),
        }
        result
    }

    /// `sentinelEvent`: log (at its level), publish (unless debug), and run the master's
    /// notification script for warnings.
    pub(super) fn raise(&mut self, master: Option<&str>, event: &Event) {
        let line = event.to_string();
        match event.level {
            Level::Warning => slog::warn!(self.log, "{line}"),
            Level::Notice => slog::info!(self.log, "{line}"),
            Level::Verbose => slog::debug!(self.log, "{line}"),
            Level::Debug => slog::trace!(self.log, "{line}"),
        }
        if event.level != Level::Debug {
            self.shared.server.pubsub.publish_from(
                event.kind.as_bytes(),
                event.payload.as_bytes(),
                None,
            );
        }
        if event.level == Level::Warning {
            let script = master
                .and_then(|m| self.shared.views.get(m))
                .and_then(|v| v.cfg.notification_script.clone());
            if let Some(script) = script {
                self.scripts
                    .queue(script, vec![event.kind.to_string(), event.payload.clone()]);
            }
        }
    }

    fn check_tilt(&mut self) {
        if let Some(e) = self.shared.check_tilt(unix_ms()) {
            self.raise(None, &e);
        }
    }

    /// Runs the batch from `b.next` on; returns when done or suspended on a master's answer.
    fn run_batch(
        &mut self,
        mut b: Batch,
        ctx: &mut Context<Self>,
    ) -> ResponseActFuture<Self, Executed> {
        let now = unix_ms();
        while b.next < b.cmds.len() {
            let args = std::mem::take(&mut b.cmds[b.next]);
            b.next += 1;
            let outcome = self.table.run(
                &mut self.ks,
                &mut b.session,
                &self.shared.server,
                &mut b.out,
                &args,
                now,
                false,
            );
            match outcome.effect {
                Effect::Sentinel(argv) => {
                    let resp = b.session.resp;
                    let start = b.out.len();
                    let answer = {
                        let mut out = ReplyWriter::new(&mut b.out, resp);
                        self.command(&argv, &mut out, ctx)
                    };
                    if let Answer::Later(fut) = answer {
                        return Box::pin(fut.then(move |reply, act, ctx| {
                            let resp = b.session.resp;
                            let start = b.out.len();
                            reply(&mut ReplyWriter::new(&mut b.out, resp));
                            act.count_error_reply(&b.out[start..]);
                            act.run_batch(b, ctx)
                        }));
                    }
                    self.count_error_reply(&b.out[start..]);
                }
                Effect::SentinelInfo {
                    text,
                    sentinel,
                    extra,
                } => {
                    let mut text = self.info(text, sentinel);
                    if !extra.is_empty() {
                        if !text.is_empty() {
                            text.push_str("\r\n");
                        }
                        text.push_str(&extra);
                    }
                    // sentinelInfoCommand answers with addReplyBulkSds: a bulk string
                    // in RESP3 too, not a verbatim string.
                    ReplyWriter::new(&mut b.out, b.session.resp).bulk(text.as_bytes());
                }
                Effect::Shutdown => {
                    slog::warn!(self.log, "User requested shutdown...");
                    ctx.run_later(Duration::from_millis(10), |act, _| {
                        let _h = act.mailbox.tick();
                        System::current().stop()
                    });
                }
                _ => {}
            }
        }
        b.session.publish(unix_ms());
        Box::pin(actix::fut::ready(Executed {
            session: b.session,
            out: b.out,
        }))
    }

    /// The `# Sentinel` section after the server sections (`sentinelInfoCommand`).
    fn info(&self, mut text: String, sentinel: bool) -> String {
        if !sentinel {
            return text;
        }
        if !text.is_empty() {
            text.push_str("\r\n");
        }
        let tilt = self.shared.in_tilt();
        let since = if tilt {
            let start = self.shared.tilt_start.load(Ordering::SeqCst);
            (unix_ms().saturating_sub(start) / 1000) as i64
        } else {
            -1
        };
        text.push_str(&format!(
            "# Sentinel\r\nsentinel_masters:{}\r\nsentinel_tilt:{}\r\nsentinel_tilt_since_seconds:{}\r\nsentinel_running_scripts:{}\r\nsentinel_scripts_queue_length:{}\r\nsentinel_simulate_failure_flags:{}\r\n",
            self.monitors.len(),
            tilt as u8,
            since,
            self.scripts.running(),
            self.scripts.queued(),
            self.shared.simfailure.load(Ordering::SeqCst),
        ));
        for (i, (name, _)) in self.monitors.iter().enumerate() {
            if let Some(v) = self.shared.views.get(name) {
                let addr = v.state.current_address().clone();
                let line = crate::sentinel::report::info_master_line(
                    i,
                    &v.state,
                    &addr,
                    v.state.sentinels.len() + 1,
                );
                text.push_str(&line);
                text.push_str("\r\n");
            }
        }
        text
    }

    /// SENTINEL, ROLE and PUBLISH (INFO is [`Effect::SentinelInfo`]).
    fn command(
        &mut self,
        argv: &[Bytes],
        out: &mut ReplyWriter,
        ctx: &mut Context<Self>,
    ) -> Answer {
        let name = argv[0].to_ascii_lowercase();
        match &name[..] {
            b"role" => {
                out.array(2);
                out.bulk(b"sentinel");
                out.array(self.monitors.len());
                for (n, _) in &self.monitors {
                    out.bulk(n.as_bytes());
                }
                Answer::Done
            }
            b"publish" => {
                self.publish(&argv[1], &argv[2], out);
                Answer::Done
            }
            _ => self.sentinel(&argv[1..], out, ctx),
        }
    }

    /// Redis counts every error reply (`afterErrorReply`: `total_error_replies`, errorstats).
    /// The Sentinel's own answers are written outside the command table that counts the
    /// others, so they are counted here, from the reply they wrote.
    fn count_error_reply(&mut self, reply: &[u8]) {
        if let Some(line) = reply.strip_prefix(b"-") {
            let end = line.iter().position(|&c| c == b'\r').unwrap_or(line.len());
            self.ks
                .stats
                .count_error(&String::from_utf8_lossy(&line[..end]));
        }
    }

    /// `sentinelPublishCommand`: only hellos, which go to the master they are about.
    fn publish(&mut self, channel: &[u8], payload: &[u8], out: &mut ReplyWriter) {
        if channel != HELLO_CHANNEL.as_bytes() {
            out.error("ERR Only HELLO messages are accepted by Sentinel instances.");
            return;
        }
        if let Ok(h) = std::str::from_utf8(payload)
            .map_err(|_| ())
            .and_then(|t| Hello::parse(t).map_err(|_| ()))
        {
            if let Some(m) = self.find(h.master_name.as_bytes()) {
                m.do_send(HelloHeard(h));
            }
        }
        out.int(1);
    }
}

impl Actor for SentinelActor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        self.me = Some(ctx.address());
        let masters = std::mem::take(&mut self.config.masters);
        for m in &masters {
            self.monitor(m.clone());
        }
        if self.fresh_id {
            let _ = self.flush_config();
        }
        slog::warn!(self.log, "Sentinel ID is {}", self.shared.myid);
        for m in &masters {
            let e = Event::warning(
                "+monitor",
                format!(
                    "master {} {} {} quorum {}",
                    m.name, m.host, m.port, m.quorum
                ),
            );
            self.raise(Some(&m.name), &e);
        }
        ctx.run_interval(Duration::from_millis(100), |act, _| {
            let _h = act.mailbox.tick();
            act.check_tilt();
            let t = act.shared.timings();
            act.scripts
                .run_pending(t.script_max_runtime, t.script_retry_delay);
        });
    }
}

impl Handler<Execute> for SentinelActor {
    type Result = ResponseActFuture<Self, Executed>;

    fn handle(&mut self, msg: Execute, ctx: &mut Self::Context) -> Self::Result {
        let _h = self.mailbox.handling();
        let b = Batch {
            session: msg.session,
            cmds: msg.cmds,
            next: 0,
            out: msg.out,
        };
        self.run_batch(b, ctx)
    }
}

impl Handler<ClientGone> for SentinelActor {
    type Result = ();

    fn handle(&mut self, _: ClientGone, _: &mut Self::Context) {
        // Counted by the connection that sent it.
        let _h = self.mailbox.handling();
    }
}

impl Handler<EventRaised> for SentinelActor {
    type Result = ();

    fn handle(&mut self, msg: EventRaised, _: &mut Self::Context) {
        let _h = self.mailbox.handling();
        self.raise(Some(&msg.master), &msg.event);
        self.scripts.on_event(&msg.master, &msg.event, &self.shared);
        let flags = self.shared.simfailure.load(Ordering::SeqCst);
        let crash = match msg.event.kind {
            "+elected-leader" => flags & super::SIMFAILURE_CRASH_AFTER_ELECTION != 0,
            "+promoted-slave" => flags & super::SIMFAILURE_CRASH_AFTER_PROMOTION != 0,
            _ => false,
        };
        if crash {
            slog::warn!(
                self.log,
                "Sentinel CRASH because of SENTINEL simulate-failure"
            );
            std::process::exit(99);
        }
    }
}

impl Handler<Noted> for SentinelActor {
    type Result = ();

    fn handle(&mut self, msg: Noted, _: &mut Self::Context) {
        let _h = self.mailbox.handling();
        slog::warn!(self.log, "{}", msg.0);
    }
}

/// Flushes once for every burst of changes.
#[derive(Message)]
#[rtype(result = "()")]
struct FlushNow;

impl Handler<ConfigChanged> for SentinelActor {
    type Result = ();

    fn handle(&mut self, _: ConfigChanged, ctx: &mut Self::Context) {
        let _h = self.mailbox.handling();
        if !self.flush_scheduled {
            self.flush_scheduled = true;
            // Sent to ourselves: counted like any other message.
            self.mailbox.sent();
            ctx.notify(FlushNow);
        }
    }
}

impl Handler<FlushNow> for SentinelActor {
    type Result = ();

    fn handle(&mut self, _: FlushNow, _: &mut Self::Context) {
        let _h = self.mailbox.handling();
        self.flush_scheduled = false;
        let _ = self.flush_config();
    }
}

impl Handler<crate::keyspace::ShutdownOnSignal> for SentinelActor {
    type Result = ();

    fn handle(&mut self, _: crate::keyspace::ShutdownOnSignal, _: &mut Self::Context) {
        // The signal task's send is not counted (it is shared with the server's keyspace):
        // counted here as sent and handled at once.
        let _h = self.mailbox.tick();
        slog::warn!(self.log, "User requested shutdown...");
        System::current().stop();
    }
}

#[cfg(test)]
#[path = "sentinel_tests.rs"]
mod tests;
