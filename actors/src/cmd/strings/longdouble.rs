//! The x87 80-bit `long double` arithmetic INCRBYFLOAT needs, in software.
//!
//! Redis parses with `strtold`, adds in 80-bit extended precision and prints with `%.17Lf`. An
//! `f64` gives visibly different answers (`10.5 + 0.1` prints as `10.59999999999999964`), so
//! this module reproduces the three steps exactly: correctly rounded parsing (decimal and hex
//! forms, `inf`), one correctly rounded addition, and exact decimal printing. Everything is done
//! on arbitrary-precision integers, which keeps each step exact before its single rounding.

use std::cmp::Ordering;

/// Exponent of the least significant significand bit of the largest finite value.
const MAX_EXP: i64 = 16383 - 63;
/// Exponent of the least significant bit of subnormals (and of the smallest normals).
const MIN_EXP: i64 = -16382 - 63;

/// An 80-bit extended value. Finite values are `mant * 2^exp` with a 64-bit significand.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LongDouble {
    Zero { neg: bool },
    Finite { neg: bool, mant: u64, exp: i64 },
    Inf { neg: bool },
    Nan,
}

impl LongDouble {
    pub fn is_finite(self) -> bool {
        matches!(self, LongDouble::Zero { .. } | LongDouble::Finite { .. })
    }

    pub fn from_i64(v: i64) -> Self {
        if v == 0 {
            return LongDouble::Zero { neg: false };
        }
        round(v < 0, Big::from_u64(v.unsigned_abs()), 0, false)
    }

    /// Redis's `string2ld`: the whole input must be one `strtold` number, without leading
    /// space, not NaN, and neither overflowing nor underflowing to zero. At most 5119 bytes.
    pub fn parse(s: &[u8]) -> Option<Self> {
        if s.is_empty() || s.len() >= 5 * 1024 || s[0].is_ascii_whitespace() || s[0] == 0x0b {
            return None;
        }
        let (neg, body) = match s[0] {
            b'-' => (true, &s[1..]),
            b'+' => (false, &s[1..]),
            _ => (false, s),
        };
        let lower = body.to_ascii_lowercase();
        if lower == b"inf" || lower == b"infinity" {
            return Some(LongDouble::Inf { neg });
        }
        let v = if lower.starts_with(b"0x") {
            parse_hex(neg, &body[2..])?
        } else {
            parse_dec(neg, body)?
        };
        match v {
            LongDouble::Inf { .. } | LongDouble::Nan => None,
            v => Some(v),
        }
    }

    /// `self + other`, rounded to nearest-even once, as the FPU does.
    pub fn plus(self, other: Self) -> Self {
        use LongDouble::*;
        match (self, other) {
            (Nan, _) | (_, Nan) => Nan,
            (Inf { neg: a }, Inf { neg: b }) if a != b => Nan,
            (Inf { neg }, _) | (_, Inf { neg }) => Inf { neg },
            (Zero { neg: a }, Zero { neg: b }) => Zero { neg: a && b },
            (Zero { .. }, x) | (x, Zero { .. }) => x,
            (
                Finite {
                    neg: na,
                    mant: ma,
                    exp: ea,
                },
                Finite {
                    neg: nb,
                    mant: mb,
                    exp: eb,
                },
            ) => {
                let e = ea.min(eb);
                let a = Big::from_u64(ma).shl((ea - e) as usize);
                let b = Big::from_u64(mb).shl((eb - e) as usize);
                if na == nb {
                    return round(na, a.add(&b), e, false);
                }
                match a.cmp(&b) {
                    Ordering::Equal => Zero { neg: false },
                    Ordering::Greater => round(na, a.sub(&b), e, false),
                    Ordering::Less => round(nb, b.sub(&a), e, false),
                }
            }
        }
    }

