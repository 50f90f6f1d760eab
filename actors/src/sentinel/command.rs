//! The `SENTINEL <subcommand> ...` command, parsed as Redis 7.0's `sentinelCommand` and the
//! command table read it, with its error texts byte for byte.
//!
//! Every error is the whole error line without the leading `-` (as [`CmdError`]'s `Display`
//! writes it), e.g. `ERR Invalid port`. Redis checks things in this order, and so must the
//! caller:
//!
//! 1. the command table: unknown subcommand, then the subcommand's arity ([`parse`]);
//! 2. the subcommand's own argument checks that need no state ([`parse`] again);
//! 3. the master lookup (`ERR No such master with that name`, [`NO_SUCH_MASTER`]) and other
//!    state checks, done by the caller;
//! 4. for `SENTINEL SET`, the option/value pairs ([`parse_set`]), which Redis applies one by
//!    one: a bad pair stops it, the pairs before it stay applied (and the config is saved).
//!    `SENTINEL DEBUG` and `SENTINEL SIMULATE-FAILURE` behave the same way, so [`parse`]
//!    returns what to apply together with the error to send.
//!
//! [`CmdError`]: crate::cmd::error::CmdError

use std::net::Ipv6Addr;

use bytes::Bytes;

use super::config::{MasterConfig, SentinelConfig};
use crate::cmd::error::truncate_lossy;
use crate::cmd::keys::glob::glob_match;

/// `sentinelGetMasterByNameOrReplyError` (MASTER, REPLICAS, SENTINELS, FAILOVER, CKQUORUM,
/// REMOVE, SET). GET-MASTER-ADDR-BY-NAME answers a null array instead, RESET `:0`,
/// INFO-CACHE skips the name.
pub const NO_SUCH_MASTER: &str = "ERR No such master with that name";
/// SENTINEL FAILOVER while the master's failover is running.
pub const INPROG: &str = "INPROG Failover already in progress";
/// SENTINEL FAILOVER when `sentinelSelectSlave` finds no replica.
pub const NOGOODSLAVE: &str = "NOGOODSLAVE No suitable replica to promote";
/// SENTINEL SET of a script option under `deny-scripts-reconfig yes`.
pub const SCRIPTS_DENIED: &str = "ERR Reconfiguration of scripts path is denied for security \
     reasons. Check the deny-scripts-reconfig configuration directive in your Sentinel \
     configuration";
/// SENTINEL CONFIG with anything but `GET <p>` or `SET <p> <v>`.
pub const CONFIG_USAGE: &str =
    "ERR Only SENTINEL CONFIG GET <option> / SET <option> <value> are supported.";
/// SENTINEL SIMULATE-FAILURE with an unknown flag.
pub const UNKNOWN_SIMULATION: &str = "ERR Unknown failure simulation specified";
/// `SENTINEL SIMULATE-FAILURE HELP`'s reply, two bulk strings.
pub const SIMULATE_FAILURE_HELP: [&str; 2] = ["crash-after-election", "crash-after-promotion"];

/// The whole `SENTINEL HELP` reply, one status line each (49 lines): `addReplyHelp`'s header,
/// `sentinelCommand`'s text, then its `HELP` footer.
pub const HELP: &[&str] = &[
    "SENTINEL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CKQUORUM <master-name>",
    "    Check if the current Sentinel configuration is able to reach the quorum",
    "    needed to failover a master and the majority needed to authorize the",
    "    failover.",
    "CONFIG SET <param> <value>",
    "    Set a global Sentinel configuration parameter.",
    "CONFIG GET <param>",
    "    Get global Sentinel configuration parameter.",
    "DEBUG [<param> <value> ...]",
    "    Show a list of configurable time parameters and their values (milliseconds).",
    "    Or update current configurable parameters values (one or more).",
    "GET-MASTER-ADDR-BY-NAME <master-name>",
    "    Return the ip and port number of the master with that name.",
    "FAILOVER <master-name>",
    "    Manually failover a master node without asking for agreement from other",
    "    Sentinels",
    "FLUSHCONFIG",
    "    Force Sentinel to rewrite its configuration on disk, including the current",
    "    Sentinel state.",
    "INFO-CACHE <master-name>",
    "    Return last cached INFO output from masters and all its replicas.",
    "IS-MASTER-DOWN-BY-ADDR <ip> <port> <current-epoch> <runid>",
    "    Check if the master specified by ip:port is down from current Sentinel's",
    "    point of view.",
    "MASTER <master-name>",
    "    Show the state and info of the specified master.",
    "MASTERS",
    "    Show a list of monitored masters and their state.",
    "MONITOR <name> <ip> <port> <quorum>",
    "    Start monitoring a new master with the specified name, ip, port and quorum.",
    "MYID",
    "    Return the ID of the Sentinel instance.",
    "PENDING-SCRIPTS",
    "    Get pending scripts information.",
    "REMOVE <master-name>",
    "    Remove master from Sentinel's monitor list.",
    "REPLICAS <master-name>",
    "    Show a list of replicas for this master and their state.",
    "RESET <pattern>",
    "    Reset masters for specific master name matching this pattern.",
    "SENTINELS <master-name>",
    "    Show a list of Sentinel instances for this master and their state.",
    "SET <master-name> <option> <value> [<option> <value> ...]",
    "    Set configuration parameters for certain masters.",
    "SIMULATE-FAILURE [CRASH-AFTER-ELECTION] [CRASH-AFTER-PROMOTION] [HELP]",
    "    Simulate a Sentinel crash.",
    "HELP",
    "    Prints this help.",
];

/// What a command applies one step at a time, stopping at its first bad step: the steps
/// before it (to apply, in order) and the error to reply with (`None`: reply `+OK`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partial<T> {
    pub applied: Vec<T>,
    pub error: Option<String>,
}

/// One parsed `SENTINEL` command. Names are the raw argument as text (lossy UTF-8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SentinelCmd {
    /// Reply [`HELP`].
    Help,
    Masters,
    Master(String),
    /// REPLICAS and SLAVES.
    Replicas(String),
    Sentinels(String),
    GetMasterAddrByName(String),
    /// Reply `:<count>` of masters whose name matches (`stringmatch`, case-sensitive).
    Reset(Bytes),
    Failover(String),
    CkQuorum(String),
    FlushConfig,
    /// Quorum and port are parsed (`Invalid quorum`, `Invalid port`, `Quorum must be 1 or
    /// greater.` already checked); then call [`check_monitor`]. `quorum` is what Redis stores
    /// (`long` through `int` into `unsigned`: 4294967297 becomes 1); `port` is the `long` read,
    /// range-checked by [`check_monitor`].
    Monitor {
        name: String,
        host: String,
        port: i64,
        quorum: u32,
    },
    Remove(String),
    /// The master name and the raw option/value words after it: look the master up first,
    /// then [`parse_set`] them.
    Set {
        name: String,
        args: Vec<Bytes>,
    },
    /// `port` as the `int` Redis compares (the `long` truncated), `epoch` as the `uint64_t`
    /// the vote uses (a negative epoch wraps to a huge one, as in Redis), `runid` `*` for
    /// "no vote wanted" (compared case-insensitively, like Redis's `strcasecmp`).
    IsMasterDownByAddr {
        ip: String,
        port: i32,
        epoch: u64,
        runid: String,
    },
    MyId,
    /// Reply [`config_get`]'s pairs as a map (RESP3 `%`, RESP2 flat array).
    ConfigGet(Bytes),
    /// A validated CONFIG SET: apply it, save the config and reply `+OK`.
    ConfigSet(ConfigParam),
    /// Names to report; unknown ones are skipped. Never empty (arity).
    InfoCache(Vec<String>),
    /// Set both flags as given (Redis clears them first, then sets each valid word up to
    /// the first `HELP` or bad word), then send `reply`.
    SimulateFailure {
        crash_after_election: bool,
        crash_after_promotion: bool,
        reply: SimReply,
    },
    /// `SENTINEL DEBUG` alone: reply the 13 timings ([`DebugParam::ALL`]) as a map.
    DebugInfo,
    /// `SENTINEL DEBUG <param> <value> ...`: apply these, then reply `+OK` or the error.
    DebugSet(Partial<(DebugParam, u64)>),
    PendingScripts,
}

/// SIMULATE-FAILURE's reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SimReply {
    Ok,
    /// [`SIMULATE_FAILURE_HELP`].
    Help,
    Error(String),
}

/// `SENTINEL CONFIG SET` parameters, in `SENTINEL CONFIG GET`'s order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigParam {
    ResolveHostnames(bool),
    AnnounceHostnames(bool),
    /// Redis keeps even an empty value as set (and then announces it as is).
    AnnounceIp(String),
    AnnouncePort(u16),
    /// `""` unsets.
    SentinelUser(Option<String>),
    /// `""` unsets.
    SentinelPass(Option<String>),
}

