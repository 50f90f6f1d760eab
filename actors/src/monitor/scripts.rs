//! `notification-script` and `client-reconfig-script`, run as Redis's Sentinel runs them
//! (`sentinelScheduleScriptExecution`, `sentinelRunPendingScripts`): a queue of at most 256,
//! at most 16 running, a script killed after `script-max-runtime` (60 s), and one that exits 1
//! (or is killed) retried up to 10 times with a doubling delay starting at `script-retry-delay`
//! (30 s); both as `SENTINEL DEBUG` last set them.

use super::shared::Shared;
use crate::sentinel::Event;
use std::collections::{HashSet, VecDeque};
use std::process::{Child, Command};

const MAX_QUEUE: usize = 256;
const MAX_RUNNING: usize = 16;
const MAX_RETRY: u32 = 10;

struct Job {
    argv: Vec<String>,
    retry: u32,
    /// Not before this (Unix ms), for retries.
    not_before: u64,
}

struct Running {
    job: Job,
    child: Child,
    started: u64,
}

pub struct Scripts {
    queue: VecDeque<Job>,
    running: Vec<Running>,
    /// Masters whose next `+switch-master` came from another Sentinel's hello.
    observed: HashSet<String>,
    log: slog::Logger,
}

impl Scripts {
    pub fn new(log: slog::Logger) -> Self {
        Scripts {
            queue: VecDeque::new(),
            running: Vec::new(),
            observed: HashSet::new(),
            log,
        }
    }

    pub fn running(&self) -> usize {
        self.running.len()
    }

    pub fn queued(&self) -> usize {
        self.queue.len()
    }

    /// `SENTINEL PENDING-SCRIPTS`: (argv, running, pid or 0, run time or retry delay, retries).
    pub fn pending(&self, now: u64) -> Vec<(Vec<String>, bool, u32, u64, u32)> {
        let mut out: Vec<_> = self
            .running
            .iter()
            .map(|r| {
                (
                    r.job.argv.clone(),
                    true,
                    r.child.id(),
                    now.saturating_sub(r.started),
                    r.job.retry,
                )
            })
            .collect();
        out.extend(self.queue.iter().map(|j| {
            (
                j.argv.clone(),
                false,
                0,
                j.not_before.saturating_sub(now),
                j.retry,
            )
        }));
        out
    }

    /// `sentinelScheduleScriptExecution`: when full, the oldest job not running is dropped.
    pub fn queue(&mut self, script: String, args: Vec<String>) {
        let mut argv = vec![script];
        argv.extend(args);
        if self.queue.len() >= MAX_QUEUE {
            self.queue.pop_front();
        }
        self.queue.push_back(Job {
            argv,
            retry: 0,
            not_before: 0,
        });
    }

    /// `sentinelCallClientReconfScript` at the events that call it: our promotion
    /// (leader, start) and a switch learnt from a hello (observer, start).
    pub fn on_event(&mut self, master: &str, event: &Event, shared: &Shared) {
        let script = shared
            .views
            .get(master)
            .and_then(|v| v.cfg.client_reconfig_script.clone());
        let words: Vec<&str> = event.payload.split(' ').collect();
        match event.kind {
            "+config-update-from" => {
                self.observed.insert(master.to_string());
            }
            "+promoted-slave" => {
                // slave <name> <ip> <port> @ <master> <ip> <port>
                if let (Some(script), [_, _, ip, port, _, _, mip, mport]) = (script, &words[..]) {
                    let args = [master, "leader", "start", mip, mport, ip, port];
                    self.queue(script, args.iter().map(|s| s.to_string()).collect());
                }
            }
            "+switch-master" if self.observed.remove(master) => {
                // <name> <old ip> <old port> <new ip> <new port>
                if let (Some(script), [_, oip, oport, nip, nport]) = (script, &words[..]) {
                    let args = [master, "observer", "start", oip, oport, nip, nport];
                    self.queue(script, args.iter().map(|s| s.to_string()).collect());
                }
            }
            _ => {}
        }
    }

    /// Reaps finished scripts, kills those running longer than `max_runtime`, starts what may
    /// start; a failed one is retried after `retry_delay` doubled at each retry.
    pub fn run_pending(&mut self, max_runtime: u64, retry_delay: u64) {
        let now = crate::server::unix_ms();
        let mut i = 0;
        while i < self.running.len() {
            let r = &mut self.running[i];
            let status = match r.child.try_wait() {
                Ok(Some(s)) => Some(s.code()),
                Ok(None) if now.saturating_sub(r.started) > max_runtime => {
                    slog::warn!(
                        self.log,
                        "-script-timeout {} {}",
                        r.job.argv[0],
                        r.child.id()
                    );
                    let _ = r.child.kill();
                    let _ = r.child.wait();
                    Some(None)
                }
                Ok(None) => None,
                Err(_) => Some(None),
            };
            let Some(code) = status else {
                i += 1;
                continue;
            };
            let mut r = self.running.swap_remove(i);
            // Exit 1 or a signal: retry later; anything else is final.
            let retry = matches!(code, Some(1) | None);
            if retry && r.job.retry < MAX_RETRY {
                let delay = retry_delay.saturating_mul(1 << r.job.retry.saturating_sub(1));
                r.job.not_before = now.saturating_add(delay);
                self.queue.push_back(r.job);
            } else if code != Some(0) {
                slog::warn!(
                    self.log,
                    "-script-error {} {} {}",
                    r.job.argv[0],
                    code.map_or(99, |c| c),
                    r.job.retry
                );
            }
        }
        let mut kept = VecDeque::new();
        while let Some(mut job) = self.queue.pop_front() {
            if self.running.len() >= MAX_RUNNING || job.not_before > now {
                kept.push_back(job);
                continue;
            }
            job.retry += 1;
            match Command::new(&job.argv[0]).args(&job.argv[1..]).spawn() {
                Ok(child) => {
                    slog::debug!(self.log, "+script-child {}", child.id());
                    self.running.push(Running {
                        job,
                        child,
                        started: now,
                    });
                }
                Err(e) => {
                    slog::warn!(self.log, "-script-error {} {e}", job.argv[0]);
                }
            }
        }
        self.queue = kept;
    }
}
