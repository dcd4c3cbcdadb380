//! `--trace` and `-i`: the byte view of every send/recv, and clients that
//! read their messages line by line.

// Test code: a failed step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::net::TcpStream;
use std::process::Stdio;

use chapter_tests::{LIMIT, Running, Server, assert_clean, program, run};

#[test]
fn tcp_trace_shows_the_byte_counts_both_ways() {
    let server = Server::chapter("tcp-server", &["--delay-ms", "0", "--trace"]);
    let mut cmd = program("tcp-client");
    cmd.args(server.target()).arg("--trace");
    let out = run(cmd, LIMIT);
    assert!(out.status.success(), "{out:?}");
    // The text's output on stdout stays as it was; the dump is on stderr.
    assert_eq!(out.stdout, "服务端接收到数据：Python TCP 第一个DEMO\n");
    let to = format!("→ {}  ", server.addr);
    let from = format!("← {}  ", server.addr);
    // 24 bytes out (第一个 is 9 of them), 51 back (the 9-character prefix
    // is 27 bytes), then the 3 bytes of `end`.
    assert!(
        out.stderr.contains(&format!("{to}24 bytes\n")),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&format!("{from}51 bytes\n")),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&format!("{to}3 bytes\n")),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("e7-ac-ac"), "{}", out.stderr);
    // The server sees the same bytes from the other side.
    let log = server
        .process
        .stderr
        .wait_for(LIMIT, |text| text.matches(" bytes").count() >= 3);
    assert!(log.contains("  24 bytes\n"), "{log}");
    assert!(log.contains("  51 bytes\n"), "{log}");
    assert!(log.contains("  3 bytes\n"), "{log}");
    assert_clean(&log);
}

#[test]
fn trace_never_prints_a_raw_control_character() {
    let server = Server::chapter("tcp-server", &["--delay-ms", "0", "--trace"]);
    let mut cmd = program("tcp-client");
    cmd.args(server.target()).arg("--trace");
    cmd.arg("\x1b[2J\x07bell\r");
    let out = run(cmd, LIMIT);
    assert!(out.status.success(), "{out:?}");
    assert!(out.stderr.contains("1b 5b 32 4a 07"), "{}", out.stderr);
    assert_clean(&out.stdout);
    assert_clean(&out.stderr);
    let log = server
        .process
        .stderr
        .wait_for(LIMIT, |t| t.contains("bell"));
    assert!(log.contains(".[2J.bell."), "{log}");
    assert_clean(&log);
    assert_clean(&server.stdout());
}

#[test]
fn tcp_client_interactive_sends_each_line_and_ends_with_input() {
    let server = Server::chapter("tcp-server", &["--delay-ms", "0"]);
    let mut cmd = program("tcp-client");
    cmd.args(server.target()).arg("-i");
    cmd.stdin(Stdio::piped());
    let mut client = Running::spawn_with_stdin(cmd);
    let mut stdin = client.stdin().unwrap();
    stdin
        .write_all("第一行\n\nsecond line\r\n".as_bytes())
        .unwrap();
    drop(stdin); // end of input, as Ctrl-D
    let (status, _) = client.wait(LIMIT);
    assert!(status.success(), "{}", client.stderr.text());
    assert_eq!(
        client.stdout.text(),
        "服务端接收到数据：第一行\n服务端接收到数据：second line\n"
    );
    let log = server
        .process
        .stdout
        .wait_for(LIMIT, |text| text.contains("服务端处理完成"));
    // The empty line was not sent; `end` was, after the last line.
    assert_eq!(log.matches("<String>").count(), 2, "{log}");
    assert!(log.contains("服务端处理完成"), "{log}");
}

#[test]
fn tcp_client_interactive_stops_at_end() {
    let server = Server::chapter("tcp-server", &["--delay-ms", "0"]);
    let mut cmd = program("tcp-client");
    cmd.args(server.target()).arg("-i");
    cmd.stdin(Stdio::piped());
    let mut client = Running::spawn_with_stdin(cmd);
    let mut stdin = client.stdin().unwrap();
    // Lines after `end` are never sent; stdin stays open, so only `end`
    // can have ended the client.
    stdin.write_all(b"one\nend\nnot sent\n").unwrap();
    let (status, _) = client.wait(LIMIT);
    drop(stdin);
    assert!(status.success(), "{}", client.stderr.text());
    assert_eq!(client.stdout.text(), "服务端接收到数据：one\n");
}

