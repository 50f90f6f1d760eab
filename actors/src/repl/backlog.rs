//! The replication backlog and PSYNC2 bookkeeping of a master, as Redis 7.0's
//! `src/replication.c` does it (`createReplicationBacklog`, `feedReplicationBuffer`,
//! `resizeReplicationBacklog`, `addReplyReplicationBacklog`,
//! `masterTryPartialResynchronization`, `shiftReplicationId`, the TTL check in
//! `replicationCron`). Pure: no actix, no I/O, no clock.
//!
//! # Offsets (verified against redis-server 7.0.15 on loopback)
//!
//! * `master_repl_offset` counts the bytes of the replication stream ever produced
//!   under the current history. The first byte of the stream has offset **1**; the
//!   byte at offset `N + 1` is the first byte after offset `N`.
//! * A fresh backlog is empty with `repl_backlog_first_byte_offset = master_repl_offset + 1`
//!   (`createReplicationBacklog`). Measured: after the first `PSYNC ? -1` INFO showed
//!   `master_repl_offset:0`, `repl_backlog_first_byte_offset:1`, `repl_backlog_histlen:0`.
//! * Always `first_byte_offset = master_repl_offset - histlen + 1`.
//! * `PSYNC <replid> <N>` asks for the stream **starting at byte N** (the replica has
//!   processed up to `N - 1`; a real replica sends its `reploff + 1`). Accepted iff
//!   `first_byte_offset <= N <= first_byte_offset + histlen` (= `master_repl_offset + 1`);
//!   the master then sends `master_repl_offset - N + 1` bytes. Measured with
//!   `master_repl_offset = 110`, `first = 1` (a `SELECT` of 23 bytes + 3 `SET`s of 29):
//!   - `PSYNC id 0`   -> `+FULLRESYNC <id> 110` ("... for lack of backlog (Replica request was: 0).")
//!   - `PSYNC id 1`   -> `+CONTINUE <id>\r\n` then all 110 bytes, starting `*2\r\n$6\r\nSELECT`
//!     ("Sending 110 bytes of backlog starting from offset 1.")
//!   - `PSYNC id 2`   -> 109 bytes, starting `2\r\n$6\r\nSELECT` (the `*` was byte 1)
//!   - `PSYNC id 110` -> 1 byte: the final `\n`
//!   - `PSYNC id 111` -> `+CONTINUE <id>\r\n` and nothing ("Sending 0 bytes ... offset 111.")
//!   - `PSYNC id 112` -> `+FULLRESYNC <id> 110`, plus the "greater than the master
//!     replication offset" warning.
//!   - without `REPLCONF capa psync2` the reply is a bare `+CONTINUE\r\n`.
//! * Without a backlog nothing is fed and `master_repl_offset` does **not** advance
//!   (measured: a `SET` on a fresh master left it at 0).
//! * After `REPLICAOF host port` + `REPLICAOF NO ONE` at offset 124: replid2 = old id,
//!   `second_repl_offset:125`; `PSYNC old 124` and `PSYNC old 125` got
//!   `+CONTINUE <new id>` (51 and 50 bytes), `PSYNC old 126` got `+FULLRESYNC` with
//!   "Requested offset for second ID was 126, but I can reply up to 125".
//!
//! # Difference from 7.0 that is deliberate
//! 7.0 keeps the backlog as a list of shared 16 KiB-ish blocks and trims whole blocks
//! only, so `repl_backlog_histlen` may exceed `repl_backlog_size` (measured: size 16384,
//! histlen 21081, first byte 20441 at offset 41521). This model keeps exactly the
//! `size` most recent bytes (the 6.x ring buffer); every formula above still holds.
//! `CONFIG SET repl-backlog-size` below 16 KiB is raised to 16384 by Redis: use
//! [`clamp_size`] on the config value before calling [`Backlog::resize`].

use std::collections::VecDeque;
use std::fmt;

/// `CONFIG_REPL_BACKLOG_MIN_SIZE`.
pub const MIN_SIZE: usize = 16 * 1024;
/// Default `repl-backlog-size` (1mb).
pub const DEFAULT_SIZE: usize = 1024 * 1024;
/// Default `repl-backlog-ttl` in seconds (1 hour).
pub const DEFAULT_TTL_SECS: i64 = 3600;
/// The cleared replid2 (`clearReplicationId2`): forty `'0'`.
pub const NULL_REPLID: &str = "0000000000000000000000000000000000000000";

