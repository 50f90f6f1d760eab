//! Pieces the two differential harnesses (tests/differential.rs against redis-server,
//! tests/sentinel_differential.rs against redis-sentinel) share: script-line splitting,
//! byte replacement for masks, and failure-message windows.

use super::split_args;

/// The first word of a script line and the rest, trimmed.
pub fn split_word(t: &str) -> (&str, &str) {
    match t.split_once(char::is_whitespace) {
        Some((w, r)) => (w, r.trim_start()),
        None => (t, ""),
    }
}

/// A script command split as redis-cli splits its input.
pub fn split_cmd(s: &str) -> Result<Vec<Vec<u8>>, String> {
    match split_args(s) {
        Some(a) if !a.is_empty() => Ok(a),
        Some(_) => Err("empty command".into()),
        None => Err("unbalanced quotes".into()),
    }
}

/// An environment switch: set, not empty and not `0`.
pub fn env_flag(name: &str) -> bool {
    matches!(std::env::var(name), Ok(v) if !v.is_empty() && v != "0")
}

/// Every occurrence of `pat` in `hay` replaced by `with`.
pub fn replace_all(hay: &[u8], pat: &[u8], with: &[u8]) -> Vec<u8> {
    if pat.is_empty() || hay.len() < pat.len() {
        return hay.to_vec();
    }
    let mut out = Vec::with_capacity(hay.len());
    let mut i = 0;
    while i < hay.len() {
        if hay[i..].starts_with(pat) {
            out.extend_from_slice(with);
            i += pat.len();
        } else {
            out.push(hay[i]);
            i += 1;
        }
    }
    out
}

/// Long texts cut to a window of `context` characters around their first difference.
pub fn abbreviate_pair(a: &str, b: &str, context: usize) -> (String, String) {
    const LIMIT: usize = 400;
    if (a.len() <= LIMIT && b.len() <= LIMIT) || !a.is_ascii() || !b.is_ascii() {
        return (a.to_string(), b.to_string());
    }
    let first = a
        .bytes()
        .zip(b.bytes())
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    let window = |s: &str| {
        let start = first.saturating_sub(context).min(s.len());
        let end = (first + context).min(s.len());
        let mut w = String::new();
        if start > 0 {
            w.push_str(&format!("[{start} chars] "));
        }
        w.push_str(&s[start..end]);
        if end < s.len() {
            w.push_str(&format!(" [+{} chars]", s.len() - end));
        }
        w
    };
    (
        format!("{} (first difference at char {first})", window(a)),
        window(b),
    )
}
