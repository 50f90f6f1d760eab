//! Saving the keyspace to `dir/dbfilename` and loading it at startup, through the RDB format
//! layer. A save writes a temporary file, syncs it and renames it over the old one, as Redis
//! does, so a crash mid-save never leaves a torn dump.

use crate::config::Tunables;
use crate::keyspace::db::Db;
use crate::rdb::{read_rdb_with, write_rdb, LoadOptions, RdbOptions};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

/// Where the dump lives: `dbfilename` inside `dir`.
pub fn dump_path(t: &Tunables) -> PathBuf {
    PathBuf::from(&t.dir).join(&t.dbfilename)
}

/// Writes every database to the dump file; `repl` is the replication history it stands for,
/// so a replica restarting on it can continue partially.
pub fn save(
    dbs: &[Db],
    t: &Tunables,
    used_mem: u64,
    repl: Option<(String, i64)>,
) -> std::io::Result<()> {
    let path = dump_path(t);
    let tmp = PathBuf::from(&t.dir).join(format!("temp-{}.rdb", std::process::id()));
    let opts = RdbOptions {
        compression: t.rdbcompression,
        checksum: t.rdbchecksum,
        used_mem,
        repl,
        ..RdbOptions::default()
    };
    let result = (|| {
        let mut out = BufWriter::new(File::create(&tmp)?);
        write_rdb(&mut out, dbs, &opts)?;
        out.flush()?;
        out.get_ref().sync_all()?;
        std::fs::rename(&tmp, &path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Saves the keyspace and records it (LASTSAVE, INFO persistence), logging as Redis does;
/// false, with the reason logged, on failure. SAVE, SHUTDOWN and SIGTERM all come here.
pub fn save_keyspace(
    ks: &mut crate::keyspace::state::Keyspace,
    server: &crate::server::ServerContext,
    now_ms: u64,
) -> bool {
    let t = server.config.tunables();
    let repl = ks.repl.active.then(|| {
        let h = &ks.repl.history;
        (h.replid.clone(), h.offset)
    });
    match save(&ks.dbs, &t, (server.used_memory)(), repl) {
        Ok(()) => {
            slog::info!(server.log, "DB saved on disk");
            ks.dirty = 0;
            ks.lastsave = now_ms / 1000;
            ks.stats.rdb_saves += 1;
            true
        }
        Err(e) => {
            slog::warn!(
                server.log,
                "Failed opening the temp RDB file temp-{}.rdb (in server root dir {}) for saving: {}",
                std::process::id(),
                t.dir,
                e
            );
            false
        }
    }
}

/// The encoding thresholds a loaded file's values are converted with.
pub fn load_options(t: &Tunables) -> LoadOptions {
    LoadOptions {
        databases: t.databases,
        hash_max_listpack_entries: t.hash_max_listpack_entries,
        hash_max_listpack_value: t.hash_max_listpack_value,
        set_max_intset_entries: t.set_max_intset_entries,
        zset_max_listpack_entries: t.zset_max_listpack_entries,
        zset_max_listpack_value: t.zset_max_listpack_value,
    }
}

/// What loading found.
pub struct LoadedDump {
    pub dbs: Vec<Db>,
    pub keys: usize,
    /// What Redis logs about the file as it loads it (version, age, memory).
    pub notes: Vec<String>,
    /// The replication history the file was saved at (`repl-id`, `repl-offset`).
    pub repl: Option<(String, i64)>,
}

/// Reads the dump if there is one. `Err` carries the message the server logs before it refuses
/// to start, naming the file and the offset of the damage.
pub fn load(t: &Tunables) -> Result<Option<LoadedDump>, String> {
    let path = dump_path(t);
    let data = match std::fs::read(&path) {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(format!(
                "Fatal error loading the DB ({}): {e}",
                path.display()
            ))
        }
    };
    let loaded = read_rdb_with(&data, &load_options(t))
        .map_err(|e| format!("Short read or corrupt RDB file {}: {e}", path.display()))?;
    let notes = loaded.describe((crate::server::unix_ms() / 1000) as i64);
    let repl = match (loaded.repl_id(), loaded.repl_offset()) {
        (Some(id), Some(off)) if id.len() == 40 => {
            Some((String::from_utf8_lossy(id).into_owned(), off))
        }
        _ => None,
    };
    let mut dbs = loaded.dbs;
    dbs.resize_with(t.databases.max(1), Db::new);
    let keys = dbs.iter().map(|d| d.len()).sum();
    Ok(Some(LoadedDump {
        dbs,
        keys,
        notes,
        repl,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyspace::value::Value;

    fn tunables(dir: &std::path::Path) -> Tunables {
        Tunables {
            dir: dir.display().to_string(),
            ..Tunables::default()
        }
    }

    #[test]
    fn saves_and_loads_back() {
        let dir = std::env::temp_dir().join(format!("redactor-persist-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let t = tunables(&dir);
        assert!(load(&t).unwrap().is_none());
        let mut dbs: Vec<Db> = (0..16).map(|_| Db::new()).collect();
        dbs[0].insert(b"k", Value::str(b"v"), 0);
        dbs[3].insert(b"n", Value::str(b"12"), 4_000_000_000_000);
        save(&dbs, &t, 0, None).unwrap();
        let back = load(&t).unwrap().unwrap();
        assert_eq!(back.keys, 2);
        assert_eq!(back.dbs[0].get(b"k").unwrap().value, Value::str(b"v"));
        assert_eq!(back.dbs[3].get(b"n").unwrap().expire_at, 4_000_000_000_000);
        // No temporary file is left behind.
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("dump.rdb")]);
        // A damaged dump is refused with the offset.
        let path = dump_path(&t);
        let mut data = std::fs::read(&path).unwrap();
        let n = data.len();
        data[n - 3] ^= 0xff;
        std::fs::write(&path, &data).unwrap();
        let err = load(&t).err().unwrap();
        assert!(err.contains("corrupt RDB"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
