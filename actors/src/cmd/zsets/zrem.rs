//! ZREM key member [member ...]
//!
//! Removes the members and replies with how many were there. The key goes when it empties.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::notify;

pub const SPEC: CommandSpec = spec(
    "zrem",
    -3,
    WRITE | FAST,
    KEY1,
    "sorted-set",
    "1.2.0",
    "Remove one or more members from a sorted set",
    zrem,
);

fn zrem(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let (db, now) = (ex.session.db, ex.now);
    let Some(z) = super::write(ex.ks, db, key, now)? else {
        ex.out.int(0);
        return Ok(());
    };
    let mut deleted = 0;
    for m in args {
        if z.remove(m) {
            deleted += 1;
        }
        // Redis stops at once when the set empties; later members cannot be there anyway.
        if z.is_empty() {
            break;
        }
    }
    if deleted > 0 {
        ex.changed(notify::ZSET, "zrem", key);
        super::drop_if_empty(ex, key);
        ex.ks.dirty += deleted;
    }
    ex.out.int(deleted as i64);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn zrem_counts_and_drops_the_key() {
        let mut h = Harness::new();
        h.check(&[
            ("ZREM z a", ":0\r\n"),
            ("ZADD z 1 a 2 b 3 c", ":3\r\n"),
            ("ZREM z a x a", ":1\r\n"),
            ("ZCARD z", ":2\r\n"),
            ("ZREM z b c d", ":2\r\n"),
            ("EXISTS z", ":0\r\n"),
            ("SET s v", "+OK\r\n"),
            (
                "ZREM s a",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
        ]);
    }
}
