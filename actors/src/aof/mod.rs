//! The append-only file: Redis 7's multi-part layout (a manifest naming a base and incremental
//! files in `appenddirname`), the writer actor fed by propagated commands, and loading.

pub mod load;
pub mod manifest;
pub mod rewrite;
pub mod writer;
