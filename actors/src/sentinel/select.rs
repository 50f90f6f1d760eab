//! Which replica to promote: `sentinelSelectSlave` and `compareSlavesForPromotion`.

use std::cmp::Ordering;
use std::fmt;

use super::{elapsed, span};

/// What the master's Sentinel knows of one replica when choosing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// SDOWN or ODOWN in our view.
    pub down: bool,
    /// The command link to it is not connected.
    pub disconnected: bool,
    /// Last valid PING reply (`link->last_avail_time`).
    pub last_avail_time: u64,
    /// Last INFO reply (`info_refresh`).
    pub info_refresh: u64,
    /// `slave_priority` from INFO (`replica-priority`; 0 = never promote).
    pub priority: u32,
    /// `slave_repl_offset` from INFO.
    pub repl_offset: u64,
    /// `run_id` from INFO; absent for very old servers.
    pub runid: Option<String>,
    /// `master_link_down_since_seconds * 1000` from INFO, 0 when the link is up.
    pub master_link_down_time: u64,
}

/// The master's side of the choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MasterView {
    /// The master is SDOWN for us, since `s_down_since_time`.
    pub s_down: bool,
    pub s_down_since_time: u64,
    pub down_after_period: u64,
    /// The Sentinel's `ping-period` and `info-period` (`SENTINEL DEBUG`; 1 s and 10 s by
    /// default).
    pub ping_period: u64,
    pub info_period: u64,
}

/// Why a replica cannot be promoted (in `sentinelSelectSlave`'s order of checks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    Down,
    Disconnected,
    /// No valid PING reply in `5 * ping-period`.
    NotAnsweringPing,
    /// `replica-priority 0`.
    PriorityZero,
    /// INFO older than its validity time.
    StaleInfo,
    /// Its link to the master went down too long before the master did.
    LinkDownTooLong,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Rejection::Down => "replica is down",
            Rejection::Disconnected => "replica link is disconnected",
            Rejection::NotAnsweringPing => "replica has not answered PING recently",
            Rejection::PriorityZero => "replica priority is 0",
            Rejection::StaleInfo => "replica INFO is too old",
            Rejection::LinkDownTooLong => "replica link to the master is down for too long",
        })
    }
}

/// The longest `master_link_down_time` accepted: `down-after-milliseconds * 10`, plus how long
/// the master has been SDOWN for us (a replica may have lost its master a bit before we did).
pub fn max_master_down_time(master: &MasterView, now: u64) -> i64 {
    let mut t = 0;
    if master.s_down {
        t += elapsed(now, master.s_down_since_time);
    }
    t + (master.down_after_period * 10) as i64
}

/// How old a replica's INFO may be: `5 * ping-period` (5 s) while the master is SDOWN, since
/// replicas are then asked every second; `3 * info-period` (30 s) otherwise.
pub fn info_validity_time(master: &MasterView) -> u64 {
    if master.s_down {
        master.ping_period.saturating_mul(5)
    } else {
        master.info_period.saturating_mul(3)
    }
}

/// The filters of `sentinelSelectSlave`, in Redis's order.
pub fn eligibility(master: &MasterView, c: &Candidate, now: u64) -> Result<(), Rejection> {
    if c.down {
        return Err(Rejection::Down);
    }
    if c.disconnected {
        return Err(Rejection::Disconnected);
    }
    if elapsed(now, c.last_avail_time) > span(master.ping_period.saturating_mul(5)) {
        return Err(Rejection::NotAnsweringPing);
    }
    if c.priority == 0 {
        return Err(Rejection::PriorityZero);
    }
    if elapsed(now, c.info_refresh) > span(info_validity_time(master)) {
        return Err(Rejection::StaleInfo);
    }
    if c.master_link_down_time as i64 > max_master_down_time(master, now) {
        return Err(Rejection::LinkDownTooLong);
    }
    Ok(())
}

/// `compareSlavesForPromotion`: better first. Lower priority, then larger offset, then the
/// smaller runid compared case-insensitively (`strcasecmp`); a missing runid sorts last.
pub fn compare_for_promotion(a: &Candidate, b: &Candidate) -> Ordering {
    a.priority
        .cmp(&b.priority)
        .then_with(|| b.repl_offset.cmp(&a.repl_offset))
        .then_with(|| match (&a.runid, &b.runid) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (Some(x), Some(y)) => strcasecmp(x, y),
        })
}

fn strcasecmp(a: &str, b: &str) -> Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

