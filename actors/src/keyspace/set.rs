//! The set type: `intset` (sorted integers) while every member is an integer and there are at
//! most `set-max-intset-entries`, then `hashtable`, and never back, as in Redis 7.0.
//!
//! The intset order is visible (SMEMBERS, SSCAN, SPOP of everything all list it ascending), so
//! it is kept exactly. The hashtable is an insertion-ordered set: Redis's dict order is
//! unpredictable anyway, and indexed storage gives the uniform O(1) random pick that SPOP,
//! SRANDMEMBER and SMOVE-heavy workloads need.

use crate::keyspace::value::parse_i64_strict;
use crate::server::Rng;
use indexmap::IndexSet;

/// Redis caps intsets at 2^30 entries whatever the configuration says.
const INTSET_HARD_MAX: u64 = 1 << 30;

#[derive(Debug, Clone, PartialEq)]
pub enum SetValue {
    /// Sorted ascending, no duplicates.
    IntSet(Vec<i64>),
    Table(IndexSet<Vec<u8>>),
}

impl Default for SetValue {
    fn default() -> Self {
        SetValue::IntSet(Vec::new())
    }
}

/// One member as stored: intsets hold numbers, which replies print in decimal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Member<'a> {
    Int(i64),
    Str(&'a [u8]),
}

impl Member<'_> {
    pub fn to_vec(self) -> Vec<u8> {
        match self {
            Member::Int(n) => n.to_string().into_bytes(),
            Member::Str(s) => s.to_vec(),
        }
    }

    pub fn write(self, out: &mut protocol::ReplyWriter) {
        match self {
            Member::Int(n) => out.bulk_int(n),
            Member::Str(s) => out.bulk(s),
        }
    }
}

impl SetValue {
    /// Redis's `setTypeCreate`: the encoding an empty set gets is chosen by the first member
    /// about to be added.
    pub fn for_member(first: &[u8]) -> Self {
        if parse_i64_strict(first).is_some() {
            SetValue::IntSet(Vec::new())
        } else {
            SetValue::Table(IndexSet::new())
        }
    }

    pub fn len(&self) -> usize {
        match self {
            SetValue::IntSet(v) => v.len(),
            SetValue::Table(t) => t.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn encoding(&self) -> &'static str {
        match self {
            SetValue::IntSet(_) => "intset",
            SetValue::Table(_) => "hashtable",
        }
    }

    /// Adds `m`; true when it was not a member. `max_intset` is `set-max-intset-entries`.
    pub fn add(&mut self, m: &[u8], max_intset: u64) -> bool {
        match self {
            SetValue::Table(t) => {
                if t.contains(m) {
                    return false;
                }
                t.insert(m.to_vec())
            }
            SetValue::IntSet(_) => match parse_i64_strict(m) {
                Some(n) => self.add_member(Member::Int(n), max_intset),
                None => {
                    self.convert();
                    self.add(m, max_intset)
                }
            },
        }
    }

    /// Adds a member taken from another set; intset to intset copies skip printing and
    /// reparsing the number.
    pub fn add_member(&mut self, m: Member, max_intset: u64) -> bool {
        match (m, &mut *self) {
            (Member::Str(s), _) => self.add(s, max_intset),
            (Member::Int(n), SetValue::IntSet(v)) => {
                let Err(at) = v.binary_search(&n) else {
                    return false;
                };
                v.insert(at, n);
                if v.len() as u64 > max_intset.min(INTSET_HARD_MAX) {
                    self.convert();
                }
                true
            }
            (Member::Int(n), SetValue::Table(_)) => self.add(n.to_string().as_bytes(), max_intset),
        }
    }

    /// Removes `m`; true when it was a member.
    pub fn remove(&mut self, m: &[u8]) -> bool {
        match self {
            SetValue::Table(t) => t.swap_remove(m),
            SetValue::IntSet(v) => match parse_i64_strict(m).map(|n| v.binary_search(&n)) {
                Some(Ok(at)) => {
                    v.remove(at);
                    true
                }
                _ => false,
            },
        }
    }

    pub fn contains(&self, m: &[u8]) -> bool {
        match self {
            SetValue::Table(t) => t.contains(m),
            SetValue::IntSet(v) => parse_i64_strict(m).is_some_and(|n| v.binary_search(&n).is_ok()),
        }
    }

    /// Whether a member of another set is in this one, comparing integers directly when both
    /// sides are intsets.
    pub fn contains_member(&self, m: Member) -> bool {
        match (self, m) {
            (SetValue::IntSet(v), Member::Int(n)) => v.binary_search(&n).is_ok(),
            (SetValue::Table(t), Member::Str(s)) => t.contains(s),
            (s, m) => s.contains(&m.to_vec()),
        }
    }

    /// The member in slot `i` (`i < len`): intsets in ascending order.
    pub fn get_index(&self, i: usize) -> Member<'_> {
        match self {
            SetValue::IntSet(v) => Member::Int(v[i]),
            SetValue::Table(t) => Member::Str(&t[i]),
        }
    }

