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
    total_commands_processed,
    rejected_connections,
    total_net_input_bytes,
    total_net_output_bytes,
    keyspace_hits,
    keyspace_misses,
    expired_keys,
    expired_stale_perc,
    evicted_keys,
    total_error_replies,
    unexpected_error_replies,
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
