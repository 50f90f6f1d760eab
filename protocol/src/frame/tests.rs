use super::*;
use crate::test_rng::Rng;

/// Feeds `chunks` in order, decoding everything possible after each; stops at the first error.
fn feed_with(
    mut decoder: FrameDecoder,
    chunks: &[&[u8]],
) -> (Vec<Frame>, Option<ProtocolError>, usize) {
    let mut buf = BytesMut::new();
    let mut out = Vec::new();
    for chunk in chunks {
        buf.extend_from_slice(chunk);
        loop {
            match decoder.decode(&mut buf) {
                Ok(Some(f)) => out.push(f),
                Ok(None) => break,
                Err(e) => return (out, Some(e), buf.len()),
            }
        }
    }
    (out, None, buf.len())
}

fn feed(chunks: &[&[u8]]) -> (Vec<Frame>, Option<ProtocolError>, usize) {
    feed_with(FrameDecoder::new(), chunks)
}

fn b(s: &'static [u8]) -> Bytes {
    Bytes::from_static(s)
}

#[test]
fn every_type_decodes_and_encodes_back() {
    let cases: Vec<(&[u8], Frame)> = vec![
        (b"+OK\r\n", Frame::Simple(b(b"OK"))),
        (b"+\r\n", Frame::Simple(b(b""))),
        (b"-ERR no such key\r\n", Frame::Error(b(b"ERR no such key"))),
        (b":0\r\n", Frame::Integer(0)),
        (b":-42\r\n", Frame::Integer(-42)),
        (b":9223372036854775807\r\n", Frame::Integer(i64::MAX)),
        (b"$5\r\nhe\r\no\r\n", Frame::Bulk(b(b"he\r\no"))),
        (b"$0\r\n\r\n", Frame::Bulk(b(b""))),
        (b"$-1\r\n", Frame::NullBulk),
        (b"*-1\r\n", Frame::NullArray),
        (b"_\r\n", Frame::Null),
        (b"*0\r\n", Frame::Array(vec![])),
        (
            b"*3\r\n:1\r\n$1\r\na\r\n*1\r\n_\r\n",
            Frame::Array(vec![
                Frame::Integer(1),
                Frame::Bulk(b(b"a")),
                Frame::Array(vec![Frame::Null]),
            ]),
        ),
        (
            b"%2\r\n+first\r\n:1\r\n$6\r\nsecond\r\n#f\r\n",
            Frame::Map(vec![
                (Frame::Simple(b(b"first")), Frame::Integer(1)),
                (Frame::Bulk(b(b"second")), Frame::Boolean(false)),
            ]),
        ),
        (
            b"~2\r\n+a\r\n+b\r\n",
            Frame::Set(vec![Frame::Simple(b(b"a")), Frame::Simple(b(b"b"))]),
        ),
        (
            b">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n",
            Frame::Push(vec![
                Frame::Bulk(b(b"message")),
                Frame::Bulk(b(b"ch")),
                Frame::Bulk(b(b"hi")),
            ]),
        ),
        (b",1.5\r\n", Frame::Double(1.5)),
        (b",-0.25\r\n", Frame::Double(-0.25)),
        (b",1.1000000000000001\r\n", Frame::Double(1.1)),
        (b",1.5e-05\r\n", Frame::Double(1.5e-5)),
        (b",inf\r\n", Frame::Double(f64::INFINITY)),
        (b",-inf\r\n", Frame::Double(f64::NEG_INFINITY)),
        (b"#t\r\n", Frame::Boolean(true)),
        (b"#f\r\n", Frame::Boolean(false)),
        (
            b"(3492890328409238509324850943850943825024385\r\n",
            Frame::BigNumber(b(b"3492890328409238509324850943850943825024385")),
        ),
        (b"(-12\r\n", Frame::BigNumber(b(b"-12"))),
        (
            b"=15\r\ntxt:Some string\r\n",
            Frame::Verbatim(b(b"txt"), b(b"Some string")),
        ),
        (b"=4\r\nmkd:\r\n", Frame::Verbatim(b(b"mkd"), b(b""))),
        (
            b"!21\r\nSYNTAX invalid syntax\r\n",
            Frame::BlobError(b(b"SYNTAX invalid syntax")),
        ),
        (
            b"|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.1923\r\n*1\r\n:2039123\r\n",
            Frame::Attribute(
                vec![(
                    Frame::Simple(b(b"key-popularity")),
                    Frame::Map(vec![(Frame::Bulk(b(b"a")), Frame::Double(0.1923))]),
                )],
                Box::new(Frame::Array(vec![Frame::Integer(2039123)])),
            ),
        ),
    ];
    for (wire, frame) in &cases {
        let shown = String::from_utf8_lossy(wire).into_owned();
        assert_eq!(feed(&[wire]), (vec![frame.clone()], None, 0), "{shown:?}");
        let bytes: Vec<&[u8]> = wire.chunks(1).collect();
        assert_eq!(
            feed(&bytes),
            (vec![frame.clone()], None, 0),
            "byte by byte: {shown:?}"
        );
        assert_eq!(&frame.to_bytes()[..], *wire, "encoding {frame:?}");
    }
}

