//! Turns the byte stream of one client into batches: every complete request in the buffer
//! becomes part of one item, so a pipeline of N commands is one message to the keyspace.

use crate::clients::ClientHandle;
use crate::server::ServerContext;
use bytes::{Bytes, BytesMut};
use protocol::request::Limits;
use protocol::{ProtocolError, RequestDecoder};
use std::cell::Cell;
use std::fmt;
use std::rc::Rc;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use tokio_util::codec::Decoder;

/// Why reading from a client stopped.
#[derive(Debug)]
pub enum ReadError {
    /// The client broke the protocol; it gets the error text before the connection closes.
    Protocol(ProtocolError),
    /// The socket failed.
    Io(std::io::Error),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Protocol(e) => write!(f, "{e}"),
            ReadError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl From<std::io::Error> for ReadError {
    fn from(e: std::io::Error) -> Self {
        ReadError::Io(e)
    }
}

/// One read's worth of requests.
pub type Batch = Vec<Vec<Bytes>>;

pub struct RequestCodec {
    decoder: RequestDecoder,
    /// Shared with the connection, which flips `authenticated` after AUTH/HELLO.
    limits: Rc<Cell<Limits>>,
    /// A protocol error found after some good requests: reported on the next call, so the good
    /// ones run first, as they would in Redis.
    pending: Option<ProtocolError>,
    /// Where `total_net_input_bytes` and the client's query buffer size are counted.
    counters: Option<(Arc<ServerContext>, Arc<ClientHandle>)>,
}

impl RequestCodec {
    pub fn new(limits: Rc<Cell<Limits>>) -> Self {
        RequestCodec {
            decoder: RequestDecoder::new(),
            limits,
            pending: None,
            counters: None,
        }
    }
}

impl RequestCodec {
    /// Counts input into the server's stats and the client's registry entry.
    pub fn counting(mut self, server: Arc<ServerContext>, client: Arc<ClientHandle>) -> Self {
        self.counters = Some((server, client));
        self
    }
}

impl Decoder for RequestCodec {
    type Item = Batch;
    type Error = ReadError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Batch>, ReadError> {
        if let Some(e) = self.pending.take() {
            return Err(ReadError::Protocol(e));
        }
        let limits = self.limits.get();
        let before = src.len();
        let mut batch = Vec::new();
        loop {
            match self.decoder.decode(src, &limits) {
                Ok(Some(cmd)) => {
                    batch.push(cmd);
                    // Until the client authenticates, each request may change the limits.
                    if !limits.authenticated {
                        break;
                    }
                }
                Ok(None) => break,
                Err(e) if batch.is_empty() => return Err(ReadError::Protocol(e)),
                Err(e) => {
                    self.pending = Some(e);
                    break;
                }
            }
        }
        if let Some((server, client)) = &self.counters {
            let stats = &server.stats;
            stats
                .total_net_input_bytes
                .fetch_add((before - src.len()) as u64, Relaxed);
            stats.total_reads_processed.fetch_add(1, Relaxed);
            client.qbuf.store(src.len() as u64, Relaxed);
        }
        // FramedRead reserves a single byte before each read, so after many split-off
        // requests the spare room can shrink to a few bytes and a pipeline would arrive in
        // pieces: one more read, batch and write each. Keep room for a whole read, as Redis's
        // 16 KiB query buffer reads do.
        if src.capacity() - src.len() < READ_ROOM / 4 {
            src.reserve(READ_ROOM);
        }
        Ok(if batch.is_empty() { None } else { Some(batch) })
    }
}

/// Spare room kept in the read buffer: Redis reads 16 KiB at a time.
const READ_ROOM: usize = 16 * 1024;
