//! Sentinel's own configuration, as `sentinel ...` lines of its config file: read with Redis's
//! checks and error texts (`sentinelHandleConfiguration`), and written back, state included
//! (myid, epochs, known replicas and Sentinels), in the order `rewriteConfigSentinelOption`
//! writes it, so a restarted Sentinel remembers what it learnt.

use super::{DEFAULT_DOWN_AFTER, DEFAULT_FAILOVER_TIMEOUT};

/// `sentinel_default_parallel_syncs` is 1; `deny-scripts-reconfig` defaults to yes.
const DEFAULT_PARALLEL_SYNCS: u64 = 1;

/// One monitored master.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MasterConfig {
    pub name: String,
    pub host: String,
    pub port: u16,
    pub quorum: u32,
    pub down_after_ms: u64,
    pub failover_timeout_ms: u64,
    pub parallel_syncs: u64,
    pub auth_pass: Option<String>,
    pub auth_user: Option<String>,
    pub notification_script: Option<String>,
    pub client_reconfig_script: Option<String>,
    pub master_reboot_down_after_period: u64,
    pub config_epoch: u64,
    pub leader_epoch: u64,
    pub known_replicas: Vec<(String, u16)>,
    /// (host, port, runid).
    pub known_sentinels: Vec<(String, u16, String)>,
    pub renamed_commands: Vec<(String, String)>,
}

impl MasterConfig {
    pub fn new(name: &str, host: &str, port: u16, quorum: u32) -> Self {
        MasterConfig {
            name: name.to_string(),
            host: host.to_string(),
            port,
            quorum,
            down_after_ms: DEFAULT_DOWN_AFTER,
            failover_timeout_ms: DEFAULT_FAILOVER_TIMEOUT,
            parallel_syncs: DEFAULT_PARALLEL_SYNCS,
            auth_pass: None,
            auth_user: None,
            notification_script: None,
            client_reconfig_script: None,
            master_reboot_down_after_period: 0,
            config_epoch: 0,
            leader_epoch: 0,
            known_replicas: Vec::new(),
            known_sentinels: Vec::new(),
            renamed_commands: Vec::new(),
        }
    }
}

/// Everything the `sentinel` lines say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentinelConfig {
    pub masters: Vec<MasterConfig>,
    pub myid: Option<String>,
    pub current_epoch: u64,
    pub announce_ip: Option<String>,
    pub announce_port: u16,
    pub deny_scripts_reconfig: bool,
    pub resolve_hostnames: bool,
    pub announce_hostnames: bool,
    pub sentinel_user: Option<String>,
    pub sentinel_pass: Option<String>,
}

impl Default for SentinelConfig {
    fn default() -> Self {
        SentinelConfig {
            masters: Vec::new(),
            myid: None,
            current_epoch: 0,
            announce_ip: None,
            announce_port: 0,
            deny_scripts_reconfig: true,
            resolve_hostnames: false,
            announce_hostnames: false,
            sentinel_user: None,
            sentinel_pass: None,
        }
    }
}

/// C's `atoi`/`strtoull` reading of a number: leading digits, 0 when there are none.
fn number(s: &str) -> u64 {
    let digits: String = s
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().unwrap_or(0)
}

fn signed(s: &str) -> i64 {
    let t = s.trim_start();
    let (neg, rest) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let v = number(rest) as i64;
    if neg {
        -v
    } else {
        v
    }
}