impl ConfigParam {
    pub fn apply(&self, cfg: &mut SentinelConfig) {
        match self {
            ConfigParam::ResolveHostnames(v) => cfg.resolve_hostnames = *v,
            ConfigParam::AnnounceHostnames(v) => cfg.announce_hostnames = *v,
            ConfigParam::AnnounceIp(v) => cfg.announce_ip = Some(v.clone()),
            ConfigParam::AnnouncePort(v) => cfg.announce_port = *v,
            ConfigParam::SentinelUser(v) => cfg.sentinel_user = v.clone(),
            ConfigParam::SentinelPass(v) => cfg.sentinel_pass = v.clone(),
        }
    }

    /// sentinel-user and sentinel-pass make Redis drop its links to other Sentinels
    /// (`sentinelDropConnections`) after replying.
    pub fn drops_connections(&self) -> bool {
        matches!(
            self,
            ConfigParam::SentinelUser(_) | ConfigParam::SentinelPass(_)
        )
    }
}

/// `SENTINEL CONFIG GET <pattern>`: the matching parameters, in Redis's order, pattern matched
/// case-insensitively (`stringmatch(pattern, name, 1)`); unset strings are `""`.
pub fn config_get(cfg: &SentinelConfig, pattern: &[u8]) -> Vec<(&'static str, String)> {
    let yes_no = |b: bool| if b { "yes" } else { "no" }.to_string();
    let all = [
        ("resolve-hostnames", yes_no(cfg.resolve_hostnames)),
        ("announce-hostnames", yes_no(cfg.announce_hostnames)),
        ("announce-ip", cfg.announce_ip.clone().unwrap_or_default()),
        ("announce-port", cfg.announce_port.to_string()),
        (
            "sentinel-user",
            cfg.sentinel_user.clone().unwrap_or_default(),
        ),
        (
            "sentinel-pass",
            cfg.sentinel_pass.clone().unwrap_or_default(),
        ),
    ];
    let pattern = c_bytes(pattern);
    all.into_iter()
        .filter(|(name, _)| glob_match(pattern, name.as_bytes(), true))
        .collect()
}

/// Whether SENTINEL RESET's pattern selects the master `name`
/// (`stringmatch(pattern, name, 0)`: case-sensitive, both read as C strings).
pub fn reset_matches(pattern: &[u8], name: &str) -> bool {
    glob_match(c_bytes(pattern), c_bytes(name.as_bytes()), false)
}

/// The `SENTINEL DEBUG` timings, in reply order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DebugParam {
    InfoPeriod,
    PingPeriod,
    AskPeriod,
    PublishPeriod,
    DefaultDownAfter,
    DefaultFailoverTimeout,
    TiltTrigger,
    TiltPeriod,
    SlaveReconfTimeout,
    MinLinkReconnectPeriod,
    ElectionTimeout,
    ScriptMaxRuntime,
    ScriptRetryDelay,
}

impl DebugParam {
    /// Reply order of `addReplySentinelDebugInfo`.
    pub const ALL: [DebugParam; 13] = [
        DebugParam::InfoPeriod,
        DebugParam::PingPeriod,
        DebugParam::AskPeriod,
        DebugParam::PublishPeriod,
        DebugParam::DefaultDownAfter,
        DebugParam::DefaultFailoverTimeout,
        DebugParam::TiltTrigger,
        DebugParam::TiltPeriod,
        DebugParam::SlaveReconfTimeout,
        DebugParam::MinLinkReconnectPeriod,
        DebugParam::ElectionTimeout,
        DebugParam::ScriptMaxRuntime,
        DebugParam::ScriptRetryDelay,
    ];

    /// The name `SENTINEL DEBUG <name> <value>` takes (case-insensitively).
    pub fn name(self) -> &'static str {
        match self {
            DebugParam::InfoPeriod => "info-period",
            DebugParam::PingPeriod => "ping-period",
            DebugParam::AskPeriod => "ask-period",
            DebugParam::PublishPeriod => "publish-period",
            DebugParam::DefaultDownAfter => "default-down-after",
            DebugParam::DefaultFailoverTimeout => "default-failover-timeout",
            DebugParam::TiltTrigger => "tilt-trigger",
            DebugParam::TiltPeriod => "tilt-period",
            DebugParam::SlaveReconfTimeout => "slave-reconf-timeout",
            DebugParam::MinLinkReconnectPeriod => "min-link-reconnect-period",
            DebugParam::ElectionTimeout => "election-timeout",
            DebugParam::ScriptMaxRuntime => "script-max-runtime",
            DebugParam::ScriptRetryDelay => "script-retry-delay",
        }
    }

    /// The compiled-in value (ms): [`super::timings::Timings::default`]'s.
    #[cfg(test)]
    pub fn default_value(self) -> u64 {
        super::timings::Timings::default().get(self)
    }

    fn from_name(s: &[u8]) -> Option<DebugParam> {
        DebugParam::ALL.into_iter().find(|p| eq(s, p.name()))
    }
}

/// One SENTINEL SET option, as Redis stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetOption {
    /// Redis also copies it to the master's replicas and Sentinels
    /// (`sentinelPropagateDownAfterPeriod`).
    DownAfter(u64),
    FailoverTimeout(u64),
    /// Redis's `int`: values above `i32::MAX` wrap (4294967297 is 1, 2147483648 negative).
    ParallelSyncs(i32),
    /// Redis's `unsigned int`: 4294967297 is 1.
    Quorum(u32),
    /// `""` clears.
    NotificationScript(Option<String>),
    /// `""` clears.
    ClientReconfigScript(Option<String>),
    /// `""` clears; Redis then drops the instance links (`dropInstanceConnections`).
    AuthPass(Option<String>),
    /// `""` clears; Redis then drops the instance links.
    AuthUser(Option<String>),
    /// (old, new): any renaming of `old` is removed, then `old -> new` added unless the
    /// two are equal ignoring case.
    RenameCommand(String, String),
    MasterRebootDownAfterPeriod(u64),
}

impl SetOption {
    /// Store the option into the master's configuration, as `sentinelSetCommand` does.
    pub fn apply(&self, m: &mut MasterConfig) {
        match self {
            SetOption::DownAfter(v) => m.down_after_ms = *v,
            SetOption::FailoverTimeout(v) => m.failover_timeout_ms = *v,
            // A wrapped negative count reconfigures no replica in parallel, like 0.
            SetOption::ParallelSyncs(v) => m.parallel_syncs = (*v).max(0) as u64,
            SetOption::Quorum(v) => m.quorum = *v,
            SetOption::NotificationScript(v) => m.notification_script = v.clone(),
            SetOption::ClientReconfigScript(v) => m.client_reconfig_script = v.clone(),
            SetOption::AuthPass(v) => m.auth_pass = v.clone(),
            SetOption::AuthUser(v) => m.auth_user = v.clone(),
            SetOption::RenameCommand(old, new) => {
                m.renamed_commands
                    .retain(|(o, _)| !o.eq_ignore_ascii_case(old));
                if !old.eq_ignore_ascii_case(new) {
                    m.renamed_commands.push((old.clone(), new.clone()));
                }
            }
            SetOption::MasterRebootDownAfterPeriod(v) => m.master_reboot_down_after_period = *v,
        }
    }
}

/// One applied SET option and the text of its `+set` event: the payload after the instance
/// (`+set master mymaster 127.0.0.1 6999 <event>`), with the option name as the client typed
/// it and auth-pass shown as `******`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetChange {
    pub option: SetOption,
    pub event: String,
}

