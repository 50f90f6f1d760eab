//! What the blocking list commands (BLPOP, BRPOP, BLMPOP, BLMOVE, BRPOPLPUSH) share: the
//! timeout argument, the description of what a client waits for, answering at once when
//! something is there, and serving a woken client from the key that became ready.

use super::{first_nonempty, move_element, pop_with_key, write_list};
use crate::cmd::strings::longdouble::LongDouble;
use crate::cmd::{CmdError, Exec, TimeoutReply};
use crate::keyspace::list::End;
use crate::notify;
use bytes::Bytes;

/// What a client blocked by a list command waits for.
#[derive(Debug, Clone, PartialEq)]
pub struct ListBlock {
    /// The keys it waits on, in the command's order.
    pub keys: Vec<Vec<u8>>,
    /// Relative to when it blocked; 0 waits forever. Can be huge (Redis accepts up to
    /// `i64::MAX` ms): add it to a clock saturating.
    pub timeout_ms: u64,
    pub op: ListBlockOp,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ListBlockOp {
    /// BLPOP (head) and BRPOP (tail): replies `[key, element]`.
    Pop(End),
    /// BLMPOP: replies `[key, [up to count elements]]`.
    MPop { end: End, count: usize },
    /// BLMOVE and BRPOPLPUSH (tail to head): replies with the element; `keys` is the source.
    Move { dst: Vec<u8>, from: End, to: End },
}

impl ListBlock {
    /// Whether the answer when blocking is refused (inside MULTI/EXEC, or from a script) is
    /// the nil bulk string rather than the nil array. On an actual timeout every blocking list
    /// command answers the nil array in Redis 7.0, BLMOVE included.
    pub fn refused_reply_is_null_bulk(&self) -> bool {
        matches!(self.op, ListBlockOp::Move { .. })
    }
}

/// Redis's `getTimeoutFromObjectOrReply` in seconds: a `strtold` number, rounded up to whole
/// ms. Returns the timeout in ms, 0 for none.
pub fn parse_timeout(arg: &[u8]) -> Result<u64, CmdError> {
    let v = LongDouble::parse(arg)
        .ok_or_else(|| CmdError::other("ERR timeout is not a float or out of range"))?;
    let ms = ceil_ms(v);
    if ms < 0 {
        return Err(CmdError::other("ERR timeout is negative"));
    }
    Ok(ms as u64)
}

/// `(long long) ceill(v * 1000.0)` on x86-64: the product rounded to a 64-bit significand,
/// then rounded up, and anything out of range (infinities included) converting to `i64::MIN`,
/// which is why `inf` and `1e20` are "negative".
fn ceil_ms(v: LongDouble) -> i64 {
    let (neg, mant, exp) = match v {
        LongDouble::Zero { .. } => return 0,
        LongDouble::Finite { neg, mant, exp } => (neg, mant, exp),
        LongDouble::Inf { .. } | LongDouble::Nan => return i64::MIN,
    };
    let mut m = mant as u128 * 1000;
    let mut e = exp;
    let bits = 128 - m.leading_zeros() as i64;
    if bits > 64 {
        let s = (bits - 64) as u32;
        let rest = m & ((1u128 << s) - 1);
        let half = 1u128 << (s - 1);
        m >>= s;
        if rest > half || (rest == half && m & 1 == 1) {
            m += 1;
        }
        e += s as i64;
    }
    let magnitude: u128 = if e >= 0 {
        if 128 - m.leading_zeros() as i64 + e > 64 {
            return i64::MIN;
        }
        m << e
    } else if -e >= 128 {
        // Below one: rounds up to 1 ms, or to (minus) zero when negative.
        u128::from(!neg)
    } else {
        let shift = (-e) as u32;
        let whole = m >> shift;
        let fraction = m & ((1u128 << shift) - 1) != 0;
        whole + u128::from(fraction && !neg)
    };
    if neg {
        if magnitude > 1u128 << 63 {
            i64::MIN
        } else {
            (magnitude as i64).wrapping_neg()
        }
    } else {
        i64::try_from(magnitude).unwrap_or(i64::MIN)
    }
}

/// Builds the wait of a blocking list command from its full argument vector (name first), as
/// its handler parses it, errors included: for re-running a parked command.
pub fn parse_block(args: &[Bytes]) -> Result<ListBlock, CmdError> {
    let name = &args[0];
    let rest = &args[1..];
    if name.eq_ignore_ascii_case(b"blpop") {
        super::blpop::parse(rest, End::Head, "blpop")
    } else if name.eq_ignore_ascii_case(b"brpop") {
        super::blpop::parse(rest, End::Tail, "brpop")
    } else if name.eq_ignore_ascii_case(b"blmpop") {
        super::blmpop::parse(rest)
    } else if name.eq_ignore_ascii_case(b"blmove") {
        super::blmove::parse(rest)
    } else if name.eq_ignore_ascii_case(b"brpoplpush") {
        super::brpoplpush::parse(rest)
    } else {
        Err(CmdError::other("ERR not a blocking list command"))
    }
}

/// The handlers' common end: serve at once when a key has elements, otherwise wait.
pub fn run(ex: &mut Exec, block: ListBlock) -> Result<(), CmdError> {
    if !serve_now(ex, &block)? {
        would_block(ex, block);
    }
    Ok(())
}

/// The immediate path: exactly the non-blocking command's effect, in the blocking reply shape.
fn serve_now(ex: &mut Exec, block: &ListBlock) -> Result<bool, CmdError> {
    let keys = block.keys.iter().map(|k| &k[..]);
    match &block.op {
        ListBlockOp::Pop(end) => {
            let Some(key) = first_nonempty(ex, keys)? else {
                return Ok(false);
            };
            pop_one(ex, key, *end);
            super::elements_removed(ex, key, *end, 1);
            ex.propagate_as(&[super::pop_name(*end), key]);
            Ok(true)
        }
        ListBlockOp::MPop { end, count } => {
            let Some(key) = first_nonempty(ex, keys)? else {
                return Ok(false);
            };
            pop_with_key(ex, key, *end, *count);
            Ok(true)
        }
        ListBlockOp::Move { dst, from, to } => {
            // Only the source's type matters before blocking: a destination of another type
            // is found out when an element is there to move.
            let (db, now) = (ex.db(), ex.now);
            if write_list(ex.ks, db, &block.keys[0], now)?.is_none() {
                return Ok(false);
            }
            move_element(ex, &block.keys[0], dst, *from, *to, false)
        }
    }
}

/// Pops one element of the non-empty list at `key`, replying `[key, element]`.
fn pop_one(ex: &mut Exec, key: &[u8], end: End) {
    let (db, now) = (ex.db(), ex.now);
    let value = write_list(ex.ks, db, key, now)
        .ok()
        .flatten()
        .and_then(|l| l.pop(end))
        .expect("caller checked the list");
    ex.out.array(2);
    ex.out.bulk(key);
    ex.out.bulk(&value);
}

/// Nothing to serve: the client waits on `block.keys`, and a timeout answers the nil array (in
/// Redis 7.0 BLMOVE's too). Where blocking is refused (MULTI/EXEC), Redis answers at once, and
/// there BLMOVE/BRPOPLPUSH answer the nil bulk string instead.
fn would_block(ex: &mut Exec, block: ListBlock) {
    if ex.may_block {
        ex.block_on(block.keys, block.timeout_ms, TimeoutReply::NullArray);
    } else if block.refused_reply_is_null_bulk() {
        ex.out.null();
    } else {
        ex.out.null_array();
    }
}

/// Serves a client parked on `block` now that `key` (one of `block.keys`, in the client's
/// selected db `ex.session.db`) may have elements: pops or moves and writes the reply exactly
/// as the blocking command would have. False, with nothing written or changed, when `key` holds
/// no list elements, so the client keeps waiting.
///
/// As Redis's `serveClientBlockedOnList`, a BLMOVE whose destination now holds another type is
/// answered WRONGTYPE (true: the client is done) and moves nothing.
pub fn serve(ex: &mut Exec, block: &ListBlock, key: &[u8]) -> bool {
    let (db, now) = (ex.db(), ex.now);
    match write_list(ex.ks, db, key, now) {
        Ok(Some(l)) if !l.is_empty() => {}
        _ => return false,
    }
    match &block.op {
        ListBlockOp::Pop(end) => {
            pop_one(ex, key, *end);
            // The push that woke this client already signalled the key, and the pop is
            // propagated on its own: Redis neither signals again nor counts a change here.
            ex.ks.notify(notify::LIST, super::pop_event(*end), db, key);
            super::delete_if_empty(ex, key, true);
        }
        ListBlockOp::MPop { end, count } => pop_with_key(ex, key, *end, *count),
        ListBlockOp::Move { dst, from, to } => {
            if let Err(e) = move_element(ex, key, dst, *from, *to, true) {
                let msg = e.to_string();
                ex.ks.stats.count_error(&msg);
                ex.out.error(&msg);
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd::testing::Harness;
    use crate::cmd::{BlockRequest, Effect};
    use bytes::BytesMut;
    use protocol::ReplyWriter;

    fn argv(line: &str) -> Vec<Bytes> {
        line.split(' ')
            .map(|a| Bytes::copy_from_slice(a.as_bytes()))
            .collect()
    }

    /// Runs `f` as the keyspace would for a woken client of `h`; returns the reply bytes.
    fn with_exec<T>(h: &mut Harness, f: impl FnOnce(&mut Exec) -> T) -> (T, String) {
        let mut out = BytesMut::new();
        let resp = h.session.resp;
        let mut ex = Exec {
            ks: &mut h.ks,
            session: &mut h.session,
            server: &h.server,
            out: ReplyWriter::new(&mut out, resp),
            now: crate::server::unix_ms(),
            effect: Effect::None,
            table: &h.table,
            may_block: false,
            block: None,
            paused: false,
            prop: Default::default(),
        };
        let r = f(&mut ex);
        drop(ex);
        (r, String::from_utf8_lossy(&out).into_owned())
    }

    fn events(h: &Harness, from: usize) -> Vec<(&'static str, String)> {
        h.ks.events[from..]
            .iter()
            .map(|e| (e.event, String::from_utf8_lossy(&e.key).into_owned()))
            .collect()
    }

    #[test]
    fn timeouts_parse_as_redis_rounds_them() {
        let ok: &[(&str, u64)] = &[
            ("0", 0),
            ("1", 1000),
            ("1.5", 1500),
            (".5", 500),
            ("3.", 3000),
            ("+2", 2000),
            ("1e-3", 1),
            ("0.0011", 2),
            ("0x10", 16000),
            ("1e-400", 1),
            // Rounded up to -0: Redis then waits forever.
            ("-0", 0),
            ("-0.001", 0),
            ("-1e-400", 0),
            ("9223372036854775", 9223372036854775000),
            ("9223372036854775.807", i64::MAX as u64),
        ];
        for (arg, want) in ok {
            assert_eq!(parse_timeout(arg.as_bytes()), Ok(*want), "{arg}");
        }
        let negative = CmdError::other("ERR timeout is negative");
        let not_float = CmdError::other("ERR timeout is not a float or out of range");
        let bad: &[(&str, &CmdError)] = &[
            ("-1", &negative),
            ("-0.0011", &negative),
            ("inf", &negative),
            ("-inf", &negative),
            ("1e20", &negative),
            ("9.3e15", &negative),
            ("-9.3e15", &negative),
            ("9223372036854775.808", &negative),
            ("abc", &not_float),
            ("", &not_float),
            (" 1", &not_float),
            ("1 ", &not_float),
            ("nan", &not_float),
            ("1e5000", &not_float),
            ("0x", &not_float),
        ];
        for (arg, want) in bad {
            assert_eq!(parse_timeout(arg.as_bytes()).as_ref(), Err(*want), "{arg}");
        }
    }

    #[test]
    fn waits_are_described_from_the_arguments() {
        let table: &[(&str, Result<ListBlock, CmdError>)] = &[
            (
                "BLPOP a b 1.5",
                Ok(ListBlock {
                    keys: vec![b"a".to_vec(), b"b".to_vec()],
                    timeout_ms: 1500,
                    op: ListBlockOp::Pop(End::Head),
                }),
            ),
            (
                "brpop a 0",
                Ok(ListBlock {
                    keys: vec![b"a".to_vec()],
                    timeout_ms: 0,
                    op: ListBlockOp::Pop(End::Tail),
                }),
            ),
            (
                "BLMPOP 2 2 a b RIGHT COUNT 3",
                Ok(ListBlock {
                    keys: vec![b"a".to_vec(), b"b".to_vec()],
                    timeout_ms: 2000,
                    op: ListBlockOp::MPop {
                        end: End::Tail,
                        count: 3,
                    },
                }),
            ),
            (
                "BLMOVE s d RIGHT LEFT 0",
                Ok(ListBlock {
                    keys: vec![b"s".to_vec()],
                    timeout_ms: 0,
                    op: ListBlockOp::Move {
                        dst: b"d".to_vec(),
                        from: End::Tail,
                        to: End::Head,
                    },
                }),
            ),
            (
                "BRPOPLPUSH s d 0.001",
                Ok(ListBlock {
                    keys: vec![b"s".to_vec()],
                    timeout_ms: 1,
                    op: ListBlockOp::Move {
                        dst: b"d".to_vec(),
                        from: End::Tail,
                        to: End::Head,
                    },
                }),
            ),
            ("BLPOP a", Err(CmdError::Arity("blpop".into()))),
            (
                "BLPOP a -1",
                Err(CmdError::other("ERR timeout is negative")),
            ),
            (
                "BLMPOP x 0 a LEFT",
                Err(CmdError::other("ERR numkeys should be greater than 0")),
            ),
            ("BLMOVE s d UP LEFT x", Err(CmdError::Syntax)),
            (
                "LPOP a",
                Err(CmdError::other("ERR not a blocking list command")),
            ),
        ];
        for (line, want) in table {
            assert_eq!(&parse_block(&argv(line)), want, "{line}");
        }
    }

    #[test]
    fn nothing_to_serve_parks_the_client() {
        let mut h = Harness::new();
        let table: &[(&str, &[&str], u64)] = &[
            ("BLPOP a b 0", &["a", "b"], 0),
            ("BRPOP a 2.5", &["a"], 2500),
            ("BLMPOP 1 2 a b LEFT", &["a", "b"], 1000),
            ("BLMOVE a b LEFT LEFT 0", &["a"], 0),
            ("BRPOPLPUSH a b 3", &["a"], 3000),
        ];
        for (line, keys, timeout_ms) in table {
            let mut out = BytesMut::new();
            let outcome = h.table.run(
                &mut h.ks,
                &mut h.session,
                &h.server,
                &mut out,
                &argv(line),
                crate::server::unix_ms(),
                true,
            );
            assert!(out.is_empty(), "{line}");
            let want = BlockRequest {
                keys: keys.iter().map(|k| k.as_bytes().to_vec()).collect(),
                timeout_ms: *timeout_ms,
                timeout_reply: TimeoutReply::NullArray,
            };
            assert_eq!(outcome.block, Some(want), "{line}");
        }
    }

    #[test]
    fn serving_pops_from_the_ready_key() {
        let mut h = Harness::new();
        h.ks.notify_flags = u32::MAX;
        h.check(&[("RPUSH b x y", ":2\r\n"), ("SET s v", "+OK\r\n")]);
        let block = parse_block(&argv("BLPOP a s b 0")).unwrap();
        let first = h.ks.events.len();
        let dirty = h.ks.dirty;
        assert_eq!(
            with_exec(&mut h, |ex| serve(ex, &block, b"a")),
            (false, "".into())
        );
        assert_eq!(
            with_exec(&mut h, |ex| serve(ex, &block, b"s")),
            (false, "".into())
        );
        let served = with_exec(&mut h, |ex| serve(ex, &block, b"b"));
        assert_eq!(served, (true, "*2\r\n$1\r\nb\r\n$1\r\nx\r\n".into()));
        let served = with_exec(&mut h, |ex| serve(ex, &block, b"b"));
        assert_eq!(served, (true, "*2\r\n$1\r\nb\r\n$1\r\ny\r\n".into()));
        assert_eq!(
            events(&h, first),
            [
                ("lpop", "b".into()),
                ("lpop", "b".into()),
                ("del", "b".into())
            ]
        );
        // As in Redis, the pop is propagated, not counted as a change of its own.
        assert_eq!(h.ks.dirty, dirty);
        assert_eq!(h.run(&["EXISTS", "b"]), ":0\r\n");

        h.check(&[("RPUSH m 1 2 3", ":3\r\n")]);
        let block = parse_block(&argv("BLMPOP 0 2 a m RIGHT COUNT 2")).unwrap();
        let served = with_exec(&mut h, |ex| serve(ex, &block, b"m"));
        assert_eq!(
            served,
            (true, "*2\r\n$1\r\nm\r\n*2\r\n$1\r\n3\r\n$1\r\n2\r\n".into())
        );
        assert_eq!(h.run(&["LRANGE", "m", "0", "-1"]), "*1\r\n$1\r\n1\r\n");
    }

    #[test]
    fn serving_a_move_pushes_or_refuses_the_destination() {
        let mut h = Harness::new().resp3();
        h.ks.notify_flags = u32::MAX;
        h.check(&[("RPUSH s a b", ":2\r\n"), ("SET str v", "+OK\r\n")]);
        let refused = parse_block(&argv("BLMOVE s str LEFT LEFT 0")).unwrap();
        let served = with_exec(&mut h, |ex| serve(ex, &refused, b"s"));
        assert_eq!(
            served,
            (
                true,
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n".into()
            )
        );
        assert_eq!(h.run(&["LLEN", "s"]), ":2\r\n");

        let block = parse_block(&argv("BRPOPLPUSH s d 0")).unwrap();
        let first = h.ks.events.len();
        assert_eq!(
            with_exec(&mut h, |ex| serve(ex, &block, b"s")),
            (true, "$1\r\nb\r\n".into())
        );
        assert_eq!(
            with_exec(&mut h, |ex| serve(ex, &block, b"s")),
            (true, "$1\r\na\r\n".into())
        );
        assert_eq!(
            with_exec(&mut h, |ex| serve(ex, &block, b"s")),
            (false, "".into())
        );
        assert_eq!(
            events(&h, first),
            [
                ("new", "d".into()),
                ("lpush", "d".into()),
                ("rpop", "s".into()),
                ("lpush", "d".into()),
                ("rpop", "s".into()),
                ("del", "s".into()),
            ]
        );
        assert_eq!(
            h.run(&["LRANGE", "d", "0", "-1"]),
            "*2\r\n$1\r\na\r\n$1\r\nb\r\n"
        );
    }
}