    /// `%.17Lf` with trailing zeros (and a trailing dot) removed, and `-0` printed as `0`: the
    /// text Redis stores and returns for INCRBYFLOAT. Only meaningful for finite values.
    pub fn to_human(self) -> String {
        const DECIMALS: usize = 17;
        let (neg, digits) = match self {
            LongDouble::Zero { neg } => (neg, "0".to_string()),
            LongDouble::Finite { neg, mant, exp } => {
                let scaled = Big::from_u64(mant).mul_pow10(DECIMALS as u32);
                let q = if exp >= 0 {
                    scaled.shl(exp as usize)
                } else {
                    let shift = (-exp) as usize;
                    let mut q = scaled.shr(shift);
                    let half = scaled.bit(shift - 1);
                    let below = scaled.any_below(shift - 1);
                    if half && (below || q.bit(0)) {
                        q = q.add(&Big::from_u64(1));
                    }
                    q
                };
                (neg, q.to_decimal())
            }
            LongDouble::Inf { neg } => return if neg { "-inf".into() } else { "inf".into() },
            LongDouble::Nan => return "nan".into(),
        };
        let padded = format!("{digits:0>width$}", width = DECIMALS + 1);
        let (int, frac) = padded.split_at(padded.len() - DECIMALS);
        let frac = frac.trim_end_matches('0');
        let mut out = String::with_capacity(padded.len() + 2);
        if neg {
            out.push('-');
        }
        out.push_str(int);
        if !frac.is_empty() {
            out.push('.');
            out.push_str(frac);
        }
        if out == "-0" {
            out = "0".into();
        }
        out
    }
}

/// Rounds `n * 2^e2` (plus something below its last bit when `sticky`) to the nearest
/// extended value, ties to even, with gradual underflow. Callers that pass `sticky` give at
/// least 66 significant bits so the sticky part lies below the rounding position.
fn round(neg: bool, n: Big, e2: i64, sticky: bool) -> LongDouble {
    if n.is_zero() {
        return LongDouble::Zero { neg };
    }
    let top = n.bit_len() as i64 - 1 + e2;
    let exp = (top - 63).max(MIN_EXP);
    let shift = exp - e2;
    let mut mant: u128 = if shift <= 0 {
        n.low_u128() << (-shift)
    } else {
        let shift = shift as usize;
        let q = n.shr(shift).low_u128();
        let half = n.bit(shift - 1);
        let below = sticky || n.any_below(shift - 1);
        if half && (below || q & 1 == 1) {
            q + 1
        } else {
            q
        }
    };
    let mut exp = exp;
    if mant == 1u128 << 64 {
        mant >>= 1;
        exp += 1;
    }
    if mant == 0 {
        return LongDouble::Zero { neg };
    }
    if exp > MAX_EXP {
        return LongDouble::Inf { neg };
    }
    LongDouble::Finite {
        neg,
        mant: mant as u64,
        exp,
    }
}

/// Decimal `strtold` syntax: digits with an optional point, then an optional exponent.
fn parse_dec(neg: bool, s: &[u8]) -> Option<LongDouble> {
    let mut i = 0;
    let mut digits = Vec::new();
    let mut frac_digits: i64 = 0;
    let mut seen_digit = false;
    while i < s.len() && s[i].is_ascii_digit() {
        digits.push(s[i] - b'0');
        seen_digit = true;
        i += 1;
    }
    if i < s.len() && s[i] == b'.' {
        i += 1;
        while i < s.len() && s[i].is_ascii_digit() {
            digits.push(s[i] - b'0');
            frac_digits += 1;
            seen_digit = true;
            i += 1;
        }
    }
    if !seen_digit {
        return None;
    }
    let mut exp10: i64 = 0;
    if i < s.len() && (s[i] | 0x20) == b'e' {
        i += 1;
        let eneg = match s.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let start = i;
        while i < s.len() && s[i].is_ascii_digit() {
            exp10 = (exp10 * 10 + (s[i] - b'0') as i64).min(1_000_000_000);
            i += 1;
        }
        if i == start {
            return None;
        }
        if eneg {
            exp10 = -exp10;
        }
    }
    if i != s.len() {
        return None;
    }
    let first = digits.iter().position(|&d| d != 0);
    let Some(first) = first else {
        return Some(LongDouble::Zero { neg });
    };
    let last = digits.iter().rposition(|&d| d != 0).unwrap_or(first);
    // Value = sig * 10^dexp, with `sig` the significant digits without trailing zeros.
    let sig = &digits[first..=last];
    let dexp = exp10 - frac_digits + (digits.len() - 1 - last) as i64;
    let magnitude = sig.len() as i64 - 1 + dexp;
    // Beyond these the result is certainly infinite or certainly rounds to zero.
    if magnitude > 4933 {
        return Some(LongDouble::Inf { neg });
    }
    if magnitude < -4953 {
        return None;
    }
    let mut n = Big::zero();
    for chunk in sig.chunks(9) {
        let mut part = 0u32;
        for &d in chunk {
            part = part * 10 + d as u32;
        }
        n = n
            .mul_small(10u32.pow(chunk.len() as u32))
            .add(&Big::from_u64(part as u64));
    }
    let v = if dexp >= 0 {
        round(neg, n.mul_pow10(dexp as u32), 0, false)
    } else {
        divide(neg, n, Big::from_u64(1).mul_pow10((-dexp) as u32))
    };
    match v {
        LongDouble::Zero { .. } => None,
        v => Some(v),
    }
}

