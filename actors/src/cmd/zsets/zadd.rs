//! ZADD key [NX | XX] [GT | LT] [CH] [INCR] score member [score member ...]
//!
//! Adds members with their scores, or updates the scores of existing ones. NX only adds, XX
//! only updates, GT/LT only update when the new score is greater/less (new members are still
//! added). Replies with how many members were added (CH: added or changed). INCR makes it
//! ZINCRBY for a single pair: the reply is the new score, or nil when a condition stopped it.

use super::parse::score_arg;
use crate::cmd::flags::*;
use crate::cmd::keys::notify_new;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::keyspace::value::Value;
use crate::keyspace::zset::{AddFlags, Added, ZSetValue};
use crate::notify;

pub const SPEC: CommandSpec = spec(
    "zadd",
    -4,
    WRITE | DENYOOM | FAST,
    KEY1,
    "sorted-set",
    "1.2.0",
    "Add one or more members to a sorted set, or update its score if it already exists",
    zadd,
);

fn zadd(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let mut flags = AddFlags::default();
    let mut ch = false;
    loop {
        if args.eat("NX") {
            flags.nx = true;
        } else if args.eat("XX") {
            flags.xx = true;
        } else if args.eat("CH") {
            ch = true;
        } else if args.eat("INCR") {
            flags.incr = true;
        } else if args.eat("GT") {
            flags.gt = true;
        } else if args.eat("LT") {
            flags.lt = true;
        } else {
            break;
        }
    }
    add_generic(ex, key, args.rest(), flags, ch)
}

/// Redis's `zaddGenericCommand`, shared with ZINCRBY: `pairs` are the score/member arguments.
pub fn add_generic(
    ex: &mut Exec,
    key: &[u8],
    pairs: &[bytes::Bytes],
    flags: AddFlags,
    ch: bool,
) -> Result<(), CmdError> {
    if pairs.is_empty() || !pairs.len().is_multiple_of(2) {
        return Err(CmdError::Syntax);
    }
    if flags.nx && flags.xx {
        return Err(CmdError::other(
            "ERR XX and NX options at the same time are not compatible",
        ));
    }
    if (flags.gt || flags.lt) && flags.nx || (flags.gt && flags.lt) {
        return Err(CmdError::other(
            "ERR GT, LT, and/or NX options at the same time are not compatible",
        ));
    }
    if flags.incr && pairs.len() > 2 {
        return Err(CmdError::other(
            "ERR INCR option supports a single increment-element pair",
        ));
    }
    // Every score is checked before anything changes: the command applies fully or not at all.
    let scores = pairs
        .chunks(2)
        .map(|p| score_arg(&p[0]))
        .collect::<Result<Vec<f64>, _>>()?;
    let limits = super::limits(ex);
    let (db, now) = (ex.session.db, ex.now);
    if super::write(ex.ks, db, key, now)?.is_none() {
        if flags.xx {
            reply(ex, flags.incr, ch, 0, 0, None);
            return Ok(());
        }
        ex.ks.db(db).insert(key, Value::ZSet(ZSetValue::new()), 0);
        notify_new(ex, db, key);
    }
    let Some(z) = super::write(ex.ks, db, key, now)? else {
        return Ok(());
    };
    let (mut added, mut updated, mut last) = (0, 0, None);
    let mut nan = false;
    for (pair, score) in pairs.chunks(2).zip(scores) {
        match z.add(score, &pair[1], flags, limits) {
            Added::Nan => {
                nan = true;
                break;
            }
            Added::New(s) => {
                added += 1;
                last = Some(s);
            }
            Added::Updated(s) => {
                updated += 1;
                last = Some(s);
            }
            Added::Same(s) => last = Some(s),
            Added::Skipped => last = None,
        }
    }
    ex.ks.dirty += added + updated;
    if added + updated > 0 {
        let event = if flags.incr { "zincr" } else { "zadd" };
        ex.changed(notify::ZSET, event, key);
    }
    if nan {
        return Err(CmdError::other("ERR resulting score is not a number (NaN)"));
    }
    reply(ex, flags.incr, ch, added, updated, last);
    Ok(())
}

