//! GETDEL key
//!
//! Replies with the value of `key` (nil when absent) and deletes it: a `del` event.

use super::read_str;
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::notify;

pub const SPEC: CommandSpec = spec(
    "getdel",
    2,
    WRITE | FAST,
    KEY1,
    "string",
    "6.2.0",
    "Get the value of a key and delete the key",
    getdel,
);

fn getdel(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let Some(old) = read_str(ex, key)?.map(|s| s.data.clone()) else {
        ex.out.null();
        return Ok(());
    };
    ex.out.bulk(&old);
    let db = ex.session.db;
    ex.ks.db(db).remove(key);
    ex.changed(notify::GENERIC, "del", key);
    ex.ks.dirty += 1;
    let del: &[u8] = if ex.server.config.tunables().lazyfree_lazy_user_del {
        b"UNLINK"
    } else {
        b"DEL"
    };
    ex.propagate_as(&[del, key]);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn gets_then_deletes() {
        let mut h = Harness::new();
        h.check(&[
            ("GETDEL k", "$-1\r\n"),
            ("SET k v", "+OK\r\n"),
            ("GETDEL k", "$1\r\nv\r\n"),
            ("GETDEL k", "$-1\r\n"),
            ("EXISTS k", ":0\r\n"),
        ]);
        assert_eq!(h.ks.dirty, 2);
    }

    #[test]
    fn events_del() {
        use crate::cmd::strings::{events, notifying, NONE};
        let mut h = notifying();
        h.run(&["SET", "k", "v"]);
        assert_eq!(events(&mut h, "GETDEL k"), ["del 0 k"]);
        assert_eq!(events(&mut h, "GETDEL k"), NONE);
    }
}
