//! Redactor: the wiring of the actor system behind `redactor-server` and
//! `redactor-sentinel`. The binaries are thin: they call [`launch::main`].

pub mod alloc;
pub mod config;
pub mod launch;
pub mod log;
pub mod sentinel;
pub mod system;
