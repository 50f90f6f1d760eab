//! Real Redis 7.0.15's command metadata (COMMAND INFO and COMMAND DOCS replies), captured by
//! `tools/capture-command-table.py` into `meta/*.resp3` and served for the commands Redactor
//! has, so that COMMAND answers byte for byte as Redis does and redis-cli gets its hints.

use bytes::{Bytes, BytesMut};
use protocol::{Frame, FrameDecoder};
use std::collections::HashMap;

static INFO: &[u8] = include_bytes!("meta/command-info.resp3");
static DOCS: &[u8] = include_bytes!("meta/command-docs.resp3");

/// Both replies, indexed by full command name (`get`, `client|list`).
#[derive(Default)]
pub struct CommandMeta {
    info: HashMap<String, Frame>,
    docs: HashMap<String, Frame>,
}

fn decode(raw: &'static [u8]) -> Option<Frame> {
    let mut buf = BytesMut::from(raw);
    FrameDecoder::new().decode(&mut buf).ok().flatten()
}

fn text(f: &Frame) -> Option<String> {
    match f {
        Frame::Bulk(b) | Frame::Simple(b) => Some(String::from_utf8_lossy(b).to_ascii_lowercase()),
        _ => None,
    }
}

impl CommandMeta {
    /// Decodes the embedded replies; a damaged capture leaves the tables empty, and COMMAND
    /// falls back to what the command table itself knows.
    pub fn load() -> Self {
        let mut meta = CommandMeta::default();
        if let Some(Frame::Array(all)) = decode(INFO) {
            for entry in all {
                meta.index_info(entry);
            }
        }
        if let Some(Frame::Map(all)) = decode(DOCS) {
            for (name, doc) in all {
                meta.index_docs(name, doc);
            }
        }
        meta
    }

    fn index_info(&mut self, entry: Frame) {
        let Frame::Array(fields) = &entry else { return };
        let Some(name) = fields.first().and_then(text) else {
            return;
        };
        if let Some(Frame::Array(subs)) = fields.get(9) {
            for s in subs.clone() {
                self.index_info(s);
            }
        }
        self.info.insert(name, entry);
    }

    fn index_docs(&mut self, name: Frame, doc: Frame) {
        let Some(name) = text(&name) else { return };
        if let Frame::Map(fields) = &doc {
            for (k, v) in fields {
                if text(k).as_deref() == Some("subcommands") {
                    if let Frame::Map(subs) = v {
                        for (sn, sd) in subs.clone() {
                            self.index_docs(sn, sd);
                        }
                    }
                }
            }
        }
        self.docs.insert(name, doc);
    }

    /// The COMMAND INFO entry of `name`, its subcommand list cut down to `keep`.
    pub fn info(&self, name: &str, keep: &[&str]) -> Option<Frame> {
        let mut f = self.info.get(name)?.clone();
        if let Frame::Array(fields) = &mut f {
            if let Some(Frame::Array(subs)) = fields.get_mut(9) {
                subs.retain(|s| match s {
                    Frame::Array(sf) => sf
                        .first()
                        .and_then(text)
                        .is_some_and(|n| keep.iter().any(|k| n.rsplit('|').next() == Some(k))),
                    _ => false,
                });
            }
        }
        Some(f)
    }

    /// The COMMAND DOCS entry of `name`, its subcommand map cut down to `keep`.
    pub fn docs(&self, name: &str, keep: &[&str]) -> Option<Frame> {
        let mut f = self.docs.get(name)?.clone();
        if let Frame::Map(fields) = &mut f {
            for (k, v) in fields.iter_mut() {
                if text(k).as_deref() == Some("subcommands") {
                    if let Frame::Map(subs) = v {
                        subs.retain(|(n, _)| {
                            text(n).is_some_and(|n| {
                                keep.iter().any(|k| n.rsplit('|').next() == Some(k))
                            })
                        });
                    }
                }
            }
        }
        Some(f)
    }

    pub fn is_empty(&self) -> bool {
        self.info.is_empty() || self.docs.is_empty()
    }
}

/// A bulk string frame, for names written next to a docs entry.
pub fn bulk(s: &str) -> Frame {
    Frame::Bulk(Bytes::copy_from_slice(s.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_capture_decodes_and_indexes_subcommands() {
        let m = CommandMeta::load();
        assert!(!m.is_empty());
        let Some(Frame::Array(get)) = m.info("get", &[]) else {
            panic!("no get")
        };
        assert_eq!(get[1], Frame::Integer(2));
        assert!(m.info("client|list", &[]).is_some());
        let Some(Frame::Array(client)) = m.info("client", &["id", "list"]) else {
            panic!()
        };
        let Frame::Array(subs) = &client[9] else {
            panic!()
        };
        assert_eq!(subs.len(), 2);
        assert!(m.docs("set", &[]).is_some());
        assert!(m.docs("config|get", &[]).is_some());
    }
}
