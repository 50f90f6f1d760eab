//! Sentinel's actors (the decisions they act on are pure code in [`crate::sentinel`]).
//!
//! - [`link`]: one connection to a monitored instance (or another Sentinel): the command link
//!   that sends PING, INFO, PUBLISH and the failover's commands, or the pub/sub link that
//!   listens on `__sentinel__:hello`.

pub mod link;
