//! Keyspace notification classes: Redis's `NOTIFY_*` bits, as `notify-keyspace-events` sets them.

pub const KEYSPACE: u32 = 1 << 0;
pub const KEYEVENT: u32 = 1 << 1;
/// `g`: DEL, EXPIRE, RENAME ...
pub const GENERIC: u32 = 1 << 2;
/// `$`
pub const STRING: u32 = 1 << 3;
/// `l`
pub const LIST: u32 = 1 << 4;
/// `s`
pub const SET: u32 = 1 << 5;
/// `h`
pub const HASH: u32 = 1 << 6;
/// `z`
pub const ZSET: u32 = 1 << 7;
/// `x`
pub const EXPIRED: u32 = 1 << 8;
/// `e`
pub const EVICTED: u32 = 1 << 9;
/// `t`
pub const STREAM: u32 = 1 << 10;
/// `m`
pub const KEY_MISS: u32 = 1 << 11;
/// `n`
pub const NEW: u32 = 1 << 14;
