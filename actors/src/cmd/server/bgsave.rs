//! BGSAVE [SCHEDULE]
//!
//! Starts writing `dir/dbfilename` in the background and answers at once. The keyspace keeps
//! serving while an incremental snapshot is written (see `keyspace::snapshot`). While an AOF
//! rewrite runs, SCHEDULE queues the save for when it ends, as Redis does with its one child.

use crate::cmd::flags::*;
use crate::cmd::table::{spec, NO_KEYS};
use crate::cmd::{Args, CmdError, CommandSpec, Effect, Exec};
use crate::keyspace::background::Job;

pub const SPEC: CommandSpec = spec(
    "bgsave",
    -1,
    ADMIN | NOSCRIPT,
    NO_KEYS,
    "server",
    "1.0.0",
    "Asynchronously save the dataset to disk",
    bgsave,
);

fn bgsave(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let mut schedule = false;
    if !args.is_empty() {
        if args.eat("schedule") && args.is_empty() {
            schedule = true;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    let bg = &mut ex.ks.bg;
    if bg.runs(Job::Bgsave) {
        return Err(CmdError::other("ERR Background save already in progress"));
    }
    if bg.running.is_some() {
        if schedule {
            bg.bgsave_scheduled = true;
            ex.out.simple("Background saving scheduled");
            return Ok(());
        }
        return Err(CmdError::other(
            "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.",
        ));
    }
    ex.effect = Effect::Background(Job::Bgsave);
    ex.out.simple("Background saving started");
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;
    use crate::cmd::Effect;
    use crate::keyspace::background::{Job, Running};

    #[test]
    fn starts_refuses_and_schedules_as_redis() {
        let mut h = Harness::new();
        assert_eq!(h.run(&["BGSAVE"]), "+Background saving started\r\n");
        assert_eq!(h.last_effect, Effect::Background(Job::Bgsave));
        assert_eq!(h.run(&["BGSAVE", "NOW"]), "-ERR syntax error\r\n");
        h.ks.bg.running = Some(Running {
            job: Job::Bgsave,
            started_ms: 0,
            dirty_at_start: 0,
        });
        assert_eq!(
            h.run(&["BGSAVE"]),
            "-ERR Background save already in progress\r\n"
        );
        h.ks.bg.running.as_mut().unwrap().job = Job::AofRewrite;
        assert!(h
            .run(&["BGSAVE"])
            .starts_with("-ERR Another child process is active (AOF?)"));
        assert_eq!(
            h.run(&["bgsave", "schedule"]),
            "+Background saving scheduled\r\n"
        );
        assert!(h.ks.bg.bgsave_scheduled);
    }
}
