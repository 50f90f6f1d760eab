//! MAILBOX LIST [pattern] | GET name | RESET | HELP
//!
//! Redactor's own: the mailbox of every actor by its stable name (`keyspace/0`, `conn/17`,
//! `listener/127.0.0.1:6379`). LIST names them (optionally filtered by a glob), GET answers a
//! map of one mailbox's counters (nil for an unknown name), RESET clears every counter.

use crate::cmd::connection::client::write_help;
use crate::cmd::flags::*;
use crate::cmd::keys::glob::glob_match;
use crate::cmd::table::{container, spec, NO_KEYS};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

const F: u32 = ADMIN | LOADING | STALE;

pub const SPEC: CommandSpec = container(
    "mailbox",
    0,
    "server",
    "0.1.0",
    "A container for actor mailbox introspection commands (Redactor)",
    &[
        spec(
            "list",
            -2,
            F,
            NO_KEYS,
            "server",
            "0.1.0",
            "List actor mailboxes",
            list,
        ),
        spec(
            "get",
            3,
            F,
            NO_KEYS,
            "server",
            "0.1.0",
            "Counters of one actor mailbox",
            get,
        ),
        spec(
            "reset",
            2,
            F,
            NO_KEYS,
            "server",
            "0.1.0",
            "Reset every mailbox counter",
            reset,
        ),
        spec(
            "help",
            2,
            LOADING | STALE,
            NO_KEYS,
            "server",
            "0.1.0",
            "Show helpful text about the different subcommands",
            help,
        ),
    ],
);

fn list(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let pattern = args.next();
    args.finish()?;
    let names: Vec<String> = ex
        .server
        .mailboxes
        .snapshots()
        .into_iter()
        .map(|s| s.name)
        .filter(|n| pattern.is_none_or(|p| glob_match(p, n.as_bytes(), false)))
        .collect();
    ex.out.array(names.len());
    for n in names {
        ex.out.bulk(n.as_bytes());
    }
    Ok(())
}

fn get(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let name = String::from_utf8_lossy(args.required()?).into_owned();
    let Some(mb) = ex.server.mailboxes.get(&name) else {
        ex.out.null();
        return Ok(());
    };
    let s = mb.snapshot();
    let ints = [
        ("queued", s.queued),
        ("max_queued", s.max_queued),
        ("sent", s.sent),
        ("handled", s.handled),
        ("in_flight", s.in_flight),
        ("refused", s.refused),
        ("busy_us", s.busy_us),
        ("oldest_wait_us", s.oldest_wait_us),
    ];
    let times = [
        ("p50_us", s.p50_us),
        ("p99_us", s.p99_us),
        ("max_us", s.max_us),
    ];
    ex.out.map(ints.len() + times.len());
    for (k, v) in ints {
        ex.out.bulk(k.as_bytes());
        ex.out.int(v as i64);
    }
    for (k, v) in times {
        ex.out.bulk(k.as_bytes());
        ex.out.double(v);
    }
    Ok(())
}

fn reset(ex: &mut Exec, _: Args) -> Result<(), CmdError> {
    ex.server.mailboxes.reset();
    ex.out.ok();
    Ok(())
}

fn help(ex: &mut Exec, _: Args) -> Result<(), CmdError> {
    write_help(
        ex,
        &[
            "MAILBOX <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "LIST [<pattern>]",
            "    Return the names of actor mailboxes matching <pattern> (default: all).",
            "GET <name>",
            "    Return the counters of one mailbox: queued, max_queued, sent, handled,",
            "    in_flight, refused, busy_us, oldest_wait_us, p50_us, p99_us, max_us.",
            "RESET",
            "    Reset the counters of every mailbox.",
            "HELP",
            "    Prints this help.",
        ],
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn lists_gets_and_resets_mailboxes() {
        let mut h = Harness::new();
        let mb = h.server.mailboxes.register("keyspace/0");
        h.server.mailboxes.register("conn/7");
        mb.sent();
        drop(mb.handling());
        h.check(&[
            (
                "MAILBOX LIST",
                "*2\r\n$6\r\nconn/7\r\n$10\r\nkeyspace/0\r\n",
            ),
            ("MAILBOX LIST key*", "*1\r\n$10\r\nkeyspace/0\r\n"),
            ("MAILBOX GET nosuch", "$-1\r\n"),
            ("MAILBOX RESET", "+OK\r\n"),
        ]);
        let got = h.run(&["MAILBOX", "GET", "keyspace/0"]);
        assert!(got.starts_with("*22\r\n$6\r\nqueued\r\n:0\r\n"), "{got}");
        assert!(got.contains("$7\r\nhandled\r\n:0\r\n"), "{got}");
        let mut h3 = Harness::new().resp3();
        h3.server.mailboxes.register("keyspace/0");
        let got = h3.run(&["MAILBOX", "GET", "keyspace/0"]);
        assert!(got.starts_with("%11\r\n"), "{got}");
        assert!(got.contains("$6\r\np50_us\r\n,0\r\n"), "{got}");
    }
}
