//! CLIENT <subcommand> [<arg> ...]
//!
//! CLIENT ID | GETNAME | SETNAME name | INFO | LIST [TYPE type] [ID id ...] |
//! KILL ip:port | KILL [ID id] [TYPE type] [USER user] [ADDR ip:port] [LADDR ip:port]
//! [SKIPME yes|no] | REPLY ON|OFF|SKIP | NO-EVICT ON|OFF | GETREDIR | TRACKINGINFO |
//! UNBLOCK id [TIMEOUT|ERROR] | HELP
//!
//! | PAUSE timeout [WRITE|ALL] | UNPAUSE
//!
//! Not there yet, and answered with Redis's unknown-subcommand error: TRACKING and CACHING
//! (they need client-side caching).

use crate::clients::{ClientHandle, Kill};
use crate::cmd::flags::*;
use crate::cmd::table::{container, spec, NO_KEYS};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::keyspace::value::parse_i64_strict;
use crate::session::ReplyMode;
use std::fmt::Write as _;
use std::sync::atomic::Ordering::Relaxed;

const F: u32 = NOSCRIPT | LOADING | STALE;

pub const SPEC: CommandSpec = container(
    "client",
    SENTINEL,
    "connection",
    "2.4.0",
    "A container for client connection commands",
    &[
        spec("id", 2, F, NO_KEYS, "connection", "5.0.0", "Returns the client ID for the current connection", id),
        spec("getname", 2, F, NO_KEYS, "connection", "2.6.9", "Get the current connection name", getname),
        spec("setname", 3, F, NO_KEYS, "connection", "2.6.9", "Set the current connection name", setname),
        spec("info", 2, F, NO_KEYS, "connection", "6.2.0", "Returns information about the current client connection.", info),
        spec("list", -2, ADMIN | F, NO_KEYS, "connection", "2.4.0", "Get the list of client connections", list),
        spec("kill", -3, ADMIN | F, NO_KEYS, "connection", "2.4.0", "Kill the connection of a client", kill),
        spec("reply", 3, F, NO_KEYS, "connection", "3.2.0", "Instruct the server whether to reply to commands", reply),
        spec("no-evict", 3, ADMIN | F, NO_KEYS, "connection", "7.0.0", "Set client eviction mode for the current connection", no_evict),
        spec("getredir", 2, F, NO_KEYS, "connection", "6.0.0", "Get tracking notifications redirection client ID if any", getredir),
        spec("trackinginfo", 2, F, NO_KEYS, "connection", "6.2.0", "Return information about server assisted client side caching for the current connection", trackinginfo),
        spec("unblock", -3, ADMIN | F, NO_KEYS, "connection", "5.0.0", "Unblock a client blocked in a blocking command from a different connection", unblock),
        spec("pause", -3, ADMIN | F, NO_KEYS, "connection", "2.9.50", "Stop processing commands from clients for some time", pause),
        spec("unpause", 2, ADMIN | F, NO_KEYS, "connection", "6.2.0", "Resume processing of clients that were paused", unpause),
        spec("help", 2, LOADING | STALE, NO_KEYS, "connection", "5.0.0", "Show helpful text about the different subcommands", help),
    ],
);

/// Redis's rule for client names: printable ASCII without spaces.
pub fn validate_name(name: &[u8]) -> Result<(), CmdError> {
    if name.iter().any(|&c| !(b'!'..=b'~').contains(&c)) {
        return Err(CmdError::other(
            "ERR Client names cannot contain spaces, newlines or special characters.",
        ));
    }
    Ok(())
}

fn id(ex: &mut Exec, _: Args) -> Result<(), CmdError> {
    ex.out.int(ex.session.id as i64);
    Ok(())
}

fn getname(ex: &mut Exec, _: Args) -> Result<(), CmdError> {
    match ex.session.name() {
        Some(n) => ex.out.bulk(n.as_bytes()),
        None => ex.out.null(),
    }
    Ok(())
}

fn setname(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let name = args.required()?;
    validate_name(name)?;
    if let Some(h) = &ex.session.handle {
        h.set_name(if name.is_empty() {
            None
        } else {
            Some(String::from_utf8_lossy(name).into())
        });
    }
    ex.out.ok();
    Ok(())
}

