//! The load tests: floods, thousands of clients, a listen queue filled to
//! the open-files limit. Each takes the machine's two cores, its memory
//! for sockets and its ports for a few seconds, so they run one at a time
//! (each holds `chapter_tests::heavy()`), in a binary of their own that
//! cargo runs after `suite`: no other test meets a flood.

#[path = "load/adversary.rs"]
mod adversary;
#[path = "load/classroom_proof.rs"]
mod classroom_proof;
#[path = "load/exercises.rs"]
mod exercises;
#[path = "load/stages.rs"]
mod stages;
