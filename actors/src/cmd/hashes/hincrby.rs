//! HINCRBY key field increment
//!
//! Adds the integer `increment` to the value of `field` (0 when absent), creating the hash
//! when needed, and replies with the new value.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::keyspace::value::parse_i64_strict;
use crate::notify;

pub const SPEC: CommandSpec = spec(
    "hincrby",
    4,
    WRITE | DENYOOM | FAST,
    KEY1,
    "hash",
    "2.0.0",
    "Increment the integer value of a hash field by the given number",
    hincrby,
);

fn hincrby(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let field = args.required()?;
    let incr = args.i64()?;
    let limits = super::limits(ex);
    // An absent key cannot fail below (0 + incr never overflows), so creating it up front
    // leaves no empty hash behind.
    let h = super::hash_or_create(ex, key)?;
    let old = match h.get(field) {
        None => 0,
        Some(v) => parse_i64_strict(v)
            .ok_or_else(|| CmdError::other("ERR hash value is not an integer"))?,
    };
    let new = old.checked_add(incr).ok_or(CmdError::Overflow)?;
    h.set(field, new.to_string().into_bytes(), limits);
    ex.out.int(new);
    ex.changed(notify::HASH, "hincrby", key);
    ex.ks.dirty += 1;
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::hashes::testutil::{events, with_events};
    use crate::cmd::testing::Harness;

    #[test]
    fn increments_integers() {
        let mut h = with_events(Harness::new());
        h.check(&[
            ("HINCRBY h a 5", ":5\r\n"),
            ("HINCRBY h a -7", ":-2\r\n"),
            ("HGET h a", "$2\r\n-2\r\n"),
            ("HSET h s x b 9223372036854775807 f 1.5 z 01", ":4\r\n"),
            ("HINCRBY h s 1", "-ERR hash value is not an integer\r\n"),
            ("HINCRBY h f 1", "-ERR hash value is not an integer\r\n"),
            ("HINCRBY h z 1", "-ERR hash value is not an integer\r\n"),
            (
                "HINCRBY h b 1",
                "-ERR increment or decrement would overflow\r\n",
            ),
            ("HINCRBY h b 0", ":9223372036854775807\r\n"),
            (
                "HINCRBY h a x",
                "-ERR value is not an integer or out of range\r\n",
            ),
            (
                "HINCRBY h a 1.0",
                "-ERR value is not an integer or out of range\r\n",
            ),
            (
                "HINCRBY n a x",
                "-ERR value is not an integer or out of range\r\n",
            ),
            ("EXISTS n", ":0\r\n"),
            ("SET s x", "+OK\r\n"),
            (
                "HINCRBY s a 1",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
        ]);
        h.run(&["HSET", "m", "a", "-9223372036854775808"]);
        assert_eq!(
            h.run(&["HINCRBY", "m", "a", "-1"]),
            "-ERR increment or decrement would overflow\r\n"
        );
        assert_eq!(
            events(&h),
            [
                "new", "hincrby", "hincrby", "hset", "hincrby", "keymiss", "new", "set", "new",
                "hset"
            ]
        );
    }
}
