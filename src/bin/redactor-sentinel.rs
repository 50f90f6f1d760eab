//! `redactor-sentinel /path/to/sentinel.conf`: the same as `redactor-server <conf> --sentinel`.

#[global_allocator]
static ALLOC: redactor::alloc::Counting = redactor::alloc::Counting;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    std::process::exit(redactor::launch::main(
        &args,
        true,
        redactor::alloc::allocated,
    ));
}
