//! The list type: a double-ended queue of binary-safe elements.
//!
//! Redis 7.0 always reports lists as `quicklist`, whatever their size, so there is no encoding
//! to track. Pushing and popping at either end are O(1); positional operations are O(n), as in
//! Redis. Elements up to [`INLINE`] bytes live inside the queue's slot, so the short values
//! lists usually hold (ids, small integers, job names) cost no allocation of their own.

use std::collections::VecDeque;
use std::fmt;
use std::ops::Deref;

/// Longest element stored without a heap allocation; chosen so an element is as big as a
/// `Vec<u8>` (24 bytes).
pub const INLINE: usize = 22;

/// Which end of a list: Redis's `LIST_HEAD` (LEFT) and `LIST_TAIL` (RIGHT).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    Head,
    Tail,
}

/// One list element.
#[derive(Clone)]
pub enum Elem {
    Inline { len: u8, buf: [u8; INLINE] },
    Heap(Box<[u8]>),
}

impl Elem {
    pub fn new(data: &[u8]) -> Self {
        if data.len() <= INLINE {
            let mut buf = [0u8; INLINE];
            buf[..data.len()].copy_from_slice(data);
            Elem::Inline {
                len: data.len() as u8,
                buf,
            }
        } else {
            Elem::Heap(data.into())
        }
    }

    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Elem::Inline { len, buf } => &buf[..*len as usize],
            Elem::Heap(b) => b,
        }
    }
}

impl Deref for Elem {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl PartialEq for Elem {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl fmt::Debug for Elem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(self.as_bytes()))
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ListValue {
    items: VecDeque<Elem>,
}

impl ListValue {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn encoding(&self) -> &'static str {
        "quicklist"
    }

    pub fn push(&mut self, end: End, value: &[u8]) {
        let e = Elem::new(value);
        match end {
            End::Head => self.items.push_front(e),
            End::Tail => self.items.push_back(e),
        }
    }

    pub fn pop(&mut self, end: End) -> Option<Elem> {
        let e = match end {
            End::Head => self.items.pop_front(),
            End::Tail => self.items.pop_back(),
        };
        self.shrink();
        e
    }

    /// The element at `index` counted from the head (0) or, when negative, from the tail (-1).
    pub fn get(&self, index: i64) -> Option<&[u8]> {
        self.resolve(index).map(|i| self.items[i].as_bytes())
    }

    /// Replaces the element at `index` (negative counts from the tail); false when out of range.
    pub fn set(&mut self, index: i64, value: &[u8]) -> bool {
        match self.resolve(index) {
            Some(i) => {
                self.items[i] = Elem::new(value);
                true
            }
            None => false,
        }
    }

    fn resolve(&self, index: i64) -> Option<usize> {
        let len = self.items.len() as u64;
        let i = if index < 0 {
            len.checked_sub(index.unsigned_abs())?
        } else {
            index as u64
        };
        (i < len).then_some(i as usize)
    }

    /// Elements from head to tail.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &[u8]> + ExactSizeIterator {
        self.items.iter().map(|e| e.as_bytes())
    }

    /// Elements `start..=end` (valid, in-range indexes), head to tail.
    pub fn range(
        &self,
        start: usize,
        end: usize,
    ) -> impl DoubleEndedIterator<Item = &[u8]> + ExactSizeIterator {
        self.items.range(start..=end).map(|e| e.as_bytes())
    }

    /// Inserts `value` so that it ends up at `index` (0..=len).
    pub fn insert(&mut self, index: usize, value: &[u8]) {
        self.items.insert(index, Elem::new(value));
    }

    /// Removes elements equal to `value`, at most `limit` of them (0: all), scanning from
    /// `from`. Returns how many went.
    pub fn remove_matching(&mut self, value: &[u8], limit: usize, from: End) -> usize {
        let limit = if limit == 0 { usize::MAX } else { limit };
        let mut removed = 0;
        // `retain` walks head to tail; from the tail, the matches to keep are the first ones.
        let mut keep_first = match from {
            End::Head => 0,
            End::Tail => {
                let total = self.items.iter().filter(|e| e.as_bytes() == value).count();
                total.saturating_sub(limit)
            }
        };
        self.items.retain(|e| {
            if removed == limit || e.as_bytes() != value {
                return true;
            }
            if keep_first > 0 {
                keep_first -= 1;
                return true;
            }
            removed += 1;
            false
        });
        self.shrink();
        removed
    }

    /// Drops `head` elements from the head and `tail` from the tail (clamped to the length).
    pub fn trim(&mut self, head: usize, tail: usize) {
        let head = head.min(self.items.len());
        self.items.drain(..head);
        let keep = self.items.len().saturating_sub(tail);
        self.items.truncate(keep);
        self.shrink();
    }

    /// Gives memory back after a list that was large has mostly been drained, as a quicklist
    /// frees its nodes; the slack left over keeps push/pop cycles from reallocating.
    fn shrink(&mut self) {
        let cap = self.items.capacity();
        if cap > 64 && self.items.len() < cap / 4 {
            self.items.shrink_to(self.items.len() * 2);
        }
    }
}

