//! ZSCORE key member
//!
//! The score of `member`, or nil.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "zscore",
    3,
    READONLY | FAST,
    KEY1,
    "sorted-set",
    "1.2.0",
    "Get the score associated with the given member in a sorted set",
    zscore,
);

fn zscore(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let member = args.required()?;
    let (db, now) = (ex.session.db, ex.now);
    match super::read(ex.ks, db, key, now)?.and_then(|z| z.score(member)) {
        Some(s) => ex.out.double(s),
        None => ex.out.null(),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn zscore_replies() {
        let mut h = Harness::new();
        h.check(&[
            ("ZSCORE z a", "$-1\r\n"),
            ("ZADD z 1.5 a -inf b", ":2\r\n"),
            ("ZSCORE z a", "$3\r\n1.5\r\n"),
            ("ZSCORE z b", "$4\r\n-inf\r\n"),
            ("ZSCORE z c", "$-1\r\n"),
            ("SET s v", "+OK\r\n"),
            (
                "ZSCORE s a",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
        ]);
        let mut h = Harness::new().resp3();
        h.check(&[
            ("ZSCORE z a", "_\r\n"),
            ("ZADD z 1e20 a", ":1\r\n"),
            ("ZSCORE z a", ",1e+20\r\n"),
        ]);
    }
}
