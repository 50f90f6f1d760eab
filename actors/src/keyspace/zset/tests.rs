//! ZSetValue against a naive model (a vector re-sorted after every change), in both encodings.

use super::range::{LexBound, LexRange, Range, ScoreRange};
use super::*;

type Model = Vec<(Vec<u8>, f64)>;

fn sort(m: &mut Model) {
    m.sort_by(|a, b| order((&a.0, a.1), (&b.0, b.1)));
}

fn naive_first<R: Range>(m: &Model, r: &R) -> Option<usize> {
    m.iter()
        .position(|(k, s)| r.gte_min(*s, k) && r.lte_max(*s, k))
}

fn naive_last<R: Range>(m: &Model, r: &R) -> Option<usize> {
    m.iter()
        .rposition(|(k, s)| r.gte_min(*s, k) && r.lte_max(*s, k))
}

fn random_score_range(rng: &mut Rng) -> ScoreRange {
    let a = rng.below(12) as f64 - 1.0;
    ScoreRange {
        min: a,
        max: a + rng.below(6) as f64 - 1.0,
        minex: rng.below(2) == 0,
        maxex: rng.below(2) == 0,
    }
}

fn random_lex_bound(rng: &mut Rng) -> LexBound {
    let m = format!("m{}", rng.below(40)).into_bytes();
    match rng.below(6) {
        0 => LexBound::Min,
        1 => LexBound::Max,
        2 | 3 => LexBound::Incl(m),
        _ => LexBound::Excl(m),
    }
}

fn check_against_model(limits: Limits, same_scores: bool, seed: u64) {
    let mut rng = Rng::new(seed);
    let mut z = ZSetValue::new();
    let mut model: Model = Vec::new();
    let mut was_skiplist = false;
    for _ in 0..4000 {
        let member = format!("m{}", rng.below(40)).into_bytes();
        let score = if same_scores {
            0.0
        } else {
            rng.below(10) as f64
        };
        match rng.below(8) {
            0..=2 => {
                let flags = AddFlags {
                    gt: rng.below(4) == 0,
                    incr: rng.below(4) == 0,
                    ..AddFlags::default()
                };
                let cur = model.iter().position(|(m, _)| *m == member);
                let got = z.add(score, &member, flags, limits);
                let new = if flags.incr {
                    score + cur.map_or(0.0, |i| model[i].1)
                } else {
                    score
                };
                match cur {
                    None => {
                        assert_eq!(got, Added::New(new));
                        model.push((member, new));
                    }
                    Some(i) if flags.gt && new <= model[i].1 => assert_eq!(got, Added::Skipped),
                    Some(i) if new == model[i].1 => assert_eq!(got, Added::Same(new)),
                    Some(i) => {
                        assert_eq!(got, Added::Updated(new));
                        model[i].1 = new;
                    }
                }
                sort(&mut model);
            }
            3 => {
                let had = model.iter().position(|(m, _)| *m == member);
                assert_eq!(z.remove(&member), had.is_some());
                if let Some(i) = had {
                    model.remove(i);
                }
            }
            4 => {
                let r = random_score_range(&mut rng);
                assert_eq!(z.first_in(&r), naive_first(&model, &r), "{r:?}");
                assert_eq!(z.last_in(&r), naive_last(&model, &r), "{r:?}");
                let n = model
                    .iter()
                    .filter(|(k, s)| r.gte_min(*s, k) && r.lte_max(*s, k))
                    .count();
                assert_eq!(z.count_in(&r), n, "{r:?}");
                if rng.below(4) == 0 {
                    assert_eq!(z.remove_range(&r), n);
                    model.retain(|(k, s)| !(r.gte_min(*s, k) && r.lte_max(*s, k)));
                }
            }
            5 if same_scores => {
                let r = LexRange {
                    min: random_lex_bound(&mut rng),
                    max: random_lex_bound(&mut rng),
                };
                assert_eq!(z.first_in(&r), naive_first(&model, &r), "{r:?}");
                assert_eq!(z.last_in(&r), naive_last(&model, &r), "{r:?}");
                let n = model
                    .iter()
                    .filter(|(k, s)| r.gte_min(*s, k) && r.lte_max(*s, k))
                    .count();
                assert_eq!(z.count_in(&r), n, "{r:?}");
                if rng.below(4) == 0 {
                    assert_eq!(z.remove_range(&r), n);
                    model.retain(|(k, s)| !(r.gte_min(*s, k) && r.lte_max(*s, k)));
                }
            }
            6 if !model.is_empty() => {
                let a = rng.below(model.len() as u64) as usize;
                let b = a + rng.below(3) as usize;
                let mut got = Vec::new();
                z.remove_ranks(a, b, |m, s| got.push((m, s)));
                let want: Model = model.drain(a..=b.min(model.len() - 1)).collect();
                assert_eq!(got, want);
            }
            7 => {
                let max = rng.below(2) == 0;
                let want = if max {
                    model.pop()
                } else {
                    (!model.is_empty()).then(|| model.remove(0))
                };
                assert_eq!(z.pop(max), want);
            }
            _ => {}
        }
        was_skiplist |= !z.is_listpack();
        assert!(!was_skiplist || !z.is_listpack(), "never converts back");
        assert_eq!(z.len(), model.len());
        let all: Model = z.iter().map(|(m, s)| (m.to_vec(), s)).collect();
        assert_eq!(all, model);
        if !model.is_empty() {
            let r = rng.below(model.len() as u64) as usize;
            let (m, s) = &model[r];
            assert_eq!(z.rank(m), Some(r));
            assert_eq!(z.score(m), Some(*s));
            assert_eq!(z.at_rank(r), Some((&m[..], *s)));
            let up: Model = z
                .iter_from(r, false)
                .map(|(m, s)| (m.to_vec(), s))
                .collect();
            assert_eq!(up, model[r..].to_vec());
            let down: Model = z.iter_from(r, true).map(|(m, s)| (m.to_vec(), s)).collect();
            let want: Model = model[..=r].iter().rev().cloned().collect();
            assert_eq!(down, want);
        }
        assert_eq!(z.rank(b"absent"), None);
    }
    let big = model.len() as u64 > limits.entries;
    assert_eq!(z.is_listpack(), !was_skiplist && !big);
}

