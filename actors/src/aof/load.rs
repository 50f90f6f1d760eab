//! Loading the AOF at startup, as Redis 7.0's `loadAppendOnlyFiles`: the manifest names a base
//! (an RDB preamble or commands) and incremental files, replayed in order through the command
//! table. A last file cut mid-command is truncated and loaded when `aof-load-truncated yes`.

use super::manifest::{AofKind, Manifest};
use crate::cmd::CommandTable;
use crate::keyspace::db::Db;
use crate::keyspace::state::Keyspace;
use crate::rdb::read_rdb_with;
use crate::server::ServerContext;
use crate::session::Session;
use bytes::{Bytes, BytesMut};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The dataset the AOF held, and the manifest to go on appending with.
pub struct LoadedAof {
    pub dbs: Vec<Db>,
    pub manifest: Manifest,
    pub keys: usize,
}

/// One command read from an AOF, or why reading stopped.
#[derive(Debug, PartialEq)]
pub enum Read {
    Command(Vec<Bytes>),
    /// The file ends inside a command.
    Truncated,
    /// Not a multibulk command.
    BadFormat,
}

/// Reads the command at `data[*pos..]` (a RESP array of bulk strings, the only form Redis
/// writes to an AOF) and advances `pos` past it; `None` at the end of the data.
pub fn read_command(data: &Bytes, pos: &mut usize) -> Option<Read> {
    if *pos >= data.len() {
        return None;
    }
    let mut p = *pos;
    let Some(argc) = header(data, &mut p, b'*') else {
        return Some(if line_complete(data, *pos) {
            Read::BadFormat
        } else {
            Read::Truncated
        });
    };
    if argc < 1 {
        return Some(Read::BadFormat);
    }
    let mut argv = Vec::with_capacity((argc as usize).min(1024));
    for _ in 0..argc {
        if p >= data.len() {
            return Some(Read::Truncated);
        }
        let Some(len) = header(data, &mut p, b'$') else {
            return Some(if line_complete(data, p) {
                Read::BadFormat
            } else {
                Read::Truncated
            });
        };
        let (Ok(len), true) = (usize::try_from(len), len >= 0) else {
            return Some(Read::BadFormat);
        };
        if data.len() - p < len.saturating_add(2) {
            return Some(Read::Truncated);
        }
        argv.push(data.slice(p..p + len));
        p += len + 2;
    }
    *pos = p;
    Some(Read::Command(argv))
}

/// Whether a `\n` ends the line starting at `at` (so a bad line is bad, not cut short).
fn line_complete(data: &[u8], at: usize) -> bool {
    data[at..].contains(&b'\n')
}

/// `<prefix><integer>\r\n` at `p`.
fn header(data: &[u8], p: &mut usize, prefix: u8) -> Option<i64> {
    if data.get(*p) != Some(&prefix) {
        return None;
    }
    let end = data[*p..].iter().position(|&b| b == b'\n')? + *p;
    let digits = data[*p + 1..end].strip_suffix(b"\r")?;
    let n = protocol::parse_i64(digits)?;
    *p = end + 1;
    Some(n)
}

/// How a file's replay ended.
enum Replayed {
    Ok,
    /// Cut short at this many valid bytes.
    Truncated(usize),
}

fn replay(
    ks: &mut Keyspace,
    table: &CommandTable,
    server: &ServerContext,
    name: &str,
    data: Bytes,
) -> Result<Replayed, String> {
    let mut session = Session::new(0, true);
    let mut out = BytesMut::new();
    let mut pos = 0;
    // Where the data was whole before an unfinished MULTI began.
    let mut before_multi = 0;
    let now = crate::server::unix_ms();
    while let Some(read) = read_command(&data, &mut pos) {
        let argv = match read {
            Read::Command(argv) => argv,
            Read::Truncated => {
                let valid = if session.multi.is_some() { before_multi } else { pos };
                return Ok(Replayed::Truncated(valid));
            }
            Read::BadFormat => {
                return Err(format!(
                    "Bad file format reading the append only file {name}: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>"
                ))
            }
        };
        if table.lookup(&argv[0]).is_none() {
            return Err(format!(
                "Unknown command '{}' reading the append only file {name}",
                String::from_utf8_lossy(&argv[0])
            ));
        }
        if argv[0].eq_ignore_ascii_case(b"multi") {
            before_multi = pos - encoded_len(&argv);
        }
        out.clear();
        table.run(ks, &mut session, server, &mut out, &argv, now, false);
    }
    if session.multi.is_some() {
        slog::warn!(
            server.log,
            "Revert incomplete MULTI/EXEC transaction in AOF file {name}"
        );
        return Ok(Replayed::Truncated(before_multi));
    }
    Ok(Replayed::Ok)
}

