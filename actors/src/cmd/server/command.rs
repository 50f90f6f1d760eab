//! COMMAND | COMMAND COUNT | LIST | INFO [name ...] | DOCS [name ...] | GETKEYS cmd [arg ...] |
//! GETKEYSANDFLAGS cmd [arg ...] | HELP
//!
//! Describes the command table. INFO gives Redis 7.0's ten fields per command; key
//! specifications are reduced to the legacy first/last/step triple, and DOCS gives summary,
//! since and group without per-argument documentation.

use crate::cmd::connection::client::write_help;
use crate::cmd::flags::{self, *};
use crate::cmd::table::{spec, NO_KEYS};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};

const F: u32 = LOADING | STALE | SENTINEL;

pub const SPEC: CommandSpec = CommandSpec {
    name: "command",
    arity: -1,
    flags: LOADING | STALE | SENTINEL,
    first_key: 0,
    last_key: 0,
    step: 0,
    group: "server",
    since: "2.8.13",
    summary: "Get array of Redis command details",
    handler: all,
    subcommands: &[
        spec(
            "count",
            2,
            F,
            NO_KEYS,
            "server",
            "2.8.13",
            "Get total number of Redis commands",
            count,
        ),
        spec(
            "list",
            -2,
            F,
            NO_KEYS,
            "server",
            "7.0.0",
            "Get an array of Redis command names",
            list,
        ),
        spec(
            "info",
            -2,
            F,
            NO_KEYS,
            "server",
            "2.8.13",
            "Get array of specific Redis command details, or all when no argument is given",
            info,
        ),
        spec(
            "docs",
            -2,
            F,
            NO_KEYS,
            "server",
            "7.0.0",
            "Get array of specific Redis command documentation",
            docs,
        ),
        spec(
            "getkeys",
            -4,
            F,
            NO_KEYS,
            "server",
            "2.8.13",
            "Extract keys given a full Redis command",
            getkeys,
        ),
        spec(
            "getkeysandflags",
            -4,
            F,
            NO_KEYS,
            "server",
            "7.0.0",
            "Extract keys and access flags given a full Redis command",
            getkeysandflags,
        ),
        spec(
            "help",
            2,
            LOADING | STALE,
            NO_KEYS,
            "server",
            "5.0.0",
            "Show helpful text about the different subcommands",
            help,
        ),
    ],
};

fn acl_categories(c: &CommandSpec) -> Vec<String> {
    let mut cats = Vec::new();
    if c.flags & WRITE != 0 {
        cats.push("@write".to_string());
    }
    if c.flags & READONLY != 0 {
        cats.push("@read".to_string());
    }
    let group = match c.group {
        "generic" => "keyspace",
        "server" | "connection" => "",
        g => g,
    };
    if !group.is_empty() {
        cats.push(format!("@{group}"));
    }
    if c.group == "connection" {
        cats.push("@connection".into());
    }
    if c.flags & ADMIN != 0 {
        cats.push("@admin".into());
    }
    cats.push(
        if c.flags & FAST != 0 {
            "@fast"
        } else {
            "@slow"
        }
        .into(),
    );
    if c.flags & ADMIN != 0 {
        cats.push("@dangerous".into());
    }
    cats
}

fn write_info(ex: &mut Exec, c: &CommandSpec, fullname: &str) {
    let keep: Vec<&str> = c.subcommands.iter().map(|s| s.name).collect();
    if let Some(f) = ex.table.meta.info(fullname, &keep) {
        ex.out.frame(&f);
        return;
    }
    let o = &mut ex.out;
    o.array(10);
    o.bulk(fullname.as_bytes());
    o.int(c.arity as i64);
    let names: Vec<&str> = flags::NAMES
        .iter()
        .filter(|(bit, _)| c.flags & bit != 0)
        .map(|(_, n)| *n)
        .collect();
    o.set(names.len());
    for n in names {
        o.simple(n);
    }
    o.int(c.first_key as i64);
    o.int(c.last_key as i64);
    o.int(c.step as i64);
    let cats = acl_categories(c);
    o.set(cats.len());
    for cat in &cats {
        o.simple(cat);
    }
    o.array(0);
    o.array(0);
    o.array(c.subcommands.len());
    for s in c.subcommands {
        write_info(ex, s, &format!("{}|{}", c.name, s.name));
    }
}

