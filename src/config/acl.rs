//! `user` lines. Redactor has a single user, `default`, whose password is `requirepass`; it accepts
//! the `user default ...` line that CONFIG REWRITE of real Redis writes (`user default on
//! #<sha256> ~* &* +@all`) and writes the same line back. Other users are kept verbatim.

use super::error::{ConfigError, Location};
use super::split::lower;

/// A `user` line: where it was, and its arguments after `user` (the name first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct UserLine {
    pub at: Location,
    pub args: Vec<Vec<u8>>,
}

const BAD_HASH: &str =
    "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters";

fn is_password_hash(hex: &[u8]) -> bool {
    hex.len() == 64 && hex.iter().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Checks the rules of a `user` line well enough to refuse what Redis would refuse. `Err` carries
/// the index of the offending argument and Redis's reason.
pub(crate) fn check_rules(args: &[Vec<u8>]) -> Result<(), (usize, &'static str)> {
    for (i, rule) in args.iter().enumerate().skip(1) {
        let word = lower(rule);
        let ok = match rule.first() {
            Some(b'>' | b'<' | b'~' | b'%' | b'&' | b'+' | b'-' | b'(') => true,
            Some(b'#' | b'!') => {
                if !is_password_hash(&rule[1..]) {
                    return Err((i, BAD_HASH));
                }
                true
            }
            _ => matches!(
                word.as_str(),
                "on" | "off"
                    | "nopass"
                    | "resetpass"
                    | "reset"
                    | "allkeys"
                    | "resetkeys"
                    | "allchannels"
                    | "resetchannels"
                    | "allcommands"
                    | "nocommands"
                    | "sanitize-payload"
                    | "skip-sanitize-payload"
                    | "clearselectors"
            ),
        };
        if !ok {
            return Err((i, "Syntax error"));
        }
    }
    Ok(())
}

/// The password of the `default` user once the configuration is read: `requirepass`, unless a
/// `user default` line (applied after `requirepass`, as Redis does at startup) says otherwise.
/// Redactor keeps one password in clear text, so a line must leave exactly one usable password
/// (or `nopass`) that Redactor can know.
pub(crate) fn default_password(
    users: &[UserLine],
    requirepass: Option<&[u8]>,
) -> Result<Option<Vec<u8>>, ConfigError> {
    let Some(line) = users
        .iter()
        .rev()
        .find(|u| u.args.first().map(Vec::as_slice) == Some(b"default"))
    else {
        return Ok(requirepass.map(<[u8]>::to_vec));
    };
    let refuse = |arg: &[u8], reason: &str| ConfigError::UserDeclaration {
        at: line.at.clone(),
        arg: String::from_utf8_lossy(arg).into_owned(),
        reason: reason.to_string(),
    };
    // Redis resets a configured user before applying its rules.
    let mut enabled = false;
    let mut nopass = false;
    let mut clear: Vec<Vec<u8>> = Vec::new();
    let mut hashes: Vec<String> = Vec::new();
    for rule in &line.args[1..] {
        match lower(rule).as_str() {
            "on" => enabled = true,
            "off" => enabled = false,
            "nopass" => {
                nopass = true;
                clear.clear();
                hashes.clear();
            }
            "resetpass" => {
                nopass = false;
                clear.clear();
                hashes.clear();
            }
            "reset" => {
                enabled = false;
                nopass = false;
                clear.clear();
                hashes.clear();
            }
            _ => match rule.first() {
                Some(b'>') => {
                    nopass = false;
                    clear.push(rule[1..].to_vec());
                }
                Some(b'<') => {
                    let gone = sha256_hex(&rule[1..]);
                    clear.retain(|p| p[..] != rule[1..]);
                    hashes.retain(|h| *h != gone);
                }
                Some(b'#') => {
                    nopass = false;
                    hashes.push(String::from_utf8_lossy(&rule[1..]).into_owned());
                }
                Some(b'!') => {
                    let gone = String::from_utf8_lossy(&rule[1..]).into_owned();
                    hashes.retain(|h| *h != gone);
                    clear.retain(|p| sha256_hex(p) != gone);
                }
                _ => {}
            },
        }
    }
    if !enabled {
        return Err(refuse(
            b"off",
            "Redactor needs the default user to be enabled ('on')",
        ));
    }
    if nopass {
        return Ok(None);
    }
    let accepts = |candidate: &[u8]| {
        clear.iter().any(|p| p == candidate) || hashes.contains(&sha256_hex(candidate))
    };
    if let Some(pass) = requirepass.filter(|p| accepts(p)) {
        return Ok(Some(pass.to_vec()));
    }
    if hashes.is_empty() && clear.len() == 1 {
        return Ok(clear.pop());
    }
    let offending = hashes
        .first()
        .map(|h| format!("#{h}").into_bytes())
        .unwrap_or_else(|| b"default".to_vec());
    Err(refuse(
        &offending,
        "Redactor keeps the default user's password in clear text: give it with requirepass or a \
         single '>password' rule",
    ))
}

/// The `user default` line Redis's CONFIG REWRITE writes for this password.
pub(crate) fn default_user_line(password: Option<&[u8]>) -> Vec<u8> {
    match password {
        None => b"user default on nopass ~* &* +@all".to_vec(),
        Some(p) => format!("user default on #{} ~* &* +@all", sha256_hex(p)).into_bytes(),
    }
}

/// SHA-256 of `data` in lowercase hexadecimal, as Redis stores ACL password hashes.
pub(crate) fn sha256_hex(data: &[u8]) -> String {
    sha256(data).iter().map(|b| format!("{b:02x}")).collect()
}

const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/// FIPS 180-4 SHA-256; no crate among the package's dependencies provides it.
fn sha256(data: &[u8]) -> [u8; 32] {
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut message = data.to_vec();
    let bit_len = (data.len() as u64).wrapping_mul(8);
    message.push(0x80);
    while message.len() % 64 != 56 {
        message.push(0);
    }
    message.extend_from_slice(&bit_len.to_be_bytes());
    for block in message.chunks(64) {
        let mut w = [0u32; 64];
        for (i, word) in block.chunks(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for i in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (slot, add) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *slot = slot.wrapping_add(add);
        }
    }
    let mut out = [0u8; 32];
    for (chunk, word) in out.chunks_mut(4).zip(h) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(words: &[&str]) -> UserLine {
        UserLine {
            at: Location {
                line: 1,
                text: format!("user {}", words.join(" ")),
            },
            args: words.iter().map(|w| w.as_bytes().to_vec()).collect(),
        }
    }

    #[test]
    fn sha256_vectors() {
        let cases: &[(&[u8], &str)] = &[
            (
                b"",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ),
            (
                b"abc",
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            ),
            // The hashes real Redis 7.0.15 wrote in CONFIG REWRITE for these passwords.
            (
                b"redis",
                "34fb46c847bb9df96e5205a39d382f648a6e8dce1e014cd85b4ca6a88d88ed03",
            ),
            (
                b"a b\"c",
                "0c13a69ba69e1b7cc515a470879bf69f0d5d2d14b6802a3c0ac678076353fd18",
            ),
            (
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(sha256_hex(input), *want);
        }
    }

    #[test]
    fn rule_syntax() {
        type Case = (&'static [&'static str], Result<(), (usize, &'static str)>);
        let cases: &[Case] = &[
            (&["default", "on", "nopass", "~*", "&*", "+@all"], Ok(())),
            (
                &[
                    "bob",
                    "ON",
                    ">secret",
                    "-@all",
                    "+get",
                    "%R~k*",
                    "(~x +set)",
                ],
                Ok(()),
            ),
            (&["bob", "on", "fly"], Err((2, "Syntax error"))),
            (&["bob", "#abc"], Err((1, BAD_HASH))),
        ];
        for (words, want) in cases {
            let args: Vec<Vec<u8>> = words.iter().map(|w| w.as_bytes().to_vec()).collect();
            assert_eq!(check_rules(&args), *want, "{words:?}");
        }
    }

    #[test]
    fn default_user_password() {
        let redis_hash = format!("#{}", sha256_hex(b"redis"));
        type Case = (
            Vec<UserLine>,
            Option<&'static [u8]>,
            Result<Option<&'static [u8]>, ()>,
        );
        let cases: Vec<Case> = vec![
            (vec![], Some(b"redis"), Ok(Some(b"redis"))),
            (vec![], None, Ok(None)),
            (
                vec![line(&["default", "on", "nopass", "~*", "&*", "+@all"])],
                Some(b"redis"),
                Ok(None),
            ),
            (
                vec![line(&["default", "on", &redis_hash, "~*", "&*", "+@all"])],
                Some(b"redis"),
                Ok(Some(b"redis")),
            ),
            (
                vec![line(&["default", "on", &redis_hash, "~*", "&*", "+@all"])],
                Some(b"other"),
                Err(()),
            ),
            (
                vec![line(&["default", "on", ">pw", "~*", "+@all"])],
                None,
                Ok(Some(b"pw")),
            ),
            (vec![line(&["default", "off", "nopass"])], None, Err(())),
            (vec![line(&["default", "on", "~*"])], None, Err(())),
            (
                vec![line(&["bob", "on", ">x"])],
                Some(b"redis"),
                Ok(Some(b"redis")),
            ),
        ];
        for (users, requirepass, want) in cases {
            let got = default_password(&users, requirepass).map_err(|_| ());
            assert_eq!(
                got,
                want.map(|p| p.map(<[u8]>::to_vec)),
                "{users:?} {requirepass:?}"
            );
        }
    }

    #[test]
    fn default_user_lines_match_redis_rewrite() {
        assert_eq!(
            default_user_line(None),
            b"user default on nopass ~* &* +@all"
        );
        assert_eq!(
            default_user_line(Some(b"redis")),
            b"user default on #34fb46c847bb9df96e5205a39d382f648a6e8dce1e014cd85b4ca6a88d88ed03 ~* &* +@all"
        );
    }
}
