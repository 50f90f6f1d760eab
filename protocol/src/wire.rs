//! The combine stream both decoders parse, its error type, and the line primitive they share.
//!
//! `Wire` is a byte slice that always reports itself partial (more bytes may come) and whose
//! positions are absolute offsets in the caller's buffer: a decoder keeps an unfinished value's
//! bytes in the buffer and resumes after what combine already committed, so a position taken in
//! one call is still valid when the value completes in a later one and the buffer is sliced.
//!
//! `WireError` carries a [`ProtocolError`] through combine, which is how a failed length check
//! deep inside a parser reaches the caller with its exact message.
use crate::{ProtocolError, MAX_INLINE_LEN};
use combine::error::{ErrorInfo, ParseError, ParseResult, StreamError, Tracked};
use combine::stream::{Positioned, RangeStreamOnce, ResetStream, StreamOnce};
use combine::Parser;
use std::fmt;

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

/// Why combine stopped: out of bytes (wait for more), a generic mismatch, or a protocol error.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum WireError {
    Eoi,
    Unexpected,
    Protocol(ProtocolError),
}

impl WireError {
    pub(crate) fn into_protocol(self) -> ProtocolError {
        match self {
            WireError::Protocol(e) => e,
            // `decode` turns end of input into "need more bytes", so it never gets here; keep a
            // sane answer anyway rather than a panic.
            WireError::Eoi | WireError::Unexpected => ProtocolError::Malformed,
        }
    }

    /// The first protocol error wins, then end of input (so partial parsing is not mistaken for
    /// a mismatch), as combine's own `UnexpectedParse` keeps `Eoi`.
    fn merged(self, other: WireError) -> WireError {
        match (self, other) {
            (p @ WireError::Protocol(_), _) => p,
            (_, p @ WireError::Protocol(_)) => p,
            (WireError::Eoi, _) => WireError::Eoi,
            (_, e) => e,
        }
    }
}

impl From<ProtocolError> for WireError {
    fn from(e: ProtocolError) -> Self {
        WireError::Protocol(e)
    }
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WireError::Eoi => f.write_str("end of input"),
            WireError::Unexpected => f.write_str("unexpected input"),
            WireError::Protocol(e) => e.fmt(f),
        }
    }
}

impl<Item, Range> StreamError<Item, Range> for WireError {
    fn unexpected_token(_: Item) -> Self {
        WireError::Unexpected
    }
    fn unexpected_range(_: Range) -> Self {
        WireError::Unexpected
    }
    fn unexpected_format<T: fmt::Display>(_: T) -> Self {
        WireError::Unexpected
    }
    fn expected_token(_: Item) -> Self {
        WireError::Unexpected
    }
    fn expected_range(_: Range) -> Self {
        WireError::Unexpected
    }
    fn expected_format<T: fmt::Display>(_: T) -> Self {
        WireError::Unexpected
    }
    fn message_token(_: Item) -> Self {
        WireError::Unexpected
    }
    fn message_range(_: Range) -> Self {
        WireError::Unexpected
    }
    fn message_format<T: fmt::Display>(_: T) -> Self {
        WireError::Unexpected
    }
    fn end_of_input() -> Self {
        WireError::Eoi
    }
    fn is_unexpected_end_of_input(&self) -> bool {
        *self == WireError::Eoi
    }
    fn into_other<T: StreamError<Item, Range>>(self) -> T {
        match self {
            WireError::Eoi => T::end_of_input(),
            WireError::Unexpected => T::unexpected_static_message("unexpected input"),
            WireError::Protocol(e) => T::other(e),
        }
    }
}

impl<Item, Range, Position> ParseError<Item, Range, Position> for WireError
where
    Position: Default,
{
    type StreamError = WireError;

    fn empty(_: Position) -> Self {
        WireError::Unexpected
    }
    fn from_error(_: Position, err: WireError) -> Self {
        err
    }
    fn position(&self) -> Position {
        Position::default()
    }
    fn set_position(&mut self, _: Position) {}
    fn add(&mut self, err: WireError) {
        let current = std::mem::replace(self, WireError::Unexpected);
        *self = current.merged(err);
    }
    fn add_expected<E>(&mut self, _: E)
    where
        E: for<'s> ErrorInfo<'s, Item, Range>,
    {
    }
    fn set_expected<F>(self_: &mut Tracked<Self>, info: WireError, f: F)
    where
        F: FnOnce(&mut Tracked<Self>),
    {
        f(self_);
        let current = std::mem::replace(&mut self_.error, WireError::Unexpected);
        // Unlike `UnexpectedParse`, never let an "expected ..." note hide end of input or a
        // protocol error.
        self_.error = match current {
            WireError::Unexpected => info,
            kept => kept,
        };
    }
    fn is_unexpected_end_of_input(&self) -> bool {
        *self == WireError::Eoi
    }
    fn into_other<T: ParseError<Item, Range, Position>>(self) -> T {
        T::from_error(Position::default(), StreamError::into_other(self))
    }
}

