//! The multibulk request parser: `*<n>\r\n` then `n` times `$<len>\r\n<data>\r\n`, with Redis
//! 7.0's checks, producing where each argument's data lies rather than copies of it.
use super::Limits;
use crate::wire::{line, parse_i64, LineKind, Wire, WireError};
use crate::ProtocolError;
use combine::error::ParseResult;
use combine::stream::{Positioned, RangeStreamOnce};
use combine::Parser;

/// Largest multibulk count Redis 7.0 accepts (`INT_MAX`; 6.x had 1024*1024).
const MAX_MULTIBULK_LEN: i64 = i32::MAX as i64;
/// Largest multibulk count from a client that has not authenticated.
const MAX_UNAUTH_MULTIBULK_LEN: i64 = 10;
/// Largest bulk length from a client that has not authenticated.
const MAX_UNAUTH_BULK_LEN: u64 = 16384;

/// Where one argument's data lies: absolute offset in the buffer, and length.
pub(super) type Span = (usize, usize);

/// One multibulk request, as the spans of its arguments (none for `*0`, `*-1`: Redis skips
/// those).
pub(super) fn multibulk<'a>(
    limits: Limits,
) -> impl Parser<Wire<'a>, Output = Vec<Span>, PartialState = MultibulkState> {
    line(LineKind::Header {
        too_big: ProtocolError::TooBigMultibulkCount,
    })
    .and_then(move |l: &[u8]| multibulk_count(l, limits))
    .then_partial(move |&mut n| Arguments { n, limits })
}

/// The multibulk parser's partial state, spelled out so the decoder holds it unboxed: the count
/// line's scan, the count once known, then the arguments'.
pub(super) type MultibulkState = (usize, Option<(bool, usize)>, ArgumentsState);

/// Hands a finished request's span vector back to the parser state, whose next request then
/// collects into the same allocation.
pub(super) fn recycle(state: &mut MultibulkState, mut spans: Vec<Span>) {
    spans.clear();
    let slot = &mut state.2.spans;
    if slot.capacity() < spans.capacity() {
        *slot = spans;
    }
}

/// Takes the spans allocation the parser state keeps, for [`whole`] to fill.
pub(super) fn spare_spans(state: &mut MultibulkState) -> Vec<Span> {
    std::mem::take(&mut state.2.spans)
}

/// Largest count [`whole`] takes on; larger ones go to the combine parser.
const WHOLE_MAX_COUNT: u64 = 1024 * 1024;

/// The common case in one pass, without combine: a whole request at the front of `buf`
/// (`*<count>` with a positive count, every `$<len>` header, data and terminator present),
/// its numbers written plainly and within the limits. Fills `spans` and returns the request's
/// length. Anything else (a request still arriving, a sign or leading zero, a length Redis
/// refuses, `*0`) is `None` with nothing consumed: the combine parser, which keeps partial
/// state and knows Redis's errors, takes the same bytes from the start. So this only ever
/// agrees with it, faster.
pub(super) fn whole(buf: &[u8], limits: Limits, spans: &mut Vec<Span>) -> Option<usize> {
    spans.clear();
    let (n, mut at) = plain_header(buf, 0, b'*')?;
    let unauth_ok = |v: u64, max: u64| limits.authenticated || v <= max;
    if n == 0 || n > WHOLE_MAX_COUNT || !unauth_ok(n, MAX_UNAUTH_MULTIBULK_LEN as u64) {
        return None;
    }
    for _ in 0..n {
        let (len, data) = plain_header(buf, at, b'$')?;
        if len > limits.max_bulk_len || !unauth_ok(len, MAX_UNAUTH_BULK_LEN) {
            return None;
        }
        // Redis skips the two bytes after the data without looking at them.
        let end = data
            .checked_add(usize::try_from(len).ok()?)?
            .checked_add(2)?;
        if end > buf.len() {
            return None;
        }
        spans.push((data, len as usize));
        at = end;
    }
    Some(at)
}

