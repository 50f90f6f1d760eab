//! Command flags, as COMMAND INFO names them.

pub const WRITE: u32 = 1 << 0;
pub const READONLY: u32 = 1 << 1;
pub const DENYOOM: u32 = 1 << 2;
pub const ADMIN: u32 = 1 << 3;
pub const PUBSUB: u32 = 1 << 4;
pub const NOSCRIPT: u32 = 1 << 5;
pub const BLOCKING: u32 = 1 << 6;
pub const LOADING: u32 = 1 << 7;
pub const STALE: u32 = 1 << 8;
pub const SKIP_MONITOR: u32 = 1 << 9;
pub const SKIP_SLOWLOG: u32 = 1 << 10;
pub const FAST: u32 = 1 << 11;
pub const NO_AUTH: u32 = 1 << 12;
pub const MAY_REPLICATE: u32 = 1 << 13;
pub const NO_MULTI: u32 = 1 << 14;
pub const ALLOW_BUSY: u32 = 1 << 15;
pub const SENTINEL: u32 = 1 << 16;
pub const ONLY_SENTINEL: u32 = 1 << 17;
/// Runs at once inside MULTI instead of being queued (EXEC, DISCARD, MULTI, WATCH, QUIT, RESET).
/// Not a Redis flag name; never listed by COMMAND INFO.
pub const TRANSACTION_CONTROL: u32 = 1 << 24;
/// Allowed to a RESP2 client with subscriptions (SUBSCRIBE ..., PING, QUIT, RESET).
/// Not a Redis flag name; never listed by COMMAND INFO.
pub const PUBSUB_CONTEXT: u32 = 1 << 25;
/// Refused unless `enable-debug-command` allows it (Redis's `CMD_PROTECTED`, which 7.0's
/// COMMAND INFO does not list): checked with the other refusals, so it counts as rejected.
pub const PROTECTED: u32 = 1 << 26;

/// Flag names in the order COMMAND INFO lists them.
pub const NAMES: &[(u32, &str)] = &[
    (WRITE, "write"),
    (READONLY, "readonly"),
    (DENYOOM, "denyoom"),
    (ADMIN, "admin"),
    (PUBSUB, "pubsub"),
    (NOSCRIPT, "noscript"),
    (BLOCKING, "blocking"),
    (LOADING, "loading"),
    (STALE, "stale"),
    (SKIP_MONITOR, "skip_monitor"),
    (SKIP_SLOWLOG, "skip_slowlog"),
    (FAST, "fast"),
    (NO_AUTH, "no_auth"),
    (MAY_REPLICATE, "may_replicate"),
    (NO_MULTI, "no_multi"),
    (ALLOW_BUSY, "allow_busy"),
    (SENTINEL, "sentinel"),
    (ONLY_SENTINEL, "only_sentinel"),
];
