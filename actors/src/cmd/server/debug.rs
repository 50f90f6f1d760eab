//! DEBUG SET-ACTIVE-EXPIRE 0|1 | SLEEP seconds | RELOAD
//!
//! The parts of Redis's DEBUG that tests and operators lean on. Refused unless
//! `enable-debug-command` is `yes` (or `local`, from a loopback client), as in Redis 7.0.
//! Other subcommands answer as Redis does for an unknown one.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, NO_KEYS};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "debug",
    -2,
    ADMIN | NOSCRIPT | LOADING | STALE | PROTECTED,
    NO_KEYS,
    "server",
    "1.0.0",
    "A container for debugging commands",
    debug,
);

/// Redis's `processCommand` refusal of a protected command, before authentication.
pub const NOT_ALLOWED: &str = "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.";

/// `allowProtectedAction(server.enable_debug_cmd, c)`.
pub fn allowed(ex: &Exec) -> bool {
    match ex.server.config.tunables().enable_debug_command.as_str() {
        "yes" => true,
        "local" => ex
            .session
            .handle
            .as_ref()
            .is_none_or(|h| h.addr.ip().is_loopback()),
        _ => false,
    }
}

fn debug(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let sub = args.required()?.to_ascii_lowercase();
    match (sub.as_slice(), args.remaining()) {
        (b"set-active-expire", 1) => {
            let on = crate::keyspace::value::parse_i64_strict(args.required()?)
                .ok_or(CmdError::NotInteger)?;
            ex.ks.active_expire_enabled = on != 0;
            ex.out.ok();
            Ok(())
        }
        (b"sleep", 1) => {
            let secs: f64 = std::str::from_utf8(args.required()?)
                .ok()
                .and_then(|s| s.parse().ok())
                .filter(|s: &f64| s.is_finite() && *s >= 0.0)
                .ok_or_else(|| CmdError::other("ERR value is not a valid float"))?;
            // As in Redis, the whole server sleeps.
            std::thread::sleep(std::time::Duration::from_secs_f64(secs));
            ex.out.ok();
            Ok(())
        }
        (b"reload", 0) => {
            if !crate::persistence::save_keyspace(ex.ks, ex.server, ex.now) {
                return Err(CmdError::other("ERR Error trying to save the DB"));
            }
            let t = ex.server.config.tunables();
            match crate::persistence::load(&t) {
                Ok(Some(dump)) => {
                    ex.ks.dbs = dump.dbs;
                    slog::info!(ex.server.log, "DB reloaded by DEBUG RELOAD");
                    ex.out.ok();
                    Ok(())
                }
                Ok(None) => Err(CmdError::other("ERR Error trying to load the RDB dump")),
                Err(e) => Err(CmdError::Other(format!(
                    "ERR Error trying to load the RDB dump: {e}"
                ))),
            }
        }
        _ => Err(CmdError::subcommand_arity(&args.all()[1], "debug")),
    }
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn refused_unless_enabled() {
        let mut h = Harness::new();
        assert!(h
            .run(&["DEBUG", "SET-ACTIVE-EXPIRE", "0"])
            .starts_with("-ERR DEBUG command not allowed."));
        assert!(h.ks.active_expire_enabled);
    }
}
