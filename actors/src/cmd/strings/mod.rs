//! String commands.

pub mod get;
pub mod set;

pub static COMMANDS: &[super::CommandSpec] = &[get::SPEC, set::SPEC];

use super::{CmdError, Exec};
use crate::keyspace::value::{StrValue, Value};

/// The string under `key` for reading: `Ok(None)` when absent, WRONGTYPE for other types.
pub fn read_str<'e>(ex: &'e mut Exec, key: &[u8]) -> Result<Option<&'e StrValue>, CmdError> {
    match ex.ks.read(ex.session.db, key, ex.now) {
        None => Ok(None),
        Some(e) => match &e.value {
            Value::Str(s) => Ok(Some(s)),
            #[allow(unreachable_patterns)]
            _ => Err(CmdError::WrongType),
        },
    }
}
