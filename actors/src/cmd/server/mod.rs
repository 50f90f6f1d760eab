//! Server commands.

pub mod shutdown;

pub static COMMANDS: &[super::CommandSpec] = &[shutdown::SPEC];