impl<'a> FromIterator<&'a [u8]> for ListValue {
    fn from_iter<I: IntoIterator<Item = &'a [u8]>>(iter: I) -> Self {
        ListValue {
            items: iter.into_iter().map(Elem::new).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(items: &[&str]) -> ListValue {
        items.iter().map(|s| s.as_bytes()).collect()
    }

    fn contents(l: &ListValue) -> Vec<String> {
        l.iter()
            .map(|e| String::from_utf8_lossy(e).into_owned())
            .collect()
    }

    #[test]
    fn elements_stay_small_and_binary_safe() {
        assert_eq!(std::mem::size_of::<Elem>(), 24);
        for len in [0, 1, INLINE, INLINE + 1, 1000] {
            let data: Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
            let e = Elem::new(&data);
            assert_eq!(e.as_bytes(), &data[..]);
            assert_eq!(matches!(e, Elem::Inline { .. }), len <= INLINE);
        }
    }

    #[test]
    fn push_pop_both_ends() {
        let mut l = ListValue::new();
        l.push(End::Tail, b"b");
        l.push(End::Head, b"a");
        l.push(End::Tail, &[b'x'; 40]);
        assert_eq!(l.len(), 3);
        assert_eq!(l.pop(End::Tail).unwrap().len(), 40);
        assert_eq!(l.pop(End::Head).unwrap().as_bytes(), b"a");
        assert_eq!(contents(&l), ["b"]);
        assert_eq!(l.encoding(), "quicklist");
    }

    #[test]
    fn indexes_from_both_ends() {
        let mut l = list(&["a", "b", "c"]);
        let table: &[(i64, Option<&[u8]>)] = &[
            (0, Some(b"a")),
            (2, Some(b"c")),
            (3, None),
            (-1, Some(b"c")),
            (-3, Some(b"a")),
            (-4, None),
            (i64::MIN, None),
            (i64::MAX, None),
        ];
        for (i, want) in table {
            assert_eq!(l.get(*i), *want, "index {i}");
        }
        assert!(l.set(-2, b"B"));
        assert!(!l.set(3, b"z"));
        assert_eq!(contents(&l), ["a", "B", "c"]);
    }

    #[test]
    fn remove_matching_respects_direction_and_limit() {
        let table: &[(usize, End, usize, &[&str])] = &[
            (0, End::Head, 3, &["b", "c"]),
            (1, End::Head, 1, &["b", "a", "c", "a"]),
            (2, End::Tail, 2, &["a", "b", "c"]),
            (1, End::Tail, 1, &["a", "b", "a", "c"]),
            (9, End::Tail, 3, &["b", "c"]),
        ];
        for (limit, from, n, want) in table {
            let mut l = list(&["a", "b", "a", "c", "a"]);
            assert_eq!(l.remove_matching(b"a", *limit, *from), *n);
            assert_eq!(contents(&l), *want, "{limit} {from:?}");
        }
    }

    #[test]
    fn trim_and_insert() {
        let mut l = list(&["a", "b", "c", "d"]);
        l.trim(1, 1);
        assert_eq!(contents(&l), ["b", "c"]);
        l.insert(1, b"x");
        l.insert(3, b"y");
        assert_eq!(contents(&l), ["b", "x", "c", "y"]);
        l.trim(10, 10);
        assert!(l.is_empty());
    }

    #[test]
    fn drained_lists_give_memory_back() {
        let mut l = ListValue::new();
        for i in 0..10_000u32 {
            l.push(End::Tail, &i.to_be_bytes());
        }
        while l.len() > 10 {
            l.pop(End::Head);
        }
        assert!(l.items.capacity() < 1000);
        assert_eq!(l.get(0), Some(&9990u32.to_be_bytes()[..]));
    }
}