/// `sentinelSelectSlave`: the index of the best eligible candidate, `None` if none qualifies
/// (then the failover aborts with `-failover-abort-no-good-slave`). Exact ties go to the earlier
/// candidate (Redis: whatever `qsort` leaves first).
pub fn select_slave(master: &MasterView, candidates: &[Candidate], now: u64) -> Option<usize> {
    candidates
        .iter()
        .enumerate()
        .filter(|(_, c)| eligibility(master, c, now).is_ok())
        .min_by(|(ia, a), (ib, b)| compare_for_promotion(a, b).then(ia.cmp(ib)))
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_000_000;

    fn good(runid: &str) -> Candidate {
        Candidate {
            down: false,
            disconnected: false,
            last_avail_time: NOW - 100,
            info_refresh: NOW - 500,
            priority: 100,
            repl_offset: 1000,
            runid: Some(runid.into()),
            master_link_down_time: 0,
        }
    }

    fn with(runid: &str, f: impl FnOnce(&mut Candidate)) -> Candidate {
        let mut c = good(runid);
        f(&mut c);
        c
    }

    const UP: MasterView = MasterView {
        s_down: false,
        s_down_since_time: 0,
        down_after_period: 30_000,
        ping_period: 1000,
        info_period: 10_000,
    };
    const SDOWN: MasterView = MasterView {
        s_down: true,
        s_down_since_time: NOW - 40_000,
        down_after_period: 30_000,
        ping_period: 1000,
        info_period: 10_000,
    };
    /// `SENTINEL DEBUG info-period 1000 ping-period 200`.
    const UP_FAST: MasterView = MasterView {
        info_period: 1000,
        ping_period: 200,
        ..UP
    };
    const SDOWN_FAST: MasterView = MasterView {
        info_period: 1000,
        ping_period: 200,
        ..SDOWN
    };

    #[test]
    fn eligibility_table() {
        let cases: Vec<(MasterView, Candidate, Result<(), Rejection>)> = vec![
            (UP, good("a"), Ok(())),
            (UP, with("a", |c| c.down = true), Err(Rejection::Down)),
            (
                UP,
                with("a", |c| c.disconnected = true),
                Err(Rejection::Disconnected),
            ),
            (UP, with("a", |c| c.last_avail_time = NOW - 5_000), Ok(())),
            (
                UP,
                with("a", |c| c.last_avail_time = NOW - 5_001),
                Err(Rejection::NotAnsweringPing),
            ),
            (
                UP,
                with("a", |c| c.priority = 0),
                Err(Rejection::PriorityZero),
            ),
            // INFO validity: 30 s normally, 5 s while the master is SDOWN.
            (UP, with("a", |c| c.info_refresh = NOW - 30_000), Ok(())),
            (
                UP,
                with("a", |c| c.info_refresh = NOW - 30_001),
                Err(Rejection::StaleInfo),
            ),
            (SDOWN, with("a", |c| c.info_refresh = NOW - 5_000), Ok(())),
            (
                SDOWN,
                with("a", |c| c.info_refresh = NOW - 5_001),
                Err(Rejection::StaleInfo),
            ),
            // Link down: 10 * down-after (300 s), plus 40 s of master SDOWN.
            (UP, with("a", |c| c.master_link_down_time = 300_000), Ok(())),
            (
                UP,
                with("a", |c| c.master_link_down_time = 300_001),
                Err(Rejection::LinkDownTooLong),
            ),
            (
                SDOWN,
                with("a", |c| c.master_link_down_time = 340_000),
                Ok(()),
            ),
            (
                SDOWN,
                with("a", |c| c.master_link_down_time = 340_001),
                Err(Rejection::LinkDownTooLong),
            ),
            // With info-period 1 s and ping-period 200 ms: INFO valid 3 s (1 s while SDOWN),
            // a valid PING reply needed within 1 s.
            (UP_FAST, with("a", |c| c.info_refresh = NOW - 3_000), Ok(())),
            (
                UP_FAST,
                with("a", |c| c.info_refresh = NOW - 3_001),
                Err(Rejection::StaleInfo),
            ),
            (
                SDOWN_FAST,
                with("a", |c| c.info_refresh = NOW - 1_000),
                Ok(()),
            ),
            (
                SDOWN_FAST,
                with("a", |c| c.info_refresh = NOW - 1_001),
                Err(Rejection::StaleInfo),
            ),
            (
                UP_FAST,
                with("a", |c| c.last_avail_time = NOW - 1_000),
                Ok(()),
            ),
            (
                UP_FAST,
                with("a", |c| c.last_avail_time = NOW - 1_001),
                Err(Rejection::NotAnsweringPing),
            ),
            // Huge values saturate instead of overflowing.
            (
                MasterView {
                    info_period: i64::MAX as u64,
                    ping_period: i64::MAX as u64,
                    ..UP
                },
                with("a", |c| {
                    c.info_refresh = 0;
                    c.last_avail_time = 0
                }),
                Ok(()),
            ),
        ];
        for (i, (m, c, want)) in cases.iter().enumerate() {
            assert_eq!(eligibility(m, c, NOW), *want, "case {i}");
        }
    }

    #[test]
    fn selection_table() {
        // (candidates, chosen index)
        let cases: Vec<(Vec<Candidate>, Option<usize>)> = vec![
            (vec![], None),
            (vec![with("a", |c| c.priority = 0)], None),
            // Lower priority wins even with a smaller offset.
            (
                vec![
                    good("a"),
                    with("b", |c| {
                        c.priority = 10;
                        c.repl_offset = 1
                    }),
                ],
                Some(1),
            ),
            // Same priority: larger offset wins.
            (
                vec![good("a"), with("b", |c| c.repl_offset = 2000)],
                Some(1),
            ),
            // Same offset: smaller runid wins, case-insensitively.
            (vec![good("b"), good("a")], Some(1)),
            (vec![good("B"), good("a")], Some(1)),
            (vec![good("b"), good("A")], Some(1)),
            // A missing runid loses.
            (vec![with("x", |c| c.runid = None), good("z")], Some(1)),
            // Ineligible ones are skipped even if they would be best.
            (
                vec![
                    with("a", |c| {
                        c.priority = 1;
                        c.down = true
                    }),
                    good("b"),
                ],
                Some(1),
            ),
            // Exact tie: the first.
            (
                vec![with("x", |c| c.runid = None), with("y", |c| c.runid = None)],
                Some(0),
            ),
        ];
        for (i, (cands, want)) in cases.iter().enumerate() {
            assert_eq!(select_slave(&UP, cands, NOW), *want, "case {i}");
        }
    }

    #[test]
    fn rejection_display() {
        assert_eq!(Rejection::PriorityZero.to_string(), "replica priority is 0");
    }
}