/// The option/value words of `SENTINEL SET <master> ...` (after the master name), read as
/// `sentinelSetCommand` reads them. `deny_scripts` is `deny-scripts-reconfig`; `executable`
/// is Redis's `access(path, X_OK) == 0` ([`script_executable`] in production). Apply
/// `applied` in order; if anything was applied, save the config (even on error); reply
/// `error`, or `+OK`.
pub fn parse_set(
    args: &[Bytes],
    deny_scripts: bool,
    executable: impl Fn(&str) -> bool,
) -> Partial<SetChange> {
    let mut applied = Vec::new();
    let mut j = 0;
    let error = loop {
        if j >= args.len() {
            break None;
        }
        let option = &args[j];
        let more = args.len() - 1 - j;
        let opt_text = c_text(option);
        let bad = |value: &Bytes| {
            Some(format!(
                "ERR Invalid argument '{}' for SENTINEL SET '{}'",
                err_text(value),
                err_text(option)
            ))
        };
        let name =
            known_set_option(option).filter(|n| more >= if *n == "rename-command" { 2 } else { 1 });
        let Some(name) = name else {
            break Some(format!(
                "ERR Unknown option or number of arguments for SENTINEL SET '{}'",
                err_text(option)
            ));
        };
        let value = &args[j + 1];
        let val_text = c_text(value);
        let mut event = format!("{opt_text} {val_text}");
        let parsed = match name {
            "down-after-milliseconds" | "failover-timeout" | "parallel-syncs" | "quorum" => {
                match protocol::parse_i64(value).filter(|&v| v > 0) {
                    None => break bad(value),
                    Some(v) => match name {
                        "down-after-milliseconds" => SetOption::DownAfter(v as u64),
                        "failover-timeout" => SetOption::FailoverTimeout(v as u64),
                        "parallel-syncs" => SetOption::ParallelSyncs(v as i32),
                        _ => SetOption::Quorum(v as u32),
                    },
                }
            }
            "master-reboot-down-after-period" => {
                match protocol::parse_i64(value).filter(|&v| v >= 0) {
                    None => break bad(value),
                    Some(v) => SetOption::MasterRebootDownAfterPeriod(v as u64),
                }
            }
            "notification-script" | "client-reconfig-script" => {
                if deny_scripts {
                    break Some(SCRIPTS_DENIED.to_string());
                }
                let notification = name == "notification-script";
                if !val_text.is_empty() && !executable(&val_text) {
                    break Some(
                        if notification {
                            "ERR Notification script seems non existing or non executable"
                        } else {
                            "ERR Client reconfiguration script seems non existing or non \
                             executable"
                        }
                        .to_string(),
                    );
                }
                let v = (!val_text.is_empty()).then(|| val_text.clone());
                if notification {
                    SetOption::NotificationScript(v)
                } else {
                    SetOption::ClientReconfigScript(v)
                }
            }
            "auth-pass" => {
                event = format!("{opt_text} ******");
                SetOption::AuthPass((!val_text.is_empty()).then(|| val_text.clone()))
            }
            "auth-user" => SetOption::AuthUser((!val_text.is_empty()).then(|| val_text.clone())),
            _ => {
                // rename-command <old> <new>: an empty name is reported, the new one first.
                let new = &args[j + 2];
                if value.is_empty() || new.is_empty() {
                    break bad(if new.is_empty() { new } else { value });
                }
                j += 1;
                event = format!("{opt_text} {val_text} {}", c_text(new));
                SetOption::RenameCommand(text(value), text(new))
            }
        };
        applied.push(SetChange {
            option: parsed,
            event,
        });
        j += 2;
    };
    Partial { applied, error }
}

fn known_set_option(option: &[u8]) -> Option<&'static str> {
    [
        "down-after-milliseconds",
        "failover-timeout",
        "parallel-syncs",
        "notification-script",
        "client-reconfig-script",
        "auth-pass",
        "auth-user",
        "quorum",
        "rename-command",
        "master-reboot-down-after-period",
    ]
    .into_iter()
    .find(|n| eq(option, n))
}

/// Redis's script check, `access(path, X_OK) == 0` (true for directories, too).
pub fn script_executable(path: &str) -> bool {
    match std::ffi::CString::new(path) {
        // SAFETY: `c` is a valid NUL-terminated string that outlives the call.
        Ok(c) => unsafe { libc::access(c.as_ptr(), libc::X_OK) == 0 },
        Err(_) => false,
    }
}

/// The rest of SENTINEL MONITOR's checks, in Redis's order: the address
/// (`anetResolve`: a numeric address, or with `resolve-hostnames yes` whatever `resolve`
/// finds), the port range, then the name (`name_taken`: a master of that name exists).
/// Returns the address as Redis stores and shows it (`inet_ntop` of the parsed address, so
/// `127.1` becomes `127.0.0.1`) and the port.
pub fn check_monitor(
    host: &str,
    port: i64,
    resolve_hostnames: bool,
    resolve: impl FnOnce(&str) -> Option<String>,
    name_taken: bool,
) -> Result<(String, u16), String> {
    let ip = match numeric_host(host) {
        Some(ip) => ip,
        None if resolve_hostnames => match resolve(host) {
            Some(ip) => ip,
            None => return Err("ERR Invalid IP address or hostname specified".into()),
        },
        None => return Err("ERR Invalid IP address or hostname specified".into()),
    };
    // `createSentinelRedisInstance` takes an `int` port: the `long` is truncated first.
    let port = port as i32;
    if !(0..=65535).contains(&port) {
        return Err("ERR Invalid port number.".into());
    }
    if name_taken {
        return Err("ERR Duplicate master name.".into());
    }
    Ok((ip, port as u16))
}

/// `getaddrinfo(host, AI_NUMERICHOST)` then `inet_ntop`, as glibc does it: IPv4 in any
/// `inet_aton` form (`127.1`, `0x7f.0.0.1`, `017.0.0.1`, `2130706433`), or IPv6 with an
/// optional `%scope`; the canonical text of the address, or `None`. The host ends at a NUL
/// byte, as a C string does.
pub fn numeric_host(host: &str) -> Option<String> {
    let host = host.split('\0').next().unwrap_or("");
    if let Some(v4) = inet_aton_exact(host.as_bytes()) {
        let [a, b, c, d] = v4.to_be_bytes();
        return Some(format!("{a}.{b}.{c}.{d}"));
    }
    let (addr, scope) = match host.split_once('%') {
        Some((a, s)) => (a, Some(s)),
        None => (host, None),
    };
    let v6: Ipv6Addr = addr.parse().ok()?;
    if let Some(scope) = scope {
        if !scope_ok(&v6, scope) {
            return None;
        }
    }
    Some(ntop6(&v6))
}

/// glibc's `inet_aton_end` plus `__inet_aton_exact`'s "nothing after it".
fn inet_aton_exact(s: &[u8]) -> Option<u32> {
    const MAX: [u64; 4] = [0xffff_ffff, 0xff_ffff, 0xffff, 0xff];
    let mut parts: Vec<u64> = Vec::new();
    let mut i = 0;
    loop {
        if !s.get(i).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        // strtoul(base 0): 0x -> hex (only if a hex digit follows), 0 -> octal, else decimal.
        let (base, start) = if s[i] == b'0'
            && matches!(s.get(i + 1), Some(b'x' | b'X'))
            && s.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
        {
            (16, i + 2)
        } else if s[i] == b'0' {
            (8, i)
        } else {
            (10, i)
        };
        let mut val: u64 = 0;
        i = start;
        while let Some(d) = s.get(i).and_then(|&c| (c as char).to_digit(base)) {
            val = val
                .saturating_mul(u64::from(base))
                .saturating_add(u64::from(d));
            i += 1;
        }
        if val > 0xffff_ffff {
            return None;
        }
        if s.get(i) == Some(&b'.') {
            if parts.len() > 2 || val > 0xff {
                return None;
            }
            parts.push(val);
            i += 1;
        } else {
            if i != s.len() || val > MAX[parts.len()] {
                return None;
            }
            let mut addr = val;
            for (k, p) in parts.iter().enumerate() {
                addr |= p << (24 - 8 * k);
            }
            return Some(addr as u32);
        }
    }
}

/// glibc's `__inet6_scopeid_pton`: an interface name for link-local addresses, else a decimal
/// number (`strtoull`, so leading spaces and a sign pass) up to `u32::MAX`.
fn scope_ok(addr: &Ipv6Addr, scope: &str) -> bool {
    let o = addr.octets();
    let link_local = o[0] == 0xfe && o[1] & 0xc0 == 0x80;
    let mc_local = o[0] == 0xff && matches!(o[1] & 0x0f, 1 | 2);
    if (link_local || mc_local) && !scope.is_empty() {
        if let Ok(c) = std::ffi::CString::new(scope) {
            // SAFETY: `c` is a valid NUL-terminated string that outlives the call.
            if unsafe { libc::if_nametoindex(c.as_ptr()) } != 0 {
                return true;
            }
        }
    }
    let t = scope.trim_start_matches([' ', '\t', '\n', '\x0b', '\x0c', '\r']);
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    match digits.parse::<u64>() {
        Ok(0) => true,
        Ok(v) => !neg && v <= u64::from(u32::MAX),
        Err(_) => false,
    }
}

/// glibc's `inet_ntop6`: RFC 5952 like Rust's, but `::a.b.c.d` for IPv4-compatible addresses.
fn ntop6(a: &Ipv6Addr) -> String {
    let s = a.segments();
    if s[..6] == [0; 6] && s[6] != 0 {
        let [_, _, _, _, _, _, _, _, _, _, _, _, b0, b1, b2, b3] = a.octets();
        return format!("::{b0}.{b1}.{b2}.{b3}");
    }
    a.to_string()
}

/// `SENTINEL CKQUORUM`'s answer (`sentinelIsQuorumReachable`): `usable` counts this Sentinel
/// and the known ones not SDOWN/ODOWN, `voters` this Sentinel and all known ones. `Ok` is
/// the status text (send as `+...`), `Err` the error line (send as `-...`).
pub fn ckquorum_reply(usable: usize, quorum: u32, voters: usize) -> Result<String, String> {
    let usable_i = usable as i32;
    // Redis compares with `(int)master->quorum`.
    let no_quorum = usable_i < quorum as i32;
    let no_auth = usable_i < (voters as i32) / 2 + 1;
    if !no_quorum && !no_auth {
        return Ok(format!(
            "OK {usable} usable Sentinels. Quorum and failover authorization can be reached"
        ));
    }
    let mut e = format!("NOQUORUM {usable} usable Sentinels. ");
    if no_quorum {
        e.push_str("Not enough available Sentinels to reach the specified quorum for this master");
    }
    if no_auth {
        if no_quorum {
            e.push_str(". ");
        }
        e.push_str("Not enough available Sentinels to reach the majority and authorize a failover");
    }
    Err(e)
}

