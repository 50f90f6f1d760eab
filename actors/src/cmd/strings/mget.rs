//! MGET key [key ...]
//!
//! The value of each key, nil for keys that are absent or do not hold a string.

use crate::cmd::flags::*;
use crate::cmd::table::spec;
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::keyspace::value::Value;

pub const SPEC: CommandSpec = spec(
    "mget",
    -2,
    READONLY | FAST,
    (1, -1, 1),
    "string",
    "1.0.0",
    "Get the values of all the given keys",
    mget,
);

fn mget(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    let keys = args.rest();
    let (ks, out, db) = (&mut *ex.ks, &mut ex.out, ex.session.db);
    out.array(keys.len());
    for key in keys {
        match ks.read(db, key, ex.now).map(|e| &e.value) {
            Some(Value::Str(s)) => out.bulk(&s.data),
            #[allow(unreachable_patterns)]
            _ => out.null(),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn values_and_nils() {
        let mut h = Harness::new();
        h.check(&[
            ("MSET a 1 c 3", "+OK\r\n"),
            ("MGET a nokey c", "*3\r\n$1\r\n1\r\n$-1\r\n$1\r\n3\r\n"),
            ("MGET a a", "*2\r\n$1\r\n1\r\n$1\r\n1\r\n"),
            (
                "MGET",
                "-ERR wrong number of arguments for 'mget' command\r\n",
            ),
        ]);
        let mut h = Harness::new().resp3();
        h.check(&[("MGET x", "*1\r\n_\r\n")]);
    }
}
