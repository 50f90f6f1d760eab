//! The replica's side of the replication handshake and of the full-sync payload, as pure state
//! machines (no sockets, no actors): the caller writes what [`Handshake::next_request`] yields,
//! appends whatever it reads to a `BytesMut` and hands it to [`Handshake::feed`], then, after
//! [`Event::FullResync`], to [`RdbReceiver::feed`].
//!
//! Follows Redis 7.0 `src/replication.c`: `syncWithMaster`, `slaveTryPartialResynchronization`
//! and `readSyncBulkPayload`. Replies are read the way `connSyncReadLine` reads them: up to `\n`,
//! one `\r` before it dropped; a bare `\n` is an empty line.
//!
//! # Driving it
//! ```text
//! hs = Handshake::new(cfg)                     // after the TCP connect: log CONNECT_FIRED
//! loop {
//!     while let Some(bytes) = hs.next_request() { write(bytes) }
//!     read into buf
//!     while let Some(ev) = hs.feed(&mut buf)? { log / act; call next_request again }
//! }
//! ```
//! `feed` returns one event per call: call it again until `Ok(None)` (more bytes needed, or a
//! request is due: ask `next_request`). It stops consuming after the terminal event
//! ([`Event::FullResync`], [`Event::Continue`], [`Event::RetryLater`]); what is left in the buffer
//! then belongs to the RDB payload (full resync) or to the command stream (+CONTINUE).
//!
//! # What Redis 7.0.15 logs (captured on loopback, master 127.0.0.9, replica 127.0.0.10)
//! The replica's outgoing socket is not bound, so the master names it `127.0.0.1:<listening-port>`.
//! Level marks: `*` notice, `#` warning.
//!
//! Full sync, diskless master (default `repl-diskless-sync yes`, delay 5 s), `masterauth` set;
//! replica (disk load, the default):
//! ```text
//! * Connecting to MASTER 127.0.0.9:27100
//! * MASTER <-> REPLICA sync started
//! * Non blocking connect for SYNC fired the event.
//! * Master replied to PING, replication can continue...
//! * Partial resynchronization not possible (no cached master)
//! * Full resync from master: ddac3db53c96284f71c781c9e1c09c6e68485ad3:0        (5.5 s later)
//! * MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to disk
//! * MASTER <-> REPLICA sync: Flushing old data
//! * MASTER <-> REPLICA sync: Loading DB in memory
//! * Loading RDB produced by version 7.0.15
//! * RDB age 0 seconds
//! * RDB memory usage when created 0.93 Mb
//! * Done loading RDB, keys loaded: 1, keys expired: 0.
//! * MASTER <-> REPLICA sync: Finished with success
//! ```
//! master:
//! ```text
//! * Replica 127.0.0.1:27101 asks for synchronization
//! * Full resync requested by replica 127.0.0.1:27101
//! * Replication backlog created, my new replication IDs are 'ddac3db53c96284f71c781c9e1c09c6e68485ad3' and '0000000000000000000000000000000000000000'
//! * Delay next BGSAVE for diskless SYNC
//! * Starting BGSAVE for SYNC with target: replicas sockets
//! * Background RDB transfer started by pid 18560
//! * Fork CoW for RDB: current 0 MB, peak 0 MB, average 0 MB                     (child, `C`)
//! # Diskless rdb transfer, done reading from pipe, 1 replicas still up.
//! * Background RDB transfer terminated with success
//! * Streamed RDB transfer with replica 127.0.0.1:27101 succeeded (socket). Waiting for REPLCONF ACK from slave to enable streaming
//! * Synchronization with replica 127.0.0.1:27101 succeeded
//! ```
//!
//! Full sync, `repl-diskless-sync no`, no auth; replica:
//! ```text
//! * Connecting to MASTER 127.0.0.9:27102
//! * MASTER <-> REPLICA sync started
//! * Non blocking connect for SYNC fired the event.
//! * Master replied to PING, replication can continue...
//! * Partial resynchronization not possible (no cached master)
//! * Full resync from master: 6947ec43b1a94d38b60d624d6a03647945e821b8:0
//! * MASTER <-> REPLICA sync: receiving 182 bytes from master to disk
//! * MASTER <-> REPLICA sync: Flushing old data
//! * MASTER <-> REPLICA sync: Loading DB in memory
//! * Loading RDB produced by version 7.0.15
//! * RDB age 0 seconds
//! * RDB memory usage when created 0.94 Mb
//! * Done loading RDB, keys loaded: 1, keys expired: 0.
//! * MASTER <-> REPLICA sync: Finished with success
//! ```
//! master:
//! ```text
//! * Replica 127.0.0.1:27103 asks for synchronization
//! * Full resync requested by replica 127.0.0.1:27103
//! * Replication backlog created, my new replication IDs are '6947ec43b1a94d38b60d624d6a03647945e821b8' and '0000000000000000000000000000000000000000'
//! * Starting BGSAVE for SYNC with target: disk
//! * Background saving started by pid 18675
//! * DB saved on disk                                                             (child, `C`)
//! * Fork CoW for RDB: current 0 MB, peak 0 MB, average 0 MB                     (child, `C`)
//! * Background saving terminated with success
//! * Synchronization with replica 127.0.0.1:27103 succeeded
//! ```
//!
//! Partial resync after `CLIENT KILL TYPE replica` on the master; replica:
//! ```text
//! # Connection with master lost.
//! * Caching the disconnected master state.
//! * Reconnecting to MASTER 127.0.0.9:27100
//! * MASTER <-> REPLICA sync started
//! * Non blocking connect for SYNC fired the event.
//! * Master replied to PING, replication can continue...
//! * Trying a partial resynchronization (request ddac3db53c96284f71c781c9e1c09c6e68485ad3:1).
//! * Successful partial resynchronization with master.
//! * MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.
//! ```
//! master:
//! ```text
//! # Connection with replica 127.0.0.1:27101 lost.
//! * Replica 127.0.0.1:27101 asks for synchronization
//! * Partial resynchronization request from 127.0.0.1:27101 accepted. Sending 0 bytes of backlog starting from offset 1.
//! ```
//!
//! Partial resync after the replica restarts (`SHUTDOWN` saved the RDB with its replication
//! id/offset); replica:
//! ```text
//! * Loading RDB produced by version 7.0.15
//! * RDB age 1 seconds
//! * RDB memory usage when created 0.94 Mb
//! * Done loading RDB, keys loaded: 1, keys expired: 0.
//! * DB loaded from disk: 0.000 seconds
//! * Before turning into a replica, using my own master parameters to synthesize a cached master: I may be able to synchronize with the new master with just a partial transfer.
//! * Ready to accept connections
//! * Connecting to MASTER 127.0.0.9:27100
//! * MASTER <-> REPLICA sync started
//! * Non blocking connect for SYNC fired the event.
//! * Master replied to PING, replication can continue...
//! * Trying a partial resynchronization (request ddac3db53c96284f71c781c9e1c09c6e68485ad3:15).
//! * Successful partial resynchronization with master.
//! * MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.
//! ```
//! master:
//! ```text
//! # Connection with replica 127.0.0.1:27101 lost.
//! * Replica 127.0.0.1:27101 asks for synchronization
//! * Partial resynchronization request from 127.0.0.1:27101 accepted. Sending 0 bytes of backlog starting from offset 15.
//! ```
//! When the master goes away: `# Connection with master lost.`, `* Caching the disconnected master
//! state.`, `* Reconnecting to MASTER 127.0.0.9:27100`, `* MASTER <-> REPLICA sync started`,
//! `# Error condition on socket for SYNC: Connection refused`.
//!
//! # Bytes on the wire (captured from a 7.0.15 master with a raw-socket fake replica)
//! - `PING` before AUTH on a `requirepass` master: `-NOAUTH Authentication required.\r\n`
//!   (tolerated); wrong AUTH (with or without user):
//!   `-WRONGPASS invalid username-password pair or user is disabled.\r\n`.
//! - `AUTH`, `REPLCONF listening-port`, `REPLCONF ip-address`, `REPLCONF capa eof capa psync2`:
//!   `+OK\r\n` each; an unknown option: `-ERR Unrecognized REPLCONF option: foo\r\n`.
//! - Diskless: a bare `\n` every second *before* `+FULLRESYNC <replid> <offset>\r\n` (during
//!   `repl-diskless-sync-delay`), then `$EOF:<40 hex>\r\n<rdb><same 40 hex>`; the command stream
//!   only starts after the replica's `REPLCONF ACK`.
//! - Disk: `+FULLRESYNC <replid> <offset>\r\n` at once, a bare `\n` every second while BGSAVE runs,
//!   then `$<len>\r\n<rdb>` with no CRLF after, then the command stream right away.
//! - A replica that does not send `capa eof` gets the disk form even from a diskless master.
//! - `+CONTINUE <replid>\r\n` when `capa psync2` was sent, `+CONTINUE\r\n` otherwise; the backlog
//!   follows immediately.
//! - A replica whose own master link is down: `-NOMASTERLINK Can't SYNC while not connected with
//!   my master\r\n` (for PSYNC and SYNC); a loading one: `-LOADING Redis is loading the dataset in
//!   memory\r\n`.

