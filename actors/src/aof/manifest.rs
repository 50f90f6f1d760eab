//! Redis 7.0's multi-part AOF manifest: the small text file in `appenddirname` that says which
//! base, incremental and history files make up the AOF, read and written exactly as
//! redis-server 7.0 does (`src/aof.c`), so a directory can move between Redactor and Redis.
//!
//! Everything here is pure except [`Manifest::load`] and [`Manifest::persist`]. The transitions
//! are the primitives Redis composes; the sequences Redis 7.0.15 runs are:
//!
//! - server start with AOF on and neither base nor incr: [`Manifest::new_base`] (the rewrite of
//!   the empty dataset), then [`Manifest::last_incr_or_new`], then persist;
//! - `BGREWRITEAOF` with AOF on: [`Manifest::new_incr`] and persist before the child forks; when
//!   the child succeeds, [`Manifest::new_base`], [`Manifest::mark_rewritten_incrs_as_history`]
//!   with `aof_enabled = true`, persist, then (unless `aof-disable-auto-gc`) delete the files
//!   [`Manifest::remove_history`] names and persist again. A failed child changes nothing;
//! - `BGREWRITEAOF` with AOF off: no new incr; on success `new_base` and
//!   `mark_rewritten_incrs_as_history(false)`;
//! - `CONFIG SET appendonly yes`: the rewrite writes into [`temp_incr_file_name`]; on success
//!   `new_base`, then `new_incr` (the temp incr is renamed to it), then
//!   `mark_rewritten_incrs_as_history(true)`.

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::Path;

/// fgets() buffer size in `aofLoadManifestFromFile`: a physical line (with its `\n`) longer than
/// this is an error, and a longer comment's tail is read as a line of its own.
const MANIFEST_MAX_LINE: usize = 1024;
const BASE_FILE_SUFFIX: &str = ".base";
const INCR_FILE_SUFFIX: &str = ".incr";
const RDB_FORMAT_SUFFIX: &str = ".rdb";
const AOF_FORMAT_SUFFIX: &str = ".aof";
const MANIFEST_NAME_SUFFIX: &str = ".manifest";
const TEMP_FILE_NAME_PREFIX: &str = "temp-";

/// The role of one file in the manifest, written as its one-letter `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AofKind {
    /// `b`: the snapshot of the last rewrite; at most one.
    Base,
    /// `h`: replaced by a rewrite, waiting to be deleted.
    History,
    /// `i`: commands written after the base, loaded in order.
    Incr,
}

impl AofKind {
    /// The byte Redis stores in `aofInfo.file_type` and writes after `type`.
    pub fn as_byte(self) -> u8 {
        match self {
            AofKind::Base => b'b',
            AofKind::History => b'h',
            AofKind::Incr => b'i',
        }
    }
}

/// One manifest line (Redis's `aofInfo`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AofFile {
    /// A bare file name inside `appenddirname`, never a path.
    pub name: String,
    /// Signed because Redis keeps a `long long` parsed with `atoll`, and accepts e.g. a negative
    /// base or history seq; keeping it lets such a manifest round-trip unchanged.
    pub seq: i64,
    pub kind: AofKind,
}

/// The whole manifest (Redis's `aofManifest`, minus `dirty`: callers persist when they change
/// it). Lists keep Redis's order, which is what [`Manifest::to_text`] writes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    pub base: Option<AofFile>,
    /// Newest first: Redis pushes each newly retired file at the head.
    pub history: Vec<AofFile>,
    /// Oldest first, strictly increasing seq; the last is the one being appended to.
    pub incrs: Vec<AofFile>,
    /// Seq of the base read or last created; the next base gets one more.
    pub curr_base_seq: i64,
    /// Seq of the last incr read or created (history does not count, as in Redis).
    pub curr_incr_seq: i64,
}

/// Why a manifest was rejected; `Display` is Redis's own message, `line` the 1-based physical
/// line (as fgets counts it) Redis would report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManifestError {
    /// The file has no bytes at all (one holding only comments is a valid, empty manifest).
    Empty,
    /// A line has no `\n` within 1024 bytes; this includes a last line without its newline and
    /// a line with a NUL byte, since Redis looks for `\n` with strchr.
    TooLongLine { line: usize },
    /// Blank line, unbalanced quotes, fewer than six or an odd number of words, or a missing
    /// (or zero) `file`, `seq` or `type`.
    InvalidFormat { line: usize },
    /// The `file` value contains `/` or `\`.
    PathNotBaseName { line: usize },
    /// A second `type b` line.
    DuplicateBase { line: usize },
    /// An incr seq not greater than every earlier incr seq (and so also any seq below 1).
    NonMonotonicSeq { line: usize },
    /// A `type` whose first byte is not `b`, `h` or `i`.
    UnknownType { line: usize },
    /// Redactor only: Redis would accept a name that unescapes to non-UTF-8 bytes, but names
    /// here are `String`s.
    NonUtf8FileName { line: usize },
}

