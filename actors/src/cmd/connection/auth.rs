//! AUTH [username] password
//!
//! Authenticates the connection. Only the `default` user exists; its password is `requirepass`.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, NO_KEYS};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::config::Tunables;

pub const SPEC: CommandSpec = spec(
    "auth",
    -2,
    NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | SENTINEL | ALLOW_BUSY,
    NO_KEYS,
    "connection",
    "1.0.0",
    "Authenticate to the server",
    auth,
);

/// Redis's ACL check for the only user there is: `default`, with `requirepass` as its password
/// or `nopass` (any password) when none is set.
pub fn check_user(t: &Tunables, user: &[u8], pass: &[u8]) -> bool {
    user == b"default" && t.requirepass.as_deref().is_none_or(|p| p == pass)
}

fn auth(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    let t = ex.server.config.tunables();
    let ok = match args.rest() {
        [pass] => {
            if t.requirepass.is_none() {
                return Err(CmdError::other(
                    "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?",
                ));
            }
            check_user(&t, b"default", pass)
        }
        [user, pass] => check_user(&t, user, pass),
        _ => return Err(CmdError::Syntax),
    };
    if !ok {
        return Err(CmdError::WrongPass);
    }
    ex.session.authenticated = true;
    ex.out.ok();
    Ok(())
}
