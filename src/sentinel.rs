//! `redactor-sentinel sentinel.conf` and `redactor-server sentinel.conf --sentinel`: Redis's
//! Sentinel start-up (`sentinelIsRunning`). The config loader has already required a writable
//! config file; here the `sentinel` lines are read with Redis's checks, a new Sentinel picks
//! its id and saves it, and every configured master gets a `+monitor` event.

use crate::config::ServerConfig;
use crate::config::{ConfigError, Location};
use crate::log::{redis_logger, LogControl};
use actors::config::ConfigStore;
use actors::monitor::master::spawn_instance_link;
use actors::monitor::sentinel::SentinelActor;
use actors::monitor::shared::Shared;
use actors::sentinel::config::SentinelConfig;
use actors::server::{random_hex, REDIS_VERSION};
use std::sync::Arc;

/// Runs a Sentinel until it is told to stop; returns the exit status.
pub fn run(cfg: Arc<ServerConfig>, used_memory: fn() -> u64) -> i32 {
    let mut sentinel = SentinelConfig::default();
    for d in cfg.sentinel_directives() {
        if let Err(reason) = sentinel.apply(&d.args) {
            return crate::launch::fatal(&ConfigError::InvalidValue {
                at: Location {
                    line: d.line,
                    text: d.text.clone(),
                },
                reason: reason.to_string(),
            });
        }
    }
    if cfg.bool_value("daemonize") == Some(true) {
        // SAFETY: no other thread runs yet; daemon() forks and the parent exits.
        if unsafe { libc::daemon(1, 0) } != 0 {
            eprintln!("Can't daemonize: {}", std::io::Error::last_os_error());
            return 1;
        }
    }
    let t = cfg.tunables();
    let control = LogControl::new(&t.loglevel);
    control.set_format(&t.log_format);
    control.set_role(b'X');
    let log = redis_logger(&t.logfile, control.clone());
    let pid = std::process::id();
    slog::warn!(log, "oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo");
    slog::warn!(
        log,
        "Redis version={REDIS_VERSION}, bits=64, commit=00000000, modified=0, pid={pid}, just started"
    );
    slog::warn!(log, "Configuration loaded");
    if let Err(e) = cfg.enter_dir() {
        slog::warn!(log, "{}", e);
        return 1;
    }
    {
        let control = control.clone();
        cfg.on_change(Box::new(move |t| control.set_level(&t.loglevel)));
    }
    let pidfile = crate::launch::PidFile::write(&t.pidfile, pid, &log);
    let fresh_id = sentinel.myid.is_none();
    let myid = sentinel.myid.clone().unwrap_or_else(|| {
        let seed = actors::server::unix_us() ^ (u64::from(pid) << 40);
        random_hex(40, seed)
    });
    let backlog = cfg.tcp_backlog();
    let role_cell = control.role_cell();
    let store: Arc<dyn ConfigStore> = cfg.clone();
    let sys = actix::System::new();
    let started = sys.block_on({
        let log = log.clone();
        let port = t.port;
        let logfile = t.logfile.clone();
        let json = control.is_json();
        async move {
            let (listeners, actor, metrics) = crate::system::start_sentinel(
                store,
                log.clone(),
                used_memory,
                backlog,
                role_cell,
                |server| {
                    let epoch = sentinel.current_epoch;
                    let shared = Arc::new(Shared::new(myid, epoch, port, server));
                    shared.configure(&sentinel);
                    let links = spawn_instance_link(&shared);
                    let log = log.new(slog::o!("actor" => "sentinel"));
                    SentinelActor::new(shared, sentinel, links, log).with_fresh_id(fresh_id)
                },
            )?;
            slog::info!(log, "Running mode=sentinel, port={}.", port);
            if let Some(addr) = metrics.address() {
                slog::info!(log, "Serving Prometheus metrics on http://{}/metrics", addr);
            }
            actix::spawn(crate::launch::wait_for_signal(
                logfile,
                json,
                actor.clone().recipient(),
            ));
            Ok::<_, crate::system::StartError>((listeners, actor, metrics))
        }
    });
    let running = match started {
        Ok(r) => r,
        Err(crate::system::StartError::Bind(e)) => {
            slog::warn!(log, "{}", e);
            slog::warn!(log, "Failed listening on port {} (tcp), aborting.", t.port);
            return 1;
        }
        Err(crate::system::StartError::Load(e) | crate::system::StartError::Metrics(e)) => {
            slog::warn!(log, "{}", e);
            return 1;
        }
    };
    crate::launch::run_to_exit(
        sys,
        running,
        pidfile,
        &log,
        "Sentinel is now ready to exit, bye bye...",
    )
}
