//! WATCH key [key ...]
//!
//! Makes the next EXEC fail (null reply) if any of the keys is changed by anyone, or expires,
//! before it runs.

use crate::cmd::flags::*;
use crate::cmd::table::spec;
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "watch",
    -2,
    NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY | TRANSACTION_CONTROL,
    (1, -1, 1),
    "transactions",
    "2.2.0",
    "Monitor changes to keys to determine execution of MULTI/EXEC block",
    watch,
);

fn watch(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    if ex.session.multi.is_some() {
        return Err(CmdError::other("ERR WATCH inside MULTI is not allowed"));
    }
    let db = ex.session.db;
    let id = ex.session.id;
    for key in args.rest() {
        if ex
            .session
            .watched
            .iter()
            .any(|(d, k, _)| *d == db && k[..] == key[..])
        {
            continue;
        }
        let expired = ex.ks.dbs[db].is_expired(key, ex.now);
        ex.session.watched.push((db, key.to_vec(), expired));
        ex.ks
            .watched
            .entry((db, key.to_vec()))
            .or_default()
            .push(id);
    }
    ex.out.ok();
    Ok(())
}
