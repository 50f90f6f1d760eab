//! [`ServerConfig`]: the running server's configuration, answering CONFIG GET, SET and REWRITE as
//! Redis 7.0 does, and handing actors a typed [`Tunables`] snapshot.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use actors::config::{ConfigStore, Tunables};
use bytes::Bytes;

use super::acl::{default_user_line, UserLine};
use super::error::{strerror, ConfigError};
use super::glob::{is_pattern, string_match};
use super::loader::{normalize, Loaded, SentinelDirective};
use super::rewrite::{rewrite_file, RewriteState};
use super::split::split_on_spaces;
use super::table::{
    entries, index_of, lookup, Entry, DIRECTIVES, HIDDEN, IMMUTABLE, MULTI_ARG, PROTECTED,
    SENSITIVE,
};
use super::tunables::{self, Context};
use super::value::{self, show, Origin, Value};
use super::value_rewrite;

/// Called after every successful CONFIG SET with the new snapshot (e.g. to change the log level).
pub type ChangeListener = Box<dyn Fn(&Tunables) + Send + Sync>;

/// Called during CONFIG SET when its parameter changed, with the snapshot about to be committed;
/// an `Err(reason)` cancels the whole CONFIG SET, which then fails with
/// `ERR CONFIG SET failed (possibly related to argument '<name>') - <reason>` (Redis's "apply"
/// step: rebinding `port` or `bind`, for instance). Appliers that already ran are called again
/// with the old snapshot so they can undo. An applier must not call [`ServerConfig::set`].
pub type Applier = Box<dyn Fn(&Tunables) -> Result<(), String> + Send + Sync>;

struct State {
    values: Vec<Value>,
    /// The default user's password: `requirepass`, or what a `user default` line set.
    default_password: Option<Vec<u8>>,
    users: Vec<UserLine>,
    sentinel: bool,
    sentinel_lines: Vec<SentinelDirective>,
    config_file: Option<PathBuf>,
    logfile: String,
    pidfile: String,
    /// Whether CONFIG SET dir changes the process's working directory (after [`ServerConfig::enter_dir`]).
    follow_dir: bool,
}

impl State {
    fn tunables(&self) -> Tunables {
        tunables::build(
            &self.values,
            &Context {
                default_password: self.default_password.as_deref(),
                config_file: self.config_file.as_deref(),
                logfile: &self.logfile,
                pidfile: &self.pidfile,
            },
        )
    }
}

/// The configuration of a running server or Sentinel. Shared as `Arc<ServerConfig>`; every method
/// takes `&self`.
pub struct ServerConfig {
    state: Mutex<State>,
    snapshot: RwLock<Arc<Tunables>>,
    /// Serialises CONFIG SET, including its listeners, so listeners see changes in order.
    set_lock: Mutex<()>,
    listeners: Mutex<Vec<Arc<ChangeListener>>>,
    appliers: Mutex<Vec<(usize, Arc<Applier>)>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// CONFIG SET's error for a parameter it could not set.
fn set_failed(name: &str, reason: &str) -> String {
    format!("ERR CONFIG SET failed (possibly related to argument '{name}') - {reason}")
}

impl ServerConfig {
    pub(crate) fn from_loaded(
        loaded: Loaded,
        config_file: Option<PathBuf>,
        sentinel: bool,
    ) -> Arc<Self> {
        let (logfile, pidfile) = tunables::log_and_pid_files(&loaded.values);
        let state = State {
            values: loaded.values,
            default_password: loaded.default_password,
            users: loaded.users,
            sentinel,
            sentinel_lines: loaded.sentinel_lines,
            config_file,
            logfile,
            pidfile,
            follow_dir: false,
        };
        let snapshot = Arc::new(state.tunables());
        Arc::new(ServerConfig {
            state: Mutex::new(state),
            snapshot: RwLock::new(snapshot),
            set_lock: Mutex::new(()),
            listeners: Mutex::new(Vec::new()),
            appliers: Mutex::new(Vec::new()),
        })
    }

