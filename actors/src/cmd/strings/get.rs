//! GET key
//!
//! The value of `key`, or nil when it does not exist; WRONGTYPE when it is not a string.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

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
    let ks = &mut *ex.ks;
    let db = ex.session.db;
    match ks.read(db, key, ex.now).map(|e| &e.value) {
        None => ex.out.null(),
        Some(crate::keyspace::value::Value::Str(s)) => ex.out.bulk(&s.data),
        #[allow(unreachable_patterns)]
        Some(_) => return Err(CmdError::WrongType),
    }
    Ok(())
}
