//! 15.4 ⇄ 15.2: http-raw writes a GET by hand and prints the answer as it
//! came. Against a server written in each test (a Rust `TcpListener` on
//! 127.0.0.1 that sends fixed bytes), and against `tests/py/http_raw_peer.py`
//! next to http-get, which is what the book shows. Nothing leaves the
//! machine: the only names looked up end in `.invalid`.

// Test code: a failed step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use chapter_tests::{
    Finished, LIMIT, Server, assert_error, program, program_clean, python, run,
};

/// A server for one connection: reads the request (up to its empty line,
/// at most 5 s), sends `answer`, closes. Joining gives the request.
fn one_answer(answer: Vec<u8>) -> (SocketAddr, JoinHandle<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let handle = thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut request = Vec::new();
        let mut buf = [0; 1024];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            match conn.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => request.extend_from_slice(&buf[..n]),
            }
        }
        let _ = conn.write_all(&answer); // the client may stop reading
        request
    });
    (addr, handle)
}

fn raw(args: &[&str]) -> Finished {
    program_clean("http-raw", args)
}

/// Runs http-raw against a one-answer server; gives its run and the request.
fn fetch(path: &str, answer: &[u8], more: &[&str]) -> (Finished, String) {
    let (addr, server) = one_answer(answer.to_vec());
    let url = format!("http://{addr}{path}");
    let mut args = more.to_vec();
    args.push(&url);
    let done = raw(&args);
    let request = String::from_utf8(server.join().unwrap()).unwrap();
    (done, request)
}

const PAGE: &[u8] = b"HTTP/1.1 200 OK\r\nX-Mixed-CASE: Kept As Sent\r\n\
    content-type: text/plain; charset=utf-8\r\nContent-Length: 13\r\n\r\n\
    \xe4\xbd\xa0\xe5\xa5\xbd\r\nline 2\r\n";

