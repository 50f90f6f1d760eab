//! The snapshot writer: an actor on its own thread that receives an RDB in chunks from the
//! keyspace's incremental snapshot, checksums it, writes it to a temporary file and, once
//! complete, syncs it and renames it into place, so neither CRC nor fsync ever runs on the
//! keyspace's thread and a crash never leaves a torn file.

use crate::metrics::Mailbox;
use crate::rdb::crc64::crc64;
use actix::prelude::*;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::sync::Arc;

/// Starts a new file at `tmp`, dropping any unfinished one.
#[derive(Message, Debug)]
#[rtype(result = "()")]
pub struct OpenFile {
    pub tmp: PathBuf,
}

/// The next bytes of the file being written.
#[derive(Message, Debug)]
#[rtype(result = "()")]
pub struct WriteChunk(pub Vec<u8>);

/// Ends the file: EOF, checksum, fsync, rename to `path`.
#[derive(Message, Debug)]
#[rtype(result = "Result<Written, SaveError>")]
pub struct FinishFile {
    pub path: PathBuf,
    /// `rdbchecksum`: a CRC-64 trailer, or eight zero bytes.
    pub checksum: bool,
    /// Whether the file is an RDB that ends with EOF and a checksum (an AOF base in command
    /// form has no trailer).
    pub trailer: bool,
}

/// Abandons the file being written and removes it.
#[derive(Message, Debug)]
#[rtype(result = "()")]
pub struct AbortFile;

/// A finished file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub bytes: u64,
}

/// Why a snapshot could not be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveError {
    /// Creating the temporary file failed (Redis: "Failed opening the temp RDB file ...").
    Open { tmp: PathBuf, reason: String },
    /// Writing, syncing or renaming failed.
    Write { reason: String },
    /// FinishFile came with no file open.
    NotOpen,
}

impl std::fmt::Display for SaveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SaveError::Open { tmp, reason } => {
                write!(
                f,
                "Failed opening the temp RDB file {} (in server root dir {}) for saving: {reason}",
                tmp.file_name().map(|n| n.to_string_lossy()).unwrap_or_default(),
                tmp.parent().map(|p| p.display().to_string()).unwrap_or_default(),
            )
            }
            SaveError::Write { reason } => write!(f, "Write error saving DB on disk: {reason}"),
            SaveError::NotOpen => write!(f, "No snapshot file is open"),
        }
    }
}

struct Open {
    out: BufWriter<File>,
    tmp: PathBuf,
    crc: u64,
    bytes: u64,
}

pub struct SnapshotWriter {
    file: Option<Open>,
    /// The first failure of the file being written, reported when it is finished.
    failed: Option<SaveError>,
    mailbox: Arc<Mailbox>,
}

impl SnapshotWriter {
    pub fn new(mailbox: Arc<Mailbox>) -> Self {
        SnapshotWriter {
            file: None,
            failed: None,
            mailbox,
        }
    }

    fn discard(&mut self) {
        if let Some(f) = self.file.take() {
            drop(f.out);
            let _ = std::fs::remove_file(&f.tmp);
        }
    }

    fn write(&mut self, chunk: &[u8]) {
        let Some(f) = &mut self.file else { return };
        f.crc = crc64(f.crc, chunk);
        f.bytes += chunk.len() as u64;
        if let Err(e) = f.out.write_all(chunk) {
            self.failed = Some(SaveError::Write {
                reason: e.to_string(),
            });
            self.discard();
        }
    }
}

impl Actor for SnapshotWriter {
    type Context = Context<Self>;
}

impl Handler<OpenFile> for SnapshotWriter {
    type Result = ();

    fn handle(&mut self, msg: OpenFile, _: &mut Self::Context) {
        let _h = self.mailbox.handling();
        self.discard();
        self.failed = None;
        match File::create(&msg.tmp) {
            Ok(f) => {
                self.file = Some(Open {
                    out: BufWriter::with_capacity(1 << 20, f),
                    tmp: msg.tmp,
                    crc: 0,
                    bytes: 0,
                })
            }
            Err(e) => {
                self.failed = Some(SaveError::Open {
                    tmp: msg.tmp,
                    reason: e.to_string(),
                })
            }
        }
    }
}

impl Handler<WriteChunk> for SnapshotWriter {
    type Result = ();

    fn handle(&mut self, msg: WriteChunk, _: &mut Self::Context) {
        let _h = self.mailbox.handling();
        self.write(&msg.0);
    }
}

impl Handler<FinishFile> for SnapshotWriter {
    type Result = Result<Written, SaveError>;

