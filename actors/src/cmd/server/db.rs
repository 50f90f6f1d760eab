//! DBSIZE | FLUSHDB [ASYNC | SYNC] | FLUSHALL [ASYNC | SYNC] | SWAPDB index1 index2
//!
//! Whole-database commands. ASYNC frees nothing later than SYNC does: dropping the tables
//! happens at once either way. No keyspace events, as in Redis; but a WATCHed key that exists
//! in an emptied or swapped database fails its transaction (`touchAllWatchedKeysInDb`).

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
    // While the keys are still there: only the existing ones count as changed.
    ex.ks.touch_watched_in_db(ex.session.db);
    let db = ex.ks.db(ex.session.db);
    let n = db.len() as u64;
    db.clear();
    ex.ks.dirty += n;
    ex.out.ok();
    Ok(())
}

fn flushall(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    flush_mode(args)?;
    for i in 0..ex.ks.dbs.len() {
        ex.ks.touch_watched_in_db(i);
    }
    let mut n = 0;
    for db in &mut ex.ks.dbs {
        n += db.len() as u64;
        db.clear();
    }
    // FLUSHALL counts as a change even on an empty server, as in Redis.
    ex.ks.dirty += n + 1;
    // A BGSAVE in progress is abandoned and, with save points, the empty dataset saved.
    ex.effect = crate::cmd::Effect::FlushedAll;
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
    let (a, b) = (a as usize, b as usize);
    if a != b {
        // Redis touches a key watched in either db when it exists before or after the swap:
        // before, in its own db; after, in what took that db's place.
        ex.ks.touch_watched_in_db(a);
        ex.ks.touch_watched_in_db(b);
        ex.ks.dbs.swap(a, b);
        ex.ks.touch_watched_in_db(a);
        ex.ks.touch_watched_in_db(b);
        // Clients blocked on keys that the swap brought in are served now.
        ex.ks.scan_ready_keys(a);
        ex.ks.scan_ready_keys(b);
    }
    ex.ks.dirty += 1;
    ex.out.ok();
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::strings::{events, notifying, NONE};
    use crate::cmd::testing::Harness;

    #[test]
    fn no_key_events() {
        let mut h = notifying();
        h.run(&["MSET", "a", "1", "b", "2"]);
        assert_eq!(events(&mut h, "SWAPDB 0 1"), NONE);
        assert_eq!(events(&mut h, "FLUSHDB"), NONE);
        assert_eq!(events(&mut h, "FLUSHALL"), NONE);
    }

    /// Runs `setup`, WATCHes `key` in `db`, runs `cmd` from db 0, then EXEC: whether the
    /// transaction was aborted.
    fn aborted(setup: &[&str], db: &str, key: &str, cmd: &str) -> bool {
        let mut h = Harness::new();
        for line in setup {
            let args: Vec<&str> = line.split(' ').collect();
            h.run(&args);
        }
        h.run(&["SELECT", db]);
        h.run(&["WATCH", key]);
        h.run(&["SELECT", "0"]);
        let args: Vec<&str> = cmd.split(' ').collect();
        assert_eq!(h.run(&args), "+OK\r\n", "{cmd}");
        h.run(&["MULTI"]);
        match h.run(&["EXEC"]).as_str() {
            "*-1\r\n" => true,
            "*0\r\n" => false,
            other => panic!("{other}"),
        }
    }

    #[test]
    fn flushes_fail_watches_on_existing_keys() {
        assert!(aborted(&["SET k v"], "0", "k", "FLUSHDB"));
        assert!(!aborted(&["SET a v"], "0", "k", "FLUSHDB"));
        assert!(!aborted(&["SELECT 1", "SET k v"], "1", "k", "FLUSHDB"));
        assert!(aborted(&["SELECT 1", "SET k v"], "1", "k", "FLUSHALL"));
        assert!(aborted(&["SET k v"], "0", "k", "FLUSHALL ASYNC"));
        assert!(!aborted(&["SELECT 1", "SET a v"], "1", "k", "FLUSHALL"));
    }

    #[test]
    fn swapdb_fails_watches_on_keys_existing_before_or_after() {
        assert!(aborted(&["SET k v"], "0", "k", "SWAPDB 0 1"));
        assert!(aborted(&["SELECT 1", "SET k v"], "0", "k", "SWAPDB 0 1"));
        assert!(aborted(&["SET k v"], "1", "k", "SWAPDB 1 0"));
        assert!(!aborted(&["SET a v"], "0", "k", "SWAPDB 0 1"));
        assert!(!aborted(&["SET k v"], "0", "k", "SWAPDB 0 0"));
        assert!(!aborted(&["SET k v"], "0", "k", "SWAPDB 1 2"));
    }
}
