//! WAIT numreplicas timeout
//!
//! Blocks until at least `numreplicas` replicas have acknowledged everything written so far, or
//! `timeout` ms pass (0: forever), and answers how many had. Replicas are asked to acknowledge
//! at once (`REPLCONF GETACK *` in the stream).

use crate::cmd::flags::*;
use crate::cmd::table::{spec, NO_KEYS};
use crate::cmd::{Args, BlockRequest, CmdError, CommandSpec, Effect, Exec, TimeoutReply};
use crate::keyspace::value::parse_i64_strict;

pub const SPEC: CommandSpec = spec(
    "wait",
    3,
    NOSCRIPT,
    NO_KEYS,
    "generic",
    "3.0.0",
    "Wait for the synchronous replication of all the write commands sent in the context of the current connection",
    wait,
);

fn wait(ex: &mut Exec, args: Args) -> Result<(), CmdError> {
    if ex.ks.repl.master.is_some() {
        return Err(CmdError::other(
            "ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.",
        ));
    }
    let a = args.rest();
    let numreplicas = parse_i64_strict(&a[0]).ok_or(CmdError::NotInteger)?;
    let timeout = parse_i64_strict(&a[1])
        .ok_or_else(|| CmdError::other("ERR timeout is not an integer or out of range"))?;
    if timeout < 0 {
        return Err(CmdError::other("ERR timeout is negative"));
    }
    let target = ex.ks.repl_offset_now();
    let acked = ex.server.repl.acked_at(target);
    if acked as i64 >= numreplicas || ex.session.multi.is_some() || !ex.may_block {
        ex.out.int(acked as i64);
        return Ok(());
    }
    ex.block = Some(BlockRequest {
        keys: Vec::new(),
        timeout_ms: timeout as u64,
        timeout_reply: TimeoutReply::Acked { target },
    });
    ex.effect = Effect::WaitAcks {
        numreplicas: numreplicas as usize,
        target,
    };
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn answers_at_once_without_replicas_to_wait_for() {
        let mut h = Harness::new();
        h.check(&[
            ("WAIT 0 0", ":0\r\n"),
            ("WAIT 1 10", ":0\r\n"),
            (
                "WAIT x 0",
                "-ERR value is not an integer or out of range\r\n",
            ),
            ("WAIT 1 -1", "-ERR timeout is negative\r\n"),
        ]);
        h.ks.repl.master = Some(("127.0.0.1".into(), 1));
        assert!(h
            .run(&["WAIT", "1", "0"])
            .starts_with("-ERR WAIT cannot be used with replica"));
    }
}
