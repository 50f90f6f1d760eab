//! The sorted set type: `listpack` until `zset-max-listpack-entries` or
//! `zset-max-listpack-value` is passed, then `skiplist`, and never back, as in Redis 7.0.
//!
//! `listpack` is a vector sorted by (score, member), searched linearly or by bisection as Redis
//! walks its listpack; it only holds up to the configured (small) size. `skiplist` pairs a
//! member -> score table with an order-statistic skiplist, so lookups are O(1) and ranks,
//! rank access and range searches O(log n).

mod iter;
pub mod range;
mod search;
mod skiplist;
#[cfg(test)]
mod tests;

use crate::server::Rng;
use indexmap::IndexMap;
pub use iter::Iter;
use skiplist::{SkipList, NIL};

/// `zset-max-listpack-entries` and `zset-max-listpack-value`, read once per command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub entries: u64,
    pub value: u64,
}

impl Limits {
    /// Whether `count` members, the longest `longest` bytes, fit the listpack encoding.
    pub fn fit(self, count: usize, longest: usize) -> bool {
        count as u64 <= self.entries && longest as u64 <= self.value
    }
}

#[derive(Debug, Clone)]
pub struct ZSetValue {
    repr: Repr,
}

#[derive(Debug, Clone)]
enum Repr {
    /// Sorted by (score, member).
    Listpack(Vec<(Box<[u8]>, f64)>),
    Skiplist(Box<Sorted>),
}

#[derive(Debug, Clone, Default)]
struct Sorted {
    /// Insertion-ordered with swap removal, which gives ZSCAN a stable cursor (as the keyspace's
    /// own SCAN does) and ZRANDMEMBER a uniform O(1) pick.
    dict: IndexMap<Box<[u8]>, f64>,
    list: SkipList,
}

impl Default for ZSetValue {
    fn default() -> Self {
        Self::new()
    }
}

impl PartialEq for ZSetValue {
    fn eq(&self, other: &Self) -> bool {
        self.encoding() == other.encoding()
            && self.len() == other.len()
            && self.iter().eq(other.iter())
    }
}

/// ZADD's conditions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AddFlags {
    pub nx: bool,
    pub xx: bool,
    pub gt: bool,
    pub lt: bool,
    pub incr: bool,
}

/// What one ZADD pair did: Redis's `zsetAdd` out flags.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Added {
    /// The score (or the incremented score) is NaN; nothing changed.
    Nan,
    New(f64),
    Updated(f64),
    /// Already there with that score (or an increment of 0).
    Same(f64),
    /// NX, XX, GT or LT ruled it out.
    Skipped,
}

/// A listpack stores an integral score as an integer, so -0 comes back as 0.
fn listpack_score(score: f64) -> f64 {
    if score == 0.0 {
        0.0
    } else {
        score
    }
}

/// The (score, member) order. Scores compare as C doubles do, so -0 and 0 tie and the member
/// decides, as in Redis's skiplist; NaN never gets in.
pub fn order(a: (&[u8], f64), b: (&[u8], f64)) -> std::cmp::Ordering {
    a.1.partial_cmp(&b.1)
        .unwrap_or(std::cmp::Ordering::Equal)
        .then_with(|| a.0.cmp(b.0))
}

impl ZSetValue {
    pub fn new() -> Self {
        ZSetValue {
            repr: Repr::Listpack(Vec::new()),
        }
    }

    /// An empty `skiplist`-encoded set.
    pub fn new_skiplist() -> Self {
        ZSetValue {
            repr: Repr::Skiplist(Box::default()),
        }
    }

