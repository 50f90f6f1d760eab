//! The list type. Redis 7.0 always reports lists as `quicklist`.
//! STUB: the list work replaces the internals; keep the type name and `encoding()`.

use std::collections::VecDeque;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ListValue {
    pub items: VecDeque<Vec<u8>>,
}

impl ListValue {
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn encoding(&self) -> &'static str {
        "quicklist"
    }
}
