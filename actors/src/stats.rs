//! Server-wide counters for INFO stats, reset by CONFIG RESETSTAT.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

macro_rules! counters {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {
        /// Relaxed atomic counters; named as the INFO fields they feed.
        #[derive(Default, Debug)]
        pub struct Stats { $($(#[$doc])* pub $name: AtomicU64,)* }
        impl Stats {
            /// CONFIG RESETSTAT.
            pub fn reset(&self) { $(self.$name.store(0, Relaxed);)* }
        }
    };
}

counters! {
    total_connections_received,
    rejected_connections,
    total_net_input_bytes,
    total_net_output_bytes,
    total_reads_processed,
    total_writes_processed,
    client_query_buffer_limit_disconnections,
}

impl Stats {
    pub fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Relaxed);
    }

    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Relaxed)
    }
}

/// Redis's instantaneous metrics: the rate of a counter over the last 16 samples, one sample
/// per cron tick (`instantaneous_ops_per_sec`, `instantaneous_input_kbps` ...).
#[derive(Debug, Clone, Default)]
pub struct RateSampler {
    samples: [f64; 16],
    next: usize,
    last_value: u64,
    last_ms: u64,
}

impl RateSampler {
    /// Records the counter's value at `now_ms`.
    pub fn sample(&mut self, value: u64, now_ms: u64) {
        if self.last_ms != 0 && now_ms > self.last_ms {
            let per_sec = value.saturating_sub(self.last_value) as f64 * 1000.0
                / (now_ms - self.last_ms) as f64;
            self.samples[self.next] = per_sec;
            self.next = (self.next + 1) % self.samples.len();
        }
        self.last_value = value;
        self.last_ms = now_ms;
    }

    /// The mean of the samples, per second.
    pub fn rate(&self) -> f64 {
        self.samples.iter().sum::<f64>() / self.samples.len() as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_is_the_mean_of_sixteen_samples() {
        let mut r = RateSampler::default();
        r.sample(0, 1000);
        assert_eq!(r.rate(), 0.0);
        for i in 1..=16u64 {
            r.sample(i * 100, 1000 + i * 100);
        }
        assert!((r.rate() - 1000.0).abs() < 1e-9);
        let stats = Stats::default();
        Stats::add(&stats.rejected_connections, 3);
        stats.reset();
        assert_eq!(Stats::get(&stats.rejected_connections), 0);
    }
}
