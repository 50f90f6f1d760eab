//! The combine grammar of RESP2/RESP3 values.
//!
//! A value is its type byte, then a parser chosen by that byte (`dispatch!`). Aggregates repeat
//! [`FrameParser`], a named parser whose partial state is boxed (`any_send_sync_partial_state`):
//! naming it breaks the recursive type, and it carries the nesting depth so that input nested
//! deeper than the limit is an error instead of unbounded recursion.
use super::{Frame, FrameLimits};
use crate::wire::{line, parse_i64, LineKind, Wire, WireError};
use crate::ProtocolError;
use bytes::Bytes;
use combine::error::ParseResult;
use combine::parser::combinator::{any_send_sync_partial_state, AnySendSyncPartialState};
use combine::parser::range::take;
use combine::parser::repeat::count_min_max;
use combine::parser::token::value;
use combine::{any, dispatch, Parser};

/// One value at a given nesting depth.
#[derive(Clone, Copy, Debug)]
pub(super) struct FrameParser {
    depth: usize,
    limits: FrameLimits,
}

impl FrameParser {
    pub(super) fn new(limits: FrameLimits) -> Self {
        FrameParser { depth: 0, limits }
    }

    fn nested(self) -> Self {
        FrameParser {
            depth: self.depth + 1,
            ..self
        }
    }
}

impl<'a> Parser<Wire<'a>> for FrameParser {
    type Output = Frame;
    type PartialState = AnySendSyncPartialState;

    fn parse_first(
        &mut self,
        input: &mut Wire<'a>,
        state: &mut AnySendSyncPartialState,
    ) -> ParseResult<Frame, WireError> {
        value_of(*self).parse_first(input, state)
    }

    fn parse_partial(
        &mut self,
        input: &mut Wire<'a>,
        state: &mut AnySendSyncPartialState,
    ) -> ParseResult<Frame, WireError> {
        value_of(*self).parse_partial(input, state)
    }
}

/// Sub-parsers are closures in here rather than functions returning `impl Parser`: an opaque
/// return type hides its partial state's auto traits, which the boxed state needs.
fn value_of<'a>(
    p: FrameParser,
) -> impl Parser<Wire<'a>, Output = Frame, PartialState = AnySendSyncPartialState> {
    let text = || line(LineKind::Reply);
    let copy = |l: &[u8]| Bytes::copy_from_slice(l);
    // `$`, `!`, `=`: a length line, then that many bytes and CRLF; `None` for `$-1`.
    let blob = move |null_ok: bool| {
        text()
            .and_then(move |l: &[u8]| blob_len(l, p.limits, null_ok))
            .then_partial(|&mut len| {
                take(len.map_or(0, |n| n + 2)).and_then(move |d: &[u8]| match len {
                    None => Ok(None),
                    Some(n) if &d[n..] == b"\r\n" => Ok(Some(Bytes::copy_from_slice(&d[..n]))),
                    Some(_) => Err(ProtocolError::MissingCrlf),
                })
            })
    };
    // `*`, `~`, `>`: a count line, then that many values one level deeper; `None` for `*-1`.
    let items = move |null_ok: bool| {
        text()
            .and_then(move |l: &[u8]| aggregate_len(l, p, null_ok))
            .then_partial(move |&mut n| {
                let count = n.unwrap_or(0);
                count_min_max::<Vec<Frame>, _, _>(count, count, p.nested())
                    .map(move |v| n.map(|_| v))
            })
    };
    // `%`, `|`: a count line, then that many key/value pairs one level deeper.
    let pairs = move || {
        text()
            .and_then(move |l: &[u8]| aggregate_len(l, p, false))
            .then_partial(move |&mut n| {
                let count = n.unwrap_or(0);
                count_min_max::<Vec<(Frame, Frame)>, _, _>(count, count, (p.nested(), p.nested()))
            })
    };
    any_send_sync_partial_state(any().then_partial(move |&mut kind| {
        dispatch!(kind;
            b'+' => text().map(move |l| Frame::Simple(copy(l))),
            b'-' => text().map(move |l| Frame::Error(copy(l))),
            b':' => text().and_then(|l: &[u8]| {
                parse_i64(l).map(Frame::Integer).ok_or(ProtocolError::InvalidInteger)
            }),
            b'_' => text().and_then(|l: &[u8]| {
                if l.is_empty() { Ok(Frame::Null) } else { Err(ProtocolError::InvalidNull) }
            }),
            b',' => text().and_then(|l: &[u8]| parse_double(l).map(Frame::Double)),
            b'#' => text().and_then(|l: &[u8]| match l {
                b"t" => Ok(Frame::Boolean(true)),
                b"f" => Ok(Frame::Boolean(false)),
                _ => Err(ProtocolError::InvalidBoolean),
            }),
            b'(' => text().and_then(move |l: &[u8]| {
                if is_big_number(l) { Ok(Frame::BigNumber(copy(l))) }
                else { Err(ProtocolError::InvalidBigNumber) }
            }),
            b'$' => blob(true).map(|d| d.map_or(Frame::NullBulk, Frame::Bulk)),
            b'!' => blob(false).map(|d| Frame::BlobError(d.unwrap_or_default())),
            b'=' => blob(false).and_then(|d| verbatim(d.unwrap_or_default())),
            b'*' => items(true).map(|v| v.map_or(Frame::NullArray, Frame::Array)),
            b'~' => items(false).map(|v| Frame::Set(v.unwrap_or_default())),
            b'>' => items(false).map(|v| Frame::Push(v.unwrap_or_default())),
            b'%' => pairs().map(Frame::Map),
            b'|' => (pairs(), p.nested())
                .map(|(attrs, value)| Frame::Attribute(attrs, Box::new(value))),
            other => value(()).and_then(move |()| {
                Err::<Frame, _>(ProtocolError::InvalidReplyType(other))
            })
        )
    }))
}

