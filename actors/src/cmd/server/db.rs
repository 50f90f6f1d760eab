//! DBSIZE | FLUSHDB [ASYNC | SYNC] | FLUSHALL [ASYNC | SYNC] | SWAPDB index1 index2
//!
//! Whole-database commands. ASYNC frees nothing later than SYNC does: dropping the tables
//! happens at once either way.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, NO_KEYS};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::keyspace::value::parse_i64_strict;

pub const DBSIZE: CommandSpec = spec(
    "dbsize",
    1,
    READONLY | FAST,
    NO_KEYS,
    "server",
    "1.0.0",
    "Return the number of keys in the selected database",
    dbsize,
);

pub const FLUSHDB: CommandSpec = spec(
    "flushdb",
    -1,
    WRITE,
    NO_KEYS,
    "server",
    "1.0.0",
    "Remove all keys from the current database",
    flushdb,
);

pub const FLUSHALL: CommandSpec = spec(
    "flushall",
    -1,
    WRITE,
    NO_KEYS,
    "server",
    "1.0.0",
    "Remove all keys from all databases",
    flushall,
);

pub const SWAPDB: CommandSpec = spec(
    "swapdb",
    3,
    WRITE | FAST,
    NO_KEYS,
    "server",
    "4.0.0",
    "Swaps two Redis databases",
    swapdb,
);

fn dbsize(ex: &mut Exec, _: Args) -> Result<(), CmdError> {
    ex.out.int(ex.ks.dbs[ex.session.db].len() as i64);
    Ok(())
}

/// The optional ASYNC | SYNC flag of the flush commands.
fn flush_mode(mut args: Args) -> Result<(), CmdError> {
    if !args.is_empty() && !args.eat("ASYNC") && !args.eat("SYNC") {
        return Err(CmdError::Syntax);
    }
    args.finish()
}

fn flushdb(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    flush_mode(args)?;
    let db = ex.ks.db(ex.session.db);
    let n = db.len() as u64;
    db.clear();
    ex.ks.dirty += n;
    ex.out.ok();
    Ok(())
}

fn flushall(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    flush_mode(args)?;
    let mut n = 0;
    for db in &mut ex.ks.dbs {
        n += db.len() as u64;
        db.clear();
    }
    // FLUSHALL counts as a change even on an empty server, as in Redis.
    ex.ks.dirty += n + 1;
    ex.out.ok();
    Ok(())
}

fn swapdb(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let a = parse_i64_strict(args.required()?)
        .ok_or_else(|| CmdError::other("ERR invalid first DB index"))?;
    let b = parse_i64_strict(args.required()?)
        .ok_or_else(|| CmdError::other("ERR invalid second DB index"))?;
    let n = ex.ks.dbs.len() as i64;
    if a < 0 || a >= n || b < 0 || b >= n {
        return Err(CmdError::DbIndexOutOfRange);
    }
    ex.ks.dbs.swap(a as usize, b as usize);
    ex.ks.dirty += 1;
    ex.out.ok();
    Ok(())
}
