//! Range searches: where a score or lex interval starts and ends, as ranks, found the way
//! Redis finds them in each encoding.

use super::range::Range;
use super::skiplist::{NodeId, NIL};
use super::{Repr, ZSetValue};

impl ZSetValue {
    /// Redis's `zsl/zzlIsInRange`: false when no element can be in `r`.
    fn may_hold<R: Range + ?Sized>(&self, r: &R) -> bool {
        if r.is_empty_interval() || self.is_empty() {
            return false;
        }
        let first = self.at_rank(0);
        let last = self.at_rank(self.len() - 1);
        matches!((first, last), (Some((fm, fs)), Some((lm, ls))) if r.gte_min(ls, lm) && r.lte_max(fs, fm))
    }

    /// 0-based rank of the first element in `r`, searched as Redis does (which matters only
    /// for lex ranges over unequal scores, where the answer is not well defined).
    pub fn first_in<R: Range + ?Sized>(&self, r: &R) -> Option<usize> {
        if !self.may_hold(r) {
            return None;
        }
        let (rank, (m, s)) = match &self.repr {
            Repr::Listpack(v) => {
                let i = if r.by_score() {
                    v.partition_point(|(m, s)| !r.gte_min(*s, m))
                } else {
                    v.iter().position(|(m, s)| r.gte_min(*s, m))?
                };
                let (m, s) = v.get(i)?;
                (i, (&m[..], *s))
            }
            Repr::Skiplist(z) => match z.list.seek(|s, m| !r.gte_min(s, m)) {
                (NIL, _) => return None,
                (id, rank) => (rank - 1, z.list.entry(id)),
            },
        };
        r.lte_max(s, m).then_some(rank)
    }

    /// 0-based rank of the last element in `r`.
    pub fn last_in<R: Range + ?Sized>(&self, r: &R) -> Option<usize> {
        if !self.may_hold(r) {
            return None;
        }
        let (rank, (m, s)) = match &self.repr {
            Repr::Listpack(v) => {
                let i = if r.by_score() {
                    v.partition_point(|(m, s)| r.lte_max(*s, m))
                        .checked_sub(1)?
                } else {
                    v.iter().rposition(|(m, s)| r.lte_max(*s, m))?
                };
                let (m, s) = &v[i];
                (i, (&m[..], *s))
            }
            Repr::Skiplist(z) => {
                let (after, rank) = z.list.seek(|s, m| r.lte_max(s, m));
                let last: NodeId = if after == NIL {
                    z.list.last()
                } else {
                    z.list.prev(after)
                };
                if last == NIL || rank < 2 {
                    return None;
                }
                (rank - 2, z.list.entry(last))
            }
        };
        r.gte_min(s, m).then_some(rank)
    }

    /// ZCOUNT / ZLEXCOUNT: elements from the first in range while they stay below the max.
    pub fn count_in<R: Range + ?Sized>(&self, r: &R) -> usize {
        let Some(first) = self.first_in(r) else {
            return 0;
        };
        match &self.repr {
            Repr::Listpack(_) => self
                .iter_from(first, false)
                .take_while(|(m, s)| r.lte_max(*s, m))
                .count(),
            // Redis subtracts ranks here: O(log n) instead of a walk.
            Repr::Skiplist(_) => self
                .last_in(r)
                .map_or(self.len() - first, |last| (last + 1).saturating_sub(first)),
        }
    }

    /// ZREMRANGEBYSCORE / ZREMRANGEBYLEX: removes the run from the first element in `r` while
    /// elements stay below its max; returns how many.
    pub fn remove_range<R: Range + ?Sized>(&mut self, r: &R) -> usize {
        let Some(first) = self.first_in(r) else {
            return 0;
        };
        let n = self
            .iter_from(first, false)
            .take_while(|(m, s)| r.lte_max(*s, m))
            .count();
        self.remove_ranks(first, first + n - 1, |_, _| {});
        n
    }
}