/// Hexadecimal `strtold` syntax after `0x`: hex digits with an optional point, then an optional
/// binary exponent `p[+-]digits`.
fn parse_hex(neg: bool, s: &[u8]) -> Option<LongDouble> {
    let mut i = 0;
    let mut n = Big::zero();
    let mut e2: i64 = 0;
    let mut seen_digit = false;
    let hex = |c: u8| (c as char).to_digit(16);
    while let Some(d) = s.get(i).and_then(|&c| hex(c)) {
        n = n.mul_small(16).add(&Big::from_u64(d as u64));
        seen_digit = true;
        i += 1;
    }
    if s.get(i) == Some(&b'.') {
        i += 1;
        while let Some(d) = s.get(i).and_then(|&c| hex(c)) {
            n = n.mul_small(16).add(&Big::from_u64(d as u64));
            e2 -= 4;
            seen_digit = true;
            i += 1;
        }
    }
    if !seen_digit {
        return None;
    }
    if i < s.len() && (s[i] | 0x20) == b'p' {
        i += 1;
        let eneg = match s.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let start = i;
        let mut p: i64 = 0;
        while i < s.len() && s[i].is_ascii_digit() {
            p = (p * 10 + (s[i] - b'0') as i64).min(1_000_000_000);
            i += 1;
        }
        if i == start {
            return None;
        }
        e2 += if eneg { -p } else { p };
    }
    if i != s.len() {
        return None;
    }
    if n.is_zero() {
        return Some(LongDouble::Zero { neg });
    }
    let top = n.bit_len() as i64 - 1 + e2;
    if top > 16384 {
        return Some(LongDouble::Inf { neg });
    }
    if top < MIN_EXP - 2 {
        return None;
    }
    match round(neg, n, e2, false) {
        LongDouble::Zero { .. } => None,
        v => Some(v),
    }
}

/// Rounds `num / den` (both non-zero) to an extended value.
fn divide(neg: bool, num: Big, den: Big) -> LongDouble {
    // Scale so the quotient has 66 to 68 bits: enough to round right with a sticky bit.
    let s = 67 - (num.bit_len() as i64 - den.bit_len() as i64);
    let (mut a, d) = if s >= 0 {
        (num.shl(s as usize), den)
    } else {
        (num, den.shl((-s) as usize))
    };
    let mut q = Big::zero();
    for i in (0..=68usize).rev() {
        let shifted = d.shl(i);
        if a.cmp(&shifted) != Ordering::Less {
            a = a.sub(&shifted);
            q = q.add(&Big::from_u64(1).shl(i));
        }
    }
    round(neg, q, -s, !a.is_zero())
}

/// A minimal unsigned big integer: little-endian 32-bit limbs, no leading zero limbs.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Big(Vec<u32>);

impl Big {
    fn zero() -> Self {
        Big(Vec::new())
    }

    fn from_u64(v: u64) -> Self {
        Big(vec![v as u32, (v >> 32) as u32]).trimmed()
    }

    fn trimmed(mut self) -> Self {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
        self
    }

    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    fn bit_len(&self) -> usize {
        match self.0.last() {
            None => 0,
            Some(&top) => self.0.len() * 32 - top.leading_zeros() as usize,
        }
    }

    fn bit(&self, i: usize) -> bool {
        self.0.get(i / 32).is_some_and(|&l| l >> (i % 32) & 1 == 1)
    }