impl ManifestError {
    /// The line Redis would print after "Reading the manifest file, at line".
    pub fn line(&self) -> Option<usize> {
        match *self {
            ManifestError::Empty => None,
            ManifestError::TooLongLine { line }
            | ManifestError::InvalidFormat { line }
            | ManifestError::PathNotBaseName { line }
            | ManifestError::DuplicateBase { line }
            | ManifestError::NonMonotonicSeq { line }
            | ManifestError::UnknownType { line }
            | ManifestError::NonUtf8FileName { line } => Some(line),
        }
    }
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ManifestError::Empty => "Found an empty AOF manifest",
            ManifestError::TooLongLine { .. } => "The AOF manifest file contains too long line",
            ManifestError::InvalidFormat { .. } => "Invalid AOF manifest file format",
            ManifestError::PathNotBaseName { .. } => "File can't be a path, just a filename",
            ManifestError::DuplicateBase { .. } => "Found duplicate base file information",
            ManifestError::NonMonotonicSeq { .. } => "Found a non-monotonic sequence number",
            ManifestError::UnknownType { .. } => "Unknown AOF file type",
            ManifestError::NonUtf8FileName { .. } => "AOF manifest file name is not valid UTF-8",
        })
    }
}

impl std::error::Error for ManifestError {}

/// `<appendfilename>.manifest`, the name Redis looks for in `appenddirname`.
pub fn manifest_file_name(appendfilename: &str) -> String {
    format!("{appendfilename}{MANIFEST_NAME_SUFFIX}")
}

/// `temp-<appendfilename>.manifest`, written then renamed over the manifest.
pub fn temp_manifest_file_name(appendfilename: &str) -> String {
    format!("{TEMP_FILE_NAME_PREFIX}{appendfilename}{MANIFEST_NAME_SUFFIX}")
}

/// `temp-<appendfilename>.incr`: where writes go while `appendonly yes` waits for its first
/// rewrite; not in the manifest until renamed.
pub fn temp_incr_file_name(appendfilename: &str) -> String {
    format!("{TEMP_FILE_NAME_PREFIX}{appendfilename}{INCR_FILE_SUFFIX}")
}

impl Manifest {
    /// Parses manifest text with `aofLoadManifestFromFile`'s rules.
    pub fn parse(text: &str) -> Result<Manifest, ManifestError> {
        Manifest::parse_bytes(text.as_bytes())
    }

    /// As [`Manifest::parse`], for the raw file contents, which need not be UTF-8.
    pub fn parse_bytes(bytes: &[u8]) -> Result<Manifest, ManifestError> {
        if bytes.is_empty() {
            return Err(ManifestError::Empty);
        }
        let mut am = Manifest::default();
        let mut maxseq: i64 = 0;
        let mut rest = bytes;
        let mut line = 0;
        while !rest.is_empty() {
            // One fgets() call: up to and including '\n', at most MANIFEST_MAX_LINE bytes.
            let limit = rest.len().min(MANIFEST_MAX_LINE);
            let len = rest[..limit]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(limit, |i| i + 1);
            let (chunk, tail) = rest.split_at(len);
            rest = tail;
            line += 1;

            if chunk[0] == b'#' {
                continue;
            }
            let chunk = c_str(chunk);
            if !chunk.contains(&b'\n') {
                return Err(ManifestError::TooLongLine { line });
            }
            let trimmed = trim(chunk, b" \t\r\n");
            if trimmed.is_empty() {
                return Err(ManifestError::InvalidFormat { line });
            }
            let argv = split_args(trimmed).ok_or(ManifestError::InvalidFormat { line })?;
            // Redis allows more than six words so that later versions may add keys.
            if argv.len() < 6 || argv.len() % 2 != 0 {
                return Err(ManifestError::InvalidFormat { line });
            }

            let mut name: Option<&[u8]> = None;
            let mut seq: i64 = 0;
            let mut kind: u8 = 0;
            for pair in argv.chunks(2) {
                // Redis hands these to C string functions, so each stops at a NUL.
                let (key, value) = (c_str(&pair[0]), c_str(&pair[1]));
                if key.eq_ignore_ascii_case(b"file") {
                    if value.iter().any(|&b| b == b'/' || b == b'\\') {
                        return Err(ManifestError::PathNotBaseName { line });
                    }
                    name = Some(value);
                } else if key.eq_ignore_ascii_case(b"seq") {
                    seq = atoll(value);
                } else if key.eq_ignore_ascii_case(b"type") {
                    kind = value.first().copied().unwrap_or(0);
                }
            }
            let name = match name {
                Some(name) if seq != 0 && kind != 0 => name,
                _ => return Err(ManifestError::InvalidFormat { line }),
            };
            let name = String::from_utf8(name.to_vec())
                .map_err(|_| ManifestError::NonUtf8FileName { line })?;

            match kind {
                b'b' => {
                    if am.base.is_some() {
                        return Err(ManifestError::DuplicateBase { line });
                    }
                    am.curr_base_seq = seq;
                    am.base = Some(AofFile {
                        name,
                        seq,
                        kind: AofKind::Base,
                    });
                }
                b'h' => am.history.push(AofFile {
                    name,
                    seq,
                    kind: AofKind::History,
                }),
                b'i' => {
                    if seq <= maxseq {
                        return Err(ManifestError::NonMonotonicSeq { line });
                    }
                    maxseq = seq;
                    am.curr_incr_seq = seq;
                    am.incrs.push(AofFile {
                        name,
                        seq,
                        kind: AofKind::Incr,
                    });
                }
                _ => return Err(ManifestError::UnknownType { line }),
            }
        }
        Ok(am)
    }

