//! http-get-by-hand: a GET over a TcpStream that reads exactly
//! Content-Length bytes, on a connection the server keeps open.

use std::io::Write;
use std::net::TcpStream;
use std::path::Path;

use crate::catalog::Case;
use crate::net::{self, PAUSE, STEP};
use crate::run::{self, Ran};
use crate::{Failure, Outcome, Verdict, fail};

pub static CASES: &[Case] = &[
    Case {
        zh: "头和体一次写完，连接不关",
        en: "head and body in one write, the connection stays open",
        check: together,
    },
    Case {
        zh: "一次只写一个字节",
        en: "one byte per write",
        check: bytewise,
    },
    Case {
        zh: "头字段名大小写不同，体里的汉字被切开",
        en: "a header name in another case, a character cut in the body",
        check: odd_case,
    },
    Case {
        zh: "响应体没发完连接就关了",
        en: "closed before the whole body came",
        check: short_body,
    },
];

const HINT: (&str, &str) = (
    "HTTP/1.1 默认不关连接，所以不能读到关闭为止：先读到 \\r\\n\\r\\n 得到响应头，找到 Content-Length（头字段名不分大小写），再 read_exact 这么多字节。",
    "HTTP/1.1 keeps the connection open, so do not read until close: read the head up to \\r\\n\\r\\n, find Content-Length (header names ignore case), then read_exact that many bytes.",
);

/// Runs the program with a random path; the partner checks the request,
/// then `respond`s and keeps the connection open.
fn case(
    exe: &Path,
    respond: impl FnOnce(&mut TcpStream) + Send + 'static,
) -> Result<Ran, Failure> {
    let path = format!("/page-{}", net::nonce());
    let want = format!("GET {path} HTTP/1.1\r\n");
    let (ran, request) =
        net::tcp_client_case(exe, &[path], move |mut stream, _| {
            let head = read_head(&mut stream);
            let text = String::from_utf8_lossy(&head).to_lowercase();
            if head.starts_with(want.as_bytes()) && text.contains("\r\nhost:") {
                respond(&mut stream);
                // Keep-alive: wait for the client to close, as a server would.
                let _ = net::read_to_close(&mut stream, run::CLIENT_DEADLINE);
                return Vec::new();
            }
            head
        })?;
    if !request.is_empty() {
        return Err(fail(
            "GET /page-… HTTP/1.1\\r\\nHost: …\\r\\n…\\r\\n\\r\\n（路径是第二个参数 / the path is the second argument）",
            net::shown(&request),
            (
                "请求行是 GET 路径 HTTP/1.1，每行以 \\r\\n 结尾，要有 Host 头，最后一个空行。",
                "the request line is GET path HTTP/1.1, lines end in \\r\\n, a Host header, then an empty line.",
            ),
        ));
    }
    Ok(ran)
}

/// The request head, up to and with its empty line.
fn read_head(stream: &mut TcpStream) -> Vec<u8> {
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") && head.len() < 8192 {
        let byte = net::read_len(stream, 1, STEP);
        if byte.is_empty() {
            break;
        }
        head.extend_from_slice(&byte);
    }
    head
}

fn response(length_name: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n\
         {length_name}: {}\r\n\r\n{body}",
        body.len()
    )
}

/// What the program prints for `body`: the status line, then each line.
fn printed(body: &str) -> Vec<String> {
    let mut lines = vec!["HTTP/1.1 200 OK".to_string()];
    lines.extend(body.lines().map(|l| l.escape_debug().to_string()));
    lines
}

fn together(exe: &Path) -> Outcome {
    let body = format!("你好 {}\n第二行", net::nonce());
    let wire = response("Content-Length", &body);
    let ran = case(exe, move |stream| {
        let _ = stream.write_all(wire.as_bytes());
    })?;
    net::expect_lines(&ran, &printed(&body), HINT)?;
    Ok(Verdict::Passed)
}

fn bytewise(exe: &Path) -> Outcome {
    let body = format!("一个字节 {}", net::nonce());
    let wire = response("Content-Length", &body);
    let ran = case(exe, move |stream| {
        let _ = net::send_bytewise(stream, wire.as_bytes());
    })?;
    net::expect_lines(&ran, &printed(&body), HINT)?;
    Ok(Verdict::Passed)
}

fn odd_case(exe: &Path) -> Outcome {
    let body = format!("汉字被切开 {}", net::nonce());
    let wire = response("content-LENGTH", &body);
    let at = wire.len() - body.len() + 1; // inside 汉
    let ran = case(exe, move |stream| {
        let (head, tail) = wire.as_bytes().split_at(at);
        let _ = net::send_pieces(stream, &[head, tail], PAUSE);
    })?;
    net::expect_lines(&ran, &printed(&body), HINT)?;
    Ok(Verdict::Passed)
}

fn short_body(exe: &Path) -> Outcome {
    let wire =
        "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n只有一点".to_string();
    let (ran, _) = net::tcp_client_case(
        exe,
        &[format!("/{}", net::nonce())],
        move |mut stream, _| {
            let head = read_head(&mut stream);
            let _ = stream.write_all(wire.as_bytes());
            head // the close follows
        },
    )?;
    net::expect_error(
        &ran,
        None,
        (
            "read_exact 在读满 Content-Length 之前遇到关闭会返回 UnexpectedEof：报告“响应体不完整”，退出码 1。",
            "read_exact returns UnexpectedEof on a close before Content-Length bytes: report an incomplete body, exit code 1.",
        ),
    )?;
    Ok(Verdict::Passed)
}
