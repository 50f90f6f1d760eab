//! Sentinel interoperability, with the scenarios of tests/common/sentinels.rs on mixed
//! binaries (servers 127.0.0.55-57, Sentinels 127.0.0.65-67):
//! * Redactor Sentinels failing over real redis-servers (our Sentinel's commands to a
//!   server: AUTH, INFO parsing, `MULTI / SLAVEOF / CONFIG REWRITE / CLIENT KILL / EXEC`);
//! * real redis-sentinels failing over Redactor servers (our server as Sentinel expects it:
//!   INFO fields, hello pub/sub, SLAVEOF and CONFIG REWRITE in a transaction);
//! * one group of two Redactor Sentinels and one real redis-sentinel: they discover each
//!   other through hellos, vote with IS-MASTER-DOWN-BY-ADDR and agree on one failover.
//!
//! The all-real references of the same scenarios are the `real_*` tests in sentinel.rs.

mod common;

use common::sentinels::{self, three, Flavor, Hosts, Spec};

const HOSTS: Hosts = Hosts {
    servers: ["127.0.0.55", "127.0.0.56", "127.0.0.57"],
    sentinels: ["127.0.0.65", "127.0.0.66", "127.0.0.67"],
};

/// Two Redactor Sentinels (one started as `redactor-server --sentinel`) and a real one.
fn mixed_group() -> Vec<Spec> {
    vec![
        Spec {
            flavor: Flavor::Redactor,
            via_server: false,
        },
        Spec {
            flavor: Flavor::Real,
            via_server: false,
        },
        Spec {
            flavor: Flavor::Redactor,
            via_server: true,
        },
    ]
}

#[test]
fn redactor_sentinels_discover_real_servers() {
    sentinels::discovery(HOSTS, Flavor::Real, &three(Flavor::Redactor));
}

#[test]
fn redactor_sentinels_fail_over_real_servers() {
    sentinels::failover_on_master_kill(HOSTS, Flavor::Real, &three(Flavor::Redactor));
}

#[test]
fn redactor_sentinels_manual_failover_of_real_servers() {
    sentinels::manual_failover(HOSTS, Flavor::Real, &three(Flavor::Redactor));
}

#[test]
fn real_sentinels_discover_redactor_servers() {
    sentinels::discovery(HOSTS, Flavor::Redactor, &three(Flavor::Real));
}

#[test]
fn real_sentinels_fail_over_redactor_servers() {
    sentinels::failover_on_master_kill(HOSTS, Flavor::Redactor, &three(Flavor::Real));
}

#[test]
fn real_sentinels_manual_failover_of_redactor_servers() {
    sentinels::manual_failover(HOSTS, Flavor::Redactor, &three(Flavor::Real));
}

#[test]
fn mixed_sentinel_group_discovers_each_other() {
    sentinels::discovery(HOSTS, Flavor::Real, &mixed_group());
}

#[test]
fn mixed_sentinel_group_agrees_on_one_failover() {
    sentinels::failover_on_master_kill(HOSTS, Flavor::Real, &mixed_group());
}