fn yes_no(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

fn port(s: &str) -> Option<u16> {
    let p = signed(s);
    (1..=65535).contains(&p).then_some(p as u16)
}

impl SentinelConfig {
    fn master_mut(&mut self, name: &str) -> Result<&mut MasterConfig, &'static str> {
        self.masters
            .iter_mut()
            .find(|m| m.name == name)
            .ok_or("No such master with specified name.")
    }

    /// One `sentinel <args...>` line (without the word `sentinel`); `Err` is the text Redis
    /// prints after the offending line in its fatal config error.
    pub fn apply(&mut self, args: &[String]) -> Result<(), &'static str> {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let Some(first) = a.first() else {
            return Err("Unrecognized sentinel configuration statement.");
        };
        let key = first.to_ascii_lowercase();
        match (key.as_str(), a.len()) {
            ("monitor", 5) => {
                let quorum = signed(a[4]);
                if quorum <= 0 {
                    return Err("Quorum must be 1 or greater.");
                }
                if self.masters.iter().any(|m| m.name == a[1]) {
                    return Err("Duplicated master name.");
                }
                let p = port(a[3]).ok_or("Invalid port number.")?;
                // `createSentinelAddr`: an address, or a name when `resolve-hostnames yes`
                // came before, that must resolve.
                if super::command::numeric_host(a[2]).is_none()
                    && !(self.resolve_hostnames && resolve(a[2]).is_some())
                {
                    return Err("Can't resolve instance hostname.");
                }
                self.masters
                    .push(MasterConfig::new(a[1], a[2], p, quorum as u32));
            }
            ("down-after-milliseconds", 3) => {
                let m = self.master_mut(a[1])?;
                let v = signed(a[2]);
                if v <= 0 {
                    return Err("negative or zero time parameter.");
                }
                m.down_after_ms = v as u64;
            }
            ("failover-timeout", 3) => {
                let m = self.master_mut(a[1])?;
                let v = signed(a[2]);
                if v <= 0 {
                    return Err("negative or zero time parameter.");
                }
                m.failover_timeout_ms = v as u64;
            }
            ("parallel-syncs", 3) => self.master_mut(a[1])?.parallel_syncs = number(a[2]),
            ("notification-script", 3) => {
                let m = self.master_mut(a[1])?;
                if !executable(a[2]) {
                    return Err("Notification script seems non existing or non executable.");
                }
                m.notification_script = Some(a[2].to_string());
            }
            ("client-reconfig-script", 3) => {
                let m = self.master_mut(a[1])?;
                if !executable(a[2]) {
                    return Err(
                        "Client reconfiguration script seems non existing or non executable.",
                    );
                }
                m.client_reconfig_script = Some(a[2].to_string());
            }
            ("auth-pass", 3) => self.master_mut(a[1])?.auth_pass = Some(a[2].to_string()),
            ("auth-user", 3) => self.master_mut(a[1])?.auth_user = Some(a[2].to_string()),
            ("master-reboot-down-after-period", 3) => {
                let m = self.master_mut(a[1])?;
                let v = signed(a[2]);
                if v < 0 {
                    return Err("negative time parameter.");
                }
                m.master_reboot_down_after_period = v as u64;
            }
            ("current-epoch", 2) => self.current_epoch = self.current_epoch.max(number(a[1])),
            ("myid", 2) => {
                if a[1].len() != 40 {
                    return Err("Malformed Sentinel id in myid option.");
                }
                self.myid = Some(a[1].to_string());
            }
            ("config-epoch", 3) => {
                let v = number(a[2]);
                let m = self.master_mut(a[1])?;
                m.config_epoch = v;
                // A config epoch beyond ours means we have been away: catch up.
                self.current_epoch = self.current_epoch.max(v);
            }
            ("leader-epoch", 3) => self.master_mut(a[1])?.leader_epoch = number(a[2]),
            ("known-slave" | "known-replica", 4) => {
                let p = port(a[3]);
                let m = self.master_mut(a[1])?;
                let p = p.ok_or("Wrong hostname or port for replica.")?;
                m.known_replicas.push((a[2].to_string(), p));
            }
            ("known-sentinel", 4 | 5) => {
                let p = port(a[3]);
                let m = self.master_mut(a[1])?;
                let p = p.ok_or("Wrong hostname or port for sentinel.")?;
                let runid = a.get(4).map(|s| s.to_string()).unwrap_or_default();
                m.known_sentinels.push((a[2].to_string(), p, runid));
            }
            ("rename-command", 4) => {
                let m = self.master_mut(a[1])?;
                m.renamed_commands
                    .push((a[2].to_string(), a[3].to_string()));
            }
            ("announce-ip", 2) => {
                if !a[1].is_empty() {
                    self.announce_ip = Some(a[1].to_string());
                }
            }
            ("announce-port", 2) => self.announce_port = number(a[1]).min(65535) as u16,
            ("deny-scripts-reconfig", 2) => {
                self.deny_scripts_reconfig = yes_no(a[1])
                    .ok_or("Please specify yes or no for the deny-scripts-reconfig options.")?
            }
            ("resolve-hostnames", 2) => {
                self.resolve_hostnames = yes_no(a[1])
                    .ok_or("Please specify yes or no for the resolve-hostnames option.")?
            }
            ("announce-hostnames", 2) => {
                self.announce_hostnames = yes_no(a[1])
                    .ok_or("Please specify yes or no for the announce-hostnames option.")?
            }
            ("sentinel-user", 2) => self.sentinel_user = Some(a[1].to_string()),
            ("sentinel-pass", 2) => self.sentinel_pass = Some(a[1].to_string()),
            _ => return Err("Unrecognized sentinel configuration statement."),
        }
        Ok(())
    }

    /// The `sentinel` lines CONFIG REWRITE writes, in Redis's order; settings at their default
    /// are left out, state (epochs, known instances) always written. (Tests; the Sentinel
    /// writes against the current defaults, [`Self::rewrite_lines_with`].)
    #[cfg(test)]
    pub fn rewrite_lines(&self) -> Vec<String> {
        self.rewrite_lines_with(DEFAULT_DOWN_AFTER, DEFAULT_FAILOVER_TIMEOUT)
    }

    /// [`Self::rewrite_lines`] against the current `default-down-after` and
    /// `default-failover-timeout` (`SENTINEL DEBUG`): Redis's `rewriteConfigSentinelOption`
    /// compares with its `sentinel_default_*` globals, so a master's value equal to a changed
    /// default is left out (and reads back as the compiled-in default after a restart).
    pub fn rewrite_lines_with(
        &self,
        default_down_after: u64,
        default_failover_timeout: u64,
    ) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(id) = &self.myid {
            out.push(format!("sentinel myid {id}"));
        }
        if !self.deny_scripts_reconfig {
            out.push("sentinel deny-scripts-reconfig no".into());
        }
        if self.resolve_hostnames {
            out.push("sentinel resolve-hostnames yes".into());
        }
        if self.announce_hostnames {
            out.push("sentinel announce-hostnames yes".into());
        }
        for m in &self.masters {
            let n = &m.name;
            out.push(format!(
                "sentinel monitor {n} {} {} {}",
                m.host, m.port, m.quorum
            ));
            if m.down_after_ms != default_down_after {
                out.push(format!(
                    "sentinel down-after-milliseconds {n} {}",
                    m.down_after_ms
                ));
            }
            if m.failover_timeout_ms != default_failover_timeout {
                out.push(format!(
                    "sentinel failover-timeout {n} {}",
                    m.failover_timeout_ms
                ));
            }
            if m.parallel_syncs != DEFAULT_PARALLEL_SYNCS {
                out.push(format!("sentinel parallel-syncs {n} {}", m.parallel_syncs));
            }
            if let Some(s) = &m.notification_script {
                out.push(format!("sentinel notification-script {n} {s}"));
            }
            if let Some(s) = &m.client_reconfig_script {
                out.push(format!("sentinel client-reconfig-script {n} {s}"));
            }
            if let Some(p) = &m.auth_pass {
                out.push(format!("sentinel auth-pass {n} {p}"));
            }
            if let Some(u) = &m.auth_user {
                out.push(format!("sentinel auth-user {n} {u}"));
            }
            if m.master_reboot_down_after_period != 0 {
                out.push(format!(
                    "sentinel master-reboot-down-after-period {n} {}",
                    m.master_reboot_down_after_period
                ));
            }
            out.push(format!("sentinel config-epoch {n} {}", m.config_epoch));
            out.push(format!("sentinel leader-epoch {n} {}", m.leader_epoch));
            for (h, p) in &m.known_replicas {
                out.push(format!("sentinel known-replica {n} {h} {p}"));
            }
            for (h, p, id) in m.known_sentinels.iter().filter(|s| !s.2.is_empty()) {
                out.push(format!("sentinel known-sentinel {n} {h} {p} {id}"));
            }
            for (old, new) in &m.renamed_commands {
                out.push(format!("sentinel rename-command {n} {old} {new}"));
            }
        }
        out.push(format!("sentinel current-epoch {}", self.current_epoch));
        if let Some(ip) = &self.announce_ip {
            // Quoted (`sdscatrepr`), as Redis writes it.
            let mut quoted = Vec::new();
            crate::trace::repr(&mut quoted, ip.as_bytes());
            out.push(format!(
                "sentinel announce-ip {}",
                String::from_utf8_lossy(&quoted)
            ));
        }
        if self.announce_port != 0 {
            out.push(format!("sentinel announce-port {}", self.announce_port));
        }
        if let Some(u) = &self.sentinel_user {
            out.push(format!("sentinel sentinel-user {u}"));
        }
        if let Some(p) = &self.sentinel_pass {
            out.push(format!("sentinel sentinel-pass {p}"));
        }
        out
    }
}

