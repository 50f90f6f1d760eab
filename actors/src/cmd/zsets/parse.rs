//! Argument parsing shared by the sorted set commands: scores, score and lex intervals,
//! Redis's long-with-message helpers and blocking timeouts.

use crate::cmd::strings::longdouble::LongDouble;
use crate::cmd::CmdError;
use crate::keyspace::value::parse_i64_strict;
use crate::keyspace::zset::range::{LexBound, LexRange, ScoreRange};

/// C's `isspace` in the C locale.
fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// C's `strtod` on `s` read as a C string (it ends at the first NUL): the value and how many
/// bytes it consumed. Redis parses scores with the C library, whose grammar (hex floats,
/// `infinity`, `nan(...)`, leading space) and rounding are easiest to match by calling it.
pub fn strtod(s: &[u8]) -> (f64, usize) {
    let s = s.split(|&b| b == 0).next().unwrap_or_default();
    let Ok(c) = std::ffi::CString::new(s) else {
        return (0.0, 0);
    };
    let mut end: *mut libc::c_char = std::ptr::null_mut();
    // SAFETY: `c` is NUL-terminated and outlives the call; `end` is a valid out-pointer that
    // strtod sets to a position inside `c`.
    let v = unsafe { libc::strtod(c.as_ptr(), &mut end) };
    (v, end as usize - c.as_ptr() as usize)
}

/// Whether a fully parsed number overflowed or underflowed to zero (`strtod`'s ERANGE cases
/// that Redis refuses), judged from its text: infinity not spelled out, or zero from a
/// mantissa with a nonzero digit.
fn out_of_range(s: &[u8], v: f64) -> bool {
    let body = s.strip_prefix(b"-").or(s.strip_prefix(b"+")).unwrap_or(s);
    if v.is_infinite() {
        return !body.first().is_some_and(|c| c.eq_ignore_ascii_case(&b'i'));
    }
    if v != 0.0 {
        return false;
    }
    let hex = body.len() > 1 && body[0] == b'0' && body[1].eq_ignore_ascii_case(&b'x');
    let (digits, exp_mark) = if hex {
        (&body[2..], b'p')
    } else {
        (body, b'e')
    };
    digits
        .iter()
        .take_while(|c| !c.eq_ignore_ascii_case(&exp_mark))
        .any(|c| c.is_ascii_hexdigit() && *c != b'0' && (hex || c.is_ascii_digit()))
}

/// Redis's `string2d`: the whole argument is one number, no leading space, not NaN, no
/// overflow or underflow to zero.
pub fn parse_double(s: &[u8]) -> Option<f64> {
    if s.is_empty() || is_c_space(s[0]) {
        return None;
    }
    let (v, used) = strtod(s);
    (used == s.len() && !v.is_nan() && !out_of_range(s, v)).then_some(v)
}

/// A score or increment: `ERR value is not a valid float`.
pub fn score_arg(s: &[u8]) -> Result<f64, CmdError> {
    parse_double(s).ok_or(CmdError::NotFloat)
}

