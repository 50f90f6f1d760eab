//! HELLO [protover [AUTH username password] [SETNAME clientname]]
//!
//! Switches the protocol, optionally authenticating and naming the connection, and answers a
//! map describing the server, in the protocol just chosen.

use super::auth::check_user;
use super::client::validate_name;
use crate::cmd::flags::*;
use crate::cmd::table::{spec, NO_KEYS};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::keyspace::value::parse_i64_strict;
use crate::server::REDIS_VERSION;
use protocol::Resp;

pub const SPEC: CommandSpec = spec(
    "hello",
    -1,
    NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | SENTINEL | ALLOW_BUSY,
    NO_KEYS,
    "connection",
    "6.0.0",
    "Handshake with Redis",
    hello,
);

fn hello(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let mut ver = None;
    if let Some(v) = args.next() {
        let v = parse_i64_strict(v).ok_or_else(|| {
            CmdError::other("ERR Protocol version is not an integer or out of range")
        })?;
        if !(2..=3).contains(&v) {
            return Err(CmdError::other("NOPROTO unsupported protocol version"));
        }
        ver = Some(if v == 3 { Resp::V3 } else { Resp::V2 });
    }
    let mut creds = None;
    while let Some(opt) = args.next() {
        if opt.eq_ignore_ascii_case(b"AUTH") && args.remaining() >= 2 {
            creds = Some((args.required()?, args.required()?));
        } else if opt.eq_ignore_ascii_case(b"SETNAME") && args.remaining() >= 1 {
            let n = args.required()?;
            validate_name(n)?;
            // Redis 7.0 names the client as soon as it parses the option, so a later error in
            // the same HELLO (or failed authentication) leaves the name set.
            if let Some(h) = &ex.session.handle {
                h.set_name(if n.is_empty() {
                    None
                } else {
                    Some(String::from_utf8_lossy(n).into())
                });
            }
        } else {
            return Err(CmdError::other(format!(
                "ERR Syntax error in HELLO option '{}'",
                String::from_utf8_lossy(opt)
            )));
        }
    }
    if let Some((user, pass)) = creds {
        if !check_user(&ex.server.config.tunables(), user, pass) {
            return Err(CmdError::WrongPass);
        }
        ex.session.authenticated = true;
    }
    if !ex.session.authenticated {
        return Err(CmdError::other("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time"));
    }
    if let Some(v) = ver {
        ex.session.resp = v;
        ex.out.set_resp(v);
    }
    let proto = if ex.session.resp == Resp::V3 { 3 } else { 2 };
    let out = &mut ex.out;
    out.map(7);
    out.bulk(b"server");
    out.bulk(b"redis");
    out.bulk(b"version");
    out.bulk(REDIS_VERSION.as_bytes());
    out.bulk(b"proto");
    out.int(proto);
    out.bulk(b"id");
    out.int(ex.session.id as i64);
    out.bulk(b"mode");
    out.bulk(b"standalone");
    out.bulk(b"role");
    out.bulk(b"master");
    out.bulk(b"modules");
    out.array(0);
    Ok(())
}