/// `resizeReplicationBacklog`'s floor: what `repl_backlog_size` becomes after `CONFIG SET`.
pub fn clamp_size(requested: usize) -> usize {
    requested.max(MIN_SIZE)
}

/// Replication IDs and offsets (`server.replid`, `replid2`, `master_repl_offset`,
/// `second_replid_offset`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplIds {
    pub replid: String,
    pub replid2: String,
    /// `master_repl_offset`.
    pub offset: i64,
    /// `second_repl_offset`: replid2 is accepted for PSYNC offsets `<=` this; -1 when cleared.
    pub second_offset: i64,
}

impl ReplIds {
    /// A fresh master: given replid, cleared replid2, offset 0.
    pub fn new(replid: String) -> Self {
        ReplIds {
            replid,
            replid2: NULL_REPLID.to_string(),
            offset: 0,
            second_offset: -1,
        }
    }

    /// `shiftReplicationId`: replid2 = old replid, `second_offset = offset + 1`, replid = `new_id`.
    /// (Done on `REPLICAOF NO ONE`; a replica that processed up to `offset` asks for `offset + 1`.)
    pub fn shift(&mut self, new_id: String) {
        self.replid2 = std::mem::replace(&mut self.replid, new_id);
        self.second_offset = self.offset + 1;
    }

    /// `clearReplicationId2`.
    pub fn clear_replid2(&mut self) {
        self.replid2 = NULL_REPLID.to_string();
        self.second_offset = -1;
    }

    /// Log line of `shiftReplicationId` (WARNING level, `#`).
    pub fn shift_log_line(&self) -> String {
        format!(
            "Setting secondary replication ID to {}, valid up to offset: {}. New replication ID is {}",
            self.replid2, self.second_offset, self.replid
        )
    }

    /// `feedReplicationBuffer`: with no backlog nothing happens, not even the offset
    /// advancing; otherwise the backlog takes the bytes and `offset` follows it.
    pub fn feed(&mut self, backlog: Option<&mut Backlog>, bytes: &[u8]) {
        if let Some(b) = backlog {
            debug_assert_eq!(
                b.master_offset(),
                self.offset,
                "backlog and ids out of step"
            );
            b.feed(bytes);
            self.offset = b.master_offset();
        }
    }
}

/// The backlog: the `size` most recent bytes of the replication stream.
#[derive(Clone, Debug)]
pub struct Backlog {
    buf: VecDeque<u8>,
    size: usize,
    /// `master_repl_offset` as of the last byte fed.
    master_offset: i64,
}

impl Backlog {
    /// `createReplicationBacklog` at `master_repl_offset = master_offset`: empty, first
    /// byte offset `master_offset + 1`.
    pub fn new(size: usize, master_offset: i64) -> Self {
        Backlog {
            buf: VecDeque::with_capacity(size.min(DEFAULT_SIZE)),
            size,
            master_offset,
        }
    }

    /// Append stream bytes: the master offset advances by `bytes.len()`, and only the
    /// `size` most recent bytes are kept.
    pub fn feed(&mut self, bytes: &[u8]) {
        self.master_offset += bytes.len() as i64;
        let keep = if bytes.len() > self.size {
            &bytes[bytes.len() - self.size..]
        } else {
            bytes
        };
        self.buf.extend(keep);
        self.trim();
    }

    /// `repl-backlog-size` changed: keep the most recent bytes that fit.
    pub fn resize(&mut self, size: usize) {
        self.size = size;
        self.trim();
    }

    fn trim(&mut self) {
        if self.buf.len() > self.size {
            let excess = self.buf.len() - self.size;
            self.buf.drain(..excess);
        }
    }

    /// `repl_backlog_active` (INFO prints `server.repl_backlog != NULL`; having a
    /// `Backlog` at all means active, so this is always true — kept for symmetry).
    pub fn active(&self) -> bool {
        true
    }

    /// `repl_backlog_size`.
    pub fn size(&self) -> usize {
        self.size
    }

    /// `repl_backlog_histlen`.
    pub fn histlen(&self) -> usize {
        self.buf.len()
    }

    /// `master_repl_offset` as seen by the backlog.
    pub fn master_offset(&self) -> i64 {
        self.master_offset
    }

