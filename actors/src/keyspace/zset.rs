//! The sorted set type: `listpack` until `zset-max-listpack-entries` or
//! `zset-max-listpack-value` is passed, then `skiplist`, and never back, as in Redis 7.0.
//! STUB: the sorted-set work replaces the internals; keep the type name and `encoding()`.

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ZSetValue {
    pub entries: Vec<(f64, Vec<u8>)>,
}

impl ZSetValue {
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn encoding(&self) -> &'static str {
        "listpack"
    }
}
