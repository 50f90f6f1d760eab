//! LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
//!
//! The index of `element` in the list at `key`, nil when absent. RANK n picks the nth match
//! (negative: counting from the tail, scanning towards the head); COUNT returns up to that many
//! match indexes as an array (0: all of them; an empty array when there are none or the key is
//! absent); MAXLEN stops after comparing that many elements (0: no limit). Options may repeat,
//! the last one wins; they are all checked before the key.

use super::{int_at_least, read_list};
use crate::cmd::flags::*;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

pub const SPEC: CommandSpec = spec(
    "lpos",
    -3,
    READONLY,
    KEY1,
    "list",
    "6.0.6",
    "Return the index of matching elements on a list",
    run,
);

const RANK_ZERO: &str = "ERR RANK can't be zero: use 1 to start from the first match, 2 from \
the second ... or use negative to start from the end of the list";

fn run(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let element = args.required()?;
    let mut rank: i64 = 1;
    // None: no COUNT option, a single index (or nil) is the reply.
    let mut count: Option<i64> = None;
    let mut maxlen: i64 = 0;
    while let Some(opt) = args.next() {
        let has_value = !args.is_empty();
        if opt.eq_ignore_ascii_case(b"rank") && has_value {
            rank = args.i64()?;
            if rank == 0 {
                return Err(CmdError::other(RANK_ZERO));
            }
        } else if opt.eq_ignore_ascii_case(b"count") && has_value {
            count = Some(int_at_least(
                args.required()?,
                0,
                "ERR COUNT can't be negative",
            )?);
        } else if opt.eq_ignore_ascii_case(b"maxlen") && has_value {
            maxlen = int_at_least(args.required()?, 0, "ERR MAXLEN can't be negative")?;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    let from_tail = rank < 0;
    if from_tail {
        // Redis negates in C: i64::MIN stays negative, and then every match qualifies.
        rank = rank.wrapping_neg();
    }
    let Some(list) = read_list(ex.ks, ex.session.db, key, ex.now)? else {
        match count {
            Some(_) => ex.out.array(0),
            None => ex.out.null(),
        }
        return Ok(());
    };
    let len = list.len();
    let limit = if maxlen == 0 {
        len
    } else {
        len.min(maxlen as usize)
    };
    let mut found = Vec::new();
    let mut matches: i64 = 0;
    for i in 0..limit {
        let index = if from_tail { len - 1 - i } else { i };
        if list.get(index as i64) != Some(element) {
            continue;
        }
        matches += 1;
        if matches < rank {
            continue;
        }
        found.push(index as i64);
        match count {
            None => break,
            // Wrapping, as Redis's arithmetic does for RANK i64::MIN.
            Some(c) if c != 0 && matches.wrapping_sub(rank).wrapping_add(1) >= c => break,
            Some(_) => {}
        }
    }
    match count {
        Some(_) => {
            ex.out.array(found.len());
            for i in found {
                ex.out.int(i);
            }
        }
        None => match found.first() {
            Some(&i) => ex.out.int(i),
            None => ex.out.null(),
        },
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn ranks_counts_and_maxlen() {
        let mut h = Harness::new();
        h.check(&[
            ("LPOS k c", "$-1\r\n"),
            ("LPOS k c COUNT 0", "*0\r\n"),
            ("LPOS k c RANK 0", "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n"),
            ("RPUSH k a b c 1 2 3 c c a", ":9\r\n"),
            ("LPOS k c", ":2\r\n"),
            ("LPOS k c RANK 2", ":6\r\n"),
            ("LPOS k c RANK 4", "$-1\r\n"),
            ("LPOS k c RANK -1", ":7\r\n"),
            ("LPOS k c RANK -3", ":2\r\n"),
            ("LPOS k c COUNT 0", "*3\r\n:2\r\n:6\r\n:7\r\n"),
            ("LPOS k c COUNT 2", "*2\r\n:2\r\n:6\r\n"),
            ("LPOS k c COUNT 0 RANK -2", "*2\r\n:6\r\n:2\r\n"),
            ("LPOS k c MAXLEN 2", "$-1\r\n"),
            ("LPOS k c MAXLEN 3", ":2\r\n"),
            ("LPOS k c RANK -1 MAXLEN 2", ":7\r\n"),
            ("LPOS k zz", "$-1\r\n"),
            ("LPOS k zz COUNT 0", "*0\r\n"),
            ("LPOS k c RANK 1 RANK 2", ":6\r\n"),
            ("LPOS k a RANK -9223372036854775808", ":8\r\n"),
            ("LPOS k a RANK -9223372036854775808 COUNT 1", "*2\r\n:8\r\n:0\r\n"),
            ("LPOS k c RANK 0", "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n"),
            ("LPOS k c RANK x", "-ERR value is not an integer or out of range\r\n"),
            ("LPOS k c COUNT -1", "-ERR COUNT can't be negative\r\n"),
            ("LPOS k c COUNT x", "-ERR COUNT can't be negative\r\n"),
            ("LPOS k c MAXLEN -1", "-ERR MAXLEN can't be negative\r\n"),
            ("LPOS k c MAXLEN x", "-ERR MAXLEN can't be negative\r\n"),
            ("LPOS k c RANK", "-ERR syntax error\r\n"),
            ("LPOS k c FOO 1", "-ERR syntax error\r\n"),
            ("LPOS k c COUNT -1 RANK 0", "-ERR COUNT can't be negative\r\n"),
            ("SET s v", "+OK\r\n"),
            ("LPOS s a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("LPOS s a RANK 0", "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n"),
        ]);
        let mut h = Harness::new().resp3();
        h.check(&[
            ("LPOS k c", "_\r\n"),
            ("LPOS k c COUNT 1", "*0\r\n"),
            ("RPUSH k c", ":1\r\n"),
            ("LPOS k c COUNT 0", "*1\r\n:0\r\n"),
            ("LPOS k x", "_\r\n"),
        ]);
    }
}
