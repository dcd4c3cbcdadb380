//! The book's demos and exercise answers: the demo examples
//! (`tcp-server --example backlog`, `tcp-client --example merge`,
//! `udp-client --example apart`) and their options, the TIME_WAIT message,
//! the answer examples and the Python GET client. Loopback only, `--port 0`.

// Test code: a failed step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use chapter_tests::{
    Finished, LIMIT, REPLY, Server, assert_clean, book_output, example,
    http_peer, program, python, run,
};

/// Runs an example of `package` as a client of `server`.
fn example_of(
    package: &str,
    name: &str,
    server: &Server,
    extra: &[&str],
) -> Finished {
    let mut cmd = Command::new(example(package, name));
    cmd.args(server.target()).args(extra);
    run(cmd, LIMIT)
}

#[test]
fn merge_gets_one_reply_for_three_sends() {
    // The server waits before accepting: all three sends are queued by then
    // (the client is built first, so that it connects within the wait).
    example("tcp-client", "merge");
    let server =
        Server::example("tcp-server", "backlog", &["--accept-delay-ms", "500"]);
    let out =
        example_of("tcp-client", "merge", &server, &["one", "two", "three"]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        out.stdout,
        format!(
            "{REPLY}onetwothree\n发送 3 次，收到回复 1 次 / sends: 3, replies: 1\n"
        )
    );
    assert_clean(&out.stderr);
    book_output("tcp-send-all-first.txt", &out.stdout, None);
    // No `end` was sent: the server ended on the empty read after shutdown.
    let log = server
        .process
        .stdout
        .wait_for(LIMIT, |text| text.contains("服务端处理完成"));
    assert!(log.contains("<String> onetwothree\n"), "{log}");
    assert!(!log.contains("end"), "{log}");
}

#[test]
fn merge_waits_at_most_its_timeout_for_a_dripping_server() {
    // A server that accepts, then drips a line a second and never closes.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let dripper = thread::spawn(move || {
        let (mut sock, _) = listener.accept().unwrap();
        // Bounded: 30 lines at most; ends as soon as the client is gone.
        for _ in 0..30 {
            if sock.write_all(b"drip\n").is_err() {
                break;
            }
            thread::sleep(Duration::from_secs(1));
        }
    });
    let mut cmd = Command::new(example("tcp-client", "merge"));
    cmd.args(["--host", "127.0.0.1", "--port", &addr.port().to_string()])
        .args(["--timeout", "2", "one"]);
    let started = Instant::now();
    let out = run(cmd, LIMIT);
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(took < Duration::from_secs(3), "took {took:?}: {out:?}");
    assert!(out.stdout.contains("drip"), "{out:?}");
    assert!(out.stderr.contains("--timeout"), "{out:?}");
    assert_clean(&out.stderr);
    dripper.join().unwrap();
}

#[test]
fn apart_keeps_three_datagrams_apart() {
    let server = Server::chapter("udp-server", &[]);
    let out =
        example_of("udp-client", "apart", &server, &["one", "two", "three"]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        out.stdout,
        format!(
            "{REPLY}one\n{REPLY}two\n{REPLY}three\n\
             发送 3 次，收到回复 3 次 / sends: 3, replies: 3\n"
        )
    );
    let log = server
        .process
        .stdout
        .wait_for(LIMIT, |text| text.contains("客户端数据 three"));
    assert_eq!(client_ports(&log).len(), 1, "one socket, one port:\n{log}");
    // The book shows both sides of this run (15.3, 数据报不会合并).
    book_output("udp-send-all-first-client.txt", &out.stdout, None);
    let port = Some(server.addr.port());
    book_output("udp-send-all-first-server.txt", &log, port);
}

/// The distinct client addresses in a udp-server log.
fn client_ports(log: &str) -> std::collections::HashSet<&str> {
    log.lines()
        .filter_map(|line| line.strip_prefix("客户端地址： "))
        .filter_map(|rest| rest.split(' ').next())
        .collect()
}

#[test]
fn the_one_socket_answer_keeps_the_client_port() {
    let server = Server::chapter("udp-server", &[]);
    let mut cmd = Command::new(example("udp-client", "one_socket"));
    cmd.args(server.target()).args(["--delay-ms", "0"]);
    let out = run(cmd, LIMIT);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(out.stdout.matches(REPLY).count(), 3, "{out:?}");
    let log = server
        .process
        .stdout
        .wait_for(LIMIT, |text| text.contains("客户端数据 53"));
    let ports = client_ports(&log);
    assert_eq!(ports.len(), 1, "{log}");
    let port = ports.iter().next().unwrap().rsplit(':').next().unwrap();
    assert!(out.stdout.contains(&format!("端口 {port} 发出")), "{out:?}");
}

#[test]
fn accept_delay_lets_the_backlog_fill() {
    if !cfg!(target_os = "linux") {
        return; // how a full queue answers a SYN differs between systems
    }
    // backlog 1: Linux queues backlog + 1 = 2 connections, then drops SYNs.
    let server = Server::example(
        "tcp-server",
        "backlog",
        &["--backlog", "1", "--accept-delay-ms", "20000"],
    );
    let wait = Duration::from_millis(1500);
    let mut queued = Vec::new();
    for _ in 0..2 {
        queued.push(TcpStream::connect_timeout(&server.addr, wait).unwrap());
    }
    let third = TcpStream::connect_timeout(&server.addr, wait);
    assert!(third.is_err(), "a third connection got in: {third:?}");
    assert!(server.stdout().lines().count() >= 1);
    assert!(!server.stdout().contains("接受到"), "{}", server.stdout());
}

