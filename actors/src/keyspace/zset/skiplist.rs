//! The order-statistic index of a `skiplist`-encoded sorted set: Pugh's skiplist with a span on
//! every forward link, as Redis keeps it, so rank lookups, rank-addressed access and range
//! searches are all O(log n) expected.
//!
//! Nodes live in an arena (`Vec`) and link by index; slot 0 is the header. Index 0 can double
//! as "none" because the header is never anyone's successor nor (by the convention Redis uses
//! for `backward`) anyone's predecessor. Freed slots are reused, so the arena does not grow
//! under churn.

/// A node's slot in the arena.
pub type NodeId = u32;
/// No node (the header's slot).
pub const NIL: NodeId = 0;

/// Enough levels for 4^32 elements at P = 1/4.
const MAX_LEVEL: usize = 32;

#[derive(Debug, Clone, Copy)]
struct Link {
    forward: NodeId,
    /// How many rank positions this link skips (1 to the next node on level 0).
    span: u32,
}

#[derive(Debug, Clone)]
struct Node {
    score: f64,
    member: Box<[u8]>,
    backward: NodeId,
    links: Box<[Link]>,
}

#[derive(Debug, Clone)]
pub struct SkipList {
    nodes: Vec<Node>,
    free: Vec<NodeId>,
    tail: NodeId,
    len: usize,
    level: usize,
    /// xorshift state for node levels: levels only need the right distribution, and a
    /// member's level does not depend on its content, so no input can skew the shape.
    rng: u64,
}

impl Default for SkipList {
    fn default() -> Self {
        Self::new()
    }
}

/// `(score, member)` order: score first, then the member's bytes (`memcmp`, shorter first on a
/// tie), which is how Redis orders both encodings.
fn precedes(score: f64, member: &[u8], than_score: f64, than_member: &[u8]) -> bool {
    score < than_score || (score == than_score && member < than_member)
}

