//! The compact blobs RDB values embed: listpack (written and read), intset (written and read)
//! and ziplist (read only: Redis 7.0 no longer writes it but loads it from older files).
//!
//! Decoders turn every entry into its bytes (integers printed in decimal, as Redis hands
//! them out) and check every length against the blob, so a corrupt blob is an error at a
//! blob-relative offset, never a panic.

use crate::keyspace::value::parse_i64_strict;
use std::fmt;

/// Why a listpack, ziplist or intset blob is malformed; `at` is relative to the blob's start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlobError {
    /// The blob ends inside its header or inside the entry starting at `at`.
    Truncated { at: usize },
    /// The header's total size disagrees with the blob's length.
    SizeMismatch { declared: u64, actual: usize },
    /// The entry at `at` starts with an encoding byte no writer produces.
    BadEncoding { at: usize },
    /// The entry at `at` has a back-length or previous-length field that disagrees with the
    /// entries around it.
    BadBacklen { at: usize },
    /// The header's entry count disagrees with the entries found.
    CountMismatch { declared: u64, found: usize },
    /// Bytes follow the terminator at `at`, or there is no terminator.
    BadTerminator { at: usize },
    /// An intset's element width is not 2, 4 or 8.
    BadIntWidth { width: u32 },
    /// An intset's elements are not strictly ascending at element `index`.
    Unsorted { index: usize },
}

impl fmt::Display for BlobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BlobError::Truncated { at } => write!(f, "truncated at blob offset {at}"),
            BlobError::SizeMismatch { declared, actual } => {
                write!(f, "header says {declared} bytes, blob has {actual}")
            }
            BlobError::BadEncoding { at } => {
                write!(f, "unknown entry encoding at blob offset {at}")
            }
            BlobError::BadBacklen { at } => {
                write!(f, "inconsistent entry length field at blob offset {at}")
            }
            BlobError::CountMismatch { declared, found } => {
                write!(f, "header says {declared} entries, found {found}")
            }
            BlobError::BadTerminator { at } => {
                write!(f, "missing or misplaced terminator at blob offset {at}")
            }
            BlobError::BadIntWidth { width } => {
                write!(f, "intset element width {width} is not 2, 4 or 8")
            }
            BlobError::Unsorted { index } => {
                write!(f, "intset not strictly ascending at element {index}")
            }
        }
    }
}

impl std::error::Error for BlobError {}

const LP_HEADER: usize = 6;
const LP_END: u8 = 0xff;
/// A listpack's 16-bit count saturates here; the real count must then be found by walking.
const LP_COUNT_UNKNOWN: u16 = u16::MAX;

/// Builds a listpack the way Redis's `lpAppend` does: entries that read as integers are
/// stored in the smallest integer encoding, everything else as a string.
#[derive(Debug, Default)]
pub struct ListpackWriter {
    body: Vec<u8>,
    count: usize,
}

impl ListpackWriter {
    pub fn new() -> Self {
        Self::default()
    }

    /// The listpack's size if finished now.
    pub fn bytes(&self) -> usize {
        LP_HEADER + self.body.len() + 1
    }

    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    pub fn push(&mut self, s: &[u8]) {
        // lpStringToInt64 rejects strings longer than 20 bytes before parsing.
        match (s.len() <= 20).then(|| parse_i64_strict(s)).flatten() {
            Some(n) => self.push_int(n),
            None => self.push_str(s),
        }
    }

    pub fn push_int(&mut self, n: i64) {
        let start = self.body.len();
        let b = &mut self.body;
        if (0..=127).contains(&n) {
            b.push(n as u8);
        } else if (-4096..=4095).contains(&n) {
            let u = (n as u64) & 0x1fff;
            b.extend_from_slice(&[0xc0 | (u >> 8) as u8, u as u8]);
        } else if i16::try_from(n).is_ok() {
            b.push(0xf1);
            b.extend_from_slice(&(n as i16).to_le_bytes());
        } else if (-(1 << 23)..(1 << 23)).contains(&n) {
            b.push(0xf2);
            b.extend_from_slice(&(n as i32).to_le_bytes()[..3]);
        } else if i32::try_from(n).is_ok() {
            b.push(0xf3);
            b.extend_from_slice(&(n as i32).to_le_bytes());
        } else {
            b.push(0xf4);
            b.extend_from_slice(&n.to_le_bytes());
        }
        self.finish_entry(start);
    }

