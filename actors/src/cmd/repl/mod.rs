//! Replication commands: what replicas send their master (REPLCONF, PSYNC, SYNC) and what
//! operators run (REPLICAOF, SLAVEOF, WAIT).

pub mod failover;
pub mod psync;
pub mod replconf;
pub mod replicaof;
pub mod wait;

pub static COMMANDS: &[super::CommandSpec] = &[
    failover::SPEC,
    psync::PSYNC,
    psync::SYNC,
    replconf::SPEC,
    replicaof::REPLICAOF,
    replicaof::SLAVEOF,
    wait::SPEC,
];
