//! ZMSCORE key member [member ...]
//!
//! The score of each member, nil for absent ones (a missing key is an empty set).

use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "zmscore",
    -3,
    READONLY | FAST,
    KEY1,
    "sorted-set",
    "6.2.0",
    "Get the score associated with the given members in a sorted set",
    zmscore,
);

fn zmscore(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let (db, now) = (ex.session.db, ex.now);
    let z = super::read(ex.ks, db, key, now)?;
    ex.out.array(args.remaining());
    for m in args {
        match z.and_then(|z| z.score(m)) {
            Some(s) => ex.out.double(s),
            None => ex.out.null(),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn zmscore_replies() {
        let mut h = Harness::new();
        h.check(&[
            ("ZMSCORE z a b", "*2\r\n$-1\r\n$-1\r\n"),
            ("ZADD z 1 a", ":1\r\n"),
            ("ZMSCORE z a b", "*2\r\n$1\r\n1\r\n$-1\r\n"),
        ]);
        let mut h = Harness::new().resp3();
        h.check(&[
            ("ZADD z 1 a", ":1\r\n"),
            ("ZMSCORE z b a", "*2\r\n_\r\n,1\r\n"),
        ]);
    }
}