#[test]
fn the_request_is_the_one_written_by_hand() {
    let (done, request) = fetch("/a/中文?q=1#top", PAGE, &[]);
    assert!(done.status.success(), "{done:?}");
    let port = request
        .split("Host: 127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split("\r\n").next())
        .unwrap_or_else(|| panic!("no Host header: {request:?}"));
    assert_eq!(
        request,
        format!(
            "GET /a/%E4%B8%AD%E6%96%87?q=1 HTTP/1.1\r\n\
             Host: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
        )
    );
}

#[test]
fn status_and_headers_print_exactly_as_received() {
    let (done, _) = fetch("/", PAGE, &[]);
    assert!(done.status.success(), "{done:?}");
    assert_eq!(
        done.stdout,
        "HTTP/1.1 200 OK\nX-Mixed-CASE: Kept As Sent\n\
         content-type: text/plain; charset=utf-8\nContent-Length: 13\n\n\
         你好\nline 2\n"
    );
    assert!(done.stderr.is_empty(), "{}", done.stderr);
}

#[test]
fn control_characters_in_headers_and_body_are_escaped() {
    let answer = b"HTTP/1.1 200 OK\r\nX-Evil: \x1b]0;owned\x07\x1b[2J\r\n\
        Content-Length: 9\r\n\r\nok\x1b[31mred\x9b";
    let (done, _) = fetch("/", answer, &[]);
    assert!(done.status.success(), "{done:?}");
    assert!(
        done.stdout.contains("X-Evil: \\x1b]0;owned\\x07\\x1b[2J\n"),
        "{}",
        done.stdout
    );
    assert!(
        done.stdout.contains("ok\\x1b[31mred\u{fffd}"),
        "{}",
        done.stdout
    );
}

#[test]
fn chunked_gzip_redirect_and_gbk_are_shown_raw_with_a_note() {
    let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\
        6\r\n\xe5\x88\x86\xe5\x9d\x97\r\n0\r\n\r\n";
    let (done, _) = fetch("/", chunked, &[]);
    assert!(
        done.stdout.ends_with("\n\n6\n分块\n0\n\n"),
        "{}",
        done.stdout
    );
    assert!(done.stderr.contains("chunked"), "{}", done.stderr);

    let gzip = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n\
        \x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff";
    let (done, _) = fetch("/", gzip, &[]);
    assert!(
        done.stdout.contains("10 字节，开头是 1f 8b 08 00"),
        "{}",
        done.stdout
    );
    assert!(done.stderr.contains("gzip"), "{}", done.stderr);

    let moved = b"HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\n\r\n";
    let (done, _) = fetch("/", moved, &[]);
    assert!(done.status.success(), "{done:?}");
    assert!(done.stdout.starts_with("HTTP/1.1 302 Found\n"));
    assert!(done.stderr.contains("/elsewhere"), "{}", done.stderr);

    let gbk = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=gbk\r\n\
        \r\n\xd6\xd0\xce\xc4";
    let (done, _) = fetch("/", gbk, &[]);
    assert!(done.stdout.ends_with("\u{fffd}\n"), "{}", done.stdout);
    assert!(done.stderr.contains("charset=gbk"), "{}", done.stderr);
}

#[test]
fn a_large_answer_is_cut() {
    let mut answer = b"HTTP/1.1 200 OK\r\n\r\n".to_vec();
    answer.extend(std::iter::repeat_n(b'a', 3 * 1024 * 1024));
    let (done, _) = fetch("/", &answer, &[]);
    assert!(done.status.success(), "{done:?}");
    assert!(
        done.stdout.len() < 1024 * 1024 + 100,
        "{}",
        done.stdout.len()
    );
    assert!(done.stderr.contains("1 MB"), "{}", done.stderr);
}

#[test]
fn not_http_and_no_answer_are_errors() {
    let (done, _) = fetch("/", b"SSH-2.0-OpenSSH_9.6\r\n", &[]);
    assert_error(&done);
    assert!(done.stderr.contains("not HTTP"), "{}", done.stderr);
    assert!(done.stderr.contains("SSH-2.0"), "{}", done.stderr);
    assert!(done.stdout.is_empty(), "{}", done.stdout);

    let (done, _) = fetch("/", b"", &[]);
    assert_error(&done);
    assert!(done.stderr.contains("without answering"), "{}", done.stderr);
}

#[test]
fn the_chapters_tcp_server_is_not_a_web_server() {
    let server = Server::chapter("tcp-server", &["--delay-ms", "0"]);
    let done = raw(&[&format!("http://{}/", server.addr)]);
    assert_error(&done);
    assert!(
        done.stderr.contains("服务端接收到数据：GET /"),
        "{}",
        done.stderr
    );
}

#[test]
fn a_silent_server_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    // Half an answer, then silence with the connection open.
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let server = thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\nhal")
            .unwrap();
        let _ = done_rx.recv_timeout(LIMIT);
    });
    let done = raw(&["--timeout", "1", &url]);
    done_tx.send(()).unwrap();
    server.join().unwrap();
    assert_eq!(done.status.code(), Some(1), "{done:?}");
    assert!(done.stdout.ends_with("\n\nhal\n"), "{}", done.stdout);
    assert!(done.stderr.contains("--timeout"), "{}", done.stderr);
    assert!(done.elapsed < Duration::from_secs(10), "{:?}", done.elapsed);
}

#[test]
fn a_body_shorter_than_its_content_length_is_incomplete() {
    // 100,000 bytes declared, 5,000 sent, then a clean close.
    let mut answer =
        b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n".to_vec();
    answer.extend(std::iter::repeat_n(b'a', 5000));
    let (done, _) = fetch("/", &answer, &[]);
    assert_eq!(done.status.code(), Some(1), "{done:?}");
    // What came is shown, then why it is not all.
    assert!(
        done.stdout
            .ends_with(&format!("\n\n{}\n", "a".repeat(5000)))
    );
    let last = done.stderr.lines().rev().take(2).collect::<Vec<_>>();
    assert!(
        last[1].contains("正文不完整") && last[1].contains("5000"),
        "{}",
        done.stderr
    );
    assert!(
        last[0].contains("the body is incomplete: 5000 of 100000 bytes"),
        "{}",
        done.stderr
    );
    // The same body in full is no error.
    let mut whole = b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n".to_vec();
    whole.extend(std::iter::repeat_n(b'a', 5000));
    let (done, _) = fetch("/", &whole, &[]);
    assert!(done.status.success(), "{done:?}");
    assert!(done.stderr.is_empty(), "{}", done.stderr);
}

