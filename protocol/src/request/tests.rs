use super::*;
use crate::test_rng::Rng;

type Args = Vec<Vec<u8>>;

/// Feeds `chunks` in order, decoding everything possible after each; stops at the first error.
fn feed(chunks: &[&[u8]], limits: Limits) -> (Vec<Args>, Option<ProtocolError>) {
    let mut decoder = RequestDecoder::new();
    let mut buf = BytesMut::new();
    let mut out = Vec::new();
    for chunk in chunks {
        buf.extend_from_slice(chunk);
        loop {
            match decoder.decode(&mut buf, &limits) {
                Ok(Some(args)) => out.push(args.iter().map(|a| a.to_vec()).collect()),
                Ok(None) => break,
                Err(e) => return (out, Some(e)),
            }
        }
    }
    (out, None)
}

fn args(list: &[&[u8]]) -> Args {
    list.iter().map(|a| a.to_vec()).collect()
}

const UNAUTH: Limits = Limits {
    max_bulk_len: 512 * 1024 * 1024,
    authenticated: false,
};
const SMALL_MAX: Limits = Limits {
    max_bulk_len: 1024 * 1024,
    authenticated: true,
};
const UNAUTH_SMALL_MAX: Limits = Limits {
    max_bulk_len: 1024 * 1024,
    authenticated: false,
};