use std::collections::VecDeque;
use std::fmt;

use bytes::{Buf, Bytes, BytesMut};

/// Length of a replication id and of the diskless EOF mark (`CONFIG_RUN_ID_SIZE`).
pub const RUN_ID_SIZE: usize = 40;

/// Longest reply line accepted during the handshake before giving up (Redis reads replies into a
/// 256-byte buffer; real replies are far shorter).
pub const MAX_REPLY_LINE: usize = 4096;

/// Longest bulk header line (`$...\r\n`) accepted (Redis reads it with a 1024-byte limit).
pub const MAX_BULK_HEADER: usize = 1024;

/// Redis's log levels as they appear in the log (`*` notice, `#` warning).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    /// `LL_NOTICE`, printed with `*`.
    Notice,
    /// `LL_WARNING`, printed with `#`.
    Warning,
}

impl LogLevel {
    /// The mark Redis prints before the message.
    pub fn mark(self) -> char {
        match self {
            LogLevel::Notice => '*',
            LogLevel::Warning => '#',
        }
    }
}

/// One line Redis's replica would log at this step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub level: LogLevel,
    pub text: String,
}

impl LogLine {
    fn notice(text: impl Into<String>) -> Self {
        LogLine {
            level: LogLevel::Notice,
            text: text.into(),
        }
    }
    fn warning(text: impl Into<String>) -> Self {
        LogLine {
            level: LogLevel::Warning,
            text: text.into(),
        }
    }
}

/// The replica-side log lines of Redis 7.0 around a sync, word for word. Those the state
/// machines produce themselves come out as [`Event::Log`]; the others belong to the IO layer.
pub mod log {
    /// `replicationCron` / `replicaofCommand` when a connection attempt starts.
    pub fn connecting(host: &str, port: u16) -> String {
        format!("Connecting to MASTER {host}:{port}")
    }
    /// After the master link dropped (`replicationCacheMaster` path).
    pub fn reconnecting(host: &str, port: u16) -> String {
        format!("Reconnecting to MASTER {host}:{port}")
    }
    /// `replicationSetMaster` after a failed handshake, before retrying.
    pub fn reconnecting_after_failure(host: &str, port: u16) -> String {
        format!("Reconnecting to MASTER {host}:{port} after failure")
    }
    /// Right after the non-blocking connect was issued (`connectWithMaster`).
    pub const SYNC_STARTED: &str = "MASTER <-> REPLICA sync started";
    /// Warning: `connConnect` failed outright.
    pub fn unable_to_connect(err: &str) -> String {
        format!("Unable to connect to MASTER: {err}")
    }
    /// Warning: the connect completed with an error (e.g. "Connection refused").
    pub fn socket_error(err: &str) -> String {
        format!("Error condition on socket for SYNC: {err}")
    }
    /// The connect completed; PING is sent next.
    pub const CONNECT_FIRED: &str = "Non blocking connect for SYNC fired the event.";
    pub const PING_OK: &str = "Master replied to PING, replication can continue...";
    pub fn trying_partial(replid: &str, offset: i64) -> String {
        format!("Trying a partial resynchronization (request {replid}:{offset}).")
    }
    pub const NO_CACHED_MASTER: &str = "Partial resynchronization not possible (no cached master)";
    pub fn full_resync(replid: &str, offset: i64) -> String {
        format!("Full resync from master: {replid}:{offset}")
    }
    /// Warning; Redis still goes on with the full sync, with a blanked master replid.
    pub const BAD_FULLRESYNC: &str = "Master replied with wrong +FULLRESYNC syntax.";
    pub const PARTIAL_OK: &str = "Successful partial resynchronization with master.";
    /// Warning.
    pub fn replid_changed(new: &str) -> String {
        format!("Master replication ID changed to {new}")
    }
    pub const PARTIAL_ACCEPTED: &str =
        "MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.";
    pub fn psync_try_later(reply: &str) -> String {
        format!("Master is currently unable to PSYNC but should be in the future: {reply}")
    }
    pub fn psync_not_supported(reply: &str) -> String {
        format!("Master does not support PSYNC or is in error state (reply: {reply})")
    }
    /// Warning.
    pub fn psync_unexpected(reply: &str) -> String {
        format!("Unexpected reply to PSYNC from master: {reply}")
    }
    /// Redis then sends `SYNC\r\n` (not modelled here).
    pub const RETRYING_WITH_SYNC: &str = "Retrying with SYNC...";
    /// Warning: the master accepted the connection but never answered in `repl-timeout`.
    pub const NO_RESPONSE: &str = "Master did not respond to command during SYNC handshake";
    /// Warning: the PSYNC reply never came.
    pub const NO_PSYNC_REPLY: &str = "Master did not reply to PSYNC, will try later";
    /// Header read; `to_disk` false means `repl-diskless-load` other than `disabled`.
    pub fn receiving_eof(to_disk: bool) -> String {
        format!(
            "MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF {}",
            if to_disk { "to disk" } else { "to parser" }
        )
    }
    pub fn receiving_bytes(len: u64, to_disk: bool) -> String {
        format!(
            "MASTER <-> REPLICA sync: receiving {len} bytes from master {}",
            if to_disk { "to disk" } else { "to parser" }
        )
    }
    pub const FLUSHING: &str = "MASTER <-> REPLICA sync: Flushing old data";
    pub const LOADING: &str = "MASTER <-> REPLICA sync: Loading DB in memory";
    /// Then the RDB loader's own lines: "Loading RDB produced by version 7.0.15", "RDB age 0
    /// seconds", "RDB memory usage when created 0.93 Mb", "Done loading RDB, keys loaded: 1, keys
    /// expired: 0.".
    pub const FINISHED: &str = "MASTER <-> REPLICA sync: Finished with success";
    /// Warning, diskless load only: the 40 bytes after the RDB were not the mark.
    pub const EOF_MARK_BROKEN: &str = "Replication stream EOF marker is broken";
    /// Warning: the link dropped mid-transfer (`err` is e.g. "connection lost").
    pub fn transfer_io_error(err: &str) -> String {
        format!("I/O error trying to sync with MASTER: {err}")
    }
    /// Warning, later: the master link closed in steady state.
    pub const CONNECTION_LOST: &str = "Connection with master lost.";
    pub const CACHING_MASTER: &str = "Caching the disconnected master state.";
}

