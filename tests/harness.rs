//! Checks of the test harness itself (tests/common): the RESP frame scanner,
//! the reply parser, redis-cli argument splitting, escaping. They need no
//! server.

mod common;

use common::{escape, frame_len, split_args, unescape, Frame};

fn len(b: &[u8]) -> Result<Option<usize>, String> {
    frame_len(b)
}

#[test]
fn scanner_simple_types() {
    for f in [
        &b"+OK\r\n"[..],
        b"-ERR x y\r\n",
        b":-12\r\n",
        b"_\r\n",
        b",3.14\r\n",
        b",inf\r\n",
        b"#t\r\n",
        b"(3492890328409238509324850943850943825024385\r\n",
        b"$-1\r\n",
        b"*-1\r\n",
        b"$0\r\n\r\n",
        b"$5\r\nhello\r\n",
        b"$4\r\n\r\n\r\n\r\n",
        b"!21\r\nSYNTAX invalid syntax\r\n",
        b"=15\r\ntxt:Some string\r\n",
        b"*0\r\n",
        b"%0\r\n",
    ] {
        assert_eq!(len(f), Ok(Some(f.len())), "{}", escape(f));
        // Followed by more data, only the first frame counts.
        let mut two = f.to_vec();
        two.extend_from_slice(b"+NEXT\r\n");
        assert_eq!(len(&two), Ok(Some(f.len())), "{}", escape(f));
        // Any strict prefix is incomplete.
        for cut in 0..f.len() {
            assert_eq!(len(&f[..cut]), Ok(None), "{} cut at {cut}", escape(f));
        }
    }
}

#[test]
fn scanner_nested_aggregates() {
    for f in [
        &b"*2\r\n$3\r\nfoo\r\n:1\r\n"[..],
        b"*3\r\n*2\r\n:1\r\n:2\r\n*-1\r\n$-1\r\n",
        b"%2\r\n+first\r\n:1\r\n+second\r\n*2\r\n_\r\n#f\r\n",
        b"~2\r\n+a\r\n+b\r\n",
        b">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n",
        b"|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.19\r\n*1\r\n:2\r\n",
        b"*1\r\n*1\r\n*1\r\n*1\r\n*0\r\n",
    ] {
        assert_eq!(len(f), Ok(Some(f.len())), "{}", escape(f));
        for cut in 0..f.len() {
            assert_eq!(len(&f[..cut]), Ok(None), "{} cut at {cut}", escape(f));
        }
    }
}

#[test]
fn scanner_rejects_garbage() {
    for f in [
        &b"x\r\n"[..],
        b"+OK\n",
        b"$abc\r\n",
        b"$3\r\nabcd\r\n",
        b"*x\r\n",
        b"$-2\r\n",
        b"*1\r\n?\r\n",
    ] {
        assert!(len(f).is_err(), "{} accepted", escape(f));
    }
}

#[test]
fn frame_parse_encode_round_trip() {
    let raw = b"*4\r\n$3\r\nfoo\r\n:1\r\n%1\r\n+k\r\n_\r\n*-1\r\n";
    let f = Frame::parse(raw).unwrap();
    assert_eq!(f.encode(), raw.to_vec());
    assert_eq!(f.shape(), "*4[$,:,%2[+,_],*-1]");
    assert_eq!(
        f.mask_ints().encode(),
        b"*4\r\n$3\r\nfoo\r\n:#\r\n%1\r\n+k\r\n_\r\n*-1\r\n".to_vec()
    );
    assert!(Frame::parse(b"+OK\r\n+extra\r\n").is_err());
    let attr = b"|1\r\n+a\r\n+b\r\n:5\r\n";
    assert_eq!(Frame::parse(attr).unwrap().encode(), attr.to_vec());
}

#[test]
fn frame_sorting() {
    let a = Frame::parse(b"*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n").unwrap();
    let b = Frame::parse(b"*3\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nb\r\n").unwrap();
    assert_ne!(a, b);
    assert_eq!(a.sorted(), b.sorted());
    // Pairs keep together.
    let p = Frame::parse(b"*4\r\n$1\r\nk\r\n$1\r\n2\r\n$1\r\nj\r\n$1\r\n1\r\n").unwrap();
    let q = Frame::parse(b"*4\r\n$1\r\nj\r\n$1\r\n1\r\n$1\r\nk\r\n$1\r\n2\r\n").unwrap();
    let r = Frame::parse(b"*4\r\n$1\r\nj\r\n$1\r\n2\r\n$1\r\nk\r\n$1\r\n1\r\n").unwrap();
    assert_eq!(p.sorted_pairs(), q.sorted_pairs());
    assert_ne!(p.sorted_pairs(), r.sorted_pairs());
    let m1 = Frame::parse(b"%2\r\n+a\r\n:1\r\n+b\r\n:2\r\n").unwrap();
    let m2 = Frame::parse(b"%2\r\n+b\r\n:2\r\n+a\r\n:1\r\n").unwrap();
    assert_eq!(m1.sorted(), m2.sorted());
    let d1 = Frame::parse(b"*2\r\n*2\r\n:2\r\n:1\r\n:0\r\n").unwrap();
    let d2 = Frame::parse(b"*2\r\n:0\r\n*2\r\n:1\r\n:2\r\n").unwrap();
    assert_ne!(d1.sorted(), d2.sorted());
    assert_eq!(d1.sorted_deep(), d2.sorted_deep());
}

fn strs(v: Vec<Vec<u8>>) -> Vec<String> {
    v.into_iter()
        .map(|a| String::from_utf8_lossy(&a).into_owned())
        .collect()
}

#[test]
fn split_args_like_redis_cli() {
    assert_eq!(strs(split_args("SET a b").unwrap()), ["SET", "a", "b"]);
    assert_eq!(
        strs(split_args("  SET   a\tb  ").unwrap()),
        ["SET", "a", "b"]
    );
    assert_eq!(
        strs(split_args(r#"SET "a b" c"#).unwrap()),
        ["SET", "a b", "c"]
    );
    assert_eq!(strs(split_args(r#"SET "" c"#).unwrap()), ["SET", "", "c"]);
    assert_eq!(
        strs(split_args(r#"E "\n\r\t\\\"""#).unwrap()),
        ["E", "\n\r\t\\\""]
    );
    assert_eq!(
        split_args(r#"E "\x00\xff\x4a""#).unwrap()[1],
        vec![0, 0xff, b'J']
    );
    assert_eq!(strs(split_args(r#"E "\xzz""#).unwrap()), ["E", "xzz"]);
    assert_eq!(
        strs(split_args(r"E 'it\'s' 'a\nb'").unwrap()),
        ["E", "it's", "a\\nb"]
    );
    assert_eq!(strs(split_args(r#"E a"b c""#).unwrap()), ["E", "ab c"]);
    assert_eq!(split_args(r#"E "abc"#), None);
    assert_eq!(split_args(r#"E "a"b"#), None);
    assert_eq!(split_args("E 'abc"), None);
    assert_eq!(split_args("").unwrap().len(), 0);
}

#[test]
fn escape_and_unescape() {
    let raw = b"a\r\n\t\\\"\x00\xff z";
    let e = escape(raw);
    assert_eq!(e, r#"a\r\n\t\\\"\x00\xff z"#);
    assert_eq!(unescape(&e), raw.to_vec());
    assert_eq!(
        unescape(r"*1\r\n$4\r\nPING\r\n"),
        b"*1\r\n$4\r\nPING\r\n".to_vec()
    );
    assert_eq!(unescape(r"\x4"), b"\\x4".to_vec());
}
