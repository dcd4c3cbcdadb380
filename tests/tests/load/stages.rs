//! Stage 5 with 2,000 clients at once (see stages.rs). Holds `heavy()`.

// Test code: a failed step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::net::TcpStream;
use std::time::Instant;

use chapter_tests::{
    assert_clean, connect, heavy, read_exactly, reply, threads,
};

#[path = "../stages/support.rs"]
mod support;
use support::*;

#[test]
fn stage_5_serves_2000_clients_at_once_with_at_most_2_threads() {
    let _heavy = heavy();
    const CLIENTS: usize = 2000;
    match open_files_limit() {
        Some(n) if n < CLIENTS as u64 + 200 => {
            eprintln!("skipped: ulimit -n is {n}, {CLIENTS} clients need more");
            return;
        }
        None => {
            eprintln!("skipped: no /proc/self/limits to count threads by");
            return;
        }
        Some(_) => {}
    }
    let server = stage("5-nonblocking");
    let started = Instant::now();
    let mut clients: Vec<TcpStream> =
        (0..CLIENTS).map(|_| connect(server.addr)).collect();
    for (i, client) in clients.iter_mut().enumerate() {
        client.write_all(format!("同学{i}").as_bytes()).unwrap();
    }
    // All 2,000 connected at once, each with a question in flight.
    let n = threads(server.process.id()).unwrap();
    assert!(n <= 2, "{n} threads");
    for (i, client) in clients.iter_mut().enumerate() {
        let want = reply(&format!("同学{i}"));
        let got = read_exactly(client, want.len());
        assert_eq!(String::from_utf8(got).unwrap(), want);
    }
    let n = threads(server.process.id()).unwrap();
    assert!(n <= 2, "{n} threads");
    eprintln!("{CLIENTS} clients served in {:?}", started.elapsed());
    assert_clean(&server.stderr());
}

/// The soft limit on open files of this process, from /proc (Linux).
fn open_files_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}
