//! Redis 7.0 key specifications, read from the captured COMMAND INFO metadata, and Redis's
//! `getKeysUsingKeySpecs`: where the keys of a full command line are, and how it uses them.
//! COMMAND GETKEYS and GETKEYSANDFLAGS answer from these, movable keys (numkeys) included.

use crate::cmd::CmdError;
use crate::keyspace::value::parse_i64_strict;
use bytes::Bytes;
use protocol::Frame;

/// How the search for a spec's first key starts.
#[derive(Debug, Clone, PartialEq)]
pub enum BeginSearch {
    Index(i64),
    /// The key follows `keyword`, searched from `startfrom` (negative: from the end, backwards).
    Keyword {
        keyword: Vec<u8>,
        startfrom: i64,
    },
    Unknown,
}

/// Where the keys are once the first one is found.
#[derive(Debug, Clone, PartialEq)]
pub enum FindKeys {
    Range {
        lastkey: i64,
        keystep: i64,
        limit: i64,
    },
    Keynum {
        keynumidx: i64,
        firstkey: i64,
        keystep: i64,
    },
    Unknown,
}

#[derive(Debug, Clone, PartialEq)]
pub struct KeySpec {
    pub flags: Vec<String>,
    pub begin: BeginSearch,
    pub find: FindKeys,
}

fn text(f: &Frame) -> Option<String> {
    match f {
        Frame::Bulk(b) | Frame::Simple(b) => Some(String::from_utf8_lossy(b).into_owned()),
        _ => None,
    }
}

fn field<'f>(map: &'f Frame, name: &str) -> Option<&'f Frame> {
    match map {
        Frame::Map(pairs) => pairs
            .iter()
            .find(|(k, _)| text(k).as_deref() == Some(name))
            .map(|(_, v)| v),
        _ => None,
    }
}

fn int(map: &Frame, name: &str) -> i64 {
    match field(map, name) {
        Some(Frame::Integer(n)) => *n,
        _ => 0,
    }
}

/// The key specs of one COMMAND INFO entry (its ninth field).
pub fn from_info(info: &Frame) -> Vec<KeySpec> {
    let Frame::Array(fields) = info else {
        return Vec::new();
    };
    match fields.get(8) {
        // A set in RESP3 (as captured), an array in RESP2.
        Some(Frame::Set(specs)) | Some(Frame::Array(specs)) => {
            specs.iter().map(parse_spec).collect()
        }
        _ => Vec::new(),
    }
}

fn parse_spec(spec: &Frame) -> KeySpec {
    let flags = match field(spec, "flags") {
        Some(Frame::Set(items)) | Some(Frame::Array(items)) => {
            items.iter().filter_map(text).collect()
        }
        _ => Vec::new(),
    };
    let begin = match field(spec, "begin_search") {
        Some(bs) => {
            let s = field(bs, "spec");
            match field(bs, "type").and_then(text).as_deref() {
                Some("index") => BeginSearch::Index(s.map_or(0, |s| int(s, "index"))),
                Some("keyword") => BeginSearch::Keyword {
                    keyword: s
                        .and_then(|s| field(s, "keyword"))
                        .and_then(text)
                        .unwrap_or_default()
                        .into_bytes(),
                    startfrom: s.map_or(0, |s| int(s, "startfrom")),
                },
                _ => BeginSearch::Unknown,
            }
        }
        None => BeginSearch::Unknown,
    };
    let find = match field(spec, "find_keys") {
        Some(fk) => {
            let s = field(fk, "spec");
            let get = |n: &str| s.map_or(0, |s| int(s, n));
            match field(fk, "type").and_then(text).as_deref() {
                Some("range") => FindKeys::Range {
                    lastkey: get("lastkey"),
                    keystep: get("keystep"),
                    limit: get("limit"),
                },
                Some("keynum") => FindKeys::Keynum {
                    keynumidx: get("keynumidx"),
                    firstkey: get("firstkey"),
                    keystep: get("keystep"),
                },
                _ => FindKeys::Unknown,
            }
        }
        None => FindKeys::Unknown,
    };
    KeySpec { flags, begin, find }
}

fn invalid() -> CmdError {
    CmdError::other("ERR Invalid arguments specified for command")
}

