//! Agreement between Sentinels: objective down, epochs, one vote per epoch, the leader of an
//! epoch, and when a failover may start or must be given up. Pure functions over the few numbers
//! `sentinel.c` keeps per master and per peer Sentinel.

use super::{elapsed, span};

/// This Sentinel's vote for one master: `master->leader` / `master->leader_epoch` in Redis
/// (persisted as `leader-epoch` in the config). Also what a peer told us it voted, from its
/// `is-master-down-by-addr` reply (`ri->leader` / `ri->leader_epoch`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vote {
    pub leader: Option<String>,
    pub leader_epoch: u64,
}

/// What [`vote_leader`] did besides answering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoteOutcome {
    /// The request carried a newer epoch, adopted as our current epoch (emit `+new-epoch`).
    pub new_epoch: Option<u64>,
    /// A vote was cast now (emit `+vote-for-leader <leader> <epoch>`, flush the config).
    pub granted: bool,
    /// The vote went to another Sentinel: Redis then pushes this master's
    /// `failover_start_time` to `now + rand() % SENTINEL_MAX_DESYNC`, so we do not run for the
    /// same failover right away.
    pub delay_own_failover: bool,
    /// The answer: our leader for this master (possibly an older vote) and its epoch.
    pub leader: Option<String>,
    pub leader_epoch: u64,
}

/// `sentinelVoteLeader`: vote for `req_runid` in `req_epoch`, or return the vote we already
/// cast. A newer epoch is adopted first. The vote is granted only if we have not voted in this
/// epoch or a later one (`leader_epoch < req_epoch`) and our current epoch is not ahead of the
/// request: one vote per epoch, to the first who asks.
pub fn vote_leader(
    current_epoch: &mut u64,
    vote: &mut Vote,
    req_epoch: u64,
    req_runid: &str,
    myid: &str,
) -> VoteOutcome {
    let mut new_epoch = None;
    if req_epoch > *current_epoch {
        *current_epoch = req_epoch;
        new_epoch = Some(req_epoch);
    }
    let mut granted = false;
    let mut delay_own_failover = false;
    if vote.leader_epoch < req_epoch && *current_epoch <= req_epoch {
        vote.leader = Some(req_runid.to_string());
        vote.leader_epoch = *current_epoch;
        granted = true;
        // Redis compares with strcasecmp.
        delay_own_failover = !req_runid.eq_ignore_ascii_case(myid);
    }
    VoteOutcome {
        new_epoch,
        granted,
        delay_own_failover,
        leader: vote.leader.clone(),
        leader_epoch: vote.leader_epoch,
    }
}

/// Absolute majority of `voters` (`voters/2+1`).
pub fn majority(voters: usize) -> usize {
    voters / 2 + 1
}

/// Votes a candidate needs to lead: an absolute majority of all the Sentinels we know (peers
/// plus ourselves) and at least the configured quorum.
pub fn votes_needed(voters: usize, quorum: u32) -> usize {
    majority(voters).max(quorum as usize)
}

/// The outcome of [`get_leader`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Election {
    /// The Sentinel that won `epoch`, if any got enough votes.
    pub winner: Option<String>,
    /// Votes of the best placed candidate (the winner's if there is one).
    pub max_votes: usize,
    /// Peers plus ourselves.
    pub voters: usize,
    /// What our own vote did (it may have been cast just now).
    pub my_vote: VoteOutcome,
}