/// Every case was sent as raw bytes to redis-server 7.0.15 (see the report); `None` for the
/// error means Redis kept the connection open waiting for more.
#[test]
fn behaves_like_redis() {
    use ProtocolError::*;
    let ping = || args(&[b"PING"]);
    let long_inline = vec![b'x'; MAX_INLINE_LEN + 1];
    let inline_at_limit = vec![b'x'; MAX_INLINE_LEN];
    let long_count = [&b"*"[..], &[b'1'; MAX_INLINE_LEN]].concat();
    let long_bulk_count = [&b"*1\r\n$"[..], &[b'1'; MAX_INLINE_LEN]].concat();
    let long_no_dollar = [&b"*1\r\n"[..], &[b'1'; MAX_INLINE_LEN + 1]].concat();
    type Case<'a> = (&'a [u8], Limits, Vec<Args>, Option<ProtocolError>);
    let cases: Vec<Case> = vec![
        (
            b"*1\r\n$4\r\nPING\r\n",
            Limits::default(),
            vec![ping()],
            None,
        ),
        (
            b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n",
            Limits::default(),
            vec![args(&[b"SET", b"k", b""])],
            None,
        ),
        (
            b"*1\r\n$3\r\na\r\n\r\n",
            Limits::default(),
            vec![args(&[b"a\r\n"])],
            None,
        ),
        (
            b"*1\r\nx\r\n",
            Limits::default(),
            vec![],
            Some(ExpectedDollar(b'x')),
        ),
        (
            b"*1\r\n\r\n",
            Limits::default(),
            vec![],
            Some(ExpectedDollar(b'\r')),
        ),
        (
            b"*1\r\n\n\r\n",
            Limits::default(),
            vec![],
            Some(ExpectedDollar(b'\n')),
        ),
        (
            b"*1\r\n\xff\r\n",
            Limits::default(),
            vec![],
            Some(ExpectedDollar(0xff)),
        ),
        (b"*1\r\nx", Limits::default(), vec![], None),
        (b"*1\r\n\x00\r\n", Limits::default(), vec![], None),
        (
            b"*abc\r\n",
            Limits::default(),
            vec![],
            Some(InvalidMultibulkLength),
        ),
        (
            b"*01\r\n",
            Limits::default(),
            vec![],
            Some(InvalidMultibulkLength),
        ),
        (
            b"*+1\r\n",
            Limits::default(),
            vec![],
            Some(InvalidMultibulkLength),
        ),
        (
            b"*1 \r\n",
            Limits::default(),
            vec![],
            Some(InvalidMultibulkLength),
        ),
        (
            b"* 1\r\n",
            Limits::default(),
            vec![],
            Some(InvalidMultibulkLength),
        ),
        (
            b"*\r\n",
            Limits::default(),
            vec![],
            Some(InvalidMultibulkLength),
        ),
        (
            b"*-0\r\n",
            Limits::default(),
            vec![],
            Some(InvalidMultibulkLength),
        ),
        (
            b"*2147483648\r\n",
            Limits::default(),
            vec![],
            Some(InvalidMultibulkLength),
        ),
        (b"*2147483647\r\n", Limits::default(), vec![], None),
        (b"*1048577\r\n", Limits::default(), vec![], None),
        (
            b"*1\r\n$abc\r\n",
            Limits::default(),
            vec![],
            Some(InvalidBulkLength),
        ),
        (
            b"*1\r\n$-1\r\n",
            Limits::default(),
            vec![],
            Some(InvalidBulkLength),
        ),
        (
            b"*1\r\n$04\r\n",
            Limits::default(),
            vec![],
            Some(InvalidBulkLength),
        ),
        (
            b"*1\r\n$536870913\r\n",
            Limits::default(),
            vec![],
            Some(InvalidBulkLength),
        ),
        (b"*1\r\n$536870912\r\n", Limits::default(), vec![], None),
        (
            b"*0\r\n*-1\r\n*-5\r\nPING\r\n\r\n\n   \r\nPING\n",
            Limits::default(),
            vec![ping(), ping()],
            None,
        ),
        // Redis skips the two bytes after bulk data, and the byte after a header's `\r`, unseen.
        (
            b"*1\r\n$4\r\nPINGXY*1\r\n$4\r\nPING\r\n",
            Limits::default(),
            vec![ping(), ping()],
            None,
        ),
        (
            b"*1\rX$4\r\nPING\r\n",
            Limits::default(),
            vec![ping()],
            None,
        ),
        (
            b"PING\r\n*1\r\nx\r\n",
            Limits::default(),
            vec![ping()],
            Some(ExpectedDollar(b'x')),
        ),
        (
            b"ECHO \"a\\x41\\n\" 'b\\'c'\r\n",
            Limits::default(),
            vec![args(&[b"ECHO", b"aA\n", b"b'c"])],
            None,
        ),
        (
            b"ECHO ab\"cd\"\r\n",
            Limits::default(),
            vec![args(&[b"ECHO", b"abcd"])],
            None,
        ),
        (
            b"ECHO a\rb\r\n",
            Limits::default(),
            vec![args(&[b"ECHO", b"a", b"b"])],
            None,
        ),
        (
            b"ECHO \"abc\"d\r\n",
            Limits::default(),
            vec![],
            Some(UnbalancedQuotes),
        ),
        (
            b"ECHO 'abc'd\r\n",
            Limits::default(),
            vec![],
            Some(UnbalancedQuotes),
        ),
        (
            b"ECHO \"abc\r\n",
            Limits::default(),
            vec![],
            Some(UnbalancedQuotes),
        ),
        (b"ECHO a\x00b\r\n", Limits::default(), vec![], None),
        (
            &long_inline,
            Limits::default(),
            vec![],
            Some(TooBigInlineRequest),
        ),
        (&inline_at_limit, Limits::default(), vec![], None),
        (
            &long_count,
            Limits::default(),
            vec![],
            Some(TooBigMultibulkCount),
        ),
        (
            &long_bulk_count,
            Limits::default(),
            vec![],
            Some(TooBigBulkCount),
        ),
        (
            &long_no_dollar,
            Limits::default(),
            vec![],
            Some(TooBigBulkCount),
        ),
        (
            b"*11\r\n",
            UNAUTH,
            vec![],
            Some(UnauthenticatedMultibulkLength),
        ),
        (b"*abc\r\n", UNAUTH, vec![], Some(InvalidMultibulkLength)),
        (b"*10\r\n", UNAUTH, vec![], None),
        (b"*11\r\n", Limits::default(), vec![], None),
        (
            b"*1\r\n$16385\r\n",
            UNAUTH,
            vec![],
            Some(UnauthenticatedBulkLength),
        ),
        (b"*1\r\n$16384\r\n", UNAUTH, vec![], None),
        (
            b"*1\r\n$1048577\r\n",
            UNAUTH_SMALL_MAX,
            vec![],
            Some(InvalidBulkLength),
        ),
        (
            b"*1\r\n$1048577\r\n",
            SMALL_MAX,
            vec![],
            Some(InvalidBulkLength),
        ),
        (b"*1\r\n$1048576\r\n", SMALL_MAX, vec![], None),
        // Whole requests, which the one-pass path takes when they are plain: where it must
        // step aside for the combine parser, the verdict is the same.
        (
            b"*1\r\n$+4\r\nPING\r\n",
            Limits::default(),
            vec![],
            Some(InvalidBulkLength),
        ),
        (
            b"*+1\r\n$4\r\nPING\r\n",
            Limits::default(),
            vec![],
            Some(InvalidMultibulkLength),
        ),
        (
            b"*1\rX$4\rYPING\r\n*2\r\n$0\r\n\r\n$1\r\nx\r\n",
            Limits::default(),
            vec![ping(), args(&[b"", b"x"])],
            None,
        ),
        (
            b"*1\r\n$4\r\nPING\r\n*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n",
            Limits::default(),
            vec![ping(), ping()],
            None,
        ),
        (
            b"*1\r\n$4\r\nPING\r\n*1\r\n$1048577\r\n",
            SMALL_MAX,
            vec![ping()],
            Some(InvalidBulkLength),
        ),
        (
            b"*1\r\n$1048576\r\n",
            Limits {
                authenticated: false,
                ..SMALL_MAX
            },
            vec![],
            Some(UnauthenticatedBulkLength),
        ),
        (
            b"*1\r\n$20000000000000000000\r\nx\r\n",
            Limits::default(),
            vec![],
            Some(InvalidBulkLength),
        ),
        (
            b"*1\r\n$1048577\r\n",
            Limits {
                max_bulk_len: u64::MAX,
                ..SMALL_MAX
            },
            vec![],
            None,
        ),
    ];
    for (input, limits, want, want_err) in &cases {
        let shown = String::from_utf8_lossy(&input[..input.len().min(40)]).into_owned();
        let got = feed(&[input], *limits);
        assert_eq!(
            got,
            (want.clone(), want_err.clone()),
            "{shown:?} {limits:?}"
        );
        // Byte by byte: the same requests and the same verdict.
        let bytes: Vec<&[u8]> = input.chunks(1).collect();
        assert_eq!(feed(&bytes, *limits), got, "byte by byte: {shown:?}");
    }
}

