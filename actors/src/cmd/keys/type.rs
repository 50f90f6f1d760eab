//! TYPE key
//!
//! The type of the value at `key` as a status reply, `none` when absent.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "type",
    2,
    READONLY | FAST,
    KEY1,
    "generic",
    "1.0.0",
    "Determine the type stored at key",
    type_of,
);

fn type_of(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let name = ex
        .ks
        .read(ex.session.db, key, ex.now)
        .map_or("none", |e| e.value.type_name());
    ex.out.simple(name);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn names_types() {
        let mut h = Harness::new();
        h.check(&[
            ("TYPE k", "+none\r\n"),
            ("SET k v", "+OK\r\n"),
            ("TYPE k", "+string\r\n"),
            (
                "TYPE k x",
                "-ERR wrong number of arguments for 'type' command\r\n",
            ),
        ]);
        let mut h = Harness::new().resp3();
        h.check(&[("TYPE k", "+none\r\n")]);
    }
}