fn all(ex: &mut Exec, _: Args) -> Result<(), CmdError> {
    let specs: Vec<_> = ex.table.all().collect();
    ex.out.array(specs.len());
    for c in specs {
        write_info(ex, c, c.name);
    }
    Ok(())
}

fn count(ex: &mut Exec, _: Args) -> Result<(), CmdError> {
    ex.out.int(ex.table.all().count() as i64);
    Ok(())
}

fn list(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let mut pattern = None;
    if args.eat("FILTERBY") {
        let kind = args.required()?.to_ascii_lowercase();
        let value = args.required()?;
        args.finish()?;
        match &kind[..] {
            b"pattern" => pattern = Some(value),
            b"module" => {
                ex.out.array(0);
                return Ok(());
            }
            b"aclcat" => {
                let cat = format!("@{}", String::from_utf8_lossy(value).to_ascii_lowercase());
                let names: Vec<&str> = ex
                    .table
                    .all()
                    .filter(|c| acl_categories(c).contains(&cat))
                    .map(|c| c.name)
                    .collect();
                ex.out.array(names.len());
                for n in names {
                    ex.out.bulk(n.as_bytes());
                }
                return Ok(());
            }
            _ => return Err(CmdError::Syntax),
        }
    } else {
        args.finish()?;
    }
    let names: Vec<&str> = ex
        .table
        .all()
        .map(|c| c.name)
        .filter(|n| {
            pattern.is_none_or(|p| crate::cmd::keys::glob::glob_match(p, n.as_bytes(), true))
        })
        .collect();
    ex.out.array(names.len());
    for n in names {
        ex.out.bulk(n.as_bytes());
    }
    Ok(())
}

/// Finds `name` or `container|sub`.
fn find(ex: &Exec, name: &[u8]) -> Option<(&'static CommandSpec, String)> {
    let s = String::from_utf8_lossy(name).to_ascii_lowercase();
    match s.split_once('|') {
        Some((parent, sub)) => {
            let p = ex.table.lookup(parent.as_bytes())?;
            let c = p.subcommands.iter().find(|c| c.name == sub)?;
            Some((c, s.clone()))
        }
        None => ex.table.lookup(name).map(|c| (c, c.name.to_string())),
    }
}

fn info(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    if args.is_empty() {
        return all(ex, args);
    }
    let names = args.rest();
    ex.out.array(names.len());
    for n in names {
        match find(ex, n) {
            Some((c, full)) => write_info(ex, c, &full),
            None => ex.out.null(),
        }
    }
    Ok(())
}

fn write_doc(ex: &mut Exec, c: &CommandSpec, full: &str) {
    ex.out.bulk(full.as_bytes());
    let keep: Vec<&str> = c.subcommands.iter().map(|s| s.name).collect();
    if let Some(f) = ex.table.meta.docs(full, &keep) {
        ex.out.frame(&f);
        return;
    }
    let subs = !c.subcommands.is_empty();
    ex.out.map(3 + subs as usize);
    ex.out.bulk(b"summary");
    ex.out.bulk(c.summary.as_bytes());
    ex.out.bulk(b"since");
    ex.out.bulk(c.since.as_bytes());
    ex.out.bulk(b"group");
    ex.out.bulk(c.group.as_bytes());
    if subs {
        ex.out.bulk(b"subcommands");
        ex.out.map(c.subcommands.len());
        for s in c.subcommands {
            write_doc(ex, s, &format!("{}|{}", c.name, s.name));
        }
    }
}