#[test]
fn limits_are_read_per_request() {
    // The unauthenticated limit applies to the request decoded while it is in force only.
    let mut decoder = RequestDecoder::new();
    let mut buf = BytesMut::from(&b"*1\r\n$4\r\nAUTH\r\n*11\r\n"[..]);
    assert_eq!(
        decoder.decode(&mut buf, &UNAUTH),
        Ok(Some(vec![Bytes::from_static(b"AUTH")]))
    );
    assert_eq!(decoder.decode(&mut buf, &Limits::default()), Ok(None));
    let mut buf = BytesMut::from(&b"*11\r\n"[..]);
    let mut decoder = RequestDecoder::new();
    assert_eq!(
        decoder.decode(&mut buf, &UNAUTH),
        Err(ProtocolError::UnauthenticatedMultibulkLength)
    );
}

#[test]
fn arguments_share_the_read_buffer() {
    let mut decoder = RequestDecoder::new();
    let mut buf = BytesMut::with_capacity(64);
    buf.extend_from_slice(b"*2\r\n$3\r\nGET\r\n$5\r\nhello\r\n");
    let base = buf.as_ptr() as usize;
    let got = decoder
        .decode(&mut buf, &Limits::default())
        .unwrap()
        .unwrap();
    assert_eq!(
        got,
        vec![Bytes::from_static(b"GET"), Bytes::from_static(b"hello")]
    );
    assert_eq!(got[0].as_ptr() as usize, base + 8);
    assert_eq!(got[1].as_ptr() as usize, base + 17);
    assert!(buf.is_empty());
}

