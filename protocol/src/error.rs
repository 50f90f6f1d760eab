//! Protocol errors.
//!
//! The request-side texts are Redis 7.0's (`networking.c`), byte for byte: a server answers
//! `-ERR <Display>` and closes the connection, exactly as Redis does. The reply-side variants are
//! our own, for clients of ours (replication link, Sentinel, tests).
use std::fmt;

/// Why a byte stream cannot be decoded. After any of these the stream is out of sync: close it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProtocolError {
    /// An inline request with no newline within [`crate::MAX_INLINE_LEN`] bytes.
    TooBigInlineRequest,
    /// A `*<count>` line with no `\r` within [`crate::MAX_INLINE_LEN`] bytes.
    TooBigMultibulkCount,
    /// A `$<len>` line with no `\r` within [`crate::MAX_INLINE_LEN`] bytes.
    TooBigBulkCount,
    /// `*` count that is not a number or above `i32::MAX`.
    InvalidMultibulkLength,
    /// `*` count above 10 from a client that has not authenticated.
    UnauthenticatedMultibulkLength,
    /// A multibulk argument that does not start with `$`; holds the byte found instead.
    ExpectedDollar(u8),
    /// `$` length that is not a number, negative, or above `proto-max-bulk-len`.
    InvalidBulkLength,
    /// `$` length above 16384 from a client that has not authenticated.
    UnauthenticatedBulkLength,
    /// An inline request whose quoting does not close, or a closing quote not followed by a space.
    UnbalancedQuotes,
    /// A reply starting with a byte that is no RESP2/RESP3 type; holds that byte.
    InvalidReplyType(u8),
    /// A reply line that is not the integer its type requires (`:`).
    InvalidInteger,
    /// A `,` reply that is not a double (`inf`, `-inf` and `nan` are accepted).
    InvalidDouble,
    /// A `#` reply other than `t` or `f`.
    InvalidBoolean,
    /// A `_` reply with something between `_` and CRLF.
    InvalidNull,
    /// A `(` reply that is not an optionally signed run of digits.
    InvalidBigNumber,
    /// A `=` reply shorter than 4 bytes or without `:` after its 3-byte format.
    InvalidVerbatim,
    /// An aggregate (`*`, `%`, `~`, `>`, `|`) length that is not a number or negative (other than
    /// the RESP2 null array `*-1`).
    InvalidAggregateLength,
    /// A blob (`$`, `!`, `=`) whose payload is not followed by CRLF.
    MissingCrlf,
    /// Aggregates nested deeper than the decoder's limit.
    NestingTooDeep,
    /// The decoder lost track of the buffer: the caller removed bytes of an unfinished value
    /// (which it must not do). Every rejection of the bytes themselves has its own variant.
    Malformed,
}

impl ProtocolError {
    /// The message exactly as Redis writes it on the wire, after `-ERR `. It differs from
    /// `Display` only for a non-ASCII byte in [`ProtocolError::ExpectedDollar`] or
    /// [`ProtocolError::InvalidReplyType`], which Redis sends raw and `Display` cannot.
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            ProtocolError::ExpectedDollar(b) => {
                let mut v = b"Protocol error: expected '$', got '".to_vec();
                v.push(error_safe(*b));
                v.push(b'\'');
                v
            }
            other => other.to_string().into_bytes(),
        }
    }
}

/// Redis maps CR and LF in error messages to spaces so the error line cannot break framing.
fn error_safe(b: u8) -> u8 {
    if b == b'\r' || b == b'\n' {
        b' '
    } else {
        b
    }
}

/// Shows a byte as itself when printable ASCII, else as `\xHH` (a `str` cannot hold it raw).
fn write_byte(f: &mut fmt::Formatter<'_>, b: u8) -> fmt::Result {
    let b = error_safe(b);
    if b.is_ascii() && !b.is_ascii_control() {
        write!(f, "{}", b as char)
    } else {
        write!(f, "\\x{b:02x}")
    }
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            ProtocolError::TooBigInlineRequest => "Protocol error: too big inline request",
            ProtocolError::TooBigMultibulkCount => "Protocol error: too big mbulk count string",
            ProtocolError::TooBigBulkCount => "Protocol error: too big bulk count string",
            ProtocolError::InvalidMultibulkLength => "Protocol error: invalid multibulk length",
            ProtocolError::UnauthenticatedMultibulkLength => {
                "Protocol error: unauthenticated multibulk length"
            }
            ProtocolError::ExpectedDollar(b) => {
                f.write_str("Protocol error: expected '$', got '")?;
                write_byte(f, *b)?;
                return f.write_str("'");
            }
            ProtocolError::InvalidBulkLength => "Protocol error: invalid bulk length",
            ProtocolError::UnauthenticatedBulkLength => {
                "Protocol error: unauthenticated bulk length"
            }
            ProtocolError::UnbalancedQuotes => "Protocol error: unbalanced quotes in request",
            ProtocolError::InvalidReplyType(b) => {
                f.write_str("Protocol error: invalid reply type byte '")?;
                write_byte(f, *b)?;
                return f.write_str("'");
            }
            ProtocolError::InvalidInteger => "Protocol error: invalid integer",
            ProtocolError::InvalidDouble => "Protocol error: invalid double",
            ProtocolError::InvalidBoolean => "Protocol error: invalid boolean",
            ProtocolError::InvalidNull => "Protocol error: invalid null",
            ProtocolError::InvalidBigNumber => "Protocol error: invalid big number",
            ProtocolError::InvalidVerbatim => "Protocol error: invalid verbatim string",
            ProtocolError::InvalidAggregateLength => "Protocol error: invalid aggregate length",
            ProtocolError::MissingCrlf => "Protocol error: expected CRLF after blob data",
            ProtocolError::NestingTooDeep => "Protocol error: aggregates nested too deep",
            ProtocolError::Malformed => "Protocol error: malformed input",
        };
        f.write_str(text)
    }
}

impl std::error::Error for ProtocolError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_and_wire_bytes() {
        let cases: &[(ProtocolError, &str, &[u8])] = &[
            (
                ProtocolError::ExpectedDollar(b'x'),
                "Protocol error: expected '$', got 'x'",
                b"Protocol error: expected '$', got 'x'",
            ),
            // Redis replaces CR/LF by spaces (checked against redis-server 7.0.15).
            (
                ProtocolError::ExpectedDollar(b'\r'),
                "Protocol error: expected '$', got ' '",
                b"Protocol error: expected '$', got ' '",
            ),
            (
                ProtocolError::ExpectedDollar(b'\n'),
                "Protocol error: expected '$', got ' '",
                b"Protocol error: expected '$', got ' '",
            ),
            // Redis sends the raw byte; Display escapes it.
            (
                ProtocolError::ExpectedDollar(0xff),
                "Protocol error: expected '$', got '\\xff'",
                b"Protocol error: expected '$', got '\xff'",
            ),
            (
                ProtocolError::InvalidReplyType(b'@'),
                "Protocol error: invalid reply type byte '@'",
                b"Protocol error: invalid reply type byte '@'",
            ),
            (
                ProtocolError::TooBigInlineRequest,
                "Protocol error: too big inline request",
                b"Protocol error: too big inline request",
            ),
        ];
        for (err, display, wire) in cases {
            assert_eq!(err.to_string(), *display, "{err:?}");
            assert_eq!(err.to_bytes(), wire.to_vec(), "{err:?}");
        }
    }
}