#[test]
fn nan_round_trips() {
    let (got, err, _) = feed(&[b",nan\r\n"]);
    assert_eq!(err, None);
    assert!(matches!(got[..], [Frame::Double(d)] if d.is_nan()));
    assert_eq!(&got[0].to_bytes()[..], b",nan\r\n");
}

#[test]
fn errors() {
    use ProtocolError::*;
    let deep_ok = [b"*1\r\n".repeat(DEFAULT_MAX_DEPTH), b":1\r\n".to_vec()].concat();
    let too_deep = [b"*1\r\n".repeat(DEFAULT_MAX_DEPTH + 1), b":1\r\n".to_vec()].concat();
    let attributes_too_deep = b"|0\r\n".repeat(DEFAULT_MAX_DEPTH + 1);
    let cases: Vec<(&[u8], ProtocolError)> = vec![
        (b"@x\r\n", InvalidReplyType(b'@')),
        (b"\r\n", InvalidReplyType(b'\r')),
        (b":12a\r\n", InvalidInteger),
        (b":\r\n", InvalidInteger),
        (b":99999999999999999999\r\n", InvalidInteger),
        (b",abc\r\n", InvalidDouble),
        (b",\r\n", InvalidDouble),
        (b"#x\r\n", InvalidBoolean),
        (b"_x\r\n", InvalidNull),
        (b"(12a\r\n", InvalidBigNumber),
        (b"(\r\n", InvalidBigNumber),
        (b"=3\r\ntxt\r\n", InvalidVerbatim),
        (b"=5\r\ntxt-x\r\n", InvalidVerbatim),
        (b"$x\r\n", InvalidBulkLength),
        (b"$-2\r\n", InvalidBulkLength),
        (b"!-1\r\n", InvalidBulkLength),
        (b"$?\r\n", InvalidBulkLength),
        (b"$3\r\nabcXY", MissingCrlf),
        (b"*x\r\n", InvalidAggregateLength),
        (b"~-1\r\n", InvalidAggregateLength),
        (b"%-1\r\n", InvalidAggregateLength),
        (b"*?\r\n", InvalidAggregateLength),
        (b"*2\r\n:1\r\n@\r\n", InvalidReplyType(b'@')),
        (&too_deep, NestingTooDeep),
        (&attributes_too_deep, NestingTooDeep),
    ];
    for (wire, err) in &cases {
        let shown = String::from_utf8_lossy(&wire[..wire.len().min(40)]).into_owned();
        let (frames, got, _) = feed(&[wire]);
        assert_eq!((frames, got), (vec![], Some(err.clone())), "{shown:?}");
        let bytes: Vec<&[u8]> = wire.chunks(1).collect();
        let (frames, got, _) = feed(&bytes);
        assert_eq!(
            (frames, got),
            (vec![], Some(err.clone())),
            "byte by byte: {shown:?}"
        );
    }
    // The deepest accepted value, on a thread with a 2 MiB stack (tokio's and the test
    // harness's default) even in a debug build.
    let (frames, err, _) = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || feed(&[&deep_ok]))
        .unwrap()
        .join()
        .unwrap();
    assert_eq!((frames.len(), err), (1, None));
}

