//! Background jobs (BGSAVE and the AOF rewrite) as Redis's `child_type` bookkeeping sees them:
//! which runs, which waits, how the last one ended. Pure state and decisions; the keyspace
//! actor drives the snapshot itself.

/// What a background job produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// BGSAVE, a save point, or SHUTDOWN's fallback: `dir/dbfilename`.
    Bgsave,
    /// BGREWRITEAOF or an automatic rewrite: a new AOF base file.
    AofRewrite,
    /// A full sync for waiting replicas: streamed to them (diskless) or saved, then sent.
    ReplSync { diskless: bool },
}

/// The running job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Running {
    pub job: Job,
    /// Unix ms when it began.
    pub started_ms: u64,
    /// `dirty` when it began: what a successful save clears.
    pub dirty_at_start: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BgStatus {
    pub running: Option<Running>,
    /// BGSAVE SCHEDULE while a rewrite runs.
    pub bgsave_scheduled: bool,
    /// BGREWRITEAOF while a BGSAVE runs.
    pub rewrite_scheduled: bool,
    /// Replicas wait for a full sync while another job runs.
    pub sync_scheduled: bool,
    pub last_bgsave_ok: bool,
    /// Seconds the last BGSAVE took; -1 before any.
    pub last_bgsave_time_sec: i64,
    /// Unix ms of the last BGSAVE attempt, for the retry delay after a failure.
    pub last_bgsave_try_ms: u64,
    pub last_rewrite_ok: bool,
    pub last_rewrite_time_sec: i64,
    pub rewrites: u64,
    pub rewrites_consecutive_failures: u64,
    /// The running snapshot's progress (INFO `current_save_keys_processed` / `_total`).
    pub keys_processed: u64,
    pub keys_total: u64,
}

impl Default for BgStatus {
    fn default() -> Self {
        BgStatus {
            running: None,
            bgsave_scheduled: false,
            rewrite_scheduled: false,
            sync_scheduled: false,
            last_bgsave_ok: true,
            last_bgsave_time_sec: -1,
            last_bgsave_try_ms: 0,
            last_rewrite_ok: true,
            last_rewrite_time_sec: -1,
            rewrites: 0,
            rewrites_consecutive_failures: 0,
            keys_processed: 0,
            keys_total: 0,
        }
    }
}

/// Redis's `CONFIG_BGSAVE_RETRY_DELAY`: after a failed BGSAVE, save points wait this long.
pub const BGSAVE_RETRY_DELAY_MS: u64 = 5000;

impl BgStatus {
    pub fn runs(&self, job: Job) -> bool {
        self.running.is_some_and(|r| r.job == job)
    }

    /// Whether a save to `dbfilename` runs: BGSAVE, or a disk-based full sync.
    pub fn saving(&self) -> bool {
        matches!(
            self.running.map(|r| r.job),
            Some(Job::Bgsave | Job::ReplSync { diskless: false })
        )
    }

    /// Seconds the running `job` has taken so far; -1 when it is not running.
    pub fn current_time_sec(&self, job: Job, now_ms: u64) -> i64 {
        match self.running {
            Some(r) if r.job == job => (now_ms.saturating_sub(r.started_ms) / 1000) as i64,
            _ => -1,
        }
    }

    /// Records the end of the running job; returns it.
    pub fn finish(&mut self, ok: bool, now_ms: u64) -> Option<Running> {
        let r = self.running.take()?;
        self.keys_processed = 0;
        self.keys_total = 0;
        let secs = (now_ms.saturating_sub(r.started_ms) / 1000) as i64;
        match r.job {
            Job::Bgsave => {
                self.last_bgsave_ok = ok;
                self.last_bgsave_time_sec = secs;
            }
            Job::ReplSync { diskless: false } => {
                self.last_bgsave_ok = ok;
                self.last_bgsave_time_sec = secs;
            }
            Job::ReplSync { diskless: true } => {}
            Job::AofRewrite => {
                self.last_rewrite_ok = ok;
                self.last_rewrite_time_sec = secs;
                if ok {
                    self.rewrites_consecutive_failures = 0;
                } else {
                    self.rewrites_consecutive_failures += 1;
                }
            }
        }
        Some(r)
    }
}