    /// A uniformly random member of a non-empty set.
    pub fn random(&self, rng: &mut Rng) -> Member<'_> {
        self.get_index(rng.below(self.len() as u64) as usize)
    }

    /// Removes the member in slot `i`, returning it.
    pub fn remove_index(&mut self, i: usize) -> Vec<u8> {
        match self {
            SetValue::IntSet(v) => v.remove(i).to_string().into_bytes(),
            SetValue::Table(t) => t.swap_remove_index(i).unwrap_or_default(),
        }
    }

    pub fn iter(&self) -> Iter<'_> {
        Iter { set: self, next: 0 }
    }

    /// The intset becomes a hashtable, for good.
    fn convert(&mut self) {
        if let SetValue::IntSet(v) = self {
            let mut t = IndexSet::with_capacity(v.len() + 1);
            t.extend(v.iter().map(|n| n.to_string().into_bytes()));
            *self = SetValue::Table(t);
        }
    }
}

pub struct Iter<'a> {
    set: &'a SetValue,
    next: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = Member<'a>;

    fn next(&mut self) -> Option<Member<'a>> {
        if self.next >= self.set.len() {
            return None;
        }
        self.next += 1;
        Some(self.set.get_index(self.next - 1))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.set.len() - self.next.min(self.set.len());
        (n, Some(n))
    }
}

impl ExactSizeIterator for Iter<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(s: &SetValue) -> Vec<Vec<u8>> {
        s.iter().map(|m| m.to_vec()).collect()
    }

    #[test]
    fn intset_stays_sorted_until_it_converts() {
        let mut s = SetValue::for_member(b"5");
        for m in ["5", "-3", "10", "5", "0"] {
            s.add(m.as_bytes(), 4);
        }
        assert_eq!(s.encoding(), "intset");
        assert_eq!(members(&s), [&b"-3"[..], b"0", b"5", b"10"]);
        assert!(s.contains(b"10") && !s.contains(b"010") && !s.contains(b"x"));
        assert!(s.add(b"11", 4));
        assert_eq!((s.encoding(), s.len()), ("hashtable", 5));
        assert!(s.remove(b"11") && s.remove(b"10") && !s.remove(b"10"));
        assert_eq!(s.encoding(), "hashtable");
        assert!(s.contains_member(Member::Int(-3)));
    }

    #[test]
    fn non_integers_convert_and_creation_follows_the_first_member() {
        assert_eq!(SetValue::for_member(b"1").encoding(), "intset");
        assert_eq!(SetValue::for_member(b"01").encoding(), "hashtable");
        assert_eq!(SetValue::for_member(b"a").encoding(), "hashtable");
        let mut s = SetValue::for_member(b"1");
        s.add(b"1", 512);
        assert!(s.add(b" 2", 512));
        assert_eq!(s.encoding(), "hashtable");
        assert!(s.contains(b"1") && s.contains(b" 2") && !s.contains(b"2"));
        // The hard cap of 2^30 applies whatever the setting.
        let mut s = SetValue::for_member(b"1");
        s.add(b"1", u64::MAX);
        assert_eq!(s.encoding(), "intset");
    }

    #[test]
    fn members_cross_encodings() {
        let mut t = SetValue::for_member(b"a");
        t.add(b"a", 512);
        t.add(b"7", 512);
        let i = {
            let mut i = SetValue::for_member(b"7");
            i.add(b"7", 512);
            i
        };
        assert!(t.contains_member(i.get_index(0)));
        assert!(i.contains_member(t.get_index(1)));
        let mut d = SetValue::default();
        d.add_member(Member::Str(b"42"), 512);
        assert_eq!(d.encoding(), "intset");
        d.add_member(Member::Str(b"x"), 512);
        assert_eq!(d.encoding(), "hashtable");
        assert!(d.add_member(Member::Int(3), 512) && !d.add_member(Member::Int(42), 512));
    }
}