    /// The manifest as Redis writes it (`getAofManifestAsString`): base, history, then incrs,
    /// one `file <name> seq <n> type <t>\n` line each, the name quoted only when it needs it.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for ai in self.base.iter().chain(&self.history).chain(&self.incrs) {
            out.push_str("file ");
            if needs_repr(ai.name.as_bytes()) {
                push_repr(&mut out, ai.name.as_bytes());
            } else {
                out.push_str(&ai.name);
            }
            out.push_str(&format!(
                " seq {} type {}\n",
                ai.seq,
                ai.kind.as_byte() as char
            ));
        }
        out
    }

    /// No base and no incr: Redis treats the AOF as absent (and creates a base on start).
    pub fn is_empty(&self) -> bool {
        self.base.is_none() && self.incrs.is_empty()
    }

    /// The files to replay, in order: the base, then every incr.
    pub fn files_to_load(&self) -> Vec<&AofFile> {
        self.base.iter().chain(&self.incrs).collect()
    }

    /// `getNewBaseFileNameAndMarkPreAsHistory`: names the next base
    /// (`<appendfilename>.<seq>.base.rdb`, or `.base.aof` without the RDB preamble) and retires
    /// the current one to the head of the history.
    pub fn new_base(&mut self, appendfilename: &str, rdb_preamble: bool) -> AofFile {
        if let Some(mut old) = self.base.take() {
            old.kind = AofKind::History;
            self.history.insert(0, old);
        }
        self.curr_base_seq += 1;
        let format = if rdb_preamble {
            RDB_FORMAT_SUFFIX
        } else {
            AOF_FORMAT_SUFFIX
        };
        let file = AofFile {
            name: format!(
                "{appendfilename}.{}{BASE_FILE_SUFFIX}{format}",
                self.curr_base_seq
            ),
            seq: self.curr_base_seq,
            kind: AofKind::Base,
        };
        self.base = Some(file.clone());
        file
    }

    /// `getNewIncrAofName`: appends `<appendfilename>.<seq>.incr.aof`, which becomes the file
    /// being written.
    pub fn new_incr(&mut self, appendfilename: &str) -> AofFile {
        self.curr_incr_seq += 1;
        let file = AofFile {
            name: format!(
                "{appendfilename}.{}{INCR_FILE_SUFFIX}{AOF_FORMAT_SUFFIX}",
                self.curr_incr_seq
            ),
            seq: self.curr_incr_seq,
            kind: AofKind::Incr,
        };
        self.incrs.push(file.clone());
        file
    }

    /// `getLastIncrAofName`: the incr to append to on start, created if there is none.
    pub fn last_incr_or_new(&mut self, appendfilename: &str) -> AofFile {
        match self.incrs.last() {
            Some(last) => last.clone(),
            None => self.new_incr(appendfilename),
        }
    }

    /// `markRewrittenIncrAofAsHistory`, after a successful rewrite: the incrs the new base
    /// covers become history. With AOF on, the last incr was opened when the rewrite started,
    /// holds writes the base lacks and stays; with AOF off every incr is covered.
    pub fn mark_rewritten_incrs_as_history(&mut self, aof_enabled: bool) {
        let keep = usize::from(aof_enabled && !self.incrs.is_empty());
        let split = self.incrs.len() - keep;
        // Redis walks from the tail pushing each at the head, which keeps their order.
        let retired = self.incrs.drain(..split).map(|mut ai| {
            ai.kind = AofKind::History;
            ai
        });
        let rest = std::mem::take(&mut self.history);
        self.history = retired.chain(rest).collect();
    }

    /// `aofDelHistoryFiles`: forgets the history and returns the names to delete, in manifest
    /// order. The caller persists the manifest afterwards, as Redis does.
    pub fn remove_history(&mut self) -> Vec<String> {
        self.history.drain(..).map(|ai| ai.name).collect()
    }

    /// `aofLoadManifestFromDisk`: `None` when `dir` or its manifest does not exist (no AOF yet,
    /// or an old single-file AOF to upgrade); a bad manifest is `InvalidData` wrapping the
    /// [`ManifestError`].
    pub fn load(dir: &Path, appendfilename: &str) -> io::Result<Option<Manifest>> {
        if !dir.is_dir() {
            return Ok(None);
        }
        let path = dir.join(manifest_file_name(appendfilename));
        if !path.is_file() {
            return Ok(None);
        }
        let bytes = fs::read(path)?;
        Manifest::parse_bytes(&bytes)
            .map(Some)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }

    /// `writeAofManifestFile`: writes the temp manifest, fsyncs, renames it over the manifest
    /// and fsyncs the directory, so a crash leaves either the old manifest or the new one.
    pub fn persist(&self, dir: &Path, appendfilename: &str) -> io::Result<()> {
        let tmp = dir.join(temp_manifest_file_name(appendfilename));
        let mut file = fs::File::create(&tmp)?;
        file.write_all(self.to_text().as_bytes())?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, dir.join(manifest_file_name(appendfilename)))?;
        fs::File::open(dir)?.sync_all()
    }
}

