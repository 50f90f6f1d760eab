//! Glob matching with the semantics of Redis's `stringmatchlen`, which CONFIG GET uses: `*`, `?`,
//! `[abc]`, `[^a]`, `[a-z]`, `\x`, optionally case-insensitive. Quirks are kept (an unterminated
//! `[` matches its remaining characters as a set; a reversed range `[z-a]` works).

/// Redis's `stringmatchlen`, shared with KEYS and SCAN so every glob in the server agrees.
pub use ::actors::cmd::keys::glob::glob_match as string_match;

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
