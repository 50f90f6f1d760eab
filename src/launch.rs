//! The command line of `redactor-server` and `redactor-sentinel`, as redis-server has it.

use crate::config::{self, ConfigError};
use crate::log::{redis_logger, LogControl};
use actors::config::ConfigStore;
use actors::server::{REDACTOR_VERSION, REDIS_VERSION};
use std::sync::Arc;

/// Entry point of both binaries; returns the process exit status.
pub fn main(args: &[String], sentinel_binary: bool, used_memory: fn() -> u64) -> i32 {
    let mut inv = match config::parse_args(&args[1..]) {
        Ok(inv) => inv,
        Err(e) => return fatal(&e),
    };
    if inv.version {
        println!(
            "Redactor server v={REDACTOR_VERSION} (Redis {REDIS_VERSION} compatible) bits=64 build=actix"
        );
        return 0;
    }
    if inv.help {
        // redis-server prints its usage on standard error and exits 1.
        let program = args.first().map_or("./redactor-server", String::as_str);
        eprint!("{}", config::usage_text(program));
        return 1;
    }
    inv.sentinel |= sentinel_binary;
    // Measured now (10 ms), so that the first command is not the one that waits for it.
    actors::clock::init();
    let cfg = match config::load(&inv) {
        Ok(c) => c,
        Err(e) => return fatal(&e),
    };
    if inv.sentinel {
        return crate::sentinel::run(cfg, used_memory);
    }
    run_server(cfg, used_memory)
}

/// Reports a configuration failure as Redis does: unreadable files are a warning log line on
/// standard output (the log is not set up yet), everything else the FATAL CONFIG FILE block.
pub(crate) fn fatal(e: &ConfigError) -> i32 {
    let role = match e {
        ConfigError::Open { .. } | ConfigError::Stdin(_) => Some('C'),
        // Sentinel's own checks are warnings in its log format, as `sentinelCheckConfigFile`
        // writes them.
        ConfigError::SentinelWithoutConfigFile | ConfigError::SentinelConfigNotWritable { .. } => {
            Some('X')
        }
        _ => None,
    };
    match role {
        Some(role) => println!(
            "{}",
            crate::log::format_line(
                std::process::id(),
                role,
                slog::Level::Warning,
                &e.to_string()
            )
        ),
        None => eprintln!("{e}"),
    }
    e.exit_status()
}

fn run_server(cfg: Arc<config::ServerConfig>, used_memory: fn() -> u64) -> i32 {
    if cfg.bool_value("daemonize") == Some(true) {
        // Before any thread exists, as fork requires. Standard streams go to /dev/null, so an
        // empty logfile means no log at all, as with Redis.
        // SAFETY: no other thread runs yet; daemon() forks and the parent exits.
        if unsafe { libc::daemon(1, 0) } != 0 {
            eprintln!("Can't daemonize: {}", std::io::Error::last_os_error());
            return 1;
        }
    }
    let t = cfg.tunables();
    let control = LogControl::new(&t.loglevel);
    control.set_format(&t.log_format);
    let log = redis_logger(&t.logfile, control.clone());
    let pid = std::process::id();
    slog::warn!(log, "oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo");
    slog::warn!(
        log,
        "Redis version={REDIS_VERSION}, bits=64, commit=00000000, modified=0, pid={pid}, just started"
    );
    if t.config_file.is_none() {
        slog::warn!(log, "Warning: no config file specified, using the default config. In order to specify a config file use ./redactor-server /path/to/redis.conf");
    } else {
        slog::warn!(log, "Configuration loaded");
    }
    if let Err(e) = cfg.enter_dir() {
        slog::warn!(log, "{}", e);
        return 1;
    }
    {
        let control = control.clone();
        cfg.on_change(Box::new(move |t| control.set_level(&t.loglevel)));
    }
    control.set_role(if t.replicaof.is_some() { b'S' } else { b'M' });
    slog::info!(log, "monotonic clock: POSIX clock_gettime");
    let pidfile = crate::launch::PidFile::write(&t.pidfile, pid, &log);
    let backlog = cfg.tcp_backlog();
    let role_cell = control.role_cell();
    let store: Arc<dyn ConfigStore> = cfg.clone();
    let sys = actix::System::new();
    let started = sys.block_on({
        let log = log.clone();
        let logfile = t.logfile.clone();
        let json = control.is_json();
        let port = t.port;
        async move {
            let running =
                crate::system::start(store, log.clone(), used_memory, backlog, role_cell)?;
            slog::info!(log, "Running mode=standalone, port={}.", port);
            slog::warn!(log, "Server initialized");
            slog::info!(log, "Ready to accept connections");
            actix::spawn(wait_for_signal(
                logfile,
                json,
                running.keyspace.clone().recipient(),
            ));
            Ok::<_, crate::system::StartError>(running)
        }
    });
    let running = match started {
        Ok(r) => {
            for name in ["port", "bind"] {
                let l = r.listeners.clone();
                cfg.on_apply(name, Box::new(move |t| l.rebind(t)));
            }
            for name in ["metrics-port", "metrics-bind"] {
                let m = r.metrics.clone();
                cfg.on_apply(
                    name,
                    Box::new(move |t| m.apply(t.metrics_port, &t.metrics_bind)),
                );
            }
            crate::system::apply_mailbox_settings(&cfg, &r.server);
            if let Some(addr) = r.metrics.address() {
                slog::info!(log, "Serving Prometheus metrics on http://{}/metrics", addr);
            }
            r
        }
        Err(crate::system::StartError::Bind(e)) => {
            slog::warn!(log, "{}", e);
            slog::warn!(log, "Failed listening on port {} (tcp), aborting.", t.port);
            return 1;
        }
        Err(crate::system::StartError::Load(e)) => {
            slog::warn!(log, "{}", e);
            slog::warn!(log, "Terminating server after rdb file reading failure.");
            return 1;
        }
        Err(crate::system::StartError::Metrics(e)) => {
            slog::warn!(log, "{}", e);
            slog::warn!(
                log,
                "Failed listening on metrics-port {} (tcp), aborting.",
                t.metrics_port
            );
            return 1;
        }
    };
    run_to_exit(
        sys,
        running,
        pidfile,
        &log,
        "Redis is now ready to exit, bye bye...",
    )
}

