//! OBJECT ENCODING key | OBJECT FREQ key | OBJECT IDLETIME key | OBJECT REFCOUNT key |
//! OBJECT HELP
//!
//! Introspection of the value at `key` (nil when absent): its internal encoding, LFU access
//! frequency, idle seconds, and reference count.
//!
//! Access times are not tracked: IDLETIME answers 0 and FREQ the counter's initial value. The
//! policy checks and their errors are Redis's.

use crate::cmd::flags::*;
use crate::cmd::table::{container, spec};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::keyspace::db::Entry;
use crate::keyspace::value::{parse_i64_strict, Value};

const SUB_KEY: (i32, i32, i32) = (2, 2, 1);

pub const SPEC: CommandSpec = container(
    "object",
    0,
    "generic",
    "2.2.3",
    "A container for object introspection commands",
    &[
        spec(
            "encoding",
            3,
            READONLY,
            SUB_KEY,
            "generic",
            "2.2.3",
            "Inspect the internal encoding of a Redis object",
            encoding,
        ),
        spec(
            "freq",
            3,
            READONLY,
            SUB_KEY,
            "generic",
            "4.0.0",
            "Get the logarithmic access frequency counter of a Redis object",
            freq,
        ),
        spec(
            "help",
            2,
            LOADING | STALE,
            (0, 0, 0),
            "generic",
            "6.2.0",
            "Show helpful text about the different subcommands",
            help,
        ),
        spec(
            "idletime",
            3,
            READONLY,
            SUB_KEY,
            "generic",
            "2.2.3",
            "Get the time since a Redis object was last accessed",
            idletime,
        ),
        spec(
            "refcount",
            3,
            READONLY,
            SUB_KEY,
            "generic",
            "2.2.3",
            "Get the number of references to the value of the key",
            refcount,
        ),
    ],
);

/// Redis's LFU counter value for a new object (`LFU_INIT_VAL`).
const LFU_INIT_VAL: i64 = 5;
/// Reference count Redis reports for its shared objects (`OBJ_SHARED_REFCOUNT`, INT_MAX).
const SHARED_REFCOUNT: i64 = i32::MAX as i64;
/// Integers below this are shared objects in Redis (`OBJ_SHARED_INTEGERS`).
const SHARED_INTEGERS: i64 = 10000;

/// The entry under the key argument, or a nil reply when there is none.
fn lookup<'e>(ex: &'e mut Exec, args: &mut Args) -> Result<Option<&'e Entry>, CmdError> {
    let key = args.required()?;
    // LOOKUP_NONOTIFY in Redis: OBJECT counts hits and misses but raises no keymiss.
    let found = ex.ks.read_quiet(ex.session.db, key, ex.now).map(|e| &*e);
    if found.is_none() {
        ex.out.null();
    }
    Ok(found)
}

fn policy_is(ex: &Exec, kind: &str) -> bool {
    ex.server.config.tunables().maxmemory_policy.contains(kind)
}

fn encoding(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    if let Some(e) = lookup(ex, &mut args)? {
        let name = e.value.encoding();
        ex.out.bulk(name.as_bytes());
    }
    Ok(())
}

fn freq(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    if lookup(ex, &mut args)?.is_none() {
        return Ok(());
    }
    if !policy_is(ex, "lfu") {
        return Err(CmdError::other(
            "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note \
             that when switching between policies at runtime LRU and LFU data will take some time \
             to adjust.",
        ));
    }
    ex.out.int(LFU_INIT_VAL);
    Ok(())
}

fn idletime(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    if lookup(ex, &mut args)?.is_none() {
        return Ok(());
    }
    if policy_is(ex, "lfu") {
        return Err(CmdError::other(
            "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when \
             switching between policies at runtime LRU and LFU data will take some time to adjust.",
        ));
    }
    ex.out.int(0);
    Ok(())
}

fn refcount(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let Some(e) = lookup(ex, &mut args)? else {
        return Ok(());
    };
    // Redis stores small integers as shared objects, unless maxmemory with an LRU or LFU policy
    // needs per-key access data.
    let small_int = match &e.value {
        Value::Str(s) if s.encoding() == "int" => {
            parse_i64_strict(&s.data).is_some_and(|v| (0..SHARED_INTEGERS).contains(&v))
        }
        #[allow(unreachable_patterns)]
        _ => false,
    };
    let t = ex.server.config.tunables();
    let per_key_lru = t.maxmemory != 0
        && (t.maxmemory_policy.contains("lru") || t.maxmemory_policy.contains("lfu"));
    ex.out.int(if small_int && !per_key_lru {
        SHARED_REFCOUNT
    } else {
        1
    });
    Ok(())
}