/// `<prefix><digits>\r` and one more byte (Redis needs it present, not that it is `\n`) at
/// `at`: the number and where the next line starts. Only plain numbers: no sign, no leading
/// zero, at most 18 digits.
#[inline]
fn plain_header(buf: &[u8], at: usize, prefix: u8) -> Option<(u64, usize)> {
    let line = buf.get(at..)?;
    if *line.first()? != prefix {
        return None;
    }
    let mut n: u64 = 0;
    let mut i = 1;
    loop {
        match *line.get(i)? {
            b'\r' if i > 1 => break,
            // A leading zero is only plain as the whole number.
            b'0' if i == 1 && line.get(2) != Some(&b'\r') => return None,
            d @ b'0'..=b'9' if i <= 18 => n = n * 10 + u64::from(d - b'0'),
            _ => return None,
        }
        i += 1;
    }
    if line.len() < i + 2 {
        return None;
    }
    Some((n, at + i + 2))
}

/// Redis's checks on a `*<count>` line, in Redis's order. Counts <= 0 give 0.
fn multibulk_count(line: &[u8], limits: Limits) -> Result<usize, ProtocolError> {
    let n = line
        .get(1..)
        .and_then(parse_i64)
        .filter(|&n| n <= MAX_MULTIBULK_LEN)
        .ok_or(ProtocolError::InvalidMultibulkLength)?;
    if n > MAX_UNAUTH_MULTIBULK_LEN && !limits.authenticated {
        return Err(ProtocolError::UnauthenticatedMultibulkLength);
    }
    Ok(usize::try_from(n).unwrap_or(0))
}

/// Redis's checks on a `$<len>` line, in Redis's order.
fn bulk_len(line: &[u8], limits: Limits) -> Result<usize, ProtocolError> {
    // An empty line means the `\r` came first, and that is the byte Redis reports.
    let first = line.first().copied().unwrap_or(b'\r');
    if first != b'$' {
        return Err(ProtocolError::ExpectedDollar(first));
    }
    let n = line
        .get(1..)
        .and_then(parse_i64)
        .and_then(|n| u64::try_from(n).ok())
        .filter(|&n| n <= limits.max_bulk_len)
        .ok_or(ProtocolError::InvalidBulkLength)?;
    if n > MAX_UNAUTH_BULK_LEN && !limits.authenticated {
        return Err(ProtocolError::UnauthenticatedBulkLength);
    }
    // The data and its two trailing bytes must be addressable; on 64-bit targets they always are.
    usize::try_from(n)
        .ok()
        .filter(|n| n.checked_add(2).is_some())
        .ok_or(ProtocolError::InvalidBulkLength)
}

/// `n` bulk arguments.
///
/// A hand-written combine primitive rather than `count_min_max(n, n, argument)`: the generic
/// repetition's iterator plumbing measured ~15 ns per request on the pipelined-SET benchmark
/// (129 vs 114 ns/command), and this is the server's hot path.
struct Arguments {
    n: usize,
    limits: Limits,
}

/// The spans found so far, then the current argument: its header line's scan and, once the
/// header is read, where its data starts.
#[derive(Default)]
pub(super) struct ArgumentsState {
    spans: Vec<Span>,
    header_scan: usize,
    data: Option<Span>,
}

