//! The live-coding stages of tcp-server (`cargo run -p tcp-server --example
//! 1-accept` … `4-pool`): each prints its bound address first, takes only
//! `--host`/`--port`, and does what its stage promises — one client and
//! done; one client at a time; all at once; a bounded pool that says when
//! it is full. Every server runs on 127.0.0.1 with `--port 0`.

// Test code: a failed step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use chapter_tests::{
    LIMIT, Server, assert_clean, connect, example, read_exactly, reply,
    round_trip, run, threads,
};

/// The pool's size and queue, as `4-pool.rs` sets them.
const WORKERS: usize = 8;
const QUEUE: usize = 32;

fn stage_command(name: &str) -> Command {
    let mut cmd = Command::new(example("tcp-server", name));
    cmd.env("RUST_BACKTRACE", "1");
    cmd
}

fn stage(name: &str) -> Server {
    let mut cmd = stage_command(name);
    cmd.args(["--host", "127.0.0.1", "--port", "0"]);
    let server = Server::start(cmd);
    let first = server.stdout();
    assert!(
        first.starts_with("TCP 服务端已启动，正在监听 127.0.0.1:"),
        "{first}"
    );
    server
}

#[test]
fn stage_1_accepts_one_client_prints_its_address_and_ends() {
    let mut server = stage("1-accept");
    let mut client = connect(server.addr);
    let me = client.local_addr().unwrap();
    let (status, _) = server.process.wait(LIMIT);
    assert!(status.success(), "{status:?}\n{}", server.stderr());
    assert!(
        server.stdout().contains(&format!("\n接受到: {me} 连接\n")),
        "{}",
        server.stdout()
    );
    // The server closed the connection: the client reads the end of it.
    assert_eq!(client.read(&mut [0; 16]).unwrap(), 0);
    assert_clean(&server.stdout());
    assert!(server.stderr().is_empty(), "{}", server.stderr());
}

#[test]
fn stage_2_serves_one_client_at_a_time() {
    let server = stage("2-echo");
    let mut first = connect(server.addr);
    assert_eq!(round_trip(&mut first, "第一位"), reply("第一位"));

    // The second client is connected (the kernel queues it) but not served
    // while the first one is still talking.
    let mut second = connect(server.addr);
    second.write_all("第二位".as_bytes()).unwrap();
    second
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let err = second.read(&mut [0; 64]).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
        "{err}"
    );

    // As soon as the first says end, the second gets its answer.
    first.write_all(b"end").unwrap();
    second.set_read_timeout(Some(LIMIT)).unwrap();
    let want = reply("第二位");
    let got = read_exactly(&mut second, want.len());
    assert_eq!(String::from_utf8(got).unwrap(), want);
    let out = server.process.stdout.wait_for(LIMIT, |t| {
        t.contains("服务端处理完成") && t.contains("说: 第二位")
    });
    assert!(out.contains("说: 第一位"), "{out}");
    assert_clean(&out);
}

#[test]
fn stage_3_serves_clients_at_once_and_survives_a_reset() {
    let server = stage("3-threads");
    let mut held = Vec::new();
    for i in 0..20 {
        let mut client = connect(server.addr);
        let message = format!("同学{i}");
        assert_eq!(round_trip(&mut client, &message), reply(&message));
        held.push(client);
    }
    // Twenty clients talking at once: a thread each.
    if let Some(n) = threads(server.process.id()) {
        assert!(n > 20, "{n} threads for 20 clients");
    }
    // One resets its connection; the server goes on serving.
    let rude = socket2::Socket::from(held.pop().unwrap());
    rude.set_linger(Some(Duration::ZERO)).unwrap();
    drop(rude);
    let mut late = connect(server.addr);
    assert_eq!(round_trip(&mut late, "还在吗"), reply("还在吗"));
    assert_clean(&server.stdout());
    assert_clean(&server.stderr());
}

/// Every worker of a pool busy with a client that has had one round trip
/// and stays connected.
fn occupy_workers(server: &Server) -> Vec<TcpStream> {
    (0..WORKERS)
        .map(|i| {
            let mut client = connect(server.addr);
            let message = format!("忙{i}");
            assert_eq!(round_trip(&mut client, &message), reply(&message));
            client
        })
        .collect()
}