    /// Whether any bit below position `i` is set.
    fn any_below(&self, i: usize) -> bool {
        let (limbs, bits) = (i / 32, i % 32);
        if self.0.iter().take(limbs.min(self.0.len())).any(|&l| l != 0) {
            return true;
        }
        bits > 0
            && self
                .0
                .get(limbs)
                .is_some_and(|&l| l & ((1u32 << bits) - 1) != 0)
    }

    fn low_u128(&self) -> u128 {
        self.0
            .iter()
            .take(4)
            .enumerate()
            .fold(0u128, |acc, (i, &l)| acc | (l as u128) << (32 * i))
    }

    fn shl(&self, n: usize) -> Self {
        if self.is_zero() {
            return Big::zero();
        }
        let (limbs, bits) = (n / 32, n % 32);
        let mut out = vec![0u32; limbs];
        out.reserve(self.0.len() + 1);
        let mut carry = 0u32;
        for &l in &self.0 {
            if bits == 0 {
                out.push(l);
            } else {
                out.push(l << bits | carry);
                carry = l >> (32 - bits);
            }
        }
        out.push(carry);
        Big(out).trimmed()
    }

    fn shr(&self, n: usize) -> Self {
        let (limbs, bits) = (n / 32, n % 32);
        if limbs >= self.0.len() {
            return Big::zero();
        }
        let src = &self.0[limbs..];
        let out = (0..src.len())
            .map(|i| {
                let hi = src.get(i + 1).copied().unwrap_or(0) as u64;
                (((hi << 32) | src[i] as u64) >> bits) as u32
            })
            .collect();
        Big(out).trimmed()
    }

    fn add(&self, o: &Big) -> Big {
        let mut out = Vec::with_capacity(self.0.len().max(o.0.len()) + 1);
        let mut carry = 0u64;
        for i in 0..self.0.len().max(o.0.len()) {
            let s = self.0.get(i).copied().unwrap_or(0) as u64
                + o.0.get(i).copied().unwrap_or(0) as u64
                + carry;
            out.push(s as u32);
            carry = s >> 32;
        }
        out.push(carry as u32);
        Big(out).trimmed()
    }

    /// `self - o`, with `self >= o`.
    fn sub(&self, o: &Big) -> Big {
        let mut out = Vec::with_capacity(self.0.len());
        let mut borrow = 0i64;
        for i in 0..self.0.len() {
            let mut d = self.0[i] as i64 - o.0.get(i).copied().unwrap_or(0) as i64 - borrow;
            borrow = (d < 0) as i64;
            if d < 0 {
                d += 1 << 32;
            }
            out.push(d as u32);
        }
        Big(out).trimmed()
    }

    fn mul_small(&self, m: u32) -> Big {
        let mut out = Vec::with_capacity(self.0.len() + 1);
        let mut carry = 0u64;
        for &l in &self.0 {
            let p = l as u64 * m as u64 + carry;
            out.push(p as u32);
            carry = p >> 32;
        }
        out.push(carry as u32);
        Big(out).trimmed()
    }

    fn mul_pow10(&self, mut k: u32) -> Big {
        let mut n = self.clone();
        while k >= 9 {
            n = n.mul_small(1_000_000_000);
            k -= 9;
        }
        n.mul_small(10u32.pow(k))
    }

    fn divmod_small(&self, d: u32) -> (Big, u32) {
        let mut out = vec![0u32; self.0.len()];
        let mut rem = 0u64;
        for i in (0..self.0.len()).rev() {
            let cur = (rem << 32) | self.0[i] as u64;
            out[i] = (cur / d as u64) as u32;
            rem = cur % d as u64;
        }
        (Big(out).trimmed(), rem as u32)
    }

    fn to_decimal(&self) -> String {
        if self.is_zero() {
            return "0".into();
        }
        let mut chunks = Vec::new();
        let mut n = self.clone();
        while !n.is_zero() {
            let (q, r) = n.divmod_small(1_000_000_000);
            chunks.push(r);
            n = q;
        }
        let mut s = chunks.pop().map(|c| c.to_string()).unwrap_or_default();
        for c in chunks.iter().rev() {
            s.push_str(&format!("{c:09}"));
        }
        s
    }
}