/// One CLIENT LIST line, with Redis 7.0's fields in Redis's order.
pub fn describe(c: &ClientHandle, now_ms: u64) -> String {
    let mut s = String::with_capacity(256);
    let age = now_ms.saturating_sub(c.created_ms) / 1000;
    let idle = now_ms.saturating_sub(c.last_ms.load(Relaxed)) / 1000;
    let qbuf = c.qbuf.load(Relaxed);
    let (subs, psubs, multi) = (
        c.subs.load(Relaxed),
        c.psubs.load(Relaxed),
        c.multi.load(Relaxed),
    );
    let mut flags = String::new();
    if c.monitor.load(Relaxed) {
        flags.push('O');
    } else if c.replica.load(Relaxed) {
        flags.push('S');
    }
    if c.blocked.load(Relaxed) {
        flags.push('b');
    }
    if subs + psubs > 0 {
        flags.push('P');
    }
    if multi >= 0 {
        flags.push('x');
    }
    if flags.is_empty() {
        flags.push('N');
    }
    let _ = write!(
        s,
        "id={} addr={} laddr={} fd={} name={} age={} idle={} flags={} db={} sub={} psub={} ssub=0 \
         multi={} qbuf={} qbuf-free={} argv-mem=0 multi-mem=0 rbs=16384 rbp=16384 obl=0 oll=0 \
         omem={} tot-mem={} events=r cmd={} user=default redir=-1 resp={}",
        c.id,
        c.addr,
        c.laddr,
        c.fd,
        c.name().unwrap_or_default(),
        age,
        idle,
        flags,
        c.db.load(Relaxed),
        subs,
        psubs,
        multi,
        qbuf,
        16384u64.saturating_sub(qbuf),
        c.obuf.load(Relaxed),
        16384 + 2048 + qbuf + c.obuf.load(Relaxed),
        c.last_cmd(),
        c.resp.load(Relaxed),
    );
    s
}

fn info(ex: &mut Exec, _: Args) -> Result<(), CmdError> {
    ex.session.publish(ex.now);
    let line = match &ex.session.handle {
        Some(h) => describe(h, ex.now) + "\n",
        None => String::from("\n"),
    };
    ex.out.verbatim("txt", line.as_bytes());
    Ok(())
}

/// The client classes CLIENT LIST/KILL TYPE accept.
fn parse_type(t: &[u8]) -> Result<&'static str, CmdError> {
    match &t.to_ascii_lowercase()[..] {
        b"normal" => Ok("normal"),
        b"master" => Ok("master"),
        b"replica" | b"slave" => Ok("replica"),
        b"pubsub" => Ok("pubsub"),
        _ => Err(CmdError::other(format!(
            "ERR Unknown client type '{}'",
            String::from_utf8_lossy(t)
        ))),
    }
}

fn list(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let mut class = None;
    let mut ids: Option<Vec<u64>> = None;
    while let Some(opt) = args.next() {
        if opt.eq_ignore_ascii_case(b"TYPE") && args.remaining() == 1 {
            class = Some(parse_type(args.required()?)?);
        } else if opt.eq_ignore_ascii_case(b"ID") && args.remaining() >= 1 {
            let mut v = Vec::new();
            for a in args.by_ref() {
                // Ids that cannot exist (0, negative) just match nobody, as in Redis.
                match parse_i64_strict(a) {
                    Some(n) if n > 0 => v.push(n as u64),
                    Some(_) => {}
                    None => return Err(CmdError::other("ERR Invalid client ID")),
                }
            }
            ids = Some(v);
        } else {
            return Err(CmdError::Syntax);
        }
    }
    ex.session.publish(ex.now);
    let mut text = String::new();
    for c in ex.server.clients.all() {
        if class.is_some_and(|t| t != class_of(&c)) {
            continue;
        }
        if ids.as_ref().is_some_and(|ids| !ids.contains(&c.id)) {
            continue;
        }
        text.push_str(&describe(&c, ex.now));
        text.push('\n');
    }
    ex.out.verbatim("txt", text.as_bytes());
    Ok(())
}

/// Redis's `getClientType`: a replica, a subscriber, or a normal client.
fn class_of(c: &ClientHandle) -> &'static str {
    if c.replica.load(Relaxed) {
        "replica"
    } else if c.subs.load(Relaxed) + c.psubs.load(Relaxed) > 0 {
        "pubsub"
    } else {
        "normal"
    }
}

