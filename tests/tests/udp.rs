//! 15.3: udp-client and udp-server, against each other and against Python
//! peers that behave as the text's programs. Loopback only, `--port 0`;
//! every receive has a timeout and every loop a bound.

// Test code, helpers included: a failed assumption should fail loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::thread;
use std::time::{Duration, Instant};

use chapter_tests::{
    Finished, LIMIT, REPLY, Server, assert_clean, client_of, program, python,
    reply, run,
};

/// The text's client sends these three.
const TEXT: [&str; 3] = ["123", "234", "53"];

fn rust_server() -> Server {
    Server::chapter("udp-server", &[])
}

fn python_server() -> Server {
    Server::start(python("udp_server.py"))
}

fn rust_client(server: &Server, extra: &[&str]) -> Finished {
    client_of("udp-client", server, extra)
}

fn python_client(server: &Server, messages: &[&str]) -> Finished {
    let mut cmd = python("udp_client.py");
    cmd.args([server.host(), server.port()]).args(messages);
    run(cmd, LIMIT)
}

/// What a client prints for `messages`: one reply per line.
fn replies(messages: &[&str]) -> String {
    messages.iter().map(|m| format!("{REPLY}{m}\n")).collect()
}

/// One `客户端地址： ADDR 客户端数据 TEXT` line of a server.
#[derive(Debug, PartialEq)]
struct Seen {
    ip: IpAddr,
    port: u16,
    data: String,
}

/// The server's lines about received datagrams, whether the address is
/// printed the Rust way (`127.0.0.1:5000`, `[::1]:5000`) or the Python way
/// (`('127.0.0.1', 5000)`, `('::1', 5000, 0, 0)`).
fn seen(log: &str) -> Vec<Seen> {
    let parse = |line: &str| {
        let rest = line.strip_prefix("客户端地址： ")?;
        let (addr, data) = rest.split_once(" 客户端数据 ")?;
        let (ip, port) = match addr.strip_prefix('(') {
            Some(tuple) => {
                let mut parts = tuple.trim_end_matches(')').split(", ");
                let ip = parts.next()?.trim_matches('\'').parse().ok()?;
                (ip, parts.next()?.parse().ok()?)
            }
            None => {
                let addr: SocketAddr = addr.parse().ok()?;
                (addr.ip(), addr.port())
            }
        };
        let data = data.to_string();
        Some(Seen { ip, port, data })
    };
    log.lines().filter_map(parse).collect()
}

/// Waits (bounded) until the server has logged `count` datagrams.
fn wait_seen(server: &Server, count: usize) -> Vec<Seen> {
    let log = server
        .process
        .stdout
        .wait_for(LIMIT, |text| seen(text).len() >= count);
    seen(&log)
}

/// A client session of the text's three messages, checked on both sides:
/// what the client printed, and what the server printed.
fn text_session(server: Server, client: impl Fn(&Server) -> Finished) {
    let out = client(&server);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(out.stdout, replies(&TEXT), "{out:?}");
    assert_clean(&out.stderr);
    let lines = wait_seen(&server, TEXT.len());
    let data: Vec<&str> = lines.iter().map(|s| s.data.as_str()).collect();
    assert_eq!(data, TEXT, "{}", server.stdout());
    for line in &lines {
        assert_eq!(line.ip, server.addr.ip(), "{line:?}");
        assert_ne!(line.port, 0, "{line:?}");
    }
}

#[test]
fn rust_client_and_rust_server_play_the_texts_session() {
    text_session(rust_server(), |s| rust_client(s, &["--delay-ms", "0"]));
}

#[test]
fn rust_client_against_the_texts_python_server() {
    text_session(python_server(), |s| rust_client(s, &["--delay-ms", "0"]));
}

#[test]
fn the_texts_python_client_against_the_rust_server() {
    text_session(rust_server(), |s| python_client(s, &[]));
}

#[test]
fn python_client_and_python_server_agree_with_the_rust_pair() {
    // The reference: the text's two programs talking to each other.
    text_session(python_server(), |s| python_client(s, &[]));
}