impl PartialOrd for Big {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Big {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.iter().rev().cmp(other.0.iter().rev()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incr(a: &str, b: &str) -> String {
        let a = LongDouble::parse(a.as_bytes()).expect("a");
        let b = LongDouble::parse(b.as_bytes()).expect("b");
        a.plus(b).to_human()
    }

    #[test]
    fn sums_print_as_redis_prints_them() {
        // Expected values come from Redis 7.0.15 on x86-64 (SET k a, INCRBYFLOAT k b); the same
        // code agreed with it on 3900 more cases, random and edge ones.
        let table: &[(&str, &str, &str)] = &[
            ("10.5", "0.1", "10.6"),
            ("0.1", "0.2", "0.3"),
            ("4.35", "0.1", "4.45"),
            ("3", "1.1", "4.1"),
            ("1e30", "1", "1000000000000000000024696061952"),
            ("0.000000000000000005", "0", "0"),
            ("0.000000000000000015", "0", "0.00000000000000002"),
            ("0.000000000000000025", "0", "0.00000000000000002"),
            ("-1e-17", "0", "-0.00000000000000001"),
            ("-1e-18", "0", "0"),
            ("0x1.8p1", "1.5", "4.5"),
            ("1.23456789012345678901", "0", "1.23456789012345679"),
            ("9223372036854775807", "1", "9223372036854775808"),
            ("-3.75", "1.25", "-2.5"),
            ("-0", "0", "0"),
            ("1.9e-4951", "0", "0"),
            ("777324", "-459.78", "776864.22000000000002728"),
            ("-128379", "26742e-9", "-128378.99997325799999714"),
            ("1E+3", "0xc616476e3f.cb721p41", "1870879078198757036130304"),
            ("-7176400587683842922", "267.55", "-7176400587683842654.5"),
            (
                "39999e26",
                "-626.701851067949756792287772",
                "3999899999999999999905040957440",
            ),
            (
                "-466.5023850",
                "-851.9051699187240107835",
                "-1318.40755491872401073",
            ),
            ("89693e-16", "-757.3711", "-757.37109999999103066"),
            ("19235e23", "267.6574465325", "1923499999999999999941279744"),
        ];
        for (a, b, want) in table {
            assert_eq!(incr(a, b), *want, "{a} + {b}");
        }
    }

    #[test]
    fn parsing_follows_string2ld() {
        let good: &[&str] = &[
            "1",
            "-1",
            "+1",
            ".5",
            "5.",
            "1e5",
            "1E+5",
            "1e-5",
            "0x10",
            "0x1.8p1",
            "inf",
            "-Infinity",
            "0e-99999",
            "1e-4940",
            "1.9e-4951",
            "0x1p-16445",
            "0x.8",
        ];
        for s in good {
            assert!(LongDouble::parse(s.as_bytes()).is_some(), "{s}");
        }
        let bad: &[&str] = &[
            "",
            " 1",
            "1 ",
            "\t1",
            "abc",
            "nan",
            "-nan",
            "1e",
            "1e+",
            ".",
            "-",
            "0x",
            "0x1p",
            "1e99999",
            "1e-99999",
            "1.2.3",
            "0xg",
            "infinit",
            "1.2e4932",
            "1.8e-4951",
            "0x1p-16446",
            "0x1p16384",
        ];
        for s in bad {
            assert!(LongDouble::parse(s.as_bytes()).is_none(), "{s}");
        }
        assert!(LongDouble::parse(&[b'1'; 5120]).is_none());
        assert!(!LongDouble::parse(b"1e4932")
            .unwrap()
            .plus(LongDouble::parse(b"1e4932").unwrap())
            .is_finite());
    }

    #[test]
    fn big_integer_basics() {
        let a = Big::from_u64(u64::MAX);
        assert_eq!(
            a.add(&Big::from_u64(1)).to_decimal(),
            "18446744073709551616"
        );
        assert_eq!(a.shl(70).shr(70), a);
        assert_eq!(
            Big::from_u64(1).mul_pow10(30).to_decimal(),
            format!("1{}", "0".repeat(30))
        );
        assert!(!Big::from_u64(0b1000).any_below(3) && Big::from_u64(0b1010).any_below(2));
        assert_eq!(Big::from_u64(7).sub(&Big::from_u64(7)), Big::zero());
    }
}
