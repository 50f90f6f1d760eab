//! A harness for command unit tests: a keyspace, a session and the raw reply bytes of each call.

use super::{CommandTable, Effect};
use crate::keyspace::state::Keyspace;
use crate::server::ServerContext;
use crate::session::Session;
use bytes::{Bytes, BytesMut};
use protocol::Resp;
use std::sync::Arc;

pub struct Harness {
    pub ks: Keyspace,
    pub session: Session,
    pub server: Arc<ServerContext>,
    pub table: CommandTable,
    pub last_effect: Effect,
}

impl Default for Harness {
    fn default() -> Self {
        Self::new()
    }
}

impl Harness {
    pub fn new() -> Self {
        Self::with_server(ServerContext::for_tests())
    }

    pub fn with_server(server: Arc<ServerContext>) -> Self {
        let t = server.config.tunables();
        Harness {
            ks: Keyspace::new(t.databases, 7),
            session: Session::new(1, t.requirepass.is_none()),
            server,
            table: CommandTable::new(),
            last_effect: Effect::None,
        }
    }

    pub fn resp3(mut self) -> Self {
        self.session.resp = Resp::V3;
        self
    }

    /// Runs one command and returns its reply as text (the raw bytes, lossily decoded).
    pub fn run(&mut self, args: &[&str]) -> String {
        let args: Vec<Bytes> = args
            .iter()
            .map(|a| Bytes::copy_from_slice(a.as_bytes()))
            .collect();
        let mut out = BytesMut::new();
        self.last_effect = self
            .table
            .run(
                &mut self.ks,
                &mut self.session,
                &self.server,
                &mut out,
                &args,
                crate::server::unix_ms(),
                false,
            )
            .effect;
        String::from_utf8_lossy(&out).into_owned()
    }

    /// Checks a table of (command line split on spaces, expected raw reply) in order.
    pub fn check(&mut self, table: &[(&str, &str)]) {
        for (i, (line, want)) in table.iter().enumerate() {
            let args: Vec<&str> = line.split(' ').collect();
            let got = self.run(&args);
            assert_eq!(got, *want, "step {i}: {line}");
        }
    }
}
