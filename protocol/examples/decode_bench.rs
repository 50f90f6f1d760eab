//! Micro benchmarks of the request decoder. Run with
//! `cargo run --release -p protocol --example decode_bench`.
//!
//! 1. The hot path: 16 pipelined `SET key:000123 xxx` in one read, decoded one by one.
//! 2. A 100 MB value arriving in 64 KiB reads, against a 10 MB one: time per byte must not grow.
use bytes::BytesMut;
use protocol::request::Limits;
use protocol::RequestDecoder;
use std::hint::black_box;
use std::time::{Duration, Instant};

const PIPELINE: usize = 16;

fn main() {
    pipelined_sets();
    for mb in [10, 100] {
        let took = big_value(mb * 1024 * 1024);
        let per_mb = took.as_secs_f64() * 1e6 / mb as f64;
        println!("{mb} MB value in 64 KiB reads: {took:?} in the decoder ({per_mb:.2} µs/MB)");
    }
}

fn pipelined_sets() {
    let one = b"*3\r\n$3\r\nSET\r\n$10\r\nkey:000123\r\n$3\r\nxxx\r\n";
    let batch: Vec<u8> = one.repeat(PIPELINE);
    let limits = Limits::default();
    let mut decoder = RequestDecoder::new();
    let mut buf = BytesMut::with_capacity(16 * 1024);
    let rounds = 400_000;
    let mut best = f64::MAX;
    for pass in 0..7 {
        let started = Instant::now();
        let mut decoded = 0usize;
        for _ in 0..rounds {
            // A socket read appends to the connection's buffer the same way.
            buf.extend_from_slice(&batch);
            while let Ok(Some(args)) = decoder.decode(&mut buf, &limits) {
                decoded += black_box(args).len();
            }
        }
        let elapsed = started.elapsed();
        assert_eq!(decoded, rounds * PIPELINE * 3);
        let per_command = elapsed.as_nanos() as f64 / (rounds * PIPELINE) as f64;
        println!("pass {pass}: {per_command:.1} ns/command");
        best = best.min(per_command);
    }
    println!("best: {best:.1} ns/command ({PIPELINE} pipelined SETs per read)");
}

/// Decodes `SET k <len bytes>` fed in 64 KiB reads into a buffer that grows as a connection's
/// would; returns the time spent in the decoder only.
fn big_value(len: usize) -> Duration {
    let mut stream = format!("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n${len}\r\n").into_bytes();
    stream.resize(stream.len() + len, b'v');
    stream.extend_from_slice(b"\r\n");
    let mut decoder = RequestDecoder::new();
    let mut buf = BytesMut::new();
    let mut in_decoder = Duration::ZERO;
    let mut got = None;
    for chunk in stream.chunks(64 * 1024) {
        buf.extend_from_slice(chunk);
        let started = Instant::now();
        if let Ok(Some(args)) = decoder.decode(&mut buf, &Limits::default()) {
            got = Some(args);
        }
        in_decoder += started.elapsed();
    }
    assert_eq!(got.map(|args| args[2].len()), Some(len));
    in_decoder
}