/// `sentinelGetLeader`: count the votes for `epoch`. Peers' votes count when cast in our
/// *current* epoch (Redis compares `ri->leader_epoch == sentinel.current_epoch`). If we have not
/// voted yet we vote for the candidate with most votes, or for ourselves if nobody has any; our
/// vote counts when its epoch is `epoch`. The winner needs [`votes_needed`]. Ties between
/// candidates go to the first one in `peers` order reaching the count (Redis: dict order, i.e.
/// arbitrary).
pub fn get_leader(
    peers: &[Vote],
    current_epoch: &mut u64,
    my_vote: &mut Vote,
    myid: &str,
    epoch: u64,
    quorum: u32,
) -> Election {
    let voters = peers.len() + 1;
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for p in peers {
        if let Some(l) = p.leader.as_deref() {
            if p.leader_epoch == *current_epoch {
                incr(&mut counts, l);
            }
        }
    }
    let mut winner: Option<String> = None;
    let mut max_votes = 0;
    for (id, n) in &counts {
        if *n > max_votes {
            max_votes = *n;
            winner = Some(id.to_string());
        }
    }
    let candidate = winner.clone().unwrap_or_else(|| myid.to_string());
    let outcome = vote_leader(current_epoch, my_vote, epoch, &candidate, myid);
    if let Some(mine) = outcome.leader.as_deref() {
        if outcome.leader_epoch == epoch {
            let n = incr(&mut counts, mine);
            if n > max_votes {
                max_votes = n;
                winner = Some(mine.to_string());
            }
        }
    }
    if max_votes < votes_needed(voters, quorum) {
        winner = None;
    }
    Election {
        winner,
        max_votes,
        voters,
        my_vote: outcome,
    }
}

/// `sentinelLeaderIncr`.
fn incr<'a>(counts: &mut Vec<(&'a str, usize)>, id: &'a str) -> usize {
    match counts.iter_mut().find(|(k, _)| *k == id) {
        Some((_, n)) => {
            *n += 1;
            *n
        }
        None => {
            counts.push((id, 1));
            1
        }
    }
}

/// `sentinelCheckObjectivelyDown`: when we see the master SDOWN, count ourselves plus the peers
/// whose last `is-master-down-by-addr` reply said down. Returns the count when it reaches
/// `quorum` (for `+odown ... #quorum <count>/<quorum>`), `None` otherwise.
pub fn objectively_down(s_down: bool, peers_down: usize, quorum: u32) -> Option<usize> {
    if !s_down {
        return None;
    }
    let count = 1 + peers_down;
    (count >= quorum as usize).then_some(count)
}

/// `sentinelAskMasterStateToOtherSentinels`: a peer's down report and vote older than
/// `5 * ask-period` (1 s by default) are forgotten.
pub fn peer_reply_stale(now: u64, last_master_down_reply_time: u64, ask_period: u64) -> bool {
    elapsed(now, last_master_down_reply_time) > span(ask_period.saturating_mul(5))
}

/// `sentinelAskMasterStateToOtherSentinels`: ask a peer only while we see the master SDOWN, the
/// peer is connected, and (unless forced, right after starting a failover) not within
/// `ask-period` of its last reply.
pub fn should_ask_peer(
    now: u64,
    master_s_down: bool,
    peer_connected: bool,
    last_master_down_reply_time: u64,
    forced: bool,
    ask_period: u64,
) -> bool {
    master_s_down
        && peer_connected
        && (forced || elapsed(now, last_master_down_reply_time) >= span(ask_period))
}

/// The runid argument of `is-master-down-by-addr`: ours when a failover is in progress (we are
/// asking for a vote), `*` otherwise (only asking whether the master is down).
pub fn ask_runid(failover_in_progress: bool, myid: &str) -> &str {
    if failover_in_progress {
        myid
    } else {
        "*"
    }
}

/// Why [`start_failover_check`] did not start a failover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartCheck {
    /// Start one now (`sentinelStartFailover`).
    Start,
    /// The master is not ODOWN.
    NotODown,
    /// One is already running.
    InProgress,
    /// The last attempt started less than `2 * failover-timeout` ago; Redis logs
    /// `Next failover delay: I will not start a failover before <ctime(not_before/1000)>` once
    /// per attempt.
    TooSoon { not_before: u64 },
}

/// `sentinelStartFailoverIfNeeded`: start only when ODOWN, none in progress, and the previous
/// attempt (or the vote we gave another Sentinel) is at least `2 * failover-timeout` old.
pub fn start_failover_check(
    now: u64,
    o_down: bool,
    in_progress: bool,
    failover_start_time: u64,
    failover_timeout: u64,
) -> StartCheck {
    if !o_down {
        return StartCheck::NotODown;
    }
    if in_progress {
        return StartCheck::InProgress;
    }
    if elapsed(now, failover_start_time) < (failover_timeout * 2) as i64 {
        return StartCheck::TooSoon {
            not_before: failover_start_time + failover_timeout * 2,
        };
    }
    StartCheck::Start
}