fn encoded_len(argv: &[Bytes]) -> usize {
    let digits = |n: usize| n.to_string().len();
    3 + digits(argv.len())
        + argv
            .iter()
            .map(|a| 3 + digits(a.len()) + a.len() + 2)
            .sum::<usize>()
}

/// Loads the AOF named by the manifest in `dir/appenddirname`; `Ok(None)` when there is none.
/// `Err` is the message the server logs before refusing to start.
pub fn load(server: &ServerContext, table: &CommandTable) -> Result<Option<LoadedAof>, String> {
    let t = server.config.tunables();
    let dir = PathBuf::from(&t.dir).join(&t.appenddirname);
    migrate_legacy(server, &t, &dir)?;
    let manifest = match Manifest::load(&dir, &t.appendfilename) {
        Ok(Some(m)) => m,
        Ok(None) => return Ok(None),
        Err(e) => return Err(format!("Fatal error: can't load the AOF manifest: {e}")),
    };
    let start = Instant::now();
    let mut ks = Keyspace::new(t.databases, 1);
    let files = manifest.files_to_load();
    let mut keys_expired_before = 0;
    for (i, f) in files.iter().enumerate() {
        let last = i + 1 == files.len();
        let path = dir.join(&f.name);
        let file_start = Instant::now();
        let data = match std::fs::read(&path) {
            Ok(d) => Bytes::from(d),
            Err(e) => return Err(format!("The AOF file {} doesn't exist: {e}", f.name)),
        };
        let kind = if f.kind == AofKind::Base {
            "base"
        } else {
            "incr"
        };
        if data.is_empty() {
            continue;
        }
        if data.starts_with(b"REDIS") {
            slog::info!(server.log, "Reading RDB base file on AOF loading...");
            let opts = crate::persistence::load_options(&t);
            let loaded = read_rdb_with(&data, &opts)
                .map_err(|e| format!("Short read or corrupt RDB base file {}: {e}", f.name))?;
            let now_s = (crate::server::unix_ms() / 1000) as i64;
            for line in loaded.describe(now_s) {
                slog::info!(server.log, "{line}");
            }
            let mut dbs = loaded.dbs;
            dbs.resize_with(t.databases.max(1), Db::new);
            let keys: usize = dbs.iter().map(|d| d.len()).sum();
            slog::info!(
                server.log,
                "Done loading RDB, keys loaded: {keys}, keys expired: {keys_expired_before}."
            );
            keys_expired_before = 0;
            ks.dbs = dbs;
        } else {
            match replay(&mut ks, table, server, &f.name, data)? {
                Replayed::Ok => {}
                Replayed::Truncated(valid) => {
                    if !last {
                        return Err("Fatal error: the truncated file is not the last file".into());
                    }
                    truncated(server, &t, &path, &f.name, valid)?;
                }
            }
        }
        slog::info!(
            server.log,
            "DB loaded from {kind} file {}: {:.3} seconds",
            f.name,
            file_start.elapsed().as_secs_f64()
        );
    }
    slog::info!(
        server.log,
        "DB loaded from append only file: {:.3} seconds",
        start.elapsed().as_secs_f64()
    );
    let keys = ks.dbs.iter().map(|d| d.len()).sum();
    Ok(Some(LoadedAof {
        dbs: std::mem::take(&mut ks.dbs),
        manifest,
        keys,
    }))
}

