//! Connection commands: they act on the client's session more than on the keyspace.

pub mod auth;
pub mod client;
pub mod echo;
pub mod hello;
pub mod ping;
pub mod quit;
pub mod reset;
pub mod select;

pub static COMMANDS: &[super::CommandSpec] = &[
    auth::SPEC,
    client::SPEC,
    echo::SPEC,
    hello::SPEC,
    ping::SPEC,
    quit::SPEC,
    reset::SPEC,
    select::SPEC,
];