    /// Reads a configuration text (as a file's content) without a file behind it; CONFIG REWRITE
    /// then uses `config_file` if given. For tests and tools; a server uses [`super::load`].
    pub fn from_text(
        text: &[u8],
        sentinel: bool,
        config_file: Option<PathBuf>,
    ) -> Result<Arc<Self>, ConfigError> {
        let cwd = super::current_dir();
        let mut loader = super::loader::Loader::new(sentinel, &cwd);
        loader.load_text(text)?;
        Ok(Self::from_loaded(loader.finish()?, config_file, sentinel))
    }

    /// Redis's defaults, as a server started without arguments has them.
    pub fn defaults(sentinel: bool) -> Arc<Self> {
        let cwd = super::current_dir();
        let loaded = super::loader::Loader::new(sentinel, &cwd).defaults();
        Self::from_loaded(loaded, None, sentinel)
    }

    /// Registers a listener run after each successful CONFIG SET.
    pub fn on_change(&self, listener: ChangeListener) {
        lock(&self.listeners).push(Arc::new(listener));
    }

    /// Registers an applier for parameter `name` (or its alias); `false` if there is no such
    /// parameter.
    pub fn on_apply(&self, name: &str, applier: Applier) -> bool {
        match lookup(name.as_bytes()) {
            Some(entry) => {
                lock(&self.appliers).push((entry.index, Arc::new(applier)));
                true
            }
            None => false,
        }
    }

    /// Changes the process's working directory into `dir` (see [`super::change_dir`]); from then on
    /// CONFIG SET dir changes it too.
    pub fn enter_dir(&self) -> Result<(), ConfigError> {
        let dir = self.tunables().dir.clone();
        super::change_dir(&dir)?;
        self.follow_dir();
        Ok(())
    }

    /// From now on CONFIG SET dir changes the process's working directory.
    pub(crate) fn follow_dir(&self) {
        lock(&self.state).follow_dir = true;
    }

    /// CONFIG SET for a client that is (`local_client`) or is not on the loopback interface, which
    /// matters when `enable-protected-configs` is `local`. [`ConfigStore::set`] is this with
    /// `local_client = false`.
    pub fn set_as(&self, pairs: &[(Bytes, Bytes)], local_client: bool) -> Result<(), String> {
        let _serial = lock(&self.set_lock);
        let new_snapshot = {
            let mut state = lock(&self.state);
            let chosen = Self::resolve_names(&state, pairs, local_client)?;
            let mut values = state.values.clone();
            for (entry, (_, raw)) in chosen.iter().zip(pairs) {
                let d = &DIRECTIVES[entry.index];
                let args = if d.has(MULTI_ARG) {
                    split_on_spaces(raw)
                } else {
                    vec![raw.to_vec()]
                };
                let new = value::parse(d, &values[entry.index], &args, Origin::ConfigSet)
                    .map_err(|reason| set_failed(entry.name(), &reason))?;
                values[entry.index] = normalize(d.name, new);
            }
            let changed: Vec<&Entry> = chosen
                .iter()
                .filter(|e| values[e.index] != state.values[e.index])
                .collect();
            let requirepass = index_of("requirepass");
            let default_password = if changed.iter().any(|e| e.index == requirepass) {
                match &values[requirepass] {
                    Value::Str(p) => p.clone(),
                    _ => None,
                }
            } else {
                state.default_password.clone()
            };
            let old_snapshot = self.tunables();
            let new_snapshot = Arc::new(tunables::build(
                &values,
                &Context {
                    default_password: default_password.as_deref(),
                    config_file: state.config_file.as_deref(),
                    logfile: &state.logfile,
                    pidfile: &state.pidfile,
                },
            ));
            let dir = index_of("dir");
            let moved = state.follow_dir && changed.iter().any(|e| e.index == dir);
            if moved {
                if let Value::Dir(path) = &values[dir] {
                    std::env::set_current_dir(path)
                        .map_err(|e| set_failed("dir", &strerror(&e)))?;
                }
            }
            if let Err(err) = self.run_appliers(&changed, &new_snapshot, &old_snapshot) {
                if moved {
                    if let Value::Dir(old) = &state.values[dir] {
                        let _ = std::env::set_current_dir(old);
                    }
                }
                return Err(err);
            }
            state.values = values;
            state.default_password = default_password;
            *self.snapshot.write().unwrap_or_else(|p| p.into_inner()) = new_snapshot.clone();
            new_snapshot
        };
        let listeners: Vec<Arc<ChangeListener>> = lock(&self.listeners).clone();
        for listener in listeners {
            listener(&new_snapshot);
        }
        Ok(())
    }