/// What the replica knows when it starts a handshake.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HandshakeConfig {
    /// `masterauth`: sends `AUTH [masteruser] <masterauth>` when set.
    pub masterauth: Option<String>,
    /// `masteruser`: only used together with `masterauth`.
    pub masteruser: Option<String>,
    /// Sent as `REPLCONF listening-port <port>` (the announce port if configured).
    pub listening_port: u16,
    /// `replica-announce-ip`: `REPLCONF ip-address <ip>` is sent only when set.
    pub announce_ip: Option<String>,
    /// Cached master: its replid and the offset to ask for (its processed offset + 1).
    pub cached: Option<(String, i64)>,
    /// A coordinated FAILOVER: `PSYNC <replid> <offset> FAILOVER` makes the target a master.
    pub failover: bool,
}

/// Something the caller should know about, in the order Redis would do it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A line Redis's replica logs at this step; nothing else to do.
    Log(LogLine),
    /// `+FULLRESYNC`: feed the rest of the buffer to an [`RdbReceiver`]. `replid` is empty and
    /// `offset` -1 when the reply was malformed (Redis goes on but blanks the id, so the next
    /// PSYNC cannot succeed).
    FullResync { replid: String, offset: i64 },
    /// `+CONTINUE`: the rest of the buffer is the command stream. `new_replid` is set when the
    /// master announced an id other than the cached one (then it becomes our replid and the old
    /// one our replid2, and sub-replicas must be dropped).
    Continue { new_replid: Option<String> },
    /// `-NOMASTERLINK` / `-LOADING`: close the link and try again later; carries the reply line.
    RetryLater(String),
}

/// Why a handshake attempt failed. Redis closes the link and retries a second later for all of
/// them (a PSYNC refusal makes it fall back to `SYNC` instead, not modelled).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandshakeError {
    /// PING answered with an error other than `-NOAUTH`, `-NOPERM` or
    /// `-ERR operation not permitted` (an empty line counts as such an error).
    PingError(String),
    /// AUTH answered with an error (e.g. `-WRONGPASS ...`).
    AuthFailed(String),
    /// PSYNC answered with another `-ERR...`: the master does not support PSYNC.
    PsyncNotSupported(String),
    /// PSYNC answered with something that is neither `+FULLRESYNC`, `+CONTINUE` nor an error.
    UnexpectedPsyncReply(String),
    /// A reply line longer than [`MAX_REPLY_LINE`] without a newline.
    LineTooLong,
}

impl fmt::Display for HandshakeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HandshakeError::PingError(r) => write!(f, "Error reply to PING from master: '{r}'"),
            HandshakeError::AuthFailed(r) => write!(f, "Unable to AUTH to MASTER: {r}"),
            HandshakeError::PsyncNotSupported(r) => f.write_str(&log::psync_not_supported(r)),
            HandshakeError::UnexpectedPsyncReply(r) => f.write_str(&log::psync_unexpected(r)),
            HandshakeError::LineTooLong => write!(
                f,
                "Reply from MASTER longer than {MAX_REPLY_LINE} bytes during SYNC handshake"
            ),
        }
    }
}

impl std::error::Error for HandshakeError {}

/// Where the handshake stands (Redis's `REPL_STATE_*` from CONNECTING on).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// PING not handed out yet.
    SendPing,
    ReceivePingReply,
    /// AUTH / REPLCONF batch not handed out yet.
    SendHandshake,
    ReceiveAuthReply,
    ReceivePortReply,
    ReceiveIpReply,
    ReceiveCapaReply,
    /// PSYNC not handed out yet.
    SendPsync,
    ReceivePsyncReply,
    /// A terminal event or error was returned.
    Done,
}

/// The replica's handshake, from the connected socket to the PSYNC answer.
#[derive(Debug)]
pub struct Handshake {
    cfg: HandshakeConfig,
    phase: Phase,
    pending: VecDeque<Event>,
}