/// One end of a score interval as Redis's `zslParseRange` reads it: bare `strtod` (so leading
/// space, an empty string and overflow to infinity pass), `(` for exclusive, never NaN.
fn score_bound(s: &[u8]) -> Option<(f64, bool)> {
    let (ex, body) = match s.strip_prefix(b"(") {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let body = body.split(|&b| b == 0).next().unwrap_or_default();
    let (v, used) = strtod(body);
    (used == body.len() && !v.is_nan()).then_some((v, ex))
}

pub fn score_range(min: &[u8], max: &[u8]) -> Result<ScoreRange, CmdError> {
    match (score_bound(min), score_bound(max)) {
        (Some((min, minex)), Some((max, maxex))) => Ok(ScoreRange {
            min,
            max,
            minex,
            maxex,
        }),
        _ => Err(CmdError::other("ERR min or max is not a float")),
    }
}

/// `-`, `+`, `[member` or `(member`; `+` and `-` stand alone (up to a NUL, C style).
fn lex_bound(s: &[u8]) -> Option<LexBound> {
    let alone = s.get(1).is_none_or(|&b| b == 0);
    match s.first()? {
        b'+' if alone => Some(LexBound::Max),
        b'-' if alone => Some(LexBound::Min),
        b'(' => Some(LexBound::Excl(s[1..].to_vec())),
        b'[' => Some(LexBound::Incl(s[1..].to_vec())),
        _ => None,
    }
}

pub fn lex_range(min: &[u8], max: &[u8]) -> Result<LexRange, CmdError> {
    match (lex_bound(min), lex_bound(max)) {
        (Some(min), Some(max)) => Ok(LexRange { min, max }),
        _ => Err(CmdError::other(
            "ERR min or max not valid string range item",
        )),
    }
}

/// Redis's `getLongFromObjectOrReply` with a custom message for every failure.
pub fn long_or(s: &[u8], msg: &str) -> Result<i64, CmdError> {
    parse_i64_strict(s).ok_or_else(|| CmdError::other(format!("ERR {msg}")))
}

/// Redis's `getRangeLongFromObjectOrReply(min, max, msg)`: `msg` for both a non-integer and
/// an out-of-range value.
pub fn long_in(s: &[u8], min: i64, max: i64, msg: &str) -> Result<i64, CmdError> {
    let v = long_or(s, msg)?;
    if v < min || v > max {
        return Err(CmdError::other(format!("ERR {msg}")));
    }
    Ok(v)
}

/// A blocking timeout in seconds, as Redis's `getTimeoutFromObjectOrReply`: a `long double`,
/// times 1000 rounded up to whole milliseconds. Returns milliseconds, 0 meaning forever.
pub fn timeout_arg(s: &[u8]) -> Result<u64, CmdError> {
    let v = LongDouble::parse(s)
        .ok_or_else(|| CmdError::other("ERR timeout is not a float or out of range"))?;
    let ms = ceil_millis(v);
    if ms < 0 {
        return Err(CmdError::other("ERR timeout is negative"));
    }
    Ok(ms as u64)
}

/// `(long long) ceill(v * 1000.0L)` on x87: the product is rounded to a 64-bit significand,
/// and a result outside the i64 range converts to i64::MIN (the "integer indefinite" value).
fn ceil_millis(v: LongDouble) -> i64 {
    let (neg, mant, exp) = match v {
        LongDouble::Zero { .. } => return 0,
        LongDouble::Finite { neg, mant, exp } => (neg, mant, exp),
        LongDouble::Inf { .. } | LongDouble::Nan => return i64::MIN,
    };
    // Exact product, then round to 64 significant bits (nearest, ties to even).
    let mut p = mant as u128 * 1000;
    let mut e = exp;
    let bits = 128 - p.leading_zeros() as i64;
    if bits > 64 {
        let shift = (bits - 64) as u32;
        let rem = p & ((1u128 << shift) - 1);
        let half = 1u128 << (shift - 1);
        p >>= shift;
        e += shift as i64;
        if rem > half || (rem == half && p & 1 == 1) {
            p += 1;
        }
    }
    // Value is p * 2^e; take the ceiling of its magnitude for positives, floor for negatives.
    let magnitude: u128 = if e >= 0 {
        if e > 64 || (p << e) >> e != p {
            return i64::MIN;
        }
        p << e
    } else if e <= -128 {
        u128::from(!neg)
    } else {
        let shift = (-e) as u32;
        let whole = p >> shift;
        let frac = p & ((1u128 << shift) - 1);
        if frac != 0 && !neg {
            whole + 1
        } else {
            whole
        }
    };
    if neg {
        if magnitude > 1u128 << 63 {
            return i64::MIN;
        }
        (magnitude as i128).wrapping_neg() as i64
    } else if magnitude > i64::MAX as u128 {
        i64::MIN
    } else {
        magnitude as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_follow_string2d() {
        let table: &[(&[u8], Option<f64>)] = &[
            (b"1.5", Some(1.5)),
            (b"-2", Some(-2.0)),
            (b"+3", Some(3.0)),
            (b".5", Some(0.5)),
            (b"5.", Some(5.0)),
            (b"1e3", Some(1000.0)),
            (b"0x10", Some(16.0)),
            (b"0x1p-2", Some(0.25)),
            (b"inf", Some(f64::INFINITY)),
            (b"-Infinity", Some(f64::NEG_INFINITY)),
            (b"+inf", Some(f64::INFINITY)),
            (b"0e-999", Some(0.0)),
            (b"1e-310", Some(1e-310)),
            (b"nan", None),
            (b"1e400", None),
            (b"-1e400", None),
            (b"1e-400", None),
            (b"0x1p-2000", None),
            (b"", None),
            (b" 1", None),
            (b"1 ", None),
            (b"1e", None),
            (b"abc", None),
            (b"1\x002", None),
        ];
        for (s, want) in table {
            assert_eq!(parse_double(s), *want, "{}", String::from_utf8_lossy(s));
        }
    }

    #[test]
    fn score_ranges_follow_zslparserange() {
        let ok = |a: &[u8], b: &[u8]| score_range(a, b).ok();
        let r = ok(b"(1", b"+inf").unwrap();
        assert_eq!(
            (r.min, r.minex, r.max, r.maxex),
            (1.0, true, f64::INFINITY, false)
        );
        let r = ok(b"", b"(").unwrap();
        assert_eq!((r.min, r.minex, r.max, r.maxex), (0.0, false, 0.0, true));
        assert_eq!(ok(b" 5", b"1e999").unwrap().max, f64::INFINITY);
        assert_eq!(ok(b"1\0junk", b"2").unwrap().min, 1.0);
        assert!(ok(b"nan", b"1").is_none());
        assert!(ok(b"1", b"((1").is_none());
        assert!(ok(b"1x", b"2").is_none());
    }

    #[test]
    fn lex_ranges() {
        assert_eq!(
            lex_range(b"-", b"+"),
            Ok(LexRange {
                min: LexBound::Min,
                max: LexBound::Max
            })
        );
        let r = lex_range(b"(a", b"[").unwrap();
        assert_eq!(r.min, LexBound::Excl(b"a".to_vec()));
        assert_eq!(r.max, LexBound::Incl(Vec::new()));
        for bad in [&b"a"[..], b"", b"+a", b"--"] {
            assert!(lex_range(bad, b"+").is_err());
        }
    }

    #[test]
    fn timeouts_round_up_to_milliseconds() {
        let ms = |s: &[u8]| timeout_arg(s).map_err(|e| e.to_string());
        assert_eq!(ms(b"0"), Ok(0));
        assert_eq!(ms(b"1"), Ok(1000));
        assert_eq!(ms(b"0.1"), Ok(100));
        assert_eq!(ms(b"0.0001"), Ok(1));
        assert_eq!(ms(b"1.5"), Ok(1500));
        assert_eq!(ms(b"-0"), Ok(0));
        assert_eq!(ms(b"-0.0001"), Ok(0));
        assert_eq!(ms(b"-1"), Err("ERR timeout is negative".into()));
        assert_eq!(ms(b"1e-400"), Ok(1));
        assert!(ms(b"9223372036854775.807").is_ok());
        for neg in ["1e30", "1e400", "inf", "-inf", "9223372036854775.808"] {
            assert_eq!(
                ms(neg.as_bytes()),
                Err("ERR timeout is negative".into()),
                "{neg}"
            );
        }
        assert_eq!(
            ms(b" 1"),
            Err("ERR timeout is not a float or out of range".into())
        );
        assert_eq!(
            ms(b"nan"),
            Err("ERR timeout is not a float or out of range".into())
        );
        assert_eq!(
            ms(b"x"),
            Err("ERR timeout is not a float or out of range".into())
        );
    }
}
