//! Pub/sub commands. Subscriptions live in the session (what this client listens to) and in
//! the server's registry (who listens to a channel); messages go straight to the subscribers'
//! connection actors.

pub mod introspect;
pub mod publish;
pub mod subscribe;

use crate::cmd::Exec;
use crate::pubsub::Subscriber;

pub static COMMANDS: &[super::CommandSpec] = &[
    publish::SPEC,
    publish::SPUBLISH,
    introspect::SPEC,
    subscribe::SUBSCRIBE,
    subscribe::UNSUBSCRIBE,
    subscribe::PSUBSCRIBE,
    subscribe::PUNSUBSCRIBE,
    subscribe::SSUBSCRIBE,
    subscribe::SUNSUBSCRIBE,
];

/// This client as a subscriber, if it is a network client.
pub fn me(ex: &Exec) -> Option<Subscriber> {
    ex.session.handle.as_ref().map(|h| Subscriber {
        resp: ex.session.resp,
        deliver: h.deliver.clone(),
    })
}
