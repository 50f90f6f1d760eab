//! Glob matching with the semantics of Redis's `stringmatchlen`, which CONFIG GET uses: `*`, `?`,
//! `[abc]`, `[^a]`, `[a-z]`, `\x`, optionally case-insensitive. Quirks are kept (an unterminated
//! `[` matches its remaining characters as a set; a reversed range `[z-a]` works).

/// Whether `pattern` matches the whole of `string`.
pub fn string_match(pattern: &[u8], string: &[u8], nocase: bool) -> bool {
    let mut skip_longer = false;
    match_from(pattern, string, nocase, &mut skip_longer)
}

fn fold(b: u8, nocase: bool) -> u8 {
    if nocase {
        b.to_ascii_lowercase()
    } else {
        b
    }
}

/// The recursive matcher. `skip_longer` is set once a `*` proved that the rest of the pattern
/// matches nowhere in the rest of the string, so outer `*`s need not try longer spans (this keeps
/// patterns like `*a*a*a*b` from taking exponential time).
fn match_from(mut pat: &[u8], mut s: &[u8], nocase: bool, skip_longer: &mut bool) -> bool {
    let at = |p: &[u8], i: usize| p.get(i).copied().unwrap_or(0);
    while !pat.is_empty() && !s.is_empty() {
        match pat[0] {
            b'*' => {
                while pat.len() > 1 && pat[1] == b'*' {
                    pat = &pat[1..];
                }
                if pat.len() == 1 {
                    return true;
                }
                while !s.is_empty() {
                    if match_from(&pat[1..], s, nocase, skip_longer) {
                        return true;
                    }
                    if *skip_longer {
                        return false;
                    }
                    s = &s[1..];
                }
                *skip_longer = true;
                return false;
            }
            b'?' => s = &s[1..],
            b'[' => {
                pat = &pat[1..];
                let negate = at(pat, 0) == b'^';
                if negate {
                    pat = &pat[1..];
                }
                let mut matched = false;
                loop {
                    if at(pat, 0) == b'\\' && pat.len() >= 2 {
                        pat = &pat[1..];
                        if pat[0] == s[0] {
                            matched = true;
                        }
                    } else if at(pat, 0) == b']' {
                        break;
                    } else if pat.is_empty() {
                        // Unterminated class: Redis steps back so the shared advance below lands
                        // on the end; with an empty slice the advance is simply a no-op.
                        break;
                    } else if pat.len() >= 3 && pat[1] == b'-' {
                        let (mut start, mut end) = (pat[0], pat[2]);
                        if start > end {
                            std::mem::swap(&mut start, &mut end);
                        }
                        let (start, end, c) =
                            (fold(start, nocase), fold(end, nocase), fold(s[0], nocase));
                        pat = &pat[2..];
                        if c >= start && c <= end {
                            matched = true;
                        }
                    } else if fold(pat[0], nocase) == fold(s[0], nocase) {
                        matched = true;
                    }
                    pat = &pat[1..];
                }
                if negate {
                    matched = !matched;
                }
                if !matched {
                    return false;
                }
                s = &s[1..];
            }
            first => {
                let expected = if first == b'\\' && pat.len() >= 2 {
                    pat = &pat[1..];
                    pat[0]
                } else {
                    first
                };
                if fold(expected, nocase) != fold(s[0], nocase) {
                    return false;
                }
                s = &s[1..];
            }
        }
        pat = pat.get(1..).unwrap_or(&[]);
        if s.is_empty() {
            while at(pat, 0) == b'*' {
                pat = &pat[1..];
            }
            break;
        }
    }
    pat.is_empty() && s.is_empty()
}

/// Whether a CONFIG GET argument is a pattern rather than a name (Redis looks for `[`, `*`, `?`).
pub(crate) fn is_pattern(arg: &[u8]) -> bool {
    arg.iter().any(|b| matches!(b, b'[' | b'*' | b'?'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_like_stringmatchlen() {
        let cases: &[(&str, &str, bool, bool)] = &[
            ("*", "maxmemory", false, true),
            ("*", "", false, false),
            ("max*", "maxmemory", false, true),
            ("MAX*", "maxmemory", true, true),
            ("MAX*", "maxmemory", false, false),
            ("*memory", "maxmemory", false, true),
            ("*mem*y", "maxmemory", false, true),
            ("max?emory", "maxmemory", false, true),
            ("max?emory", "maxemory", false, false),
            ("h[ae]llo", "hello", false, true),
            ("h[ae]llo", "hillo", false, false),
            ("h[^e]llo", "hallo", false, true),
            ("h[^e]llo", "hello", false, false),
            ("h[a-b]llo", "hbllo", false, true),
            ("h[b-a]llo", "hallo", false, true),
            ("h[a-b]llo", "hcllo", false, false),
            ("h[A-B]llo", "hbllo", true, true),
            ("h\\*llo", "h*llo", false, true),
            ("h\\*llo", "hello", false, false),
            ("h[\\]]llo", "h]llo", false, true),
            ("h[ab", "ha", false, true),
            ("h[ab", "hc", false, false),
            ("a**b", "axxb", false, true),
            (
                "*a*a*a*a*a*a*a*a*b",
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                false,
                false,
            ),
            ("slave-*", "slave-priority", false, true),
            ("*ziplist*", "hash-max-ziplist-entries", false, true),
            ("abc", "abc", false, true),
            ("abc", "abcd", false, false),
            ("abc*", "abc", false, true),
            ("\\", "\\", false, true),
        ];
        for &(pattern, string, nocase, want) in cases {
            assert_eq!(
                string_match(pattern.as_bytes(), string.as_bytes(), nocase),
                want,
                "pattern {pattern:?} against {string:?} (nocase {nocase})"
            );
        }
    }

    #[test]
    fn pattern_detection() {
        let cases = [
            ("maxmemory", false),
            ("max*", true),
            ("h?llo", true),
            ("[ab]", true),
            ("a\\b", false),
        ];
        for (arg, want) in cases {
            assert_eq!(is_pattern(arg.as_bytes()), want, "{arg}");
        }
    }
}
