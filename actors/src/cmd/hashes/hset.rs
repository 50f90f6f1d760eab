//! HSET key field value [field value ...]
//!
//! Sets each `field` of the hash at `key` to its `value`, creating the hash when absent, and
//! replies with how many fields were new. HMSET shares the effect and replies `+OK`.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::notify;

pub const SPEC: CommandSpec = spec(
    "hset",
    -4,
    WRITE | DENYOOM | FAST,
    KEY1,
    "hash",
    "2.0.0",
    "Set the string value of a hash field",
    hset,
);

fn hset(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    let created = set_pairs(ex, args, "hset")?;
    ex.out.int(created as i64);
    Ok(())
}

/// Applies the pairs of HSET or HMSET (`name`, for the arity error) and returns how many
/// fields were created.
pub fn set_pairs(ex: &mut Exec, mut args: Args, name: &str) -> Result<usize, CmdError> {
    let key = args.required()?;
    let pairs = args.rest();
    if !pairs.len().is_multiple_of(2) {
        return Err(CmdError::Arity(name.into()));
    }
    let limits = super::limits(ex);
    let h = super::hash_or_create(ex, key)?;
    let mut created = 0;
    for pair in pairs.chunks(2) {
        if !h.set(&pair[0], pair[1].to_vec(), limits) {
            created += 1;
        }
    }
    ex.changed(notify::HASH, "hset", key);
    ex.ks.dirty += pairs.len() as u64 / 2;
    Ok(created)
}

#[cfg(test)]
mod tests {
    use crate::cmd::hashes::testutil::{events, with_events};
    use crate::cmd::strings::server_with;
    use crate::cmd::testing::Harness;

    #[test]
    fn sets_fields_and_counts_new_ones() {
        let mut h = with_events(Harness::new());
        h.check(&[
            ("HSET h a 1 b 2", ":2\r\n"),
            ("HSET h a 3 c 4 c 5", ":1\r\n"),
            (
                "HGETALL h",
                "*6\r\n$1\r\na\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n5\r\n",
            ),
            (
                "HSET h a",
                "-ERR wrong number of arguments for 'hset' command\r\n",
            ),
            (
                "HSET h a 1 b",
                "-ERR wrong number of arguments for 'hset' command\r\n",
            ),
            ("SET s x", "+OK\r\n"),
            (
                "HSET s a 1",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            ("OBJECT ENCODING h", "$8\r\nlistpack\r\n"),
        ]);
        assert_eq!(h.ks.dirty, 2 + 3 + 1);
        assert_eq!(events(&h), ["new", "hset", "hset", "new", "set"]);
    }

    #[test]
    fn converts_to_hashtable_past_the_limits() {
        let mut h = Harness::with_server(server_with(|t| {
            t.hash_max_listpack_entries = 2;
            t.hash_max_listpack_value = 3;
        }));
        h.check(&[
            ("HSET h a 1 b 2", ":2\r\n"),
            ("OBJECT ENCODING h", "$8\r\nlistpack\r\n"),
            ("HSET h c 3", ":1\r\n"),
            ("OBJECT ENCODING h", "$9\r\nhashtable\r\n"),
            ("HDEL h a b", ":2\r\n"),
            ("OBJECT ENCODING h", "$9\r\nhashtable\r\n"),
            ("HSET v f abc", ":1\r\n"),
            ("OBJECT ENCODING v", "$8\r\nlistpack\r\n"),
            ("HSET v f abcd", ":0\r\n"),
            ("OBJECT ENCODING v", "$9\r\nhashtable\r\n"),
            ("HSET w abcd 1", ":1\r\n"),
            ("OBJECT ENCODING w", "$9\r\nhashtable\r\n"),
        ]);
    }
}
