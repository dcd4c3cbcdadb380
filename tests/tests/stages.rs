//! The live-coding stages of tcp-server (`cargo run -p tcp-server --example
//! 1-accept` … `5-nonblocking`): each prints its bound address first, takes
//! one optional `IP:PORT` (5-nonblocking also `--quiet`), and does what its
//! stage promises — and what the book says it does not survive, where the
//! book says so. Every server runs on 127.0.0.1 with port 0. Stage 5 with
//! 2,000 clients is a load test: load/stages.rs.

// Test code: a failed step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use chapter_tests::{
    LIMIT, Server, UnreadServer, assert_clean, connect, read_exactly, reply,
    round_trip, run, threads, workspace,
};

mod support;
use support::*;

/// The pool's size and queue, as `4-pool.rs` sets them.
const WORKERS: usize = 8;
const QUEUE: usize = 32;

/// The stages a teacher types from an empty file.
const TYPED: [&str; 3] = ["1-accept", "2-echo", "3-threads"];
const ALL: [&str; 6] = [
    "1-accept",
    "2-echo",
    "3-threads",
    "4-pool",
    "4-pool-idle",
    "5-nonblocking",
];

fn source(name: &str) -> String {
    let path = workspace().join(format!("tcp-server/examples/{name}.rs"));
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn typed_stages_are_at_most_45_lines_of_std_and_socket2() {
    for name in TYPED {
        let text = source(name);
        let lines = text.lines().count();
        assert!(lines <= 45, "{name}: {lines} lines");
        for line in text.lines().filter(|l| l.starts_with("use ")) {
            assert!(
                line.starts_with("use std::")
                    || line.starts_with("use socket2::"),
                "{name}: {line}"
            );
        }
    }
    // No stage leans on the workspace's helpers: std, socket2, and mio in
    // the non-blocking one only.
    for name in ALL {
        let text = source(name);
        assert!(!text.contains("common"), "{name} names common");
        assert_eq!(text.contains("mio::"), name == "5-nonblocking", "{name}");
    }
}

#[test]
fn stage_1_accepts_prints_each_address_and_closes() {
    let server = stage("1-accept");
    for _ in 0..2 {
        let mut client = connect(server.addr);
        let me = client.local_addr().unwrap();
        // The server closed the connection: the client reads its end.
        assert_eq!(client.read(&mut [0; 16]).unwrap(), 0);
        let out = server
            .process
            .stdout
            .wait_for(LIMIT, |t| t.contains(&format!("\n接受到: {me} 连接\n")));
        assert_clean(&out);
    }
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
fn stages_escape_control_characters_and_end_on_end() {
    for name in ["2-echo", "3-threads", "4-pool", "5-nonblocking"] {
        let server = stage(name);
        let mut client = connect(server.addr);
        let message = "清屏\u{1b}[2J响铃\u{7}";
        // The reply is the message byte for byte; only the log escapes it.
        assert_eq!(round_trip(&mut client, message), reply(message), "{name}");
        client.write_all(b"end\n").unwrap();
        assert_eq!(client.read(&mut [0; 16]).unwrap(), 0, "{name}");
        let out = server
            .process
            .stdout
            .wait_for(LIMIT, |t| t.contains("服务端处理完成"));
        assert!(out.contains(r"说: 清屏\u{1b}[2J响铃\u{7}"), "{name}: {out}");
        assert_clean(&out);
    }
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

/// What the book says stage 3 does not survive: its threads print
/// straight to stdout, so a stdout nobody reads stops every conversation
/// (tcp-server and 5-nonblocking print through a thread of their own).
#[test]
fn stage_3_stops_when_its_stdout_is_not_read() {
    let server = UnreadServer::start(stage_command("3-threads"), "127.0.0.1:0");
    stall_on_unread_stdout(&server);
}

/// Each round trip logs about 1 KB: with stdout unread, the server stops
/// answering within 200 of them. Returns the client it stopped on.
fn stall_on_unread_stdout(server: &UnreadServer) -> TcpStream {
    let mut client = connect(server.addr);
    client
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let message = "满".repeat(300);
    let stopped = (0..500).position(|_| {
        client.write_all(message.as_bytes()).is_err()
            || client
                .read_exact(&mut vec![0; reply(&message).len()])
                .is_err()
    });
    let Some(round_trips) = stopped else {
        panic!("500 round trips with stdout unread: the book is wrong")
    };
    assert!(round_trips < 200, "stopped only after {round_trips}");
    client
}

/// What the book says about 4-pool with stdout unread: every worker ends
/// up stuck printing, and the accepting thread can only say "full".
#[test]
fn stage_4_with_stdout_unread_soon_only_says_full() {
    let server = UnreadServer::start(stage_command("4-pool"), "127.0.0.1:0");
    let _stuck = stall_on_unread_stdout(&server);
    // At most WORKERS connections ever reach a worker (each then sticks at
    // its first line) and QUEUE wait: of the next WORKERS + QUEUE + 10,
    // at least 11 are told the server is full. Which ones depends on how
    // soon the workers took theirs, so every client is watched.
    let clients: Vec<TcpStream> = (0..WORKERS + QUEUE + 10)
        .map(|_| connect(server.addr))
        .collect();
    let must_refuse = clients.len() + 1 - (WORKERS + QUEUE);
    let (told, heard) = std::sync::mpsc::channel();
    for mut client in clients {
        let told = told.clone();
        thread::spawn(move || {
            let mut text = String::new();
            if client.read_to_string(&mut text).is_ok() && !text.is_empty() {
                let _ = told.send(text);
            }
        });
    }
    for refused in 0..must_refuse {
        let Ok(text) = heard.recv_timeout(LIMIT) else {
            panic!("only {refused} of {must_refuse} were told it is full");
        };
        assert_eq!(
            text,
            "服务端已满，请稍后再试 / server full, try again later"
        );
    }
}

/// Every worker of a pool busy with a client that has had one round trip
/// and stays connected.
fn occupy_workers(server: &Server, n: usize) -> Vec<TcpStream> {
    (0..n)
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
    let mut busy = occupy_workers(&server, WORKERS);
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

/// A client with small socket buffers (set before connect, so the window
/// stays small), after one round trip. A server replying to it blocks
/// after a few kilobytes instead of after the megabytes that loopback's
/// autotuned buffers would take.
fn small_buffered_client(addr: SocketAddr, message: &str) -> TcpStream {
    let sock = socket2::Socket::new(
        socket2::Domain::IPV4,
        socket2::Type::STREAM,
        None,
    )
    .unwrap();
    sock.set_recv_buffer_size(4096).unwrap();
    sock.set_send_buffer_size(4096).unwrap();
    sock.connect_timeout(&addr.into(), LIMIT).unwrap();
    let mut client = TcpStream::from(sock);
    client.set_read_timeout(Some(LIMIT)).unwrap();
    assert_eq!(round_trip(&mut client, message), reply(message));
    client
}

/// Sends in 64 KB writes and never reads a reply, until a write fails;
/// returns how it failed, or None if the server still took every byte
/// after [`LIMIT`]. A server that gives up on the client and closes the
/// connection makes it a reset or a broken pipe; one that stops reading
/// and keeps the connection open, a write that times out after `patience`.
fn flood(mut client: TcpStream, patience: Duration) -> Option<ErrorKind> {
    client.set_write_timeout(Some(patience)).unwrap();
    let chunk = vec![b'x'; 64 * 1024];
    let end = Instant::now() + LIMIT;
    while Instant::now() < end {
        if let Err(err) = client.write_all(&chunk) {
            return Some(err.kind());
        }
    }
    None
}

/// The answer to the book's exercise 3 (`4-pool-idle`): a client silent
/// for 10 s is told so and dropped, and so is one that sends and never
/// reads the replies; either way its worker then serves the queue.
#[test]
fn the_exercise_answer_frees_workers_from_silent_and_unread_clients() {
    let server = stage("4-pool-idle");
    let started = Instant::now();
    let mut silent = occupy_workers(&server, WORKERS / 2);
    let floods: Vec<_> = (0..WORKERS / 2)
        .map(|i| small_buffered_client(server.addr, &format!("不读{i}")))
        .map(|client| thread::spawn(move || flood(client, LIMIT)))
        .collect();
    let mut queued = connect(server.addr);
    assert_eq!(round_trip(&mut queued, "轮到我了"), reply("轮到我了"));
    // Not before the silent ones had been silent for 10 s.
    let waited = started.elapsed();
    assert!(waited >= Duration::from_secs(9), "served after {waited:?}");
    let mut bye = String::new();
    silent[0].read_to_string(&mut bye).unwrap();
    assert_eq!(
        bye,
        "太久没说话，服务端断开了连接 / idle too long, disconnected"
    );
    for flood in floods {
        let failed = flood.join().unwrap();
        assert!(
            matches!(
                failed,
                Some(
                    ErrorKind::ConnectionReset
                        | ErrorKind::BrokenPipe
                        | ErrorKind::ConnectionAborted
                )
            ),
            "a client that never reads was not cut off: {failed:?}"
        );
    }
    // Cut off after one write's 10 s; write_all would have waited another
    // 10 s after the partial write the timeout returns.
    let cut_off = started.elapsed();
    assert!(
        cut_off < Duration::from_secs(18),
        "cut off after {cut_off:?}"
    );
    let out = server
        .process
        .stdout
        .wait_for(LIMIT, |t| t.contains("发不出去"));
    assert!(out.contains(" 10 秒没说话，已断开"), "{out}");
}

/// `5-nonblocking --quiet`, as the benchmark runs it: one thread, and
/// nothing printed after the bound address, however many clients.
#[test]
fn stage_5_quiet_serves_with_one_thread_and_prints_only_its_address() {
    let mut cmd = stage_command("5-nonblocking");
    cmd.args(["--quiet", "127.0.0.1:0"]);
    let server = Server::start(cmd);
    let mut clients: Vec<TcpStream> =
        (0..50).map(|_| connect(server.addr)).collect();
    for (i, client) in clients.iter_mut().enumerate() {
        let message = format!("安静{i}");
        assert_eq!(round_trip(client, &message), reply(&message));
    }
    if let Some(n) = threads(server.process.id()) {
        assert_eq!(n, 1, "{n} threads");
    }
    drop(clients);
    let mut last = connect(server.addr);
    assert_eq!(round_trip(&mut last, "end 之前"), reply("end 之前"));
    let first = server.stdout();
    assert!(
        first.starts_with("TCP 服务端已启动，正在监听 127.0.0.1:"),
        "{first}"
    );
    assert_eq!(first.lines().count(), 1, "{first}");
    assert_eq!(server.stderr(), "");
}

/// What 5-nonblocking survives that 3-threads and 4-pool do not: a stdout
/// nobody reads, and a client that sends and never reads its replies.
#[test]
fn stage_5_serves_on_with_stdout_unread_and_a_client_that_never_reads() {
    let server =
        UnreadServer::start(stage_command("5-nonblocking"), "127.0.0.1:0");
    let greedy = small_buffered_client(server.addr, "我不读回复");
    let flooding = thread::spawn(move || flood(greedy, Duration::from_secs(2)));
    let message = "满".repeat(300);
    let mut client = connect(server.addr);
    for _ in 0..500 {
        assert_eq!(round_trip(&mut client, &message), reply(&message));
    }
    // The flood stalls on its own unread replies; the others go on.
    let mut other = connect(server.addr);
    assert_eq!(round_trip(&mut other, "还在吗"), reply("还在吗"));
    // The server stopped reading the flood and kept it connected.
    let failed = flooding.join().unwrap();
    assert!(
        matches!(failed, Some(ErrorKind::WouldBlock | ErrorKind::TimedOut)),
        "the flood ended with {failed:?}"
    );
}

#[test]
fn a_bad_address_or_a_busy_port_is_explained() {
    let server = stage("2-echo");
    for name in ALL {
        let mut cmd = stage_command(name);
        cmd.arg(server.addr.to_string());
        let done = run(cmd, LIMIT);
        assert_eq!(done.status.code(), Some(1), "{name}: {done:?}");
        assert!(
            done.stderr.contains("端口被占用"),
            "{name}: {}",
            done.stderr
        );
        assert!(done.stderr.contains("in use"), "{name}: {}", done.stderr);
        assert_clean(&done.stderr);

        let mut cmd = stage_command(name);
        cmd.arg("10000");
        let done = run(cmd, LIMIT);
        assert_eq!(done.status.code(), Some(1), "{name}: {done:?}");
        assert!(done.stderr.contains("IP:端口"), "{name}: {}", done.stderr);
        assert!(done.stderr.contains("invalid"), "{name}: {}", done.stderr);
        assert_clean(&done.stderr);
    }
}