#[test]
fn chinese_text_crosses_byte_for_byte_both_ways() {
    let messages = ["你好 UDP", "第一个DEMO，带标点！"];
    let python = python_server();
    let out = rust_client(&python, &["--delay-ms", "0", messages[0]]);
    assert_eq!(out.stdout, replies(&messages[..1]), "{out:?}");
    assert_eq!(wait_seen(&python, 1)[0].data, messages[0]);

    let rust = rust_server();
    let out = python_client(&rust, &messages);
    assert_eq!(out.stdout, replies(&messages), "{out:?}");
    let data: Vec<String> =
        wait_seen(&rust, 2).into_iter().map(|s| s.data).collect();
    assert_eq!(data, messages);
}

#[test]
fn default_options_wait_one_second_after_each_message() {
    let server = rust_server();
    let out = rust_client(&server, &[]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(out.stdout, replies(&TEXT));
    // The text's sleep(1) after each of the three messages.
    assert!(out.elapsed >= Duration::from_secs(3), "{:?}", out.elapsed);
}

/// Sends one datagram and returns the reply's bytes.
fn ask(sock: &UdpSocket, to: SocketAddr, data: &[u8]) -> Vec<u8> {
    sock.send_to(data, to).unwrap();
    let mut buf = vec![0; 65_536];
    let (n, from) = sock.recv_from(&mut buf).expect("a reply in time");
    assert_eq!(from, to);
    buf.truncate(n);
    buf
}

#[test]
fn odd_datagrams_are_cut_escaped_and_the_server_goes_on() {
    let server = rust_server();
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let to = server.addr;
    let reply = |text: &str| reply(text).into_bytes();

    // 5000 bytes, with 中 (3 bytes) straddling byte 1024: the first 1024
    // bytes are handled, the cut character is one U+FFFD and nothing more.
    let mut big = "a".repeat(1023).into_bytes();
    while big.len() < 5000 {
        big.extend_from_slice("中".as_bytes());
    }
    big.truncate(5000);
    let want = format!("{}\u{fffd}", "a".repeat(1023));
    assert_eq!(ask(&sock, to, &big), reply(&want));

    // Invalid UTF-8 becomes U+FFFD instead of a crash (Python would raise).
    let got = ask(&sock, to, b"ok\xff\xfe\xc3");
    assert_eq!(got, reply("ok\u{fffd}\u{fffd}\u{fffd}"));

    // Terminal escapes: the reply carries them byte for byte, as the
    // text's server does; the server's own terminal must not see them.
    let esc = "\x1b[2J\x1b]0;pwned\x07\u{9b}31m";
    assert_eq!(ask(&sock, to, esc.as_bytes()), reply(esc));

    // An empty datagram is a datagram too: the bare prefix comes back.
    assert_eq!(ask(&sock, to, b""), reply(""));

    // And the next good datagram is answered as usual.
    assert_eq!(ask(&sock, to, b"hello"), reply("hello"));

    let lines = wait_seen(&server, 5);
    let log = server.stdout();
    assert_clean(&log);
    assert_clean(&server.stderr());
    assert!(!log.contains('\x1b'), "{log:?}");
    assert_eq!(lines[2].data, "\\x1b[2J\\x1b]0;pwned\\x07\\x9b31m");
    assert_eq!(lines[4].data, "hello");
    let cut: Vec<&str> = log.lines().filter(|l| l.contains("截断")).collect();
    assert_eq!(cut.len(), 1, "{log}");
    for number in ["5000", "1024", "3976", "truncated"] {
        assert!(cut[0].contains(number), "{number} in {}", cut[0]);
    }
    let mut process = server.process;
    assert!(process.is_running());
}

#[test]
fn ten_clients_times_a_hundred_datagrams_are_answered() {
    const CLIENTS: usize = 10;
    const EACH: usize = 100;
    let server = rust_server();
    let to = server.addr;
    let deadline = Instant::now() + LIMIT;
    let clients: Vec<_> = (0..CLIENTS)
        .map(|c| {
            thread::spawn(move || {
                let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
                sock.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
                let mut buf = [0; 2048];
                let mut answered = 0;
                for i in 0..EACH {
                    if Instant::now() > deadline {
                        break;
                    }
                    let message = format!("client {c} datagram {i}");
                    sock.send_to(message.as_bytes(), to).unwrap();
                    let want = format!("{REPLY}{message}");
                    // A late reply to an earlier datagram may come first:
                    // skip it; a timeout counts this one as unanswered.
                    while let Ok((n, from)) = sock.recv_from(&mut buf) {
                        if from == to && buf[..n] == *want.as_bytes() {
                            answered += 1;
                            break;
                        }
                    }
                }
                answered
            })
        })
        .collect();
    let answered: usize = clients.into_iter().map(|c| c.join().unwrap()).sum();
    let total = CLIENTS * EACH;
    assert!(
        answered * 100 >= total * 99,
        "{answered}/{total} answered; stderr:\n{}",
        server.stderr()
    );
    let mut process = server.process;
    assert!(process.is_running());
}

/// Runs the client at a port where nothing answers and checks the error.
fn no_answer(port: u16, timeout: &[&str], seconds: u64) -> Finished {
    let mut cmd = program("udp-client");
    cmd.args(["--host", "127.0.0.1", "--port", &port.to_string()]);
    cmd.args(timeout);
    let out = run(cmd, LIMIT);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        out.elapsed < Duration::from_secs(seconds + 1),
        "{:?}",
        out.elapsed
    );
    assert_eq!(out.stdout, "", "{out:?}");
    assert_clean(&out.stderr);
    assert_eq!(out.stderr.lines().count(), 2, "{}", out.stderr);
    for part in [
        format!("127.0.0.1:{port}"),
        format!("{seconds} 秒"),
        format!("within {seconds} s"),
        "cargo run -p udp-server".to_string(),
    ] {
        assert!(out.stderr.contains(&part), "{part} in {}", out.stderr);
    }
    out
}