impl Arguments {
    fn parse<'a>(
        &mut self,
        input: &mut Wire<'a>,
        state: &mut ArgumentsState,
    ) -> ParseResult<Vec<Span>, WireError> {
        while state.spans.len() < self.n {
            let (at, len) = match state.data {
                Some(span) => span,
                None => {
                    let mut header = line(LineKind::Header {
                        too_big: ProtocolError::TooBigBulkCount,
                    });
                    let line = match header.parse_partial(input, &mut state.header_scan) {
                        ParseResult::CommitOk(l) | ParseResult::PeekOk(l) => l,
                        ParseResult::CommitErr(e) => return ParseResult::CommitErr(e),
                        ParseResult::PeekErr(e) => return ParseResult::PeekErr(e),
                    };
                    match bulk_len(line, self.limits) {
                        // The header stays consumed; the data is resumed from here.
                        Ok(len) => *state.data.insert((input.position(), len)),
                        Err(e) => return ParseResult::CommitErr(e.into()),
                    }
                }
            };
            // Redis skips the two bytes after the data without looking at them. Until they are
            // all here nothing is consumed, so the next call finds the data at the same place.
            if let Err(e) = input.uncons_range(len + 2) {
                return ParseResult::CommitErr(e);
            }
            state.data = None;
            state.spans.push((at, len));
        }
        ParseResult::CommitOk(std::mem::take(&mut state.spans))
    }
}

impl<'a> Parser<Wire<'a>> for Arguments {
    type Output = Vec<Span>;
    type PartialState = ArgumentsState;

    fn parse_first(
        &mut self,
        input: &mut Wire<'a>,
        state: &mut ArgumentsState,
    ) -> ParseResult<Vec<Span>, WireError> {
        state.spans.clear();
        state.header_scan = 0;
        state.data = None;
        self.parse(input, state)
    }

    fn parse_partial(
        &mut self,
        input: &mut Wire<'a>,
        state: &mut ArgumentsState,
    ) -> ParseResult<Vec<Span>, WireError> {
        self.parse(input, state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_and_length_checks() {
        let auth = Limits::default();
        let unauth = Limits {
            authenticated: false,
            ..auth
        };
        let small = Limits {
            max_bulk_len: 100,
            ..auth
        };
        type CountCase = (&'static [u8], Limits, Result<usize, ProtocolError>);
        let counts: &[CountCase] = &[
            (b"*3", auth, Ok(3)),
            (b"*0", auth, Ok(0)),
            (b"*-1", auth, Ok(0)),
            (b"*-100", unauth, Ok(0)),
            (b"*2147483647", auth, Ok(2147483647)),
            (
                b"*2147483648",
                auth,
                Err(ProtocolError::InvalidMultibulkLength),
            ),
            (b"*", auth, Err(ProtocolError::InvalidMultibulkLength)),
            (b"*10", unauth, Ok(10)),
            (
                b"*11",
                unauth,
                Err(ProtocolError::UnauthenticatedMultibulkLength),
            ),
            (b"*1x", unauth, Err(ProtocolError::InvalidMultibulkLength)),
        ];
        for (l, limits, want) in counts {
            assert_eq!(
                multibulk_count(l, *limits),
                *want,
                "{:?}",
                String::from_utf8_lossy(l)
            );
        }
        type LenCase = (&'static [u8], Limits, Result<usize, ProtocolError>);
        let lens: &[LenCase] = &[
            (b"$0", auth, Ok(0)),
            (b"$100", small, Ok(100)),
            (b"$101", small, Err(ProtocolError::InvalidBulkLength)),
            (b"$-1", auth, Err(ProtocolError::InvalidBulkLength)),
            (b"$", auth, Err(ProtocolError::InvalidBulkLength)),
            (b"", auth, Err(ProtocolError::ExpectedDollar(b'\r'))),
            (b":3", auth, Err(ProtocolError::ExpectedDollar(b':'))),
            (b"$16384", unauth, Ok(16384)),
            (
                b"$16385",
                unauth,
                Err(ProtocolError::UnauthenticatedBulkLength),
            ),
            (
                b"$101",
                Limits {
                    authenticated: false,
                    ..small
                },
                Err(ProtocolError::InvalidBulkLength),
            ),
        ];
        for (l, limits, want) in lens {
            assert_eq!(
                bulk_len(l, *limits),
                *want,
                "{:?}",
                String::from_utf8_lossy(l)
            );
        }
    }
}