/// An AOF from before Redis 7 (one `appendonly.aof` in `dir`): moved into the directory as
/// its base, with a manifest naming it, as Redis 7's `aofUpgradePrepare` does.
fn migrate_legacy(
    server: &ServerContext,
    t: &crate::config::Tunables,
    dir: &Path,
) -> Result<(), String> {
    let legacy = PathBuf::from(&t.dir).join(&t.appendfilename);
    let has_manifest = dir
        .join(super::manifest::manifest_file_name(&t.appendfilename))
        .exists();
    if has_manifest || !legacy.is_file() {
        return Ok(());
    }
    let fail = |e: std::io::Error| format!("Error migrating the old-style AOF file: {e}");
    std::fs::create_dir_all(dir).map_err(fail)?;
    let m = Manifest {
        base: Some(super::manifest::AofFile {
            name: t.appendfilename.clone(),
            seq: 1,
            kind: AofKind::Base,
        }),
        curr_base_seq: 1,
        ..Manifest::default()
    };
    // The manifest first: a crash in between leaves the old file in place, still loadable.
    m.persist(dir, &t.appendfilename).map_err(fail)?;
    std::fs::rename(&legacy, dir.join(&t.appendfilename)).map_err(fail)?;
    slog::info!(
        server.log,
        "Successfully migrated an old-style AOF file ({}) into the AOF directory ({}).",
        t.appendfilename,
        t.appenddirname
    );
    Ok(())
}

/// A last file cut mid-command: loaded up to the cut and truncated there when allowed.
fn truncated(
    server: &ServerContext,
    t: &crate::config::Tunables,
    path: &Path,
    name: &str,
    valid: usize,
) -> Result<(), String> {
    if t.aof_load_truncated {
        slog::warn!(
            server.log,
            "!!! Warning: short read while loading the AOF file {name}!!!"
        );
        slog::warn!(
            server.log,
            "!!! Truncating the AOF {name} at offset {valid} !!!"
        );
        let f = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .and_then(|f| f.set_len(valid as u64));
        match f {
            Ok(()) => {
                slog::warn!(
                    server.log,
                    "AOF {name} loaded anyway because aof-load-truncated is enabled"
                );
                return Ok(());
            }
            Err(e) => {
                slog::warn!(server.log, "Error truncating the AOF file {name}: {e}");
            }
        }
    }
    Err(format!(
        "Unexpected end of file reading the append only file {name}. You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server."
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(s: &str) -> Bytes {
        Bytes::copy_from_slice(s.as_bytes())
    }

    #[test]
    fn reads_commands_and_tells_truncation_from_garbage() {
        let data = b("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n");
        let mut pos = 0;
        assert_eq!(
            read_command(&data, &mut pos),
            Some(Read::Command(vec![b("SELECT"), b("0")]))
        );
        assert_eq!(
            read_command(&data, &mut pos),
            Some(Read::Command(vec![b("SET"), b("k"), b("v")]))
        );
        assert_eq!(read_command(&data, &mut pos), None);
        assert_eq!(pos, data.len());
        assert_eq!(encoded_len(&[b("SELECT"), b("0")]), 23);
        // Every cut inside the second command is a truncation at the first one's end.
        for cut in 24..data.len() {
            let part = data.slice(..cut);
            let mut pos = 0;
            read_command(&part, &mut pos);
            assert_eq!(
                read_command(&part, &mut pos),
                Some(Read::Truncated),
                "{cut}"
            );
            assert_eq!(pos, 23);
        }
        for bad in [
            "SET k v\r\n",
            "*0\r\n",
            "*1\r\n+OK\r\n",
            "*x\r\n",
            "*1\r\n$-3\r\n",
        ] {
            let mut pos = 0;
            assert_eq!(
                read_command(&b(bad), &mut pos),
                Some(Read::BadFormat),
                "{bad:?}"
            );
        }
    }
}