#[test]
fn stage_4_pool_bounds_threads_queues_and_says_when_full() {
    let server = stage("4-pool");
    // Every worker busy with a client that stays connected.
    let mut busy = occupy_workers(&server);
    // These wait in the queue.
    let mut queued: Vec<TcpStream> =
        (0..QUEUE).map(|_| connect(server.addr)).collect();
    // One more: told the server is full, then closed.
    let mut extra = connect(server.addr);
    let mut told = String::new();
    extra.read_to_string(&mut told).unwrap();
    assert_eq!(
        told,
        "服务端已满，请稍后再试 / server full, try again later"
    );
    let log = server
        .process
        .stderr
        .wait_for(LIMIT, |t| t.contains("queue full"));
    assert!(log.contains("queue full, refused 127.0.0.1:"), "{log}");

    // 1 + WORKERS threads, however many clients (a little room for the
    // runtime's own).
    if let Some(n) = threads(server.process.id()) {
        assert!(n <= WORKERS + 3, "{n} threads");
    }

    // A busy client leaves: its worker takes the first in the queue.
    busy[0].write_all(b"end").unwrap();
    assert_eq!(round_trip(&mut queued[0], "轮到我了"), reply("轮到我了"));
    assert_eq!(round_trip(&mut busy[1], "还在"), reply("还在"));
    assert_clean(&server.stdout());
}

/// The answer to the book's exercise 3 (`4-pool-idle`): a client silent
/// for 10 s is told so and dropped, and its worker serves the queue.
#[test]
fn the_exercise_answer_frees_a_worker_from_a_silent_client() {
    let server = stage("4-pool-idle");
    let started = Instant::now();
    let mut busy = occupy_workers(&server);
    let mut queued = connect(server.addr);
    assert_eq!(round_trip(&mut queued, "轮到我了"), reply("轮到我了"));
    // Not before the silent ones had been silent for 10 s.
    let waited = started.elapsed();
    assert!(waited >= Duration::from_secs(9), "served after {waited:?}");
    let mut bye = String::new();
    busy[0].read_to_string(&mut bye).unwrap();
    assert_eq!(
        bye,
        "太久没说话，服务端断开了连接 / idle too long, disconnected"
    );
    let out = server
        .process
        .stdout
        .wait_for(LIMIT, |t| t.contains("秒没说话"));
    assert!(out.contains(" 10 秒没说话，已断开"), "{out}");
}

#[test]
fn stages_take_host_and_port_and_nothing_else() {
    for name in ["1-accept", "2-echo", "3-threads", "4-pool", "4-pool-idle"] {
        // As `cargo run -p tcp-server --example NAME` starts it: cargo
        // sets these two, and the help names the command to type.
        let mut cmd = stage_command(name);
        cmd.arg("--help")
            .env("CARGO", "cargo")
            .env("CARGO_PKG_NAME", "tcp-server");
        let done = run(cmd, LIMIT);
        assert!(done.status.success(), "{name}: {done:?}");
        let usage = format!("cargo run -p tcp-server --example {name} --");
        assert!(done.stdout.contains(&usage), "{name}: {}", done.stdout);
        assert!(!done.stdout.contains("--trace"), "{name}: {}", done.stdout);

        let mut cmd = stage_command(name);
        cmd.args(["--port", "0", "--trace"])
            .env("CARGO", "cargo")
            .env("CARGO_PKG_NAME", "tcp-server");
        let done = run(cmd, LIMIT);
        assert_eq!(done.status.code(), Some(2), "{name}: {done:?}");
        assert!(done.stderr.contains(&usage), "{name}: {}", done.stderr);
    }
}

#[test]
fn a_busy_port_is_explained() {
    let server = stage("2-echo");
    let mut cmd = stage_command("3-threads");
    cmd.args(server.target());
    let done = run(cmd, LIMIT);
    assert_eq!(done.status.code(), Some(1), "{done:?}");
    assert!(done.stderr.contains("already in use"), "{}", done.stderr);
    assert_eq!(done.stderr.lines().count(), 2, "{}", done.stderr);
    assert_clean(&done.stderr);
}
