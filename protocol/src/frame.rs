//! RESP values and their streaming decoder (client side). STUB: to be completed by the protocol work.
use crate::ProtocolError;
use bytes::{Bytes, BytesMut};

/// One RESP2 or RESP3 value, as a peer sent it.
#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    Simple(Bytes),
    Error(Bytes),
    Integer(i64),
    Bulk(Bytes),
    /// `$-1`
    NullBulk,
    /// `*-1`
    NullArray,
    /// `_`
    Null,
    Array(Vec<Frame>),
    Map(Vec<(Frame, Frame)>),
    Set(Vec<Frame>),
    Push(Vec<Frame>),
    Double(f64),
    Boolean(bool),
    BigNumber(Bytes),
    Verbatim(Bytes, Bytes),
}

/// Streaming decoder of RESP values; keeps its partial state between reads.
#[derive(Default)]
pub struct FrameDecoder {}

impl FrameDecoder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Decodes one value from the front of `buf`, removing its bytes; `Ok(None)` when incomplete.
    pub fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Frame>, ProtocolError> {
        let _ = buf;
        todo!("protocol work")
    }
}