/// Encodes a command as a RESP array of bulk strings, the way Redis's `sendCommand` does.
pub fn encode_command(args: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 + args.iter().map(|a| a.len() + 16).sum::<usize>());
    out.extend_from_slice(format!("*{}\r\n", args.len()).as_bytes());
    for a in args {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// Takes one `\n`-terminated line off the front of `buf`, without the `\n` and one `\r` before
/// it. `Ok(None)` when no full line is there yet.
fn take_line(buf: &mut BytesMut, limit: usize) -> Result<Option<String>, ()> {
    match buf.iter().position(|&b| b == b'\n') {
        Some(i) => {
            let line = buf.split_to(i + 1);
            let mut body = &line[..i];
            if body.last() == Some(&b'\r') {
                body = &body[..body.len() - 1];
            }
            Ok(Some(String::from_utf8_lossy(body).into_owned()))
        }
        None if buf.len() >= limit => Err(()),
        None => Ok(None),
    }
}

/// `strtoll` leniency: optional sign, leading digits, anything after ignored; 0 if none.
fn lenient_i64(s: &str) -> i64 {
    let s = s.trim_start();
    let (neg, rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let mut v: i64 = 0;
    for b in rest.bytes().take_while(u8::is_ascii_digit) {
        v = v.saturating_mul(10).saturating_add(i64::from(b - b'0'));
    }
    if neg {
        -v
    } else {
        v
    }
}

impl Handshake {
    pub fn new(cfg: HandshakeConfig) -> Self {
        Handshake {
            cfg,
            phase: Phase::SendPing,
            pending: VecDeque::new(),
        }
    }

    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// True once a terminal event or an error came out of [`feed`](Self::feed).
    pub fn is_done(&self) -> bool {
        self.phase == Phase::Done
    }

    /// The bytes to write next, if any: `PING`; then AUTH + REPLCONFs in one batch (Redis writes
    /// them back to back and reads the replies in order); then `PSYNC`.
    pub fn next_request(&mut self) -> Option<Vec<u8>> {
        match self.phase {
            Phase::SendPing => {
                self.phase = Phase::ReceivePingReply;
                Some(encode_command(&[b"PING"]))
            }
            Phase::SendHandshake => {
                let mut out = Vec::new();
                if let Some(pass) = &self.cfg.masterauth {
                    match &self.cfg.masteruser {
                        Some(user) => {
                            out.extend(encode_command(&[b"AUTH", user.as_bytes(), pass.as_bytes()]))
                        }
                        None => out.extend(encode_command(&[b"AUTH", pass.as_bytes()])),
                    }
                }
                let port = self.cfg.listening_port.to_string();
                out.extend(encode_command(&[
                    b"REPLCONF",
                    b"listening-port",
                    port.as_bytes(),
                ]));
                if let Some(ip) = &self.cfg.announce_ip {
                    out.extend(encode_command(&[b"REPLCONF", b"ip-address", ip.as_bytes()]));
                }
                out.extend(encode_command(&[
                    b"REPLCONF",
                    b"capa",
                    b"eof",
                    b"capa",
                    b"psync2",
                ]));
                self.phase = if self.cfg.masterauth.is_some() {
                    Phase::ReceiveAuthReply
                } else {
                    Phase::ReceivePortReply
                };
                Some(out)
            }
            Phase::SendPsync => {
                self.phase = Phase::ReceivePsyncReply;
                let (replid, offset, line) = match &self.cfg.cached {
                    Some((id, off)) => (id.clone(), off.to_string(), log::trying_partial(id, *off)),
                    None => (
                        "?".to_string(),
                        "-1".to_string(),
                        log::NO_CACHED_MASTER.to_string(),
                    ),
                };
                self.pending.push_back(Event::Log(LogLine::notice(line)));
                let mut args: Vec<&[u8]> = vec![b"PSYNC", replid.as_bytes(), offset.as_bytes()];
                if self.cfg.failover {
                    args.push(b"FAILOVER");
                }
                Some(encode_command(&args))
            }
            _ => None,
        }
    }

    fn finish<T>(&mut self, e: HandshakeError) -> Result<T, HandshakeError> {
        self.phase = Phase::Done;
        Err(e)
    }

    /// Consumes replies from the front of `buf`. Returns the next event, `Ok(None)` when more
    /// bytes are needed or a request is due (see [`next_request`](Self::next_request)).
    /// Partial lines stay in `buf`; nothing past the PSYNC reply line is consumed.
    pub fn feed(&mut self, buf: &mut BytesMut) -> Result<Option<Event>, HandshakeError> {
        if let Some(ev) = self.pending.pop_front() {
            return Ok(Some(ev));
        }
        loop {
            let awaiting = matches!(
                self.phase,
                Phase::ReceivePingReply
                    | Phase::ReceiveAuthReply
                    | Phase::ReceivePortReply
                    | Phase::ReceiveIpReply
                    | Phase::ReceiveCapaReply
                    | Phase::ReceivePsyncReply
            );
            if !awaiting {
                return Ok(None);
            }
            let line = match take_line(buf, MAX_REPLY_LINE) {
                Ok(Some(l)) => l,
                Ok(None) => return Ok(None),
                Err(()) => return self.finish(HandshakeError::LineTooLong),
            };
            match self.phase {
                Phase::ReceivePingReply => {
                    if !line.starts_with('+')
                        && !line.starts_with("-NOAUTH")
                        && !line.starts_with("-NOPERM")
                        && !line.starts_with("-ERR operation not permitted")
                    {
                        return self.finish(HandshakeError::PingError(line));
                    }
                    self.phase = Phase::SendHandshake;
                    return Ok(Some(Event::Log(LogLine::notice(log::PING_OK))));
                }
                Phase::ReceiveAuthReply => {
                    if line.starts_with('-') {
                        return self.finish(HandshakeError::AuthFailed(line));
                    }
                    self.phase = Phase::ReceivePortReply;
                }
                Phase::ReceivePortReply => {
                    self.phase = if self.cfg.announce_ip.is_some() {
                        Phase::ReceiveIpReply
                    } else {
                        Phase::ReceiveCapaReply
                    };
                    if line.starts_with('-') {
                        return Ok(Some(Event::Log(LogLine::notice(format!(
                            "(Non critical) Master does not understand REPLCONF listening-port: {line}"
                        )))));
                    }
                }
                Phase::ReceiveIpReply => {
                    self.phase = Phase::ReceiveCapaReply;
                    if line.starts_with('-') {
                        return Ok(Some(Event::Log(LogLine::notice(format!(
                            "(Non critical) Master does not understand REPLCONF ip-address: {line}"
                        )))));
                    }
                }
                Phase::ReceiveCapaReply => {
                    self.phase = Phase::SendPsync;
                    if line.starts_with('-') {
                        return Ok(Some(Event::Log(LogLine::notice(format!(
                            "(Non critical) Master does not understand REPLCONF capa: {line}"
                        )))));
                    }
                }
                Phase::ReceivePsyncReply => {
                    if line.is_empty() {
                        // Keepalive newline sent before the reply (diskless delay).
                        continue;
                    }
                    return self.psync_reply(line);
                }
                _ => unreachable!("checked above"),
            }
        }
    }

    fn psync_reply(&mut self, line: String) -> Result<Option<Event>, HandshakeError> {
        if line.starts_with("+FULLRESYNC") {
            self.phase = Phase::Done;
            let mut parts = line.splitn(3, ' ');
            parts.next();
            let (replid, offset) = match (parts.next(), parts.next()) {
                (Some(id), Some(off)) if id.len() == RUN_ID_SIZE => (id, off),
                _ => {
                    self.pending.push_back(Event::FullResync {
                        replid: String::new(),
                        offset: -1,
                    });
                    return Ok(Some(Event::Log(LogLine::warning(log::BAD_FULLRESYNC))));
                }
            };
            let offset = lenient_i64(offset);
            self.pending.push_back(Event::FullResync {
                replid: replid.to_string(),
                offset,
            });
            return Ok(Some(Event::Log(LogLine::notice(log::full_resync(
                replid, offset,
            )))));
        }
        if line.starts_with("+CONTINUE") {
            self.phase = Phase::Done;
            let rest = line.get(10..).unwrap_or("");
            let new_replid = match &self.cfg.cached {
                Some((old, _)) if rest.len() == RUN_ID_SIZE && rest != old => {
                    Some(rest.to_string())
                }
                None if rest.len() == RUN_ID_SIZE => Some(rest.to_string()),
                _ => None,
            };
            if let Some(id) = &new_replid {
                self.pending
                    .push_back(Event::Log(LogLine::warning(log::replid_changed(id))));
            }
            self.pending
                .push_back(Event::Log(LogLine::notice(log::PARTIAL_ACCEPTED)));
            self.pending.push_back(Event::Continue { new_replid });
            return Ok(Some(Event::Log(LogLine::notice(log::PARTIAL_OK))));
        }
        if line.starts_with("-NOMASTERLINK") || line.starts_with("-LOADING") {
            self.phase = Phase::Done;
            self.pending.push_back(Event::RetryLater(line.clone()));
            return Ok(Some(Event::Log(LogLine::notice(log::psync_try_later(
                &line,
            )))));
        }
        if line.starts_with("-ERR") {
            return self.finish(HandshakeError::PsyncNotSupported(line));
        }
        self.finish(HandshakeError::UnexpectedPsyncReply(line))
    }
}

/// How the master frames the RDB payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Framing {
    /// `$<len>\r\n` then exactly `len` bytes (disk-based sync).
    Length(u64),
    /// `$EOF:<mark>\r\n`, the RDB, then the same 40-byte mark (diskless sync).
    EofMark([u8; RUN_ID_SIZE]),
}

/// What one [`RdbReceiver::feed`] call produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RdbProgress {
    /// Nothing more can be done with the bytes at hand.
    NeedMore,
    /// A bare newline the master sends while preparing the snapshot (refresh the timeout).
    Keepalive,
    /// The header was read; log [`log::receiving_eof`] / [`log::receiving_bytes`].
    Started(Framing),
    /// The next piece of the RDB file (never includes the EOF mark).
    Data(Bytes),
    /// The payload is complete; what is left in the buffer is the command stream.
    Done,
}

/// Why receiving the payload failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RdbReceiveError {
    /// The master sent `-<error>` instead of the payload (carries the text after the `-`).
    MasterAborted(String),
    /// The header did not start with `$` (carries the line).
    BadProtocol(String),
    /// `$` followed by something that is neither `EOF:<40 bytes>` nor a length (Redis would parse
    /// it with `strtol` and stall; rejected here).
    BadLength(String),
    /// No newline in the first [`MAX_BULK_HEADER`] bytes.
    HeaderTooLong,
}

impl fmt::Display for RdbReceiveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RdbReceiveError::MasterAborted(e) => {
                write!(f, "MASTER aborted replication with an error: {e}")
            }
            RdbReceiveError::BadProtocol(l) => write!(
                f,
                "Bad protocol from MASTER, the first byte is not '$' (we received '{l}'), are you sure the host and port are right?"
            ),
            RdbReceiveError::BadLength(l) => {
                write!(f, "Bad bulk length from MASTER in SYNC payload header: '{l}'")
            }
            RdbReceiveError::HeaderTooLong => write!(
                f,
                "Bad protocol from MASTER, no newline in the first {MAX_BULK_HEADER} bytes of the SYNC payload"
            ),
        }
    }
}

