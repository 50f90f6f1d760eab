//! LCS key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len] [WITHMATCHLEN]
//!
//! The longest common subsequence of the strings at two keys (absent keys are empty strings):
//! the subsequence itself, its length with LEN, or with IDX the matching ranges (last first)
//! and the length, each range with its length when WITHMATCHLEN, and only ranges at least
//! MINMATCHLEN long.

use crate::cmd::args::int_arg;
use crate::cmd::flags::*;
use crate::cmd::table::spec;
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::keyspace::value::Value;

pub const SPEC: CommandSpec = spec(
    "lcs",
    -3,
    READONLY,
    (1, 2, 1),
    "string",
    "7.0.0",
    "Find longest common substring",
    lcs,
);

/// One matching range: inclusive offsets in the first and in the second string.
struct Range {
    a: (usize, usize),
    b: (usize, usize),
    len: usize,
}

fn lookup(ex: &mut Exec, key: &[u8]) -> Result<Vec<u8>, CmdError> {
    match ex.ks.read(ex.session.db, key, ex.now).map(|e| &e.value) {
        None => Ok(Vec::new()),
        Some(Value::Str(s)) => Ok(s.data.clone()),
        #[allow(unreachable_patterns)]
        Some(_) => Err(CmdError::other(
            "ERR The specified keys must contain string values",
        )),
    }
}

fn lcs(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let ka = args.required()?;
    let kb = args.required()?;
    // Both lookups (and their type check) come before the options, as in Redis.
    let a = lookup(ex, ka);
    let b = lookup(ex, kb);
    let (a, b) = (a?, b?);
    let (mut getlen, mut getidx, mut withmatchlen, mut minmatchlen) = (false, false, false, 0i64);
    while let Some(opt) = args.next() {
        if opt.eq_ignore_ascii_case(b"IDX") {
            getidx = true;
        } else if opt.eq_ignore_ascii_case(b"LEN") {
            getlen = true;
        } else if opt.eq_ignore_ascii_case(b"WITHMATCHLEN") {
            withmatchlen = true;
        } else if opt.eq_ignore_ascii_case(b"MINMATCHLEN") && !args.is_empty() {
            minmatchlen = int_arg(args.required()?)?.max(0);
        } else {
            return Err(CmdError::Syntax);
        }
    }
    if getlen && getidx {
        return Err(CmdError::other(
            "ERR If you want both the length and indexes, please just use IDX.",
        ));
    }
    if a.len() >= u32::MAX as usize - 1 || b.len() >= u32::MAX as usize - 1 {
        return Err(CmdError::other("ERR String too long for LCS"));
    }
    let table_bytes = (a.len() as u64 + 1) * (b.len() as u64 + 1) * 4;
    if table_bytes > ex.server.config.tunables().proto_max_bulk_len {
        return Err(CmdError::other(
            "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len",
        ));
    }

    let (alen, blen) = (a.len(), b.len());
    let w = blen + 1;
    // table[i * w + j]: length of the LCS of a[..i] and b[..j].
    let mut table = vec![0u32; (alen + 1) * w];
    for i in 1..=alen {
        for j in 1..=blen {
            table[i * w + j] = if a[i - 1] == b[j - 1] {
                table[(i - 1) * w + j - 1] + 1
            } else {
                table[(i - 1) * w + j].max(table[i * w + j - 1])
            };
        }
    }
    let total = table[alen * w + blen] as usize;

    // Walk back from the end, collecting the subsequence and the contiguous ranges. `alen` as
    // a range start means "no range open".
    let mut result = vec![0u8; total];
    let mut ranges = Vec::new();
    let (mut i, mut j, mut idx) = (alen, blen, total);
    let (mut a_start, mut a_end, mut b_start, mut b_end) = (alen, 0, 0, 0);
    let compute = getidx || !getlen;
    while compute && i > 0 && j > 0 {
        let mut emit = false;
        if a[i - 1] == b[j - 1] {
            result[idx - 1] = a[i - 1];
            if a_start == alen {
                (a_start, a_end, b_start, b_end) = (i - 1, i - 1, j - 1, j - 1);
            } else if a_start == i && b_start == j {
                a_start -= 1;
                b_start -= 1;
            } else {
                emit = true;
            }
            if a_start == 0 || b_start == 0 {
                emit = true;
            }
            idx -= 1;
            i -= 1;
            j -= 1;
        } else {
            if table[(i - 1) * w + j] > table[i * w + j - 1] {
                i -= 1;
            } else {
                j -= 1;
            }
            if a_start != alen {
                emit = true;
            }
        }
        if emit {
            let len = a_end - a_start + 1;
            if getidx && (minmatchlen == 0 || len as i64 >= minmatchlen) {
                ranges.push(Range {
                    a: (a_start, a_end),
                    b: (b_start, b_end),
                    len,
                });
            }
            a_start = alen;
        }
    }

    if getidx {
        let out = &mut ex.out;
        out.map(2);
        out.bulk(b"matches");
        out.array(ranges.len());
        for r in &ranges {
            out.array(2 + withmatchlen as usize);
            out.array(2);
            out.int(r.a.0 as i64);
            out.int(r.a.1 as i64);
            out.array(2);
            out.int(r.b.0 as i64);
            out.int(r.b.1 as i64);
            if withmatchlen {
                out.int(r.len as i64);
            }
        }
        out.bulk(b"len");
        out.int(total as i64);
    } else if getlen {
        ex.out.int(total as i64);
    } else {
        ex.out.bulk(&result);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn subsequence_length_and_ranges() {
        let mut h = Harness::new();
        h.run(&["MSET", "key1", "ohmytext", "key2", "mynewtext"]);
        h.check(&[
            ("LCS key1 key2", "$6\r\nmytext\r\n"),
            ("LCS key1 key2 LEN", ":6\r\n"),
            (
                "LCS key1 key2 IDX",
                "*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n\
                 *2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n",
            ),
            (
                "LCS key1 key2 IDX MINMATCHLEN 4 WITHMATCHLEN",
                "*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n\
                 $3\r\nlen\r\n:6\r\n",
            ),
            ("LCS key1 nokey", "$0\r\n\r\n"),
            (
                "LCS key1 key2 LEN IDX",
                "-ERR If you want both the length and indexes, please just use IDX.\r\n",
            ),
            ("LCS key1 key2 MINMATCHLEN", "-ERR syntax error\r\n"),
            (
                "LCS key1 key2 MINMATCHLEN x",
                "-ERR value is not an integer or out of range\r\n",
            ),
            ("LCS key1 key2 FOO", "-ERR syntax error\r\n"),
            (
                "LCS key1",
                "-ERR wrong number of arguments for 'lcs' command\r\n",
            ),
        ]);
        let mut h = Harness::new().resp3();
        h.run(&["MSET", "a", "abc", "b", "abc"]);
        h.check(&[(
            "LCS a b IDX",
            "%2\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:0\r\n:2\r\n*2\r\n:0\r\n:2\r\n$3\r\nlen\r\n:3\r\n",
        )]);
    }
}
