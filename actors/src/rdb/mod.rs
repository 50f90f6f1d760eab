//! The RDB file format, version 10, as Redis 7.0 writes and loads it: [`write_rdb`] saves
//! databases, [`read_rdb`] loads a file Redis 7.0 (or an older Redis) saved.
//!
//! Layout: the magic `REDIS0010`, auxiliary fields, then per database a SELECTDB and RESIZEDB
//! header and its keys (each optionally preceded by an expiry), EOF, and a CRC-64 of all of it.

pub mod crc64;
pub mod encoding;
pub mod lzf;
pub mod read;
pub mod write;

#[cfg(test)]
mod fuzz;
#[cfg(test)]
mod tests;

pub use read::{read_rdb, read_rdb_with, LoadOptions, Loaded, RdbError};
pub use write::{write_rdb, RdbOptions};

/// The version Redis 7.0 writes, and the newest it loads.
pub const RDB_VERSION: u32 = 10;

pub(crate) mod kind {
    //! Value types and opcodes (`rdb.h`): one byte before each key or header.
    pub const STRING: u8 = 0;
    pub const LIST: u8 = 1;
    pub const SET: u8 = 2;
    pub const ZSET: u8 = 3;
    pub const HASH: u8 = 4;
    pub const ZSET_2: u8 = 5;
    pub const MODULE: u8 = 6;
    pub const MODULE_2: u8 = 7;
    pub const HASH_ZIPMAP: u8 = 9;
    pub const LIST_ZIPLIST: u8 = 10;
    pub const SET_INTSET: u8 = 11;
    pub const ZSET_ZIPLIST: u8 = 12;
    pub const HASH_ZIPLIST: u8 = 13;
    pub const LIST_QUICKLIST: u8 = 14;
    pub const STREAM_LISTPACKS: u8 = 15;
    pub const HASH_LISTPACK: u8 = 16;
    pub const ZSET_LISTPACK: u8 = 17;
    pub const LIST_QUICKLIST_2: u8 = 18;
    pub const STREAM_LISTPACKS_2: u8 = 19;

    pub const OP_FUNCTION2: u8 = 245;
    pub const OP_FUNCTION: u8 = 246;
    pub const OP_MODULE_AUX: u8 = 247;
    pub const OP_IDLE: u8 = 248;
    pub const OP_FREQ: u8 = 249;
    pub const OP_AUX: u8 = 250;
    pub const OP_RESIZEDB: u8 = 251;
    pub const OP_EXPIRETIME_MS: u8 = 252;
    pub const OP_EXPIRETIME: u8 = 253;
    pub const OP_SELECTDB: u8 = 254;
    pub const OP_EOF: u8 = 255;

    /// Special string encodings, flagged by the top two length bits being 11.
    pub const ENC_INT8: u8 = 0;
    pub const ENC_INT16: u8 = 1;
    pub const ENC_INT32: u8 = 2;
    pub const ENC_LZF: u8 = 3;

    /// Quicklist 2 node containers.
    pub const NODE_PLAIN: u64 = 1;
    pub const NODE_PACKED: u64 = 2;
}