    /// Redis's first pass over CONFIG SET's names: unknown, immutable, protected and duplicate
    /// parameters are refused, the first problem in argument order winning.
    fn resolve_names(
        state: &State,
        pairs: &[(Bytes, Bytes)],
        local_client: bool,
    ) -> Result<Vec<Entry>, String> {
        let protected_allowed = match state.values[index_of("enable-protected-configs")] {
            Value::Enum(1) => true,
            Value::Enum(2) => local_client,
            _ => false,
        };
        let mut chosen: Vec<Entry> = Vec::with_capacity(pairs.len());
        for (name, _) in pairs {
            let Some(entry) = lookup(name) else {
                return Err(format!(
                    "ERR Unknown option or number of arguments for CONFIG SET - '{}'",
                    lossy(name)
                ));
            };
            let d = &DIRECTIVES[entry.index];
            let refusal = if d.has(IMMUTABLE) {
                Some("can't set immutable config")
            } else if d.has(PROTECTED) && !protected_allowed {
                Some("can't set protected config")
            } else if chosen.contains(&entry) {
                Some("duplicate parameter")
            } else {
                None
            };
            if let Some(why) = refusal {
                return Err(set_failed(&lossy(name), why));
            }
            chosen.push(entry);
        }
        Ok(chosen)
    }

    /// Runs the appliers of the changed parameters in argument order, each once. On failure the
    /// ones that ran are given the old snapshot back.
    fn run_appliers(
        &self,
        changed: &[&Entry],
        new: &Tunables,
        old: &Tunables,
    ) -> Result<(), String> {
        let appliers: Vec<(usize, Arc<Applier>)> = lock(&self.appliers).clone();
        let mut ran: Vec<&Arc<Applier>> = Vec::new();
        for entry in changed {
            for (index, applier) in &appliers {
                if *index != entry.index || ran.iter().any(|r| Arc::ptr_eq(r, applier)) {
                    continue;
                }
                if let Err(reason) = applier(new) {
                    for undo in &ran {
                        let _ = undo(old);
                    }
                    let _ = applier(old);
                    return Err(set_failed(entry.name(), &reason));
                }
                ran.push(applier);
            }
        }
        Ok(())
    }

    /// CONFIG REWRITE, letting `extra` add lines of its own (the Sentinel's `sentinel ...` state)
    /// before orphaned lines are removed.
    pub fn rewrite_with(&self, extra: impl FnOnce(&mut RewriteState)) -> Result<(), String> {
        let state = lock(&self.state);
        let Some(path) = state.config_file.clone() else {
            return Err("ERR The server is running without a config file".into());
        };
        rewrite_file(&path, state.sentinel, |rs| {
            for (d, v) in DIRECTIVES.iter().zip(&state.values) {
                value_rewrite::rewrite(d, v, rs, state.sentinel);
            }
            rewrite_users(&state, rs);
            // Redactor loads no modules, so no loadmodule line survives.
            rs.mark_processed("loadmodule");
            extra(rs);
        })
        .map_err(|e| format!("ERR Rewriting config file: {}", strerror(&e)))
    }

    /// The value CONFIG GET prints for one exact parameter name (aliases and hidden parameters
    /// included).
    pub fn value(&self, name: &str) -> Option<String> {
        let entry = lookup(name.as_bytes())?;
        let state = lock(&self.state);
        Some(lossy(&show(
            &DIRECTIVES[entry.index],
            &state.values[entry.index],
        )))
    }