#[test]
fn limits() {
    let small = || FrameDecoder::with_limits(2, 10);
    let cases: Vec<(&[u8], Option<ProtocolError>)> = vec![
        (b"$10\r\n0123456789\r\n", None),
        (b"$11\r\n", Some(ProtocolError::InvalidBulkLength)),
        (b"!11\r\n", Some(ProtocolError::InvalidBulkLength)),
        (b"*1\r\n*1\r\n:1\r\n", None),
        (b"*1\r\n*1\r\n*0\r\n", Some(ProtocolError::NestingTooDeep)),
        (
            b"%1\r\n*0\r\n~1\r\n>0\r\n",
            Some(ProtocolError::NestingTooDeep),
        ),
    ];
    for (wire, want) in cases {
        let (_, err, _) = feed_with(small(), &[wire]);
        assert_eq!(err, want, "{:?}", String::from_utf8_lossy(wire));
    }
}

#[test]
fn incomplete_values_wait_and_keep_their_bytes() {
    let cases: &[&[u8]] = &[
        b"",
        b"+OK",
        b"+OK\r",
        b"$3\r\nab",
        b"$3\r\nabc\r",
        b"*2\r\n:1\r\n",
        b"|1\r\n+a\r\n+b\r\n",
    ];
    for wire in cases {
        let (frames, err, left) = feed(&[wire]);
        assert_eq!(
            (frames, err, left),
            (vec![], None, wire.len()),
            "{:?}",
            String::from_utf8_lossy(wire)
        );
    }
}

#[test]
fn large_blob_in_many_reads() {
    const LEN: usize = 8 * 1024 * 1024;
    let mut wire = format!("${LEN}\r\n").into_bytes();
    wire.extend((0..LEN).map(|i| (i % 253) as u8));
    wire.extend_from_slice(b"\r\n+OK\r\n");
    let chunks: Vec<&[u8]> = wire.chunks(64 * 1024).collect();
    let (frames, err, left) = feed(&chunks);
    assert_eq!((err, left, frames.len()), (None, 0, 2));
    match &frames[0] {
        Frame::Bulk(data) => {
            assert_eq!(data.len(), LEN);
            assert!(data.iter().enumerate().all(|(i, &b)| b == (i % 253) as u8));
        }
        other => panic!("not a bulk: {other:?}"),
    }
    assert_eq!(frames[1], Frame::Simple(b(b"OK")));
}

// ---- property: random frames survive encode, any split, decode ----

fn random_frame(rng: &mut Rng, depth: usize) -> Frame {
    let leaf = depth >= 3 || rng.below(3) > 0;
    let kind = if leaf {
        rng.below(14)
    } else {
        14 + rng.below(6)
    };
    let line = |rng: &mut Rng| {
        let len = rng.below(10);
        Bytes::from(
            (0..len)
                .map(|_| b"abc XYZ:$*-_0"[rng.below(13)])
                .collect::<Vec<u8>>(),
        )
    };
    let items = |rng: &mut Rng| {
        (0..rng.below(4))
            .map(|_| random_frame(rng, depth + 1))
            .collect()
    };
    let pairs = |rng: &mut Rng| {
        (0..rng.below(3))
            .map(|_| (random_frame(rng, depth + 1), random_frame(rng, depth + 1)))
            .collect::<Vec<_>>()
    };
    match kind {
        0 => Frame::Simple(line(rng)),
        1 => Frame::Error(line(rng)),
        2 => Frame::Integer(rng.next_u64() as i64 >> rng.below(64)),
        3 => Frame::Bulk(Bytes::from(rng.bytes(30))),
        4 => Frame::NullBulk,
        5 => Frame::NullArray,
        6 => Frame::Null,
        7 => Frame::Double(match rng.below(4) {
            0 => f64::INFINITY,
            1 => f64::NEG_INFINITY,
            2 => (rng.next_u64() as i64 >> 20) as f64 / 7.0,
            _ => f64::from_bits(rng.next_u64())
                .clamp(-1e300, 1e300)
                .max(f64::MIN),
        }),
        8 => Frame::Boolean(rng.below(2) == 0),
        9 => Frame::BigNumber(Bytes::from(format!(
            "-{}{}",
            1 + rng.below(9),
            rng.next_u64()
        ))),
        10 => Frame::Verbatim(b(b"txt"), Bytes::from(rng.bytes(20))),
        11 => Frame::BlobError(Bytes::from(rng.bytes(20))),
        12 | 13 => Frame::Integer(rng.below(1000) as i64),
        14 => Frame::Array(items(rng)),
        15 => Frame::Set(items(rng)),
        16 => Frame::Push(items(rng)),
        17 => Frame::Map(pairs(rng)),
        18 => Frame::Attribute(pairs(rng), Box::new(random_frame(rng, depth + 1))),
        _ => Frame::Array(vec![Frame::Map(pairs(rng))]),
    }
}

