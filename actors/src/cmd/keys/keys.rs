//! KEYS pattern
//!
//! Every live key matching the glob `pattern`. Expired keys are skipped, not deleted.

use super::glob::glob_match;
use crate::cmd::flags::*;
use crate::cmd::table::{spec, NO_KEYS};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "keys",
    2,
    READONLY,
    NO_KEYS,
    "generic",
    "1.0.0",
    "Find all keys matching the given pattern",
    keys,
);

fn keys(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let pattern = args.required()?;
    let all = pattern == b"*";
    let now = ex.now;
    let db = &ex.ks.dbs[ex.session.db];
    let found: Vec<&[u8]> = db
        .iter()
        .filter(|(k, e)| {
            (e.expire_at == 0 || e.expire_at > now) && (all || glob_match(pattern, k, false))
        })
        .map(|(k, _)| &k[..])
        .collect();
    ex.out.array(found.len());
    for k in found {
        ex.out.bulk(k);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    fn sorted_keys(h: &mut Harness, pattern: &str) -> Vec<String> {
        let reply = h.run(&["KEYS", pattern]);
        let mut keys: Vec<String> = reply
            .split("\r\n")
            .skip(1)
            .filter(|l| !l.starts_with('$') && !l.is_empty())
            .map(String::from)
            .collect();
        keys.sort();
        keys
    }

    #[test]
    fn matches_patterns_and_skips_expired() {
        let mut h = Harness::new();
        h.run(&["MSET", "hello", "1", "hallo", "2", "hxllo", "3", "foo", "4"]);
        h.run(&["SET", "hbllo", "5", "PXAT", "1"]);
        assert_eq!(sorted_keys(&mut h, "*"), ["foo", "hallo", "hello", "hxllo"]);
        assert_eq!(sorted_keys(&mut h, "h[ae]llo"), ["hallo", "hello"]);
        assert_eq!(sorted_keys(&mut h, "h[^e]llo"), ["hallo", "hxllo"]);
        assert_eq!(sorted_keys(&mut h, "f*"), ["foo"]);
        assert_eq!(h.run(&["KEYS", "zz*"]), "*0\r\n");
        // KEYS only skips it: the expired key is still stored until something expires it.
        assert_eq!(h.ks.dbs[0].len(), 5);
        assert_eq!(
            h.run(&["KEYS"]),
            "-ERR wrong number of arguments for 'keys' command\r\n"
        );
    }
}