/// `pidfile`: written at start-up, removed on the way out, as Redis does.
pub(crate) struct PidFile(String);

impl PidFile {
    pub(crate) fn write(path: &str, pid: u32, log: &slog::Logger) -> PidFile {
        if !path.is_empty() {
            if let Err(e) = std::fs::write(path, format!("{pid}\n")) {
                slog::warn!(log, "Failed to write PID file: {}", e);
            }
        }
        PidFile(path.to_string())
    }
}

/// Runs until the system stops, then Redis's last steps: stop what runs, remove the pid file,
/// say goodbye (`bye`, which differs between a server and a Sentinel).
pub(crate) fn run_to_exit<R>(
    sys: actix::SystemRunner,
    running: R,
    pidfile: PidFile,
    log: &slog::Logger,
    bye: &str,
) -> i32 {
    let code = sys.run_with_code().unwrap_or(1);
    drop(running);
    if !pidfile.0.is_empty() {
        slog::info!(log, "Removing the pid file.");
        let _ = std::fs::remove_file(&pidfile.0);
    }
    slog::warn!(log, "{}", bye);
    code
}

/// SIGTERM / SIGINT: log the line Redis's signal handler writes, then ask the keyspace to shut
/// down (it saves first when save points are configured, and stays up if that fails; a later
/// signal tries again).
pub(crate) async fn wait_for_signal(
    logfile: String,
    json: bool,
    keyspace: actix::Recipient<::actors::keyspace::ShutdownOnSignal>,
) {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        return;
    };
    loop {
        let signal = tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = int.recv() => "SIGINT",
        };
        log_signal(&logfile, json, signal);
        if keyspace
            .send(::actors::keyspace::ShutdownOnSignal { signal })
            .await
            .is_err()
        {
            actix::System::current().stop();
            return;
        }
    }
}

/// The line Redis's signal handler writes, outside the usual format (with `log-format json`,
/// an object whose role is `signal-handler`).
pub(crate) fn log_signal(logfile: &str, json: bool, name: &str) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let pid = std::process::id();
    let msg = format!("Received {name} scheduling shutdown...");
    let line = if json {
        let line =
            crate::log::format_json_line(pid, "signal-handler", slog::Level::Warning, &msg, "");
        format!("{line}\n")
    } else {
        format!("{pid}:signal-handler ({now}) {msg}\n")
    };
    if logfile.is_empty() {
        print!("{line}");
    } else if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(logfile)
    {
        use std::io::Write;
        let _ = f.write_all(line.as_bytes());
    }
}
