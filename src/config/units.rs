//! Number parsing and printing as Redis does it for configuration values. Each function mirrors
//! one C routine (`memtoull`, `string2ll`, `strtoll`, `rewriteConfigFormatMemory`, ...) including
//! its edge cases, because a value Redis accepts must be accepted here and print the same.

/// `memtoull`: digits followed by an optional unit (`b`, `k`=1000, `kb`=1024, `m`, `mb`, `g`,
/// `gb`, any case). An empty digit string counts as 0 and an overflowing product wraps, as in C.
pub(crate) fn parse_memory(s: &[u8]) -> Option<u64> {
    if s.first() == Some(&b'-') {
        return None;
    }
    let digits = s.iter().take_while(|b| b.is_ascii_digit()).count();
    let unit = String::from_utf8_lossy(&s[digits..]).to_ascii_lowercase();
    let mul: u64 = match unit.as_str() {
        "" | "b" => 1,
        "k" => 1000,
        "kb" => 1024,
        "m" => 1000 * 1000,
        "mb" => 1024 * 1024,
        "g" => 1000 * 1000 * 1000,
        "gb" => 1024 * 1024 * 1024,
        _ => return None,
    };
    // Redis copies the digits into a 128-byte buffer and gives up on longer numbers.
    if digits >= 128 {
        return None;
    }
    // strtoull saturates on overflow and Redis does not look at ERANGE.
    let value = s[..digits].iter().fold(0u64, |acc, &d| {
        acc.checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(d - b'0')))
            .unwrap_or(u64::MAX)
    });
    Some(value.wrapping_mul(mul))
}

/// `string2ll`: a strict decimal integer (optional `-`, no `+`, no leading zeros, no blanks).
pub(crate) use protocol::parse_i64 as parse_strict_i64;

/// C's `strtoll(s, &end, base)` followed by Redis's usual `*end == '\0'` check: leading blanks and
/// a sign are allowed, overflow saturates, and a string with no digits at all is accepted as 0
/// only when it is empty (because `end` then points at the terminating NUL). `overflowed` reports
/// ERANGE for the callers that check `errno`.
pub(crate) fn parse_c_long(s: &[u8], radix: u32) -> Option<(i64, bool)> {
    let mut i = 0;
    while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
        i += 1;
    }
    let mut negative = false;
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        negative = s[i] == b'-';
        i += 1;
    }
    let start = i;
    let mut magnitude: u128 = 0;
    let mut overflowed = false;
    while i < s.len() {
        let Some(d) = (s[i] as char).to_digit(radix) else {
            break;
        };
        magnitude = magnitude * u128::from(radix) + u128::from(d);
        if magnitude > u128::from(u64::MAX) {
            magnitude = u128::from(u64::MAX);
            overflowed = true;
        }
        i += 1;
    }
    if i == start {
        // No conversion: strtoll leaves `end` at the very beginning.
        return if s.is_empty() { Some((0, false)) } else { None };
    }
    if i != s.len() {
        return None;
    }
    let value = if negative {
        if magnitude > i64::MAX as u128 + 1 {
            overflowed = true;
            i64::MIN
        } else {
            (magnitude as i64).wrapping_neg()
        }
    } else if magnitude > i64::MAX as u128 {
        overflowed = true;
        i64::MAX
    } else {
        magnitude as i64
    };
    Some((value, overflowed))
}

/// `rewriteConfigFormatMemory`: the largest of gb/mb/kb that divides the value exactly.
pub(crate) fn format_memory(bytes: i64) -> String {
    const KB: i64 = 1024;
    const MB: i64 = 1024 * 1024;
    const GB: i64 = 1024 * 1024 * 1024;
    if bytes != 0 && bytes % GB == 0 {
        format!("{}gb", bytes / GB)
    } else if bytes != 0 && bytes % MB == 0 {
        format!("{}mb", bytes / MB)
    } else if bytes != 0 && bytes % KB == 0 {
        format!("{}kb", bytes / KB)
    } else {
        bytes.to_string()
    }
}

/// `%f` followed by `trimDoubleString`: six decimals, then trailing zeros and a bare point removed.
pub(crate) fn format_double(value: f64) -> String {
    let mut text = format!("{value:.6}");
    if text.contains('.') {
        while text.ends_with('0') {
            text.pop();
        }
        if text.ends_with('.') {
            text.pop();
        }
    }
    text
}

