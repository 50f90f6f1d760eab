//! The AOF writer: an actor on its own thread that appends the keyspace's propagated writes to
//! the current incremental file and syncs it per `appendfsync`, so neither write(2) nor
//! fsync(2) ever runs on the keyspace's thread. It owns the manifest: a rewrite opens a new
//! incremental file when it starts and installs the new base when it is written.

use super::manifest::{temp_incr_file_name, AofFile, Manifest};
use crate::keyspace::propagate::{encode, Propagate};
use crate::metrics::Mailbox;
use crate::server::ServerContext;
use actix::prelude::*;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What INFO persistence and the rewrite cron read, kept by the writer.
#[derive(Debug, Default)]
pub struct AofStatus {
    /// `aof_current_size`: base plus incremental files.
    pub current_size: AtomicU64,
    /// `aof_base_size`: the size right after the last rewrite (or at startup).
    pub base_size: AtomicU64,
    /// `aof_last_write_status` is `err` while this is false.
    pub write_ok: AtomicBool,
    /// Why the last write failed, for `MISCONF Errors writing to the AOF file: ...`.
    pub write_error: Mutex<String>,
    /// `aof_pending_bio_fsync`-like: bytes written and not yet synced.
    pub unsynced: AtomicU64,
    /// `aof_delayed_fsync`
    pub delayed_fsync: AtomicU64,
}

/// The rewrite began: later writes go to a new incremental file.
#[derive(Message, Debug)]
#[rtype(result = "()")]
pub struct StartRewrite;

/// The rewrite's base is written at `tmp`: install it.
#[derive(Message, Debug)]
#[rtype(result = "Result<(), String>")]
pub struct InstallBase {
    pub tmp: PathBuf,
    pub rdb_preamble: bool,
}

/// Sync what has been written (shutdown, `appendfsync` change).
#[derive(Message, Debug)]
#[rtype(result = "()")]
pub struct SyncAof;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fsync {
    Always,
    EverySec,
    No,
}

impl Fsync {
    pub fn parse(s: &str) -> Fsync {
        match s {
            "always" => Fsync::Always,
            "no" => Fsync::No,
            _ => Fsync::EverySec,
        }
    }
}

pub struct AofWriter {
    dir: PathBuf,
    filename: String,
    manifest: Manifest,
    file: File,
    /// The database the current file last selected; `None` at a file's start.
    selected: Option<usize>,
    /// Encoded commands not yet written (after a failed write).
    buf: Vec<u8>,
    unsynced: bool,
    aof_enabled: bool,
    /// Senders of appends not yet written, answered after the next write.
    waiters: Vec<tokio::sync::oneshot::Sender<()>>,
    flush_scheduled: bool,
    /// Turned on at runtime and waiting for its first rewrite (Redis's `AOF_WAIT_REWRITE`):
    /// writes go to a temporary incr file the manifest does not name until the base exists.
    waiting: bool,
    server: Arc<ServerContext>,
    status: Arc<AofStatus>,
    mailbox: Arc<Mailbox>,
    log: slog::Logger,
}

/// Why the AOF could not be opened for appending.
#[derive(Debug)]
pub enum AofOpenError {
    /// `appenddirname` could not be created.
    Dir { dir: PathBuf, reason: String },
    /// The manifest could not be written.
    Manifest { reason: String },
    /// The incremental file could not be opened.
    Incr { path: PathBuf, reason: String },
}

impl std::fmt::Display for AofOpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AofOpenError::Dir { dir, reason } => write!(
                f,
                "Can't open or create append-only dir {}: {reason}",
                dir.display()
            ),
            AofOpenError::Manifest { reason } => {
                write!(f, "Can't persist the AOF manifest file: {reason}")
            }
            AofOpenError::Incr { path, reason } => write!(
                f,
                "Can't open the append-only file {}: {reason}",
                path.display()
            ),
        }
    }
}

/// A base file written synchronously at startup: an RDB with `aof-base` set.
fn write_base(
    path: &Path,
    dbs: &[crate::keyspace::db::Db],
    t: &crate::config::Tunables,
) -> std::io::Result<()> {
    let opts = crate::rdb::RdbOptions {
        compression: t.rdbcompression,
        checksum: t.rdbchecksum,
        aof_base: true,
        ..Default::default()
    };
    let mut out = std::io::BufWriter::new(File::create(path)?);
    crate::rdb::write_rdb(&mut out, dbs, &opts)?;
    out.flush()?;
    out.get_ref().sync_all()
}