#[test]
fn both_encodings_match_the_model() {
    for seed in 1..4 {
        check_against_model(
            Limits {
                entries: 16,
                value: 64,
            },
            false,
            seed,
        );
        check_against_model(
            Limits {
                entries: 0,
                value: 64,
            },
            false,
            seed,
        );
        check_against_model(
            Limits {
                entries: 1000,
                value: 64,
            },
            false,
            seed,
        );
        check_against_model(
            Limits {
                entries: 16,
                value: 64,
            },
            true,
            seed,
        );
        check_against_model(
            Limits {
                entries: 0,
                value: 64,
            },
            true,
            seed,
        );
    }
}

#[test]
fn encoding_thresholds() {
    let limits = Limits {
        entries: 2,
        value: 3,
    };
    let mut z = ZSetValue::new();
    z.add(1.0, b"abc", AddFlags::default(), limits);
    z.add(2.0, b"b", AddFlags::default(), limits);
    assert_eq!(z.encoding(), "listpack");
    // An update of an existing member never converts.
    z.add(5.0, b"b", AddFlags::default(), limits);
    assert_eq!(z.encoding(), "listpack");
    z.add(3.0, b"c", AddFlags::default(), limits);
    assert_eq!(z.encoding(), "skiplist");
    z.remove(b"c");
    z.remove(b"b");
    assert_eq!(z.encoding(), "skiplist");

    let mut z = ZSetValue::new();
    z.add(1.0, b"abcd", AddFlags::default(), limits);
    assert_eq!(z.encoding(), "skiplist");

    let items = vec![(b"b".to_vec(), 2.0), (b"a".to_vec(), 2.0)];
    let z = ZSetValue::from_entries(items.clone(), limits);
    assert_eq!(z.encoding(), "listpack");
    assert_eq!(z.at_rank(0), Some((&b"a"[..], 2.0)));
    let z = ZSetValue::from_entries(
        items,
        Limits {
            entries: 1,
            value: 3,
        },
    );
    assert_eq!(z.encoding(), "skiplist");
    assert_eq!(z.at_rank(0), Some((&b"a"[..], 2.0)));
}

#[test]
fn listpack_stores_negative_zero_as_zero() {
    let limits = Limits {
        entries: 128,
        value: 64,
    };
    let mut z = ZSetValue::new();
    z.add(-0.0, b"a", AddFlags::default(), limits);
    assert!(z.score(b"a").unwrap().is_sign_positive());
    let mut z = ZSetValue::new_skiplist();
    z.add(-0.0, b"a", AddFlags::default(), limits);
    assert!(z.score(b"a").unwrap().is_sign_negative());
}

#[test]
fn scan_visits_every_member_of_a_skiplist() {
    let limits = Limits {
        entries: 0,
        value: 64,
    };
    let mut z = ZSetValue::new();
    for i in 0..50 {
        z.add(
            i as f64,
            format!("m{i}").as_bytes(),
            AddFlags::default(),
            limits,
        );
    }
    let mut seen = Vec::new();
    let mut cursor = 0;
    loop {
        cursor = z.scan(cursor, 7, |m, _| seen.push(m.to_vec()));
        if cursor == 0 {
            break;
        }
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 50);
}
