//! The hello message Sentinels publish every 2 s on `__sentinel__:hello` of every master and
//! replica they watch (`sentinelSendHello`) and read back (`sentinelProcessHelloMessage`):
//! `<ip>,<port>,<runid>,<current_epoch>,<master_name>,<master_ip>,<master_port>,<master_config_epoch>`.
//! It is how Sentinels find each other and how a new master configuration spreads.

use std::fmt;
use std::str::FromStr;

/// `SENTINEL_HELLO_CHANNEL`.
pub const HELLO_CHANNEL: &str = "__sentinel__:hello";

/// One hello: who the sender is, its epoch, and which address it believes the master has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hello {
    /// The sender's announced address (`announce-ip`, or its side of the link).
    pub sentinel_ip: String,
    pub sentinel_port: u16,
    /// The sender's `sentinel myid`.
    pub runid: String,
    pub current_epoch: u64,
    pub master_name: String,
    /// The master's current address in the sender's view (the promoted replica's once a
    /// failover reached `RECONF_SLAVES`: `sentinelGetCurrentMasterAddress`).
    pub master_ip: String,
    pub master_port: u16,
    pub master_config_epoch: u64,
}

/// Why a hello payload was not understood. Redis drops such messages silently (and reads
/// numbers with `atoi`/`strtoull`, so it would also take `12ab` as 12); we are strict and say why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelloError {
    /// Not exactly 8 comma-separated fields (a master name with a comma also lands here, as in
    /// Redis).
    FieldCount(usize),
    /// A port field (`sentinel_port` or `master_port`) that is not a number in 0..=65535.
    BadPort { field: &'static str, value: String },
    /// An epoch field that is not an unsigned 64-bit number.
    BadEpoch { field: &'static str, value: String },
}

impl fmt::Display for HelloError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HelloError::FieldCount(n) => {
                write!(f, "hello message has {n} fields, expected 8")
            }
            HelloError::BadPort { field, value } => {
                write!(f, "hello message has an invalid {field} '{value}'")
            }
            HelloError::BadEpoch { field, value } => {
                write!(f, "hello message has an invalid {field} '{value}'")
            }
        }
    }
}

impl std::error::Error for HelloError {}

impl Hello {
    /// Parses a payload received on [`HELLO_CHANNEL`] (or via the Sentinel's own `PUBLISH`).
    pub fn parse(payload: &str) -> Result<Hello, HelloError> {
        let t: Vec<&str> = payload.split(',').collect();
        if t.len() != 8 {
            return Err(HelloError::FieldCount(t.len()));
        }
        Ok(Hello {
            sentinel_ip: t[0].to_string(),
            sentinel_port: port("sentinel port", t[1])?,
            runid: t[2].to_string(),
            current_epoch: epoch("current epoch", t[3])?,
            master_name: t[4].to_string(),
            master_ip: t[5].to_string(),
            master_port: port("master port", t[6])?,
            master_config_epoch: epoch("master config epoch", t[7])?,
        })
    }
}

/// `sentinelReceiveHelloMessages` skips any payload containing our own id (`strstr`), so a
/// Sentinel does not meet itself through the messages it published.
pub fn is_own(payload: &str, myid: &str) -> bool {
    !myid.is_empty() && payload.contains(myid)
}

fn port(field: &'static str, s: &str) -> Result<u16, HelloError> {
    s.parse().map_err(|_| HelloError::BadPort {
        field,
        value: s.to_string(),
    })
}

fn epoch(field: &'static str, s: &str) -> Result<u64, HelloError> {
    s.parse().map_err(|_| HelloError::BadEpoch {
        field,
        value: s.to_string(),
    })
}

impl FromStr for Hello {
    type Err = HelloError;

    fn from_str(s: &str) -> Result<Hello, HelloError> {
        Hello::parse(s)
    }
}

/// The payload exactly as `sentinelSendHello` formats it (`"%s,%d,%s,%llu,%s,%s,%d,%llu"`).
impl fmt::Display for Hello {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{},{},{},{},{},{},{},{}",
            self.sentinel_ip,
            self.sentinel_port,
            self.runid,
            self.current_epoch,
            self.master_name,
            self.master_ip,
            self.master_port,
            self.master_config_epoch
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "a3b1c5d7e9f0a3b1c5d7e9f0a3b1c5d7e9f0a3b1";

    fn sample() -> Hello {
        Hello {
            sentinel_ip: "10.0.0.2".into(),
            sentinel_port: 26379,
            runid: ID.into(),
            current_epoch: 7,
            master_name: "mymaster".into(),
            master_ip: "10.0.0.1".into(),
            master_port: 6379,
            master_config_epoch: 5,
        }
    }

    #[test]
    fn formats_like_sentinel_send_hello() {
        assert_eq!(
            sample().to_string(),
            format!("10.0.0.2,26379,{ID},7,mymaster,10.0.0.1,6379,5")
        );
    }

    #[test]
    fn round_trips() {
        let h = sample();
        assert_eq!(Hello::parse(&h.to_string()), Ok(h.clone()));
        assert_eq!(h.to_string().parse::<Hello>(), Ok(h));
    }

    #[test]
    fn parse_errors() {
        let cases: &[(&str, HelloError, &str)] = &[
            (
                "a,b,c",
                HelloError::FieldCount(3),
                "hello message has 3 fields, expected 8",
            ),
            (
                "ip,1,id,1,my,master,ip,6379,0",
                HelloError::FieldCount(9),
                "hello message has 9 fields, expected 8",
            ),
            (
                "ip,x,id,1,m,h,6379,0",
                HelloError::BadPort {
                    field: "sentinel port",
                    value: "x".into(),
                },
                "hello message has an invalid sentinel port 'x'",
            ),
            (
                "ip,1,id,1,m,h,70000,0",
                HelloError::BadPort {
                    field: "master port",
                    value: "70000".into(),
                },
                "hello message has an invalid master port '70000'",
            ),
            (
                "ip,1,id,-1,m,h,6379,0",
                HelloError::BadEpoch {
                    field: "current epoch",
                    value: "-1".into(),
                },
                "hello message has an invalid current epoch '-1'",
            ),
            (
                "ip,1,id,1,m,h,6379,",
                HelloError::BadEpoch {
                    field: "master config epoch",
                    value: "".into(),
                },
                "hello message has an invalid master config epoch ''",
            ),
        ];
        for (input, err, text) in cases {
            let got = Hello::parse(input).unwrap_err();
            assert_eq!(&got, err, "{input}");
            assert_eq!(got.to_string(), *text, "{input}");
        }
    }

    #[test]
    fn own_messages_are_recognised() {
        assert!(is_own(&sample().to_string(), ID));
        assert!(!is_own(&sample().to_string(), "ffff"));
        assert!(!is_own("anything", ""));
    }
}