/// The key positions of `argv` (a full command line) and each key's flags.
pub fn keys(specs: &[KeySpec], argv: &[Bytes]) -> Result<Vec<(usize, Vec<String>)>, CmdError> {
    let argc = argv.len() as i64;
    let mut out = Vec::new();
    for spec in specs {
        let first = match &spec.begin {
            BeginSearch::Index(i) => *i,
            BeginSearch::Keyword { keyword, startfrom } => {
                let found = if *startfrom > 0 {
                    (*startfrom..argc).find(|&i| argv[i as usize].eq_ignore_ascii_case(keyword))
                } else {
                    (1..=(argc + startfrom))
                        .rev()
                        .find(|&i| argv[i as usize].eq_ignore_ascii_case(keyword))
                };
                match found {
                    Some(i) => i + 1,
                    None => continue,
                }
            }
            BeginSearch::Unknown => continue,
        };
        let (first, last, step) = match spec.find {
            FindKeys::Range {
                lastkey,
                keystep,
                limit,
            } => {
                let last = if lastkey >= 0 {
                    first + lastkey
                } else if limit <= 1 {
                    argc + lastkey
                } else {
                    first + ((argc - first) / limit + lastkey)
                };
                (first, last, keystep)
            }
            FindKeys::Keynum {
                keynumidx,
                firstkey,
                keystep,
            } => {
                let idx = first + keynumidx;
                if idx >= argc {
                    return Err(invalid());
                }
                let n = parse_i64_strict(&argv[idx as usize]).ok_or_else(invalid)?;
                if n < 0 {
                    return Err(invalid());
                }
                let start = first + firstkey;
                (start, start + (n - 1) * keystep.max(1), keystep)
            }
            FindKeys::Unknown => continue,
        };
        let mut i = first;
        while i <= last {
            if i >= argc || i < 1 {
                return Err(invalid());
            }
            out.push((i as usize, spec.flags.clone()));
            i += step.max(1);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd::server::meta::CommandMeta;

    fn argv(line: &str) -> Vec<Bytes> {
        line.split(' ')
            .map(|a| Bytes::copy_from_slice(a.as_bytes()))
            .collect()
    }

    fn key_names(cmd: &str, line: &str) -> Result<Vec<String>, String> {
        let meta = CommandMeta::load();
        let specs = from_info(&meta.info(cmd, &[]).expect(cmd));
        let a = argv(line);
        keys(&specs, &a)
            .map(|k| {
                k.iter()
                    .map(|(i, _)| String::from_utf8_lossy(&a[*i]).into_owned())
                    .collect()
            })
            .map_err(|e| e.to_string())
    }

    #[test]
    fn positions_match_redis_for_fixed_and_movable_keys() {
        type Case<'a> = (&'a str, &'a str, Result<&'a [&'a str], &'a str>);
        let table: &[Case] = &[
            ("set", "set a b", Ok(&["a"])),
            ("mset", "mset a 1 b 2", Ok(&["a", "b"])),
            (
                "zunionstore",
                "zunionstore d 2 a b weights 1 2",
                Ok(&["d", "a", "b"]),
            ),
            ("sintercard", "sintercard 2 a b limit 1", Ok(&["a", "b"])),
            (
                "zunion",
                "zunion 3 a b",
                Err("ERR Invalid arguments specified for command"),
            ),
            ("lmove", "lmove a b left right", Ok(&["a", "b"])),
            ("object|encoding", "object encoding k", Ok(&["k"])),
            ("blmpop", "blmpop 0 2 a b left", Ok(&["a", "b"])),
        ];
        for (cmd, line, want) in table {
            let want = want
                .map(|w| w.iter().map(|s| s.to_string()).collect::<Vec<_>>())
                .map_err(str::to_string);
            assert_eq!(key_names(cmd, line), want, "{line}");
        }
    }

    #[test]
    fn flags_come_from_the_spec() {
        let meta = CommandMeta::load();
        let specs = from_info(&meta.info("lmove", &[]).unwrap());
        let k = keys(&specs, &argv("lmove a b left right")).unwrap();
        assert_eq!(k[0].1, ["RW", "access", "delete"]);
        assert_eq!(k[1].1, ["RW", "insert"]);
    }
}
