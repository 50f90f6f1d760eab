//! Walking a sorted set in rank order, either way, in both encodings.

use super::skiplist::{NodeId, SkipList};

/// A walk over entries as (member, score).
pub enum Iter<'a> {
    Slice(std::slice::Iter<'a, (Box<[u8]>, f64)>),
    Skip {
        list: &'a SkipList,
        front: NodeId,
        back: NodeId,
        left: usize,
    },
    Rev(Box<Iter<'a>>),
}

impl<'a> Iter<'a> {
    pub(super) fn directed(self, rev: bool) -> Self {
        if rev {
            Iter::Rev(Box::new(self))
        } else {
            self
        }
    }
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a [u8], f64);

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Iter::Slice(it) => it.next().map(|(m, s)| (&m[..], *s)),
            Iter::Skip {
                list, front, left, ..
            } => {
                if *left == 0 {
                    return None;
                }
                *left -= 1;
                let id = *front;
                *front = list.next(id);
                Some(list.entry(id))
            }
            Iter::Rev(inner) => inner.next_back(),
        }
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        match self {
            Iter::Slice(it) => it.next_back().map(|(m, s)| (&m[..], *s)),
            Iter::Skip {
                list, back, left, ..
            } => {
                if *left == 0 {
                    return None;
                }
                *left -= 1;
                let id = *back;
                *back = list.prev(id);
                Some(list.entry(id))
            }
            Iter::Rev(inner) => inner.next(),
        }
    }
}
