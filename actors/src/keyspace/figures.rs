//! What only the keyspace knows, for a metrics scrape: its counters and the size of each
//! database, asked for with a message rather than read behind the actor's back.

use super::KeyspaceActor;
use actix::prelude::*;

/// Asks the keyspace for its [`KeyspaceFigures`].
#[derive(Message, Debug, Clone, Copy)]
#[rtype(result = "KeyspaceFigures")]
pub struct GetFigures;

/// One non-empty database: its index, keys, and keys with a time to live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DbFigures {
    pub index: usize,
    pub keys: u64,
    pub expires: u64,
}

/// The keyspace's INFO figures (stats, clients, keyspace sections) at one moment.
#[derive(MessageResponse, Debug, Clone, Default, PartialEq)]
pub struct KeyspaceFigures {
    pub total_commands_processed: u64,
    pub keyspace_hits: u64,
    pub keyspace_misses: u64,
    pub expired_keys: u64,
    pub total_error_replies: u64,
    pub blocked_clients: u64,
    pub dirty: u64,
    pub dbs: Vec<DbFigures>,
}

impl Handler<GetFigures> for KeyspaceActor {
    type Result = KeyspaceFigures;

    fn handle(&mut self, _: GetFigures, _: &mut Self::Context) -> KeyspaceFigures {
        let _h = self.mailbox.handling();
        let ks = &self.state;
        KeyspaceFigures {
            total_commands_processed: ks.stats.total_commands_processed,
            keyspace_hits: ks.stats.keyspace_hits,
            keyspace_misses: ks.stats.keyspace_misses,
            expired_keys: ks.stats.expired_keys,
            total_error_replies: ks.stats.total_error_replies,
            blocked_clients: ks.blocked.len() as u64,
            dirty: ks.dirty,
            dbs: ks
                .dbs
                .iter()
                .enumerate()
                .filter(|(_, db)| !db.is_empty())
                .map(|(index, db)| DbFigures {
                    index,
                    keys: db.len() as u64,
                    expires: db.expires_len() as u64,
                })
                .collect(),
        }
    }
}
