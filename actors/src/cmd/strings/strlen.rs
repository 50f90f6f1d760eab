//! STRLEN key
//!
//! The length of the string at `key`, 0 when absent.

use super::read_str;
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "strlen",
    2,
    READONLY | FAST,
    KEY1,
    "string",
    "2.2.0",
    "Get the length of the value stored in a key",
    strlen,
);

fn strlen(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let len = read_str(ex, key)?.map_or(0, |s| s.data.len());
    ex.out.int(len as i64);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn lengths() {
        let mut h = Harness::new();
        h.check(&[
            ("STRLEN k", ":0\r\n"),
            ("SET k hello", "+OK\r\n"),
            ("STRLEN k", ":5\r\n"),
            ("SET k -123", "+OK\r\n"),
            ("STRLEN k", ":4\r\n"),
        ]);
    }
}
