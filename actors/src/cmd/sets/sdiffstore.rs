//! SDIFFSTORE destination key [key ...]
//!
//! Stores the difference of the first set and the others at `destination` (deleting it when
//! the result is empty) and replies with its size.

use super::SetOp;
use crate::cmd::flags::*;
use crate::cmd::table::spec;
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "sdiffstore",
    -3,
    WRITE | DENYOOM,
    (1, -1, 1),
    "set",
    "1.0.0",
    "Subtract multiple sets and store the resulting set in a key",
    sdiffstore,
);

fn sdiffstore(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    super::sunionstore::store_union_diff(ex, args, SetOp::Diff)
}

#[cfg(test)]
mod tests {
    use crate::cmd::hashes::testutil::{events, with_events};
    use crate::cmd::strings::server_with;
    use crate::cmd::testing::Harness;

    #[test]
    fn stores_or_deletes() {
        let mut h = with_events(Harness::new());
        h.check(&[
            ("SADD a 1 2 3 x", ":4\r\n"),
            ("SADD b 3 x", ":2\r\n"),
            ("SDIFFSTORE d a b", ":2\r\n"),
            ("OBJECT ENCODING d", "$6\r\nintset\r\n"),
            ("SDIFFSTORE d a a", ":0\r\n"),
            ("EXISTS d", ":0\r\n"),
        ]);
        assert_eq!(
            events(&h),
            [
                "new",
                "sadd",
                "new",
                "sadd",
                "new",
                "sdiffstore",
                "del",
                "keymiss"
            ]
        );
    }

    /// Redis's second algorithm (add everything, then remove) leaves the encoding the first
    /// set's members forced, even when the result would fit an intset.
    #[test]
    fn encoding_follows_the_algorithm() {
        let mut h = Harness::with_server(server_with(|t| t.set_max_intset_entries = 4));
        h.check(&[
            ("SADD a 1 2 3 4 5 6", ":6\r\n"),
            ("SADD b 1 2 3 4 5 7 8 9 10 11", ":10\r\n"),
            // one: 2 sets * 6 / 2 = 6 <= two: 16, so only the result is added.
            ("SDIFFSTORE d a b", ":1\r\n"),
            ("OBJECT ENCODING d", "$6\r\nintset\r\n"),
            ("SADD c 1", ":1\r\n"),
            ("SADD e 2", ":1\r\n"),
            ("SADD f 3 4 5", ":3\r\n"),
            // one: 4 sets * 6 / 2 = 12 > two: 6 + 1 + 1 + 3 = 11 (absent keys count for
            // neither): a is added whole, then the others removed.
            ("SDIFFSTORE d a c nokey e f", ":1\r\n"),
            ("OBJECT ENCODING d", "$9\r\nhashtable\r\n"),
        ]);
    }
}
