//! How Redis cuts configuration text into arguments and quotes values back (`sdssplitargs`,
//! `sdssplitlen`, `sdscatrepr`), byte for byte, so that every file Redis accepts splits the same.

/// Splits a line into arguments as `sdssplitargs` does; `None` when quotes are unbalanced.
pub(crate) fn split_args(line: &[u8]) -> Option<Vec<Vec<u8>>> {
    protocol::sdssplitargs(line)
}

/// Splits a CONFIG SET value of a multi-argument parameter on single spaces, keeping empty
/// pieces, as `sdssplitlen(value, " ")` does; an empty value gives no pieces at all.
pub(crate) fn split_on_spaces(value: &[u8]) -> Vec<Vec<u8>> {
    if value.is_empty() {
        return Vec::new();
    }
    value.split(|&b| b == b' ').map(<[u8]>::to_vec).collect()
}

/// Trims the bytes of `set` from both ends, as `sdstrim` does.
pub(crate) fn trim<'a>(bytes: &'a [u8], set: &[u8]) -> &'a [u8] {
    let start = bytes
        .iter()
        .position(|b| !set.contains(b))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !set.contains(b))
        .map_or(start, |i| i + 1);
    &bytes[start..end]
}

/// Quotes a value the way `sdscatrepr` does, so that `split_args` reads it back unchanged.
pub(crate) fn repr(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('"');
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'"' => out.push_str("\\\""),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x07 => out.push_str("\\a"),
            0x08 => out.push_str("\\b"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push('"');
    out
}

/// ASCII lowercase, as `sdstolower` leaves directive names.
pub(crate) fn lower(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strs(v: &[&str]) -> Vec<Vec<u8>> {
        v.iter().map(|s| s.as_bytes().to_vec()).collect()
    }

    #[test]
    fn split_args_like_sdssplitargs() {
        let cases: Vec<(&str, Option<Vec<Vec<u8>>>)> = vec![
            ("port 6379", Some(strs(&["port", "6379"]))),
            ("  save   900\t1  ", Some(strs(&["save", "900", "1"]))),
            ("", Some(vec![])),
            ("   ", Some(vec![])),
            (
                "notify-keyspace-events \"\"",
                Some(strs(&["notify-keyspace-events", ""])),
            ),
            (
                "a \"x\\n\\r\\t\\b\\a\\\\\\\"y\"",
                Some(vec![b"a".to_vec(), b"x\n\r\t\x08\x07\\\"y".to_vec()]),
            ),
            (
                "a \"\\x41\\x7a\\xzz\"",
                Some(vec![b"a".to_vec(), b"Azxzz".to_vec()]),
            ),
            ("a 'it\\'s' 'b\\n'", Some(strs(&["a", "it's", "b\\n"]))),
            ("port \"abc", None),
            ("port 'abc", None),
            ("port \"a\"b", None),
            ("port 'a'b", None),
            ("key foo\"bar baz\"", Some(strs(&["key", "foobar baz"]))),
            ("a \"b\"\x0bc", Some(strs(&["a", "b", "c"]))),
            (
                "requirepass \"\\xff\"",
                Some(vec![b"requirepass".to_vec(), vec![0xff]]),
            ),
        ];
        for (line, want) in cases {
            assert_eq!(split_args(line.as_bytes()), want, "line {line:?}");
        }
    }

    #[test]
    fn repr_round_trips_through_split_args() {
        let values: Vec<&[u8]> = vec![
            b"",
            b"redis",
            b"a b\"c",
            b"tab\there",
            b"\x00\x01\xff",
            b"back\\slash",
            b"'q'",
        ];
        for v in values {
            let line = format!("x {}", repr(v));
            assert_eq!(
                split_args(line.as_bytes()),
                Some(vec![b"x".to_vec(), v.to_vec()]),
                "{v:?}"
            );
        }
        assert_eq!(repr(b"a b\"c"), "\"a b\\\"c\"");
        assert_eq!(repr(b"\x01"), "\"\\x01\"");
    }

    #[test]
    fn split_on_spaces_keeps_empty_pieces() {
        let cases: Vec<(&str, Vec<&str>)> = vec![
            ("", vec![]),
            ("900 1", vec!["900", "1"]),
            ("100  2", vec!["100", "", "2"]),
            (" ", vec!["", ""]),
        ];
        for (value, want) in cases {
            assert_eq!(split_on_spaces(value.as_bytes()), strs(&want), "{value:?}");
        }
    }

    #[test]
    fn trim_both_ends() {
        assert_eq!(trim(b" \tport 1\r\n", b" \t\r\n"), b"port 1");
        assert_eq!(trim(b"   ", b" "), b"");
        assert_eq!(trim(b"", b" "), b"");
    }
}
