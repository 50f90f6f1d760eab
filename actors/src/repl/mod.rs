//! Replication: the backlog and the stream on a master, the link to the master on a replica.

pub mod backlog;
pub mod handshake;