/// How a line ends and what limit applies, following the reader that uses it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum LineKind {
    /// Redis's multibulk and bulk headers: everything up to the first `\r`, which must be
    /// followed by one more byte of any value (Redis skips two bytes without looking at the
    /// second). `too_big` is the error for no `\r` within [`MAX_INLINE_LEN`].
    Header { too_big: ProtocolError },
    /// Redis's inline request: up to the first `\n`, minus one `\r` before it.
    Inline,
    /// A reply line: up to the first `\r\n`, no length limit.
    Reply,
}

/// One line, returned without its terminator, which is consumed.
///
/// The partial state is how many bytes are known to hold no terminator, so a line arriving in
/// many reads is scanned once. Redis finds terminators with `strchr`, which stops at a NUL byte:
/// for the request kinds a NUL before the terminator means "not found", so such a request waits
/// until it is too big, exactly as in Redis.
pub(crate) struct Line {
    kind: LineKind,
}

pub(crate) fn line(kind: LineKind) -> Line {
    Line { kind }
}

impl Line {
    fn scan<'a>(
        &mut self,
        input: &mut Wire<'a>,
        scanned: &mut usize,
    ) -> ParseResult<&'a [u8], WireError> {
        let hay = input.rest;
        match &self.kind {
            LineKind::Header { too_big } => match find_request_end(hay, *scanned, b'\r') {
                Ok(i) if i + 1 < hay.len() => {
                    *scanned = 0;
                    input.rest = &hay[i + 2..];
                    ParseResult::CommitOk(&hay[..i])
                }
                Ok(i) => {
                    *scanned = i;
                    need_more()
                }
                Err(searched) => not_found(hay.len(), searched, scanned, too_big),
            },
            LineKind::Inline => match find_request_end(hay, *scanned, b'\n') {
                Ok(i) => {
                    *scanned = 0;
                    input.rest = &hay[i + 1..];
                    let line = &hay[..i];
                    ParseResult::CommitOk(line.strip_suffix(b"\r").unwrap_or(line))
                }
                Err(searched) => not_found(
                    hay.len(),
                    searched,
                    scanned,
                    &ProtocolError::TooBigInlineRequest,
                ),
            },
            LineKind::Reply => {
                let mut at = (*scanned).min(hay.len());
                while let Some(j) = hay[at..].iter().position(|&b| b == b'\n') {
                    let i = at + j;
                    if i > 0 && hay[i - 1] == b'\r' {
                        *scanned = 0;
                        input.rest = &hay[i + 1..];
                        return ParseResult::CommitOk(&hay[..i - 1]);
                    }
                    at = i + 1;
                }
                // The search is for `\n` and looks back for the `\r`, so a line split between
                // the two still resumes after everything seen.
                *scanned = hay.len();
                need_more()
            }
        }
    }
}

/// Where `stop` is, searching from `from` within the first `MAX_INLINE_LEN + 1` bytes; or how far
/// the search got, stopping at a NUL as Redis's `strchr` does.
#[inline]
fn find_request_end(hay: &[u8], from: usize, stop: u8) -> Result<usize, usize> {
    let window = &hay[..hay.len().min(MAX_INLINE_LEN + 1)];
    let mut i = from;
    while let Some(&b) = window.get(i) {
        if b == stop {
            return Ok(i);
        }
        if b == 0 {
            return Err(i);
        }
        i += 1;
    }
    Err(i.max(window.len()))
}

/// No terminator up to `searched`: an error once more than [`MAX_INLINE_LEN`] bytes are waiting,
/// otherwise wait for more.
fn not_found<'a>(
    available: usize,
    searched: usize,
    scanned: &mut usize,
    too_big: &ProtocolError,
) -> ParseResult<&'a [u8], WireError> {
    if available > MAX_INLINE_LEN {
        *scanned = 0;
        return ParseResult::CommitErr(WireError::from(too_big.clone()));
    }
    *scanned = searched;
    need_more()
}

/// Committed end of input: the caller must keep the bytes and call again, and an enclosing
/// `choice` must not try another branch (the same answer combine's `take_fn` gives).
fn need_more<T>() -> ParseResult<T, WireError> {
    ParseResult::CommitErr(WireError::Eoi)
}

impl<'a> Parser<Wire<'a>> for Line {
    type Output = &'a [u8];
    type PartialState = usize;

    fn parse_first(
        &mut self,
        input: &mut Wire<'a>,
        state: &mut usize,
    ) -> ParseResult<&'a [u8], WireError> {
        *state = 0;
        self.scan(input, state)
    }

    fn parse_partial(
        &mut self,
        input: &mut Wire<'a>,
        state: &mut usize,
    ) -> ParseResult<&'a [u8], WireError> {
        self.scan(input, state)
    }
}

