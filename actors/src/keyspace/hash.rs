//! The hash type: `listpack` (insertion order) until `hash-max-listpack-entries` or
//! `hash-max-listpack-value` is passed, then `hashtable`, and never back, as in Redis 7.0.
//! STUB: the hash work replaces the internals; keep the type name and `encoding()`.

#[derive(Debug, Clone, PartialEq, Default)]
pub struct HashValue {
    pub fields: Vec<(Vec<u8>, Vec<u8>)>,
}

impl HashValue {
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    pub fn encoding(&self) -> &'static str {
        "listpack"
    }
}
