//! The keyspace actor: owns the databases and executes every command sent to it.
//!
//! Connections send all the commands decoded from one read as one [`Execute`] batch and get
//! back every reply in one buffer, so a pipeline costs one message and one socket write.

pub mod db;
pub mod hash;
pub mod list;
pub mod set;
pub mod state;
pub mod value;
pub mod zset;

use crate::cmd::{self, Effect};
use crate::metrics::Mailbox;
use crate::server::{unix_ms, ServerContext};
use crate::session::Session;
use actix::prelude::*;
use bytes::{Bytes, BytesMut};
use state::Keyspace;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::Duration;

/// Runs a batch of commands for one client, in order.
#[derive(Message)]
#[rtype(result = "Executed")]
pub struct Execute {
    pub session: Session,
    pub cmds: Vec<Vec<Bytes>>,
    /// Where the replies go; the connection passes its (empty) buffer to reuse its capacity.
    pub out: BytesMut,
}

/// The replies of a batch and the session as the commands left it.
#[derive(MessageResponse, Debug)]
pub struct Executed {
    pub session: Session,
    pub out: BytesMut,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("id", &self.id)
            .field("db", &self.db)
            .field("resp", &self.resp)
            .field("authenticated", &self.authenticated)
            .finish()
    }
}

/// Mailbox capacity: actix's default of 16 parks senders under load.
pub const MAILBOX_CAPACITY: usize = 4096;

pub struct KeyspaceActor {
    state: Keyspace,
    server: Arc<ServerContext>,
    mailbox: Arc<Mailbox>,
    log: slog::Logger,
    table: cmd::CommandTable,
}

impl KeyspaceActor {
    pub fn new(server: Arc<ServerContext>) -> Self {
        let t = server.config.tunables();
        let mailbox = server.mailboxes.register("keyspace/0");
        let log = server.log.new(slog::o!("actor" => "keyspace/0"));
        KeyspaceActor {
            state: Keyspace::new(t.databases, server.started_unix_ms ^ server.pid as u64),
            server,
            mailbox,
            log,
            table: cmd::CommandTable::new(),
        }
    }

    /// The mailbox senders must count their messages against.
    pub fn mailbox(&self) -> Arc<Mailbox> {
        self.mailbox.clone()
    }

    /// Active expiry: Redis's fast cycle budget is 25% of a tick; here, a bounded number of keys
    /// per tick, more with `active-expire-effort`.
    fn cron(&mut self) {
        let effort = self
            .server
            .config
            .tunables()
            .active_expire_effort
            .clamp(1, 10) as usize;
        let budget = 200 + 100 * effort;
        let now = unix_ms();
        self.state.active_expire(now, budget);
        let st = &mut self.state.stats;
        let net = &self.server.stats;
        st.ops_rate.sample(st.total_commands_processed, now);
        st.input_rate
            .sample(net.total_net_input_bytes.load(Relaxed), now);
        st.output_rate
            .sample(net.total_net_output_bytes.load(Relaxed), now);
    }

    /// The next cron tick, `1000 / hz` ms away; read anew each time so CONFIG SET hz applies.
    fn schedule_cron(&mut self, ctx: &mut Context<Self>) {
        let hz = self.server.config.tunables().hz.clamp(1, 500);
        ctx.run_later(Duration::from_millis(1000 / hz as u64), |act, ctx| {
            act.cron();
            act.schedule_cron(ctx);
        });
    }

    fn apply_effect(&mut self, effect: Effect) {
        match effect {
            Effect::None => {}
            Effect::Shutdown => {
                slog::warn!(self.log, "User requested shutdown...");
                System::current().stop();
            }
        }
    }
}

impl Actor for KeyspaceActor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.set_mailbox_capacity(MAILBOX_CAPACITY);
        self.schedule_cron(ctx);
    }
}

impl Handler<Execute> for KeyspaceActor {
    type Result = Executed;

    fn handle(&mut self, msg: Execute, _: &mut Self::Context) -> Executed {
        let _h = self.mailbox.handling();
        let Execute {
            mut session,
            cmds,
            mut out,
        } = msg;
        let mut effect = Effect::None;
        let now = unix_ms();
        for args in &cmds {
            let e = self.table.run(
                &mut self.state,
                &mut session,
                &self.server,
                &mut out,
                args,
                now,
            );
            if !matches!(e, Effect::None) {
                effect = e;
            }
            if session.close_after_reply {
                break;
            }
        }
        // Keyspace events and ready keys are served by the pub/sub and blocking work; until then
        // they must not pile up.
        self.state.events.clear();
        self.state.ready.clear();
        session.publish(now);
        self.apply_effect(effect);
        Executed { session, out }
    }
}

#[cfg(test)]
mod tests;