#[test]
fn random_frames_survive_any_split() {
    let mut rng = Rng::new(0xf4a3e);
    for round in 0..300 {
        let frames: Vec<Frame> = (0..1 + rng.below(3))
            .map(|_| random_frame(&mut rng, 0))
            .collect();
        let mut wire = BytesMut::new();
        for f in &frames {
            f.encode(&mut wire);
        }
        // Random doubles can be NaN (a NaN bit pattern): compare encodings, which are exact.
        let encoded = |fs: &[Frame]| fs.iter().map(|f| f.to_bytes()).collect::<Vec<_>>();
        let (got, err, left) = feed(&[&wire]);
        assert_eq!((err, left), (None, 0), "round {round}");
        assert_eq!(encoded(&got), encoded(&frames), "round {round}");
        if !format!("{frames:?}").contains("NaN") {
            assert_eq!(got, frames, "round {round}");
        }
        for at in 0..=wire.len() {
            let (a, c) = wire.split_at(at);
            let (split_got, err, left) = feed(&[a, c]);
            assert_eq!((err, left), (None, 0), "round {round} split at {at}");
            assert_eq!(
                encoded(&split_got),
                encoded(&frames),
                "round {round} split at {at}"
            );
        }
        let pieces = rng.split(&wire);
        assert_eq!(
            encoded(&feed(&pieces).0),
            encoded(&frames),
            "round {round} pieces"
        );
    }
}

/// Removing bytes of an unfinished value breaks the decoder's contract; it may then return
/// anything, but it must not panic.
#[test]
fn misuse_does_not_panic() {
    let mut rng = Rng::new(99);
    for _ in 0..500 {
        let wire = random_frame(&mut rng, 0).to_bytes();
        let mut decoder = FrameDecoder::new();
        let mut buf = BytesMut::new();
        for piece in rng.split(&wire) {
            buf.extend_from_slice(piece);
            if rng.below(4) == 0 {
                let n = rng.below(buf.len() + 1);
                bytes::Buf::advance(&mut buf, n);
            }
            let _ = decoder.decode(&mut buf);
        }
    }
}

/// Arbitrary bytes: no panic, and the same values and verdict however they are split.
#[test]
fn arbitrary_bytes_decode_the_same_however_split() {
    let mut rng = Rng::new(2718);
    for round in 0..2000 {
        let mut wire = random_frame(&mut rng, 0).to_bytes().to_vec();
        let noise = rng.bytes(30);
        let at = rng.below(wire.len() + 1);
        if rng.below(2) == 0 {
            wire.splice(at..at, noise);
        } else {
            let end = (at + noise.len()).min(wire.len());
            wire.splice(at..end, noise);
        }
        // Bytes left over are only comparable when no error cut the feeding short.
        let encoded = |r: (Vec<Frame>, Option<ProtocolError>, usize)| {
            let left = if r.1.is_none() { r.2 } else { 0 };
            (
                r.0.iter().map(|f| f.to_bytes()).collect::<Vec<_>>(),
                r.1,
                left,
            )
        };
        let whole = encoded(feed(&[&wire]));
        let pieces = rng.split(&wire);
        assert_eq!(encoded(feed(&pieces)), whole, "round {round}: {wire:?}");
    }
}
