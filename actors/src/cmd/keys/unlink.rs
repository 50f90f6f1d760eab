//! UNLINK key [key ...]
//!
//! DEL, meant to free memory in the background; here freeing is cheap enough to do inline.

use super::delete_keys;
use crate::cmd::flags::*;
use crate::cmd::table::spec;
use crate::cmd::CommandSpec;

pub const SPEC: CommandSpec = spec(
    "unlink",
    -2,
    WRITE | FAST,
    (1, -1, 1),
    "generic",
    "4.0.0",
    "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.",
    delete_keys,
);

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn unlinks_and_counts() {
        let mut h = Harness::new();
        h.check(&[
            ("MSET a 1 b 2", "+OK\r\n"),
            ("UNLINK a a b x", ":2\r\n"),
            ("EXISTS a b", ":0\r\n"),
            (
                "UNLINK",
                "-ERR wrong number of arguments for 'unlink' command\r\n",
            ),
        ]);
    }

    #[test]
    fn events_one_del_per_deleted_key() {
        use crate::cmd::strings::{events, notifying};
        let mut h = notifying();
        h.run(&["MSET", "a", "1", "b", "2"]);
        assert_eq!(events(&mut h, "UNLINK b nosuch a"), ["del 0 b", "del 0 a"]);
    }
}
