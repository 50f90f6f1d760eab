//! Redis's glob matcher (`stringmatchlen`), reproduced exactly, quirks included: KEYS, SCAN
//! MATCH, CONFIG GET and friends must select the same names as Redis for any pattern.
//!
//! `*` any run, `?` one byte, `[abc]` `[^abc]` `[a-z]` classes (reversed ranges work, an
//! unterminated class still matches what it listed), `\x` a literal `x`. Bytes compare as C
//! `char`s, which are signed, so ranges over bytes >= 0x80 behave as in Redis on x86.

/// Whether `string` matches `pattern`; `nocase` folds ASCII letters.
pub fn glob_match(pattern: &[u8], string: &[u8], nocase: bool) -> bool {
    let mut give_up = false;
    match_from(pattern, string, nocase, &mut give_up)
}

/// The byte at `i`, or the NUL that terminates the C string when past the end. Every slice
/// here is a suffix of the whole pattern, so this is exactly what Redis reads.
fn at(s: &[u8], i: usize) -> u8 {
    s.get(i).copied().unwrap_or(0)
}

fn lower(c: i32) -> i32 {
    if (b'A' as i32..=b'Z' as i32).contains(&c) {
        c + 32
    } else {
        c
    }
}

fn same(a: u8, b: u8, nocase: bool) -> bool {
    if nocase {
        lower(a as i32) == lower(b as i32)
    } else {
        a == b
    }
}

/// `give_up` is Redis's `skipLongerMatches`: once the rest of the pattern after a `*` failed
/// from every position, no earlier `*` can help, which keeps patterns like `*a*a*a*b` linear.
fn match_from(mut p: &[u8], mut s: &[u8], nocase: bool, give_up: &mut bool) -> bool {
    while !p.is_empty() && !s.is_empty() {
        match p[0] {
            b'*' => {
                while !p.is_empty() && at(p, 1) == b'*' {
                    p = &p[1..];
                }
                if p.len() == 1 {
                    return true;
                }
                while !s.is_empty() {
                    if match_from(&p[1..], s, nocase, give_up) {
                        return true;
                    }
                    if *give_up {
                        return false;
                    }
                    s = &s[1..];
                }
                *give_up = true;
                return false;
            }
            b'?' => {
                s = &s[1..];
                p = &p[1..];
            }
            b'[' => {
                p = &p[1..];
                let negate = at(p, 0) == b'^';
                if negate {
                    p = &p[1..];
                }
                let mut hit = false;
                let c = s[0];
                loop {
                    if at(p, 0) == b'\\' && p.len() >= 2 {
                        p = &p[1..];
                        if p[0] == c {
                            hit = true;
                        }
                    } else if p.is_empty() || p[0] == b']' {
                        break;
                    } else if p.len() >= 3 && p[1] == b'-' {
                        let (mut lo, mut hi) = (p[0] as i8 as i32, p[2] as i8 as i32);
                        let mut ch = c as i8 as i32;
                        if lo > hi {
                            std::mem::swap(&mut lo, &mut hi);
                        }
                        if nocase {
                            (lo, hi, ch) = (lower(lo), lower(hi), lower(ch));
                        }
                        p = &p[2..];
                        if ch >= lo && ch <= hi {
                            hit = true;
                        }
                    } else if same(p[0], c, nocase) {
                        hit = true;
                    }
                    p = &p[1..];
                }
                if hit == negate {
                    return false;
                }
                s = &s[1..];
                // Past the closing `]`; an unterminated class has consumed everything.
                if !p.is_empty() {
                    p = &p[1..];
                }
            }
            b'\\' if p.len() >= 2 => {
                if !same(p[1], s[0], nocase) {
                    return false;
                }
                s = &s[1..];
                p = &p[2..];
            }
            _ => {
                if !same(p[0], s[0], nocase) {
                    return false;
                }
                s = &s[1..];
                p = &p[1..];
            }
        }
        if s.is_empty() {
            while at(p, 0) == b'*' {
                p = &p[1..];
            }
            break;
        }
    }
    p.is_empty() && s.is_empty()
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn table_matches_redis() {
        // (pattern, string, nocase, matches); cases checked against KEYS on Redis 7.0.
        let table: &[(&[u8], &[u8], bool, bool)] = &[
            (b"*", b"", false, false),
            (b"*", b"anything", false, true),
            (b"", b"", false, true),
            (b"", b"a", false, false),
            (b"h?llo", b"hello", false, true),
            (b"h?llo", b"hllo", false, false),
            (b"h*llo", b"hllo", false, true),
            (b"h*llo", b"heeeello", false, true),
            (b"h[ae]llo", b"hello", false, true),
            (b"h[ae]llo", b"hillo", false, false),
            (b"h[^e]llo", b"hallo", false, true),
            (b"h[^e]llo", b"hello", false, false),
            (b"h[a-b]llo", b"hbllo", false, true),
            (b"h[b-a]llo", b"hbllo", false, true),
            (b"h[a-b]llo", b"hcllo", false, false),
            (b"h\\*llo", b"h*llo", false, true),
            (b"h\\*llo", b"hello", false, false),
            (b"a\\", b"a\\", false, true),
            (b"[\\]]", b"]", false, true),
            (b"[a-]", b"]", false, true),
            (b"[a-]", b"-", false, false),
            (b"[abc", b"a", false, true),
            (b"[abc", b"d", false, false),
            (b"[^", b"a", false, true),
            (b"[", b"a", false, false),
            (b"a*", b"a", false, true),
            (b"a**", b"a", false, true),
            (b"a*b", b"a", false, false),
            (
                b"*a*a*a*a*b",
                b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                false,
                false,
            ),
            (b"HELLO", b"hello", true, true),
            (b"HELLO", b"hello", false, false),
            (b"[A-C]x", b"bx", true, true),
            (b"\\A", b"a", true, true),
            (b"[\\A]", b"a", true, false),
            (b"max*", b"maxmemory", false, true),
            (b"*memory", b"maxmemory", false, true),
            (b"[\x80-\xff]", b"\xa0", false, true),
            (b"[a-\xff]", b"b", false, false),
            (b"[a-\xff]", b"0", false, true),
            (b"?", b"\0", false, true),
            (b"a\0b", b"a\0b", false, true),
        ];
        for (i, (p, s, nocase, want)) in table.iter().enumerate() {
            assert_eq!(
                glob_match(p, s, *nocase),
                *want,
                "case {i}: {:?} vs {:?}",
                String::from_utf8_lossy(p),
                String::from_utf8_lossy(s)
            );
        }
    }
}