/// `string2d`: a finite decimal floating-point number with no leading blank.
pub(crate) fn parse_double(s: &[u8]) -> Option<f64> {
    let text = std::str::from_utf8(s).ok()?;
    if text.is_empty() || text.starts_with(|c: char| c.is_ascii_whitespace()) {
        return None;
    }
    let value: f64 = text.parse().ok()?;
    (!value.is_nan() && value.is_finite()).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_units() {
        let cases: &[(&str, Option<u64>)] = &[
            ("0", Some(0)),
            ("", Some(0)),
            ("kb", Some(0)),
            ("100", Some(100)),
            ("100b", Some(100)),
            ("1k", Some(1000)),
            ("1kb", Some(1024)),
            ("1KB", Some(1024)),
            ("1Kb", Some(1024)),
            ("2m", Some(2_000_000)),
            ("2mb", Some(2 * 1024 * 1024)),
            ("3g", Some(3_000_000_000)),
            ("3gb", Some(3 * 1024 * 1024 * 1024)),
            ("64mb", Some(67_108_864)),
            ("-1", None),
            ("1x", None),
            ("1 kb", None),
            ("1.5mb", None),
            ("18446744073709551615", Some(u64::MAX)),
            ("99999999999999999999999", Some(u64::MAX)),
            ("17179869184gb", Some(0)),
        ];
        for &(input, want) in cases {
            assert_eq!(parse_memory(input.as_bytes()), want, "{input:?}");
        }
    }

    #[test]
    fn strict_integers() {
        let cases: &[(&str, Option<i64>)] = &[
            ("0", Some(0)),
            ("6379", Some(6379)),
            ("-2", Some(-2)),
            ("9223372036854775807", Some(i64::MAX)),
            ("-9223372036854775808", Some(i64::MIN)),
            ("9223372036854775808", None),
            ("", None),
            ("-", None),
            ("+5", None),
            ("05", None),
            ("-0", None),
            (" 5", None),
            ("5 ", None),
            ("0x10", None),
            ("1k", None),
        ];
        for &(input, want) in cases {
            assert_eq!(parse_strict_i64(input.as_bytes()), want, "{input:?}");
        }
    }

    #[test]
    fn c_long_parsing() {
        type Case = (&'static str, u32, Option<(i64, bool)>);
        let cases: &[Case] = &[
            ("900", 10, Some((900, false))),
            ("", 10, Some((0, false))),
            (" 12", 10, Some((12, false))),
            ("+7", 10, Some((7, false))),
            ("-3", 10, Some((-3, false))),
            ("007", 10, Some((7, false))),
            ("x", 10, None),
            (" ", 10, None),
            ("12a", 10, None),
            ("99999999999999999999", 10, Some((i64::MAX, true))),
            ("777", 8, Some((511, false))),
            ("8", 8, None),
        ];
        for &(input, radix, want) in cases {
            assert_eq!(
                parse_c_long(input.as_bytes(), radix),
                want,
                "{input:?} base {radix}"
            );
        }
    }

    #[test]
    fn memory_formatting_for_rewrite() {
        let cases: &[(i64, &str)] = &[
            (0, "0"),
            (3000, "3000"),
            (4096, "4kb"),
            (67_108_864, "64mb"),
            (268_435_456, "256mb"),
            (1024 * 1024 * 1024, "1gb"),
            (3 * 1024 * 1024 * 1024, "3gb"),
            (1025, "1025"),
            (-1, "-1"),
        ];
        for &(bytes, want) in cases {
            assert_eq!(format_memory(bytes), want, "{bytes}");
        }
    }

    #[test]
    fn doubles() {
        let cases: &[(f64, &str)] = &[
            (50.0, "50"),
            (99.0, "99"),
            (99.9, "99.9"),
            (0.0, "0"),
            (12.345678, "12.345678"),
        ];
        for &(value, want) in cases {
            assert_eq!(format_double(value), want);
        }
        let parses: &[(&str, Option<f64>)] = &[
            ("99.9", Some(99.9)),
            ("1e1", Some(10.0)),
            ("", None),
            (" 1", None),
            ("x", None),
            ("nan", None),
        ];
        for &(input, want) in parses {
            assert_eq!(parse_double(input.as_bytes()), want, "{input:?}");
        }
    }
}