#[test]
fn the_demo_options_are_checked_and_left_out_of_the_listings() {
    let mut cmd = Command::new(example("tcp-server", "backlog"));
    cmd.args(["--accept-delay-ms", "soon"]);
    let bad = run(cmd, LIMIT);
    assert_eq!(bad.status.code(), Some(2), "{bad:?}");
    assert!(bad.stderr.contains("--accept-delay-ms"), "{bad:?}");
    assert_clean(&bad.stderr);
    // The demo modes are examples now: the listings refuse their options.
    for (name, option) in [
        ("tcp-server", "--accept-delay-ms"),
        ("udp-server", "--accept-delay-ms"),
        ("tcp-server", "--send-all-first"),
        ("tcp-client", "--send-all-first"),
        ("udp-client", "--send-all-first"),
    ] {
        let mut cmd = program(name);
        cmd.args([option, "1"]);
        let out = run(cmd, LIMIT);
        assert_eq!(out.status.code(), Some(2), "{name} {option}: {out:?}");
    }
}

#[test]
fn the_reuse_answer_shows_time_wait_blocking_a_bind() {
    let out = run(Command::new(example("tcp-server", "reuse")), LIMIT);
    assert!(out.status.success(), "{out:?}");
    assert_clean(&out.stdout);
    let (without, with) = out
        .stdout
        .split_once("== 设置 SO_REUSEADDR")
        .expect("two parts");
    assert!(with.contains("再次 bind 成功 / bind again: ok"), "{with}");
    if cfg!(target_os = "linux") {
        // The port-in-use message names the real cause.
        assert!(without.contains("再次 bind 失败"), "{without}");
        assert!(without.contains("停在 TIME_WAIT"), "{without}");
        assert!(without.contains("in TIME_WAIT"), "{without}");
        assert!(without.contains("SO_REUSEADDR"), "{without}");
    }
}

#[test]
fn a_running_server_is_not_blamed_on_time_wait() {
    let first = Server::chapter("tcp-server", &["--delay-ms", "0"]);
    let mut cmd = program("tcp-server");
    cmd.args(first.target());
    let second = run(cmd, LIMIT);
    assert_eq!(second.status.code(), Some(1), "{second:?}");
    assert!(second.stderr.contains("已被占用"), "{second:?}");
    assert!(!second.stderr.contains("TIME_WAIT"), "{second:?}");
}

#[test]
fn the_python_get_client_prints_what_http_get_prints() {
    let peer = http_peer();
    let url = format!("http://{}/", peer.addr);
    let mut cmd = python("http_get.py");
    cmd.arg(&url);
    let py = run(cmd, LIMIT);
    assert!(py.status.success(), "{py:?}");
    let mut cmd = program("http-get");
    cmd.arg(&url);
    let rust = run(cmd, LIMIT);
    assert!(rust.status.success(), "{rust:?}");
    // The same status line and the same page; header names differ in case.
    assert_eq!(py.stdout.lines().next(), Some("200 OK"), "{py:?}");
    assert_eq!(rust.stdout.lines().next(), Some("200 OK"), "{rust:?}");
    let page = |text: &str| {
        text.lines()
            .filter(|line| line.starts_with("<html>"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(page(&py.stdout).len(), 1, "{py:?}");
    assert_eq!(page(&py.stdout), page(&rust.stdout));
}

#[test]
fn the_no_end_answer_ends_the_session_by_closing() {
    let server = Server::chapter("tcp-server", &["--delay-ms", "0", "--trace"]);
    let mut cmd = Command::new(example("tcp-client", "no_end"));
    cmd.args(server.target());
    let out = run(cmd, LIMIT);
    assert!(out.status.success(), "{out:?}");
    assert!(out.stdout.starts_with(REPLY), "{out:?}");
    let log = server
        .process
        .stdout
        .wait_for(LIMIT, |text| text.contains("服务端处理完成"));
    assert!(log.contains("服务端处理完成"), "{log}");
    let trace = server
        .process
        .stderr
        .wait_for(LIMIT, |text| text.contains(" 0 bytes"));
    // The session ended on an empty read, and `end` never crossed the wire.
    assert!(trace.contains(" 0 bytes"), "{trace}");
    assert!(!trace.contains("65 6e 64"), "{trace}");
}

#[test]
fn the_lossy_answer_turns_a_gbk_page_into_replacement_characters() {
    let peer = http_peer();
    let url = format!("http://{}/gbk-meta", peer.addr);
    let mut cmd = Command::new(example("http-get", "lossy"));
    cmd.arg(&url);
    let lossy = run(cmd, LIMIT);
    assert!(lossy.status.success(), "{lossy:?}");
    assert!(lossy.stdout.contains('\u{FFFD}'), "{lossy:?}");
    assert!(!lossy.stdout.contains("中文网页"), "{lossy:?}");
    assert_clean(&lossy.stdout);
    // http-get itself reads the <meta> charset and prints the Chinese.
    let mut cmd = program("http-get");
    cmd.arg(&url);
    let right = run(cmd, LIMIT);
    assert!(right.stdout.contains("中文网页：国标编码"), "{right:?}");
}