impl SkipList {
    pub fn new() -> Self {
        let header = Node {
            score: 0.0,
            member: Box::default(),
            backward: NIL,
            links: vec![
                Link {
                    forward: NIL,
                    span: 0
                };
                MAX_LEVEL
            ]
            .into_boxed_slice(),
        };
        SkipList {
            nodes: vec![header],
            free: Vec::new(),
            tail: NIL,
            len: 0,
            level: 1,
            rng: 0x9E37_79B9_7F4A_7C15,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn link(&self, id: NodeId, level: usize) -> Link {
        self.nodes[id as usize].links[level]
    }

    fn link_mut(&mut self, id: NodeId, level: usize) -> &mut Link {
        &mut self.nodes[id as usize].links[level]
    }

    /// The member and score of a live node.
    pub fn entry(&self, id: NodeId) -> (&[u8], f64) {
        let n = &self.nodes[id as usize];
        (&n.member, n.score)
    }

    pub fn first(&self) -> NodeId {
        self.link(NIL, 0).forward
    }

    pub fn last(&self) -> NodeId {
        self.tail
    }

    pub fn next(&self, id: NodeId) -> NodeId {
        self.link(id, 0).forward
    }

    pub fn prev(&self, id: NodeId) -> NodeId {
        self.nodes[id as usize].backward
    }

    /// 1 to 32 with P(level > k) = 4^-k, as Redis draws them.
    fn random_level(&mut self) -> usize {
        let mut level = 1;
        loop {
            self.rng ^= self.rng << 13;
            self.rng ^= self.rng >> 7;
            self.rng ^= self.rng << 17;
            if level >= MAX_LEVEL || self.rng & 3 != 0 {
                return level;
            }
            level += 1;
        }
    }

    fn alloc(&mut self, node: Node) -> NodeId {
        match self.free.pop() {
            Some(id) => {
                self.nodes[id as usize] = node;
                id
            }
            None => {
                self.nodes.push(node);
                (self.nodes.len() - 1) as NodeId
            }
        }
    }

    /// Inserts a member that is not in the list yet.
    pub fn insert(&mut self, score: f64, member: Box<[u8]>) -> NodeId {
        let mut update = [NIL; MAX_LEVEL];
        let mut rank = [0usize; MAX_LEVEL];
        let mut x = NIL;
        for i in (0..self.level).rev() {
            rank[i] = if i == self.level - 1 { 0 } else { rank[i + 1] };
            loop {
                let l = self.link(x, i);
                if l.forward == NIL {
                    break;
                }
                let (m, s) = self.entry(l.forward);
                if !precedes(s, m, score, &member) {
                    break;
                }
                rank[i] += l.span as usize;
                x = l.forward;
            }
            update[i] = x;
        }
        let level = self.random_level();
        if level > self.level {
            for i in self.level..level {
                rank[i] = 0;
                update[i] = NIL;
                self.link_mut(NIL, i).span = self.len as u32;
            }
            self.level = level;
        }
        let id = self.alloc(Node {
            score,
            member,
            backward: if update[0] == NIL { NIL } else { update[0] },
            links: vec![
                Link {
                    forward: NIL,
                    span: 0
                };
                level
            ]
            .into_boxed_slice(),
        });
        for i in 0..level {
            let before = self.link(update[i], i);
            let skipped = (rank[0] - rank[i]) as u32;
            *self.link_mut(id, i) = Link {
                forward: before.forward,
                span: before.span - skipped,
            };
            *self.link_mut(update[i], i) = Link {
                forward: id,
                span: skipped + 1,
            };
        }
        for (i, &u) in update.iter().enumerate().take(self.level).skip(level) {
            self.link_mut(u, i).span += 1;
        }
        let next = self.next(id);
        if next == NIL {
            self.tail = id;
        } else {
            self.nodes[next as usize].backward = id;
        }
        self.len += 1;
        id
    }

    /// Unlinks `x`, given the last node before it on every level; returns its member.
    fn unlink(&mut self, x: NodeId, update: &[NodeId; MAX_LEVEL]) -> (Box<[u8]>, f64) {
        for (i, &u) in update.iter().enumerate().take(self.level) {
            let l = self.link(u, i);
            if l.forward == x {
                let gone = self.link(x, i);
                *self.link_mut(u, i) = Link {
                    forward: gone.forward,
                    span: l.span + gone.span - 1,
                };
            } else {
                self.link_mut(u, i).span -= 1;
            }
        }
        let (next, back) = (self.next(x), self.prev(x));
        if next == NIL {
            self.tail = back;
        } else {
            self.nodes[next as usize].backward = back;
        }
        while self.level > 1 && self.link(NIL, self.level - 1).forward == NIL {
            self.level -= 1;
        }
        self.len -= 1;
        let node = &mut self.nodes[x as usize];
        let member = std::mem::take(&mut node.member);
        node.links = Box::default();
        self.free.push(x);
        (member, node.score)
    }

    /// The last node on each level strictly before `(score, member)`.
    fn predecessors(&self, score: f64, member: &[u8]) -> [NodeId; MAX_LEVEL] {
        let mut update = [NIL; MAX_LEVEL];
        let mut x = NIL;
        for i in (0..self.level).rev() {
            loop {
                let f = self.link(x, i).forward;
                if f == NIL {
                    break;
                }
                let (m, s) = self.entry(f);
                if !precedes(s, m, score, member) {
                    break;
                }
                x = f;
            }
            update[i] = x;
        }
        update
    }

    /// Removes `(score, member)`; false when it is not there.
    pub fn remove(&mut self, score: f64, member: &[u8]) -> bool {
        let update = self.predecessors(score, member);
        let x = self.link(update[0], 0).forward;
        if x == NIL || self.entry(x) != (member, score) {
            return false;
        }
        self.unlink(x, &update);
        true
    }

    /// 1-based rank of `(score, member)`, 0 when it is not there.
    pub fn rank(&self, score: f64, member: &[u8]) -> usize {
        let mut x = NIL;
        let mut rank = 0usize;
        for i in (0..self.level).rev() {
            loop {
                let l = self.link(x, i);
                if l.forward == NIL {
                    break;
                }
                let (m, s) = self.entry(l.forward);
                // Walk while at or before the target, so `x` lands on it.
                if !(precedes(s, m, score, member) || (s == score && m == member)) {
                    break;
                }
                rank += l.span as usize;
                x = l.forward;
            }
            if x != NIL && self.entry(x) == (member, score) {
                return rank;
            }
        }
        0
    }

    /// The node at 1-based `rank`, or NIL when out of range.
    pub fn at_rank(&self, rank: usize) -> NodeId {
        if rank == 0 || rank > self.len {
            return NIL;
        }
        let mut x = NIL;
        let mut traversed = 0usize;
        for i in (0..self.level).rev() {
            loop {
                let l = self.link(x, i);
                if l.forward == NIL || traversed + l.span as usize > rank {
                    break;
                }
                traversed += l.span as usize;
                x = l.forward;
            }
            if traversed == rank {
                return x;
            }
        }
        NIL
    }

    /// Walks forward past every node for which `before` holds, as Redis's range searches do,
    /// and returns the next node and its 1-based rank (NIL and `len + 1` past the end). For a
    /// predicate that holds on a prefix of the order, that is the first node outside it.
    pub fn seek(&self, before: impl Fn(f64, &[u8]) -> bool) -> (NodeId, usize) {
        let mut x = NIL;
        let mut rank = 0usize;
        for i in (0..self.level).rev() {
            loop {
                let l = self.link(x, i);
                if l.forward == NIL {
                    break;
                }
                let (m, s) = self.entry(l.forward);
                if !before(s, m) {
                    break;
                }
                rank += l.span as usize;
                x = l.forward;
            }
        }
        (self.next(x), rank + 1)
    }

    /// Removes the nodes of 1-based ranks `start..=end` (clamped to the list), handing each
    /// removed member and score to `gone` in order.
    pub fn remove_ranks(&mut self, start: usize, end: usize, mut gone: impl FnMut(Box<[u8]>, f64)) {
        let mut update = [NIL; MAX_LEVEL];
        let mut x = NIL;
        let mut traversed = 0usize;
        for i in (0..self.level).rev() {
            loop {
                let l = self.link(x, i);
                if l.forward == NIL || traversed + l.span as usize >= start {
                    break;
                }
                traversed += l.span as usize;
                x = l.forward;
            }
            update[i] = x;
        }
        traversed += 1;
        x = self.next(x);
        while x != NIL && traversed <= end {
            let next = self.next(x);
            let (member, score) = self.unlink(x, &update);
            gone(member, score);
            x = next;
            traversed += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::Rng;

    fn entries(l: &SkipList, rev: bool) -> Vec<(f64, Vec<u8>)> {
        let mut out = Vec::new();
        let mut x = if rev { l.last() } else { l.first() };
        while x != NIL {
            let (m, s) = l.entry(x);
            out.push((s, m.to_vec()));
            x = if rev { l.prev(x) } else { l.next(x) };
        }
        out
    }

    /// The spans and back links must describe the level-0 chain exactly.
    fn check_invariants(l: &SkipList) {
        let mut order = vec![NIL];
        let mut x = l.first();
        while x != NIL {
            order.push(x);
            x = l.next(x);
        }
        assert_eq!(order.len() - 1, l.len);
        assert_eq!(*order.last().unwrap(), l.tail);
        let pos = |id: NodeId| order.iter().position(|&o| o == id).unwrap();
        for (r, &id) in order.iter().enumerate().skip(1) {
            let back = if r == 1 { NIL } else { order[r - 1] };
            assert_eq!(l.prev(id), back);
        }
        for i in 0..l.level {
            let mut x = NIL;
            loop {
                let lk = l.link(x, i);
                if lk.forward == NIL {
                    break;
                }
                assert_eq!(pos(lk.forward) - pos(x), lk.span as usize, "level {i}");
                x = lk.forward;
            }
        }
    }

    #[test]
    fn matches_a_sorted_vector_under_random_operations() {
        let mut rng = Rng::new(42);
        let mut l = SkipList::new();
        let mut model: Vec<(f64, Vec<u8>)> = Vec::new();
        for step in 0..6000 {
            let score = (rng.below(20) as f64) / 2.0;
            let member = format!("m{}", rng.below(300)).into_bytes();
            let at = model.iter().position(|(_, m)| *m == member);
            match (rng.below(4), at) {
                (0 | 1, None) => {
                    l.insert(score, member.clone().into_boxed_slice());
                    model.push((score, member));
                    model.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
                }
                (2, Some(i)) => {
                    let (s, m) = model.remove(i);
                    assert!(l.remove(s, &m));
                    assert!(!l.remove(s, &m));
                }
                (3, _) if !model.is_empty() => {
                    let a = rng.below(model.len() as u64) as usize;
                    let b = (a + rng.below(4) as usize).min(model.len() - 1);
                    let mut got = Vec::new();
                    l.remove_ranks(a + 1, b + 1, |m, s| got.push((s, m.to_vec())));
                    let want: Vec<_> = model.drain(a..=b).collect();
                    assert_eq!(got, want);
                }
                _ => {}
            }
            if step % 97 == 0 {
                check_invariants(&l);
            }
            assert_eq!(entries(&l, false), model);
            if let Some((s, m)) = model.first() {
                let r = rng.below(model.len() as u64) as usize;
                let (rs, rm) = &model[r];
                assert_eq!(l.rank(*rs, rm), r + 1);
                assert_eq!(l.entry(l.at_rank(r + 1)), (&rm[..], *rs));
                assert_eq!(l.rank(*s, b"zzz"), 0);
                assert_eq!(l.entry(l.first()), (&m[..], *s));
                let cut = score;
                let (id, rank) = l.seek(|s, _| s < cut);
                let want = model.partition_point(|(s, _)| *s < cut);
                assert_eq!(rank, want + 1);
                assert_eq!(id == NIL, want == model.len());
            }
        }
        check_invariants(&l);
        let want: Vec<_> = model.iter().rev().cloned().collect();
        assert_eq!(entries(&l, true), want);
    }

    #[test]
    fn out_of_range_ranks_and_slot_reuse() {
        let mut l = SkipList::new();
        assert_eq!(l.at_rank(1), NIL);
        assert_eq!(l.seek(|_, _| true), (NIL, 1));
        for i in 0..100 {
            l.insert(i as f64, vec![b'a'; i].into_boxed_slice());
        }
        assert_eq!(l.at_rank(0), NIL);
        assert_eq!(l.at_rank(101), NIL);
        assert_eq!(l.entry(l.at_rank(100)).1, 99.0);
        l.remove_ranks(1, 100, |_, _| {});
        assert!(l.is_empty());
        assert_eq!((l.first(), l.last()), (NIL, NIL));
        for i in 0..100 {
            l.insert(i as f64, Box::default());
        }
        assert_eq!(l.nodes.len(), 101, "freed slots are reused");
        check_invariants(&l);
    }
}