/// The filters of CLIENT KILL's new form.
#[derive(Default)]
struct KillFilter {
    id: Option<u64>,
    class: Option<&'static str>,
    addr: Option<String>,
    laddr: Option<String>,
    user: Option<Vec<u8>>,
    skipme: bool,
}

impl KillFilter {
    fn matches(&self, c: &ClientHandle, me: u64) -> bool {
        !(self.skipme && c.id == me)
            && self.id.is_none_or(|id| id == c.id)
            && self.class.is_none_or(|t| t == class_of(c))
            && self.addr.as_ref().is_none_or(|a| *a == c.addr.to_string())
            && self
                .laddr
                .as_ref()
                .is_none_or(|a| *a == c.laddr.to_string())
            && self.user.as_ref().is_none_or(|u| u == b"default")
    }
}

fn kill(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    let me = ex.session.id;
    if let [addr] = args.rest() {
        let addr = String::from_utf8_lossy(addr);
        let victim = ex
            .server
            .clients
            .all()
            .into_iter()
            .find(|c| c.addr.to_string() == addr);
        let Some(c) = victim else {
            return Err(CmdError::other("ERR No such client"));
        };
        ex.out.ok();
        close(ex, &c, me);
        return Ok(());
    }
    let mut f = KillFilter {
        skipme: true,
        ..Default::default()
    };
    let mut args = args;
    while let Some(opt) = args.next() {
        let Some(val) = args.next() else {
            return Err(CmdError::Syntax);
        };
        match &opt.to_ascii_lowercase()[..] {
            b"id" => match parse_i64_strict(val) {
                Some(n) if n > 0 => f.id = Some(n as u64),
                _ => return Err(CmdError::other("ERR client-id should be greater than 0")),
            },
            b"type" => f.class = Some(parse_type(val)?),
            b"addr" => f.addr = Some(String::from_utf8_lossy(val).into()),
            b"laddr" => f.laddr = Some(String::from_utf8_lossy(val).into()),
            b"user" => {
                if val != b"default" {
                    return Err(CmdError::other(format!(
                        "ERR No such user '{}'",
                        String::from_utf8_lossy(val)
                    )));
                }
                f.user = Some(val.to_vec());
            }
            b"skipme" => match &val.to_ascii_lowercase()[..] {
                b"yes" => f.skipme = true,
                b"no" => f.skipme = false,
                _ => return Err(CmdError::Syntax),
            },
            _ => return Err(CmdError::Syntax),
        }
    }
    let victims: Vec<_> = ex
        .server
        .clients
        .all()
        .into_iter()
        .filter(|c| f.matches(c, me))
        .collect();
    ex.out.int(victims.len() as i64);
    for c in victims {
        close(ex, &c, me);
    }
    Ok(())
}

/// Closes a client: ourselves after this reply, anyone else right away.
fn close(ex: &mut Exec, c: &ClientHandle, me: u64) {
    if c.id == me {
        ex.session.close_after_reply = true;
    } else {
        c.kill.do_send(Kill);
    }
}

fn reply(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let mode = args.required()?;
    let m = match &mode.to_ascii_lowercase()[..] {
        b"on" => ReplyMode::On,
        b"off" => ReplyMode::Off,
        b"skip" => ReplyMode::Skip,
        _ => return Err(CmdError::Syntax),
    };
    ex.session.reply_mode = m;
    if m == ReplyMode::On {
        ex.out.ok();
    }
    Ok(())
}

fn no_evict(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let v = args.required()?;
    if v.eq_ignore_ascii_case(b"on") || v.eq_ignore_ascii_case(b"off") {
        ex.out.ok();
        Ok(())
    } else {
        Err(CmdError::Syntax)
    }
}

fn getredir(ex: &mut Exec, _: Args) -> Result<(), CmdError> {
    ex.out.int(-1);
    Ok(())
}

fn trackinginfo(ex: &mut Exec, _: Args) -> Result<(), CmdError> {
    let out = &mut ex.out;
    out.map(3);
    out.bulk(b"flags");
    out.set(1);
    out.bulk(b"off");
    out.bulk(b"redirect");
    out.int(-1);
    out.bulk(b"prefixes");
    out.array(0);
    Ok(())
}

