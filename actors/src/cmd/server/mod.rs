//! Server commands.

pub mod bgrewriteaof;
pub mod bgsave;
pub mod command;
pub mod config;
pub mod db;
pub mod debug;
pub mod info;
pub mod keyspecs;
pub mod latency;
pub mod mailbox;
pub mod meta;
pub mod misc;
pub mod monitor;
pub mod save;
pub mod shutdown;
pub mod slowlog;

pub static COMMANDS: &[super::CommandSpec] = &[
    bgrewriteaof::SPEC,
    bgsave::SPEC,
    command::SPEC,
    config::SPEC,
    db::DBSIZE,
    debug::SPEC,
    db::FLUSHALL,
    db::FLUSHDB,
    db::SWAPDB,
    info::SPEC,
    latency::SPEC,
    mailbox::SPEC,
    misc::LASTSAVE,
    monitor::SPEC,
    misc::ROLE,
    misc::TIME,
    save::SPEC,
    shutdown::SPEC,
    slowlog::SPEC,
];