    fn push_str(&mut self, s: &[u8]) {
        let start = self.body.len();
        let b = &mut self.body;
        let len = s.len();
        if len < 64 {
            b.push(0x80 | len as u8);
        } else if len < 4096 {
            b.extend_from_slice(&[0xe0 | (len >> 8) as u8, len as u8]);
        } else {
            b.push(0xf0);
            b.extend_from_slice(&(len as u32).to_le_bytes());
        }
        b.extend_from_slice(s);
        self.finish_entry(start);
    }

    fn finish_entry(&mut self, start: usize) {
        let l = (self.body.len() - start) as u64;
        encode_backlen(&mut self.body, l);
        self.count += 1;
    }

    pub fn finish(self) -> Vec<u8> {
        let total = self.bytes();
        let mut out = Vec::with_capacity(total);
        out.extend_from_slice(&(total as u32).to_le_bytes());
        let count = u16::try_from(self.count).unwrap_or(LP_COUNT_UNKNOWN);
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&self.body);
        out.push(LP_END);
        out
    }
}

/// The back-length: the entry's size in 7-bit groups, most significant first, every byte but
/// the first flagged, so it can be read right to left.
fn encode_backlen(out: &mut Vec<u8>, l: u64) {
    let groups = match l {
        0..=127 => 1,
        128..=16382 => 2,
        16383..=2097150 => 3,
        2097151..=268435454 => 4,
        _ => 5,
    };
    for i in (0..groups).rev() {
        let g = ((l >> (7 * i)) & 127) as u8;
        out.push(if i + 1 == groups { g } else { g | 128 });
    }
}

fn backlen_size(l: usize) -> usize {
    match l {
        0..=127 => 1,
        128..=16382 => 2,
        16383..=2097150 => 3,
        2097151..=268435454 => 4,
        _ => 5,
    }
}

fn take(blob: &[u8], at: usize, n: usize) -> Result<&[u8], BlobError> {
    at.checked_add(n)
        .and_then(|end| blob.get(at..end))
        .ok_or(BlobError::Truncated { at })
}

fn sign_extend(v: u64, bits: u32) -> i64 {
    let shift = 64 - bits;
    ((v << shift) as i64) >> shift
}

fn le(bytes: &[u8]) -> u64 {
    bytes.iter().rev().fold(0, |acc, &b| acc << 8 | b as u64)
}