/// Redis's `string2ll`: optional `-`, no `+`, no leading zeros, no spaces, fits in an `i64`.
pub(crate) fn parse_i64(s: &[u8]) -> Option<i64> {
    // LONG_STR_SIZE in Redis: longer strings are rejected before looking at them.
    if s.is_empty() || s.len() >= 21 {
        return None;
    }
    if s == b"0" {
        return Some(0);
    }
    let (negative, digits) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, s),
    };
    match digits.first() {
        Some(b'1'..=b'9') => {}
        _ => return None,
    }
    let mut v: u64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    if negative {
        0i64.checked_sub_unsigned(v)
    } else {
        i64::try_from(v).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use combine::stream::decode;

    #[test]
    fn parse_i64_matches_string2ll() {
        let cases: &[(&[u8], Option<i64>)] = &[
            (b"0", Some(0)),
            (b"1", Some(1)),
            (b"-1", Some(-1)),
            (b"1234567890", Some(1234567890)),
            (b"9223372036854775807", Some(i64::MAX)),
            (b"-9223372036854775808", Some(i64::MIN)),
            (b"9223372036854775808", None),
            (b"-9223372036854775809", None),
            (b"", None),
            (b"-", None),
            (b"-0", None),
            (b"01", None),
            (b"+1", None),
            (b" 1", None),
            (b"1 ", None),
            (b"1x", None),
            (b"00000000000000000000001", None),
        ];
        for (s, want) in cases {
            assert_eq!(parse_i64(s), *want, "{:?}", String::from_utf8_lossy(s));
        }
    }

    /// Feeds `chunks` one after another (growing one buffer) to a fresh line parser.
    fn line_in_chunks(kind: LineKind, chunks: &[&[u8]]) -> Result<Option<Vec<u8>>, WireError> {
        let mut buf = Vec::new();
        let mut state = 0usize;
        let mut committed = 0;
        let mut out = None;
        for chunk in chunks {
            buf.extend_from_slice(chunk);
            let mut input = Wire::new(&buf, committed);
            let (res, n) = decode(line(kind.clone()), &mut input, &mut state)?;
            committed += n;
            if let Some(l) = res {
                out = Some(l.to_vec());
                break;
            }
        }
        Ok(out)
    }

    #[test]
    fn lines() {
        let header = LineKind::Header {
            too_big: ProtocolError::TooBigBulkCount,
        };
        let big = vec![b'1'; MAX_INLINE_LEN + 1];
        let at_limit = vec![b'1'; MAX_INLINE_LEN];
        type Case<'a> = (LineKind, Vec<&'a [u8]>, Result<Option<Vec<u8>>, WireError>);
        let cases: Vec<Case> = vec![
            (header.clone(), vec![b"$3\r\n"], Ok(Some(b"$3".to_vec()))),
            // Redis skips the byte after `\r` whatever it is.
            (header.clone(), vec![b"$3\rX"], Ok(Some(b"$3".to_vec()))),
            (
                header.clone(),
                vec![b"$3", b"\r", b"\n"],
                Ok(Some(b"$3".to_vec())),
            ),
            (header.clone(), vec![b"$3\r"], Ok(None)),
            (header.clone(), vec![b"$\x003\r\n"], Ok(None)),
            (
                header.clone(),
                vec![&at_limit, b"\r\n"],
                Ok(Some(at_limit.clone())),
            ),
            (
                header.clone(),
                vec![&big],
                Err(WireError::from(ProtocolError::TooBigBulkCount)),
            ),
            (
                header.clone(),
                vec![&big, b"\r\n"],
                Err(WireError::from(ProtocolError::TooBigBulkCount)),
            ),
            (
                LineKind::Inline,
                vec![b"PING\r\n"],
                Ok(Some(b"PING".to_vec())),
            ),
            (
                LineKind::Inline,
                vec![b"PING\n"],
                Ok(Some(b"PING".to_vec())),
            ),
            (
                LineKind::Inline,
                vec![b"PI", b"NG\r\r\n"],
                Ok(Some(b"PING\r".to_vec())),
            ),
            (LineKind::Inline, vec![b"\r\n"], Ok(Some(Vec::new()))),
            (LineKind::Inline, vec![b"a\x00b\r\n"], Ok(None)),
            (
                LineKind::Inline,
                vec![&big],
                Err(WireError::from(ProtocolError::TooBigInlineRequest)),
            ),
            (LineKind::Reply, vec![b"+OK\r\n"], Ok(Some(b"+OK".to_vec()))),
            (
                LineKind::Reply,
                vec![b"+O\nK\r", b"\n"],
                Ok(Some(b"+O\nK".to_vec())),
            ),
            (LineKind::Reply, vec![b"+OK\r"], Ok(None)),
        ];
        for (kind, chunks, want) in cases {
            assert_eq!(
                line_in_chunks(kind.clone(), &chunks),
                want,
                "{kind:?} {chunks:?}"
            );
        }
    }
}
