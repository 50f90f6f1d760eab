//! LZF, the compression Redis applies to long strings in RDB files (`lzf_c.c`, `lzf_d.c`).
//!
//! The stream is a sequence of chunks, each led by a control byte: below 32 it is a literal
//! run of `ctrl + 1` bytes; otherwise its top three bits are a back-reference length (7 means
//! "plus the next byte") and its low five bits, with the following byte, an offset up to 8 KiB
//! back into the output. Any valid stream decodes the same, so the compressor here need not
//! match Redis's byte for byte, only produce valid chunks.

use std::fmt;

/// Why an LZF stream could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LzfError {
    /// A literal run or back-reference needs bytes past the end of the input; `at` is the
    /// offset of its control byte.
    Truncated { at: usize },
    /// A back-reference points before the start of the output; `at` is its control byte.
    BadReference { at: usize },
    /// The stream decodes to more bytes than the stated length; `at` is the chunk that overflows.
    TooLong { at: usize },
    /// The stream ended having produced fewer bytes than the stated length.
    TooShort { got: usize, want: usize },
}

impl fmt::Display for LzfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LzfError::Truncated { at } => write!(f, "LZF chunk at offset {at} is truncated"),
            LzfError::BadReference { at } => {
                write!(
                    f,
                    "LZF back-reference at offset {at} points before the output"
                )
            }
            LzfError::TooLong { at } => {
                write!(f, "LZF chunk at offset {at} overflows the declared length")
            }
            LzfError::TooShort { got, want } => {
                write!(f, "LZF data decodes to {got} bytes, {want} declared")
            }
        }
    }
}

impl std::error::Error for LzfError {}

const MAX_LIT: usize = 32;
const MAX_OFF: usize = 1 << 13;
const MAX_REF: usize = (1 << 8) + (1 << 3);
const HASH_BITS: u32 = 14;

/// Decodes `input` into exactly `out_len` bytes.
pub fn decompress(input: &[u8], out_len: usize) -> Result<Vec<u8>, LzfError> {
    // The declared length comes from the file: cap the up-front allocation by what the input
    // could plausibly expand to, so a corrupt length cannot exhaust memory before failing.
    let mut out = Vec::with_capacity(out_len.min(input.len().saturating_mul(MAX_REF)));
    let mut ip = 0;
    while ip < input.len() {
        let at = ip;
        let ctrl = input[ip] as usize;
        ip += 1;
        if ctrl < 32 {
            let run = ctrl + 1;
            let lit = input.get(ip..ip + run).ok_or(LzfError::Truncated { at })?;
            if out.len() + run > out_len {
                return Err(LzfError::TooLong { at });
            }
            out.extend_from_slice(lit);
            ip += run;
        } else {
            let mut len = ctrl >> 5;
            if len == 7 {
                len += *input.get(ip).ok_or(LzfError::Truncated { at })? as usize;
                ip += 1;
            }
            let low = *input.get(ip).ok_or(LzfError::Truncated { at })? as usize;
            ip += 1;
            let back = ((ctrl & 0x1f) << 8) + low + 1;
            let len = len + 2;
            if back > out.len() {
                return Err(LzfError::BadReference { at });
            }
            if out.len() + len > out_len {
                return Err(LzfError::TooLong { at });
            }
            // Byte by byte: the reference may overlap the bytes it produces (a run).
            let start = out.len() - back;
            for i in 0..len {
                let b = out[start + i];
                out.push(b);
            }
        }
    }
    if out.len() != out_len {
        return Err(LzfError::TooShort {
            got: out.len(),
            want: out_len,
        });
    }
    Ok(out)
}

/// Compresses `input`; `None` when the result would not fit in `max_out` bytes (Redis stores
/// such strings uncompressed).
pub fn compress(input: &[u8], max_out: usize) -> Option<Vec<u8>> {
    TABLE.with(|t| {
        let mut t = t.borrow_mut();
        let (table, base) = &mut *t;
        let out = compress_with(input, max_out, table, *base);
        // Positions of this call are now stale for the next one: no table is ever cleared.
        *base += input.len() as u64 + 1;
        out
    })
}

thread_local! {
    /// The match table, reused across calls: an entry holds `base + position`, and entries
    /// below the current call's `base` are leftovers of earlier inputs. Clearing a 64K-entry
    /// table per string cost more than compressing a short string.
    static TABLE: std::cell::RefCell<(Vec<u64>, u64)> =
        std::cell::RefCell::new((vec![0; 1 << HASH_BITS], 1));
}