/// Redis's serverCron check of `save` points: the first point whose change count and age are
/// both reached, unless the last BGSAVE failed less than the retry delay ago.
pub fn due_save_point(
    points: &[(u64, u64)],
    dirty: u64,
    lastsave_s: u64,
    status: &BgStatus,
    now_ms: u64,
) -> Option<(u64, u64)> {
    let now_s = now_ms / 1000;
    let retry_ok = status.last_bgsave_ok
        || now_ms.saturating_sub(status.last_bgsave_try_ms) > BGSAVE_RETRY_DELAY_MS;
    points
        .iter()
        .copied()
        .find(|&(secs, changes)| dirty >= changes && now_s.saturating_sub(lastsave_s) > secs)
        .filter(|_| retry_ok)
}

/// `auto-aof-rewrite-percentage` / `auto-aof-rewrite-min-size`: the growth in percent over the
/// size after the last rewrite, when it calls for a rewrite.
pub fn rewrite_growth_due(current: u64, base: u64, percentage: u64, min_size: u64) -> Option<u64> {
    if percentage == 0 || current <= min_size {
        return None;
    }
    let base = base.max(1);
    let growth = (current * 100 / base).saturating_sub(100);
    (growth >= percentage).then_some(growth)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_points_from_a_table() {
        let points = [(3600, 1), (300, 100), (60, 10000)];
        let ok = BgStatus::default();
        let failed = BgStatus {
            last_bgsave_ok: false,
            last_bgsave_try_ms: 100_000,
            ..BgStatus::default()
        };
        // (dirty, lastsave s, status, now ms) -> point
        type Case<'a> = (u64, u64, &'a BgStatus, u64, Option<(u64, u64)>);
        let cases: &[Case] = &[
            (0, 0, &ok, 10_000_000, None),
            (1, 0, &ok, 3_600_000, None),
            (1, 0, &ok, 3_601_000, Some((3600, 1))),
            (100, 0, &ok, 301_000, Some((300, 100))),
            (99, 0, &ok, 301_000, None),
            (10_000, 0, &ok, 61_000, Some((60, 10000))),
            (10_000, 0, &failed, 104_000, None),
            (10_000, 0, &failed, 105_001, Some((60, 10000))),
        ];
        for &(dirty, last, st, now, want) in cases {
            assert_eq!(
                due_save_point(&points, dirty, last, st, now),
                want,
                "{dirty} {last} {now}"
            );
        }
    }

    #[test]
    fn rewrite_growth_from_a_table() {
        let mb = 1 << 20;
        let cases = [
            (63 * mb, mb, 100, 64 * mb, None),
            (65 * mb, 64 * mb, 100, 64 * mb, None),
            (128 * mb, 64 * mb, 100, 64 * mb, Some(100)),
            (200 * mb, 0, 100, 64 * mb, Some(200 * mb * 100 - 100)),
            (200 * mb, 64 * mb, 0, 64 * mb, None),
        ];
        for (cur, base, pct, min, want) in cases {
            assert_eq!(rewrite_growth_due(cur, base, pct, min), want);
        }
    }

    #[test]
    fn finishing_records_status_and_times() {
        let mut st = BgStatus {
            running: Some(Running {
                job: Job::AofRewrite,
                started_ms: 1000,
                dirty_at_start: 3,
            }),
            ..BgStatus::default()
        };
        assert!(st.runs(Job::AofRewrite) && !st.runs(Job::Bgsave));
        assert_eq!(st.current_time_sec(Job::AofRewrite, 3500), 2);
        assert_eq!(st.current_time_sec(Job::Bgsave, 3500), -1);
        st.finish(false, 4000);
        assert_eq!(
            (st.last_rewrite_ok, st.rewrites_consecutive_failures),
            (false, 1)
        );
        assert_eq!(st.running, None);
        assert_eq!(st.finish(true, 5000), None);
    }
}
