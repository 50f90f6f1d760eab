//! lists commands.

pub static COMMANDS: &[super::CommandSpec] = &[];
