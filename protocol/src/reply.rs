//! Reply encoding straight into the output buffer, the way Redis's `addReply*` family works:
//! no intermediate value per reply. The protocol version decides how RESP3-only types degrade
//! for RESP2 clients (maps become flat arrays, null becomes `$-1`/`*-1`, doubles become bulk strings).

use bytes::{BufMut, BytesMut};

/// The protocol a client speaks, chosen with `HELLO`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Resp {
    #[default]
    V2,
    V3,
}

/// Appends encoded replies to a buffer.
pub struct ReplyWriter<'a> {
    buf: &'a mut BytesMut,
    resp: Resp,
}

impl<'a> ReplyWriter<'a> {
    pub fn new(buf: &'a mut BytesMut, resp: Resp) -> Self {
        ReplyWriter { buf, resp }
    }

    pub fn resp(&self) -> Resp {
        self.resp
    }

    /// Switches the protocol for the replies that follow (HELLO, RESET).
    pub fn set_resp(&mut self, resp: Resp) {
        self.resp = resp;
    }

    /// Bytes written so far (the whole buffer, not only this writer's part).
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Drops everything written after `len`; used to undo a reply that turned out to be an error.
    pub fn truncate(&mut self, len: usize) {
        self.buf.truncate(len)
    }

    fn line(&mut self, prefix: u8, body: &[u8]) {
        self.buf.reserve(body.len() + 3);
        self.buf.put_u8(prefix);
        self.buf.put_slice(body);
        self.buf.put_slice(b"\r\n");
    }

    fn header(&mut self, prefix: u8, n: i64) {
        let mut tmp = itoa_buf();
        let s = fmt_i64(&mut tmp, n);
        self.line(prefix, s);
    }

    /// `+OK`
    pub fn ok(&mut self) {
        self.buf.put_slice(b"+OK\r\n");
    }

    /// A status reply, `+<s>`.
    pub fn simple(&mut self, s: &str) {
        self.line(b'+', s.as_bytes());
    }

    /// An error reply. `msg` is the whole message without the leading `-`, e.g. `ERR syntax error`.
    /// Newlines are replaced by spaces as Redis does, so an error can never break framing.
    pub fn error(&mut self, msg: &str) {
        if msg.contains(['\r', '\n']) {
            let clean: String = msg
                .chars()
                .map(|c| if c == '\r' || c == '\n' { ' ' } else { c })
                .collect();
            self.line(b'-', clean.as_bytes());
        } else {
            self.line(b'-', msg.as_bytes());
        }
    }

    pub fn int(&mut self, n: i64) {
        self.header(b':', n);
    }

    pub fn bulk(&mut self, data: &[u8]) {
        self.header(b'$', data.len() as i64);
        self.buf.reserve(data.len() + 2);
        self.buf.put_slice(data);
        self.buf.put_slice(b"\r\n");
    }

    /// A bulk string holding the decimal form of `n` (what Redis sends for e.g. `GET` of an int).
    pub fn bulk_int(&mut self, n: i64) {
        let mut tmp = itoa_buf();
        let s = fmt_i64(&mut tmp, n);
        let s = s.to_vec();
        self.bulk(&s);
    }

    /// The null bulk string: `$-1` in RESP2, `_` in RESP3.
    pub fn null(&mut self) {
        match self.resp {
            Resp::V2 => self.buf.put_slice(b"$-1\r\n"),
            Resp::V3 => self.buf.put_slice(b"_\r\n"),
        }
    }

    /// The null array: `*-1` in RESP2, `_` in RESP3.
    pub fn null_array(&mut self) {
        match self.resp {
            Resp::V2 => self.buf.put_slice(b"*-1\r\n"),
            Resp::V3 => self.buf.put_slice(b"_\r\n"),
        }
    }

    pub fn array(&mut self, len: usize) {
        self.header(b'*', len as i64);
    }

    /// A map of `len` pairs; RESP2 clients get a flat array of `2 * len` items.
    pub fn map(&mut self, len: usize) {
        match self.resp {
            Resp::V2 => self.header(b'*', 2 * len as i64),
            Resp::V3 => self.header(b'%', len as i64),
        }
    }

