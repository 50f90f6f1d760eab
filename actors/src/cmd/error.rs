//! Command errors, worded byte for byte as Redis 7.0 words them.

use std::fmt;

/// Why a command was refused. `Display` gives the whole error line without the leading `-`.
#[derive(Debug, Clone, PartialEq)]
pub enum CmdError {
    /// `ERR syntax error`
    Syntax,
    /// Operation against a key holding the wrong kind of value.
    WrongType,
    /// `ERR value is not an integer or out of range`
    NotInteger,
    /// `ERR value is not a valid float`
    NotFloat,
    /// `ERR increment or decrement would overflow`
    Overflow,
    /// `ERR no such key`
    NoSuchKey,
    /// `ERR DB index is out of range`
    DbIndexOutOfRange,
    /// `ERR invalid expire time in '<cmd>' command`
    InvalidExpire(&'static str),
    /// `ERR wrong number of arguments for '<cmd>' command`
    Arity(String),
    /// `NOAUTH Authentication required.`
    NoAuth,
    /// `WRONGPASS invalid username-password pair or user is disabled.`
    WrongPass,
    /// Any other message, written in full (including its `ERR`/code prefix).
    Other(String),
}

impl CmdError {
    pub fn other(msg: impl Into<String>) -> Self {
        CmdError::Other(msg.into())
    }

    /// Redis's `-ERR unknown subcommand` reply for container commands.
    pub fn unknown_subcommand(sub: &[u8], container: &str) -> Self {
        CmdError::Other(format!(
            "ERR unknown subcommand '{}'. Try {} HELP.",
            truncate_lossy(sub, 128),
            container.to_ascii_uppercase()
        ))
    }

    /// Redis's reply to a known subcommand with the wrong arguments, in the containers that
    /// check them by hand (DEBUG, PUBSUB, SLOWLOG): the subcommand as the client typed it.
    pub fn subcommand_arity(sub: &[u8], container: &str) -> Self {
        CmdError::Other(format!(
            "ERR unknown subcommand or wrong number of arguments for '{}'. Try {} HELP.",
            truncate_lossy(sub, 128),
            container.to_ascii_uppercase()
        ))
    }
}

/// `%.128s` of a possibly binary argument, as Redis prints it into errors: C string rules, so it
/// also ends at the first NUL byte.
pub fn truncate_lossy(s: &[u8], max: usize) -> String {
    let s = &s[..s.len().min(max)];
    let s = s.iter().position(|&b| b == 0).map_or(s, |nul| &s[..nul]);
    String::from_utf8_lossy(s).into_owned()
}

impl fmt::Display for CmdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CmdError::Syntax => f.write_str("ERR syntax error"),
            CmdError::WrongType => {
                f.write_str("WRONGTYPE Operation against a key holding the wrong kind of value")
            }
            CmdError::NotInteger => f.write_str("ERR value is not an integer or out of range"),
            CmdError::NotFloat => f.write_str("ERR value is not a valid float"),
            CmdError::Overflow => f.write_str("ERR increment or decrement would overflow"),
            CmdError::NoSuchKey => f.write_str("ERR no such key"),
            CmdError::DbIndexOutOfRange => f.write_str("ERR DB index is out of range"),
            CmdError::InvalidExpire(cmd) => write!(f, "ERR invalid expire time in '{cmd}' command"),
            CmdError::Arity(cmd) => write!(f, "ERR wrong number of arguments for '{cmd}' command"),
            CmdError::NoAuth => f.write_str("NOAUTH Authentication required."),
            CmdError::WrongPass => {
                f.write_str("WRONGPASS invalid username-password pair or user is disabled.")
            }
            CmdError::Other(msg) => f.write_str(msg),
        }
    }
}

impl std::error::Error for CmdError {}