/// Every entry of a listpack, integers printed in decimal.
pub fn listpack_entries(blob: &[u8]) -> Result<Vec<Vec<u8>>, BlobError> {
    let header = take(blob, 0, LP_HEADER)?;
    let declared = le(&header[..4]);
    if declared != blob.len() as u64 {
        return Err(BlobError::SizeMismatch {
            declared,
            actual: blob.len(),
        });
    }
    let count = le(&header[4..6]) as u16;
    let mut out = Vec::new();
    let mut p = LP_HEADER;
    loop {
        let at = p;
        let enc = *blob.get(p).ok_or(BlobError::BadTerminator { at })?;
        if enc == LP_END {
            if p + 1 != blob.len() {
                return Err(BlobError::BadTerminator { at });
            }
            break;
        }
        let (entry, size): (Vec<u8>, usize) = if enc & 0x80 == 0 {
            ((enc as i64).to_string().into_bytes(), 1)
        } else if enc & 0xc0 == 0x80 {
            let len = (enc & 0x3f) as usize;
            (take(blob, p + 1, len)?.to_vec(), 1 + len)
        } else if enc & 0xe0 == 0xc0 {
            let b = take(blob, p, 2)?;
            let v = sign_extend(((b[0] & 0x1f) as u64) << 8 | b[1] as u64, 13);
            (v.to_string().into_bytes(), 2)
        } else if enc & 0xf0 == 0xe0 {
            let b = take(blob, p, 2)?;
            let len = ((b[0] & 0x0f) as usize) << 8 | b[1] as usize;
            (take(blob, p + 2, len)?.to_vec(), 2 + len)
        } else {
            let width = match enc {
                0xf0 => 4,
                0xf1 => 2,
                0xf2 => 3,
                0xf3 => 4,
                0xf4 => 8,
                _ => return Err(BlobError::BadEncoding { at }),
            };
            let raw = le(take(blob, p + 1, width)?);
            if enc == 0xf0 {
                let len = raw as usize;
                (take(blob, p + 5, len)?.to_vec(), 5 + len)
            } else {
                let v = sign_extend(raw, width as u32 * 8);
                (v.to_string().into_bytes(), 1 + width)
            }
        };
        let bl = backlen_size(size);
        let stored = take(blob, p + size, bl)?;
        let mut want = Vec::with_capacity(5);
        encode_backlen(&mut want, size as u64);
        if stored != want.as_slice() {
            return Err(BlobError::BadBacklen { at: p + size });
        }
        p += size + bl;
        out.push(entry);
    }
    if count != LP_COUNT_UNKNOWN && count as usize != out.len() {
        return Err(BlobError::CountMismatch {
            declared: count as u64,
            found: out.len(),
        });
    }
    Ok(out)
}

const ZL_HEADER: usize = 10;

/// Every entry of a ziplist (the pre-7.0 compact encoding), integers printed in decimal.
pub fn ziplist_entries(blob: &[u8]) -> Result<Vec<Vec<u8>>, BlobError> {
    let header = take(blob, 0, ZL_HEADER)?;
    let declared = le(&header[..4]);
    if declared != blob.len() as u64 {
        return Err(BlobError::SizeMismatch {
            declared,
            actual: blob.len(),
        });
    }
    let count = le(&header[8..10]) as u16;
    let mut out = Vec::new();
    let mut p = ZL_HEADER;
    let mut prev_size = 0usize;
    loop {
        let at = p;
        let first = *blob.get(p).ok_or(BlobError::BadTerminator { at })?;
        if first == 0xff {
            if p + 1 != blob.len() {
                return Err(BlobError::BadTerminator { at });
            }
            break;
        }
        let (prevlen, plen) = if first < 254 {
            (first as usize, 1)
        } else {
            (le(take(blob, p + 1, 4)?) as usize, 5)
        };
        if prevlen != prev_size {
            return Err(BlobError::BadBacklen { at });
        }
        let e = p + plen;
        let enc = *blob.get(e).ok_or(BlobError::Truncated { at })?;
        let (entry, size) = match enc >> 6 {
            0 => {
                let len = (enc & 0x3f) as usize;
                (take(blob, e + 1, len)?.to_vec(), 1 + len)
            }
            1 => {
                let b = take(blob, e, 2)?;
                let len = ((b[0] & 0x3f) as usize) << 8 | b[1] as usize;
                (take(blob, e + 2, len)?.to_vec(), 2 + len)
            }
            2 => {
                if enc != 0x80 {
                    return Err(BlobError::BadEncoding { at: e });
                }
                let b = take(blob, e + 1, 4)?;
                let len = u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize;
                (take(blob, e + 5, len)?.to_vec(), 5 + len)
            }
            _ => {
                let (v, width) = match enc {
                    0xc0 => (sign_extend(le(take(blob, e + 1, 2)?), 16), 2),
                    0xd0 => (sign_extend(le(take(blob, e + 1, 4)?), 32), 4),
                    0xe0 => (sign_extend(le(take(blob, e + 1, 8)?), 64), 8),
                    0xf0 => (sign_extend(le(take(blob, e + 1, 3)?), 24), 3),
                    0xfe => (sign_extend(le(take(blob, e + 1, 1)?), 8), 1),
                    0xf1..=0xfd => ((enc & 0x0f) as i64 - 1, 0),
                    _ => return Err(BlobError::BadEncoding { at: e }),
                };
                (v.to_string().into_bytes(), 1 + width)
            }
        };
        prev_size = plen + size;
        p += prev_size;
        out.push(entry);
    }
    if count != u16::MAX && count as usize != out.len() {
        return Err(BlobError::CountMismatch {
            declared: count as u64,
            found: out.len(),
        });
    }
    Ok(out)
}