const HELP: &[&str] = &[
    "ENCODING <key>",
    "    Return the kind of internal representation used in order to store the value",
    "    associated with a <key>.",
    "FREQ <key>",
    "    Return the access frequency index of the <key>. The returned integer is",
    "    proportional to the logarithm of the recent access frequency of the key.",
    "IDLETIME <key>",
    "    Return the idle time of the <key>, that is the approximated number of",
    "    seconds elapsed since the last access to the key.",
    "REFCOUNT <key>",
    "    Return the number of references of the value associated with the specified",
    "    <key>.",
];

fn help(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    let name = String::from_utf8_lossy(&args.all()[0]).to_ascii_uppercase();
    ex.out.array(HELP.len() + 3);
    ex.out.simple(&format!(
        "{name} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    ));
    for line in HELP {
        ex.out.simple(line);
    }
    ex.out.simple("HELP");
    ex.out.simple("    Prints this help.");
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::strings::server_with;
    use crate::cmd::testing::Harness;

    #[test]
    fn encodings_and_refcounts() {
        let mut h = Harness::new();
        let long = "x".repeat(45);
        h.run(&["SET", "long", &long]);
        h.check(&[
            ("OBJECT ENCODING nokey", "$-1\r\n"),
            ("OBJECT REFCOUNT nokey", "$-1\r\n"),
            ("OBJECT FREQ nokey", "$-1\r\n"),
            ("SET k 100", "+OK\r\n"),
            ("OBJECT ENCODING k", "$3\r\nint\r\n"),
            ("OBJECT REFCOUNT k", ":2147483647\r\n"),
            ("SET k 10000", "+OK\r\n"),
            ("OBJECT REFCOUNT k", ":1\r\n"),
            ("SET k -1", "+OK\r\n"),
            ("OBJECT REFCOUNT k", ":1\r\n"),
            ("SET k hello", "+OK\r\n"),
            ("OBJECT encoding k", "$6\r\nembstr\r\n"),
            ("OBJECT ENCODING long", "$3\r\nraw\r\n"),
            ("OBJECT IDLETIME k", ":0\r\n"),
            (
                "OBJECT FREQ k",
                "-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please \
                 note that when switching between policies at runtime LRU and LFU data will take \
                 some time to adjust.\r\n",
            ),
            ("OBJECT ENCODING", "-ERR wrong number of arguments for 'object|encoding' command\r\n"),
            ("OBJECT ENCODING k x", "-ERR wrong number of arguments for 'object|encoding' command\r\n"),
            ("OBJECT HELP x", "-ERR wrong number of arguments for 'object|help' command\r\n"),
            ("OBJECT foo", "-ERR unknown subcommand 'foo'. Try OBJECT HELP.\r\n"),
            ("OBJECT", "-ERR wrong number of arguments for 'object' command\r\n"),
        ]);
        let mut h = Harness::new().resp3();
        h.check(&[("OBJECT ENCODING nokey", "_\r\n")]);
    }

    #[test]
    fn lfu_policy_swaps_which_subcommand_is_refused() {
        let mut h = Harness::with_server(server_with(|t| {
            t.maxmemory_policy = "allkeys-lfu".into();
            t.maxmemory = 1 << 30;
        }));
        h.check(&[
            ("SET k 1", "+OK\r\n"),
            ("OBJECT FREQ k", ":5\r\n"),
            (
                "OBJECT IDLETIME k",
                "-ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that \
                 when switching between policies at runtime LRU and LFU data will take some time \
                 to adjust.\r\n",
            ),
            ("OBJECT REFCOUNT k", ":1\r\n"),
        ]);
    }

    #[test]
    fn help_lists_subcommands() {
        let mut h = Harness::new();
        let reply = h.run(&["object", "help"]);
        assert!(reply.starts_with("*15\r\n+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+ENCODING <key>\r\n"));
        assert!(reply.ends_with("+REFCOUNT <key>\r\n+    Return the number of references of the value associated with the specified\r\n+    <key>.\r\n+HELP\r\n+    Prints this help.\r\n"));
    }
}