    /// A set; RESP2 clients get an array.
    pub fn set(&mut self, len: usize) {
        match self.resp {
            Resp::V2 => self.header(b'*', len as i64),
            Resp::V3 => self.header(b'~', len as i64),
        }
    }

    /// An out-of-band push (pub/sub messages, invalidations); RESP2 clients get an array.
    pub fn push(&mut self, len: usize) {
        match self.resp {
            Resp::V2 => self.header(b'*', len as i64),
            Resp::V3 => self.header(b'>', len as i64),
        }
    }

    /// A boolean; RESP2 clients get `:1` / `:0`.
    pub fn boolean(&mut self, b: bool) {
        match self.resp {
            Resp::V2 => self.int(b as i64),
            Resp::V3 => self.buf.put_slice(if b { b"#t\r\n" } else { b"#f\r\n" }),
        }
    }

    /// A double as Redis 7.0 prints it (`%.17g`, `inf`, `-inf`); a bulk string for RESP2.
    pub fn double(&mut self, d: f64) {
        let s = format_double(d);
        match self.resp {
            Resp::V2 => self.bulk(s.as_bytes()),
            Resp::V3 => self.line(b',', s.as_bytes()),
        }
    }

    /// Verbatim text (`=`) with a three-letter format such as `txt`; a bulk string for RESP2.
    pub fn verbatim(&mut self, format: &str, text: &[u8]) {
        match self.resp {
            Resp::V2 => self.bulk(text),
            Resp::V3 => {
                self.header(b'=', (text.len() + 4) as i64);
                self.buf.put_slice(format.as_bytes());
                self.buf.put_u8(b':');
                self.buf.put_slice(text);
                self.buf.put_slice(b"\r\n");
            }
        }
    }

    /// Writes a decoded value back, degrading RESP3-only types for RESP2 clients as Redis does
    /// (`_` becomes `$-1`, maps flat arrays, big numbers bulk strings). Attributes are dropped.
    pub fn frame(&mut self, f: &crate::Frame) {
        use crate::Frame as F;
        match f {
            F::Simple(s) => self.line(b'+', s),
            F::Error(e) => self.line(b'-', e),
            F::BlobError(e) => match self.resp {
                Resp::V2 => self.line(b'-', e),
                Resp::V3 => {
                    self.header(b'!', e.len() as i64);
                    self.buf.put_slice(e);
                    self.buf.put_slice(b"\r\n");
                }
            },
            F::Integer(n) => self.int(*n),
            F::Bulk(b) => self.bulk(b),
            F::NullBulk | F::Null => self.null(),
            F::NullArray => self.null_array(),
            F::Array(items) => {
                self.array(items.len());
                items.iter().for_each(|i| self.frame(i));
            }
            F::Set(items) => {
                self.set(items.len());
                items.iter().for_each(|i| self.frame(i));
            }
            F::Push(items) => {
                self.push(items.len());
                items.iter().for_each(|i| self.frame(i));
            }
            F::Map(pairs) => {
                self.map(pairs.len());
                for (k, v) in pairs {
                    self.frame(k);
                    self.frame(v);
                }
            }
            F::Double(d) => self.double(*d),
            F::Boolean(b) => self.boolean(*b),
            F::BigNumber(n) => match self.resp {
                Resp::V2 => self.bulk(n),
                Resp::V3 => self.line(b'(', n),
            },
            F::Verbatim(fmt, text) => {
                self.verbatim(&String::from_utf8_lossy(fmt), text);
            }
            F::Attribute(_, value) => self.frame(value),
        }
    }

    /// Already encoded protocol bytes, copied as they are.
    pub fn raw(&mut self, bytes: &[u8]) {
        self.buf.put_slice(bytes);
    }
}

type ItoaBuf = [u8; 20];

fn itoa_buf() -> ItoaBuf {
    [0u8; 20]
}