/// An intset: element width (2, 4 or 8 bytes, the smallest that holds every element), count,
/// then the elements ascending, all little-endian.
pub fn intset_encode(values: &[i64]) -> Vec<u8> {
    let width: u32 = if values.iter().all(|&v| i16::try_from(v).is_ok()) {
        2
    } else if values.iter().all(|&v| i32::try_from(v).is_ok()) {
        4
    } else {
        8
    };
    let mut out = Vec::with_capacity(8 + values.len() * width as usize);
    out.extend_from_slice(&width.to_le_bytes());
    out.extend_from_slice(&(values.len() as u32).to_le_bytes());
    for v in values {
        out.extend_from_slice(&v.to_le_bytes()[..width as usize]);
    }
    out
}

pub fn intset_decode(blob: &[u8]) -> Result<Vec<i64>, BlobError> {
    let header = take(blob, 0, 8)?;
    let width = le(&header[..4]) as u32;
    if !matches!(width, 2 | 4 | 8) {
        return Err(BlobError::BadIntWidth { width });
    }
    let count = le(&header[4..8]);
    let want = 8 + count * width as u64;
    if want != blob.len() as u64 {
        return Err(BlobError::SizeMismatch {
            declared: want,
            actual: blob.len(),
        });
    }
    let values: Vec<i64> = blob[8..]
        .chunks_exact(width as usize)
        .map(|c| sign_extend(le(c), width * 8))
        .collect();
    if let Some(i) = values.windows(2).position(|w| w[0] >= w[1]) {
        return Err(BlobError::Unsorted { index: i + 1 });
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listpack_entry_encodings_match_redis() {
        // (entry, its bytes in a Redis 7.0 listpack: encoding, data, back-length)
        let table: &[(&[u8], &[u8])] = &[
            (b"0", &[0x00, 0x01]),
            (b"127", &[0x7f, 0x01]),
            (b"128", &[0xc0, 0x80, 0x02]),
            (b"-1", &[0xdf, 0xff, 0x02]),
            (b"-4096", &[0xd0, 0x00, 0x02]),
            (b"4096", &[0xf1, 0x00, 0x10, 0x03]),
            (b"-32768", &[0xf1, 0x00, 0x80, 0x03]),
            (b"32768", &[0xf2, 0x00, 0x80, 0x00, 0x04]),
            (b"8388608", &[0xf3, 0x00, 0x00, 0x80, 0x00, 0x05]),
            (b"2147483648", &[0xf4, 0, 0, 0, 0x80, 0, 0, 0, 0, 0x09]),
            (b"ab", &[0x82, b'a', b'b', 0x03]),
            (b"007", &[0x83, b'0', b'0', b'7', 0x04]),
            (b"", &[0x80, 0x01]),
        ];
        for (entry, bytes) in table {
            let mut w = ListpackWriter::new();
            w.push(entry);
            let lp = w.finish();
            assert_eq!(
                &lp[LP_HEADER..lp.len() - 1],
                *bytes,
                "{:?}",
                String::from_utf8_lossy(entry)
            );
            assert_eq!(listpack_entries(&lp).unwrap(), vec![entry.to_vec()]);
        }
    }

    #[test]
    fn listpack_round_trips_long_strings() {
        for len in [63, 64, 127, 128, 4095, 4096, 20_000] {
            let s = vec![b'x'; len];
            let mut w = ListpackWriter::new();
            w.push(&s);
            w.push(b"tail");
            let lp = w.finish();
            assert_eq!(
                listpack_entries(&lp).unwrap(),
                vec![s, b"tail".to_vec()],
                "len {len}"
            );
        }
    }

    #[test]
    fn listpack_count_saturates() {
        let mut w = ListpackWriter::new();
        for i in 0..70_000 {
            w.push_int(i);
        }
        let lp = w.finish();
        assert_eq!(&lp[4..6], &[0xff, 0xff]);
        assert_eq!(listpack_entries(&lp).unwrap().len(), 70_000);
    }

    #[test]
    fn backlen_groups() {
        let table: &[(u64, &[u8])] = &[
            (5, &[5]),
            (127, &[127]),
            (128, &[1, 128]),
            (16382, &[127, 254]),
            (16383, &[0, 255, 255]),
        ];
        for (l, want) in table {
            let mut out = Vec::new();
            encode_backlen(&mut out, *l);
            assert_eq!(out, *want, "{l}");
            assert_eq!(backlen_size(*l as usize), want.len());
        }
    }

    #[test]
    fn malformed_listpacks_are_errors() {
        let mut w = ListpackWriter::new();
        w.push(b"hello");
        w.push_int(1000);
        let good = w.finish();
        for cut in 0..good.len() {
            assert!(listpack_entries(&good[..cut]).is_err(), "cut {cut}");
        }
        for i in 0..good.len() {
            for flip in [0x01, 0x80, 0xff] {
                let mut bad = good.clone();
                bad[i] ^= flip;
                let _ = listpack_entries(&bad);
            }
        }
        let mut bad = good.clone();
        bad[4] = 3;
        assert_eq!(
            listpack_entries(&bad),
            Err(BlobError::CountMismatch {
                declared: 3,
                found: 2
            })
        );
    }

    #[test]
    fn ziplist_decodes_every_encoding() {
        // A ziplist built by hand as Redis 6 lays it out: "ab", 12 (immediate), -2 (int8),
        // 300 (int16), 70000 (int24), 2^31 (int64).
        let entries: &[&[u8]] = &[
            &[0x02, b'a', b'b'],
            &[0xfd],
            &[0xfe, 0xfe],
            &[0xc0, 0x2c, 0x01],
            &[0xf0, 0x70, 0x11, 0x01],
            &[0xe0, 0, 0, 0, 0x80, 0, 0, 0, 0],
        ];
        let mut body = Vec::new();
        let mut prev = 0;
        for e in entries {
            body.push(prev as u8);
            body.extend_from_slice(e);
            prev = 1 + e.len();
        }
        let total = (ZL_HEADER + body.len() + 1) as u32;
        let mut zl = total.to_le_bytes().to_vec();
        zl.extend_from_slice(&0u32.to_le_bytes());
        zl.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        zl.extend_from_slice(&body);
        zl.push(0xff);
        let want: Vec<Vec<u8>> = ["ab", "12", "-2", "300", "70000", "2147483648"]
            .iter()
            .map(|s| s.as_bytes().to_vec())
            .collect();
        assert_eq!(ziplist_entries(&zl).unwrap(), want);
        for cut in 0..zl.len() {
            assert!(ziplist_entries(&zl[..cut]).is_err(), "cut {cut}");
        }
    }

    #[test]
    fn intsets_round_trip_at_each_width() {
        let table: &[(&[i64], u8)] = &[
            (&[], 2),
            (&[-5, 1, 32767], 2),
            (&[1, 40_000], 4),
            (&[i64::MIN, 0, i64::MAX], 8),
        ];
        for (values, width) in table {
            let blob = intset_encode(values);
            assert_eq!(blob[0], *width);
            assert_eq!(blob.len(), 8 + values.len() * *width as usize);
            assert_eq!(intset_decode(&blob).unwrap(), values.to_vec());
        }
        let mut bad = intset_encode(&[1, 2]);
        bad[8] = 3;
        assert_eq!(intset_decode(&bad), Err(BlobError::Unsorted { index: 1 }));
        bad[0] = 3;
        assert_eq!(
            intset_decode(&bad),
            Err(BlobError::BadIntWidth { width: 3 })
        );
    }
}