fn unblock(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let id = args.required()?;
    let mut error = false;
    if let Some(how) = args.next() {
        if how.eq_ignore_ascii_case(b"error") {
            error = true;
        } else if !how.eq_ignore_ascii_case(b"timeout") {
            return Err(CmdError::other(
                "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR",
            ));
        }
    }
    args.finish()?;
    let id = parse_i64_strict(id).ok_or(CmdError::NotInteger)?;
    // The keyspace answers the parked client after this command, as Redis does.
    if id > 0 && ex.ks.blocked.contains(id as u64) {
        ex.effect = crate::cmd::Effect::Unblock {
            id: id as u64,
            error,
        };
        ex.out.int(1);
    } else {
        ex.out.int(0);
    }
    Ok(())
}

fn pause(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let ms = parse_i64_strict(args.required()?)
        .ok_or_else(|| CmdError::other("ERR timeout is not an integer or out of range"))?;
    if ms < 0 {
        return Err(CmdError::other("ERR timeout is negative"));
    }
    let all = match args.next() {
        None => true,
        Some(m) if m.eq_ignore_ascii_case(b"all") => true,
        Some(m) if m.eq_ignore_ascii_case(b"write") => false,
        Some(_) => {
            return Err(CmdError::other(
                "ERR CLIENT PAUSE mode must be WRITE or ALL",
            ))
        }
    };
    args.finish()?;
    // As Redis's pauseClients: the later end and the stricter mode win over a running pause.
    let p = &mut ex.ks.pause;
    let running = p.until > ex.now;
    let until = ex.now.saturating_add(ms as u64);
    p.all = all || (running && p.all);
    p.until = if running { p.until.max(until) } else { until };
    ex.effect = crate::cmd::Effect::PauseChanged;
    ex.out.ok();
    Ok(())
}

fn unpause(ex: &mut Exec, _: Args) -> Result<(), CmdError> {
    ex.ks.pause = Default::default();
    ex.effect = crate::cmd::Effect::PauseChanged;
    ex.out.ok();
    Ok(())
}

const HELP: &[&str] = &[
    "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CACHING (YES|NO)",
    "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
    "GETREDIR",
    "    Return the client ID we are redirecting to when tracking is enabled.",
    "GETNAME",
    "    Return the name of the current connection.",
    "ID",
    "    Return the ID of the current connection.",
    "INFO",
    "    Return information about the current client connection.",
    "KILL <ip:port>",
    "    Kill connection made from <ip:port>.",
    "KILL <option> <value> [<option> <value> [...]]",
    "    Kill connections. Options are:",
    "    * ADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made from the specified address",
    "    * LADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made to specified local address",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Kill connections by type.",
    "    * USER <username>",
    "      Kill connections authenticated by <username>.",
    "    * SKIPME (YES|NO)",
    "      Skip killing current connection (default: yes).",
    "LIST [options ...]",
    "    Return information about client connections. Options:",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Return clients of specified type.",
    "UNPAUSE",
    "    Stop the current client pause, resuming traffic.",
    "PAUSE <timeout> [WRITE|ALL]",
    "    Suspend all, or just write, clients for <timeout> milliseconds.",
    "REPLY (ON|OFF|SKIP)",
    "    Control the replies sent to the current connection.",
    "SETNAME <name>",
    "    Assign the name <name> to the current connection.",
    "UNBLOCK <clientid> [TIMEOUT|ERROR]",
    "    Unblock the specified blocked client.",
    "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
    "         [OPTIN] [OPTOUT] [NOLOOP]",
    "    Control server assisted client side caching.",
    "TRACKINGINFO",
    "    Report tracking status for the current connection.",
    "NO-EVICT (ON|OFF)",
    "    Protect current client connection from eviction.",
    "HELP",
    "    Prints this help.",
];

/// Writes a HELP reply: status lines, as Redis's `addReplyHelp`.
pub fn write_help(ex: &mut Exec, lines: &[&str]) {
    ex.out.array(lines.len());
    for l in lines {
        ex.out.simple(l);
    }
}

fn help(ex: &mut Exec, _: Args) -> Result<(), CmdError> {
    write_help(ex, HELP);
    Ok(())
}