/// `SENTINEL IS-MASTER-DOWN-BY-ADDR`'s three elements: `:<0|1>`, the leader (bulk, `*`
/// when no vote was asked or given) and `:<leader epoch>`.
pub fn is_master_down_reply(
    down: bool,
    leader: Option<&str>,
    leader_epoch: u64,
) -> (i64, String, i64) {
    (
        i64::from(down),
        leader.unwrap_or("*").to_string(),
        leader_epoch as i64,
    )
}

/// Parse `SENTINEL <args...>` (`args[0]` is the subcommand).
pub fn parse(args: &[Bytes]) -> Result<SentinelCmd, String> {
    let Some(sub) = args.first() else {
        return Err("ERR wrong number of arguments for 'sentinel' command".into());
    };
    // The command table's own entries: the same names and arities the dispatcher checks.
    let subcommands = crate::cmd::sentinel::SENTINEL_SPEC.subcommands;
    let Some((name, arity)) = subcommands
        .iter()
        .find(|c| eq(sub, c.name))
        .map(|c| (c.name, c.arity))
    else {
        return Err(format!(
            "ERR unknown subcommand '{}'. Try SENTINEL HELP.",
            no_newlines(truncate_lossy(sub, 128))
        ));
    };
    let argc = args.len() as i32 + 1;
    if (arity > 0 && argc != arity) || argc < -arity {
        return Err(format!(
            "ERR wrong number of arguments for 'sentinel|{name}' command"
        ));
    }
    let arg = |i: usize| text(&args[i]);
    Ok(match name {
        "help" => SentinelCmd::Help,
        "masters" => SentinelCmd::Masters,
        "master" => SentinelCmd::Master(arg(1)),
        "replicas" | "slaves" => SentinelCmd::Replicas(arg(1)),
        "sentinels" => SentinelCmd::Sentinels(arg(1)),
        "get-master-addr-by-name" => SentinelCmd::GetMasterAddrByName(arg(1)),
        "reset" => SentinelCmd::Reset(args[1].clone()),
        "failover" => SentinelCmd::Failover(arg(1)),
        "ckquorum" => SentinelCmd::CkQuorum(arg(1)),
        "flushconfig" => SentinelCmd::FlushConfig,
        "remove" => SentinelCmd::Remove(arg(1)),
        "myid" => SentinelCmd::MyId,
        "pending-scripts" => SentinelCmd::PendingScripts,
        "monitor" => {
            let quorum = protocol::parse_i64(&args[4]).ok_or("ERR Invalid quorum")?;
            let port = protocol::parse_i64(&args[3]).ok_or("ERR Invalid port")?;
            if quorum <= 0 {
                return Err("ERR Quorum must be 1 or greater.".into());
            }
            SentinelCmd::Monitor {
                name: arg(1),
                host: arg(2),
                port,
                quorum: quorum as u32,
            }
        }
        "is-master-down-by-addr" => {
            const NOT_INT: &str = "ERR value is not an integer or out of range";
            let port = protocol::parse_i64(&args[2]).ok_or(NOT_INT)?;
            let epoch = protocol::parse_i64(&args[3]).ok_or(NOT_INT)?;
            SentinelCmd::IsMasterDownByAddr {
                ip: c_text(&args[1]),
                port: port as i32,
                epoch: epoch as u64,
                runid: c_text(&args[4]),
            }
        }
        "set" => SentinelCmd::Set {
            name: arg(1),
            args: args[2..].to_vec(),
        },
        "config" => {
            if eq(&args[1], "set") && args.len() == 4 {
                SentinelCmd::ConfigSet(parse_config_set(&args[2], &args[3])?)
            } else if eq(&args[1], "get") && args.len() == 3 {
                SentinelCmd::ConfigGet(args[2].clone())
            } else {
                return Err(CONFIG_USAGE.into());
            }
        }
        "info-cache" => SentinelCmd::InfoCache(args[1..].iter().map(|a| text(a)).collect()),
        "simulate-failure" => {
            let (mut election, mut promotion) = (false, false);
            let mut reply = SimReply::Ok;
            for a in &args[1..] {
                if eq(a, "crash-after-election") {
                    election = true;
                } else if eq(a, "crash-after-promotion") {
                    promotion = true;
                } else if eq(a, "help") {
                    reply = SimReply::Help;
                    break;
                } else {
                    reply = SimReply::Error(UNKNOWN_SIMULATION.into());
                    break;
                }
            }
            SentinelCmd::SimulateFailure {
                crash_after_election: election,
                crash_after_promotion: promotion,
                reply,
            }
        }
        "debug" if args.len() == 1 => SentinelCmd::DebugInfo,
        "debug" => SentinelCmd::DebugSet(parse_debug(&args[1..])),
        _ => unreachable!("every subcommand of the table is handled"),
    })
}

/// `sentinelSetDebugConfigParameters`.
fn parse_debug(args: &[Bytes]) -> Partial<(DebugParam, u64)> {
    let mut applied = Vec::new();
    let mut j = 0;
    while j < args.len() {
        let option = &args[j];
        let param = DebugParam::from_name(option).filter(|_| j + 1 < args.len());
        let Some(param) = param else {
            let error = format!(
                "ERR Unknown option or number of arguments for SENTINEL DEBUG '{}'",
                err_text(option)
            );
            return Partial {
                applied,
                error: Some(error),
            };
        };
        let value = &args[j + 1];
        match protocol::parse_i64(value).filter(|&v| v > 0) {
            Some(v) => applied.push((param, v as u64)),
            None => {
                let error = format!(
                    "ERR Invalid argument '{}' for SENTINEL DEBUG '{}'",
                    err_text(value),
                    err_text(option)
                );
                return Partial {
                    applied,
                    error: Some(error),
                };
            }
        }
        j += 2;
    }
    Partial {
        applied,
        error: None,
    }
}

/// `sentinelConfigSetCommand`'s checks.
fn parse_config_set(option: &Bytes, value: &Bytes) -> Result<ConfigParam, String> {
    let badfmt = || {
        format!(
            "ERR Invalid value '{}' to SENTINEL CONFIG SET '{}'",
            err_text(value),
            err_text(option)
        )
    };
    let yes_no = |v: &[u8]| {
        if eq(v, "yes") {
            Some(true)
        } else if eq(v, "no") {
            Some(false)
        } else {
            None
        }
    };
    let v = c_text(value);
    // sdsdup: binary-safe, unlike the C-string reads above.
    let opt_none = || (!value.is_empty()).then(|| text(value));
    Ok(if eq(option, "resolve-hostnames") {
        ConfigParam::ResolveHostnames(yes_no(value).ok_or_else(badfmt)?)
    } else if eq(option, "announce-hostnames") {
        ConfigParam::AnnounceHostnames(yes_no(value).ok_or_else(badfmt)?)
    } else if eq(option, "announce-ip") {
        ConfigParam::AnnounceIp(v.clone())
    } else if eq(option, "announce-port") {
        match protocol::parse_i64(value) {
            Some(p @ 0..=65535) => ConfigParam::AnnouncePort(p as u16),
            _ => return Err(badfmt()),
        }
    } else if eq(option, "sentinel-user") {
        ConfigParam::SentinelUser(opt_none())
    } else if eq(option, "sentinel-pass") {
        ConfigParam::SentinelPass(opt_none())
    } else {
        return Err(format!(
            "ERR Invalid argument '{}' to SENTINEL CONFIG SET",
            err_text(option)
        ));
    })
}

/// `strcasecmp(arg, name) == 0`.
fn eq(arg: &[u8], name: &str) -> bool {
    arg.eq_ignore_ascii_case(name.as_bytes())
}

/// A binary-safe argument as text (names, patterns).
fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Bytes read as a C string: they end at a NUL byte.
fn c_bytes(b: &[u8]) -> &[u8] {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    &b[..end]
}

/// An argument read as a C string (`%s`, `strlen`, `sdsnew(ptr)`): it ends at a NUL byte.
fn c_text(b: &[u8]) -> String {
    String::from_utf8_lossy(c_bytes(b)).into_owned()
}

/// An argument quoted in an `addReplyErrorFormat` error: a C string whose CR and LF become
/// spaces.
fn err_text(b: &[u8]) -> String {
    no_newlines(c_text(b))
}

fn no_newlines(s: String) -> String {
    s.replace(['\r', '\n'], " ")
}

#[cfg(test)]
mod tests {
    //! Every row below was captured from a real `redis-sentinel` 7.0.15 (sentinel on
    //! 127.0.0.1:26999 monitoring `mymaster 127.0.0.1 6999 2`, a second one with
    //! `deny-scripts-reconfig no`, a third with two unreachable known Sentinels for the
    //! CKQUORUM rows), sending the arguments as RESP and recording the raw reply.

