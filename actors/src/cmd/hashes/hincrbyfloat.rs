//! HINCRBYFLOAT key field increment
//!
//! Adds the floating point `increment` to the value of `field` (0 when absent), in `long
//! double` precision as Redis does, stores the sum in Redis's human-friendly form (17
//! decimals, trailing zeros dropped) and replies with that text.

use crate::cmd::flags::*;
use crate::cmd::strings::longdouble::LongDouble;
use crate::cmd::table::{spec, KEY1};
use crate::cmd::{Args, CmdError, CommandSpec, Exec};
use crate::notify;

pub const SPEC: CommandSpec = spec(
    "hincrbyfloat",
    4,
    WRITE | DENYOOM | FAST,
    KEY1,
    "hash",
    "2.6.0",
    "Increment the float value of a hash field by the given amount",
    hincrbyfloat,
);

fn hincrbyfloat(ex: &mut Exec, mut args: Args) -> Result<(), CmdError> {
    let key = args.required()?;
    let field = args.required()?;
    let incr = LongDouble::parse(args.required()?).ok_or(CmdError::NotFloat)?;
    if !incr.is_finite() {
        return Err(CmdError::other("ERR value is NaN or Infinity"));
    }
    let limits = super::limits(ex);
    // The failures left below need an existing field, so an empty hash is never left behind.
    let h = super::hash_or_create(ex, key)?;
    let old = match h.get(field) {
        None => LongDouble::Zero { neg: false },
        Some(v) => {
            LongDouble::parse(v).ok_or_else(|| CmdError::other("ERR hash value is not a float"))?
        }
    };
    let sum = old.plus(incr);
    if !sum.is_finite() {
        return Err(CmdError::other(
            "ERR increment would produce NaN or Infinity",
        ));
    }
    let text = sum.to_human();
    h.set(field, text.clone().into_bytes(), limits);
    ex.out.bulk(text.as_bytes());
    ex.changed(notify::HASH, "hincrbyfloat", key);
    ex.ks.dirty += 1;
    ex.propagate_as(&[b"HSET", key, field, text.as_bytes()]);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cmd::testing::Harness;

    #[test]
    fn increments_in_long_double() {
        let mut h = Harness::new();
        h.check(&[
            ("HINCRBYFLOAT h a 10.5", "$4\r\n10.5\r\n"),
            ("HINCRBYFLOAT h a 0.1", "$4\r\n10.6\r\n"),
            ("HINCRBYFLOAT h a -10.6", "$1\r\n0\r\n"),
            ("HSET h i 17179869184 s x e 5.0e3 inf inf", ":4\r\n"),
            ("HINCRBYFLOAT h i 1.5", "$13\r\n17179869185.5\r\n"),
            ("HINCRBYFLOAT h e 2.0e2", "$4\r\n5200\r\n"),
            ("HINCRBYFLOAT h s 1", "-ERR hash value is not a float\r\n"),
            (
                "HINCRBYFLOAT h inf 1",
                "-ERR increment would produce NaN or Infinity\r\n",
            ),
            ("HINCRBYFLOAT h a inf", "-ERR value is NaN or Infinity\r\n"),
            (
                "HINCRBYFLOAT h a nan",
                "-ERR value is not a valid float\r\n",
            ),
            ("HINCRBYFLOAT h a x", "-ERR value is not a valid float\r\n"),
            ("HINCRBYFLOAT n a inf", "-ERR value is NaN or Infinity\r\n"),
            ("EXISTS n", ":0\r\n"),
            ("SET s x", "+OK\r\n"),
            (
                "HINCRBYFLOAT s a 1",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
        ]);
        h.run(&["HSET", "big", "f", "1e4932"]);
        assert_eq!(
            h.run(&["HINCRBYFLOAT", "big", "f", "1e4932"]),
            "-ERR increment would produce NaN or Infinity\r\n"
        );
    }

    #[test]
    fn long_results_convert_the_hash() {
        let mut h = Harness::new();
        h.check(&[
            (
                "HINCRBYFLOAT h a 1e70",
                "$71\r\n10000000000000000000222479489586148259025995410601157579323600873193472\r\n",
            ),
            ("OBJECT ENCODING h", "$9\r\nhashtable\r\n"),
        ]);
    }
}
