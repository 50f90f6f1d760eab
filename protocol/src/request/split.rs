//! Splitting an inline request into arguments the way Redis's `sdssplitargs` does.
use crate::ProtocolError;
use bytes::Bytes;

/// C's `isspace`, which `sdssplitargs` uses between arguments and after a closing quote.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Splits `line` (which holds no NUL: Redis never sees past one) into arguments.
///
/// Outside quotes an argument ends at space, tab, CR or LF (not at `\v`/`\f`, which only count
/// as blanks between arguments, as in Redis). `"..."` understands `\n \r \t \b \a \xHH` and
/// takes any other escaped byte as itself; `'...'` only understands `\'`. A quote may start in
/// the middle of an argument (`a"b"` is `ab`), but a closing quote must be followed by a blank
/// or the end of the line.
pub(crate) fn split_args(line: &[u8]) -> Result<Vec<Bytes>, ProtocolError> {
    let args = sdssplitargs(line).ok_or(ProtocolError::UnbalancedQuotes)?;
    Ok(args.into_iter().map(Bytes::from).collect())
}

/// Redis's `sdssplitargs`, for every text Redis splits with it (inline requests, redis.conf
/// lines, the AOF manifest). It reads a C string: a NUL byte ends the line. `None` when quotes
/// are unbalanced or a closing quote is not followed by a blank.
pub fn sdssplitargs(line: &[u8]) -> Option<Vec<Vec<u8>>> {
    let line = line.split(|&b| b == 0).next().unwrap_or_default();
    let at = |i: usize| line.get(i).copied();
    let mut args = Vec::new();
    let mut p = 0;
    loop {
        while at(p).is_some_and(is_space) {
            p += 1;
        }
        if p >= line.len() {
            return Some(args);
        }
        let mut current = Vec::new();
        let (mut in_double, mut in_single) = (false, false);
        loop {
            let c = at(p);
            if in_double {
                match (c, at(p + 1)) {
                    (Some(b'\\'), Some(b'x')) => {
                        match (at(p + 2).and_then(hex_value), at(p + 3).and_then(hex_value)) {
                            (Some(hi), Some(lo)) => {
                                current.push(hi * 16 + lo);
                                p += 3;
                            }
                            _ => {
                                current.push(b'x');
                                p += 1;
                            }
                        }
                    }
                    (Some(b'\\'), Some(e)) => {
                        current.push(match e {
                            b'n' => b'\n',
                            b'r' => b'\r',
                            b't' => b'\t',
                            b'b' => b'\x08',
                            b'a' => b'\x07',
                            other => other,
                        });
                        p += 1;
                    }
                    (Some(b'"'), next) => {
                        if next.is_some_and(|b| !is_space(b)) {
                            return None;
                        }
                        p += 1;
                        break;
                    }
                    (None, _) => return None,
                    (Some(b), _) => current.push(b),
                }
            } else if in_single {
                match (c, at(p + 1)) {
                    (Some(b'\\'), Some(b'\'')) => {
                        current.push(b'\'');
                        p += 1;
                    }
                    (Some(b'\''), next) => {
                        if next.is_some_and(|b| !is_space(b)) {
                            return None;
                        }
                        p += 1;
                        break;
                    }
                    (None, _) => return None,
                    (Some(b), _) => current.push(b),
                }
            } else {
                match c {
                    None | Some(b' ' | b'\n' | b'\r' | b'\t') => {
                        p += 1;
                        break;
                    }
                    Some(b'"') => in_double = true,
                    Some(b'\'') => in_single = true,
                    Some(b) => current.push(b),
                }
            }
            p += 1;
        }
        args.push(current);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_sdssplitargs() {
        type Case = (&'static [u8], Result<Vec<&'static [u8]>, ProtocolError>);
        let cases: &[Case] = &[
            (b"", Ok(vec![])),
            (b"   \t ", Ok(vec![])),
            (b"PING", Ok(vec![b"PING"])),
            (b"  SET  k \t v  ", Ok(vec![b"SET", b"k", b"v"])),
            (b"a\rb", Ok(vec![b"a", b"b"])),
            (b"\x0b\x0ca", Ok(vec![b"a"])),
            (b"a\x0bb", Ok(vec![b"a\x0bb"])),
            (b"\"a b\" c", Ok(vec![b"a b", b"c"])),
            (b"\"\"", Ok(vec![b""])),
            (b"''", Ok(vec![b""])),
            (
                b"\"\\n\\r\\t\\b\\a\\\\\\\"\\q\"",
                Ok(vec![b"\n\r\t\x08\x07\\\"q"]),
            ),
            (b"\"\\x41\\x4a\\x4A\\xff\\x00\"", Ok(vec![b"AJJ\xff\x00"])),
            (b"\"\\xZZ\\x4\"", Ok(vec![b"xZZx4"])),
            (b"'it\\'s \\n'", Ok(vec![b"it's \\n"])),
            (b"ab\"cd\" ef", Ok(vec![b"abcd", b"ef"])),
            (b"ab'c d'", Ok(vec![b"abc d"])),
            (b"\"x\"\x0b", Ok(vec![b"x"])),
            (b"\"abc\"d", Err(ProtocolError::UnbalancedQuotes)),
            (b"'abc'd", Err(ProtocolError::UnbalancedQuotes)),
            (b"\"abc", Err(ProtocolError::UnbalancedQuotes)),
            (b"'abc", Err(ProtocolError::UnbalancedQuotes)),
            (b"\"abc\\", Err(ProtocolError::UnbalancedQuotes)),
            (b"\"abc\\\"", Err(ProtocolError::UnbalancedQuotes)),
        ];
        for (line, want) in cases {
            let got = split_args(line);
            let want: Result<Vec<Bytes>, ProtocolError> = want
                .clone()
                .map(|v| v.into_iter().map(Bytes::from_static).collect());
            assert_eq!(got, want, "{:?}", String::from_utf8_lossy(line));
        }
    }
}