    use super::*;

    fn args(words: &[&str]) -> Vec<Bytes> {
        words
            .iter()
            .map(|w| Bytes::copy_from_slice(w.as_bytes()))
            .collect()
    }

    fn p(words: &[&str]) -> Result<SentinelCmd, String> {
        parse(&args(words))
    }

    fn err(words: &[&str]) -> String {
        match p(words) {
            Err(e) => e,
            Ok(c) => panic!("{words:?} parsed as {c:?}"),
        }
    }

    #[test]
    fn table_errors() {
        let rows: &[(&[&str], &str)] = &[
            (&[], "ERR wrong number of arguments for 'sentinel' command"),
            (
                &["nosuch"],
                "ERR unknown subcommand 'nosuch'. Try SENTINEL HELP.",
            ),
            (
                &["nosuch", "a", "b"],
                "ERR unknown subcommand 'nosuch'. Try SENTINEL HELP.",
            ),
            (
                &["NoSuch\r\nx"],
                "ERR unknown subcommand 'NoSuch  x'. Try SENTINEL HELP.",
            ),
            (
                &["help", "x"],
                "ERR wrong number of arguments for 'sentinel|help' command",
            ),
            (
                &["masters", "x"],
                "ERR wrong number of arguments for 'sentinel|masters' command",
            ),
            (
                &["master"],
                "ERR wrong number of arguments for 'sentinel|master' command",
            ),
            (
                &["MASTER"],
                "ERR wrong number of arguments for 'sentinel|master' command",
            ),
            (
                &["master", "a", "b"],
                "ERR wrong number of arguments for 'sentinel|master' command",
            ),
            (
                &["replicas"],
                "ERR wrong number of arguments for 'sentinel|replicas' command",
            ),
            (
                &["slaves"],
                "ERR wrong number of arguments for 'sentinel|slaves' command",
            ),
            (
                &["sentinels"],
                "ERR wrong number of arguments for 'sentinel|sentinels' command",
            ),
            (
                &["get-master-addr-by-name"],
                "ERR wrong number of arguments for 'sentinel|get-master-addr-by-name' command",
            ),
            (
                &["reset"],
                "ERR wrong number of arguments for 'sentinel|reset' command",
            ),
            (
                &["failover"],
                "ERR wrong number of arguments for 'sentinel|failover' command",
            ),
            (
                &["ckquorum"],
                "ERR wrong number of arguments for 'sentinel|ckquorum' command",
            ),
            (
                &["flushconfig", "x"],
                "ERR wrong number of arguments for 'sentinel|flushconfig' command",
            ),
            (
                &["monitor", "a", "b", "c"],
                "ERR wrong number of arguments for 'sentinel|monitor' command",
            ),
            (
                &["monitor", "a", "b", "c", "d", "e"],
                "ERR wrong number of arguments for 'sentinel|monitor' command",
            ),
            (
                &["monitor", "new", "127.0.0.1", "abc", "xyz"],
                "ERR Invalid quorum",
            ),
            (
                &["monitor", "new", "127.0.0.1", "abc", "1"],
                "ERR Invalid port",
            ),
            (
                &["monitor", "new", "127.0.0.1", "abc", "0"],
                "ERR Invalid port",
            ),
            (
                &["monitor", "new", "127.0.0.1", " 6998", "1"],
                "ERR Invalid port",
            ),
            (
                &["monitor", "new", "127.0.0.1", "06998", "1"],
                "ERR Invalid port",
            ),
            (
                &["monitor", "new", "127.0.0.1", "+6998", "1"],
                "ERR Invalid port",
            ),
            (
                &["monitor", "new", "127.0.0.1", "6998", "0"],
                "ERR Quorum must be 1 or greater.",
            ),
            (
                &["monitor", "new", "127.0.0.1", "6998", "-1"],
                "ERR Quorum must be 1 or greater.",
            ),
            (
                &["remove"],
                "ERR wrong number of arguments for 'sentinel|remove' command",
            ),
            (
                &["set"],
                "ERR wrong number of arguments for 'sentinel|set' command",
            ),
            (
                &["set", "mymaster"],
                "ERR wrong number of arguments for 'sentinel|set' command",
            ),
            (
                &["set", "mymaster", "quorum"],
                "ERR wrong number of arguments for 'sentinel|set' command",
            ),
            (
                &["is-master-down-by-addr"],
                "ERR wrong number of arguments for 'sentinel|is-master-down-by-addr' command",
            ),
            (
                &["is-master-down-by-addr", "127.0.0.1", "x", "0", "*"],
                "ERR value is not an integer or out of range",
            ),
            (
                &["is-master-down-by-addr", "127.0.0.1", "6999", "x", "*"],
                "ERR value is not an integer or out of range",
            ),
            (
                &["is-master-down-by-addr", "127.0.0.1", "x", "x", "*"],
                "ERR value is not an integer or out of range",
            ),
            (
                &["myid", "x"],
                "ERR wrong number of arguments for 'sentinel|myid' command",
            ),
            (
                &["config"],
                "ERR wrong number of arguments for 'sentinel|config' command",
            ),
            (&["config", "get"], CONFIG_USAGE),
            (&["config", "get", "a", "b"], CONFIG_USAGE),
            (&["config", "set", "a"], CONFIG_USAGE),
            (&["config", "foo", "a"], CONFIG_USAGE),
            (
                &["config", "set", "nosuch", "1"],
                "ERR Invalid argument 'nosuch' to SENTINEL CONFIG SET",
            ),
            (
                &["config", "set", "resolve-hostnames", "maybe"],
                "ERR Invalid value 'maybe' to SENTINEL CONFIG SET 'resolve-hostnames'",
            ),
            (
                &["config", "set", "announce-hostnames", "1"],
                "ERR Invalid value '1' to SENTINEL CONFIG SET 'announce-hostnames'",
            ),
            (
                &["config", "set", "announce-port", "65536"],
                "ERR Invalid value '65536' to SENTINEL CONFIG SET 'announce-port'",
            ),
            (
                &["config", "set", "announce-port", "-1"],
                "ERR Invalid value '-1' to SENTINEL CONFIG SET 'announce-port'",
            ),
            (
                &["config", "set", "announce-port", "x"],
                "ERR Invalid value 'x' to SENTINEL CONFIG SET 'announce-port'",
            ),
            (
                &["config", "set", "announce-port", "+5"],
                "ERR Invalid value '+5' to SENTINEL CONFIG SET 'announce-port'",
            ),
            (
                &["config", "set", "Announce-Port", "x"],
                "ERR Invalid value 'x' to SENTINEL CONFIG SET 'Announce-Port'",
            ),
            (
                &["info-cache"],
                "ERR wrong number of arguments for 'sentinel|info-cache' command",
            ),
            (
                &["simulate-failure"],
                "ERR wrong number of arguments for 'sentinel|simulate-failure' command",
            ),
            (
                &["pending-scripts", "x"],
                "ERR wrong number of arguments for 'sentinel|pending-scripts' command",
            ),
        ];
        for (words, want) in rows {
            assert_eq!(err(words), *want, "{words:?}");
        }
    }

