//! RESP values and their streaming decoder (the client side: replies, pushes, a master's or a
//! Sentinel's answers).
mod encode;
mod parse;
#[cfg(test)]
mod tests;

use crate::wire::Wire;
use crate::ProtocolError;
use bytes::{Buf, Bytes, BytesMut};
use combine::parser::combinator::AnySendSyncPartialState;
use parse::FrameParser;

/// One RESP2 or RESP3 value, as a peer sent it.
#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    /// `+`
    Simple(Bytes),
    /// `-`
    Error(Bytes),
    /// `:`
    Integer(i64),
    /// `$`
    Bulk(Bytes),
    /// `$-1`
    NullBulk,
    /// `*-1`
    NullArray,
    /// `_`
    Null,
    /// `*`
    Array(Vec<Frame>),
    /// `%`
    Map(Vec<(Frame, Frame)>),
    /// `~`
    Set(Vec<Frame>),
    /// `>`
    Push(Vec<Frame>),
    /// `,`
    Double(f64),
    /// `#`
    Boolean(bool),
    /// `(`, the digits as sent.
    BigNumber(Bytes),
    /// `=`: the 3-byte format (`txt`, `mkd`) and the text.
    Verbatim(Bytes, Bytes),
    /// `!`, a blob error.
    BlobError(Bytes),
    /// `|`: attributes, and the value they describe.
    Attribute(Vec<(Frame, Frame)>, Box<Frame>),
}

/// Default for how many aggregates may nest inside each other. Parsing recurses once per level,
/// measured at ~4 KiB of stack per level in release builds and ~25 KiB in debug builds, so 32
/// levels fit a 2 MiB thread stack even unoptimized; Redis's own replies nest a few levels.
pub const DEFAULT_MAX_DEPTH: usize = 32;
/// Default for the longest blob (`$`, `!`, `=`) accepted: Redis's default `proto-max-bulk-len`.
pub const DEFAULT_MAX_BLOB_LEN: usize = 512 * 1024 * 1024;

/// Streaming decoder of RESP values; keeps its partial state between reads.
///
/// As with [`crate::RequestDecoder`], an unfinished value's bytes stay at the front of the buffer
/// until it is complete. Unlike requests, decoded values own copies of their bytes: a reply tree
/// is built while it is being parsed, before the buffer can be split.
pub struct FrameDecoder {
    limits: FrameLimits,
    /// Bytes at the front of the buffer already committed to the unfinished value.
    committed: usize,
    state: AnySendSyncPartialState,
}

/// What a [`FrameDecoder`] accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct FrameLimits {
    pub(crate) max_depth: usize,
    pub(crate) max_blob_len: usize,
}

impl Default for FrameDecoder {
    fn default() -> Self {
        FrameDecoder::with_limits(DEFAULT_MAX_DEPTH, DEFAULT_MAX_BLOB_LEN)
    }
}

impl FrameDecoder {
    pub fn new() -> Self {
        Self::default()
    }

    /// A decoder accepting at most `max_depth` nested aggregates (a top-level array is depth 1)
    /// and blobs of at most `max_blob_len` bytes.
    pub fn with_limits(max_depth: usize, max_blob_len: usize) -> Self {
        FrameDecoder {
            limits: FrameLimits {
                max_depth,
                max_blob_len,
            },
            committed: 0,
            state: AnySendSyncPartialState::default(),
        }
    }

    /// Decodes one value from the front of `buf`, removing its bytes; `Ok(None)` when incomplete.
    /// After an error the stream is out of sync; the decoder itself is reset.
    pub fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Frame>, ProtocolError> {
        if buf.len() <= self.committed {
            return Ok(None);
        }
        let mut input = Wire::new(buf, self.committed);
        let parser = FrameParser::new(self.limits);
        match combine::stream::decode(parser, &mut input, &mut self.state) {
            Ok((Some(frame), consumed)) => {
                buf.advance(self.committed + consumed);
                self.committed = 0;
                Ok(Some(frame))
            }
            Ok((None, consumed)) => {
                self.committed += consumed;
                Ok(None)
            }
            Err(e) => {
                self.committed = 0;
                self.state = AnySendSyncPartialState::default();
                Err(e.into_protocol())
            }
        }
    }
}
