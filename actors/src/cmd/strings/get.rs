//! GET key
//!
//! The value of `key`, or nil when it does not exist; WRONGTYPE when it is not a string.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::keyspace::value::Value;

pub const SPEC: CommandSpec = spec(
    "get",
    2,
    READONLY | FAST,
    KEY1,
    "string",
    "1.0.0",
    "Get the value of a key",
    get,
);

fn get(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    // Split borrows so the value is written straight from the keyspace, without a copy.
    let (ks, out, db) = (&mut *ex.ks, &mut ex.out, ex.session.db);
    match ks.read(db, key, ex.now).map(|e| &e.value) {
        None => out.null(),
        Some(Value::Str(s)) => out.bulk(&s.data),
        #[allow(unreachable_patterns)]
        Some(_) => return Err(CmdError::WrongType),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn get_values_and_misses() {
        let mut h = Harness::new();
        h.check(&[
            ("GET k", "$-1\r\n"),
            ("SET k hello", "+OK\r\n"),
            ("GET k", "$5\r\nhello\r\n"),
            ("SET k PX 1", "-ERR syntax error\r\n"),
            ("SET k PX", "+OK\r\n"),
            ("GET k", "$2\r\nPX\r\n"),
            (
                "GET",
                "-ERR wrong number of arguments for 'get' command\r\n",
            ),
            (
                "GET a b",
                "-ERR wrong number of arguments for 'get' command\r\n",
            ),
        ]);
        assert_eq!(
            (h.ks.stats.keyspace_hits, h.ks.stats.keyspace_misses),
            (2, 1)
        );
        let mut h = Harness::new().resp3();
        h.check(&[
            ("GET k", "_\r\n"),
            ("SET k \u{e9}", "+OK\r\n"),
            ("GET k", "$2\r\n\u{e9}\r\n"),
        ]);
    }
}