    #[test]
    fn table_commands() {
        use SentinelCmd as C;
        let s = |x: &str| x.to_string();
        let rows: Vec<(&[&str], SentinelCmd)> = vec![
            (&["HELP"], C::Help),
            (&["help"], C::Help),
            (&["masters"], C::Masters),
            (&["Master", "m"], C::Master(s("m"))),
            (&["replicas", "m"], C::Replicas(s("m"))),
            (&["slaves", "m"], C::Replicas(s("m"))),
            (&["sentinels", "m"], C::Sentinels(s("m"))),
            (
                &["get-master-addr-by-name", "m"],
                C::GetMasterAddrByName(s("m")),
            ),
            (
                &["reset", "nosuch*"],
                C::Reset(Bytes::from_static(b"nosuch*")),
            ),
            (&["failover", "m"], C::Failover(s("m"))),
            (&["ckquorum", "m"], C::CkQuorum(s("m"))),
            (&["flushconfig"], C::FlushConfig),
            (&["remove", "m"], C::Remove(s("m"))),
            (&["myid"], C::MyId),
            (&["pending-scripts"], C::PendingScripts),
            (
                &["monitor", "new", "127.1", "6998", "1"],
                C::Monitor {
                    name: s("new"),
                    host: s("127.1"),
                    port: 6998,
                    quorum: 1,
                },
            ),
            // Accepted by Redis: the port wraps to 6998 as an int, the quorum to 1.
            (
                &["monitor", "m10", "127.0.0.1", "4294974294", "4294967297"],
                C::Monitor {
                    name: s("m10"),
                    host: s("127.0.0.1"),
                    port: 4294974294,
                    quorum: 1,
                },
            ),
            (
                &["is-master-down-by-addr", "127.0.0.1", "6999", "0", "*"],
                C::IsMasterDownByAddr {
                    ip: s("127.0.0.1"),
                    port: 6999,
                    epoch: 0,
                    runid: s("*"),
                },
            ),
            (
                &["is-master-down-by-addr", "127.0.0.1", "6999", "-5", "*"],
                C::IsMasterDownByAddr {
                    ip: s("127.0.0.1"),
                    port: 6999,
                    epoch: (-5i64) as u64,
                    runid: s("*"),
                },
            ),
            (
                &["set", "m", "quorum", "2"],
                C::Set {
                    name: s("m"),
                    args: args(&["quorum", "2"]),
                },
            ),
            (
                &["config", "GET", "*"],
                C::ConfigGet(Bytes::from_static(b"*")),
            ),
            (
                &["config", "set", "resolve-hostnames", "YES"],
                C::ConfigSet(ConfigParam::ResolveHostnames(true)),
            ),
            (
                &["config", "set", "announce-hostnames", "no"],
                C::ConfigSet(ConfigParam::AnnounceHostnames(false)),
            ),
            (
                &["config", "set", "announce-ip", ""],
                C::ConfigSet(ConfigParam::AnnounceIp(s(""))),
            ),
            (
                &["config", "set", "announce-port", "26999"],
                C::ConfigSet(ConfigParam::AnnouncePort(26999)),
            ),
            (
                &["config", "set", "announce-port", "0"],
                C::ConfigSet(ConfigParam::AnnouncePort(0)),
            ),
            (
                &["config", "set", "sentinel-user", "u1"],
                C::ConfigSet(ConfigParam::SentinelUser(Some(s("u1")))),
            ),
            (
                &["config", "set", "sentinel-pass", "p1"],
                C::ConfigSet(ConfigParam::SentinelPass(Some(s("p1")))),
            ),
            (
                &["config", "set", "sentinel-user", ""],
                C::ConfigSet(ConfigParam::SentinelUser(None)),
            ),
            (
                &["config", "set", "sentinel-pass", ""],
                C::ConfigSet(ConfigParam::SentinelPass(None)),
            ),
            (
                &["info-cache", "nosuch", "x"],
                C::InfoCache(vec![s("nosuch"), s("x")]),
            ),
        ];
        for (words, want) in rows {
            assert_eq!(p(words), Ok(want), "{words:?}");
        }
    }

    #[test]
    fn simulate_failure() {
        let sim = |e, pr, reply| SentinelCmd::SimulateFailure {
            crash_after_election: e,
            crash_after_promotion: pr,
            reply,
        };
        let unknown = SimReply::Error(UNKNOWN_SIMULATION.into());
        let rows: Vec<(&[&str], SentinelCmd)> = vec![
            (
                &["simulate-failure", "bogus"],
                sim(false, false, unknown.clone()),
            ),
            (
                &["simulate-failure", "help"],
                sim(false, false, SimReply::Help),
            ),
            (
                &["simulate-failure", "crash-after-election", "help"],
                sim(true, false, SimReply::Help),
            ),
            (
                &["simulate-failure", "HELP", "bogus"],
                sim(false, false, SimReply::Help),
            ),
            (
                &["simulate-failure", "bogus", "help"],
                sim(false, false, unknown.clone()),
            ),
            (
                &[
                    "simulate-failure",
                    "crash-after-election",
                    "crash-after-promotion",
                ],
                sim(true, true, SimReply::Ok),
            ),
            (
                &["simulate-failure", "CRASH-AFTER-ELECTION", "bogus"],
                sim(true, false, unknown),
            ),
        ];
        for (words, want) in rows {
            assert_eq!(p(words), Ok(want), "{words:?}");
        }
        assert_eq!(
            SIMULATE_FAILURE_HELP,
            ["crash-after-election", "crash-after-promotion"]
        );
    }

    #[test]
    fn debug() {
        use DebugParam as D;
        let set = |applied: Vec<(DebugParam, u64)>, error: Option<&str>| {
            SentinelCmd::DebugSet(Partial {
                applied,
                error: error.map(str::to_string),
            })
        };
        let rows: Vec<(&[&str], SentinelCmd)> = vec![
            (&["debug"], SentinelCmd::DebugInfo),
            (
                &["debug", "x"],
                set(vec![], Some("ERR Unknown option or number of arguments for SENTINEL DEBUG 'x'")),
            ),
            (
                &["debug", "info-period"],
                set(
                    vec![],
                    Some("ERR Unknown option or number of arguments for SENTINEL DEBUG 'info-period'"),
                ),
            ),
            (
                &["debug", "info-period", "0"],
                set(vec![], Some("ERR Invalid argument '0' for SENTINEL DEBUG 'info-period'")),
            ),
            (
                &["debug", "INFO-period", "x"],
                set(vec![], Some("ERR Invalid argument 'x' for SENTINEL DEBUG 'INFO-period'")),
            ),
            (
                &["debug", "bogus", "1"],
                set(vec![], Some("ERR Unknown option or number of arguments for SENTINEL DEBUG 'bogus'")),
            ),
            // info-period stays applied: the next SENTINEL DEBUG showed INFO-PERIOD 5000.
            (
                &["debug", "info-period", "5000", "ping-period", "0"],
                set(
                    vec![(D::InfoPeriod, 5000)],
                    Some("ERR Invalid argument '0' for SENTINEL DEBUG 'ping-period'"),
                ),
            ),
            (
                &["debug", "info-period", "10000", "x"],
                set(
                    vec![(D::InfoPeriod, 10000)],
                    Some("ERR Unknown option or number of arguments for SENTINEL DEBUG 'x'"),
                ),
            ),
        ];
        for (words, want) in rows {
            assert_eq!(p(words), Ok(want), "{words:?}");
        }
        // Every parameter, by name, restoring the defaults (`+OK`).
        let mut words = vec!["debug".to_string()];
        for d in D::ALL {
            words.push(if d == D::PingPeriod {
                "PING-PERIOD".into()
            } else {
                d.name().into()
            });
            words.push(d.default_value().to_string());
        }
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        let want = D::ALL.iter().map(|&d| (d, d.default_value())).collect();
        assert_eq!(p(&words), Ok(set(want, None)));
        // `SENTINEL DEBUG`'s reply at startup.
        let upper: Vec<String> = D::ALL
            .iter()
            .map(|d| d.name().to_ascii_uppercase())
            .collect();
        let info: Vec<(&str, u64)> = D::ALL
            .iter()
            .zip(&upper)
            .map(|(d, name)| (name.as_str(), d.default_value()))
            .collect();
        assert_eq!(
            info,
            [
                ("INFO-PERIOD", 10000),
                ("PING-PERIOD", 1000),
                ("ASK-PERIOD", 1000),
                ("PUBLISH-PERIOD", 2000),
                ("DEFAULT-DOWN-AFTER", 30000),
                ("DEFAULT-FAILOVER-TIMEOUT", 180000),
                ("TILT-TRIGGER", 2000),
                ("TILT-PERIOD", 30000),
                ("SLAVE-RECONF-TIMEOUT", 10000),
                ("MIN-LINK-RECONNECT-PERIOD", 15000),
                ("ELECTION-TIMEOUT", 10000),
                ("SCRIPT-MAX-RUNTIME", 60000),
                ("SCRIPT-RETRY-DELAY", 30000),
            ]
        );
    }

    fn set_rows(deny: bool, words: &[&str]) -> (Vec<(SetOption, String)>, Option<String>) {
        let exec = |p: &str| p == "/tmp/sc/ok.sh" || p == "/tmp/sc/dir";
        let out = parse_set(&args(words), deny, exec);
        (
            out.applied
                .into_iter()
                .map(|c| (c.option, c.event))
                .collect(),
            out.error,
        )
    }

