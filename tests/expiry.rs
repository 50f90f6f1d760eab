//! Active expiry: keys nobody touches still go, within a few `hz` ticks, as in Redis.

mod common;

use common::Server;
use std::time::{Duration, Instant};

#[test]
fn untouched_keys_expire_in_the_background() {
    let ours = Server::redactor(&["--save", "", "--hz", "50"]);
    let mut c = ours.client();
    for i in 0..200 {
        let k = format!("k{i}");
        assert_eq!(c.cmd(&["SET", &k, "v", "PX", "100"]), b"+OK\r\n");
    }
    assert_eq!(c.cmd(&["SET", "stays", "v"]), b"+OK\r\n");
    assert_eq!(c.cmd(&["DBSIZE"]), b":201\r\n");
    // DBSIZE reads no key, so only the active cycle can bring it down.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if c.cmd(&["DBSIZE"]) == b":1\r\n" {
            break;
        }
        assert!(Instant::now() < deadline, "keys were not expired actively");
        std::thread::sleep(Duration::from_millis(20));
    }
    let stats = String::from_utf8_lossy(&c.cmd(&["INFO", "stats"])).into_owned();
    assert!(stats.contains("expired_keys:200"), "{stats}");
}
