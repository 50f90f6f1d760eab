//! RESP, the Redis serialization protocol, in versions 2 and 3.
//!
//! This crate knows bytes and frames only: it has no notion of actors, connections or commands.
//! - [`request`]: the server side's streaming decoder for client requests (multibulk and inline).
//! - [`frame`]: RESP values and a streaming decoder for them (the client side: replies, pushes).
//! - [`reply`]: encoding replies straight into a buffer for either protocol version.

pub mod error;
pub mod frame;
pub mod reply;
pub mod request;
#[cfg(test)]
mod test_rng;
mod wire;

pub use error::ProtocolError;
pub use frame::{Frame, FrameDecoder};
pub use reply::{format_double, format_g, ReplyWriter, Resp};
pub use request::{sdssplitargs, RequestDecoder, MAX_INLINE_LEN};
pub use wire::parse_i64;
