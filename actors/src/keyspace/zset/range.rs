//! Score and lexicographic intervals, as ZRANGEBYSCORE / ZRANGEBYLEX and friends take them.

/// Which side of an interval is tested; both kinds of range answer the same two questions.
pub trait Range {
    /// Whether an element is at or above the lower bound.
    fn gte_min(&self, score: f64, member: &[u8]) -> bool;
    /// Whether an element is at or below the upper bound.
    fn lte_max(&self, score: f64, member: &[u8]) -> bool;
    /// Whether scores alone order the test (lex ranges only make sense with equal scores).
    fn by_score(&self) -> bool;
    /// Whether the bounds themselves leave nothing between them (`min > max`, or equal with an
    /// exclusive side).
    fn is_empty_interval(&self) -> bool;
}

/// `min`/`max` with `(` exclusivity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoreRange {
    pub min: f64,
    pub max: f64,
    pub minex: bool,
    pub maxex: bool,
}

impl Range for ScoreRange {
    fn gte_min(&self, score: f64, _: &[u8]) -> bool {
        if self.minex {
            score > self.min
        } else {
            score >= self.min
        }
    }

    fn lte_max(&self, score: f64, _: &[u8]) -> bool {
        if self.maxex {
            score < self.max
        } else {
            score <= self.max
        }
    }

    fn by_score(&self) -> bool {
        true
    }

    fn is_empty_interval(&self) -> bool {
        self.min > self.max || (self.min == self.max && (self.minex || self.maxex))
    }
}

/// One end of a lex interval: `-`, `+`, `[member` or `(member`.
#[derive(Debug, Clone, PartialEq)]
pub enum LexBound {
    /// Below every string.
    Min,
    /// Above every string.
    Max,
    Incl(Vec<u8>),
    Excl(Vec<u8>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct LexRange {
    pub min: LexBound,
    pub max: LexBound,
}

impl Range for LexRange {
    fn gte_min(&self, _: f64, member: &[u8]) -> bool {
        match &self.min {
            LexBound::Min => true,
            LexBound::Max => false,
            LexBound::Incl(b) => member >= &b[..],
            LexBound::Excl(b) => member > &b[..],
        }
    }

    fn lte_max(&self, _: f64, member: &[u8]) -> bool {
        match &self.max {
            LexBound::Max => true,
            LexBound::Min => false,
            LexBound::Incl(b) => member <= &b[..],
            LexBound::Excl(b) => member < &b[..],
        }
    }

    fn by_score(&self) -> bool {
        false
    }

    fn is_empty_interval(&self) -> bool {
        use std::cmp::Ordering::*;
        use LexBound::*;
        let (cmp, exclusive) = match (&self.min, &self.max) {
            (Min, Min) | (Max, Max) => (Equal, true),
            (Min, _) | (_, Max) => (Less, false),
            (Max, _) | (_, Min) => (Greater, false),
            (Incl(a) | Excl(a), Incl(b) | Excl(b)) => (
                a.cmp(b),
                matches!(self.min, Excl(_)) || matches!(self.max, Excl(_)),
            ),
        };
        cmp == Greater || (cmp == Equal && exclusive)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds() {
        let r = ScoreRange {
            min: 1.0,
            max: 2.0,
            minex: true,
            maxex: false,
        };
        assert!(!r.gte_min(1.0, b""));
        assert!(r.gte_min(1.5, b""));
        assert!(r.lte_max(2.0, b""));
        assert!(!r.lte_max(2.5, b""));
        let l = LexRange {
            min: LexBound::Excl(b"b".to_vec()),
            max: LexBound::Max,
        };
        assert!(!l.gte_min(0.0, b"b"));
        assert!(l.gte_min(0.0, b"ba"));
        assert!(l.lte_max(0.0, b"\xff"));
        let l = LexRange {
            min: LexBound::Max,
            max: LexBound::Min,
        };
        assert!(!l.gte_min(0.0, b"") && !l.lte_max(0.0, b""));
        assert!(l.is_empty_interval());
        let lex = |min, max| LexRange { min, max }.is_empty_interval();
        assert!(lex(LexBound::Min, LexBound::Min));
        assert!(!lex(LexBound::Min, LexBound::Max));
        assert!(!lex(
            LexBound::Incl(b"a".to_vec()),
            LexBound::Incl(b"a".to_vec())
        ));
        assert!(lex(
            LexBound::Incl(b"a".to_vec()),
            LexBound::Excl(b"a".to_vec())
        ));
        assert!(lex(
            LexBound::Incl(b"b".to_vec()),
            LexBound::Incl(b"a".to_vec())
        ));
    }
}
