//! zsets commands.

pub static COMMANDS: &[super::CommandSpec] = &[];
