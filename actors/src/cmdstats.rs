//! Per-command statistics (INFO commandstats, latencystats, LATENCY HISTOGRAM) and the latency
//! histogram behind them.
//!
//! The histogram has the layout of the HdrHistogram Redis 7.0 uses for its per-command latencies
//! (values in nanoseconds from 1 to 10^9, two significant digits): 128 linear sub-buckets per
//! power of two, so each recorded value lands in the same bucket as in Redis and percentiles and
//! the LATENCY HISTOGRAM rows print the same numbers.

/// Sub-buckets in the first bucket (Redis: 2 significant digits → 256).
const SUB_BUCKET_COUNT: i64 = 256;
const SUB_BUCKET_HALF: i64 = 128;
const SUB_BUCKET_HALF_MAGNITUDE: u32 = 7;
/// `LATENCY_HISTOGRAM_MIN_VALUE` / `_MAX_VALUE`, nanoseconds.
pub const MIN_VALUE: i64 = 1;
pub const MAX_VALUE: i64 = 1_000_000_000;
/// Buckets needed to reach 10^9: 256 << 22 > 10^9.
const BUCKETS: i64 = 23;
const COUNTS_LEN: usize = ((BUCKETS + 1) * SUB_BUCKET_HALF) as usize;

/// A log-linear latency histogram with HdrHistogram's bucket layout (2 significant digits).
#[derive(Clone, Debug)]
pub struct Histogram {
    counts: Box<[u64]>,
    total: u64,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram {
            counts: vec![0; COUNTS_LEN].into_boxed_slice(),
            total: 0,
        }
    }
}

fn bucket_index(v: i64) -> i64 {
    let pow2ceiling = 64 - (v | (SUB_BUCKET_COUNT - 1)).leading_zeros() as i64;
    pow2ceiling - (SUB_BUCKET_HALF_MAGNITUDE as i64 + 1)
}

fn sub_bucket_index(v: i64, bucket: i64) -> i64 {
    v >> bucket
}

fn counts_index(bucket: i64, sub: i64) -> usize {
    (((bucket + 1) << SUB_BUCKET_HALF_MAGNITUDE) + (sub - SUB_BUCKET_HALF)) as usize
}

fn value_at_index(idx: usize) -> i64 {
    let idx = idx as i64;
    let mut bucket = (idx >> SUB_BUCKET_HALF_MAGNITUDE) - 1;
    let mut sub = (idx & (SUB_BUCKET_HALF - 1)) + SUB_BUCKET_HALF;
    if bucket < 0 {
        sub -= SUB_BUCKET_HALF;
        bucket = 0;
    }
    sub << bucket
}

fn lowest_equivalent(v: i64) -> i64 {
    let b = bucket_index(v);
    sub_bucket_index(v, b) << b
}

fn equivalent_range(v: i64) -> i64 {
    let b = bucket_index(v);
    let s = sub_bucket_index(v, b);
    let adjusted = if s >= SUB_BUCKET_COUNT { b + 1 } else { b };
    1 << adjusted
}

fn highest_equivalent(v: i64) -> i64 {
    lowest_equivalent(v) + equivalent_range(v) - 1
}

impl Histogram {
    /// Records one value in nanoseconds, clamped to [1 ns, 1 s] as Redis does.
    pub fn record(&mut self, ns: i64) {
        let v = ns.clamp(MIN_VALUE, MAX_VALUE);
        let b = bucket_index(v);
        self.counts[counts_index(b, sub_bucket_index(v, b))] += 1;
        self.total += 1;
    }

    pub fn total(&self) -> u64 {
        self.total
    }

    /// `hdr_value_at_percentile`: the highest value equivalent to the one at `percentile`.
    pub fn value_at_percentile(&self, percentile: f64) -> i64 {
        let p = percentile.min(100.0);
        let wanted = ((p / 100.0 * self.total as f64) + 0.5) as u64;
        let wanted = wanted.max(1);
        let mut seen = 0;
        let mut value = 0;
        for (i, c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= wanted {
                value = value_at_index(i);
                break;
            }
        }
        if percentile == 0.0 {
            lowest_equivalent(value)
        } else {
            highest_equivalent(value)
        }
    }

    /// LATENCY HISTOGRAM's rows: Redis walks the histogram with a logarithmic iterator (first
    /// bucket 1024 ns, base 2) and reports (µs, cumulative count) where the count grew.
    pub fn cdf(&self) -> Vec<(i64, u64)> {
        let mut rows = Vec::new();
        let mut idx: i64 = -1;
        let mut cumulative = 0u64;
        let mut value = 0i64;
        let mut highest = 0i64;
        let mut level = 1024i64;
        let mut level_lowest = lowest_equivalent(level);
        let mut previous = 0u64;
        loop {
            // log_iter_next
            let next_above =
                idx < COUNTS_LEN as i64 && value_at_index((idx + 1) as usize) > level_lowest;
            if !(cumulative < self.total || next_above) {
                break;
            }
            loop {
                if value >= level_lowest {
                    level *= 2;
                    level_lowest = lowest_equivalent(level);
                    break;
                }
                idx += 1;
                if idx >= COUNTS_LEN as i64 {
                    break;
                }
                cumulative += self.counts[idx as usize];
                value = value_at_index(idx as usize);
                highest = highest_equivalent(value);
            }
            if cumulative > previous {
                rows.push((highest / 1000, cumulative));
            }
            previous = cumulative;
            if idx >= COUNTS_LEN as i64 {
                break;
            }
        }
        rows
    }
}