impl std::error::Error for RdbReceiveError {}

#[derive(Debug)]
enum RdbState {
    Header,
    Sized { remaining: u64 },
    Mark { mark: [u8; RUN_ID_SIZE] },
    Done,
}

/// Receives the full-sync payload after `+FULLRESYNC`, chunk by chunk.
#[derive(Debug)]
pub struct RdbReceiver {
    state: RdbState,
    received: u64,
}

impl Default for RdbReceiver {
    fn default() -> Self {
        Self::new()
    }
}

impl RdbReceiver {
    pub fn new() -> Self {
        RdbReceiver {
            state: RdbState::Header,
            received: 0,
        }
    }

    /// RDB bytes handed out so far.
    pub fn received(&self) -> u64 {
        self.received
    }

    pub fn is_done(&self) -> bool {
        matches!(self.state, RdbState::Done)
    }

    /// Makes as much progress as the bytes at the front of `buf` allow; call again until
    /// [`RdbProgress::NeedMore`] or [`RdbProgress::Done`]. After `Done`, keeps returning `Done`
    /// and leaves `buf` alone.
    pub fn feed(&mut self, buf: &mut BytesMut) -> Result<RdbProgress, RdbReceiveError> {
        match &mut self.state {
            RdbState::Done => Ok(RdbProgress::Done),
            RdbState::Header => {
                let line = match take_line(buf, MAX_BULK_HEADER) {
                    Ok(Some(l)) => l,
                    Ok(None) => return Ok(RdbProgress::NeedMore),
                    Err(()) => return Err(RdbReceiveError::HeaderTooLong),
                };
                if line.is_empty() {
                    return Ok(RdbProgress::Keepalive);
                }
                if let Some(e) = line.strip_prefix('-') {
                    return Err(RdbReceiveError::MasterAborted(e.to_string()));
                }
                let Some(rest) = line.strip_prefix('$') else {
                    return Err(RdbReceiveError::BadProtocol(line));
                };
                if let Some(m) = rest.strip_prefix("EOF:") {
                    if m.len() >= RUN_ID_SIZE {
                        let mut mark = [0u8; RUN_ID_SIZE];
                        mark.copy_from_slice(&m.as_bytes()[..RUN_ID_SIZE]);
                        self.state = RdbState::Mark { mark };
                        return Ok(RdbProgress::Started(Framing::EofMark(mark)));
                    }
                }
                match rest.parse::<u64>() {
                    Ok(len) => {
                        self.state = RdbState::Sized { remaining: len };
                        Ok(RdbProgress::Started(Framing::Length(len)))
                    }
                    Err(_) => Err(RdbReceiveError::BadLength(line)),
                }
            }
            RdbState::Sized { remaining } => {
                if *remaining == 0 {
                    self.state = RdbState::Done;
                    return Ok(RdbProgress::Done);
                }
                if buf.is_empty() {
                    return Ok(RdbProgress::NeedMore);
                }
                let n = usize::try_from(*remaining).map_or(buf.len(), |r| r.min(buf.len()));
                *remaining -= n as u64;
                self.received += n as u64;
                Ok(RdbProgress::Data(buf.split_to(n).freeze()))
            }
            RdbState::Mark { mark } => {
                if let Some(pos) = buf.windows(RUN_ID_SIZE).position(|w| w == &mark[..]) {
                    if pos > 0 {
                        self.received += pos as u64;
                        return Ok(RdbProgress::Data(buf.split_to(pos).freeze()));
                    }
                    buf.advance(RUN_ID_SIZE);
                    self.state = RdbState::Done;
                    return Ok(RdbProgress::Done);
                }
                // Keep the last 39 bytes: they may be the start of the mark.
                let safe = buf.len().saturating_sub(RUN_ID_SIZE - 1);
                if safe == 0 {
                    return Ok(RdbProgress::NeedMore);
                }
                self.received += safe as u64;
                Ok(RdbProgress::Data(buf.split_to(safe).freeze()))
            }
        }
    }

