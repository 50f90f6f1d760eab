//! EXEC
//!
//! Runs the queued commands and answers an array of their replies; EXECABORT when a command
//! was refused while queuing; the null array when a WATCHed key changed or expired.

use super::unwatch_all;
use crate::cmd::flags::*;
use crate::cmd::table::{spec, NO_KEYS};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "exec",
    1,
    NOSCRIPT | LOADING | STALE | SKIP_SLOWLOG | TRANSACTION_CONTROL,
    NO_KEYS,
    "transactions",
    "1.2.0",
    "Execute all commands issued after MULTI",
    exec,
);

fn exec(ex: &mut Exec, _: Args) -> Result<(), CmdError> {
    let Some(queue) = ex.session.multi.take() else {
        return Err(CmdError::other("ERR EXEC without MULTI"));
    };
    let refused = std::mem::take(&mut ex.session.multi_error);
    ex.session.multi_writes = false;
    let watched = std::mem::take(&mut ex.session.watched);
    let id = ex.session.id;
    // A watched key that expired since WATCH counts as changed, as in Redis 7.0.
    let expired = watched
        .iter()
        .any(|(db, k, was_expired)| !was_expired && ex.ks.dbs[*db].is_expired(k, ex.now));
    let changed = ex.ks.dirty_cas.contains(&id) || expired;
    unwatch_all(ex.ks, id, &watched);
    if refused {
        return Err(CmdError::other(
            "EXECABORT Transaction discarded because of previous errors.",
        ));
    }
    if changed {
        ex.out.null_array();
        return Ok(());
    }
    ex.out.array(queue.len());
    let may_block = std::mem::replace(&mut ex.may_block, false);
    let table = ex.table;
    for args in &queue {
        table.exec_queued(ex, args);
    }
    ex.may_block = may_block;
    // What the queued commands propagated goes out as one transaction; EXEC adds nothing.
    ex.propagate_nothing();
    Ok(())
}