/// `sentinelFailoverWaitStart`: how long a candidate waits to be elected, the smaller of
/// `election-timeout` (10 s by default) and `failover-timeout`.
pub fn election_timeout(failover_timeout: u64, election_timeout: u64) -> u64 {
    election_timeout.min(failover_timeout)
}

/// `sentinelFailoverWaitStart`: a candidate not elected (and not forced by `SENTINEL FAILOVER`)
/// after the election timeout, counted from its (randomly delayed) start time, gives up with
/// `-failover-abort-not-elected`.
pub fn election_expired(
    now: u64,
    failover_start_time: u64,
    failover_timeout: u64,
    election_timeout_ms: u64,
) -> bool {
    elapsed(now, failover_start_time)
        > span(election_timeout(failover_timeout, election_timeout_ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(leader: &str, epoch: u64) -> Vote {
        Vote {
            leader: Some(leader.into()),
            leader_epoch: epoch,
        }
    }

    /// The case: two Sentinels ask the same voter for its vote in the same epoch; only
    /// the first gets it, the second is told who won.
    #[test]
    fn two_candidates_same_epoch_one_grant() {
        let mut epoch = 4;
        let mut vote = Vote {
            leader: Some("old".into()),
            leader_epoch: 4,
        };
        let a = vote_leader(&mut epoch, &mut vote, 5, "A", "me");
        let b = vote_leader(&mut epoch, &mut vote, 5, "B", "me");
        assert_eq!(
            (a.granted, a.leader.as_deref(), a.leader_epoch),
            (true, Some("A"), 5)
        );
        assert_eq!(a.new_epoch, Some(5));
        assert!(a.delay_own_failover);
        assert_eq!(
            (b.granted, b.leader.as_deref(), b.leader_epoch),
            (false, Some("A"), 5)
        );
        assert_eq!(b.new_epoch, None);
        assert_eq!(epoch, 5);
    }

    #[test]
    fn vote_leader_table() {
        // (current epoch, vote, request epoch, requester) ->
        // (granted, leader, leader epoch, new current epoch, delay)
        type Case = (
            u64,
            Vote,
            u64,
            &'static str,
            bool,
            Option<&'static str>,
            u64,
            u64,
            bool,
        );
        let cases: Vec<Case> = vec![
            // Fresh voter, newer epoch: adopt it and grant.
            (0, Vote::default(), 1, "A", true, Some("A"), 1, 1, true),
            // Voting for ourselves does not delay our own failover.
            (0, Vote::default(), 1, "me", true, Some("me"), 1, 1, false),
            (0, Vote::default(), 1, "ME", true, Some("ME"), 1, 1, false),
            // Already voted in this epoch: return the old vote.
            (3, v("A", 3), 3, "B", false, Some("A"), 3, 3, false),
            // Voted in a later epoch: an old request gets the newer vote back.
            (5, v("A", 5), 4, "B", false, Some("A"), 5, 5, false),
            // Our current epoch is ahead of the request: no vote, even if we never voted.
            (6, Vote::default(), 5, "B", false, None, 0, 6, false),
            // Our current epoch equals the request and we voted earlier: grant.
            (5, v("A", 4), 5, "B", true, Some("B"), 5, 5, true),
        ];
        for (i, (cur, vote, req, who, granted, leader, lepoch, new_cur, delay)) in
            cases.into_iter().enumerate()
        {
            let (mut cur, mut vote) = (cur, vote);
            let out = vote_leader(&mut cur, &mut vote, req, who, "me");
            assert_eq!(out.granted, granted, "case {i}");
            assert_eq!(out.leader.as_deref(), leader, "case {i}");
            assert_eq!(out.leader_epoch, lepoch, "case {i}");
            assert_eq!(cur, new_cur, "case {i}");
            assert_eq!(out.delay_own_failover, delay, "case {i}");
        }
    }

    #[test]
    fn majority_and_votes_needed() {
        // (voters, quorum, needed): raft-style majority, at least quorum.
        let cases = [
            (1, 1, 1),
            (2, 1, 2),
            (3, 2, 2),
            (3, 3, 3),
            (4, 2, 3),
            (5, 2, 3),
            (5, 4, 4),
        ];
        for (voters, quorum, needed) in cases {
            assert_eq!(
                votes_needed(voters, quorum),
                needed,
                "{voters} voters quorum {quorum}"
            );
        }
    }

    #[test]
    fn get_leader_table() {
        // (peer votes, my vote before, current epoch, epoch, quorum) -> (winner, max votes)
        type Case = (Vec<Vote>, Vote, u64, u64, u32, Option<&'static str>, usize);
        let cases: Vec<Case> = vec![
            // Three Sentinels, both peers voted for us: we vote for us too, 3/3.
            (
                vec![v("me", 7), v("me", 7)],
                Vote::default(),
                7,
                7,
                2,
                Some("me"),
                3,
            ),
            // One peer voted for us: with our own vote 2 of 3 voters, quorum 2.
            (
                vec![v("me", 7), Vote::default()],
                Vote::default(),
                7,
                7,
                2,
                Some("me"),
                2,
            ),
            // Nobody answered yet: our own vote alone is not a majority of 3.
            (
                vec![Vote::default(), Vote::default()],
                Vote::default(),
                7,
                7,
                2,
                None,
                1,
            ),
            // Alone with quorum 1: our vote suffices.
            (vec![], Vote::default(), 1, 1, 1, Some("me"), 1),
            // Alone but quorum 2: never enough.
            (vec![], Vote::default(), 1, 1, 2, None, 1),
            // Peers voted for X: we follow the most voted candidate.
            (
                vec![v("X", 7), v("X", 7)],
                Vote::default(),
                7,
                7,
                2,
                Some("X"),
                3,
            ),
            // Votes from an older epoch are ignored.
            (
                vec![v("X", 6), v("X", 6)],
                Vote::default(),
                7,
                7,
                2,
                None,
                1,
            ),
            // Split: X and Y one each, we already voted Y in this epoch -> Y has 2 of 3.
            (vec![v("X", 7), v("Y", 7)], v("Y", 7), 7, 7, 2, Some("Y"), 2),
            // Five voters, 2 for me (incl. mine): not a majority (needs 3).
            (
                vec![v("me", 7), v("Z", 7), v("Z", 7), Vote::default()],
                v("me", 7),
                7,
                7,
                2,
                None,
                2,
            ),
            // Quorum higher than majority: 3 of 3 voters needed for quorum 3.
            (
                vec![v("me", 7), Vote::default()],
                Vote::default(),
                7,
                7,
                3,
                None,
                2,
            ),
            // Our current epoch moved past the failover epoch: our vote cannot count for it,
            // and peers' votes count only in the current epoch.
            (
                vec![v("me", 8), v("me", 8)],
                v("other", 6),
                8,
                7,
                2,
                Some("me"),
                2,
            ),
        ];
        for (i, (peers, mine, cur, epoch, quorum, winner, max)) in cases.into_iter().enumerate() {
            let (mut cur, mut mine) = (cur, mine);
            let e = get_leader(&peers, &mut cur, &mut mine, "me", epoch, quorum);
            assert_eq!(e.winner.as_deref(), winner, "case {i}");
            assert_eq!(e.max_votes, max, "case {i}");
            assert_eq!(e.voters, peers.len() + 1, "case {i}");
        }
    }

    /// Two candidates in one epoch among three Sentinels: the third can vote once, so at most
    /// one of them reaches a majority.
    #[test]
    fn competing_candidates_cannot_both_win() {
        let mut third = Vote::default();
        let mut third_epoch = 3;
        let to_a = vote_leader(&mut third_epoch, &mut third, 4, "A", "C");
        let to_b = vote_leader(&mut third_epoch, &mut third, 4, "B", "C");
        let third_says = Vote {
            leader: to_b.leader.clone(),
            leader_epoch: to_b.leader_epoch,
        };
        assert!(to_a.granted && !to_b.granted);
        // A voted for itself, B for itself; each sees the other's self vote and the third's.
        let (mut ea, mut eb) = (4, 4);
        let (mut va, mut vb) = (v("A", 4), v("B", 4));
        let a = get_leader(
            &[v("B", 4), third_says.clone()],
            &mut ea,
            &mut va,
            "A",
            4,
            2,
        );
        let b = get_leader(&[v("A", 4), third_says], &mut eb, &mut vb, "B", 4, 2);
        // Both see A as the leader of epoch 4: B is not elected and will abort on timeout.
        assert_eq!(a.winner.as_deref(), Some("A"));
        assert_eq!(b.winner.as_deref(), Some("A"));
    }

    #[test]
    fn objectively_down_table() {
        // (s_down, peers down, quorum) -> count reported
        let cases = [
            (false, 5, 2, None),
            (true, 0, 1, Some(1)),
            (true, 0, 2, None),
            (true, 1, 2, Some(2)),
            (true, 2, 2, Some(3)),
            (true, 1, 3, None),
        ];
        for (sdown, peers, quorum, want) in cases {
            assert_eq!(
                objectively_down(sdown, peers, quorum),
                want,
                "{sdown} {peers} {quorum}"
            );
        }
    }

    #[test]
    fn start_failover_table() {
        let t = 180_000;
        let cases = [
            (0, false, false, 0, StartCheck::NotODown),
            (0, true, true, 0, StartCheck::InProgress),
            // Never tried (start time 0): at boot time `now` is far from 0.
            (1_000_000, true, false, 0, StartCheck::Start),
            // Retry only after 2 * failover-timeout.
            (
                100_000 + 2 * t - 1,
                true,
                false,
                100_000,
                StartCheck::TooSoon {
                    not_before: 100_000 + 2 * t,
                },
            ),
            (100_000 + 2 * t, true, false, 100_000, StartCheck::Start),
            // Start time in the future (the random delay): too soon.
            (
                100_000,
                true,
                false,
                100_500,
                StartCheck::TooSoon {
                    not_before: 100_500 + 2 * t,
                },
            ),
        ];
        for (i, (now, odown, inprog, start, want)) in cases.into_iter().enumerate() {
            assert_eq!(
                start_failover_check(now, odown, inprog, start, t),
                want,
                "case {i}"
            );
        }
    }

    #[test]
    fn election_timeout_table() {
        // (failover timeout, start, now, expired)
        let cases = [
            (180_000, 1_000, 11_000, false),
            (180_000, 1_000, 11_001, true),
            (5_000, 1_000, 6_000, false),
            (5_000, 1_000, 6_001, true),
            // Start time still in the future because of the random delay.
            (180_000, 2_000, 1_500, false),
        ];
        for (ft, start, now, want) in cases {
            assert_eq!(
                election_expired(now, start, ft, 10_000),
                want,
                "{ft} {start} {now}"
            );
        }
        assert_eq!(election_timeout(180_000, 10_000), 10_000);
        assert_eq!(election_timeout(3_000, 10_000), 3_000);
        // SENTINEL DEBUG election-timeout 2000: a candidate gives up after 2 s.
        assert_eq!(election_timeout(180_000, 2_000), 2_000);
        assert!(!election_expired(3_000, 1_000, 180_000, 2_000));
        assert!(election_expired(3_001, 1_000, 180_000, 2_000));
    }

    #[test]
    fn asking_peers() {
        assert!(peer_reply_stale(10_001, 5_000, 1000));
        assert!(!peer_reply_stale(10_000, 5_000, 1000));
        assert!(!should_ask_peer(10_000, false, true, 0, true, 1000));
        assert!(!should_ask_peer(10_000, true, false, 0, true, 1000));
        assert!(!should_ask_peer(10_000, true, true, 9_500, false, 1000));
        assert!(should_ask_peer(10_000, true, true, 9_500, true, 1000));
        assert!(should_ask_peer(10_000, true, true, 9_000, false, 1000));
        // SENTINEL DEBUG ask-period 200: asked five times as often, forgotten after 1 s.
        assert!(should_ask_peer(10_000, true, true, 9_800, false, 200));
        assert!(!should_ask_peer(10_000, true, true, 9_801, false, 200));
        assert!(peer_reply_stale(10_001, 9_000, 200));
        assert!(!peer_reply_stale(10_000, 9_000, 200));
        assert_eq!(ask_runid(true, "me"), "me");
        assert_eq!(ask_runid(false, "me"), "*");
    }
}