    fn handle(&mut self, msg: FinishFile, _: &mut Self::Context) -> Self::Result {
        let _h = self.mailbox.handling();
        if let Some(e) = self.failed.take() {
            self.discard();
            return Err(e);
        }
        let Some(mut f) = self.file.take() else {
            return Err(SaveError::NotOpen);
        };
        let crc = crc64(f.crc, &[0xff]);
        let trailer_crc = if msg.checksum { crc } else { 0 };
        let trailer = msg.trailer;
        let result = (|| {
            if trailer {
                f.out.write_all(&[0xff])?;
                f.out.write_all(&trailer_crc.to_le_bytes())?;
            }
            f.out.flush()?;
            f.out.get_ref().sync_all()?;
            std::fs::rename(&f.tmp, &msg.path)
        })();
        match result {
            Ok(()) => Ok(Written {
                bytes: f.bytes + if trailer { 9 } else { 0 },
            }),
            Err(e) => {
                let _ = std::fs::remove_file(&f.tmp);
                Err(SaveError::Write {
                    reason: e.to_string(),
                })
            }
        }
    }
}

impl Handler<AbortFile> for SnapshotWriter {
    type Result = ();

    fn handle(&mut self, _: AbortFile, _: &mut Self::Context) {
        let _h = self.mailbox.handling();
        self.discard();
        self.failed = None;
    }
}

/// The writer as the keyspace sees it: one recipient per message, so tests can stand in a
/// probe.
#[derive(Clone)]
pub struct SaverLink {
    pub open: Recipient<OpenFile>,
    pub write: Recipient<WriteChunk>,
    pub finish: Recipient<FinishFile>,
    pub abort: Recipient<AbortFile>,
    pub mailbox: Arc<Mailbox>,
}

impl SaverLink {
    pub fn new(addr: &Addr<SnapshotWriter>, mailbox: Arc<Mailbox>) -> Self {
        SaverLink {
            open: addr.clone().recipient(),
            write: addr.clone().recipient(),
            finish: addr.clone().recipient(),
            abort: addr.clone().recipient(),
            mailbox,
        }
    }

    /// Starts a writer on a thread of its own.
    pub fn spawn(registry: &crate::metrics::MailboxRegistry) -> Self {
        let mailbox = registry.register("snapshot-writer/0");
        let mb = mailbox.clone();
        let arbiter = Arbiter::new();
        let addr =
            SnapshotWriter::start_in_arbiter(&arbiter.handle(), move |_| SnapshotWriter::new(mb));
        SaverLink::new(&addr, mailbox)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyspace::db::Db;
    use crate::keyspace::value::Value;
    use crate::rdb::{read_rdb, write_rdb, RdbOptions};

    fn temp_dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("redactor-saver-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[actix_rt::test]
    async fn chunks_become_the_same_file_a_blocking_save_writes() {
        let dir = temp_dir("chunks");
        let mut dbs: Vec<Db> = (0..2).map(|_| Db::new()).collect();
        dbs[1].insert(b"k", Value::str(b"v"), 0);
        let opts = RdbOptions {
            ctime: 7,
            ..RdbOptions::default()
        };
        let mut whole = Vec::new();
        write_rdb(&mut whole, &dbs, &opts).unwrap();
        let addr =
            SnapshotWriter::new(crate::metrics::MailboxRegistry::new().register("t")).start();
        addr.do_send(OpenFile {
            tmp: dir.join("temp-1.rdb"),
        });
        let body = &whole[..whole.len() - 9];
        for part in body.chunks(5) {
            addr.do_send(WriteChunk(part.to_vec()));
        }
        let path = dir.join("dump.rdb");
        let w = addr
            .send(FinishFile {
                path: path.clone(),
                checksum: true,
                trailer: true,
            })
            .await
            .unwrap()
            .unwrap();
        assert_eq!(w.bytes as usize, whole.len());
        assert_eq!(std::fs::read(&path).unwrap(), whole);
        assert!(read_rdb(&whole).is_ok());
        assert!(!dir.join("temp-1.rdb").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[actix_rt::test]
    async fn an_unwritable_directory_is_reported_at_finish() {
        let addr =
            SnapshotWriter::new(crate::metrics::MailboxRegistry::new().register("t")).start();
        let tmp = PathBuf::from("/nonexistent-redactor-dir/temp-1.rdb");
        addr.do_send(OpenFile { tmp });
        addr.do_send(WriteChunk(b"REDIS0010".to_vec()));
        let err = addr
            .send(FinishFile {
                path: PathBuf::from("/nonexistent-redactor-dir/dump.rdb"),
                checksum: true,
                trailer: true,
            })
            .await
            .unwrap()
            .unwrap_err();
        assert!(
            err.to_string().starts_with(
                "Failed opening the temp RDB file temp-1.rdb (in server root dir /nonexistent-redactor-dir) for saving: "
            ),
            "{err}"
        );
    }
}
