//! Micro benchmark of the request decoder's hot path: 16 pipelined `SET key:000123 xxx` in one
//! read, decoded one by one. Run with
//! `cargo run --release -p protocol --example decode_bench`.
use bytes::BytesMut;
use protocol::request::Limits;
use protocol::RequestDecoder;
use std::hint::black_box;
use std::time::Instant;

const PIPELINE: usize = 16;

fn main() {
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
