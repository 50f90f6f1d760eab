//! The "every type and encoding" data set shared by the AOF and replication tests, and a
//! per-key dump of a server's contents to compare two servers (or one before and after).
//!
//! * [`fill`]: every type and encoding Redis 7.0 has, in the databases of [`DBS`].
//! * [`fill_more`]: further writes on top of [`fill`] (tagged, so that it can run again).
//! * [`dump`]: every key of some databases with its type, (encoding,) expiry and value.
//! * [`diff`] / [`assert_same`]: dumps compared, with a line diff for the failure message.

use super::{escape as text, Client, Frame};

/// Databases [`fill`] and [`fill_more`] write to (and a full dump reads).
pub const DBS: [&str; 5] = ["0", "1", "2", "3", "9"];

/// `&str`s as owned `String`s.
pub fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

/// Runs `args`, asserting the reply is not an error.
pub fn ok(c: &mut Client, args: &[&str]) -> Vec<u8> {
    let r = c.cmd(args);
    assert!(!r.starts_with(b"-"), "{args:?}: {}", text(&r));
    r
}

/// Runs every command of `cmds` with [`ok`].
pub fn run(c: &mut Client, cmds: &[Vec<String>]) {
    for args in cmds {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        ok(c, &a);
    }
}

/// Commands as owned argument lists, for [`run`].
pub fn cmds(list: &[&[&str]]) -> Vec<Vec<String>> {
    list.iter().map(|a| s(a)).collect()
}

/// A command with many generated arguments: `head` then `items`.
pub fn many(head: &[&str], items: impl IntoIterator<Item = String>) -> Vec<String> {
    head.iter().map(|x| x.to_string()).chain(items).collect()
}

