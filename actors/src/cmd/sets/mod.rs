//! sets commands.

pub static COMMANDS: &[super::CommandSpec] = &[];
