//! Transactions: MULTI queues, EXEC runs the queue atomically (the keyspace actor runs one
//! command at a time, so nothing can interleave), WATCH makes EXEC conditional.

pub mod discard;
pub mod exec;
pub mod multi;
pub mod unwatch;
pub mod watch;

use crate::keyspace::state::Keyspace;

pub static COMMANDS: &[super::CommandSpec] = &[
    discard::SPEC,
    exec::SPEC,
    multi::SPEC,
    unwatch::SPEC,
    watch::SPEC,
];

/// Removes client `id` from the watchers of `keys` and forgets its pending abort.
pub fn unwatch_all(ks: &mut Keyspace, id: u64, keys: &[(usize, Vec<u8>, bool)]) {
    for (db, key, _) in keys {
        let slot = (*db, key.clone());
        if let Some(ids) = ks.watched.get_mut(&slot) {
            ids.retain(|c| *c != id);
            if ids.is_empty() {
                ks.watched.remove(&slot);
            }
        }
    }
    ks.dirty_cas.remove(&id);
}

/// Redis's `discardTransaction`: the queue, the queuing error and every WATCH go.
pub fn discard_state(ex: &mut crate::cmd::Exec) {
    ex.session.multi = None;
    ex.session.multi_error = false;
    ex.session.multi_writes = false;
    let watched = std::mem::take(&mut ex.session.watched);
    unwatch_all(ex.ks, ex.session.id, &watched);
}
