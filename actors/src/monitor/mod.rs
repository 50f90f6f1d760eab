//! Sentinel's actors (the decisions they act on are pure code in [`crate::sentinel`]).
//!
//! - [`link`]: one connection to a monitored instance (or another Sentinel): the command link
//!   that sends PING, INFO, PUBLISH and the failover's commands, or the pub/sub link that
//!   listens on `__sentinel__:hello`.
//! - [`master`]: one monitored master, its replicas and peers: the timer, SDOWN/ODOWN, votes
//!   and the failover.
//! - [`sentinel`]: the Sentinel clients talk to; [`commands`] its SENTINEL subcommands,
//!   [`scripts`] the notification and reconfiguration scripts.
//! - [`shared`]: what they share: id, epoch, TILT, the masters' latest views.

pub mod commands;
pub mod link;
pub mod master;
pub mod scripts;
pub mod sentinel;
pub mod shared;

pub use commands::{SIMFAILURE_CRASH_AFTER_ELECTION, SIMFAILURE_CRASH_AFTER_PROMOTION};
