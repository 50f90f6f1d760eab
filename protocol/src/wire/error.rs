//! `WireError`: combine's error type for [`super::Wire`], able to carry a [`ProtocolError`].
use crate::ProtocolError;
use combine::error::{ErrorInfo, ParseError, StreamError, Tracked};
use std::fmt;

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