    /// A set holding `items` (distinct members), in the encoding Redis gives a set computed by
    /// ZUNIONSTORE and the other STORE commands: listpack when it fits the limits.
    pub fn from_entries(mut items: Vec<(Vec<u8>, f64)>, limits: Limits) -> Self {
        let longest = items.iter().map(|(m, _)| m.len()).max().unwrap_or(0);
        if limits.fit(items.len(), longest) {
            items.sort_by(|a, b| order((&a.0, a.1), (&b.0, b.1)));
            let v = items
                .into_iter()
                .map(|(m, s)| (m.into_boxed_slice(), listpack_score(s)))
                .collect();
            return ZSetValue {
                repr: Repr::Listpack(v),
            };
        }
        let mut z = Sorted::default();
        z.dict.reserve(items.len());
        for (m, s) in items {
            let m = m.into_boxed_slice();
            z.list.insert(s, m.clone());
            z.dict.insert(m, s);
        }
        ZSetValue {
            repr: Repr::Skiplist(Box::new(z)),
        }
    }

    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Listpack(v) => v.len(),
            Repr::Skiplist(z) => z.list.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn encoding(&self) -> &'static str {
        match self.repr {
            Repr::Listpack(_) => "listpack",
            Repr::Skiplist(_) => "skiplist",
        }
    }

    pub fn is_listpack(&self) -> bool {
        matches!(self.repr, Repr::Listpack(_))
    }

    pub fn score(&self, member: &[u8]) -> Option<f64> {
        match &self.repr {
            Repr::Listpack(v) => v.iter().find(|(m, _)| &m[..] == member).map(|e| e.1),
            Repr::Skiplist(z) => z.dict.get(member).copied(),
        }
    }

    /// The listpack becomes a skiplist, for good.
    fn convert(&mut self) {
        if let Repr::Listpack(v) = &mut self.repr {
            let mut z = Sorted::default();
            z.dict.reserve(v.len());
            // Inserting from the largest keeps every insertion at the head: O(1) each.
            for (m, s) in std::mem::take(v).into_iter().rev() {
                z.list.insert(s, m.clone());
                z.dict.insert(m, s);
            }
            self.repr = Repr::Skiplist(Box::new(z));
        }
    }

    /// Redis's `zsetAdd`: adds `member` or updates its score under ZADD's conditions, converting
    /// to skiplist when a new member passes the limits.
    pub fn add(&mut self, score: f64, member: &[u8], flags: AddFlags, limits: Limits) -> Added {
        if score.is_nan() {
            return Added::Nan;
        }
        let Some(cur) = self.score(member) else {
            if flags.xx {
                return Added::Skipped;
            }
            self.insert_new(score, member, limits);
            return Added::New(score);
        };
        if flags.nx {
            return Added::Skipped;
        }
        let score = if flags.incr { score + cur } else { score };
        if score.is_nan() {
            return Added::Nan;
        }
        if (flags.lt && score >= cur) || (flags.gt && score <= cur) {
            return Added::Skipped;
        }
        if score == cur {
            return Added::Same(score);
        }
        match &mut self.repr {
            Repr::Listpack(v) => {
                if let Some(i) = v.iter().position(|(m, _)| &m[..] == member) {
                    let (m, _) = v.remove(i);
                    let s = listpack_score(score);
                    let at = v.partition_point(|e| order((&e.0, e.1), (&m, s)).is_lt());
                    v.insert(at, (m, s));
                }
            }
            Repr::Skiplist(z) => {
                z.list.remove(cur, member);
                z.list.insert(score, member.into());
                if let Some(s) = z.dict.get_mut(member) {
                    *s = score;
                }
            }
        }
        Added::Updated(score)
    }

    /// Adds a member known to be absent.
    fn insert_new(&mut self, score: f64, member: &[u8], limits: Limits) {
        if let Repr::Listpack(v) = &self.repr {
            if !limits.fit(v.len() + 1, member.len()) {
                self.convert();
            }
        }
        match &mut self.repr {
            Repr::Listpack(v) => {
                let s = listpack_score(score);
                let at = v.partition_point(|e| order((&e.0, e.1), (member, s)).is_lt());
                v.insert(at, (member.into(), s));
            }
            Repr::Skiplist(z) => {
                z.list.insert(score, member.into());
                z.dict.insert(member.into(), score);
            }
        }
    }

    /// Removes `member`; false when it was not there.
    pub fn remove(&mut self, member: &[u8]) -> bool {
        match &mut self.repr {
            Repr::Listpack(v) => match v.iter().position(|(m, _)| &m[..] == member) {
                Some(i) => {
                    v.remove(i);
                    true
                }
                None => false,
            },
            Repr::Skiplist(z) => match z.dict.swap_remove(member) {
                Some(score) => z.list.remove(score, member),
                None => false,
            },
        }
    }

    /// 0-based rank of `member` in ascending order.
    pub fn rank(&self, member: &[u8]) -> Option<usize> {
        match &self.repr {
            Repr::Listpack(v) => v.iter().position(|(m, _)| &m[..] == member),
            Repr::Skiplist(z) => {
                let score = *z.dict.get(member)?;
                Some(z.list.rank(score, member) - 1)
            }
        }
    }

    /// Every entry in ascending order; reversible.
    pub fn iter(&self) -> Iter<'_> {
        match &self.repr {
            Repr::Listpack(v) => Iter::Slice(v.iter()),
            Repr::Skiplist(z) => Iter::Skip {
                list: &z.list,
                front: z.list.first(),
                back: z.list.last(),
                left: z.list.len(),
            },
        }
    }

    /// Entries from 0-based rank `start` (which must exist) up in ascending order, or down
    /// when `rev`.
    pub fn iter_from(&self, start: usize, rev: bool) -> Iter<'_> {
        let len = self.len();
        match &self.repr {
            Repr::Listpack(v) => {
                let slice = if rev { &v[..start + 1] } else { &v[start..] };
                Iter::Slice(slice.iter())
            }
            Repr::Skiplist(z) => {
                let at = z.list.at_rank(start + 1);
                let (front, back, left) = if rev {
                    (z.list.first(), at, start + 1)
                } else {
                    (at, z.list.last(), len - start)
                };
                Iter::Skip {
                    list: &z.list,
                    front,
                    back,
                    left,
                }
            }
        }
        .directed(rev)
    }

    /// The element at 0-based rank `rank`.
    pub fn at_rank(&self, rank: usize) -> Option<(&[u8], f64)> {
        match &self.repr {
            Repr::Listpack(v) => v.get(rank).map(|(m, s)| (&m[..], *s)),
            Repr::Skiplist(z) => match z.list.at_rank(rank + 1) {
                NIL => None,
                id => Some(z.list.entry(id)),
            },
        }
    }

    /// Removes 0-based ranks `start..=end` (clamped), handing each removed entry to `gone`.
    pub fn remove_ranks(&mut self, start: usize, end: usize, mut gone: impl FnMut(Vec<u8>, f64)) {
        if start >= self.len() || start > end {
            return;
        }
        let end = end.min(self.len() - 1);
        match &mut self.repr {
            Repr::Listpack(v) => {
                for (m, s) in v.drain(start..=end) {
                    gone(m.into_vec(), s);
                }
            }
            Repr::Skiplist(z) => {
                let dict = &mut z.dict;
                z.list.remove_ranks(start + 1, end + 1, |m, s| {
                    dict.swap_remove(&m);
                    gone(m.into_vec(), s);
                });
            }
        }
    }

    /// Removes and returns the lowest (or, with `max`, the highest) element.
    pub fn pop(&mut self, max: bool) -> Option<(Vec<u8>, f64)> {
        let rank = if max { self.len().checked_sub(1)? } else { 0 };
        let mut out = None;
        self.remove_ranks(rank, rank, |m, s| out = Some((m, s)));
        out
    }

    /// The entry in storage slot `i` (`i < len`): rank order for listpack, table order for
    /// skiplist. Uniform sampling needs no ranks.
    pub fn slot(&self, i: usize) -> (&[u8], f64) {
        match &self.repr {
            Repr::Listpack(v) => (&v[i].0, v[i].1),
            Repr::Skiplist(z) => {
                let (m, s) = z.dict.get_index(i).expect("slot in range");
                (m, *s)
            }
        }
    }

    /// A uniformly random element of a non-empty set.
    pub fn random(&self, rng: &mut Rng) -> (&[u8], f64) {
        self.slot(rng.below(self.len() as u64) as usize)
    }

    /// One ZSCAN step. A listpack answers everything at once with cursor 0, as Redis does; a
    /// skiplist walks its table slots downwards (cursor `c` means slots below `c - 1` remain),
    /// so an element present for the whole scan is never missed.
    pub fn scan<'a>(
        &'a self,
        cursor: u64,
        count: usize,
        mut visit: impl FnMut(&'a [u8], f64),
    ) -> u64 {
        let Repr::Skiplist(z) = &self.repr else {
            self.iter().for_each(|(m, s)| visit(m, s));
            return 0;
        };
        let len = z.dict.len();
        let mut next = if cursor == 0 {
            len
        } else {
            ((cursor - 1) as usize).min(len)
        };
        let mut steps = count.max(1);
        while next > 0 && steps > 0 {
            next -= 1;
            steps -= 1;
            if let Some((m, s)) = z.dict.get_index(next) {
                visit(m, *s);
            }
        }
        if next == 0 {
            0
        } else {
            next as u64 + 1
        }
    }
}
