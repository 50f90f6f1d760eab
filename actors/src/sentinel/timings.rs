//! The thirteen timings `SENTINEL DEBUG` shows and sets (Redis 7.0's `sentinel_info_period`,
//! `sentinel_ping_period`, ... globals, which `sentinelSetDebugConfigParameters` assigns and
//! the timer reads on every pass). One copy lives in the Sentinel's shared state; each
//! master's monitor takes a snapshot per timer pass and hands it to the pure rules.

use super::command::DebugParam;

/// Every value is in milliseconds; [`Timings::default`] gives the compiled-in constants of
/// [`super`] (`PING_PERIOD`, `INFO_PERIOD`, ...), which are Redis's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timings {
    /// `sentinel_info_period`: INFO every so often (every second for replicas of a failing
    /// master, whatever this says).
    pub info_period: u64,
    /// `sentinel_ping_period`: PING at most this far apart (less if `down-after-milliseconds`
    /// is shorter); also the reconnect throttle and, times 5, how long a promotable replica
    /// may go without a valid PING reply.
    pub ping_period: u64,
    /// `sentinel_ask_period`: how often to ask peers `SENTINEL is-master-down-by-addr`.
    pub ask_period: u64,
    /// `sentinel_publish_period`: a hello this often.
    pub publish_period: u64,
    /// `sentinel_default_down_after`: `down-after-milliseconds` of a master added by
    /// `SENTINEL MONITOR` (taken when it is added).
    pub default_down_after: u64,
    /// `sentinel_default_failover_timeout`: `failover-timeout` of a master added by
    /// `SENTINEL MONITOR`.
    pub default_failover_timeout: u64,
    /// `sentinel_tilt_trigger`: a timer gap longer than this (or a clock going back) means TILT.
    pub tilt_trigger: u64,
    /// `sentinel_tilt_period`: how long TILT lasts once the clock behaves.
    pub tilt_period: u64,
    /// `sentinel_slave_reconf_timeout`: a replica told `REPLICAOF` that does not move on in
    /// this long is counted as reconfigured anyway.
    pub slave_reconf_timeout: u64,
    /// `sentinel_min_link_reconnect_period`: a link younger than this is never closed for
    /// idleness.
    pub min_link_reconnect_period: u64,
    /// `sentinel_election_timeout`: the longest a candidate waits to be elected.
    pub election_timeout: u64,
    /// `sentinel_script_max_runtime`: a script running longer is killed.
    pub script_max_runtime: u64,
    /// `sentinel_script_retry_delay`: the first retry's delay, doubled at each further retry.
    pub script_retry_delay: u64,
}

impl Default for Timings {
    fn default() -> Self {
        Timings {
            info_period: super::INFO_PERIOD,
            ping_period: super::PING_PERIOD,
            ask_period: super::ASK_PERIOD,
            publish_period: super::PUBLISH_PERIOD,
            default_down_after: super::DEFAULT_DOWN_AFTER,
            default_failover_timeout: super::DEFAULT_FAILOVER_TIMEOUT,
            tilt_trigger: super::TILT_TRIGGER,
            tilt_period: super::TILT_PERIOD,
            slave_reconf_timeout: super::SLAVE_RECONF_TIMEOUT,
            min_link_reconnect_period: super::MIN_LINK_RECONNECT_PERIOD,
            election_timeout: super::ELECTION_TIMEOUT,
            script_max_runtime: super::SCRIPT_MAX_RUNTIME,
            script_retry_delay: super::SCRIPT_RETRY_DELAY,
        }
    }
}

impl Timings {
    fn slot(&mut self, p: DebugParam) -> &mut u64 {
        match p {
            DebugParam::InfoPeriod => &mut self.info_period,
            DebugParam::PingPeriod => &mut self.ping_period,
            DebugParam::AskPeriod => &mut self.ask_period,
            DebugParam::PublishPeriod => &mut self.publish_period,
            DebugParam::DefaultDownAfter => &mut self.default_down_after,
            DebugParam::DefaultFailoverTimeout => &mut self.default_failover_timeout,
            DebugParam::TiltTrigger => &mut self.tilt_trigger,
            DebugParam::TiltPeriod => &mut self.tilt_period,
            DebugParam::SlaveReconfTimeout => &mut self.slave_reconf_timeout,
            DebugParam::MinLinkReconnectPeriod => &mut self.min_link_reconnect_period,
            DebugParam::ElectionTimeout => &mut self.election_timeout,
            DebugParam::ScriptMaxRuntime => &mut self.script_max_runtime,
            DebugParam::ScriptRetryDelay => &mut self.script_retry_delay,
        }
    }

    /// The value `SENTINEL DEBUG` shows for `p`.
    pub fn get(mut self, p: DebugParam) -> u64 {
        *self.slot(p)
    }

    /// `SENTINEL DEBUG <p> <v>`.
    pub fn set(&mut self, p: DebugParam, v: u64) {
        *self.slot(p) = v;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_redis_constants_and_every_param_has_its_own_slot() {
        let d = Timings::default();
        let want = [
            10_000, 1000, 1000, 2000, 30_000, 180_000, 2000, 30_000, 10_000, 15_000, 10_000,
            60_000, 30_000,
        ];
        for (p, w) in DebugParam::ALL.into_iter().zip(want) {
            assert_eq!(d.get(p), w, "{}", p.name());
        }
        for (i, p) in DebugParam::ALL.into_iter().enumerate() {
            let mut t = Timings::default();
            t.set(p, 7);
            for (j, q) in DebugParam::ALL.into_iter().enumerate() {
                assert_eq!(t.get(q) == 7, i == j, "{} then {}", p.name(), q.name());
            }
        }
    }
}
