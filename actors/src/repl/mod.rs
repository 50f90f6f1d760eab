//! Replication: the backlog and the stream on a master, the link to the master on a replica.

pub mod backlog;
pub mod handshake;
pub mod master_link;
pub mod replica;
pub mod status;
pub mod stream;

#[cfg(test)]
mod tests;
