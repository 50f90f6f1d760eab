//! REPLCONF listening-port <port> | ip-address <ip> | capa <capability> ... | ACK <offset>
//! [FACK <offset>] | GETACK *
//!
//! What a replica tells its master about itself during the handshake, and the acknowledgements
//! it sends once online. ACK is never answered; GETACK is meaningful only coming from our
//! master, and the replication link answers it.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, NO_KEYS};
use crate::cmd::{Args, CmdError, CommandSpec, Effect, Exec};
use crate::keyspace::value::parse_i64_strict;
use crate::session::ReplRole;

pub const SPEC: CommandSpec = spec(
    "replconf",
    -1,
    ADMIN | NOSCRIPT | LOADING | STALE | ALLOW_BUSY,
    NO_KEYS,
    "server",
    "3.0.0",
    "An internal command for configuring the replication stream",
    replconf,
);

fn replconf(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    let a = args.rest();
    if !a.len().is_multiple_of(2) {
        return Err(CmdError::Syntax);
    }
    let (mut port, mut ip, mut psync2) = match &ex.session.repl {
        ReplRole::Handshaking {
            listening_port,
            ip,
            capa_psync2,
        } => (*listening_port, ip.clone(), *capa_psync2),
        _ => (0, None, false),
    };
    for pair in a.chunks(2) {
        let (opt, value) = (pair[0].to_ascii_lowercase(), &pair[1]);
        match opt.as_slice() {
            b"listening-port" => {
                port = parse_i64_strict(value)
                    .filter(|p| (0..=65535).contains(p))
                    .ok_or(CmdError::NotInteger)? as u16;
            }
            b"ip-address" => ip = Some(String::from_utf8_lossy(value).into_owned()),
            b"capa" => psync2 |= value.eq_ignore_ascii_case(b"psync2"),
            b"ack" => {
                // Only replicas acknowledge, and nobody hears back.
                if ex.session.repl == ReplRole::Replica {
                    if let Some(offset) = parse_i64_strict(value) {
                        ex.effect = Effect::ReplAck { offset };
                    }
                }
                return Ok(());
            }
            b"getack" => {
                // Answered by the replication link, which sees it in the stream.
                return Ok(());
            }
            b"rdb-only" | b"rdb-filter-only" => {}
            _ => {
                return Err(CmdError::Other(format!(
                    "ERR Unrecognized REPLCONF option: {}",
                    String::from_utf8_lossy(&pair[0])
                )))
            }
        }
    }
    if ex.session.repl != ReplRole::Replica {
        ex.session.repl = ReplRole::Handshaking {
            listening_port: port,
            ip,
            capa_psync2: psync2,
        };
    }
    ex.out.ok();
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;
    use crate::session::ReplRole;

    #[test]
    fn handshake_options_are_remembered() {
        let mut h = Harness::new();
        h.check(&[
            ("REPLCONF listening-port 6380", "+OK\r\n"),
            ("REPLCONF capa eof capa psync2", "+OK\r\n"),
            (
                "REPLCONF listening-port x",
                "-ERR value is not an integer or out of range\r\n",
            ),
            (
                "REPLCONF foo bar",
                "-ERR Unrecognized REPLCONF option: foo\r\n",
            ),
            ("REPLCONF listening-port", "-ERR syntax error\r\n"),
            ("REPLCONF ACK 10", ""),
        ]);
        assert_eq!(
            h.session.repl,
            ReplRole::Handshaking {
                listening_port: 6380,
                ip: None,
                capa_psync2: true
            }
        );
    }
}