fn docs(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    let found: Vec<(&CommandSpec, String)> = if args.is_empty() {
        ex.table.all().map(|c| (c, c.name.to_string())).collect()
    } else {
        args.rest().iter().filter_map(|n| find(ex, n)).collect()
    };
    ex.out.map(found.len());
    for (c, full) in found {
        write_doc(ex, c, &full);
    }
    Ok(())
}

/// The keys of a full command line and their flags, from Redis's key specs for the command
/// (or, for a container, its subcommand).
fn key_positions(ex: &Exec, line: &[bytes::Bytes]) -> Result<Vec<(usize, Vec<String>)>, CmdError> {
    let Some(mut c) = ex.table.lookup(&line[0]) else {
        return Err(CmdError::other("ERR Invalid command specified"));
    };
    let mut full = c.name.to_string();
    if !c.subcommands.is_empty() && line.len() > 1 {
        if let Some(sub) = c
            .subcommands
            .iter()
            .find(|s| s.name.as_bytes().eq_ignore_ascii_case(&line[1]))
        {
            full = format!("{}|{}", c.name, sub.name);
            c = sub;
        }
    }
    let specs = ex
        .table
        .meta
        .info(&full, &[])
        .map(|f| super::keyspecs::from_info(&f))
        .unwrap_or_default();
    if specs.is_empty() {
        return Err(CmdError::other("ERR The command has no key arguments"));
    }
    let argc = line.len() as i32;
    if (c.arity > 0 && argc != c.arity) || (c.arity < 0 && argc < -c.arity) {
        return Err(CmdError::other(
            "ERR Invalid number of arguments specified for command",
        ));
    }
    let mut keys = super::keyspecs::keys(&specs, line)?;
    for (_, flags) in &mut keys {
        // `variable_flags` says the command decides per call, as Redis's setGetKeys does for
        // SET: only SET ... GET reads the old value.
        if flags.iter().any(|f| f == "variable_flags") {
            let reads = line.iter().skip(3).any(|a| a.eq_ignore_ascii_case(b"get"));
            *flags = if full == "set" && !reads {
                vec!["OW".into(), "update".into()]
            } else {
                flags
                    .iter()
                    .filter(|f| *f != "variable_flags")
                    .cloned()
                    .collect()
            };
        }
    }
    Ok(keys)
}

fn getkeys(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    let line = args.rest();
    let pos = key_positions(ex, line)?;
    ex.out.array(pos.len());
    for (i, _) in pos {
        ex.out.bulk(&line[i]);
    }
    Ok(())
}

fn getkeysandflags(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    let line = args.rest();
    let pos = key_positions(ex, line)?;
    ex.out.array(pos.len());
    for (i, flags) in pos {
        ex.out.array(2);
        ex.out.bulk(&line[i]);
        ex.out.set(flags.len());
        for f in &flags {
            ex.out.simple(f);
        }
    }
    Ok(())
}

fn help(ex: &mut Exec, _: Args) -> Result<(), CmdError> {
    write_help(
        ex,
        &[
            "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "(no subcommand)",
            "    Return details about all Redis commands.",
            "COUNT",
            "    Return the total number of commands in this Redis server.",
            "LIST",
            "    Return a list of all commands in this Redis server.",
            "INFO [<command-name> ...]",
            "    Return details about multiple Redis commands.",
            "    If no command names are given, documentation details for all",
            "    commands are returned.",
            "DOCS [<command-name> ...]",
            "    Return documentation details about multiple Redis commands.",
            "    If no command names are given, documentation details for all",
            "    commands are returned.",
            "GETKEYS <full-command>",
            "    Return the keys from a full Redis command.",
            "GETKEYSANDFLAGS <full-command>",
            "    Return the keys and the access flags from a full Redis command.",
            "HELP",
            "    Prints this help.",
        ],
    );
    Ok(())
}
