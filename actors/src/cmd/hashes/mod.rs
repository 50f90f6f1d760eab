//! hashes commands.

pub static COMMANDS: &[super::CommandSpec] = &[];
