//! The keyspace's part of replication, as pure state: which history it writes (replid,
//! offset, PSYNC2's second id), the stream bytes not yet handed to the backlog, and whether it
//! follows a master.

use super::propagate::{encode, Op};

pub use crate::repl::backlog::ReplIds as History;

/// A FAILOVER in progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failover {
    /// The replica to hand over to; `None` until one has caught up (FAILOVER without TO).
    pub target: Option<(String, u16)>,
    pub force: bool,
    /// Unix ms the wait ends; 0 for no limit.
    pub deadline_ms: u64,
    /// False while waiting for the target to catch up, true once we follow it.
    pub in_progress: bool,
}

impl Failover {
    /// INFO's `master_failover_state`.
    pub fn state_name(f: Option<&Failover>) -> &'static str {
        match f {
            None => "no-failover",
            Some(f) if f.in_progress => "failover-in-progress",
            Some(_) => "waiting-for-sync",
        }
    }
}

#[derive(Debug)]
pub struct ReplicationState {
    pub history: History,
    /// A backlog exists (a replica connected once, or we are a replica): writes are streamed.
    pub active: bool,
    /// The database the stream last selected (Redis's `slaveseldb`).
    pub selected: Option<usize>,
    /// Stream bytes produced since the last hand-off to the backlog.
    pub pending: Vec<u8>,
    /// The master we follow (REPLICAOF), and whether the link to it is up.
    pub master: Option<(String, u16)>,
    pub link_up: bool,
    /// Cached from the configuration for the per-command checks.
    pub read_only: bool,
    pub serve_stale: bool,
    pub min_replicas: u64,
    pub min_replicas_lag: u64,
}

impl ReplicationState {
    pub fn new(replid: String) -> Self {
        ReplicationState {
            history: History::new(replid),
            active: false,
            selected: None,
            pending: Vec::new(),
            master: None,
            link_up: false,
            read_only: true,
            serve_stale: true,
            min_replicas: 0,
            min_replicas_lag: 10,
        }
    }

    /// Appends ops to the stream (only those meant for replicas), advancing the offset.
    pub fn feed_ops(&mut self, ops: &[Op]) {
        if !self.active {
            return;
        }
        let before = self.pending.len();
        let mut selected = self.selected;
        encode(
            &mut self.pending,
            &mut selected,
            ops.iter().filter(|o| o.replicate),
        );
        self.selected = selected;
        self.history.offset += (self.pending.len() - before) as i64;
    }

    /// Appends bytes as they are (our master's stream, proxied to our replicas unchanged).
    pub fn feed_raw(&mut self, bytes: &[u8]) {
        if self.active {
            self.pending.extend_from_slice(bytes);
        }
        self.history.offset += bytes.len() as i64;
    }

    /// PSYNC2's `shiftReplicationId`: a promoted replica starts a new history, remembering the
    /// one it continues so its old master's other replicas can follow it partially.
    pub fn shift(&mut self, new_id: String) {
        self.history.shift(new_id);
    }

    /// After a full sync from a master: its history, from its offset.
    pub fn adopt(&mut self, replid: String, offset: i64) {
        self.history = History::new(replid);
        self.history.offset = offset;
        self.selected = None;
        self.pending.clear();
        self.active = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyspace::propagate::argv;

    #[test]
    fn offsets_count_stream_bytes_and_promotion_keeps_the_old_history() {
        let mut r = ReplicationState::new("a".repeat(40));
        let op = Op::new(0, argv([b"SET", b"k", b"v"]));
        r.feed_ops(std::slice::from_ref(&op));
        assert_eq!(r.history.offset, 0, "no backlog, no stream");
        r.active = true;
        r.feed_ops(std::slice::from_ref(&op));
        // SELECT 0 (23 bytes) then SET k v (27 bytes).
        assert_eq!(r.history.offset, 50);
        r.feed_ops(std::slice::from_ref(&op));
        assert_eq!(r.history.offset, 77);
        let mut local = op;
        local.replicate = false;
        r.feed_ops(&[local]);
        assert_eq!(r.history.offset, 77);
        r.shift("b".repeat(40));
        assert_eq!(
            (r.history.replid2.as_str(), r.history.second_offset),
            ("a".repeat(40).as_str(), 78)
        );
        r.adopt("c".repeat(40), 1000);
        assert_eq!((r.history.offset, r.selected), (1000, None));
    }
}