/// The first address `host` resolves to.
pub fn resolve(host: &str) -> Option<String> {
    use std::net::ToSocketAddrs;
    (host, 0)
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .map(|a| a.ip().to_string())
}

/// Redis's `access(path, X_OK)`.
fn executable(path: &str) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_string).collect()
    }

    /// The seed's sentinel.conf, then the state a Sentinel adds to it.
    #[test]
    fn the_seed_config_round_trips_with_its_state() {
        let mut c = SentinelConfig::default();
        for l in [
            "monitor mymaster 127.0.0.5 6379 2",
            "auth-pass mymaster redis",
            "down-after-milliseconds mymaster 30000",
            "parallel-syncs mymaster 1",
            "failover-timeout mymaster 180000",
            "deny-scripts-reconfig yes",
            "myid 0123456789012345678901234567890123456789",
            "known-replica mymaster 127.0.0.6 6379",
            "known-sentinel mymaster 127.0.0.26 26379 abcdef",
            "config-epoch mymaster 3",
            "leader-epoch mymaster 3",
        ] {
            c.apply(&line(l)).unwrap_or_else(|e| panic!("{l}: {e}"));
        }
        assert_eq!(
            c.current_epoch, 3,
            "a config epoch raises the current epoch"
        );
        assert_eq!(
            c.rewrite_lines(),
            vec![
                "sentinel myid 0123456789012345678901234567890123456789",
                "sentinel monitor mymaster 127.0.0.5 6379 2",
                "sentinel auth-pass mymaster redis",
                "sentinel config-epoch mymaster 3",
                "sentinel leader-epoch mymaster 3",
                "sentinel known-replica mymaster 127.0.0.6 6379",
                "sentinel known-sentinel mymaster 127.0.0.26 26379 abcdef",
                "sentinel current-epoch 3",
            ]
        );
    }

    #[test]
    fn refusals_use_redis_words() {
        let cases: &[(&[&str], &str)] = &[
            (
                &["monitor m 127.0.0.1 6379 0"],
                "Quorum must be 1 or greater.",
            ),
            (
                &["monitor m 127.0.0.1 6379 2", "monitor m 127.0.0.1 6380 2"],
                "Duplicated master name.",
            ),
            (
                &["down-after-milliseconds nope 10"],
                "No such master with specified name.",
            ),
            (
                &["monitor m 127.0.0.1 6379 2", "down-after-milliseconds m 0"],
                "negative or zero time parameter.",
            ),
            (&["myid abc"], "Malformed Sentinel id in myid option."),
            (
                &["deny-scripts-reconfig maybe"],
                "Please specify yes or no for the deny-scripts-reconfig options.",
            ),
            (
                &[
                    "monitor m 127.0.0.1 6379 2",
                    "notification-script m /nonexistent/x.sh",
                ],
                "Notification script seems non existing or non executable.",
            ),
            (
                &["bogus 1"],
                "Unrecognized sentinel configuration statement.",
            ),
            (
                &["monitor m 127.0.0.1 6379"],
                "Unrecognized sentinel configuration statement.",
            ),
        ];
        for (lines, want) in cases {
            let mut c = SentinelConfig::default();
            let mut got = Ok(());
            for l in *lines {
                got = c.apply(&line(l));
                if got.is_err() {
                    break;
                }
            }
            assert_eq!(got, Err(*want), "{lines:?}");
        }
    }

    #[test]
    fn non_default_settings_are_written_back() {
        let mut c = SentinelConfig::default();
        for l in [
            "monitor m 10.0.0.1 7000 1",
            "down-after-milliseconds m 1000",
            "failover-timeout m 10000",
            "parallel-syncs m 2",
            "deny-scripts-reconfig no",
            "announce-ip 127.0.0.25",
            "announce-port 26380",
        ] {
            c.apply(&line(l)).unwrap();
        }
        let lines = c.rewrite_lines();
        for want in [
            "sentinel deny-scripts-reconfig no",
            "sentinel down-after-milliseconds m 1000",
            "sentinel failover-timeout m 10000",
            "sentinel parallel-syncs m 2",
            "sentinel announce-ip \"127.0.0.25\"",
            "sentinel announce-port 26380",
            "sentinel current-epoch 0",
        ] {
            assert!(lines.iter().any(|l| l == want), "{want} missing: {lines:?}");
        }
    }
}
