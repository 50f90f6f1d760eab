//! BGREWRITEAOF
//!
//! Starts rewriting the append-only file in the background: a new base file holding the
//! dataset (an RDB preamble when `aof-use-rdb-preamble yes`) and a fresh incremental file for
//! what comes after. While a BGSAVE runs the rewrite waits for it, as in Redis.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, NO_KEYS};
use crate::cmd::{Args, CmdError, CommandSpec, Effect, Exec};
use crate::keyspace::background::Job;

pub const SPEC: CommandSpec = spec(
    "bgrewriteaof",
    1,
    ADMIN | NOSCRIPT,
    NO_KEYS,
    "server",
    "1.0.0",
    "Asynchronously rewrite the append-only file",
    bgrewriteaof,
);

fn bgrewriteaof(ex: &mut Exec, _: Args) -> Result<(), CmdError> {
    let bg = &mut ex.ks.bg;
    if bg.runs(Job::AofRewrite) {
        return Err(CmdError::other(
            "ERR Background append only file rewriting already in progress",
        ));
    }
    if bg.running.is_some() {
        bg.rewrite_scheduled = true;
        ex.out
            .simple("Background append only file rewriting scheduled");
        return Ok(());
    }
    ex.effect = Effect::Background(Job::AofRewrite);
    ex.out
        .simple("Background append only file rewriting started");
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;
    use crate::cmd::Effect;
    use crate::keyspace::background::{Job, Running};

    #[test]
    fn starts_waits_for_a_bgsave_and_refuses_a_second() {
        let mut h = Harness::new();
        assert_eq!(
            h.run(&["BGREWRITEAOF"]),
            "+Background append only file rewriting started\r\n"
        );
        assert_eq!(h.last_effect, Effect::Background(Job::AofRewrite));
        h.ks.bg.running = Some(Running {
            job: Job::Bgsave,
            started_ms: 0,
            dirty_at_start: 0,
        });
        assert_eq!(
            h.run(&["BGREWRITEAOF"]),
            "+Background append only file rewriting scheduled\r\n"
        );
        assert!(h.ks.bg.rewrite_scheduled);
        h.ks.bg.running.as_mut().unwrap().job = Job::AofRewrite;
        assert_eq!(
            h.run(&["BGREWRITEAOF"]),
            "-ERR Background append only file rewriting already in progress\r\n"
        );
    }
}