/// One command's counters, as `cmdstat_<name>` shows them.
#[derive(Clone, Debug, Default)]
pub struct CmdStat {
    pub calls: u64,
    pub usec: u64,
    pub rejected_calls: u64,
    pub failed_calls: u64,
    /// Allocated on the first tracked call, as Redis allocates its histogram.
    pub latency: Option<Box<Histogram>>,
}

/// Every command's counters, indexed by the command table's id for each command and
/// subcommand (see `CommandTable::name_of`).
#[derive(Clone, Debug, Default)]
pub struct CommandStats {
    by_id: Vec<CmdStat>,
    /// Redis's `prev_err_count`: total error replies when the running command started.
    pub prev_err_count: u64,
}

impl CommandStats {
    pub fn get_mut(&mut self, id: usize) -> &mut CmdStat {
        if id >= self.by_id.len() {
            self.by_id.resize_with(id + 1, CmdStat::default);
        }
        &mut self.by_id[id]
    }

    pub fn get(&self, id: usize) -> Option<&CmdStat> {
        self.by_id.get(id)
    }

    /// A call that ran: `usec` counted, `calls` unless it is the retry of a parked command,
    /// the latency only when `tracking` (latency-tracking) and the client is not parked.
    pub fn record(&mut self, id: usize, usec: u64, count_call: bool, failed: bool, track: bool) {
        let s = self.get_mut(id);
        s.usec += usec;
        if count_call {
            s.calls += 1;
        }
        if failed {
            s.failed_calls += 1;
        }
        if track {
            s.latency
                .get_or_insert_with(Default::default)
                .record(usec.saturating_mul(1000).min(i64::MAX as u64) as i64);
        }
    }

    pub fn reject(&mut self, id: usize) {
        self.get_mut(id).rejected_calls += 1;
    }
}

/// Redis's `%f` then `trimDoubleString`: `50`, `99.9`.
pub fn percentile_label(p: f64) -> String {
    let s = format!("{p:.6}");
    let s = s.trim_end_matches('0');
    s.trim_end_matches('.').to_string()
}

/// `cmdstat_<name>:calls=..,usec=..,usec_per_call=..,rejected_calls=..,failed_calls=..`
pub fn cmdstat_value(s: &CmdStat) -> String {
    let per_call = if s.calls == 0 {
        0.0
    } else {
        // Redis divides as C floats.
        (s.usec as f32 / s.calls as f32) as f64
    };
    format!(
        "calls={},usec={},usec_per_call={:.2},rejected_calls={},failed_calls={}",
        s.calls, s.usec, per_call, s.rejected_calls, s.failed_calls
    )
}

/// `latency_percentiles_usec_<name>:p50=..,p99=..` for the configured percentiles.
pub fn latency_value(h: &Histogram, percentiles: &[f64]) -> String {
    percentiles
        .iter()
        .map(|p| {
            format!(
                "p{}={:.3}",
                percentile_label(*p),
                h.value_at_percentile(*p) as f64 / 1000.0
            )
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_follow_hdr_with_two_digits() {
        // Exact below 256 ns.
        assert_eq!(highest_equivalent(200), 200);
        // 1 µs = 1000 ns lies in [512, 1024) with a step of 4.
        assert_eq!(lowest_equivalent(1000), 1000);
        assert_eq!(highest_equivalent(1000), 1003);
        // 3 µs: step 16.
        assert_eq!(highest_equivalent(3000), 3007);
        assert_eq!(highest_equivalent(1_000_000_000), 1_002_438_655);
        for v in [1i64, 255, 256, 1000, 65_536, 999_999_999] {
            let b = bucket_index(v);
            let i = counts_index(b, sub_bucket_index(v, b));
            assert_eq!(value_at_index(i), lowest_equivalent(v), "{v}");
        }
    }

    #[test]
    fn percentiles_as_redis_prints_them() {
        let mut h = Histogram::default();
        for us in [1u64, 1, 1, 2, 10] {
            h.record(us as i64 * 1000);
        }
        assert_eq!(h.value_at_percentile(50.0), 1003);
        assert_eq!(h.value_at_percentile(99.0), 10047);
        assert_eq!(h.value_at_percentile(0.0), 1000);
        assert_eq!(
            latency_value(&h, &[50.0, 99.0, 99.9]),
            "p50=1.003,p99=10.047,p99.9=10.047"
        );
        assert_eq!(percentile_label(99.99), "99.99");
        assert_eq!(percentile_label(100.0), "100");
    }

    #[test]
    fn clamps_and_counts() {
        let mut h = Histogram::default();
        h.record(0);
        h.record(5_000_000_000);
        assert_eq!(h.total(), 2);
        assert_eq!(h.value_at_percentile(1.0), 1);
        assert!(h.value_at_percentile(100.0) >= MAX_VALUE);
    }

    #[test]
    fn cdf_rows_like_latency_histogram() {
        let mut h = Histogram::default();
        h.record(1000);
        assert_eq!(h.cdf(), vec![(1, 1)]);
        let mut h = Histogram::default();
        for us in [1i64, 3, 3, 20] {
            h.record(us * 1000);
        }
        // Reporting levels 1024, 2048, 4096 ... ns; each row is the first bucket past the
        // level, in µs, with the count so far.
        let rows = h.cdf();
        assert_eq!(rows.last().unwrap().1, 4);
        assert_eq!(rows[0], (1, 1));
    }

    #[test]
    fn usec_per_call_two_decimals() {
        let s = CmdStat {
            calls: 3,
            usec: 10,
            ..Default::default()
        };
        assert_eq!(
            cmdstat_value(&s),
            "calls=3,usec=10,usec_per_call=3.33,rejected_calls=0,failed_calls=0"
        );
    }
}
