//! A cheap monotonic clock for timing commands and messages, as Redis's `monotonic.c`
//! (`getMonotonicUs`) reads the CPU's time-stamp counter rather than asking the OS.
//!
//! Every command is timed (INFO commandstats, the slow log, latency tracking) and every
//! message's handling is measured. With pipelined clients, two `clock_gettime` calls per
//! command were about 6% of the server's CPU. A counter read is a few cycles.
//!
//! The counter is used only where the kernel itself uses it as its clock source
//! (`current_clocksource` is `tsc`): Linux chooses it only when it is invariant and in step
//! across CPUs. Its rate is measured against the OS clock once, at first use. Anywhere else
//! [`Stamp`] falls back to [`Instant`].

use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// A point in time, good only for measuring durations within this process.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Stamp(u64);

enum Source {
    /// The time-stamp counter, at `ns_per_tick_q32 / 2^32` nanoseconds per tick (fixed point:
    /// an integer multiply is cheaper than converting to and from floating point).
    Counter { ns_per_tick_q32: u64 },
    /// Nanoseconds since `base`, from the OS.
    Os { base: Instant },
}

static SOURCE: OnceLock<Source> = OnceLock::new();

/// How long the counter's rate is measured against the OS clock. A read of either clock is
/// well under a microsecond, so the rate is off by less than 0.01%.
const CALIBRATION: Duration = Duration::from_millis(10);

/// Picks the source and measures the counter's rate now, so that the first timed command
/// does not pay for it. Optional: the first [`Stamp::now`] does the same.
pub fn init() {
    source();
}

fn source() -> &'static Source {
    SOURCE.get_or_init(Source::detect)
}

impl Source {
    fn detect() -> Source {
        match counter_rate() {
            Some(ns_per_tick) => Source::Counter {
                ns_per_tick_q32: (ns_per_tick * (1u64 << 32) as f64) as u64,
            },
            None => Source::Os {
                base: Instant::now(),
            },
        }
    }
}

#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
fn counter() -> u64 {
    // SAFETY: RDTSC reads a register; every x86_64 CPU has it.
    #[allow(unused_unsafe)]
    unsafe {
        std::arch::x86_64::_rdtsc()
    }
}

#[cfg(not(all(target_arch = "x86_64", target_os = "linux")))]
fn counter() -> u64 {
    0
}

/// Nanoseconds per counter tick, if the kernel trusts the counter as its own clock.
fn counter_rate() -> Option<f64> {
    if !cfg!(all(target_arch = "x86_64", target_os = "linux")) {
        return None;
    }
    let current =
        std::fs::read_to_string("/sys/devices/system/clocksource/clocksource0/current_clocksource")
            .ok()?;
    if current.trim() != "tsc" {
        return None;
    }
    let (t0, c0) = paired_reading();
    std::thread::sleep(CALIBRATION);
    let (t1, c1) = paired_reading();
    let ticks = c1.checked_sub(c0).filter(|t| *t > 0)?;
    Some(t1.duration_since(t0).as_nanos() as f64 / ticks as f64)
}

/// The OS clock and the counter read together: of a few tries, the one with the least time
/// between its two OS readings, so that being preempted in between cannot skew the rate.
fn paired_reading() -> (Instant, u64) {
    (0..5)
        .map(|_| {
            let before = Instant::now();
            let c = counter();
            let after = Instant::now();
            let gap = after.duration_since(before);
            (gap, before + gap / 2, c)
        })
        .min_by_key(|(gap, ..)| *gap)
        .map(|(_, at, c)| (at, c))
        .expect("five tries")
}

impl Stamp {
    pub fn now() -> Stamp {
        match source() {
            Source::Counter { .. } => Stamp(counter()),
            Source::Os { base } => Stamp(base.elapsed().as_nanos() as u64),
        }
    }

    /// Nanoseconds from `earlier` to `self`; 0 if `earlier` is not earlier.
    pub fn ns_since(self, earlier: Stamp) -> u64 {
        let d = self.0.saturating_sub(earlier.0);
        match source() {
            Source::Counter { ns_per_tick_q32 } => {
                ((d as u128 * *ns_per_tick_q32 as u128) >> 32) as u64
            }
            Source::Os { .. } => d,
        }
    }

    pub fn elapsed_ns(self) -> u64 {
        Stamp::now().ns_since(self)
    }

    pub fn elapsed_us(self) -> u64 {
        self.elapsed_ns() / 1000
    }

    /// The raw reading, for storing in an atomic; never 0, so 0 can mean "none".
    pub fn raw(self) -> u64 {
        self.0.max(1)
    }

    pub fn from_raw(raw: u64) -> Stamp {
        Stamp(raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_a_sleep_like_the_os_clock() {
        init();
        let i0 = Instant::now();
        let s = Stamp::now();
        let i1 = Instant::now();
        std::thread::sleep(Duration::from_millis(30));
        let j0 = Instant::now();
        let ours = s.elapsed_ns();
        let j1 = Instant::now();
        // The OS clock brackets our reading; the calibration error is well under 0.1%.
        let (low, high) = (j0 - i1, j1 - i0);
        let slack = high.as_nanos() as u64 / 1000 + 1000;
        assert!(
            ours + slack >= low.as_nanos() as u64 && ours <= high.as_nanos() as u64 + slack,
            "stamp {ours} ns, os between {low:?} and {high:?}"
        );
    }

    #[test]
    fn is_monotonic_and_never_negative() {
        let a = Stamp::now();
        let b = Stamp::now();
        assert!(b >= a);
        assert_eq!(a.ns_since(b), 0);
        assert_ne!(Stamp::from_raw(0).raw(), 0);
    }
}