/// What the book shows: two sends in quick succession can arrive as one
/// recv on a TCP server — TCP is a byte stream, not messages.
#[test]
fn tcp_may_merge_two_sends_into_one_recv() {
    let server =
        Server::chapter("tcp-server", &["--delay-ms", "300", "--trace"]);
    let mut stream = TcpStream::connect(server.addr).unwrap();
    stream.write_all(b"one").unwrap();
    // The server is asleep (--delay-ms 300) after its first recv ...
    server
        .process
        .stderr
        .wait_for(LIMIT, |text| text.contains("3 bytes"));
    // ... so these two sends wait in its buffer together.
    stream.write_all(b"two").unwrap();
    stream.write_all(b"three").unwrap();
    let log = server
        .process
        .stderr
        .wait_for(LIMIT, |text| text.contains("twothree"));
    assert!(log.contains("  8 bytes\n"), "{log}");
    assert!(log.contains("twothree"), "{log}");
}

#[test]
fn udp_trace_shows_the_byte_counts_both_ways() {
    let server = Server::chapter("udp-server", &["--trace"]);
    let mut cmd = program("udp-client");
    cmd.args(server.target());
    cmd.args(["--delay-ms", "0", "--trace", "123", "中文"]);
    let out = run(cmd, LIMIT);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        out.stdout,
        "服务端接收到数据：123\n服务端接收到数据：中文\n"
    );
    let to = format!("→ {}  ", server.addr);
    let from = format!("← {}  ", server.addr);
    for block in [
        format!("{to}3 bytes\n"),
        format!("{from}30 bytes\n"),
        format!("{to}6 bytes\n  0000  e4-b8-ad e6-96-87 "),
        format!("{from}33 bytes\n"),
    ] {
        assert!(out.stderr.contains(&block), "{block}\n{}", out.stderr);
    }
    let log = server
        .process
        .stderr
        .wait_for(LIMIT, |text| text.contains("33 bytes"));
    assert!(log.contains("  6 bytes\n"), "{log}");
    assert_clean(&log);
}

/// What the book shows next to the TCP case: two datagrams sent back to
/// back stay two datagrams — UDP keeps message boundaries.
#[test]
fn udp_keeps_two_sends_apart() {
    let server = Server::chapter("udp-server", &["--trace"]);
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.set_read_timeout(Some(LIMIT)).unwrap();
    socket.send_to(b"two", server.addr).unwrap();
    socket.send_to(b"three", server.addr).unwrap();
    let mut buf = [0; 128];
    for want in ["服务端接收到数据：two", "服务端接收到数据：three"]
    {
        let n = socket.recv(&mut buf).unwrap();
        assert_eq!(std::str::from_utf8(&buf[..n]).unwrap(), want);
    }
    let log = server
        .process
        .stderr
        .wait_for(LIMIT, |text| text.contains("three"));
    assert!(log.contains("  3 bytes\n"), "{log}");
    assert!(log.contains("  5 bytes\n"), "{log}");
}

#[test]
fn udp_client_interactive_sends_each_line() {
    let server = Server::chapter("udp-server", &[]);
    let mut cmd = program("udp-client");
    cmd.args(server.target());
    cmd.args(["--delay-ms", "0", "--interactive"]);
    cmd.stdin(Stdio::piped());
    let mut client = Running::spawn_with_stdin(cmd);
    let mut stdin = client.stdin().unwrap();
    stdin.write_all("甲\nb\n".as_bytes()).unwrap();
    drop(stdin);
    let (status, _) = client.wait(LIMIT);
    assert!(status.success(), "{}", client.stderr.text());
    assert_eq!(
        client.stdout.text(),
        "服务端接收到数据：甲\n服务端接收到数据：b\n"
    );
}