fn reply(ex: &mut Exec, incr: bool, ch: bool, added: u64, updated: u64, last: Option<f64>) {
    if !incr {
        ex.out
            .int((if ch { added + updated } else { added }) as i64);
    } else if let Some(score) = last {
        ex.out.double(score);
    } else {
        ex.out.null();
    }
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn zadd_options_and_replies() {
        let mut h = Harness::new();
        h.check(&[
            ("ZADD z 1 a 2 b", ":2\r\n"),
            ("ZADD z 1 a 3 c", ":1\r\n"),
            ("ZADD z CH 5 a 3 c 4 d", ":2\r\n"),
            ("ZADD z NX 9 a 6 e", ":1\r\n"),
            ("ZSCORE z a", "$1\r\n5\r\n"),
            ("ZADD z XX 7 a 8 f", ":0\r\n"),
            ("ZSCORE z a", "$1\r\n7\r\n"),
            ("ZSCORE z f", "$-1\r\n"),
            ("ZADD z XX CH 8 a 8 f", ":1\r\n"),
            ("ZADD z GT CH 1 a 10 b", ":1\r\n"),
            ("ZADD z LT CH 1 a 10 b", ":1\r\n"),
            ("ZADD z GT XX CH 0 a 20 b 1 g", ":1\r\n"),
            ("ZADD z INCR 1.5 a", "$3\r\n2.5\r\n"),
            ("ZADD z INCR 0.1 a", "$18\r\n2.6000000000000001\r\n"),
            ("ZADD z NX INCR 1 a", "$-1\r\n"),
            ("ZADD z GT INCR -1 a", "$-1\r\n"),
            ("ZADD z XX INCR 1 nope", "$-1\r\n"),
            ("ZADD nokey XX 1 a", ":0\r\n"),
            ("ZADD nokey XX INCR 1 a", "$-1\r\n"),
            ("EXISTS nokey", ":0\r\n"),
            ("ZADD z nx Ch 1 h", ":1\r\n"),
        ]);
    }

    #[test]
    fn zadd_errors() {
        let mut h = Harness::new();
        h.check(&[
            (
                "ZADD z 1",
                "-ERR wrong number of arguments for 'zadd' command\r\n",
            ),
            ("ZADD z 1 a 2", "-ERR syntax error\r\n"),
            ("ZADD z NX 1", "-ERR syntax error\r\n"),
            (
                "ZADD z NX XX 1 a",
                "-ERR XX and NX options at the same time are not compatible\r\n",
            ),
            ("ZADD z NX XX 1", "-ERR syntax error\r\n"),
            (
                "ZADD z GT LT 1 a",
                "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n",
            ),
            (
                "ZADD z GT NX 1 a",
                "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n",
            ),
            (
                "ZADD z INCR 1 a 2 b",
                "-ERR INCR option supports a single increment-element pair\r\n",
            ),
            ("ZADD z 1 a x b", "-ERR value is not a valid float\r\n"),
            ("ZADD z nan a", "-ERR value is not a valid float\r\n"),
            ("EXISTS z", ":0\r\n"),
            ("ZADD z inf a", ":1\r\n"),
            (
                "ZADD z INCR -inf a",
                "-ERR resulting score is not a number (NaN)\r\n",
            ),
            ("ZSCORE z a", "$3\r\ninf\r\n"),
            ("SET s v", "+OK\r\n"),
            (
                "ZADD s 1 a",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            ("ZADD s x a", "-ERR value is not a valid float\r\n"),
        ]);
    }

    #[test]
    fn zadd_resp3_and_encodings() {
        let mut h = Harness::new().resp3();
        h.check(&[
            ("ZADD z INCR 1.1 a", ",1.1000000000000001\r\n"),
            ("ZADD z NX INCR 1 a", "_\r\n"),
            ("OBJECT ENCODING z", "$8\r\nlistpack\r\n"),
        ]);
        let long = "x".repeat(65);
        assert_eq!(h.run(&["ZADD", "big", "1", &long]), ":1\r\n");
        assert_eq!(h.run(&["OBJECT", "ENCODING", "big"]), "$8\r\nskiplist\r\n");
        for i in 0..128 {
            h.run(&["ZADD", "many", &i.to_string(), &format!("m{i}")]);
        }
        assert_eq!(h.run(&["OBJECT", "ENCODING", "many"]), "$8\r\nlistpack\r\n");
        h.run(&["ZADD", "many", "200", "m200"]);
        assert_eq!(h.run(&["OBJECT", "ENCODING", "many"]), "$8\r\nskiplist\r\n");
        h.run(&["ZREMRANGEBYRANK", "many", "0", "100"]);
        assert_eq!(h.run(&["OBJECT", "ENCODING", "many"]), "$8\r\nskiplist\r\n");
    }
}
