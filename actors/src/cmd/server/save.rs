//! SAVE
//!
//! Writes the dataset to `dir/dbfilename` synchronously (the server serves nobody meanwhile,
//! as in Redis) and answers OK, or `-ERR` when the file cannot be written.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, NO_KEYS};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "save",
    1,
    ADMIN | NOSCRIPT | NO_MULTI,
    NO_KEYS,
    "server",
    "1.0.0",
    "Synchronously save the dataset to disk",
    save,
);

fn save(ex: &mut Exec, _: Args) -> Result<(), CmdError> {
    if ex.ks.bg.runs(crate::keyspace::background::Job::Bgsave) {
        return Err(CmdError::other("ERR Background save already in progress"));
    }
    if save_now(ex) {
        ex.out.ok();
        Ok(())
    } else {
        Err(CmdError::other("ERR"))
    }
}

/// Saves and records it (LASTSAVE, INFO persistence); false, with a log line, on failure.
pub fn save_now(ex: &mut Exec) -> bool {
    crate::persistence::save_keyspace(ex.ks, ex.server, ex.now)
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;
    use crate::config::{FixedConfig, Tunables};
    use crate::server::ServerContext;
    use std::sync::Arc;

    #[test]
    fn save_writes_the_dump_and_resets_the_change_count() {
        let dir = std::env::temp_dir().join(format!("redactor-save-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let t = Tunables {
            dir: dir.display().to_string(),
            ..Tunables::default()
        };
        let server = Arc::new(ServerContext::new(
            Arc::new(FixedConfig(Arc::new(t))),
            slog::Logger::root(slog::Discard, slog::o!()),
            || 0,
        ));
        let mut h = Harness::with_server(server);
        h.check(&[("SET k v", "+OK\r\n"), ("SAVE", "+OK\r\n")]);
        assert_eq!(h.ks.dirty, 0);
        assert!(dir.join("dump.rdb").exists());
        std::fs::remove_dir_all(&dir).unwrap();
        // An unwritable directory: Redis's bare -ERR.
        let t = Tunables {
            dir: "/nonexistent/redactor".into(),
            ..Tunables::default()
        };
        let server = Arc::new(ServerContext::new(
            Arc::new(FixedConfig(Arc::new(t))),
            slog::Logger::root(slog::Discard, slog::o!()),
            || 0,
        ));
        let mut h = Harness::with_server(server);
        h.check(&[("SAVE", "-ERR\r\n")]);
    }
}