#[test]
fn trace_dumps_the_request_and_the_answer() {
    let (done, _) = fetch("/", PAGE, &["--trace"]);
    assert!(done.status.success(), "{done:?}");
    assert!(done.stderr.contains("GET / HTTP/1.1.."), "{}", done.stderr);
    assert!(done.stderr.contains("HTTP/1.1 200 OK."), "{}", done.stderr);
    assert!(
        done.stderr.contains("bytes（对方关闭了连接"),
        "{}",
        done.stderr
    );
    assert!(done.stderr.contains("你 = e4 bd a0"), "{}", done.stderr);
}

#[test]
fn bad_urls_and_unreachable_servers_are_explained() {
    let free = TcpListener::bind("127.0.0.1:0").unwrap();
    let refused = format!("http://{}/", free.local_addr().unwrap());
    drop(free);
    for (url, expected) in [
        (refused.as_str(), "connection refused"),
        ("http://no-such-host.invalid/", "cannot resolve"),
        ("https://127.0.0.1/", "cargo run -p http-get"),
        ("ftp://127.0.0.1/file", "only http://"),
        ("127.0.0.1/", "no scheme"),
        ("http://127.0.0.1:0/", "bad port"),
        ("http:///", "no host"),
    ] {
        let done = raw(&[url]);
        assert_error(&done);
        assert!(done.stderr.contains(expected), "{url}: {}", done.stderr);
        assert!(done.stdout.is_empty(), "{url}: {}", done.stdout);
    }
}

#[test]
fn usage_help_and_version() {
    let done = raw(&["--port", "80"]);
    assert_eq!(done.status.code(), Some(2), "{done:?}");
    assert!(done.stderr.contains("--help"), "{}", done.stderr);
    let done = raw(&["--help"]);
    assert!(done.status.success(), "{done:?}");
    assert!(
        done.stdout.contains("http://www.baidu.com"),
        "{}",
        done.stdout
    );
    let done = raw(&["-V"]);
    assert!(done.stdout.starts_with("http-raw "), "{}", done.stdout);
}

/// What the book shows: for the same local URL, http-raw prints the wire
/// and http-get what urllib/ureq make of it.
#[test]
fn next_to_http_get_for_the_same_url() {
    let peer = Server::start(python("http_raw_peer.py"));
    let url = |path: &str| format!("http://{}{path}", peer.addr);
    let get = |path: &str| {
        let mut cmd = program("http-get");
        cmd.arg(url(path));
        run(cmd, LIMIT)
    };

    let by_hand = raw(&[&url("/chunked")]);
    assert!(by_hand.stdout.contains("\n6\n分块\n6\n传输\n"));
    assert!(get("/chunked").stdout.contains("\n分块传输完成\n"));

    let by_hand = raw(&[&url("/gzip")]);
    assert!(
        by_hand.stdout.contains("开头是 1f 8b"),
        "{}",
        by_hand.stdout
    );
    assert!(get("/gzip").stdout.contains("压缩过的正文"));

    let by_hand = raw(&[&url("/redirect")]);
    assert!(
        by_hand
            .stdout
            .starts_with("HTTP/1.1 301 Moved Permanently\n")
    );
    assert!(by_hand.stdout.contains("\nLocation: /chunked\n"));
    let followed = get("/redirect");
    assert!(followed.stdout.contains("分块传输完成"), "{followed:?}");

    let by_hand = raw(&[&url("/gbk")]);
    assert!(!by_hand.stdout.contains("中文"), "{}", by_hand.stdout);
    assert!(get("/gbk").stdout.contains("中文网页：国标编码"));
}

/// The peer itself answers byte for byte, with no header that changes from
/// run to run (the book compares its captured output).
#[test]
fn the_peer_answers_are_fixed() {
    let peer = Server::start(python("http_raw_peer.py"));
    let first = raw(&[&format!("http://{}/", peer.addr)]);
    let second = raw(&[&format!("http://{}/", peer.addr)]);
    assert_eq!(first.stdout, second.stdout);
    assert!(!first.stdout.contains("Date:"), "{}", first.stdout);
}
