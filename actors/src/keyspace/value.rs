//! The values stored under keys.

use super::hash::HashValue;
use super::list::ListValue;
use super::set::SetValue;
use super::zset::ZSetValue;

/// A stored value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(StrValue),
    List(ListValue),
    Hash(HashValue),
    Set(SetValue),
    ZSet(ZSetValue),
}

/// A string value. `raw` remembers that APPEND or SETRANGE touched it, because Redis then
/// reports `raw` from OBJECT ENCODING whatever the length.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StrValue {
    pub data: Vec<u8>,
    pub raw: bool,
    /// Created from a float (INCRBYFLOAT): Redis stores those as plain strings even when they
    /// read as integers, so OBJECT ENCODING never says `int` for them.
    pub from_float: bool,
}

/// Longest string Redis stores as `embstr`.
const EMBSTR_MAX: usize = 44;

impl StrValue {
    pub fn new(data: &[u8]) -> Self {
        StrValue {
            data: data.to_vec(),
            raw: false,
            from_float: false,
        }
    }

    /// A string written by INCRBYFLOAT.
    pub fn from_float(data: &[u8]) -> Self {
        StrValue {
            data: data.to_vec(),
            raw: false,
            from_float: true,
        }
    }

    pub fn from_i64(n: i64) -> Self {
        StrValue {
            data: n.to_string().into_bytes(),
            raw: false,
            from_float: false,
        }
    }

    /// What OBJECT ENCODING reports: `int`, `embstr` or `raw`.
    pub fn encoding(&self) -> &'static str {
        if !self.raw
            && !self.from_float
            && self.data.len() <= 20
            && parse_i64_strict(&self.data).is_some()
        {
            "int"
        } else if !self.raw && self.data.len() <= EMBSTR_MAX {
            "embstr"
        } else {
            "raw"
        }
    }
}

impl Value {
    pub fn str(data: &[u8]) -> Self {
        Value::Str(StrValue::new(data))
    }

    /// The name TYPE answers.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "string",
            Value::List(_) => "list",
            Value::Hash(_) => "hash",
            Value::Set(_) => "set",
            Value::ZSet(_) => "zset",
        }
    }

    pub fn encoding(&self) -> &'static str {
        match self {
            Value::Str(s) => s.encoding(),
            Value::List(l) => l.encoding(),
            Value::Hash(h) => h.encoding(),
            Value::Set(s) => s.encoding(),
            Value::ZSet(z) => z.encoding(),
        }
    }
}

/// Parses a decimal i64 exactly as Redis's `string2ll`: no spaces, no `+`, no leading zeros
/// (except `0` itself), no `-0`, and no overflow.
pub use protocol::parse_i64 as parse_i64_strict;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_integers() {
        let table: &[(&[u8], Option<i64>)] = &[
            (b"0", Some(0)),
            (b"-1", Some(-1)),
            (b"9223372036854775807", Some(i64::MAX)),
            (b"-9223372036854775808", Some(i64::MIN)),
            (b"9223372036854775808", None),
            (b"-0", None),
            (b"01", None),
            (b"+1", None),
            (b" 1", None),
            (b"1a", None),
            (b"", None),
            (b"-", None),
        ];
        for (s, want) in table {
            assert_eq!(
                parse_i64_strict(s),
                *want,
                "{:?}",
                String::from_utf8_lossy(s)
            );
        }
    }

    #[test]
    fn string_encodings() {
        assert_eq!(StrValue::new(b"123").encoding(), "int");
        assert_eq!(StrValue::new(b"0123").encoding(), "embstr");
        assert_eq!(StrValue::new(&[b'a'; 44]).encoding(), "embstr");
        assert_eq!(StrValue::new(&[b'a'; 45]).encoding(), "raw");
        assert_eq!(StrValue::from_float(b"3").encoding(), "embstr");
        assert_eq!(
            StrValue {
                data: b"1".to_vec(),
                raw: true,
                from_float: false
            }
            .encoding(),
            "raw"
        );
    }
}