    /// `repl_backlog_first_byte_offset` = `master_repl_offset - histlen + 1`.
    pub fn first_byte_offset(&self) -> i64 {
        self.master_offset - self.buf.len() as i64 + 1
    }

    /// Whether PSYNC at `offset` can be served: `first <= offset <= first + histlen`.
    pub fn covers(&self, offset: i64) -> bool {
        let first = self.first_byte_offset();
        offset >= first && offset <= first + self.buf.len() as i64
    }

    /// The bytes from absolute offset `offset` (inclusive) to the end, as the two halves
    /// of the ring; `None` if not covered. `offset == master_offset + 1` gives two empty slices.
    pub fn since(&self, offset: i64) -> Option<(&[u8], &[u8])> {
        if !self.covers(offset) {
            return None;
        }
        let skip = (offset - self.first_byte_offset()) as usize;
        let (a, b) = self.buf.as_slices();
        Some(if skip <= a.len() {
            (&a[skip..], b)
        } else {
            (&[][..], &b[skip - a.len()..])
        })
    }

    /// [`Backlog::since`] copied into one vector.
    pub fn since_vec(&self, offset: i64) -> Option<Vec<u8>> {
        self.since(offset).map(|(a, b)| [a, b].concat())
    }
}

/// The backlog fields of `INFO replication`; zeros when there is no backlog
/// (`repl_backlog_size` is the configured size either way).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BacklogInfo {
    pub active: bool,
    pub size: usize,
    pub first_byte_offset: i64,
    pub histlen: usize,
}

impl BacklogInfo {
    pub fn of(backlog: Option<&Backlog>, configured_size: usize) -> Self {
        match backlog {
            Some(b) => BacklogInfo {
                active: true,
                size: configured_size,
                first_byte_offset: b.first_byte_offset(),
                histlen: b.histlen(),
            },
            None => BacklogInfo {
                active: false,
                size: configured_size,
                first_byte_offset: 0,
                histlen: 0,
            },
        }
    }
}

/// Log level of a line, as `serverLog` marks it: NOTICE `*`, WARNING `#`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogLevel {
    Notice,
    Warning,
}

/// Why `masterTryPartialResynchronization` refused a partial resync.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FullReason {
    /// The replica sent a replid starting with `?`.
    Forced { replica: String },
    /// The replid matches neither replid nor replid2.
    IdMismatch {
        asked: String,
        replid: String,
        replid2: String,
    },
    /// replid2 matched but the offset is past `second_repl_offset`.
    SecondIdOffset {
        asked_offset: i64,
        second_offset: i64,
    },
    /// No backlog, or the offset is outside it. `beyond_master` adds the warning line.
    NoBacklog {
        replica: String,
        offset: i64,
        beyond_master: bool,
    },
}

impl FullReason {
    /// The extra WARNING line Redis logs after the main one, if any.
    pub fn warning(&self) -> Option<String> {
        match self {
            FullReason::NoBacklog { replica, beyond_master: true, .. } => Some(format!(
                "Warning: replica {replica} tried to PSYNC with an offset that is greater than the master replication offset."
            )),
            _ => None,
        }
    }

    /// Level of the main line (all are NOTICE in 7.0).
    pub fn level(&self) -> LogLevel {
        LogLevel::Notice
    }
}

/// The main log line, exactly as 7.0 formats it.
impl fmt::Display for FullReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FullReason::Forced { replica } => write!(f, "Full resync requested by replica {replica}"),
            FullReason::IdMismatch { asked, replid, replid2 } => write!(
                f,
                "Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '{asked}', my replication IDs are '{replid}' and '{replid2}')"
            ),
            FullReason::SecondIdOffset { asked_offset, second_offset } => write!(
                f,
                "Partial resynchronization not accepted: Requested offset for second ID was {asked_offset}, but I can reply up to {second_offset}"
            ),
            FullReason::NoBacklog { replica, offset, .. } => write!(
                f,
                "Unable to partial resync with replica {replica} for lack of backlog (Replica request was: {offset})."
            ),
        }
    }
}

/// Outcome of a `PSYNC <req_id> <req_offset>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PsyncDecision {
    /// Send [`continue_reply`] then `backlog.since(from)` (`bytes` long).
    /// `new_replid` is `Some(current replid)` when the replica asked with an id other
    /// than our replid (i.e. replid2): it must adopt it. Redis sends the id in
    /// `+CONTINUE` whenever the replica has `capa psync2`, regardless.
    Continue {
        new_replid: Option<String>,
        from: i64,
        bytes: usize,
    },
    /// Reply later with [`fullresync_reply`] (offset = `master_repl_offset` when the
    /// snapshot starts).
    FullResync { reason: FullReason },
}

