//! Connection commands: they act on the client's session more than on the keyspace.

pub mod ping;

pub static COMMANDS: &[super::CommandSpec] = &[ping::SPEC];
