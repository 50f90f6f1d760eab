//! Writing a [`Frame`] back in its own wire form.
use super::Frame;
use crate::reply::format_double;
use bytes::{BufMut, BytesMut};

impl Frame {
    /// Appends the frame's RESP encoding, in the same type it was decoded from (a `Map` stays a
    /// map, a `NullBulk` stays `$-1`), so decoding the output gives back an equal frame.
    ///
    /// Doubles are written as Redis 7.0 writes them (`%.17g`, `inf`, `-inf`, `nan`), which reads
    /// back to the same `f64`. The wire form has no room for some values, and they are written as
    /// given, producing bytes that do not decode to the same frame: a `Simple`, `Error` or
    /// `BigNumber` holding CR or LF, or a `Verbatim` format that is not 3 bytes long.
    pub fn encode(&self, out: &mut BytesMut) {
        match self {
            Frame::Simple(s) => line(out, b'+', s),
            Frame::Error(s) => line(out, b'-', s),
            Frame::Integer(n) => line(out, b':', n.to_string().as_bytes()),
            Frame::Bulk(data) => blob(out, b'$', &[data]),
            Frame::NullBulk => out.put_slice(b"$-1\r\n"),
            Frame::NullArray => out.put_slice(b"*-1\r\n"),
            Frame::Null => out.put_slice(b"_\r\n"),
            Frame::Array(items) => sequence(out, b'*', items),
            Frame::Set(items) => sequence(out, b'~', items),
            Frame::Push(items) => sequence(out, b'>', items),
            Frame::Map(pairs) => pairs_of(out, b'%', pairs),
            Frame::Double(d) => line(out, b',', format_double(*d).as_bytes()),
            Frame::Boolean(b) => out.put_slice(if *b { b"#t\r\n" } else { b"#f\r\n" }),
            Frame::BigNumber(digits) => line(out, b'(', digits),
            Frame::Verbatim(format, text) => blob(out, b'=', &[format, b":", text]),
            Frame::BlobError(data) => blob(out, b'!', &[data]),
            Frame::Attribute(attrs, value) => {
                pairs_of(out, b'|', attrs);
                value.encode(out);
            }
        }
    }

    /// The frame's encoding as a new buffer.
    pub fn to_bytes(&self) -> BytesMut {
        let mut out = BytesMut::new();
        self.encode(&mut out);
        out
    }
}

fn line(out: &mut BytesMut, prefix: u8, body: &[u8]) {
    out.reserve(body.len() + 3);
    out.put_u8(prefix);
    out.put_slice(body);
    out.put_slice(b"\r\n");
}

/// A length-prefixed payload made of `parts`.
fn blob(out: &mut BytesMut, prefix: u8, parts: &[&[u8]]) {
    let len: usize = parts.iter().map(|p| p.len()).sum();
    line(out, prefix, len.to_string().as_bytes());
    out.reserve(len + 2);
    for part in parts {
        out.put_slice(part);
    }
    out.put_slice(b"\r\n");
}

fn sequence(out: &mut BytesMut, prefix: u8, items: &[Frame]) {
    line(out, prefix, items.len().to_string().as_bytes());
    for item in items {
        item.encode(out);
    }
}

fn pairs_of(out: &mut BytesMut, prefix: u8, pairs: &[(Frame, Frame)]) {
    line(out, prefix, pairs.len().to_string().as_bytes());
    for (k, v) in pairs {
        k.encode(out);
        v.encode(out);
    }
}
