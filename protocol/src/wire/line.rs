//! The line primitive both decoders share, and Redis's integer parsing.
use super::{Wire, WireError};
use crate::{ProtocolError, MAX_INLINE_LEN};
use combine::error::ParseResult;
use combine::Parser;

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
/// The one integer syntax of the protocol, commands and config files alike.
pub fn parse_i64(s: &[u8]) -> Option<i64> {
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