#[test]
fn no_server_is_one_explained_error_within_the_timeout() {
    // A port that is held but never answers: only the timeout can tell.
    let silent = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let out = no_answer(port, &["--timeout", "1"], 1);
    assert!(out.elapsed >= Duration::from_secs(1), "{:?}", out.elapsed);

    // A port nobody holds: the system may say "unreachable" sooner.
    let gone = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = gone.local_addr().unwrap().port();
    drop(gone);
    no_answer(port, &["--timeout", "1"], 1);
}

#[test]
fn the_default_timeout_is_five_seconds() {
    let silent = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let out = no_answer(port, &[], 5);
    assert!(out.elapsed >= Duration::from_secs(5), "{:?}", out.elapsed);
}

#[test]
fn ipv6_loopback_works() {
    if UdpSocket::bind("[::1]:0").is_err() {
        eprintln!("skipped: this machine has no IPv6 loopback");
        return;
    }
    let server = Server::chapter("udp-server", &["--host", "::1"]);
    assert!(server.addr.is_ipv6(), "{}", server.addr);
    text_session(server, |s| rust_client(s, &["--delay-ms", "0"]));
}

#[test]
fn a_second_server_on_a_taken_port_says_so() {
    let server = rust_server();
    let mut cmd = program("udp-server");
    cmd.args(server.target());
    let out = run(cmd, LIMIT);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_clean(&out.stderr);
    assert!(out.stderr.contains("已被占用"), "{}", out.stderr);
    assert!(out.stderr.contains(&server.port()), "{}", out.stderr);
}

#[test]
fn quiet_udp_server_still_answers_but_prints_no_line_per_datagram() {
    let server = Server::chapter("udp-server", &["--quiet"]);
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    socket.send_to("安静".as_bytes(), server.addr).unwrap();
    let mut buf = [0; 256];
    let n = socket.recv(&mut buf).unwrap();
    assert_eq!(
        std::str::from_utf8(&buf[..n]).unwrap(),
        "服务端接收到数据：安静"
    );
    // The truncation notice is printed even when quiet; once it is there,
    // any line for the first datagram would be there too (one stdout).
    socket.send_to(&[b'x'; 2000], server.addr).unwrap();
    socket.recv(&mut buf).unwrap();
    let log = server
        .process
        .stdout
        .wait_for(Duration::from_secs(10), |text| text.contains("截断"));
    assert!(log.contains("2000"), "{log}");
    assert!(!log.contains("客户端地址"), "{log}");
}