    /// Convenience: feeds until more bytes are needed, appending RDB bytes to `out`. Returns the
    /// framing if the header was read in this call, and whether the payload is complete.
    pub fn collect(
        &mut self,
        buf: &mut BytesMut,
        out: &mut Vec<u8>,
    ) -> Result<(Option<Framing>, bool), RdbReceiveError> {
        let mut framing = None;
        loop {
            match self.feed(buf)? {
                RdbProgress::NeedMore => return Ok((framing, false)),
                RdbProgress::Done => return Ok((framing, true)),
                RdbProgress::Keepalive => {}
                RdbProgress::Started(f) => framing = Some(f),
                RdbProgress::Data(d) => out.extend_from_slice(&d),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // ---- Captured from redis-server 7.0.15 (raw-socket fake replica) ----

    /// Diskless master, `repl-diskless-sync-delay 5`: keepalives before +FULLRESYNC, EOF framing.
    const DISKLESS: &[u8] = b"\n\n\n\n\n+FULLRESYNC 615bfd5ff4b2ae115e7e2bb38915596288d95c59 0\r\n$EOF:414afe5538d4db6db3b7779537e31e5ac390ee83\r\nREDIS0010\xfa\tredis-ver\x067.0.15\xfa\nredis-bits\xc0@\xfa\x05ctime\xc2\xf5\xf7\x05k\xfa\x08used-mem\xc2(R\x0f\x00\xfa\x0erepl-stream-db\xc0\x00\xfa\x07repl-id(615bfd5ff4b2ae115e7e2bb38915596288d95c59\xfa\x0brepl-offset\xc0\x00\xfa\x08aof-base\xc0\x00\xfe\x00\xfb\x01\x00\x00\x01k\x01v\xff\xe2\xf2\x1b~\xf2\x00\xab\xe5414afe5538d4db6db3b7779537e31e5ac390ee83";
    /// What the diskless master streamed after our `REPLCONF ACK 0` and a `SET foo bar`.
    const DISKLESS_STREAM: &[u8] = b"*1\r\n$4\r\nping\r\n*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$3\r\nfoo\r\n$3\r\nbar\r\n";
    /// Disk master with `rdb-key-save-delay`: +FULLRESYNC at once, keepalives, then `$187`.
    const DISK: &[u8] = b"+FULLRESYNC b4555a5024d02232c7fc8989688b23f3e4a7892a 0\r\n\n\n$187\r\nREDIS0010\xfa\tredis-ver\x067.0.15\xfa\nredis-bits\xc0@\xfa\x05ctime\xc2\x07\xf8\x05k\xfa\x08used-mem\xc2\xa8\xda\x0e\x00\xfa\x0erepl-stream-db\xc0\x00\xfa\x07repl-id(b4555a5024d02232c7fc8989688b23f3e4a7892a\xfa\x0brepl-offset\xc0\x00\xfa\x08aof-base\xc0\x00\xfe\x00\xfb\x02\x00\x00\x01a\xc0\x01\x00\x01b\xc0\x02\xffP\x01c\xb4\xb2b\xdc\xb3";
    /// What followed the disk payload after a `SET foo bar`.
    const DISK_STREAM: &[u8] = b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$3\r\nfoo\r\n$3\r\nbar\r\n*1\r\n$4\r\nping\r\n";
    const CONTINUE_PSYNC2: &[u8] = b"+CONTINUE 615bfd5ff4b2ae115e7e2bb38915596288d95c59\r\n*1\r\n$4\r\nping\r\n*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$3\r\nfoo\r\n$3\r\nbar\r\n*1\r\n$4\r\nping\r\n";
    const CONTINUE_PLAIN: &[u8] = b"+CONTINUE\r\n*1\r\n$4\r\nping\r\n*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$3\r\nfoo\r\n$3\r\nbar\r\n*1\r\n$4\r\nping\r\n";
    const NOAUTH: &[u8] = b"-NOAUTH Authentication required.\r\n";
    const WRONGPASS: &[u8] = b"-WRONGPASS invalid username-password pair or user is disabled.\r\n";
    const NOMASTERLINK: &[u8] = b"-NOMASTERLINK Can't SYNC while not connected with my master\r\n";
    const UNKNOWN_REPLCONF: &[u8] = b"-ERR Unrecognized REPLCONF option: foo\r\n";
    const ID_A: &str = "615bfd5ff4b2ae115e7e2bb38915596288d95c59";

    fn auth_cfg() -> HandshakeConfig {
        HandshakeConfig {
            masterauth: Some("secret".into()),
            masteruser: None,
            listening_port: 27101,
            announce_ip: None,
            cached: None,
            failover: false,
        }
    }

    /// Drives a handshake: `replies[i]` answers the i-th request. Bytes are delivered in pieces
    /// cut at `cuts` (absolute offsets into the concatenated replies). Returns the requests, the
    /// events, and what was left in the buffer.
    fn drive(
        cfg: HandshakeConfig,
        replies: &[&[u8]],
        cuts: &[usize],
    ) -> (Vec<Vec<u8>>, Result<Vec<Event>, HandshakeError>, BytesMut) {
        let mut hs = Handshake::new(cfg);
        let mut sent = Vec::new();
        let mut events = Vec::new();
        let all: Vec<u8> = replies.concat();
        let mut pos = 0;
        let mut buf = BytesMut::new();
        let mut cut_iter = cuts
            .iter()
            .copied()
            .chain(std::iter::once(all.len()))
            .peekable();
        loop {
            while let Some(r) = hs.next_request() {
                sent.push(r);
            }
            loop {
                match hs.feed(&mut buf) {
                    Ok(Some(ev)) => {
                        events.push(ev);
                        while let Some(r) = hs.next_request() {
                            sent.push(r);
                        }
                    }
                    Ok(None) => match hs.next_request() {
                        Some(r) => sent.push(r),
                        None => break,
                    },
                    Err(e) => return (sent, Err(e), buf),
                }
            }
            if hs.is_done() || pos >= all.len() {
                return (sent, Ok(events), buf);
            }
            let next = loop {
                match cut_iter.next() {
                    Some(c) if c > pos => break c.min(all.len()),
                    Some(_) => continue,
                    None => break all.len(),
                }
            };
            buf.extend_from_slice(&all[pos..next]);
            pos = next;
        }
    }

    fn logs(events: &[Event]) -> Vec<String> {
        events
            .iter()
            .filter_map(|e| match e {
                Event::Log(l) => Some(format!("{} {}", l.level.mark(), l.text)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn requests_are_exactly_what_redis_sends() {
        let cfg = HandshakeConfig {
            masterauth: Some("pw".into()),
            masteruser: Some("repl".into()),
            listening_port: 6380,
            announce_ip: Some("10.1.2.3".into()),
            cached: Some((ID_A.into(), 15)),
            failover: false,
        };
        let (sent, res, _) = drive(
            cfg,
            &[
                b"+PONG\r\n",
                b"+OK\r\n+OK\r\n+OK\r\n+OK\r\n",
                CONTINUE_PSYNC2,
            ],
            &[],
        );
        res.unwrap();
        assert_eq!(sent[0], b"*1\r\n$4\r\nPING\r\n");
        assert_eq!(
            sent[1],
            b"*3\r\n$4\r\nAUTH\r\n$4\r\nrepl\r\n$2\r\npw\r\n\
              *3\r\n$8\r\nREPLCONF\r\n$14\r\nlistening-port\r\n$4\r\n6380\r\n\
              *3\r\n$8\r\nREPLCONF\r\n$10\r\nip-address\r\n$8\r\n10.1.2.3\r\n\
              *5\r\n$8\r\nREPLCONF\r\n$4\r\ncapa\r\n$3\r\neof\r\n$4\r\ncapa\r\n$6\r\npsync2\r\n"
        );
        assert_eq!(
            sent[2],
            format!("*3\r\n$5\r\nPSYNC\r\n$40\r\n{ID_A}\r\n$2\r\n15\r\n").as_bytes()
        );
        assert_eq!(sent.len(), 3);

        // No auth, no announce ip, no cached master: the capture's `PSYNC ? -1`.
        let (sent, res, _) = drive(
            HandshakeConfig {
                listening_port: 27999,
                ..Default::default()
            },
            &[b"+PONG\r\n", b"+OK\r\n+OK\r\n", DISK],
            &[],
        );
        res.unwrap();
        assert_eq!(
            sent[1],
            b"*3\r\n$8\r\nREPLCONF\r\n$14\r\nlistening-port\r\n$5\r\n27999\r\n\
              *5\r\n$8\r\nREPLCONF\r\n$4\r\ncapa\r\n$3\r\neof\r\n$4\r\ncapa\r\n$6\r\npsync2\r\n"
        );
        assert_eq!(sent[2], b"*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n");
    }

    /// The whole conversation with the captured diskless master, split at every byte boundary,
    /// then the RDB and the command stream.
    #[test]
    fn full_conversation_split_everywhere() {
        let replies: [&[u8]; 3] = [NOAUTH, b"+OK\r\n+OK\r\n+OK\r\n", DISKLESS];
        let total: usize = replies.iter().map(|r| r.len()).sum();
        type Outcome = (Vec<Vec<u8>>, Vec<Event>, Vec<u8>);
        let mut expected: Option<Outcome> = None;
        for cut in 0..=total {
            for cuts in [vec![cut], (0..total).collect::<Vec<_>>()] {
                let (sent, res, buf) = drive(auth_cfg(), &replies, &cuts);
                let events = res.unwrap();
                let got = (sent, events, buf.to_vec());
                match &expected {
                    None => expected = Some(got),
                    Some(e) => {
                        assert_eq!(e.0, got.0, "cut {cut}");
                        assert_eq!(e.1, got.1, "cut {cut}");
                        // The leftover depends on where the cut fell, but is always a prefix of
                        // the payload that follows the +FULLRESYNC line.
                        let payload_start =
                            DISKLESS.windows(2).position(|w| w == b"\r\n").unwrap() + 2;
                        assert!(DISKLESS[payload_start..].starts_with(&got.2), "cut {cut}");
                    }
                }
            }
        }
        let (sent, events, _) = expected.unwrap();
        assert_eq!(sent.len(), 3);
        assert_eq!(
            logs(&events),
            vec![
                "* Master replied to PING, replication can continue...",
                "* Partial resynchronization not possible (no cached master)",
                "* Full resync from master: 615bfd5ff4b2ae115e7e2bb38915596288d95c59:0",
            ]
        );
        assert_eq!(
            events.last(),
            Some(&Event::FullResync {
                replid: ID_A.into(),
                offset: 0
            })
        );
    }

    fn receive_all(data: &[u8], cuts: &[usize]) -> (Vec<u8>, Vec<Framing>, usize, BytesMut) {
        let mut rx = RdbReceiver::new();
        let mut buf = BytesMut::new();
        let mut out = Vec::new();
        let mut framings = Vec::new();
        let mut keepalives = 0;
        let mut pos = 0;
        let bounds: Vec<usize> = cuts
            .iter()
            .copied()
            .filter(|&c| c <= data.len())
            .chain([data.len()])
            .collect();
        for b in bounds {
            if b < pos {
                continue;
            }
            buf.extend_from_slice(&data[pos..b]);
            pos = b;
            loop {
                match rx.feed(&mut buf).unwrap() {
                    RdbProgress::NeedMore => break,
                    RdbProgress::Keepalive => keepalives += 1,
                    RdbProgress::Started(f) => framings.push(f),
                    RdbProgress::Data(d) => {
                        assert!(!d.is_empty());
                        out.extend_from_slice(&d)
                    }
                    RdbProgress::Done => {
                        assert!(rx.is_done());
                        assert_eq!(rx.received(), out.len() as u64);
                        buf.extend_from_slice(&data[pos..]);
                        return (out, framings, keepalives, buf);
                    }
                }
            }
        }
        panic!("payload never completed");
    }

    fn after_first_line(data: &[u8]) -> &[u8] {
        let i = data.iter().position(|&b| b == b'\n').unwrap();
        &data[i + 1..]
    }

    #[test]
    fn diskless_payload_with_stream_after_split_everywhere() {
        let payload = after_first_line(DISKLESS.trim_ascii_start());
        let data = [payload, DISKLESS_STREAM].concat();
        let rdb = &payload[47..payload.len() - RUN_ID_SIZE];
        assert!(rdb.starts_with(b"REDIS0010") && rdb.ends_with(b"\x00\xab\xe5"));
        for a in 0..=data.len() {
            for b in [a, a + 1, a + 7, a + 39, a + 40, a + 41] {
                let (out, framings, _, rest) = receive_all(&data, &[a, b]);
                assert_eq!(out, rdb, "cuts {a} {b}");
                assert_eq!(
                    framings,
                    vec![Framing::EofMark(
                        *b"414afe5538d4db6db3b7779537e31e5ac390ee83"
                    )]
                );
                assert_eq!(&rest[..], DISKLESS_STREAM, "cuts {a} {b}");
            }
        }
        // Byte by byte.
        let (out, _, _, rest) = receive_all(&data, &(0..data.len()).collect::<Vec<_>>());
        assert_eq!(out, rdb);
        assert_eq!(&rest[..], DISKLESS_STREAM);
    }

    #[test]
    fn disk_payload_with_keepalives_and_stream_split_everywhere() {
        let payload = after_first_line(DISK); // "\n\n$187\r\n..."
        let data = [payload, DISK_STREAM].concat();
        let rdb = &payload[2 + 6..];
        assert_eq!(rdb.len(), 187);
        for a in 0..=data.len() {
            for b in [a, a + 1, a + 3, a + 100] {
                let (out, framings, keepalives, rest) = receive_all(&data, &[a, b]);
                assert_eq!(out, rdb, "cuts {a} {b}");
                assert_eq!(framings, vec![Framing::Length(187)]);
                assert_eq!(keepalives, 2);
                assert_eq!(&rest[..], DISK_STREAM, "cuts {a} {b}");
            }
        }
        let (out, _, _, rest) = receive_all(&data, &(0..data.len()).collect::<Vec<_>>());
        assert_eq!(out, rdb);
        assert_eq!(&rest[..], DISK_STREAM);
    }

    #[test]
    fn disk_handshake_leaves_keepalives_for_receiver() {
        let (_, res, mut buf) = drive(
            HandshakeConfig::default(),
            &[b"+PONG\r\n", b"+OK\r\n+OK\r\n", DISK],
            &[],
        );
        let events = res.unwrap();
        assert_eq!(
            events.last(),
            Some(&Event::FullResync {
                replid: "b4555a5024d02232c7fc8989688b23f3e4a7892a".into(),
                offset: 0
            })
        );
        let mut rx = RdbReceiver::new();
        let mut out = Vec::new();
        let (framing, done) = rx.collect(&mut buf, &mut out).unwrap();
        assert!(done);
        assert_eq!(framing, Some(Framing::Length(187)));
        assert_eq!(out.len(), 187);
        assert!(buf.is_empty());
        assert_eq!(rx.feed(&mut buf).unwrap(), RdbProgress::Done);
    }

    #[test]
    fn partial_resync_psync2_and_plain() {
        let cached = HandshakeConfig {
            cached: Some((ID_A.into(), 83)),
            failover: false,
            ..auth_cfg()
        };
        let replies: [&[u8]; 3] = [b"+PONG\r\n", b"+OK\r\n+OK\r\n+OK\r\n", CONTINUE_PSYNC2];
        let total: usize = replies.iter().map(|r| r.len()).sum();
        for cut in 0..=total {
            let (_, res, buf) = drive(cached.clone(), &replies, &[cut]);
            let events = res.unwrap();
            assert_eq!(
                logs(&events),
                vec![
                    "* Master replied to PING, replication can continue...",
                    "* Trying a partial resynchronization (request 615bfd5ff4b2ae115e7e2bb38915596288d95c59:83).",
                    "* Successful partial resynchronization with master.",
                    "* MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.",
                ]
            );
            assert_eq!(events.last(), Some(&Event::Continue { new_replid: None }));
            // The stream is untouched (or not yet delivered).
            assert!(
                after_first_line(CONTINUE_PSYNC2).starts_with(&buf),
                "cut {cut}"
            );
        }
        let (_, res, buf) = drive(
            cached.clone(),
            &[b"+PONG\r\n", b"+OK\r\n+OK\r\n+OK\r\n", CONTINUE_PLAIN],
            &[],
        );
        assert_eq!(
            res.unwrap().last(),
            Some(&Event::Continue { new_replid: None })
        );
        assert_eq!(&buf[..], after_first_line(CONTINUE_PLAIN));

        // A different id: Redis adopts it and warns.
        let other = "0123456789012345678901234567890123456789";
        let reply = format!("+CONTINUE {other}\r\n");
        let (_, res, _) = drive(
            cached,
            &[b"+PONG\r\n", b"+OK\r\n+OK\r\n+OK\r\n", reply.as_bytes()],
            &[],
        );
        let events = res.unwrap();
        assert!(logs(&events).contains(&format!("# Master replication ID changed to {other}")));
        assert_eq!(
            events.last(),
            Some(&Event::Continue {
                new_replid: Some(other.into())
            })
        );
    }

    #[test]
    fn ping_replies_tolerated_and_refused() {
        for ok in [
            &b"+PONG\r\n"[..],
            NOAUTH,
            b"-NOPERM this user has no permissions to run the 'ping' command\r\n",
            b"-ERR operation not permitted\r\n",
            b"+anything\n",
        ] {
            let mut hs = Handshake::new(auth_cfg());
            hs.next_request().unwrap();
            let mut buf = BytesMut::from(ok);
            assert_eq!(
                hs.feed(&mut buf).unwrap(),
                Some(Event::Log(LogLine::notice(log::PING_OK)))
            );
            assert_eq!(hs.phase(), Phase::SendHandshake);
        }
        for (bad, shown) in [
            (
                &b"-ERR unknown command 'PING'\r\n"[..],
                "-ERR unknown command 'PING'",
            ),
            (
                b"-LOADING Redis is loading the dataset in memory\r\n",
                "-LOADING Redis is loading the dataset in memory",
            ),
            (b"\n", ""),
            (b":1\r\n", ":1"),
        ] {
            let mut hs = Handshake::new(auth_cfg());
            hs.next_request().unwrap();
            let err = hs.feed(&mut BytesMut::from(bad)).unwrap_err();
            assert_eq!(err, HandshakeError::PingError(shown.into()));
            assert_eq!(
                err.to_string(),
                format!("Error reply to PING from master: '{shown}'")
            );
            assert!(hs.is_done());
            assert_eq!(hs.next_request(), None);
        }
    }

    #[test]
    fn auth_error_is_fatal() {
        let (_, res, _) = drive(auth_cfg(), &[NOAUTH, WRONGPASS, b"+OK\r\n+OK\r\n"], &[]);
        let err = res.unwrap_err();
        assert_eq!(
            err.to_string(),
            "Unable to AUTH to MASTER: -WRONGPASS invalid username-password pair or user is disabled."
        );
    }

    #[test]
    fn replconf_errors_are_only_logged() {
        let cfg = HandshakeConfig {
            announce_ip: Some("10.0.0.1".into()),
            ..auth_cfg()
        };
        let (_, res, _) = drive(
            cfg,
            &[
                b"+PONG\r\n",
                b"+OK\r\n",
                UNKNOWN_REPLCONF,
                UNKNOWN_REPLCONF,
                UNKNOWN_REPLCONF,
                DISK,
            ],
            &[],
        );
        let events = res.unwrap();
        assert_eq!(
            logs(&events)[1..4],
            [
                "* (Non critical) Master does not understand REPLCONF listening-port: -ERR Unrecognized REPLCONF option: foo",
                "* (Non critical) Master does not understand REPLCONF ip-address: -ERR Unrecognized REPLCONF option: foo",
                "* (Non critical) Master does not understand REPLCONF capa: -ERR Unrecognized REPLCONF option: foo",
            ]
        );
        assert!(matches!(events.last(), Some(Event::FullResync { .. })));
    }

    fn psync_outcome(reply: &[u8]) -> (Result<Vec<Event>, HandshakeError>, BytesMut) {
        let (_, res, buf) = drive(
            HandshakeConfig::default(),
            &[b"+PONG\r\n", b"+OK\r\n+OK\r\n", reply],
            &[],
        );
        (res, buf)
    }

    #[test]
    fn psync_error_replies() {
        let (res, _) = psync_outcome(NOMASTERLINK);
        let events = res.unwrap();
        assert_eq!(
            logs(&events).last().unwrap(),
            "* Master is currently unable to PSYNC but should be in the future: -NOMASTERLINK Can't SYNC while not connected with my master"
        );
        assert_eq!(
            events.last(),
            Some(&Event::RetryLater(
                "-NOMASTERLINK Can't SYNC while not connected with my master".into()
            ))
        );
        let (res, _) = psync_outcome(b"\n\n-LOADING Redis is loading the dataset in memory\r\n");
        assert!(
            matches!(res.unwrap().last(), Some(Event::RetryLater(r)) if r.starts_with("-LOADING"))
        );

        let (res, _) = psync_outcome(b"-ERR unknown command 'PSYNC'\r\n");
        let err = res.unwrap_err();
        assert_eq!(
            err,
            HandshakeError::PsyncNotSupported("-ERR unknown command 'PSYNC'".into())
        );
        assert_eq!(
            err.to_string(),
            "Master does not support PSYNC or is in error state (reply: -ERR unknown command 'PSYNC')"
        );
        let (res, _) = psync_outcome(b"+OK\r\n");
        let err = res.unwrap_err();
        assert_eq!(
            err.to_string(),
            "Unexpected reply to PSYNC from master: +OK"
        );
        let (res, _) = psync_outcome(b"-NOPERM no\r\n");
        assert!(matches!(
            res.unwrap_err(),
            HandshakeError::UnexpectedPsyncReply(_)
        ));

        // Malformed +FULLRESYNC: Redis warns and goes on with a blank id.
        let (res, buf) = psync_outcome(b"+FULLRESYNC abc 12\r\n$3\r\nxyz");
        let events = res.unwrap();
        assert_eq!(
            logs(&events).last().unwrap(),
            "# Master replied with wrong +FULLRESYNC syntax."
        );
        assert_eq!(
            events.last(),
            Some(&Event::FullResync {
                replid: String::new(),
                offset: -1
            })
        );
        assert_eq!(&buf[..], b"$3\r\nxyz");

        // A runaway line.
        let long = vec![b'+'; MAX_REPLY_LINE + 1];
        let (res, _) = psync_outcome(&long);
        assert_eq!(res.unwrap_err(), HandshakeError::LineTooLong);
    }

    #[test]
    fn payload_errors() {
        for (input, want) in [
            (
                &b"-ERR something broke\r\n"[..],
                "MASTER aborted replication with an error: ERR something broke",
            ),
            (
                b"+FULLRESYNC x\r\n",
                "Bad protocol from MASTER, the first byte is not '$' (we received '+FULLRESYNC x'), are you sure the host and port are right?",
            ),
            (b"$abc\r\n", "Bad bulk length from MASTER in SYNC payload header: '$abc'"),
            (b"$EOF:short\r\n", "Bad bulk length from MASTER in SYNC payload header: '$EOF:short'"),
        ] {
            let mut rx = RdbReceiver::new();
            let err = rx.feed(&mut BytesMut::from(input)).unwrap_err();
            assert_eq!(err.to_string(), want);
        }
        let mut rx = RdbReceiver::new();
        let err = rx
            .feed(&mut BytesMut::from(&[b'$'; MAX_BULK_HEADER][..]))
            .unwrap_err();
        assert_eq!(err, RdbReceiveError::HeaderTooLong);
        // Not enough yet: nothing consumed.
        let mut buf = BytesMut::from(&b"$18"[..]);
        assert_eq!(
            RdbReceiver::new().feed(&mut buf).unwrap(),
            RdbProgress::NeedMore
        );
        assert_eq!(&buf[..], b"$18");
        // A CRLF keepalive counts as one too, and $0 completes at once.
        let mut rx = RdbReceiver::new();
        let mut buf = BytesMut::from(&b"\r\n$0\r\n*1\r\n"[..]);
        assert_eq!(rx.feed(&mut buf).unwrap(), RdbProgress::Keepalive);
        assert_eq!(
            rx.feed(&mut buf).unwrap(),
            RdbProgress::Started(Framing::Length(0))
        );
        assert_eq!(rx.feed(&mut buf).unwrap(), RdbProgress::Done);
        assert_eq!(&buf[..], b"*1\r\n");
    }

    #[test]
    fn eof_mark_longer_header_uses_first_40_bytes() {
        let mark = "0123456789abcdef0123456789abcdef01234567";
        let data = format!("$EOF:{mark}XYZ\r\nREDIS{mark}tail");
        let (out, framings, _, rest) = receive_all(data.as_bytes(), &[]);
        assert_eq!(out, b"REDIS");
        assert_eq!(
            framings,
            vec![Framing::EofMark(mark.as_bytes().try_into().unwrap())]
        );
        assert_eq!(&rest[..], b"tail");
    }

    #[test]
    fn log_lines_match_capture() {
        assert_eq!(
            log::connecting("127.0.0.9", 27100),
            "Connecting to MASTER 127.0.0.9:27100"
        );
        assert_eq!(
            log::reconnecting("127.0.0.9", 27100),
            "Reconnecting to MASTER 127.0.0.9:27100"
        );
        assert_eq!(
            log::receiving_bytes(182, true),
            "MASTER <-> REPLICA sync: receiving 182 bytes from master to disk"
        );
        assert_eq!(
            log::receiving_eof(true),
            "MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to disk"
        );
        assert_eq!(
            log::full_resync("6947ec43b1a94d38b60d624d6a03647945e821b8", 0),
            "Full resync from master: 6947ec43b1a94d38b60d624d6a03647945e821b8:0"
        );
    }
}