/// `masterTryPartialResynchronization`. `replica` is `replicationGetSlaveName`
/// (`ip:listening-port`, or `ip:<unknown-replica-port>` without `REPLCONF listening-port`),
/// used only in log lines. Ids compare case-insensitively (`strcasecmp`).
pub fn decide(
    ids: &ReplIds,
    backlog: Option<&Backlog>,
    replica: &str,
    req_id: &str,
    req_offset: i64,
) -> PsyncDecision {
    let is_id1 = req_id.eq_ignore_ascii_case(&ids.replid);
    let is_id2 = req_id.eq_ignore_ascii_case(&ids.replid2);
    if !is_id1 && (!is_id2 || req_offset > ids.second_offset) {
        let reason = if req_id.starts_with('?') {
            FullReason::Forced {
                replica: replica.to_string(),
            }
        } else if !is_id2 {
            FullReason::IdMismatch {
                asked: req_id.to_string(),
                replid: ids.replid.clone(),
                replid2: ids.replid2.clone(),
            }
        } else {
            FullReason::SecondIdOffset {
                asked_offset: req_offset,
                second_offset: ids.second_offset,
            }
        };
        return PsyncDecision::FullResync { reason };
    }
    match backlog {
        Some(b) if b.covers(req_offset) => PsyncDecision::Continue {
            new_replid: if is_id1 {
                None
            } else {
                Some(ids.replid.clone())
            },
            from: req_offset,
            // addReplyReplicationBacklog: histlen - (offset - first) = master_offset - offset + 1.
            bytes: (b.master_offset() - req_offset + 1) as usize,
        },
        _ => PsyncDecision::FullResync {
            reason: FullReason::NoBacklog {
                replica: replica.to_string(),
                offset: req_offset,
                beyond_master: req_offset > ids.offset,
            },
        },
    }
}

/// The NOTICE line logged after an accepted partial resync.
pub fn accept_log_line(replica: &str, bytes: usize, from: i64) -> String {
    format!("Partial resynchronization request from {replica} accepted. Sending {bytes} bytes of backlog starting from offset {from}.")
}

/// `+CONTINUE <replid>\r\n` for a replica that said `capa psync2`, else `+CONTINUE\r\n`.
pub fn continue_reply(capa_psync2: bool, replid: &str) -> Vec<u8> {
    if capa_psync2 {
        format!("+CONTINUE {replid}\r\n").into_bytes()
    } else {
        b"+CONTINUE\r\n".to_vec()
    }
}

/// `+FULLRESYNC <replid> <offset>\r\n`.
pub fn fullresync_reply(replid: &str, offset: i64) -> Vec<u8> {
    format!("+FULLRESYNC {replid} {offset}\r\n").into_bytes()
}

/// NOTICE line logged when the first replica of a backlog-less master creates the
/// backlog (`syncCommand`; Redis also draws a new replid and clears replid2 then).
pub fn backlog_created_log_line(ids: &ReplIds) -> String {
    format!(
        "Replication backlog created, my new replication IDs are '{}' and '{}'",
        ids.replid, ids.replid2
    )
}

/// `replicationCron`'s TTL rule: free the backlog iff there is one, we are a master
/// (no `masterhost`; replicas keep theirs forever to serve PSYNC after a failover),
/// no replica is attached (`server.slaves` is empty, any state), `repl-backlog-ttl`
/// is non-zero (0 = never free), and `now - no_replicas_since > ttl` (strictly).
/// `no_replicas_since` is set at startup, when the last replica is freed, and when
/// turning from replica into master. On freeing, Redis draws a new replid, clears
/// replid2 and logs [`backlog_freed_log_line`]; the offset stays but no longer advances.
pub fn should_free_backlog(
    has_backlog: bool,
    is_master: bool,
    attached_replicas: usize,
    ttl_secs: i64,
    now_secs: i64,
    no_replicas_since: i64,
) -> bool {
    has_backlog
        && is_master
        && attached_replicas == 0
        && ttl_secs != 0
        && now_secs - no_replicas_since > ttl_secs
}

