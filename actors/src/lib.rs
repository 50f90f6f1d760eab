//! Redactor's actors and the typed messages they exchange.
//!
//! - [`listener`]: one actor per bound address; accepts sockets and starts connections.
//! - [`connection`]: one actor per client; decodes requests, batches them to the keyspace.
//! - [`keyspace`]: owns the databases and runs commands.
//!
//! Every actor counts its mailbox in [`metrics`]; shared registries live in [`server`].

pub mod aof;
pub mod clients;
pub mod clock;
pub mod cmd;
pub mod cmdstats;
pub mod config;
pub mod connection;
pub mod keyspace;
pub mod listener;
pub mod metrics;
pub mod monitor;
pub mod notify;
pub mod outbox;
pub mod persistence;
pub mod prometheus;
pub mod pubsub;
pub mod rdb;
pub mod repl;
pub mod saver;
pub mod sentinel;
pub mod server;
pub mod session;
pub mod stats;
pub mod trace;
