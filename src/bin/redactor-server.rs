//! `redactor-server [/path/to/redis.conf] [--directive value ...]`: a Redis-compatible server.

#[global_allocator]
static ALLOC: redactor::alloc::Counting = redactor::alloc::Counting;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    std::process::exit(redactor::launch::main(
        &args,
        false,
        redactor::alloc::allocated,
    ));
}