/// NOTICE line logged when the TTL frees the backlog.
pub fn backlog_freed_log_line(ttl_secs: i64) -> String {
    format!("Replication backlog freed after {ttl_secs} seconds without connected replicas.")
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID1: &str = "c5a68cefe31f5209661b3dcfd2fb32c664fde320";
    const ID0: &str = "3bd3df235ac6895e211c58980804ef144ac711b7";
    const R: &str = "127.0.0.1:<unknown-replica-port>";

    /// The stream the real 7.0.15 master produced: SELECT 0 then SET k0..k2 (110 bytes).
    fn stream110() -> Vec<u8> {
        let mut s = b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n".to_vec();
        for n in 0..3 {
            s.extend(format!("*3\r\n$3\r\nSET\r\n$2\r\nk{n}\r\n$2\r\nv{n}\r\n").bytes());
        }
        s
    }

    fn master110() -> (ReplIds, Backlog) {
        let mut ids = ReplIds::new(ID1.into());
        let mut b = Backlog::new(16384, 0);
        ids.feed(Some(&mut b), &stream110());
        (ids, b)
    }

    #[test]
    fn fresh_backlog_matches_info() {
        let b = Backlog::new(16384, 0);
        assert_eq!(
            (b.first_byte_offset(), b.histlen(), b.master_offset()),
            (1, 0, 0)
        );
        let (ids, b) = master110();
        assert_eq!(
            (ids.offset, b.first_byte_offset(), b.histlen()),
            (110, 1, 110)
        );
    }

    #[test]
    fn no_backlog_no_offset_advance() {
        let mut ids = ReplIds::new(ID1.into());
        ids.feed(None, b"*1\r\n$4\r\nping\r\n");
        assert_eq!(ids.offset, 0);
    }

    #[test]
    fn psync_table_against_real_redis() {
        let (ids, b) = master110();
        let s = stream110();
        // (req_id, offset, expected: Ok((from, bytes)) or Err(main log line, warning?))
        type Exp = Result<(i64, usize), (&'static str, bool)>;
        let cases: Vec<(&str, i64, Exp)> = vec![
            (ID1, 0, Err(("Unable to partial resync with replica 127.0.0.1:<unknown-replica-port> for lack of backlog (Replica request was: 0).", false))),
            (ID1, 1, Ok((1, 110))),
            (ID1, 2, Ok((2, 109))),
            (ID1, 110, Ok((110, 1))),
            (ID1, 111, Ok((111, 0))),
            (ID1, 112, Err(("Unable to partial resync with replica 127.0.0.1:<unknown-replica-port> for lack of backlog (Replica request was: 112).", true))),
            (ID1, -1, Err(("Unable to partial resync with replica 127.0.0.1:<unknown-replica-port> for lack of backlog (Replica request was: -1).", false))),
            ("C5A68CEFE31F5209661B3DCFD2FB32C664FDE320", 50, Ok((50, 61))),
            ("?", -1, Err(("Full resync requested by replica 127.0.0.1:<unknown-replica-port>", false))),
            ("?", 5, Err(("Full resync requested by replica 127.0.0.1:<unknown-replica-port>", false))),
            ("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 5, Err(("Partial resynchronization not accepted: Replication ID mismatch (Replica asked for 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', my replication IDs are 'c5a68cefe31f5209661b3dcfd2fb32c664fde320' and '0000000000000000000000000000000000000000')", false))),
        ];
        for (id, off, exp) in cases {
            let d = decide(&ids, Some(&b), R, id, off);
            match (d, exp) {
                (
                    PsyncDecision::Continue {
                        new_replid,
                        from,
                        bytes,
                    },
                    Ok((ef, eb)),
                ) => {
                    assert_eq!((from, bytes, new_replid), (ef, eb, None), "{id} {off}");
                    let got = b.since_vec(from).unwrap();
                    assert_eq!(got.len(), bytes);
                    assert_eq!(&got[..], &s[(from - 1) as usize..], "{id} {off}");
                }
                (PsyncDecision::FullResync { reason }, Err((line, warn))) => {
                    assert_eq!(reason.to_string(), line, "{id} {off}");
                    assert_eq!(reason.warning().is_some(), warn, "{id} {off}");
                }
                (d, e) => panic!("{id} {off}: got {d:?}, expected {e:?}"),
            }
        }
        // Measured: PSYNC id 2 -> 109 bytes starting "2\r\n$6\r\nSELECT"; 110 -> "\n".
        assert!(b.since_vec(2).unwrap().starts_with(b"2\r\n$6\r\nSELECT"));
        assert_eq!(b.since_vec(110).unwrap(), b"\n");
        assert_eq!(
            FullReason::NoBacklog { replica: R.into(), offset: 112, beyond_master: true }.warning().unwrap(),
            "Warning: replica 127.0.0.1:<unknown-replica-port> tried to PSYNC with an offset that is greater than the master replication offset."
        );
    }

    #[test]
    fn psync_empty_backlog_and_no_backlog() {
        let ids = ReplIds::new(ID1.into());
        let b = Backlog::new(16384, 0);
        // first byte 1, histlen 0: offset 1 is a 0-byte continue.
        assert_eq!(
            decide(&ids, Some(&b), R, ID1, 1),
            PsyncDecision::Continue {
                new_replid: None,
                from: 1,
                bytes: 0
            }
        );
        assert!(matches!(
            decide(&ids, Some(&b), R, ID1, 0),
            PsyncDecision::FullResync { .. }
        ));
        match decide(&ids, None, R, ID1, 1) {
            PsyncDecision::FullResync {
                reason: r @ FullReason::NoBacklog { .. },
            } => {
                assert!(r.warning().is_some(), "1 > master offset 0")
            }
            d => panic!("{d:?}"),
        }
        match decide(&ids, None, R, ID1, 0) {
            PsyncDecision::FullResync { reason } => assert_eq!(reason.warning(), None),
            d => panic!("{d:?}"),
        }
    }

    /// Measured: REPLICAOF x + REPLICAOF NO ONE at offset 124, then 50 more bytes.
    #[test]
    fn psync2_replid2_table() {
        let mut ids = ReplIds::new(ID1.into());
        let mut b = Backlog::new(16384, 0);
        ids.feed(Some(&mut b), &[b'x'; 124]);
        ids.shift(ID0.into());
        assert_eq!(
            (ids.replid2.as_str(), ids.second_offset, ids.offset),
            (ID1, 125, 124)
        );
        assert_eq!(
            ids.shift_log_line(),
            "Setting secondary replication ID to c5a68cefe31f5209661b3dcfd2fb32c664fde320, valid up to offset: 125. New replication ID is 3bd3df235ac6895e211c58980804ef144ac711b7"
        );
        ids.feed(Some(&mut b), &[b'y'; 50]);
        type Exp = Result<(Option<&'static str>, usize), &'static str>;
        let cases: Vec<(&str, i64, Exp)> = vec![
            (ID1, 124, Ok((Some(ID0), 51))),
            (ID1, 125, Ok((Some(ID0), 50))),
            (ID1, 126, Err("Partial resynchronization not accepted: Requested offset for second ID was 126, but I can reply up to 125")),
            (ID1, 1, Ok((Some(ID0), 174))),
            (ID0, 126, Ok((None, 49))),
            (ID0, 175, Ok((None, 0))),
        ];
        for (id, off, exp) in cases {
            match (decide(&ids, Some(&b), R, id, off), exp) {
                (
                    PsyncDecision::Continue {
                        new_replid,
                        from,
                        bytes,
                    },
                    Ok((nid, n)),
                ) => {
                    assert_eq!(
                        (new_replid.as_deref(), from, bytes),
                        (nid, off, n),
                        "{id} {off}"
                    )
                }
                (PsyncDecision::FullResync { reason }, Err(line)) => {
                    assert_eq!(reason.to_string(), line)
                }
                (d, e) => panic!("{id} {off}: {d:?} vs {e:?}"),
            }
        }
        // Cleared replid2: the all-zero id with offset <= -1 passes the id check, then
        // fails on the backlog.
        ids.clear_replid2();
        assert!(matches!(
            decide(&ids, Some(&b), R, NULL_REPLID, -1),
            PsyncDecision::FullResync {
                reason: FullReason::NoBacklog { .. }
            }
        ));
    }

    #[test]
    fn wraparound_keeps_latest_bytes() {
        let mut b = Backlog::new(10, 0);
        let all: Vec<u8> = (0u8..=255).cycle().take(1000).collect();
        let mut fed = 0usize;
        for chunk in [3usize, 7, 1, 9, 4, 11, 25, 2, 10, 6] {
            b.feed(&all[fed..fed + chunk]);
            fed += chunk;
            let hist = fed.min(10);
            assert_eq!(b.histlen(), hist);
            assert_eq!(b.master_offset(), fed as i64);
            assert_eq!(b.first_byte_offset(), fed as i64 - hist as i64 + 1);
            // Byte at offset N is all[N - 1]; check every covered start.
            for off in b.first_byte_offset()..=b.master_offset() + 1 {
                assert_eq!(
                    b.since_vec(off).unwrap(),
                    &all[(off - 1) as usize..fed],
                    "fed {fed} off {off}"
                );
            }
            assert_eq!(b.since(b.first_byte_offset() - 1), None);
            assert_eq!(b.since(b.master_offset() + 2), None);
        }
    }

    #[test]
    fn resize_shrink_and_grow() {
        let mut b = Backlog::new(20, 100);
        let data: Vec<u8> = (1u8..=30).collect();
        b.feed(&data);
        assert_eq!(
            (b.first_byte_offset(), b.histlen(), b.master_offset()),
            (111, 20, 130)
        );
        // (new size, expected histlen, expected first byte offset)
        let cases = [
            (8usize, 8usize, 123i64),
            (50, 8, 123),
            (3, 3, 128),
            (0, 0, 131),
        ];
        for (size, hist, first) in cases {
            b.resize(size);
            assert_eq!(
                (b.size(), b.histlen(), b.first_byte_offset()),
                (size, hist, first),
                "size {size}"
            );
            assert_eq!(b.since_vec(first).unwrap(), &data[data.len() - hist..]);
        }
        b.resize(50);
        b.feed(&data);
        assert_eq!(
            (b.histlen(), b.first_byte_offset(), b.master_offset()),
            (30, 131, 160)
        );
        assert_eq!(b.since_vec(131).unwrap(), data);
        assert_eq!(clamp_size(1), 16384);
        assert_eq!(clamp_size(1 << 20), 1 << 20);
    }

    #[test]
    fn replies_and_log_lines() {
        assert_eq!(
            continue_reply(true, ID1),
            format!("+CONTINUE {ID1}\r\n").into_bytes()
        );
        assert_eq!(continue_reply(false, ID1), b"+CONTINUE\r\n");
        assert_eq!(
            fullresync_reply(ID1, 110),
            format!("+FULLRESYNC {ID1} 110\r\n").into_bytes()
        );
        assert_eq!(
            accept_log_line(R, 110, 1),
            "Partial resynchronization request from 127.0.0.1:<unknown-replica-port> accepted. Sending 110 bytes of backlog starting from offset 1."
        );
        let mut ids = ReplIds::new(ID1.into());
        ids.clear_replid2();
        assert_eq!(
            backlog_created_log_line(&ids),
            "Replication backlog created, my new replication IDs are 'c5a68cefe31f5209661b3dcfd2fb32c664fde320' and '0000000000000000000000000000000000000000'"
        );
        assert_eq!(
            backlog_freed_log_line(3600),
            "Replication backlog freed after 3600 seconds without connected replicas."
        );
    }

    #[test]
    fn info_fields() {
        assert_eq!(
            BacklogInfo::of(None, 16384),
            BacklogInfo {
                active: false,
                size: 16384,
                first_byte_offset: 0,
                histlen: 0
            }
        );
        let (_, b) = master110();
        assert_eq!(
            BacklogInfo::of(Some(&b), 16384),
            BacklogInfo {
                active: true,
                size: 16384,
                first_byte_offset: 1,
                histlen: 110
            }
        );
    }

    #[test]
    fn ttl_table() {
        // (has_backlog, is_master, replicas, ttl, now, since, free?)
        let cases = [
            (true, true, 0, 3600, 10_000, 6_400, false), // idle == ttl: not yet (strict >)
            (true, true, 0, 3600, 10_001, 6_400, true),
            (true, true, 1, 3600, 99_999, 0, false), // a replica attached
            (true, false, 0, 3600, 99_999, 0, false), // replicas keep their backlog
            (true, true, 0, 0, 99_999, 0, false),    // ttl 0 = never
            (false, true, 0, 3600, 99_999, 0, false),
        ];
        for (i, (hb, m, r, ttl, now, since, exp)) in cases.into_iter().enumerate() {
            assert_eq!(
                should_free_backlog(hb, m, r, ttl, now, since),
                exp,
                "case {i}"
            );
        }
    }
}
