//! Generic key commands.

pub static COMMANDS: &[super::CommandSpec] = &[];