/// A blob's length line: `-1` (only where a null is allowed) or a length within the limit.
fn blob_len(l: &[u8], limits: FrameLimits, null_ok: bool) -> Result<Option<usize>, ProtocolError> {
    match parse_i64(l) {
        Some(-1) if null_ok => Ok(None),
        Some(n) => usize::try_from(n)
            .ok()
            .filter(|&n| n <= limits.max_blob_len && n.checked_add(2).is_some())
            .map(Some)
            .ok_or(ProtocolError::InvalidBulkLength),
        None => Err(ProtocolError::InvalidBulkLength),
    }
}

/// An aggregate's count line, refused when it would nest too deep.
fn aggregate_len(l: &[u8], p: FrameParser, null_ok: bool) -> Result<Option<usize>, ProtocolError> {
    if p.depth >= p.limits.max_depth {
        return Err(ProtocolError::NestingTooDeep);
    }
    match parse_i64(l) {
        Some(-1) if null_ok => Ok(None),
        Some(n) => usize::try_from(n)
            .map(Some)
            .map_err(|_| ProtocolError::InvalidAggregateLength),
        None => Err(ProtocolError::InvalidAggregateLength),
    }
}

/// RESP3 doubles: `inf`, `-inf`, `nan`, or a decimal number.
fn parse_double(l: &[u8]) -> Result<f64, ProtocolError> {
    match l {
        b"inf" => Ok(f64::INFINITY),
        b"-inf" => Ok(f64::NEG_INFINITY),
        b"nan" => Ok(f64::NAN),
        _ => std::str::from_utf8(l)
            .ok()
            .and_then(|s| s.parse::<f64>().ok())
            .ok_or(ProtocolError::InvalidDouble),
    }
}

/// An optionally signed run of digits.
fn is_big_number(l: &[u8]) -> bool {
    let digits = l
        .strip_prefix(b"-")
        .or_else(|| l.strip_prefix(b"+"))
        .unwrap_or(l);
    !digits.is_empty() && digits.iter().all(u8::is_ascii_digit)
}

/// `fmt:text`, the format being exactly 3 bytes.
fn verbatim(data: Bytes) -> Result<Frame, ProtocolError> {
    if data.len() < 4 || data[3] != b':' {
        return Err(ProtocolError::InvalidVerbatim);
    }
    Ok(Frame::Verbatim(data.slice(..3), data.slice(4..)))
}
