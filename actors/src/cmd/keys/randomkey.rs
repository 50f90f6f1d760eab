//! RANDOMKEY
//!
//! A random live key of the current database, nil when it has none. Expired keys met on the
//! way are deleted.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, NO_KEYS};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "randomkey",
    1,
    READONLY,
    NO_KEYS,
    "generic",
    "1.0.0",
    "Return a random key from the keyspace",
    randomkey,
);

fn randomkey(ex: &mut Exec, _: Args) -> Result<(), CmdError> {
    let db = ex.session.db;
    loop {
        let len = ex.ks.dbs[db].len();
        if len == 0 {
            ex.out.null();
            return Ok(());
        }
        let i = ex.ks.rng.below(len as u64) as usize;
        let key = ex.ks.dbs[db]
            .key_at(i)
            .map(|(k, _)| k.clone())
            .expect("index below len");
        // Each expired pick is deleted, so the loop ends.
        if !ex.ks.expire_if_needed(db, &key, ex.now) {
            ex.out.bulk(&key);
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn picks_live_keys() {
        let mut h = Harness::new();
        h.check(&[("RANDOMKEY", "$-1\r\n")]);
        let mut h3 = Harness::new().resp3();
        h3.check(&[("RANDOMKEY", "_\r\n")]);
        for i in 0..20 {
            h.run(&["SET", &format!("gone{i}"), "v", "PXAT", "1"]);
        }
        h.run(&["SET", "live", "v"]);
        for _ in 0..5 {
            assert_eq!(h.run(&["RANDOMKEY"]), "$4\r\nlive\r\n");
        }
        h.run(&["SET", "other", "v"]);
        let picks: std::collections::HashSet<String> =
            (0..50).map(|_| h.run(&["RANDOMKEY"])).collect();
        assert_eq!(picks.len(), 2);
        assert_eq!(
            h.run(&["RANDOMKEY", "x"]),
            "-ERR wrong number of arguments for 'randomkey' command\r\n"
        );
    }
}