/// The C library's message for an I/O error, as Redis quotes `strerror(errno)`.
fn strerror(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

fn open_append(path: &Path) -> std::io::Result<File> {
    OpenOptions::new().create(true).append(true).open(path)
}

fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

impl AofWriter {
    /// Redis's `aofOpenIfNeededOnServerStart`: creates the directory, picks the last incr file
    /// (a new one if the manifest has none), persists the manifest if it changed and opens the
    /// file for appending.
    ///
    /// With no AOF at all it first writes a base file of `dbs` (the dataset at startup), as
    /// Redis 7.0 does, so the directory always holds a complete AOF.
    pub fn open(
        server: Arc<ServerContext>,
        manifest: Option<Manifest>,
        dbs: &[crate::keyspace::db::Db],
        mailbox: Arc<Mailbox>,
    ) -> Result<Self, AofOpenError> {
        let t = server.config.tunables();
        let dir = PathBuf::from(&t.dir).join(&t.appenddirname);
        std::fs::create_dir_all(&dir).map_err(|e| AofOpenError::Dir {
            dir: dir.clone(),
            reason: e.to_string(),
        })?;
        let mut manifest = manifest.unwrap_or_default();
        if manifest.is_empty() {
            let base = manifest.new_base(&t.appendfilename, t.aof_use_rdb_preamble);
            write_base(&dir.join(&base.name), dbs, &t).map_err(|e| AofOpenError::Incr {
                path: dir.join(&base.name),
                reason: e.to_string(),
            })?;
            slog::info!(
                server.log,
                "Creating AOF base file {} on server start",
                base.name
            );
        }
        let had_incr = !manifest.incrs.is_empty();
        let incr = manifest.last_incr_or_new(&t.appendfilename);
        if !had_incr {
            manifest
                .persist(&dir, &t.appendfilename)
                .map_err(|e| AofOpenError::Manifest {
                    reason: e.to_string(),
                })?;
            slog::info!(
                server.log,
                "Creating AOF incr file {} on server start",
                incr.name
            );
        } else {
            slog::info!(
                server.log,
                "Opening AOF incr file {} on server start",
                incr.name
            );
        }
        let path = dir.join(&incr.name);
        let file = open_append(&path).map_err(|e| AofOpenError::Incr {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        let status = Arc::new(AofStatus::default());
        status.write_ok.store(true, Relaxed);
        let size: u64 = manifest
            .files_to_load()
            .iter()
            .map(|f| file_len(&dir.join(&f.name)))
            .sum();
        status.current_size.store(size, Relaxed);
        status.base_size.store(size, Relaxed);
        let log = server.log.new(slog::o!("actor" => "aof-writer/0"));
        Ok(AofWriter {
            dir,
            filename: t.appendfilename.clone(),
            manifest,
            file,
            selected: None,
            buf: Vec::new(),
            unsynced: false,
            aof_enabled: t.appendonly,
            waiting: false,
            waiters: Vec::new(),
            flush_scheduled: false,
            server,
            status,
            mailbox,
            log,
        })
    }

    /// CONFIG SET appendonly yes: Redis's `startAppendOnly`. Nothing on disk changes until the
    /// rewrite that must follow installs a base; until then writes accumulate in a temporary
    /// incr file.
    pub fn open_waiting(
        server: Arc<ServerContext>,
        mailbox: Arc<Mailbox>,
    ) -> Result<Self, AofOpenError> {
        let t = server.config.tunables();
        let dir = PathBuf::from(&t.dir).join(&t.appenddirname);
        std::fs::create_dir_all(&dir).map_err(|e| AofOpenError::Dir {
            dir: dir.clone(),
            reason: e.to_string(),
        })?;
        let manifest = match Manifest::load(&dir, &t.appendfilename) {
            Ok(m) => m.unwrap_or_default(),
            Err(e) => {
                slog::warn!(server.log, "Ignoring the AOF manifest: {e}");
                Manifest::default()
            }
        };
        let path = dir.join(temp_incr_file_name(&t.appendfilename));
        let file = File::create(&path).map_err(|e| AofOpenError::Incr {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        let status = Arc::new(AofStatus::default());
        status.write_ok.store(true, Relaxed);
        let log = server.log.new(slog::o!("actor" => "aof-writer/0"));
        Ok(AofWriter {
            dir,
            filename: t.appendfilename.clone(),
            manifest,
            file,
            selected: None,
            buf: Vec::new(),
            unsynced: false,
            aof_enabled: true,
            waiting: true,
            waiters: Vec::new(),
            flush_scheduled: false,
            server,
            status,
            mailbox,
            log,
        })
    }

    pub fn status(&self) -> Arc<AofStatus> {
        self.status.clone()
    }

    fn policy(&self) -> Fsync {
        Fsync::parse(&self.server.config.tunables().appendfsync)
    }

    /// Writes the buffer; on failure keeps it for the next attempt and reports it, as Redis's
    /// `flushAppendOnlyFile` does.
    fn flush(&mut self) -> bool {
        if self.buf.is_empty() {
            return true;
        }
        match self.file.write_all(&self.buf) {
            Ok(()) => {
                self.status
                    .current_size
                    .fetch_add(self.buf.len() as u64, Relaxed);
                self.status
                    .unsynced
                    .fetch_add(self.buf.len() as u64, Relaxed);
                self.buf.clear();
                self.unsynced = true;
                if !self.status.write_ok.swap(true, Relaxed) {
                    slog::warn!(
                        self.log,
                        "AOF write error looks solved, Redis can write again."
                    );
                }
                true
            }
            Err(e) => {
                // A partial write may have landed: Redis truncates back; here the file is
                // append-only and the next load treats a torn tail as truncation.
                if self.status.write_ok.swap(false, Relaxed) {
                    slog::warn!(self.log, "Error writing to the AOF file: {e}");
                }
                *self
                    .status
                    .write_error
                    .lock()
                    .unwrap_or_else(|p| p.into_inner()) = strerror(&e);
                false
            }
        }
    }

    fn sync(&mut self) {
        if !self.unsynced {
            return;
        }
        if let Err(e) = self.file.sync_data() {
            slog::warn!(self.log, "Error syncing the AOF file: {e}");
            return;
        }
        self.unsynced = false;
        self.status.unsynced.store(0, Relaxed);
    }

    /// Redis's `openNewIncrAofForAppend`: writes so far stay in the current file, which is
    /// synced; the next writes go to a new one named in the persisted manifest.
    fn open_new_incr(&mut self) -> Result<(), String> {
        self.flush();
        self.sync();
        if self.waiting {
            // The snapshot starting now holds everything written so far.
            let path = self.dir.join(temp_incr_file_name(&self.filename));
            self.file = File::create(&path).map_err(|e| e.to_string())?;
            self.selected = None;
            self.status.current_size.store(0, Relaxed);
            return Ok(());
        }
        let mut next = self.manifest.clone();
        let incr: AofFile = next.new_incr(&self.filename);
        let path = self.dir.join(&incr.name);
        let file = open_append(&path).map_err(|e| e.to_string())?;
        next.persist(&self.dir, &self.filename)
            .map_err(|e| e.to_string())?;
        slog::info!(
            self.log,
            "Creating AOF incr file {} on background rewrite",
            incr.name
        );
        self.manifest = next;
        self.file = file;
        self.selected = None;
        Ok(())
    }
}

impl Actor for AofWriter {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        // everysec: one sync a second, on this thread, never the keyspace's.
        ctx.run_interval(Duration::from_secs(1), |act, _| {
            act.flush();
            if act.policy() != Fsync::No {
                act.sync();
            }
        });
    }
}

/// Write (and under `always`, sync) what the messages handled so far appended.
#[derive(Message, Debug)]
#[rtype(result = "()")]
struct FlushNow;

impl Handler<Propagate> for AofWriter {
    type Result = ResponseFuture<()>;

    /// Group commit, as Redis's `beforeSleep`: every append waiting in the mailbox is encoded
    /// first; one write (and one fsync under `always`) then covers them all, and each sender
    /// hears back after it.
    fn handle(&mut self, msg: Propagate, ctx: &mut Self::Context) -> Self::Result {
        let _h = self.mailbox.handling();
        encode(
            &mut self.buf,
            &mut self.selected,
            msg.ops.iter().filter(|o| o.aof),
        );
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.waiters.push(tx);
        if !self.flush_scheduled {
            self.flush_scheduled = true;
            // Handled once the messages already queued have been.
            ctx.notify(FlushNow);
        }
        Box::pin(async move {
            let _ = rx.await;
        })
    }
}

impl Handler<FlushNow> for AofWriter {
    type Result = ();

    fn handle(&mut self, _: FlushNow, _: &mut Self::Context) {
        self.flush_scheduled = false;
        if self.flush() && self.policy() == Fsync::Always {
            self.sync();
        }
        for w in self.waiters.drain(..) {
            let _ = w.send(());
        }
    }
}

impl Handler<SyncAof> for AofWriter {
    type Result = ();

    fn handle(&mut self, _: SyncAof, _: &mut Self::Context) {
        let _h = self.mailbox.handling();
        self.flush();
        self.sync();
    }
}

impl Handler<StartRewrite> for AofWriter {
    type Result = ();

    fn handle(&mut self, _: StartRewrite, _: &mut Self::Context) {
        let _h = self.mailbox.handling();
        if let Err(e) = self.open_new_incr() {
            slog::warn!(self.log, "Can't open new incr AOF for append: {e}");
        }
    }
}

impl Handler<InstallBase> for AofWriter {
    type Result = Result<(), String>;

    /// Redis's `backgroundRewriteDoneHandler`: the temp file becomes the new base, the incr
    /// files it covers become history, the manifest is persisted, history is deleted.
    fn handle(&mut self, msg: InstallBase, _: &mut Self::Context) -> Self::Result {
        let _h = self.mailbox.handling();
        let mut next = self.manifest.clone();
        let base = next.new_base(&self.filename, msg.rdb_preamble);
        let base_path = self.dir.join(&base.name);
        std::fs::rename(&msg.tmp, &base_path).map_err(|e| {
            let _ = std::fs::remove_file(&msg.tmp);
            format!(
                "Error trying to rename the temporary AOF base file {} into {}: {e}",
                msg.tmp.display(),
                base.name
            )
        })?;
        if self.waiting {
            // The temporary incr file becomes the first one the manifest names.
            self.flush();
            self.sync();
            let incr = next.new_incr(&self.filename);
            std::fs::rename(
                self.dir.join(temp_incr_file_name(&self.filename)),
                self.dir.join(&incr.name),
            )
            .map_err(|e| format!("Error renaming the temporary incr AOF file: {e}"))?;
        }
        slog::info!(
            self.log,
            "Successfully renamed the temporary AOF base file {} into {}",
            msg.tmp.file_name().unwrap_or_default().to_string_lossy(),
            base.name
        );
        next.mark_rewritten_incrs_as_history(self.aof_enabled);
        next.persist(&self.dir, &self.filename)
            .map_err(|e| format!("Error persisting the AOF manifest: {e}"))?;
        let gone = next.remove_history();
        for name in &gone {
            slog::info!(
                self.log,
                "Removing the history file {name} in the background"
            );
            let _ = std::fs::remove_file(self.dir.join(name));
        }
        if !gone.is_empty() {
            next.persist(&self.dir, &self.filename)
                .map_err(|e| format!("Error persisting the AOF manifest: {e}"))?;
        }
        self.manifest = next;
        self.waiting = false;
        let size: u64 = self
            .manifest
            .files_to_load()
            .iter()
            .map(|f| file_len(&self.dir.join(&f.name)))
            .sum();
        self.status.current_size.store(size, Relaxed);
        self.status.base_size.store(size, Relaxed);
        Ok(())
    }
}

/// The AOF writer as the keyspace sees it.
#[derive(Clone)]
pub struct AofLink {
    pub append: Recipient<Propagate>,
    pub start_rewrite: Recipient<StartRewrite>,
    pub install_base: Recipient<InstallBase>,
    pub sync: Recipient<SyncAof>,
    pub status: Arc<AofStatus>,
    pub mailbox: Arc<Mailbox>,
    /// The writer's thread, when it has one of its own.
    pub arbiter: Option<ArbiterHandle>,
}

impl AofLink {
    /// Syncs what the writer was sent, then ends its thread.
    pub fn stop(self) {
        self.mailbox.sent();
        let synced = self.sync.send(SyncAof);
        let arbiter = self.arbiter;
        actix::spawn(async move {
            let _ = synced.await;
            if let Some(a) = arbiter {
                a.stop();
            }
        });
    }

    /// Starts the writer on a thread of its own.
    pub fn spawn(writer: AofWriter) -> Self {
        let status = writer.status();
        let mailbox = writer.mailbox.clone();
        let arbiter = Arbiter::new();
        let addr = AofWriter::start_in_arbiter(&arbiter.handle(), move |_| writer);
        AofLink {
            append: addr.clone().recipient(),
            start_rewrite: addr.clone().recipient(),
            install_base: addr.clone().recipient(),
            sync: addr.recipient(),
            status,
            mailbox,
            arbiter: Some(arbiter.handle()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{FixedConfig, Tunables};
    use crate::keyspace::propagate::{argv, Op};

    fn server(dir: &Path, fsync: &str) -> Arc<ServerContext> {
        let t = Tunables {
            dir: dir.display().to_string(),
            appendonly: true,
            appendfsync: fsync.into(),
            ..Tunables::default()
        };
        Arc::new(ServerContext::new(
            Arc::new(FixedConfig(Arc::new(t))),
            slog::Logger::root(slog::Discard, slog::o!()),
            || 0,
        ))
    }

    fn temp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("redactor-aofw-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn read(dir: &Path, name: &str) -> String {
        String::from_utf8_lossy(&std::fs::read(dir.join("appendonlydir").join(name)).unwrap())
            .into_owned()
    }

    #[actix_rt::test]
    async fn appends_rewrites_and_installs_as_redis_lays_files_out() {
        let dir = temp("flow");
        let server = server(&dir, "always");
        let mailbox = server.mailboxes.register("aof-writer/0");
        let w = AofWriter::open(server, None, &[], mailbox).unwrap();
        let status = w.status();
        let addr = w.start();
        // A fresh directory gets an empty base and the first incr file, as Redis 7.0 makes.
        assert_eq!(
            read(&dir, "appendonly.aof.manifest"),
            "file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n"
        );
        assert!(read(&dir, "appendonly.aof.1.base.rdb").starts_with("REDIS0010"));
        let ops: Arc<[Op]> = vec![Op::new(0, argv([b"SET", b"k", b"v"]))].into();
        addr.send(Propagate { ops }).await.unwrap();
        assert_eq!(
            read(&dir, "appendonly.aof.1.incr.aof"),
            "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"
        );
        // A rewrite starts a new incr file, which begins with a SELECT again.
        addr.send(StartRewrite).await.unwrap();
        let ops: Arc<[Op]> = vec![Op::new(0, argv([b"DEL", b"k"]))].into();
        addr.send(Propagate { ops }).await.unwrap();
        assert_eq!(
            read(&dir, "appendonly.aof.2.incr.aof"),
            "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*2\r\n$3\r\nDEL\r\n$1\r\nk\r\n"
        );
        assert!(read(&dir, "appendonly.aof.manifest").contains("appendonly.aof.2.incr.aof seq 2"));
        // The base arrives: it replaces seq 1, whose files are deleted.
        let tmp = dir.join("temp-rewriteaof-bg-1.aof");
        std::fs::write(&tmp, b"REDIS0010base").unwrap();
        addr.send(InstallBase {
            tmp,
            rdb_preamble: true,
        })
        .await
        .unwrap()
        .unwrap();
        assert_eq!(
            read(&dir, "appendonly.aof.manifest"),
            "file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n"
        );
        let mut names: Vec<_> = std::fs::read_dir(dir.join("appendonlydir"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "appendonly.aof.2.base.rdb",
                "appendonly.aof.2.incr.aof",
                "appendonly.aof.manifest"
            ]
        );
        assert_eq!(
            status.current_size.load(Relaxed),
            13 + read(&dir, "appendonly.aof.2.incr.aof").len() as u64
        );
        assert_eq!(status.unsynced.load(Relaxed), 0, "always syncs each append");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[actix_rt::test]
    async fn turned_on_at_runtime_writes_nothing_the_manifest_names_until_the_base() {
        let dir = temp("waiting");
        let server = server(&dir, "everysec");
        let mailbox = server.mailboxes.register("aof-writer/0");
        let addr = AofWriter::open_waiting(server, mailbox).unwrap().start();
        addr.send(StartRewrite).await.unwrap();
        let ops: Arc<[Op]> = vec![Op::new(3, argv([b"INCR", b"n"]))].into();
        addr.send(Propagate { ops }).await.unwrap();
        assert!(!dir.join("appendonlydir/appendonly.aof.manifest").exists());
        assert!(read(&dir, "temp-appendonly.aof.incr").ends_with("INCR\r\n$1\r\nn\r\n"));
        let tmp = dir.join("temp-rewriteaof-bg-1.aof");
        std::fs::write(&tmp, b"REDIS0010base").unwrap();
        addr.send(InstallBase {
            tmp,
            rdb_preamble: true,
        })
        .await
        .unwrap()
        .unwrap();
        assert_eq!(
            read(&dir, "appendonly.aof.manifest"),
            "file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n"
        );
        assert!(read(&dir, "appendonly.aof.1.incr.aof").contains("SELECT\r\n$1\r\n3"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