    #[test]
    fn set_errors() {
        // (words after the master name, applied events, error)
        let rows: &[(&[&str], &[&str], &str)] = &[
            (&["nosuch", "1"], &[], "ERR Unknown option or number of arguments for SENTINEL SET 'nosuch'"),
            (&["NoSuch", "1", "x"], &[], "ERR Unknown option or number of arguments for SENTINEL SET 'NoSuch'"),
            (&["quorum", "0"], &[], "ERR Invalid argument '0' for SENTINEL SET 'quorum'"),
            (&["QUORUM", "abc"], &[], "ERR Invalid argument 'abc' for SENTINEL SET 'QUORUM'"),
            (
                &["quorum", "2", "down-after-milliseconds"],
                &["quorum 2"],
                "ERR Unknown option or number of arguments for SENTINEL SET 'down-after-milliseconds'",
            ),
            (
                &["QUORUM", "3", "down-after-milliseconds", "0"],
                &["QUORUM 3"],
                "ERR Invalid argument '0' for SENTINEL SET 'down-after-milliseconds'",
            ),
            (&["down-after-milliseconds", "0"], &[], "ERR Invalid argument '0' for SENTINEL SET 'down-after-milliseconds'"),
            (&["down-after-milliseconds", "-5"], &[], "ERR Invalid argument '-5' for SENTINEL SET 'down-after-milliseconds'"),
            (&["failover-timeout", "0"], &[], "ERR Invalid argument '0' for SENTINEL SET 'failover-timeout'"),
            (&["failover-timeout", "abc"], &[], "ERR Invalid argument 'abc' for SENTINEL SET 'failover-timeout'"),
            (&["parallel-syncs", "0"], &[], "ERR Invalid argument '0' for SENTINEL SET 'parallel-syncs'"),
            (&["parallel-syncs", "-1"], &[], "ERR Invalid argument '-1' for SENTINEL SET 'parallel-syncs'"),
            (
                &["master-reboot-down-after-period", "-1"],
                &[],
                "ERR Invalid argument '-1' for SENTINEL SET 'master-reboot-down-after-period'",
            ),
            (
                &["master-reboot-down-after-period", "x"],
                &[],
                "ERR Invalid argument 'x' for SENTINEL SET 'master-reboot-down-after-period'",
            ),
            (&["notification-script", "/bin/true"], &[], SCRIPTS_DENIED),
            (&["client-reconfig-script", "/bin/true"], &[], SCRIPTS_DENIED),
            (&["rename-command", "a"], &[], "ERR Unknown option or number of arguments for SENTINEL SET 'rename-command'"),
            (&["rename-command", "", "b"], &[], "ERR Invalid argument '' for SENTINEL SET 'rename-command'"),
            (&["rename-command", "a", ""], &[], "ERR Invalid argument '' for SENTINEL SET 'rename-command'"),
            (&["rename-command", "", ""], &[], "ERR Invalid argument '' for SENTINEL SET 'rename-command'"),
            (&["Rename-Command", "", "b"], &[], "ERR Invalid argument '' for SENTINEL SET 'Rename-Command'"),
            (
                &["quorum", "9223372036854775808"],
                &[],
                "ERR Invalid argument '9223372036854775808' for SENTINEL SET 'quorum'",
            ),
            (&["quorum", "+3"], &[], "ERR Invalid argument '+3' for SENTINEL SET 'quorum'"),
            (&["quorum", "a\r\nb"], &[], "ERR Invalid argument 'a  b' for SENTINEL SET 'quorum'"),
            (
                &["failover-timeout", "1", "bogus"],
                &["failover-timeout 1"],
                "ERR Unknown option or number of arguments for SENTINEL SET 'bogus'",
            ),
        ];
        for (words, events, want) in rows {
            let (applied, error) = set_rows(true, words);
            let got: Vec<&str> = applied.iter().map(|(_, e)| e.as_str()).collect();
            assert_eq!(&got, events, "{words:?}");
            assert_eq!(error.as_deref(), Some(*want), "{words:?}");
        }
    }

