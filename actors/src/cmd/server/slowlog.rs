//! SLOWLOG GET [count] | LEN | RESET | HELP
//!
//! The slow log: commands that took at least `slowlog-log-slower-than` µs (negative: none, 0:
//! all), newest first, at most `slowlog-max-len` of them; filled in `call()`. Each entry is
//! `[id, unix time, µs, [args...], "ip:port", "client-name"]`.

use crate::cmd::connection::client::write_help;
use crate::cmd::flags::*;
use crate::cmd::table::{container, spec, NO_KEYS};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

const F: u32 = ADMIN | LOADING | STALE;

pub const SPEC: CommandSpec = container(
    "slowlog",
    0,
    "server",
    "2.2.12",
    "A container for slow log commands",
    &[
        spec(
            "get",
            -2,
            F,
            NO_KEYS,
            "server",
            "2.2.12",
            "Get the slow log's entries",
            get,
        ),
        spec(
            "help",
            2,
            LOADING | STALE,
            NO_KEYS,
            "server",
            "6.2.0",
            "Show helpful text about the different subcommands",
            help,
        ),
        spec(
            "len",
            2,
            F,
            NO_KEYS,
            "server",
            "2.2.12",
            "Get the slow log's length",
            len,
        ),
        spec(
            "reset",
            2,
            F,
            NO_KEYS,
            "server",
            "2.2.12",
            "Clear all entries from the slow log",
            reset,
        ),
    ],
);

fn get(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    let mut count = 10i64;
    match args.rest() {
        [] => {}
        [c] => {
            count = match protocol::parse_i64(c) {
                Some(n) if n >= -1 => n,
                _ => {
                    return Err(CmdError::other(
                        "ERR count should be greater than or equal to -1",
                    ))
                }
            };
            if count == -1 {
                count = ex.ks.slowlog.entries.len() as i64;
            }
        }
        _ => return Err(CmdError::subcommand_arity(&args.all()[1], "slowlog")),
    }
    let n = (count as usize).min(ex.ks.slowlog.entries.len());
    ex.out.array(n);
    for e in ex.ks.slowlog.entries.iter().take(n) {
        ex.out.array(6);
        ex.out.int(e.id as i64);
        ex.out.int(e.time as i64);
        ex.out.int(e.duration_us as i64);
        ex.out.array(e.args.len());
        for a in &e.args {
            ex.out.bulk(a);
        }
        ex.out.bulk(e.peer.as_bytes());
        ex.out.bulk(e.name.as_bytes());
    }
    Ok(())
}

fn len(ex: &mut Exec, _: Args) -> Result<(), CmdError> {
    ex.out.int(ex.ks.slowlog.entries.len() as i64);
    Ok(())
}

fn reset(ex: &mut Exec, _: Args) -> Result<(), CmdError> {
    ex.ks.slowlog.entries.clear();
    ex.out.ok();
    Ok(())
}

fn help(ex: &mut Exec, _: Args) -> Result<(), CmdError> {
    write_help(
        ex,
        &[
            "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "GET [<count>]",
            "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
            "    Entries are made of:",
            "    id, timestamp, time in microseconds, arguments array, client IP and port,",
            "    client name",
            "LEN",
            "    Return the length of the slowlog.",
            "RESET",
            "    Reset the slowlog.",
            "HELP",
            "    Prints this help.",
        ],
    );
    Ok(())
}
