//! A cursor over a command's arguments; running out means "option absent".

use super::error::CmdError;
use crate::keyspace::value::parse_i64_strict;
use bytes::Bytes;

pub struct Args<'a> {
    args: &'a [Bytes],
    pos: usize,
}

impl<'a> Args<'a> {
    /// A cursor positioned after the command name (and subcommand, if `skip` is 2).
    pub fn new(args: &'a [Bytes], skip: usize) -> Self {
        Args {
            args,
            pos: skip.min(args.len()),
        }
    }

    pub fn all(&self) -> &'a [Bytes] {
        self.args
    }

    pub fn remaining(&self) -> usize {
        self.args.len() - self.pos
    }

    pub fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    /// The rest, without consuming it.
    pub fn rest(&self) -> &'a [Bytes] {
        &self.args[self.pos..]
    }

    pub fn peek(&self) -> Option<&'a [u8]> {
        self.args.get(self.pos).map(|b| &b[..])
    }

    /// The next argument; a syntax error if there is none.
    pub fn required(&mut self) -> Result<&'a [u8], CmdError> {
        self.next().ok_or(CmdError::Syntax)
    }

    /// The next argument as an i64; `ERR value is not an integer or out of range` if it is not one.
    pub fn i64(&mut self) -> Result<i64, CmdError> {
        parse_i64_strict(self.required()?).ok_or(CmdError::NotInteger)
    }

    /// Whether the next argument equals `word` case-insensitively; consumes it if so.
    pub fn eat(&mut self, word: &str) -> bool {
        match self.peek() {
            Some(a) if a.eq_ignore_ascii_case(word.as_bytes()) => {
                self.pos += 1;
                true
            }
            _ => false,
        }
    }

    /// Fails with a syntax error if anything is left.
    pub fn finish(&self) -> Result<(), CmdError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(CmdError::Syntax)
        }
    }
}

impl<'a> Iterator for Args<'a> {
    type Item = &'a [u8];

    /// The next argument, if any.
    fn next(&mut self) -> Option<&'a [u8]> {
        let a = self.args.get(self.pos)?;
        self.pos += 1;
        Some(a)
    }
}

/// Parses an i64 argument as Redis's `getLongLongFromObjectOrReply`.
pub fn int_arg(a: &[u8]) -> Result<i64, CmdError> {
    parse_i64_strict(a).ok_or(CmdError::NotInteger)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_walks_and_matches_words() {
        let v: Vec<Bytes> = ["set", "k", "v", "ex", "10"]
            .iter()
            .map(|s| Bytes::from(*s))
            .collect();
        let mut a = Args::new(&v, 1);
        assert_eq!(a.next(), Some(&b"k"[..]));
        assert_eq!(a.required().unwrap(), b"v");
        assert!(!a.eat("PX"));
        assert!(a.eat("EX"));
        assert_eq!(a.i64(), Ok(10));
        assert!(a.finish().is_ok());
        assert_eq!(a.required(), Err(CmdError::Syntax));
    }
}
