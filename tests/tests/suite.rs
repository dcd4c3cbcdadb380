//! Every end-to-end test but the load tests in one test binary, so that
//! `cargo test --workspace` runs them side by side instead of one file
//! after another (each file is a module; they wait on servers and clients
//! far more than they compute). `.cargo/config.toml` sets how many run at
//! once. A test that floods, or holds thousands of sockets, goes in
//! `load.rs` instead: there the load tests run one at a time, after these.

mod adversary;
mod classroom;
mod classroom_proof;
mod cli;
mod common_api;
mod connected_udp;
mod demos;
mod exercises;
mod framing;
mod http;
mod http_raw;
mod rebuild;
mod socket_basics;
mod stages;
mod tcp;
mod trace;
mod udp;
mod udp_loss;