fn compress_with(input: &[u8], max_out: usize, table: &mut [u64], base: u64) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(max_out.min(input.len() + input.len() / 32 + 1));
    let mut lit_start = 0;
    let mut ip = 0;
    let hash = |p: usize| -> usize {
        let v = (input[p] as u32) << 16 | (input[p + 1] as u32) << 8 | input[p + 2] as u32;
        (v.wrapping_mul(2_654_435_761) >> (32 - HASH_BITS)) as usize
    };
    while ip + 2 < input.len() {
        let h = hash(ip);
        let seen = table[h];
        table[h] = base + ip as u64;
        let cand = if seen >= base {
            (seen - base) as usize
        } else {
            usize::MAX
        };
        if cand != usize::MAX && ip - cand <= MAX_OFF && input[cand..cand + 3] == input[ip..ip + 3]
        {
            let max_len = (input.len() - ip).min(MAX_REF);
            let mut len = 3;
            while len < max_len && input[cand + len] == input[ip + len] {
                len += 1;
            }
            flush_literals(&mut out, &input[lit_start..ip]);
            let off = ip - cand - 1;
            let l = len - 2;
            if l < 7 {
                out.push(((l << 5) | (off >> 8)) as u8);
            } else {
                out.push(((7 << 5) | (off >> 8)) as u8);
                out.push((l - 7) as u8);
            }
            out.push((off & 0xff) as u8);
            ip += len;
            lit_start = ip;
            if out.len() > max_out {
                return None;
            }
        } else {
            ip += 1;
        }
    }
    flush_literals(&mut out, &input[lit_start..]);
    (out.len() <= max_out).then_some(out)
}

fn flush_literals(out: &mut Vec<u8>, mut lits: &[u8]) {
    while !lits.is_empty() {
        let n = lits.len().min(MAX_LIT);
        out.push((n - 1) as u8);
        out.extend_from_slice(&lits[..n]);
        lits = &lits[n..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples() -> Vec<Vec<u8>> {
        let mut rng = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let mut v: Vec<Vec<u8>> = vec![
            vec![],
            b"a".to_vec(),
            b"ab".to_vec(),
            b"abc".to_vec(),
            vec![b'x'; 1000],
            vec![0; 70_000],
            b"hello hello hello hello hello hello".to_vec(),
        ];
        for len in [10, 100, 1000, 10_000, 40_000] {
            // Low-entropy random: matches of every length and offset.
            v.push((0..len).map(|_| b'a' + (next() % 4) as u8).collect());
            v.push((0..len).map(|_| next() as u8).collect());
            v.push(
                (0..len)
                    .map(|i| {
                        if next() % 8 == 0 {
                            next() as u8
                        } else {
                            (i % 300) as u8
                        }
                    })
                    .collect(),
            );
        }
        v
    }

    #[test]
    fn round_trips() {
        for s in samples() {
            let c = compress(&s, usize::MAX).expect("unbounded output always fits");
            assert_eq!(decompress(&c, s.len()).unwrap(), s, "len {}", s.len());
            if s.len() > 100 && s.iter().all(|&b| b == s[0]) {
                assert!(c.len() < s.len() / 10, "runs must compress");
            }
        }
    }

    #[test]
    fn respects_output_cap() {
        let s: Vec<u8> = (0..=255u8).collect();
        assert_eq!(compress(&s, s.len() - 4), None);
        let s = vec![b'z'; 100];
        assert!(compress(&s, 10).is_some());
    }

    #[test]
    fn decodes_redis_output() {
        // Payloads of DUMP from Redis 7.0.15 (an RDB string with the LZF encoding).
        let table: &[(&[u8], Vec<u8>)] = &[
            (
                &[0x01, b'a', b'a', 0xe0, 0x57, 0x00, 0x01, b'a', b'a'],
                vec![b'a'; 100],
            ),
            (
                b"\x06hello h\xe0\x0e\x05\x04world\x40\x1d\x01lo",
                b"hello hello hello hello hello world hello".to_vec(),
            ),
        ];
        for (redis, want) in table {
            assert_eq!(decompress(redis, want.len()).as_ref(), Ok(want));
        }
    }

    #[test]
    fn rejects_malformed() {
        let table: &[(&[u8], usize, LzfError)] = &[
            (&[0x05, b'a'], 6, LzfError::Truncated { at: 0 }),
            (&[0x00, b'a', 0x20], 4, LzfError::Truncated { at: 2 }),
            (&[0x00, b'a', 0xe0], 20, LzfError::Truncated { at: 2 }),
            (&[0x20, 0x00], 3, LzfError::BadReference { at: 0 }),
            (
                &[0x00, b'a', 0x20, 0x05],
                4,
                LzfError::BadReference { at: 2 },
            ),
            (&[0x01, b'a', b'b'], 1, LzfError::TooLong { at: 0 }),
            (&[0x00, b'a', 0x20, 0x00], 3, LzfError::TooLong { at: 2 }),
            (&[0x00, b'a'], 2, LzfError::TooShort { got: 1, want: 2 }),
        ];
        for (input, len, want) in table {
            assert_eq!(decompress(input, *len).as_ref(), Err(want), "{input:?}");
        }
    }

    #[test]
    fn never_panics_on_garbage() {
        for s in samples().into_iter().take(12) {
            for len in [0, 1, s.len(), s.len() * 3] {
                let _ = decompress(&s, len);
            }
        }
    }
}