    /// A numeric parameter (`repl-backlog-size`, `min-replicas-to-write`, ...) as a number; memory
    /// values in bytes, percentages negative (as Redis stores them).
    pub fn int_value(&self, name: &str) -> Option<i64> {
        let entry = lookup(name.as_bytes())?;
        match lock(&self.state).values[entry.index] {
            Value::Num(v) => Some(v),
            _ => None,
        }
    }

    /// A yes/no parameter.
    pub fn bool_value(&self, name: &str) -> Option<bool> {
        let entry = lookup(name.as_bytes())?;
        match lock(&self.state).values[entry.index] {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// A string parameter; `None` when unset.
    pub fn bytes_value(&self, name: &str) -> Option<Bytes> {
        let entry = lookup(name.as_bytes())?;
        match &lock(&self.state).values[entry.index] {
            Value::Str(Some(s)) => Some(Bytes::copy_from_slice(s)),
            _ => None,
        }
    }

    /// The master this server replicates (`replicaof`), if any.
    pub fn replicaof(&self) -> Option<(String, u16)> {
        match &lock(&self.state).values[index_of("replicaof")] {
            Value::ReplicaOf(Some((host, port))) => {
                Some((lossy(host), (*port).clamp(0, 65535) as u16))
            }
            _ => None,
        }
    }

    /// Records a change of master made by REPLICAOF/SLAVEOF (or Sentinel), so that CONFIG GET and
    /// CONFIG REWRITE report it as Redis does; `None` for REPLICAOF NO ONE.
    pub fn set_replicaof(&self, master: Option<(String, u16)>) {
        let mut state = lock(&self.state);
        state.values[index_of("replicaof")] =
            Value::ReplicaOf(master.map(|(h, p)| (h.into_bytes(), i64::from(p))));
        // The typed snapshot follows, so the replication actors read the same master.
        let fresh = Arc::new(state.tunables());
        *self.snapshot.write().unwrap_or_else(|p| p.into_inner()) = fresh;
    }

    /// `tcp-backlog`, for `listen(2)`.
    pub fn tcp_backlog(&self) -> i32 {
        self.int_value("tcp-backlog")
            .map_or(511, |v| v.clamp(0, i64::from(i32::MAX)) as i32)
    }

    /// `masterauth`, if set.
    pub fn masterauth(&self) -> Option<Bytes> {
        self.bytes_value("masterauth")
    }

    /// `masteruser`, if set.
    pub fn masteruser(&self) -> Option<Bytes> {
        self.bytes_value("masteruser")
    }

    /// Whether the configuration was read in Sentinel mode.
    pub fn is_sentinel(&self) -> bool {
        lock(&self.state).sentinel
    }

    /// The `sentinel ...` lines of the file, in order, for the Sentinel to interpret.
    pub fn sentinel_directives(&self) -> Vec<SentinelDirective> {
        lock(&self.state).sentinel_lines.clone()
    }

    /// The configuration file, absolute, if the server has one.
    pub fn config_file(&self) -> Option<PathBuf> {
        lock(&self.state).config_file.clone()
    }

    /// Whether a parameter holds a secret that logs, SLOWLOG and MONITOR must not show.
    pub fn is_sensitive(name: &[u8]) -> bool {
        lookup(name).is_some_and(|e| DIRECTIVES[e.index].has(SENSITIVE))
    }
}

/// The `user` lines: the default user's from its password, other users as they were read; all
/// sorted by name as Redis lists its users. With an `aclfile`, users live there and every `user`
/// line goes.
fn rewrite_users(state: &State, rs: &mut RewriteState) {
    let aclfile =
        matches!(&state.values[index_of("aclfile")], Value::Str(Some(f)) if !f.is_empty());
    if !aclfile {
        let mut users: Vec<(Vec<u8>, Vec<u8>)> = vec![(
            b"default".to_vec(),
            default_user_line(state.default_password.as_deref()),
        )];
        let mut seen: HashSet<Vec<u8>> = HashSet::from([b"default".to_vec()]);
        for user in state.users.iter().rev() {
            let name = user.args.first().cloned().unwrap_or_default();
            if seen.insert(name.clone()) {
                users.push((name, [b"user ".as_slice(), &user.args.join(&b' ')].concat()));
            }
        }
        users.sort();
        for (_, line) in users {
            rs.rewrite_line("user", line, true);
        }
    }
    rs.mark_processed("user");
}

/// Every `sentinel <option>` a Sentinel config can hold.
const SENTINEL_OPTIONS: [&str; 24] = [
    "myid",
    "deny-scripts-reconfig",
    "resolve-hostnames",
    "announce-hostnames",
    "monitor",
    "down-after-milliseconds",
    "failover-timeout",
    "parallel-syncs",
    "notification-script",
    "client-reconfig-script",
    "auth-pass",
    "auth-user",
    "master-reboot-down-after-period",
    "config-epoch",
    "leader-epoch",
    "known-replica",
    "known-slave",
    "known-sentinel",
    "rename-command",
    "current-epoch",
    "announce-ip",
    "announce-port",
    "sentinel-user",
    "sentinel-pass",
];

impl ConfigStore for ServerConfig {
    fn tunables(&self) -> Arc<Tunables> {
        self.snapshot
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn get(&self, patterns: &[Bytes]) -> Vec<(String, String)> {
        let state = lock(&self.state);
        let mut out = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        let mut add = |out: &mut Vec<(String, String)>, shown: String, entry: Entry| {
            if seen.insert(shown.to_ascii_lowercase()) {
                let value = show(&DIRECTIVES[entry.index], &state.values[entry.index]);
                out.push((shown, lossy(&value)));
            }
        };
        for pattern in patterns {
            if !is_pattern(pattern) {
                // An exact name answers under the spelling asked for, hidden parameters included.
                if let Some(entry) = lookup(pattern) {
                    add(&mut out, lossy(pattern), entry);
                }
                continue;
            }
            for entry in entries() {
                if DIRECTIVES[entry.index].has(HIDDEN) {
                    continue;
                }
                if string_match(pattern, entry.name().as_bytes(), true) {
                    add(&mut out, entry.name().to_string(), *entry);
                }
            }
        }
        out
    }

    fn set(&self, pairs: &[(Bytes, Bytes)]) -> Result<(), String> {
        self.set_as(pairs, false)
    }

    fn set_replicaof(&self, master: Option<(String, u16)>) {
        ServerConfig::set_replicaof(self, master);
    }

    fn rewrite_sentinel(&self, lines: &[String]) -> Result<(), String> {
        self.rewrite_with(|rs| {
            for line in lines {
                let mut words = line.split(' ');
                let key = format!(
                    "{} {}",
                    words.next().unwrap_or_default(),
                    words.next().unwrap_or_default()
                );
                rs.rewrite_line(&key, line.clone().into_bytes(), true);
            }
            // Whatever state the Sentinel no longer has (a removed master, a forgotten
            // replica) leaves its old lines blank.
            for option in SENTINEL_OPTIONS {
                rs.mark_processed(&format!("sentinel {option}"));
            }
        })
    }

    fn rewrite(&self) -> Result<(), String> {
        self.rewrite_with(|_| {})
    }
}

/// Whether `path` is writable by this process (`access(W_OK)`), with the system's reason if not.
pub(crate) fn check_writable(path: &Path) -> Result<(), String> {
    use std::os::unix::ffi::OsStrExt;
    let c_path = std::ffi::CString::new(path.as_os_str().as_bytes())
        .map_err(|_| strerror(&std::io::Error::from_raw_os_error(libc::EINVAL)))?;
    // SAFETY: `c_path` is a valid NUL-terminated string that outlives the call.
    if unsafe { libc::access(c_path.as_ptr(), libc::W_OK) } == 0 {
        Ok(())
    } else {
        Err(strerror(&std::io::Error::last_os_error()))
    }
}
