//! The combine stream both decoders parse, its error type, and the line primitive they share.
//!
//! `Wire` is a byte slice that always reports itself partial (more bytes may come) and whose
//! positions are absolute offsets in the caller's buffer: a decoder keeps an unfinished value's
//! bytes in the buffer and resumes after what combine already committed, so a position taken in
//! one call is still valid when the value completes in a later one and the buffer is sliced.
//!
//! `WireError` carries a [`ProtocolError`] through combine, which is how a failed length check
//! deep inside a parser reaches the caller with its exact message.
mod error;
mod line;
pub use line::parse_i64;

pub(crate) use error::WireError;
pub(crate) use line::{line, LineKind};

use combine::stream::{Positioned, RangeStreamOnce, ResetStream, StreamOnce};

/// Unparsed bytes: `rest` is the tail of a buffer that is `end` bytes long.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Wire<'a> {
    rest: &'a [u8],
    end: usize,
}

impl<'a> Wire<'a> {
    /// Parsing starts at `from`, which the caller keeps `<= buf.len()`.
    pub(crate) fn new(buf: &'a [u8], from: usize) -> Self {
        let from = from.min(buf.len());
        Wire {
            rest: &buf[from..],
            end: buf.len(),
        }
    }
}

impl<'a> StreamOnce for Wire<'a> {
    type Token = u8;
    type Range = &'a [u8];
    type Position = usize;
    type Error = WireError;

    #[inline]
    fn uncons(&mut self) -> Result<u8, WireError> {
        match self.rest.split_first() {
            Some((&b, rest)) => {
                self.rest = rest;
                Ok(b)
            }
            None => Err(WireError::Eoi),
        }
    }

    #[inline]
    fn is_partial(&self) -> bool {
        true
    }
}

impl<'a> ResetStream for Wire<'a> {
    type Checkpoint = &'a [u8];

    #[inline]
    fn checkpoint(&self) -> &'a [u8] {
        self.rest
    }

    #[inline]
    fn reset(&mut self, checkpoint: &'a [u8]) -> Result<(), WireError> {
        self.rest = checkpoint;
        Ok(())
    }
}

impl Positioned for Wire<'_> {
    #[inline]
    fn position(&self) -> usize {
        self.end - self.rest.len()
    }
}

impl<'a> RangeStreamOnce for Wire<'a> {
    #[inline]
    fn uncons_range(&mut self, size: usize) -> Result<&'a [u8], WireError> {
        if size <= self.rest.len() {
            let (head, rest) = self.rest.split_at(size);
            self.rest = rest;
            Ok(head)
        } else {
            Err(WireError::Eoi)
        }
    }

    #[inline]
    fn uncons_while<F>(&mut self, mut f: F) -> Result<&'a [u8], WireError>
    where
        F: FnMut(u8) -> bool,
    {
        let n = self
            .rest
            .iter()
            .position(|&b| !f(b))
            .unwrap_or(self.rest.len());
        let (head, rest) = self.rest.split_at(n);
        self.rest = rest;
        Ok(head)
    }

    #[inline]
    fn distance(&self, end: &&'a [u8]) -> usize {
        end.len() - self.rest.len()
    }

    #[inline]
    fn range(&self) -> &'a [u8] {
        self.rest
    }
}