/// What C string functions see: the bytes before the first NUL.
fn c_str(bytes: &[u8]) -> &[u8] {
    bytes
        .iter()
        .position(|&b| b == 0)
        .map_or(bytes, |i| &bytes[..i])
}

/// `sdstrim`.
fn trim<'a>(bytes: &'a [u8], set: &[u8]) -> &'a [u8] {
    let start = bytes
        .iter()
        .position(|b| !set.contains(b))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !set.contains(b))
        .map_or(start, |i| i + 1);
    &bytes[start..end]
}

/// C `isspace` in the C locale, which unlike `u8::is_ascii_whitespace` includes `\v`.
fn c_isspace(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

/// C `isprint` in the C locale.
fn c_isprint(b: u8) -> bool {
    (0x20..0x7f).contains(&b)
}

/// glibc `atoll` (`strtoll` base 10): leading spaces, a sign, digits up to the first other
/// byte, saturating on overflow; no digits is 0.
fn atoll(bytes: &[u8]) -> i64 {
    let mut i = bytes.iter().take_while(|&&b| c_isspace(b)).count();
    let negative = match bytes.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let mut value: i64 = 0;
    for &b in bytes[i..].iter().take_while(|b| b.is_ascii_digit()) {
        let digit = i64::from(b - b'0');
        let next = value.checked_mul(10).and_then(|v| {
            if negative {
                v.checked_sub(digit)
            } else {
                v.checked_add(digit)
            }
        });
        match next {
            Some(v) => value = v,
            None => return if negative { i64::MIN } else { i64::MAX },
        }
    }
    value
}

/// `sdssplitargs`.
fn split_args(line: &[u8]) -> Option<Vec<Vec<u8>>> {
    protocol::sdssplitargs(line)
}

/// `sdsneedsrepr`: anything `split_args` would not read back as one bare word.
fn needs_repr(bytes: &[u8]) -> bool {
    bytes.iter().any(|&b| {
        matches!(b, b'\\' | b'"' | b'\n' | b'\r' | b'\t' | b'\x07' | b'\x08')
            || !c_isprint(b)
            || c_isspace(b)
    })
}

/// `sdscatrepr`.
fn push_repr(out: &mut String, bytes: &[u8]) {
    out.push('"');
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'"' => out.push_str("\\\""),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            b'\x07' => out.push_str("\\a"),
            b'\x08' => out.push_str("\\b"),
            b if c_isprint(b) => out.push(b as char),
            b => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    // Manifests written by redis-server 7.0.15 (`--appendonly yes --save ''`), copied after each
    // step. Default settings: history is deleted at once, so only base and incr remain.
    const GC_START: &str = "file appendonly.aof.1.base.rdb seq 1 type b\n\
                            file appendonly.aof.1.incr.aof seq 1 type i\n";
    const GC_REWRITE_1: &str = "file appendonly.aof.2.base.rdb seq 2 type b\n\
                                file appendonly.aof.2.incr.aof seq 2 type i\n";
    const GC_REWRITE_2: &str = "file appendonly.aof.3.base.rdb seq 3 type b\n\
                                file appendonly.aof.3.incr.aof seq 3 type i\n";

    // `--aof-disable-auto-gc yes`: history accumulates, newest first.
    const NOGC_REWRITE_1: &str = "file appendonly.aof.2.base.rdb seq 2 type b\n\
                                  file appendonly.aof.1.incr.aof seq 1 type h\n\
                                  file appendonly.aof.1.base.rdb seq 1 type h\n\
                                  file appendonly.aof.2.incr.aof seq 2 type i\n";
    const NOGC_REWRITE_2: &str = "file appendonly.aof.3.base.rdb seq 3 type b\n\
                                  file appendonly.aof.2.incr.aof seq 2 type h\n\
                                  file appendonly.aof.2.base.rdb seq 2 type h\n\
                                  file appendonly.aof.1.incr.aof seq 1 type h\n\
                                  file appendonly.aof.1.base.rdb seq 1 type h\n\
                                  file appendonly.aof.3.incr.aof seq 3 type i\n";

    // `--aof-use-rdb-preamble no --aof-disable-auto-gc yes`.
    const NOPRE_START: &str = "file appendonly.aof.1.base.aof seq 1 type b\n\
                               file appendonly.aof.1.incr.aof seq 1 type i\n";
    const NOPRE_REWRITE_1: &str = "file appendonly.aof.2.base.aof seq 2 type b\n\
                                   file appendonly.aof.1.incr.aof seq 1 type h\n\
                                   file appendonly.aof.1.base.aof seq 1 type h\n\
                                   file appendonly.aof.2.incr.aof seq 2 type i\n";
    const NOPRE_REWRITE_2: &str = "file appendonly.aof.3.base.aof seq 3 type b\n\
                                   file appendonly.aof.2.incr.aof seq 2 type h\n\
                                   file appendonly.aof.2.base.aof seq 2 type h\n\
                                   file appendonly.aof.1.incr.aof seq 1 type h\n\
                                   file appendonly.aof.1.base.aof seq 1 type h\n\
                                   file appendonly.aof.3.incr.aof seq 3 type i\n";

    // `--appendfilename "my aof" --aof-disable-auto-gc yes --rdb-key-save-delay 300000` (a slow
    // child, so the manifest can be read mid-rewrite and the child killed), one step each.
    const FLOW: [&str; 7] = [
        // start
        "file \"my aof.1.base.rdb\" seq 1 type b\n\
         file \"my aof.1.incr.aof\" seq 1 type i\n",
        // BGREWRITEAOF, child still running
        "file \"my aof.1.base.rdb\" seq 1 type b\n\
         file \"my aof.1.incr.aof\" seq 1 type i\n\
         file \"my aof.2.incr.aof\" seq 2 type i\n",
        // child done
        "file \"my aof.2.base.rdb\" seq 2 type b\n\
         file \"my aof.1.incr.aof\" seq 1 type h\n\
         file \"my aof.1.base.rdb\" seq 1 type h\n\
         file \"my aof.2.incr.aof\" seq 2 type i\n",
        // BGREWRITEAOF, child running (then killed: the manifest stays as it is)
        "file \"my aof.2.base.rdb\" seq 2 type b\n\
         file \"my aof.1.incr.aof\" seq 1 type h\n\
         file \"my aof.1.base.rdb\" seq 1 type h\n\
         file \"my aof.2.incr.aof\" seq 2 type i\n\
         file \"my aof.3.incr.aof\" seq 3 type i\n",
        // BGREWRITEAOF to completion: two incrs retired at once
        "file \"my aof.3.base.rdb\" seq 3 type b\n\
         file \"my aof.2.incr.aof\" seq 2 type h\n\
         file \"my aof.3.incr.aof\" seq 3 type h\n\
         file \"my aof.2.base.rdb\" seq 2 type h\n\
         file \"my aof.1.incr.aof\" seq 1 type h\n\
         file \"my aof.1.base.rdb\" seq 1 type h\n\
         file \"my aof.4.incr.aof\" seq 4 type i\n",
        // CONFIG SET appendonly no; BGREWRITEAOF: every incr retired
        "file \"my aof.4.base.rdb\" seq 4 type b\n\
         file \"my aof.4.incr.aof\" seq 4 type h\n\
         file \"my aof.3.base.rdb\" seq 3 type h\n\
         file \"my aof.2.incr.aof\" seq 2 type h\n\
         file \"my aof.3.incr.aof\" seq 3 type h\n\
         file \"my aof.2.base.rdb\" seq 2 type h\n\
         file \"my aof.1.incr.aof\" seq 1 type h\n\
         file \"my aof.1.base.rdb\" seq 1 type h\n",
        // CONFIG SET appendonly yes, after its rewrite
        "file \"my aof.5.base.rdb\" seq 5 type b\n\
         file \"my aof.4.base.rdb\" seq 4 type h\n\
         file \"my aof.4.incr.aof\" seq 4 type h\n\
         file \"my aof.3.base.rdb\" seq 3 type h\n\
         file \"my aof.2.incr.aof\" seq 2 type h\n\
         file \"my aof.3.incr.aof\" seq 3 type h\n\
         file \"my aof.2.base.rdb\" seq 2 type h\n\
         file \"my aof.1.incr.aof\" seq 1 type h\n\
         file \"my aof.1.base.rdb\" seq 1 type h\n\
         file \"my aof.5.incr.aof\" seq 5 type i\n",
    ];

    // redis-server restarted with `appendonly yes` on the directory of FLOW[5].
    const RESTART_AFTER_FLOW_5: &str = "file \"my aof.4.base.rdb\" seq 4 type b\n\
                                        file \"my aof.4.incr.aof\" seq 4 type h\n\
                                        file \"my aof.3.base.rdb\" seq 3 type h\n\
                                        file \"my aof.2.incr.aof\" seq 2 type h\n\
                                        file \"my aof.3.incr.aof\" seq 3 type h\n\
                                        file \"my aof.2.base.rdb\" seq 2 type h\n\
                                        file \"my aof.1.incr.aof\" seq 1 type h\n\
                                        file \"my aof.1.base.rdb\" seq 1 type h\n\
                                        file \"my aof.1.incr.aof\" seq 1 type i\n";

    fn parse(text: &str) -> Manifest {
        Manifest::parse(text).unwrap_or_else(|e| panic!("{e} in {text:?}"))
    }

    /// Server start with AOF on and nothing on disk.
    fn start(name: &str, rdb_preamble: bool) -> Manifest {
        let mut am = Manifest::default();
        am.new_base(name, rdb_preamble);
        am.last_incr_or_new(name);
        am
    }

    /// A successful BGREWRITEAOF with AOF on, before any history removal.
    fn rewrite(am: &mut Manifest, name: &str, rdb_preamble: bool) {
        am.new_incr(name);
        am.new_base(name, rdb_preamble);
        am.mark_rewritten_incrs_as_history(true);
    }

    #[test]
    fn real_manifests_round_trip() {
        let all = [
            GC_START,
            GC_REWRITE_1,
            GC_REWRITE_2,
            NOGC_REWRITE_1,
            NOGC_REWRITE_2,
            NOPRE_START,
            NOPRE_REWRITE_1,
            NOPRE_REWRITE_2,
        ];
        for text in all.iter().chain(&FLOW).chain([&RESTART_AFTER_FLOW_5]) {
            assert_eq!(parse(text).to_text(), *text);
        }
    }

    #[test]
    fn transitions_match_redis_with_auto_gc() {
        let mut am = start("appendonly.aof", true);
        assert_eq!(am.to_text(), GC_START);
        for expected in [GC_REWRITE_1, GC_REWRITE_2] {
            let before = am.clone();
            rewrite(&mut am, "appendonly.aof", true);
            let mut removed = am.remove_history();
            removed.sort();
            let mut retired: Vec<String> = before
                .files_to_load()
                .iter()
                .map(|f| f.name.clone())
                .collect();
            retired.sort();
            assert_eq!(removed, retired);
            assert_eq!(am.to_text(), expected);
            assert_eq!(am, parse(expected));
        }
    }

    #[test]
    fn transitions_match_redis_without_auto_gc() {
        for (pre, texts) in [
            (true, [GC_START, NOGC_REWRITE_1, NOGC_REWRITE_2]),
            (false, [NOPRE_START, NOPRE_REWRITE_1, NOPRE_REWRITE_2]),
        ] {
            let mut am = start("appendonly.aof", pre);
            assert_eq!(am.to_text(), texts[0]);
            for expected in &texts[1..] {
                rewrite(&mut am, "appendonly.aof", pre);
                assert_eq!(am.to_text(), *expected);
                assert_eq!(am, parse(expected));
            }
        }
    }

    #[test]
    fn transitions_match_redis_full_flow() {
        let name = "my aof";
        let mut am = start(name, true);
        assert_eq!(am.to_text(), FLOW[0]);
        am.new_incr(name);
        assert_eq!(am.to_text(), FLOW[1]);
        am.new_base(name, true);
        am.mark_rewritten_incrs_as_history(true);
        assert_eq!(am.to_text(), FLOW[2]);
        am.new_incr(name);
        assert_eq!(am.to_text(), FLOW[3]);
        // The killed child left the manifest alone; the next rewrite opens a third incr.
        rewrite(&mut am, name, true);
        assert_eq!(am.to_text(), FLOW[4]);
        am.new_base(name, true);
        am.mark_rewritten_incrs_as_history(false);
        assert_eq!(am.to_text(), FLOW[5]);
        assert!(am.files_to_load().len() == 1);
        am.new_base(name, true);
        let incr = am.new_incr(name);
        assert_eq!(incr.name, "my aof.5.incr.aof");
        am.mark_rewritten_incrs_as_history(true);
        assert_eq!(am.to_text(), FLOW[6]);
        // Parsing restores the counters, so a restarted server continues the same sequence.
        assert_eq!(parse(FLOW[6]), am);
        // History does not count for incr seqs: restarting on FLOW[5] with AOF on, Redis
        // reuses seq 1, a name still listed as history.
        let mut restarted = parse(FLOW[5]);
        restarted.last_incr_or_new(name);
        assert_eq!(restarted.to_text(), RESTART_AFTER_FLOW_5);
    }

    #[test]
    fn parsed_fields_and_load_order() {
        let am = parse(NOGC_REWRITE_2);
        assert_eq!(am.curr_base_seq, 3);
        assert_eq!(am.curr_incr_seq, 3);
        assert_eq!(am.history.len(), 4);
        let names: Vec<&str> = am.files_to_load().iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            ["appendonly.aof.3.base.rdb", "appendonly.aof.3.incr.aof"]
        );
        let mut am = am;
        assert_eq!(
            am.remove_history(),
            [
                "appendonly.aof.2.incr.aof",
                "appendonly.aof.2.base.rdb",
                "appendonly.aof.1.incr.aof",
                "appendonly.aof.1.base.rdb"
            ]
        );
        assert_eq!(am.to_text(), GC_REWRITE_2);
    }

    #[test]
    fn lenient_forms_redis_accepts() {
        let cases: &[(&str, &str)] = &[
            // Comments (only at column 0) and a file of comments only.
            ("# hi\nfile a seq 1 type b\n", "file a seq 1 type b\n"),
            ("# nothing\n", ""),
            // Keys in any order and any case, unknown pairs ignored, surrounding blanks.
            ("  TYPE i Seq 7 extra x FILE a \r\n", "file a seq 7 type i\n"),
            // Only the first byte of the type counts; seq is atoll.
            ("file a seq +3junk type incr\n", "file a seq 3 type i\n"),
            ("file a seq -2 type base\n", "file a seq -2 type b\n"),
            ("file a seq 99999999999999999999 type h\n", "file a seq 9223372036854775807 type h\n"),
            // Quoting per sdssplitargs; written back only quoted when needed.
            ("file \"a\" seq 1 type b\n", "file a seq 1 type b\n"),
            ("file 'a b' seq 1 type b\n", "file \"a b\" seq 1 type b\n"),
            ("file \"\\x41\\tq\\\"\" seq 1 type b\n", "file \"A\\tq\\\"\" seq 1 type b\n"),
            ("file \"\\xc3\\xa9\" seq 1 type b\n", "file \"\\xc3\\xa9\" seq 1 type b\n"),
            // An empty name is accepted, but sdsneedsrepr("") is false, so Redis writes it
            // bare and cannot read its own output back (asserted below).
            ("file \"\" seq 1 type b\n", "file  seq 1 type b\n"),
            // A later duplicate key wins.
            ("file a file b seq 1 type b\n", "file b seq 1 type b\n"),
            // History seqs need no order; incrs may skip.
            ("file h seq 5 type h\nfile x seq 2 type h\nfile i seq 1 type i\nfile j seq 9 type i\n",
             "file h seq 5 type h\nfile x seq 2 type h\nfile i seq 1 type i\nfile j seq 9 type i\n"),
        ];
        for (input, output) in cases {
            assert_eq!(parse(input).to_text(), *output, "{input:?}");
        }
        assert_eq!(
            parse("file \"\\xc3\\xa9\" seq 1 type b\n")
                .base
                .map(|f| f.name),
            Some("é".to_string())
        );
        assert_eq!(
            Manifest::parse("file  seq 1 type b\n"),
            Err(ManifestError::InvalidFormat { line: 1 })
        );
    }

    #[test]
    fn parse_errors() {
        use ManifestError::*;
        let long = format!("file {} seq 1 type b\n", "a".repeat(1010));
        let long_comment = format!("#{}\n", "c".repeat(1100));
        let cases: Vec<(&str, ManifestError)> = vec![
            ("", Empty),
            ("file a seq 1 type b", TooLongLine { line: 1 }),
            (
                "file a seq 1 type b\nfile b seq 1 type i",
                TooLongLine { line: 2 },
            ),
            ("file a\0 seq 1 type b\n", TooLongLine { line: 1 }),
            (&long, TooLongLine { line: 1 }),
            // The comment's tail, past fgets' buffer, is read as a line of its own.
            (&long_comment, InvalidFormat { line: 2 }),
            ("\n", InvalidFormat { line: 1 }),
            (" \t\r\n", InvalidFormat { line: 1 }),
            ("  # not a comment\n", InvalidFormat { line: 1 }),
            ("file a seq 1 type\n", InvalidFormat { line: 1 }),
            ("file a seq 1 type b x\n", InvalidFormat { line: 1 }),
            ("file \"a\"b seq 1 type b\n", InvalidFormat { line: 1 }),
            ("file \"a seq 1 type b\n", InvalidFormat { line: 1 }),
            ("file 'a seq 1 type b\n", InvalidFormat { line: 1 }),
            ("file a seq 0 type b\n", InvalidFormat { line: 1 }),
            ("file a seq x type b\n", InvalidFormat { line: 1 }),
            ("file a seq 1 type \"\"\n", InvalidFormat { line: 1 }),
            ("name a seq 1 type b\n", InvalidFormat { line: 1 }),
            ("seq 1 type b x y\n", InvalidFormat { line: 1 }),
            ("file a/b seq 1 type b\n", PathNotBaseName { line: 1 }),
            ("file a\\\\b seq 0 type b\n", PathNotBaseName { line: 1 }),
            (
                "file a seq 1 type b\nfile b seq 2 type b\n",
                DuplicateBase { line: 2 },
            ),
            (
                "file a seq 2 type i\nfile b seq 2 type i\n",
                NonMonotonicSeq { line: 2 },
            ),
            (
                "file a seq 3 type i\nfile b seq 2 type i\n",
                NonMonotonicSeq { line: 2 },
            ),
            ("file a seq -1 type i\n", NonMonotonicSeq { line: 1 }),
            ("file a seq 1 type x\n", UnknownType { line: 1 }),
            ("# c\nfile a seq 1 type B\n", UnknownType { line: 2 }),
        ];
        for (input, expected) in cases {
            assert_eq!(Manifest::parse(input), Err(expected.clone()), "{input:?}");
        }
        assert_eq!(
            Manifest::parse_bytes(b"file \xff seq 1 type b\n"),
            Err(NonUtf8FileName { line: 1 })
        );
        assert_eq!(
            Manifest::parse("file \"\\xff\" seq 1 type b\n"),
            Err(NonUtf8FileName { line: 1 })
        );
    }

    #[test]
    fn error_messages_are_redis_text() {
        use ManifestError::*;
        let line = 1;
        let expected = [
            (Empty, "Found an empty AOF manifest"),
            (
                TooLongLine { line },
                "The AOF manifest file contains too long line",
            ),
            (InvalidFormat { line }, "Invalid AOF manifest file format"),
            (
                PathNotBaseName { line },
                "File can't be a path, just a filename",
            ),
            (
                DuplicateBase { line },
                "Found duplicate base file information",
            ),
            (
                NonMonotonicSeq { line },
                "Found a non-monotonic sequence number",
            ),
            (UnknownType { line }, "Unknown AOF file type"),
        ];
        for (err, text) in expected {
            assert_eq!(err.to_string(), text);
        }
        assert_eq!(Empty.line(), None);
        assert_eq!(DuplicateBase { line: 3 }.line(), Some(3));
    }

    #[test]
    fn names() {
        assert_eq!(
            manifest_file_name("appendonly.aof"),
            "appendonly.aof.manifest"
        );
        assert_eq!(
            temp_manifest_file_name("appendonly.aof"),
            "temp-appendonly.aof.manifest"
        );
        assert_eq!(
            temp_incr_file_name("appendonly.aof"),
            "temp-appendonly.aof.incr"
        );
        let mut am = Manifest::default();
        assert!(am.is_empty());
        assert_eq!(am.new_base("x", false).name, "x.1.base.aof");
        assert_eq!(am.new_base("x", true).name, "x.2.base.rdb");
        assert_eq!(am.last_incr_or_new("x").name, "x.1.incr.aof");
        assert_eq!(am.last_incr_or_new("x").name, "x.1.incr.aof");
        assert_eq!(
            am.history,
            [AofFile {
                name: "x.1.base.aof".into(),
                seq: 1,
                kind: AofKind::History
            }]
        );
        // No incrs: nothing to retire either way.
        let mut empty = Manifest::default();
        empty.mark_rewritten_incrs_as_history(true);
        assert_eq!(empty, Manifest::default());
    }

    #[test]
    fn load_and_persist() -> io::Result<()> {
        let dir = std::env::temp_dir().join(format!("redactor-manifest-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        assert_eq!(Manifest::load(&dir, "appendonly.aof")?, None);
        fs::create_dir_all(&dir)?;
        assert_eq!(Manifest::load(&dir, "appendonly.aof")?, None);
        let am = parse(NOGC_REWRITE_1);
        am.persist(&dir, "appendonly.aof")?;
        assert_eq!(
            fs::read_to_string(dir.join("appendonly.aof.manifest"))?,
            NOGC_REWRITE_1
        );
        assert!(!dir.join("temp-appendonly.aof.manifest").exists());
        assert_eq!(Manifest::load(&dir, "appendonly.aof")?, Some(am));
        fs::write(dir.join("appendonly.aof.manifest"), "junk\n")?;
        let err = Manifest::load(&dir, "appendonly.aof").err();
        assert_eq!(err.map(|e| e.kind()), Some(io::ErrorKind::InvalidData));
        fs::remove_dir_all(&dir)
    }
}