/// Every type and encoding Redis 7.0 has for them, in several databases, written with the
/// commands whose propagation Redis rewrites (relative expiries, INCRBYFLOAT, SPOP, BLPOP ...)
/// as well as plain ones, and a transaction. Leaves `c` in database 0.
pub fn fill(c: &mut Client) {
    let raw = "r".repeat(60);
    let long_value = "v".repeat(100);
    let half = "a".repeat(30);
    run(
        c,
        &cmds(&[
            // Strings: int, embstr, raw (set and built by APPEND), counters, floats.
            &["SET", "str:int", "12345"],
            &["SET", "str:neg", "-42"],
            &["SET", "str:embstr", "hello world"],
            &["SET", "str:raw", &raw],
            &["SET", "str:bin", "a\r\nb\x00c"],
            &["APPEND", "str:append", &half],
            &["APPEND", "str:append", &half],
            &["INCR", "ctr"],
            &["INCRBY", "ctr", "41"],
            &["DECR", "ctr"],
            &["INCRBYFLOAT", "flt", "1.5"],
            &["INCRBYFLOAT", "flt", "0.25"],
            &["SETRANGE", "str:range", "50", "xyz"],
            &["MSET", "m1", "1", "m2", "two"],
            &["SETNX", "m1", "ignored"],
            &["GETSET", "m2", "three"],
            &["GETDEL", "m1"],
            // Lists: small, big, values past the listpack limit, moves and pops.
            &["RPUSH", "l:small", "a", "b", "c", "d"],
            &["LPUSH", "l:small", "z"],
            &["LPOP", "l:small"],
            &["RPOP", "l:small"],
            &["LSET", "l:small", "0", "A"],
            &["LINSERT", "l:small", "AFTER", "b", "b2"],
            &["RPUSH", "l:long", &long_value, "x"],
            &["LMOVE", "l:small", "l:moved", "LEFT", "RIGHT"],
            &["BLPOP", "l:small", "1"],
            &["RPUSH", "l:trim", "1", "2", "3", "4", "5", "2"],
            &["LTRIM", "l:trim", "1", "-1"],
            &["LREM", "l:trim", "0", "2"],
            // Hashes: listpack, hashtable by count and by value length.
            &["HSET", "h:small", "f1", "v1", "f2", "v2", "n", "10"],
            &["HINCRBY", "h:small", "n", "5"],
            &["HINCRBYFLOAT", "h:small", "fl", "2.5"],
            &["HDEL", "h:small", "f2"],
            &["HSETNX", "h:small", "f3", "v3"],
            &["HSET", "h:longval", "f", &long_value],
            // Sets: intset, hashtable by member kind and by count; SPOP is random.
            &["SADD", "s:int", "3", "1", "2", "-7"],
            &["SADD", "s:str", "a", "b", "c"],
            &["SADD", "s:pop", "p1", "p2", "p3", "p4", "p5", "p6"],
            &["SPOP", "s:pop"],
            &["SPOP", "s:pop", "2"],
            &["SMOVE", "s:str", "s:int", "a"],
            &["SREM", "s:int", "3"],
            // Sorted sets: listpack, skiplist by count and by member length.
            &["ZADD", "z:small", "1.5", "a", "2", "b", "-3", "c"],
            &["ZINCRBY", "z:small", "10", "a"],
            &["ZADD", "z:small", "inf", "top", "-inf", "bottom"],
            &["ZPOPMIN", "z:small"],
            &["ZREM", "z:small", "c"],
            &["ZADD", "z:long", "1", &long_value],
            // Expiries, absolute and relative (the latter rewritten for propagation).
            &["SET", "t:pxat", "x", "PXAT", "4102444800000"],
            &["SET", "t:ex", "x", "EX", "100000"],
            &["SET", "t:px", "x", "PX", "100000000"],
            &["SETEX", "t:setex", "50000", "x"],
            &["PSETEX", "t:psetex", "50000000", "x"],
            &["SET", "t:getex", "x"],
            &["GETEX", "t:getex", "EX", "70000"],
            &["SET", "t:keepttl", "x", "EX", "80000"],
            &["SET", "t:keepttl", "y", "KEEPTTL"],
            &["SET", "t:persist", "x", "EX", "1000"],
            &["PERSIST", "t:persist"],
            &["EXPIRE", "h:small", "20000"],
            &["PEXPIRE", "l:small", "30000000"],
            &["EXPIREAT", "z:small", "4102444800"],
            &["PEXPIREAT", "s:int", "4102444800123"],
            &["SET", "t:gone", "x"],
            &["EXPIRE", "t:gone", "-1"],
            // Renames, deletes, a transaction.
            &["SET", "old", "renamed"],
            &["RENAME", "old", "new"],
            &["SET", "del1", "x"],
            &["SET", "del2", "x"],
            &["DEL", "del1"],
            &["UNLINK", "del2"],
            &["MULTI"],
            &["SET", "tx:a", "1"],
            &["INCR", "tx:b"],
            &["LPUSH", "tx:l", "q"],
            &["EXEC"],
            &["MOVE", "new", "1"],
        ]),
    );
    // Encodings by count.
    run(
        c,
        &[
            many(&["RPUSH", "l:big"], (0..300).map(|i| format!("e{i}"))),
            many(
                &["HSET", "h:big"],
                (0..200).flat_map(|i| [format!("f{i}"), format!("v{i}")]),
            ),
            many(&["SADD", "s:big"], (0..600).map(|i| i.to_string())),
            many(
                &["ZADD", "z:big"],
                (0..200).flat_map(|i| [format!("{}", i as f64 / 4.0), format!("m{i}")]),
            ),
        ],
    );
    // Other databases.
    run(
        c,
        &cmds(&[
            &["SELECT", "1"],
            &["SET", "db1:s", "one"],
            &["HSET", "db1:h", "a", "1"],
            &["SET", "db1:t", "x", "EX", "90000"],
            &["SELECT", "2"],
            &["SET", "db2:flushed", "x"],
            &["FLUSHDB"],
            &["SET", "db2:after", "y"],
            &["SELECT", "3"],
            &["SADD", "db3:s", "1", "2"],
            &["ZADD", "db3:z", "1", "a"],
            &["SELECT", "9"],
            &["RPUSH", "db9:l", "x", "y"],
            &["SELECT", "0"],
        ]),
    );
}

