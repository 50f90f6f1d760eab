//! DEL key [key ...]
//!
//! Deletes the keys; replies with how many existed.

use super::delete_keys;
use crate::cmd::flags::*;
use crate::cmd::table::spec;
use crate::cmd::CommandSpec;

pub const SPEC: CommandSpec = spec(
    "del",
    -2,
    WRITE,
    (1, -1, 1),
    "generic",
    "1.0.0",
    "Delete a key",
    delete_keys,
);

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn deletes_and_counts() {
        let mut h = Harness::new();
        h.check(&[
            ("MSET a 1 b 2 c 3", "+OK\r\n"),
            ("DEL a nokey b a", ":2\r\n"),
            ("EXISTS a b c", ":1\r\n"),
            ("SET e v PXAT 1", "+OK\r\n"),
            ("DEL e", ":0\r\n"),
            (
                "DEL",
                "-ERR wrong number of arguments for 'del' command\r\n",
            ),
        ]);
        assert_eq!(h.ks.dirty, 3 + 2 + 1);
        assert_eq!(h.ks.stats.expired_keys, 1);
    }

    #[test]
    fn events_one_del_per_deleted_key() {
        use crate::cmd::strings::{events, notifying, NONE};
        let mut h = notifying();
        h.run(&["MSET", "a", "1", "b", "2"]);
        assert_eq!(events(&mut h, "DEL a nosuch b a"), ["del 0 a", "del 0 b"]);
        assert_eq!(events(&mut h, "DEL a"), NONE);
        h.run(&["SET", "e", "v", "PXAT", "1"]);
        assert_eq!(events(&mut h, "DEL e"), ["expired 0 e"]);
    }
}