/// A value far bigger than one read, arriving in 64 KiB reads: every read is one cheap step
/// (no rescanning, no copying), and the value is the buffer's own bytes.
#[test]
fn large_bulk_in_many_reads() {
    const LEN: usize = 16 * 1024 * 1024;
    let header = format!("*2\r\n$3\r\nSET\r\n${LEN}\r\n");
    let mut stream = header.into_bytes();
    stream.extend((0..LEN).map(|i| (i % 251) as u8));
    stream.extend_from_slice(b"\r\n*1\r\n$4\r\nPING\r\n");
    let mut decoder = RequestDecoder::new();
    let mut buf = BytesMut::with_capacity(stream.len());
    let mut got = Vec::new();
    let started = std::time::Instant::now();
    for chunk in stream.chunks(64 * 1024) {
        buf.extend_from_slice(chunk);
        while let Some(args) = decoder.decode(&mut buf, &Limits::default()).unwrap() {
            got.push(args);
        }
    }
    assert!(
        started.elapsed().as_secs() < 10,
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(got.len(), 2);
    assert_eq!(got[0][1].len(), LEN);
    assert!(got[0][1]
        .iter()
        .enumerate()
        .all(|(i, &b)| b == (i % 251) as u8));
    assert_eq!(got[1], vec![Bytes::from_static(b"PING")]);
}

// ---- property: random request streams decode the same however they are split ----

/// One random request, as bytes, and the arguments it must decode to (`None`: skipped).
fn random_request(rng: &mut Rng) -> (Vec<u8>, Option<Args>) {
    match rng.below(10) {
        0..=5 => {
            let n = 1 + rng.below(5);
            let argv: Args = (0..n).map(|_| rng.bytes(20)).collect();
            let mut wire = format!("*{n}\r\n").into_bytes();
            for a in &argv {
                wire.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
                wire.extend_from_slice(a);
                wire.extend_from_slice(b"\r\n");
            }
            (wire, Some(argv))
        }
        6..=8 => {
            let n = 1 + rng.below(4);
            let mut wire = Vec::new();
            let mut argv = Args::new();
            for i in 0..n {
                if i > 0 || rng.below(3) == 0 {
                    wire.extend_from_slice(&b"  \t"[..1 + rng.below(3)]);
                }
                let (text, value) = random_inline_arg(rng);
                wire.extend_from_slice(&text);
                argv.push(value);
            }
            wire.extend_from_slice(if rng.below(2) == 0 { b"\r\n" } else { b"\n" });
            (wire, Some(argv))
        }
        _ => {
            let skipped: [&[u8]; 5] = [b"*0\r\n", b"*-1\r\n", b"\r\n", b"\n", b"  \t \r\n"];
            (skipped[rng.below(skipped.len())].to_vec(), None)
        }
    }
}

/// An inline argument as typed and as Redis reads it.
fn random_inline_arg(rng: &mut Rng) -> (Vec<u8>, Vec<u8>) {
    let plain = |rng: &mut Rng| {
        let len = 1 + rng.below(8);
        (0..len)
            .map(|_| b"abcXYZ019:-_$"[rng.below(13)])
            .collect::<Vec<u8>>()
    };
    match rng.below(3) {
        0 => {
            let v = plain(rng);
            (v.clone(), v)
        }
        1 => {
            let raw = rng.bytes(6);
            let mut text = b"\"".to_vec();
            for &b in &raw {
                match b {
                    b'"' => text.extend_from_slice(b"\\\""),
                    b'\\' => text.extend_from_slice(b"\\\\"),
                    b'\n' => text.extend_from_slice(b"\\n"),
                    b' ' | b'a'..=b'z' => text.push(b),
                    _ => text.extend_from_slice(format!("\\x{b:02x}").as_bytes()),
                }
            }
            text.push(b'"');
            (text, raw)
        }
        _ => {
            let v = plain(rng);
            let mut text = b"'".to_vec();
            text.extend_from_slice(&v);
            text.extend_from_slice(b"\\''");
            let mut value = v;
            value.push(b'\'');
            (text, value)
        }
    }
}

#[test]
fn any_split_decodes_the_same() {
    let mut rng = Rng::new(0x5eed_1234);
    for round in 0..300 {
        let mut stream = Vec::new();
        let mut want = Vec::new();
        for _ in 0..1 + rng.below(6) {
            let (wire, argv) = random_request(&mut rng);
            stream.extend_from_slice(&wire);
            want.extend(argv);
        }
        let whole = feed(&[&stream], Limits::default());
        assert_eq!(whole, (want.clone(), None), "round {round}: {stream:?}");
        for at in 0..=stream.len() {
            let (a, b) = stream.split_at(at);
            assert_eq!(
                feed(&[a, b], Limits::default()),
                whole,
                "round {round} split at {at}"
            );
        }
        let pieces = rng.split(&stream);
        assert_eq!(
            feed(&pieces, Limits::default()),
            whole,
            "round {round} pieces {pieces:?}"
        );
    }
}

/// Requests followed by a broken one: the good ones come out, then the same error, however the
/// bytes arrive.
#[test]
fn errors_do_not_depend_on_splits() {
    let broken: [(&[u8], ProtocolError); 6] = [
        (b"*1\r\nx\r\n", ProtocolError::ExpectedDollar(b'x')),
        (b"*x\r\n", ProtocolError::InvalidMultibulkLength),
        (
            b"*2\r\n$1\r\na\r\n$-3\r\n",
            ProtocolError::InvalidBulkLength,
        ),
        (b"SET \"k\r\n", ProtocolError::UnbalancedQuotes),
        (b"*11\r\n", ProtocolError::UnauthenticatedMultibulkLength),
        (
            b"*1\r\n$20000\r\n",
            ProtocolError::UnauthenticatedBulkLength,
        ),
    ];
    let mut rng = Rng::new(77);
    for round in 0..200 {
        let mut stream = Vec::new();
        let mut want = Vec::new();
        for _ in 0..rng.below(4) {
            let (wire, argv) = random_request(&mut rng);
            stream.extend_from_slice(&wire);
            want.extend(argv);
        }
        let (bad, err) = &broken[rng.below(broken.len())];
        stream.extend_from_slice(bad);
        stream.extend_from_slice(b"*1\r\n$4\r\nPING\r\n");
        for at in 0..=stream.len() {
            let (a, b) = stream.split_at(at);
            assert_eq!(
                feed(&[a, b], UNAUTH),
                (want.clone(), Some(err.clone())),
                "round {round}"
            );
        }
    }
}

/// Removing bytes of an unfinished request breaks the decoder's contract; it may then return
/// anything, but it must not panic.
#[test]
fn misuse_does_not_panic() {
    let mut rng = Rng::new(4242);
    for _ in 0..500 {
        let mut stream = Vec::new();
        for _ in 0..4 {
            stream.extend(random_request(&mut rng).0);
        }
        let mut decoder = RequestDecoder::new();
        let mut buf = BytesMut::new();
        for piece in rng.split(&stream) {
            buf.extend_from_slice(piece);
            if rng.below(4) == 0 {
                let n = rng.below(buf.len() + 1);
                buf.advance(n);
            }
            let _ = decoder.decode(&mut buf, &Limits::default());
        }
    }
}

/// Arbitrary bytes: no panic, and the same requests and verdict however they are split.
#[test]
fn arbitrary_bytes_decode_the_same_however_split() {
    let mut rng = Rng::new(31337);
    for round in 0..2000 {
        let mut stream = Vec::new();
        for _ in 0..rng.below(4) {
            stream.extend(random_request(&mut rng).0);
        }
        let mut noise = rng.bytes(40);
        // Shapes that reach deeper into the parsers than pure noise.
        let prefixes: [&[u8]; 5] = [b"*", b"*2\r\n$", b"*1\r\n$3\r\n", b"\"", b"'"];
        noise.splice(0..0, prefixes[rng.below(prefixes.len())].iter().copied());
        let at = rng.below(stream.len() + 1);
        stream.splice(at..at, noise);
        let limits = if rng.below(2) == 0 {
            Limits::default()
        } else {
            UNAUTH
        };
        let whole = feed(&[&stream], limits);
        let pieces = rng.split(&stream);
        assert_eq!(feed(&pieces, limits), whole, "round {round}: {stream:?}");
    }
}

#[test]
fn decoder_can_move_between_threads() {
    fn assert_send<T: Send + 'static>() {}
    assert_send::<RequestDecoder>();
    assert_send::<crate::FrameDecoder>();
}