/// Writes `n` in decimal at the end of `buf`, returning the digits.
fn fmt_i64(buf: &mut ItoaBuf, n: i64) -> &[u8] {
    let mut pos = buf.len();
    let neg = n < 0;
    let mut v = n.unsigned_abs();
    loop {
        pos -= 1;
        buf[pos] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    if neg {
        // i64::MIN has 19 digits, so there is always room for the sign in 20 bytes.
        pos -= 1;
        buf[pos] = b'-';
    }
    &buf[pos..]
}

/// Formats a double as C's `%.17g` does, which is what Redis 7.0 uses for scores and doubles.
pub fn format_double(d: f64) -> String {
    if d.is_infinite() {
        return if d > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if d.is_nan() {
        return "nan".into();
    }
    format_g(d, 17)
}

/// C's `%.<precision>g`: scientific notation when the exponent is < -4 or >= precision,
/// trailing zeros removed.
pub fn format_g(d: f64, precision: usize) -> String {
    if d == 0.0 {
        return if d.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    let p = precision.max(1);
    // `{:.*e}` rounds to p significant digits and tells us the decimal exponent after rounding.
    let sci = format!("{:.*e}", p - 1, d);
    let (mantissa, exp) = sci.split_once('e').expect("exponent");
    let exp: i32 = exp.parse().expect("exponent digits");
    if exp < -4 || exp >= p as i32 {
        let m = trim_zeros(mantissa);
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{m}e{sign}{:02}", exp.unsigned_abs())
    } else {
        let decimals = (p as i32 - 1 - exp).max(0) as usize;
        trim_zeros(&format!("{:.*}", decimals, d)).to_string()
    }
}

fn trim_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(resp: Resp, f: impl FnOnce(&mut ReplyWriter)) -> Vec<u8> {
        let mut b = BytesMut::new();
        f(&mut ReplyWriter::new(&mut b, resp));
        b.to_vec()
    }

    #[test]
    fn scalars_in_both_protocols() {
        type Case = (Resp, fn(&mut ReplyWriter), &'static [u8]);
        let table: &[Case] = &[
            (Resp::V2, |w| w.ok(), b"+OK\r\n"),
            (Resp::V2, |w| w.int(-42), b":-42\r\n"),
            (Resp::V2, |w| w.int(i64::MIN), b":-9223372036854775808\r\n"),
            (Resp::V2, |w| w.bulk(b"ab"), b"$2\r\nab\r\n"),
            (Resp::V2, |w| w.bulk(b""), b"$0\r\n\r\n"),
            (Resp::V2, |w| w.null(), b"$-1\r\n"),
            (Resp::V3, |w| w.null(), b"_\r\n"),
            (Resp::V2, |w| w.null_array(), b"*-1\r\n"),
            (Resp::V3, |w| w.null_array(), b"_\r\n"),
            (Resp::V2, |w| w.map(2), b"*4\r\n"),
            (Resp::V3, |w| w.map(2), b"%2\r\n"),
            (Resp::V3, |w| w.set(1), b"~1\r\n"),
            (Resp::V3, |w| w.push(3), b">3\r\n"),
            (Resp::V2, |w| w.boolean(true), b":1\r\n"),
            (Resp::V3, |w| w.boolean(false), b"#f\r\n"),
            (Resp::V2, |w| w.double(1.5), b"$3\r\n1.5\r\n"),
            (Resp::V3, |w| w.double(f64::INFINITY), b",inf\r\n"),
            (Resp::V3, |w| w.verbatim("txt", b"hi"), b"=6\r\ntxt:hi\r\n"),
            (Resp::V2, |w| w.error("ERR a\r\nb"), b"-ERR a  b\r\n"),
            (Resp::V2, |w| w.bulk_int(-7), b"$2\r\n-7\r\n"),
        ];
        for (i, (resp, f, want)) in table.iter().enumerate() {
            assert_eq!(enc(*resp, f), *want, "case {i}");
        }
    }

    #[test]
    fn doubles_print_like_percent_17g() {
        let table: &[(f64, &str)] = &[
            (1.1, "1.1000000000000001"),
            (2.5, "2.5"),
            (1.0, "1"),
            (-1.0, "-1"),
            (0.0, "0"),
            (1e17, "1e+17"),
            // Checked against redis-server 7.0.15: `ZSCORE` of 0.000015 over RESP3 is `,1.5e-05`.
            (1.5e-5, "1.5e-05"),
            (0.0001, "0.0001"),
            (123456789012345678.0, "1.2345678901234568e+17"),
            (f64::NEG_INFINITY, "-inf"),
        ];
        for (d, want) in table {
            assert_eq!(format_double(*d), *want, "{d}");
        }
    }
}
