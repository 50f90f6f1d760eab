//! What INFO replication, ROLE and the write checks read about replication: kept by the
//! replication actors, read by the keyspace. A read-mostly registry, never a side door into the
//! dataset.

use std::sync::Mutex;

/// One replica as its master sees it (INFO's `slaveN:` line, ROLE's entries).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReplicaInfo {
    pub id: u64,
    pub ip: String,
    pub port: u16,
    /// `wait_bgsave`, `send_bulk` or `online`.
    pub state: &'static str,
    /// The offset it last acknowledged.
    pub offset: i64,
    /// Unix ms of its last REPLCONF ACK.
    pub last_ack_ms: u64,
}

impl ReplicaInfo {
    /// INFO's `lag`: whole seconds since its last acknowledgement.
    pub fn lag_secs(&self, now_ms: u64) -> u64 {
        now_ms.saturating_sub(self.last_ack_ms) / 1000
    }
}

/// The link to our master, when we are a replica.
#[derive(Debug, Clone, PartialEq)]
pub struct MasterInfo {
    pub host: String,
    pub port: u16,
    /// `connect`, `connecting`, `sync` or `connected` (ROLE's words).
    pub state: &'static str,
    /// Unix ms of the last byte read from the master; 0 before any.
    pub last_io_ms: u64,
    /// Unix ms the link went down; 0 while up.
    pub down_since_ms: u64,
    /// Bytes of the RDB transfer: expected (-1 for EOF-marked) and read so far.
    pub sync_size: i64,
    pub sync_read: u64,
    /// Unix ms the transfer began.
    pub sync_start_ms: u64,
    /// Offset of the stream processed so far.
    pub offset: i64,
}

impl MasterInfo {
    /// INFO's `master_link_status:up`.
    pub fn link_up(&self) -> bool {
        self.state == "connected"
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReplState {
    pub replid: String,
    pub replid2: String,
    pub master_repl_offset: i64,
    pub second_repl_offset: i64,
    pub backlog_active: bool,
    pub backlog_size: u64,
    pub backlog_first_byte_offset: i64,
    pub backlog_histlen: u64,
    pub replicas: Vec<ReplicaInfo>,
    pub master: Option<MasterInfo>,
    pub sync_full: u64,
    pub sync_partial_ok: u64,
    pub sync_partial_err: u64,
}

/// Shared as part of the server context.
#[derive(Debug)]
pub struct ReplStatus(Mutex<ReplState>);

impl ReplStatus {
    pub fn new(replid: String, backlog_size: u64) -> Self {
        ReplStatus(Mutex::new(ReplState {
            replid,
            replid2: "0".repeat(40),
            master_repl_offset: 0,
            second_repl_offset: -1,
            backlog_active: false,
            backlog_size,
            backlog_first_byte_offset: 0,
            backlog_histlen: 0,
            replicas: Vec::new(),
            master: None,
            sync_full: 0,
            sync_partial_ok: 0,
            sync_partial_err: 0,
        }))
    }

    pub fn get(&self) -> ReplState {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn update<T>(&self, f: impl FnOnce(&mut ReplState) -> T) -> T {
        f(&mut self.0.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Replicas that acknowledged `offset` or more (WAIT's count).
    pub fn acked_at(&self, offset: i64) -> usize {
        self.update(|s| s.replicas.iter().filter(|r| r.offset >= offset).count())
    }

    /// Replicas online whose last ACK is at most `max_lag_s` old (`min-replicas-max-lag`).
    pub fn good_replicas(&self, now_ms: u64, max_lag_s: u64) -> usize {
        self.update(|s| {
            s.replicas
                .iter()
                .filter(|r| {
                    r.state == "online" && now_ms.saturating_sub(r.last_ack_ms) <= max_lag_s * 1000
                })
                .count()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_replicas_are_online_and_recent() {
        let st = ReplStatus::new("a".repeat(40), 1 << 20);
        let r = |id, state, last_ack_ms| ReplicaInfo {
            id,
            ip: "127.0.0.1".into(),
            port: 1,
            state,
            offset: 0,
            last_ack_ms,
        };
        st.update(|s| {
            s.replicas = vec![
                r(1, "online", 10_000),
                r(2, "online", 7_000),
                r(3, "wait_bgsave", 10_000),
            ]
        });
        let cases = [
            (10_000, 10, 2),
            (11_000, 1, 1),
            (20_000, 1, 0),
            (17_000, 10, 2),
        ];
        for (now, lag, want) in cases {
            assert_eq!(st.good_replicas(now, lag), want, "{now} {lag}");
        }
    }
}
