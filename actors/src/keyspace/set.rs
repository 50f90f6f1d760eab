//! The set type: `intset` (sorted integers) while every member is an integer and there are at
//! most `set-max-intset-entries`, then `hashtable`, and never back, as in Redis 7.0.
//! STUB: the set work replaces the internals; keep the type name and `encoding()`.

#[derive(Debug, Clone, PartialEq, Default)]
pub struct SetValue {
    pub members: Vec<Vec<u8>>,
}

impl SetValue {
    pub fn len(&self) -> usize {
        self.members.len()
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    pub fn encoding(&self) -> &'static str {
        "hashtable"
    }
}