/// Writes after [`fill`]: changes to keys it made, new keys named after `tag`, other
/// databases. Leaves `c` in database 0.
pub fn fill_more(c: &mut Client, tag: &str) {
    run(
        c,
        &cmds(&[
            &["SADD", "s:int", "4"],
            &["HSET", "h:small", "f9", tag],
            &["DEL", "str:neg"],
            &["RPUSH", "l:big", tag],
            &["INCR", "ctr"],
            &["INCRBYFLOAT", "flt", "3"],
            &["ZADD", "z:big", "1000", "m0"],
            &["SET", &format!("post:{tag}"), "x", "EX", "5000"],
            &["SPOP", "s:big", "3"],
            &["SELECT", "1"],
            &["SET", &format!("db1:post:{tag}"), tag],
            &["EXPIRE", "db1:s", "4000"],
            &["SELECT", "3"],
            &["SADD", "db3:s", tag],
            &["SELECT", "0"],
        ]),
    );
}

/// Every key of the databases `dbs`, sorted, one line each: database, key, type, the
/// `OBJECT ENCODING` when `encoding`, `PEXPIRETIME` and the value (unordered collections
/// sorted), after a `db<n> size` line per database; read the same way from either server.
/// `who` names the server in failure messages. Leaves `c` in database 0.
pub fn dump(c: &mut Client, dbs: &[&str], encoding: bool, who: &str) -> Vec<String> {
    let mut out = Vec::new();
    for &db in dbs {
        ok(c, &["SELECT", db]);
        out.push(format!("db{db} size {}", text(&c.cmd(&["DBSIZE"]))));
        let keys = Frame::parse(&c.cmd(&["KEYS", "*"])).unwrap();
        let mut keys: Vec<Vec<u8>> = keys
            .items()
            .unwrap_or_else(|| panic!("KEYS * on {who}: {keys:?}"))
            .iter()
            .map(|k| k.as_bytes().unwrap().to_vec())
            .collect();
        keys.sort();
        for k in keys {
            let kb = k.as_slice();
            let typ = c.cmd_bytes(&[b"TYPE", kb]);
            let enc = encoding.then(|| c.cmd_bytes(&[b"OBJECT", b"ENCODING", kb]));
            let pexp = c.cmd_bytes(&[b"PEXPIRETIME", kb]);
            let value = match typ.as_slice() {
                b"+string\r\n" => c.cmd_bytes(&[b"GET", kb]),
                b"+list\r\n" => c.cmd_bytes(&[b"LRANGE", kb, b"0", b"-1"]),
                b"+hash\r\n" => Frame::parse(&c.cmd_bytes(&[b"HGETALL", kb]))
                    .unwrap()
                    .sorted_pairs()
                    .encode(),
                b"+set\r\n" => Frame::parse(&c.cmd_bytes(&[b"SMEMBERS", kb]))
                    .unwrap()
                    .sorted()
                    .encode(),
                b"+zset\r\n" => c.cmd_bytes(&[b"ZRANGE", kb, b"0", b"-1", b"WITHSCORES"]),
                _ => b"?".to_vec(),
            };
            let enc = enc.map(|e| format!(" {}", text(&e))).unwrap_or_default();
            out.push(format!(
                "db{db} {} {}{enc} pexpiretime={} {}",
                text(kb),
                text(&typ),
                text(&pexp),
                text(&value)
            ));
        }
    }
    ok(c, &["SELECT", "0"]);
    out
}

/// Line-by-line difference of two dumps, for failure messages.
pub fn diff(a: &[String], b: &[String]) -> String {
    let mut out = String::new();
    for l in a.iter().filter(|l| !b.contains(l)) {
        out.push_str(&format!("- {l}\n"));
    }
    for l in b.iter().filter(|l| !a.contains(l)) {
        out.push_str(&format!("+ {l}\n"));
    }
    out
}

/// Two dumps are equal; the failure message shows their [`diff`].
pub fn assert_same(expected: &[String], got: &[String], what: &str) {
    assert!(
        expected == got,
        "{what}: contents differ (- expected, + got)\n{}",
        diff(expected, got)
    );
}
