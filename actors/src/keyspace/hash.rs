//! The hash type: `listpack` (insertion order) until `hash-max-listpack-entries` or
//! `hash-max-listpack-value` is passed, then `hashtable`, and never back, as in Redis 7.0.
//!
//! The listpack order is visible (HGETALL, HKEYS, HVALS, HSCAN list it), so it is kept
//! exactly: new fields go to the end, updates stay in place, deletions close the gap. The
//! hashtable is an insertion-ordered map: Redis's dict order is unpredictable anyway, and
//! indexed storage gives HRANDFIELD its uniform O(1) pick.

use indexmap::IndexMap;

#[derive(Debug, Clone, PartialEq)]
pub enum HashValue {
    Listpack(Vec<(Vec<u8>, Vec<u8>)>),
    Table(IndexMap<Vec<u8>, Vec<u8>>),
}

impl Default for HashValue {
    fn default() -> Self {
        HashValue::Listpack(Vec::new())
    }
}

/// `hash-max-listpack-entries` and `hash-max-listpack-value`, read once per command.
#[derive(Debug, Clone, Copy)]
pub struct HashLimits {
    pub entries: u64,
    pub value: u64,
}

impl HashValue {
    pub fn len(&self) -> usize {
        match self {
            HashValue::Listpack(v) => v.len(),
            HashValue::Table(t) => t.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn encoding(&self) -> &'static str {
        match self {
            HashValue::Listpack(_) => "listpack",
            HashValue::Table(_) => "hashtable",
        }
    }

    pub fn get(&self, field: &[u8]) -> Option<&[u8]> {
        match self {
            HashValue::Listpack(v) => v.iter().find(|(f, _)| f == field).map(|(_, v)| &v[..]),
            HashValue::Table(t) => t.get(field).map(|v| &v[..]),
        }
    }

    pub fn contains(&self, field: &[u8]) -> bool {
        self.get(field).is_some()
    }

    /// Redis's `hashTypeSet`: stores `value` under `field`, returns true when the field
    /// already existed. A field or value too long for a listpack converts first; too many
    /// entries convert after.
    pub fn set(&mut self, field: &[u8], value: Vec<u8>, limits: HashLimits) -> bool {
        if let HashValue::Listpack(_) = self {
            if field.len() as u64 > limits.value || value.len() as u64 > limits.value {
                self.convert();
            }
        }
        match self {
            HashValue::Listpack(v) => {
                let updated = match v.iter_mut().find(|(f, _)| f == field) {
                    Some(slot) => {
                        slot.1 = value;
                        true
                    }
                    None => {
                        v.push((field.to_vec(), value));
                        false
                    }
                };
                // Checked after updates too: a listpack left above a since lowered
                // `hash-max-listpack-entries` converts on its next write.
                if v.len() as u64 > limits.entries {
                    self.convert();
                }
                updated
            }
            HashValue::Table(t) => match t.get_mut(field) {
                Some(slot) => {
                    *slot = value;
                    true
                }
                None => {
                    t.insert(field.to_vec(), value);
                    false
                }
            },
        }
    }

    /// Removes `field`; true when it was there.
    pub fn remove(&mut self, field: &[u8]) -> bool {
        match self {
            HashValue::Listpack(v) => match v.iter().position(|(f, _)| f == field) {
                Some(i) => {
                    v.remove(i);
                    true
                }
                None => false,
            },
            HashValue::Table(t) => t.swap_remove(field).is_some(),
        }
    }

    /// The pair in slot `i` (`i < len`); for a listpack, the i-th in insertion order.
    pub fn get_index(&self, i: usize) -> (&[u8], &[u8]) {
        match self {
            HashValue::Listpack(v) => (&v[i].0, &v[i].1),
            HashValue::Table(t) => {
                let (f, v) = t.get_index(i).expect("index below len");
                (f, v)
            }
        }
    }

    /// Every pair, a listpack in its order.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &[u8])> {
        (0..self.len()).map(|i| self.get_index(i))
    }

    /// The listpack becomes a hashtable, for good.
    fn convert(&mut self) {
        if let HashValue::Listpack(v) = self {
            let t: IndexMap<Vec<u8>, Vec<u8>> = std::mem::take(v).into_iter().collect();
            *self = HashValue::Table(t);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: HashLimits = HashLimits {
        entries: 3,
        value: 4,
    };

    #[test]
    fn listpack_keeps_order_and_converts_once() {
        let mut h = HashValue::default();
        assert!(!h.set(b"b", b"1".to_vec(), LIMITS));
        assert!(!h.set(b"a", b"2".to_vec(), LIMITS));
        assert!(h.set(b"b", b"3".to_vec(), LIMITS));
        let pairs: Vec<_> = h.iter().collect();
        assert_eq!(pairs, vec![(&b"b"[..], &b"3"[..]), (&b"a"[..], &b"2"[..])]);
        assert!(h.remove(b"b") && !h.remove(b"b"));
        assert!(!h.set(b"c", b"x".to_vec(), LIMITS));
        assert!(!h.set(b"d", b"x".to_vec(), LIMITS));
        assert_eq!(h.encoding(), "listpack");
        assert!(!h.set(b"e", b"x".to_vec(), LIMITS));
        assert_eq!((h.encoding(), h.len()), ("hashtable", 4));
        h.remove(b"e");
        h.remove(b"d");
        assert_eq!(h.encoding(), "hashtable");
        assert_eq!(h.get(b"a"), Some(&b"2"[..]));
    }

    #[test]
    fn an_update_converts_a_listpack_above_a_lowered_limit() {
        let mut h = HashValue::default();
        for f in ["a", "b", "c"] {
            h.set(f.as_bytes(), b"1".to_vec(), LIMITS);
        }
        let lower = HashLimits {
            entries: 2,
            ..LIMITS
        };
        assert_eq!(h.encoding(), "listpack");
        assert!(h.set(b"a", b"2".to_vec(), lower));
        assert_eq!(h.encoding(), "hashtable");
    }

    #[test]
    fn long_field_or_value_converts_before_the_write() {
        let mut h = HashValue::default();
        h.set(b"f", b"12345".to_vec(), LIMITS);
        assert_eq!(h.encoding(), "hashtable");
        let mut h = HashValue::default();
        h.set(b"fffff", b"1".to_vec(), LIMITS);
        assert_eq!(h.encoding(), "hashtable");
        let mut h = HashValue::default();
        h.set(b"ffff", b"1234".to_vec(), LIMITS);
        assert_eq!(h.encoding(), "listpack");
    }
}
