//! Redactor: wiring of the actor system behind `redactor-server` (and, later, `redactor-sentinel`).