    #[test]
    fn set_options() {
        use SetOption as O;
        let s = |x: &str| Some(x.to_string());
        // (words, deny-scripts-reconfig, applied (option, +set event), error)
        type Row<'a> = (
            &'a [&'a str],
            bool,
            Vec<(SetOption, &'a str)>,
            Option<&'a str>,
        );
        let rows: Vec<Row> = vec![
            (
                &[
                    "quorum",
                    "2",
                    "parallel-syncs",
                    "1",
                    "down-after-milliseconds",
                    "5000",
                    "failover-timeout",
                    "60000",
                    "auth-pass",
                    "secret",
                    "auth-user",
                    "bob",
                    "rename-command",
                    "config",
                    "xconfig",
                    "master-reboot-down-after-period",
                    "0",
                ],
                true,
                vec![
                    (O::Quorum(2), "quorum 2"),
                    (O::ParallelSyncs(1), "parallel-syncs 1"),
                    (O::DownAfter(5000), "down-after-milliseconds 5000"),
                    (O::FailoverTimeout(60000), "failover-timeout 60000"),
                    (O::AuthPass(s("secret")), "auth-pass ******"),
                    (O::AuthUser(s("bob")), "auth-user bob"),
                    (
                        O::RenameCommand("config".into(), "xconfig".into()),
                        "rename-command config xconfig",
                    ),
                    (
                        O::MasterRebootDownAfterPeriod(0),
                        "master-reboot-down-after-period 0",
                    ),
                ],
                None,
            ),
            (
                &[
                    "auth-pass",
                    "",
                    "auth-user",
                    "",
                    "rename-command",
                    "config",
                    "CONFIG",
                ],
                true,
                vec![
                    (O::AuthPass(None), "auth-pass ******"),
                    (O::AuthUser(None), "auth-user "),
                    (
                        O::RenameCommand("config".into(), "CONFIG".into()),
                        "rename-command config CONFIG",
                    ),
                ],
                None,
            ),
            // Redis's int and unsigned fields: MASTER then showed quorum 1 and parallel-syncs 1.
            (
                &["quorum", "4294967297"],
                true,
                vec![(O::Quorum(1), "quorum 4294967297")],
                None,
            ),
            (
                &["quorum", "2147483648"],
                true,
                vec![(O::Quorum(2147483648), "quorum 2147483648")],
                None,
            ),
            (
                &["parallel-syncs", "4294967297"],
                true,
                vec![(O::ParallelSyncs(1), "parallel-syncs 4294967297")],
                None,
            ),
            (
                &["down-after-milliseconds", "9223372036854775807"],
                true,
                vec![(
                    O::DownAfter(i64::MAX as u64),
                    "down-after-milliseconds 9223372036854775807",
                )],
                None,
            ),
            // deny-scripts-reconfig no
            (
                &["notification-script", "/tmp/sc/ok.sh"],
                false,
                vec![(
                    O::NotificationScript(s("/tmp/sc/ok.sh")),
                    "notification-script /tmp/sc/ok.sh",
                )],
                None,
            ),
            (
                &["notification-script", "/tmp/sc/noexec.sh"],
                false,
                vec![],
                Some("ERR Notification script seems non existing or non executable"),
            ),
            (
                &["notification-script", "/tmp/sc/missing.sh"],
                false,
                vec![],
                Some("ERR Notification script seems non existing or non executable"),
            ),
            (
                &["notification-script", "/tmp/sc/dir"],
                false,
                vec![(
                    O::NotificationScript(s("/tmp/sc/dir")),
                    "notification-script /tmp/sc/dir",
                )],
                None,
            ),
            (
                &["notification-script", ""],
                false,
                vec![(O::NotificationScript(None), "notification-script ")],
                None,
            ),
            (
                &["client-reconfig-script", "/tmp/sc/ok.sh"],
                false,
                vec![(
                    O::ClientReconfigScript(s("/tmp/sc/ok.sh")),
                    "client-reconfig-script /tmp/sc/ok.sh",
                )],
                None,
            ),
            (
                &["client-reconfig-script", "/tmp/sc/noexec.sh"],
                false,
                vec![],
                Some("ERR Client reconfiguration script seems non existing or non executable"),
            ),
            (
                &["client-reconfig-script", ""],
                false,
                vec![(O::ClientReconfigScript(None), "client-reconfig-script ")],
                None,
            ),
            (
                &[
                    "quorum",
                    "5",
                    "client-reconfig-script",
                    "/tmp/sc/missing.sh",
                ],
                false,
                vec![(O::Quorum(5), "quorum 5")],
                Some("ERR Client reconfiguration script seems non existing or non executable"),
            ),
        ];
        for (words, deny, want, error) in rows {
            let (applied, got_error) = set_rows(deny, words);
            let want: Vec<(SetOption, String)> =
                want.into_iter().map(|(o, e)| (o, e.to_string())).collect();
            assert_eq!(applied, want, "{words:?}");
            assert_eq!(got_error.as_deref(), error, "{words:?}");
        }
    }

    #[test]
    fn set_options_apply_like_redis() {
        let mut c = SentinelConfig::default();
        c.apply(&["monitor", "m", "127.0.0.1", "6999", "2"].map(String::from))
            .unwrap();
        let m = &mut c.masters[0];
        for o in [
            SetOption::RenameCommand("config".into(), "xconfig".into()),
            SetOption::RenameCommand("CONFIG".into(), "yconfig".into()),
            SetOption::AuthPass(Some("p".into())),
            SetOption::ParallelSyncs(-2147483648),
        ] {
            o.apply(m);
        }
        assert_eq!(
            m.renamed_commands,
            [("CONFIG".to_string(), "yconfig".to_string())]
        );
        assert_eq!(m.parallel_syncs, 0);
        SetOption::RenameCommand("config".into(), "Config".into()).apply(m);
        assert!(m.renamed_commands.is_empty());
        SetOption::AuthPass(None).apply(m);
        assert_eq!(m.auth_pass, None);
    }

    #[test]
    fn script_check_is_access_x_ok() {
        assert!(script_executable("/bin/sh"));
        assert!(script_executable("/"), "directories pass access(X_OK)");
        assert!(!script_executable("/nonexistent/script.sh"));
    }

    #[test]
    fn monitor_checks() {
        let no_dns = |_: &str| -> Option<String> { None };
        let bad_ip = Err("ERR Invalid IP address or hostname specified".to_string());
        let ok = |ip: &str, port: u16| Ok((ip.to_string(), port));
        // (host, port, name taken, result); the shown ip is SENTINEL MASTERS's `ip`.
        type Row<'a> = (&'a str, i64, bool, Result<(String, u16), String>);
        let rows: Vec<Row> = vec![
            ("localhost", 6998, false, bad_ip.clone()),
            ("notanip", 99999, false, bad_ip.clone()),
            ("notanip", 6998, true, bad_ip.clone()),
            (
                "127.0.0.1",
                99999,
                false,
                Err("ERR Invalid port number.".into()),
            ),
            (
                "127.0.0.1",
                -1,
                false,
                Err("ERR Invalid port number.".into()),
            ),
            (
                "127.0.0.1",
                99999,
                true,
                Err("ERR Invalid port number.".into()),
            ),
            (
                "127.0.0.1",
                6998,
                true,
                Err("ERR Duplicate master name.".into()),
            ),
            ("127.1", 6998, false, ok("127.0.0.1", 6998)),
            ("1", 6998, false, ok("0.0.0.1", 6998)),
            ("0x7f.0.0.1", 6998, false, ok("127.0.0.1", 6998)),
            ("017.0.0.1", 6998, false, ok("15.0.0.1", 6998)),
            ("127.0.0.1 ", 6998, false, bad_ip.clone()),
            (" 127.0.0.1", 6998, false, bad_ip.clone()),
            ("256.0.0.1", 6998, false, bad_ip.clone()),
            ("1.2.3.4.5", 6998, false, bad_ip.clone()),
            ("::ffff:1.2.3.4", 6998, false, ok("::ffff:1.2.3.4", 6998)),
            ("fe80::1%lo", 6998, false, ok("fe80::1", 6998)),
            ("fe80::1%nosuch", 6998, false, bad_ip.clone()),
            ("fe80::1%", 6998, false, bad_ip.clone()),
            ("::1%5", 6998, false, ok("::1", 6998)),
            ("::1%lo", 6998, false, bad_ip.clone()),
            ("127.0.0.1", 0, false, ok("127.0.0.1", 0)),
            ("127.0.0.1", 4294974294, false, ok("127.0.0.1", 6998)),
            ("", 6998, false, bad_ip.clone()),
            ("0.0.0.0", 6998, false, ok("0.0.0.0", 6998)),
            ("4294967295", 6998, false, ok("255.255.255.255", 6998)),
            ("4294967296", 6998, false, bad_ip.clone()),
            ("1.2.65535", 6998, false, ok("1.2.255.255", 6998)),
            ("08.0.0.1", 6998, false, bad_ip.clone()),
            ("0x", 6998, false, bad_ip.clone()),
            ("[::1]", 6998, false, bad_ip.clone()),
            ("1.2.3.", 6998, false, bad_ip.clone()),
            ("1.2.3.256", 6998, false, bad_ip.clone()),
            ("ABCD::1", 6998, false, ok("abcd::1", 6998)),
            ("::1.2.3.4", 6998, false, ok("::1.2.3.4", 6998)),
            ("1::1.2.3.4", 6998, false, ok("1::102:304", 6998)),
            ("::", 6998, false, ok("::", 6998)),
            ("0:0:0:0:0:0:0:1", 6998, false, ok("::1", 6998)),
            ("1:0:0:1:0:0:0:1", 6998, false, ok("1:0:0:1::1", 6998)),
            ("::0.0.0.2", 6998, false, ok("::2", 6998)),
            (
                "::ffff:0:1.2.3.4",
                6998,
                false,
                ok("::ffff:0:102:304", 6998),
            ),
            ("0x7fffffff", 6998, false, ok("127.255.255.255", 6998)),
            ("1.0x10.077.9", 6998, false, ok("1.16.63.9", 6998)),
            ("1.2.3.4\0x", 6998, false, ok("1.2.3.4", 6998)),
        ];
        for (host, port, taken, want) in rows {
            assert_eq!(
                check_monitor(host, port, false, no_dns, taken),
                want,
                "{host:?} {port}"
            );
        }
        // resolve-hostnames yes: names go to the resolver.
        assert_eq!(
            check_monitor("localhost", 6998, true, |_| Some("127.0.0.1".into()), false),
            ok("127.0.0.1", 6998)
        );
        assert_eq!(
            check_monitor("nosuch.invalid", 6998, true, no_dns, false),
            bad_ip
        );
    }

    #[test]
    fn ckquorum() {
        let ok = |n: usize| {
            Ok(format!(
                "OK {n} usable Sentinels. Quorum and failover authorization can be reached"
            ))
        };
        const Q: &str =
            "Not enough available Sentinels to reach the specified quorum for this master";
        const A: &str =
            "Not enough available Sentinels to reach the majority and authorize a failover";
        // (usable, quorum, voters)
        let rows: Vec<(usize, u32, usize, Result<String, String>)> = vec![
            (2, 1, 2, ok(2)),
            (1, 2, 1, Err(format!("NOQUORUM 1 usable Sentinels. {Q}"))),
            (2, 1, 4, Err(format!("NOQUORUM 2 usable Sentinels. {A}"))),
            (2, 2, 4, Err(format!("NOQUORUM 2 usable Sentinels. {A}"))),
            // The quorum is compared as an int.
            (
                2,
                2147483648,
                4,
                Err(format!("NOQUORUM 2 usable Sentinels. {A}")),
            ),
            (
                2,
                5,
                4,
                Err(format!("NOQUORUM 2 usable Sentinels. {Q}. {A}")),
            ),
            (3, 2, 3, ok(3)),
        ];
        for (usable, quorum, voters, want) in rows {
            assert_eq!(
                ckquorum_reply(usable, quorum, voters),
                want,
                "{usable} {quorum} {voters}"
            );
        }
    }

    #[test]
    fn config_get_order_and_glob() {
        let mut c = SentinelConfig::default();
        let names = |c: &SentinelConfig, pat: &str| -> Vec<(&'static str, String)> {
            config_get(c, pat.as_bytes())
        };
        let e = String::new;
        assert_eq!(
            names(&c, "*"),
            vec![
                ("resolve-hostnames", "no".into()),
                ("announce-hostnames", "no".into()),
                ("announce-ip", e()),
                ("announce-port", "0".into()),
                ("sentinel-user", e()),
                ("sentinel-pass", e()),
            ]
        );
        assert_eq!(
            names(&c, "*host*"),
            vec![
                ("resolve-hostnames", "no".into()),
                ("announce-hostnames", "no".into())
            ]
        );
        assert_eq!(
            names(&c, "ANNOUNCE-*"),
            vec![
                ("announce-hostnames", "no".into()),
                ("announce-ip", e()),
                ("announce-port", "0".into()),
            ]
        );
        assert_eq!(names(&c, "nosuch"), vec![]);
        assert_eq!(names(&c, "announce-ip\0zzz"), vec![("announce-ip", e())]);
        for w in [
            &["resolve-hostnames", "YES"][..],
            &["sentinel-user", "u1"],
            &["sentinel-pass", "p1"],
            &["announce-port", "26999"],
            &["announce-ip", ""],
        ] {
            let Ok(SentinelCmd::ConfigSet(param)) = p(&["config", "set", w[0], w[1]]) else {
                panic!("{w:?}")
            };
            param.apply(&mut c);
        }
        assert_eq!(
            names(&c, "*"),
            vec![
                ("resolve-hostnames", "yes".into()),
                ("announce-hostnames", "no".into()),
                ("announce-ip", e()),
                ("announce-port", "26999".into()),
                ("sentinel-user", "u1".into()),
                ("sentinel-pass", "p1".into()),
            ]
        );
        assert_eq!(
            names(&c, "SENTINEL-?ASS"),
            vec![("sentinel-pass", "p1".into())]
        );
    }

    #[test]
    fn reset_pattern() {
        // `SENTINEL RESET nosuch*` gave `:0`, `SENTINEL RESET mymaster` `:1`.
        assert!(!reset_matches(b"nosuch*", "mymaster"));
        assert!(reset_matches(b"mymaster", "mymaster"));
        assert!(reset_matches(b"my*", "mymaster"));
        assert!(!reset_matches(b"MY*", "mymaster"), "case-sensitive");
    }

    #[test]
    fn help_text() {
        assert_eq!(HELP.len(), 49);
        assert_eq!(
            HELP[0],
            "SENTINEL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
        );
        assert_eq!(HELP[48], "    Prints this help.");
    }

    #[test]
    fn is_master_down() {
        assert_eq!(
            is_master_down_reply(false, None, 0),
            (0, "*".to_string(), 0)
        );
        let r = "2c54679c18a07fbfb74dcdea9d37fa0b9c4456c6";
        assert_eq!(
            is_master_down_reply(false, Some(r), 10),
            (0, r.to_string(), 10)
        );
        assert_eq!(is_master_down_reply(true, None, 0), (1, "*".to_string(), 0));
    }
}
