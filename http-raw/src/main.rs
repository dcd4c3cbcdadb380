//! 15.4 ⇄ 15.2 手写 HTTP：不用 urllib 也不用 ureq，在 TCP 连接上亲手发一个 GET。
//!
//! HTTP 就是 TCP 上的文本：连上服务器的 80 端口，发几行请求；服务器回一个
//! 状态行、若干响应头、一个空行，然后是正文。本程序把回答原样打印（控制字符
//! 转义显示），和 `http-get` 的输出对照，就能看出 urllib/ureq 替我们做了
//! 什么：分块传输、gzip 解压、重定向、字符集。
//!
//! ```text
//! cargo run -p http-raw                             # 原文的 http://www.baidu.com
//! python3 -m http.server 8000                       # 没有网络时：终端 1
//! cargo run -p http-raw -- http://127.0.0.1:8000/   # 终端 2
//! cargo run -p http-raw -- --trace http://127.0.0.1:8000/
//! ```
//!
//! 只会明文的 `http://`；`https://` 请用 `cargo run -p http-get`。

mod cli;
mod url;

use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use common::eprintln; // 同 std 的 eprintln!，但 stderr 被关掉时不 panic
use common::explain::{self, explained};
use common::trace::Trace;
use common::{BUFFER_SIZE, Bilingual, escape_control, output};

use cli::Args;
use url::Url;

/// 最多读这么多字节（1 MB），再大的回答只显示开头。
const MAX_ANSWER: usize = 1024 * 1024;

fn main() -> ExitCode {
    let args = cli::parse();
    common::exit_code(run(&args))
}

// ANCHOR: run
fn run(args: &Args) -> io::Result<()> {
    // 1. 拆开网址，查出主机的地址
    //    — Python: parts = urllib.parse.urlsplit('http://www.baidu.com')
    let url = Url::parse(&args.url)?;
    let addr =
        common::resolve(&url.host, url.port).map_err(|_| not_found(&url))?;

    // 2. 连接服务器 — Python: soc = socket.create_connection((host, 80), 30)
    let mut soc = TcpStream::connect_timeout(&addr, args.timeout)
        .map_err(|e| cannot_connect(e, &args.url, addr))?;
    let trace = Trace::new(args.trace); // --trace：把收发的字节打印到 stderr

    // 3. 亲手写请求：请求行、Host 头、空行，每行以 \r\n 结束
    //    — Python: soc.sendall(b'GET / HTTP/1.1\r\nHost: ...\r\n\r\n')
    let request = format!(
        "GET {} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        url.path, url.host_header
    );
    soc.write_all(request.as_bytes())
        .map_err(|e| explain::talk(e, addr))?;
    trace.sent(addr, request.as_bytes());

    // 4. 一直收，直到服务器关闭连接（Connection: close 请它答完就关）
    //    — Python: while data := soc.recv(1024): answer += data
    let deadline = Instant::now() + args.timeout;
    let mut answer = Vec::new();
    let mut buf = [0; BUFFER_SIZE];
    loop {
        soc.set_read_timeout(Some(time_left(deadline)))?;
        let n = match soc.read(&mut buf) {
            Ok(n) => n,
            Err(e) => {
                // 已经收到的先打印出来，再说明为什么没收完。
                if !answer.is_empty() {
                    print_answer(&answer, false)?;
                }
                return Err(stopped(e, args, addr));
            }
        };
        trace.received(addr, &buf[..n]);
        if n == 0 {
            break;
        }
        answer.extend_from_slice(&buf[..n]);
        if answer.len() >= MAX_ANSWER || !looks_like_http(&answer) {
            break;
        }
    }

    // 5. 空行之前是状态行和响应头，原样打印；空行之后是正文
    //    — Python: head, _, body = answer.partition(b'\r\n\r\n')
    let cut = answer.len() >= MAX_ANSWER;
    answer.truncate(MAX_ANSWER); // the last read may have gone past it
    print_answer(&answer, cut)?;

    // 6. 正文有 Content-Length 说的那么长吗？短了就是服务器没发完
    //    — Python: if len(body) < int(headers['Content-Length']): ...
    if !cut {
        check_length(&answer)?;
    }
    Ok(())
    // 没有 close()：soc 离开作用域时连接关闭。
}
// ANCHOR_END: run

/// What is left until `deadline`, never zero (a zero read timeout is an
/// error in std).
fn time_left(deadline: Instant) -> Duration {
    let left = deadline.saturating_duration_since(Instant::now());
    left.max(Duration::from_millis(1))
}

/// Whether the answer so far could be HTTP: it starts with `HTTP/`.
fn looks_like_http(answer: &[u8]) -> bool {
    let n = answer.len().min(5);
    answer[..n] == b"HTTP/"[..n]
}

/// 打印服务器的回答：状态行和响应头原样照抄，然后是正文。
///
/// Every line goes through `escape_control`, so a server cannot clear or
/// retitle the terminal; `\r\n` ends a line as `\n`. After the page, stderr
/// says what a library would have done with it.
fn print_answer(answer: &[u8], cut: bool) -> io::Result<()> {
    if answer.is_empty() {
        return Err(explained(
            ErrorKind::UnexpectedEof,
            "服务器什么也没回答就关闭了连接".to_string(),
            "the server closed the connection without answering".to_string(),
        ));
    }
    if !looks_like_http(answer) {
        let start = String::from_utf8_lossy(&answer[..answer.len().min(200)]);
        let start: String = start.chars().take(40).collect();
        let start = escape_control(&start);
        return Err(explained(
            ErrorKind::InvalidData,
            format!(
                "回答不是 HTTP（开头是 \"{start}\"）：那个端口上运行的是网页服务器吗？"
            ),
            format!(
                "the answer is not HTTP (it starts \"{start}\"): is a web server on that port?"
            ),
        ));
    }
    let (head, body) = split_head(answer);
    let head = String::from_utf8_lossy(head);
    let mut out = String::new();
    for line in head.lines() {
        out += &escape_control(line);
        out.push('\n');
    }
    let mut notes = Vec::new();
    match body {
        None => notes.push(Bilingual::new(
            "没有收到响应头后面的空行：回答不完整",
            "the blank line after the headers never came: the answer is incomplete",
        )),
        Some(body) => {
            out.push('\n');
            out += &body_text(body, header(&head, "content-encoding"));
            notes.extend(what_a_library_does(&head, body));
        }
    }
    // 原样打印回答；读的一方走了（`| head`）不算错。
    output::print_all(|stdout| stdout.write_all(out.as_bytes()))?;
    if cut {
        let mb = MAX_ANSWER / (1024 * 1024);
        notes.push(Bilingual::new(
            format!("回答超过 {mb} MB，只收了前 {mb} MB"),
            format!("the answer is longer than {mb} MB and was cut"),
        ));
    }
    for note in notes {
        eprintln!("提示：{} / note: {}", note.zh, note.en);
    }
    Ok(())
}

/// 正文比 `Content-Length` 说的短：服务器没发完就关了连接。
///
/// A body shorter than its `Content-Length` is an error (exit 1): the
/// server closed the connection before sending it all. Chunked bodies and
/// answers that never carry one (1xx, 204, 304) are not checked.
fn check_length(answer: &[u8]) -> io::Result<()> {
    let (head, Some(body)) = split_head(answer) else {
        return Ok(()); // no body at all: print_answer has said so
    };
    let head = String::from_utf8_lossy(head);
    let received = body.len();
    let status = head.split_whitespace().nth(1).unwrap_or_default();
    let chunked = header(&head, "transfer-encoding").is_some();
    let no_body = status.starts_with('1') || matches!(status, "204" | "304");
    let declared =
        header(&head, "content-length").and_then(|n| n.parse::<u64>().ok());
    match declared {
        Some(declared)
            if !chunked && !no_body && (received as u64) < declared =>
        {
            Err(explained(
                ErrorKind::UnexpectedEof,
                format!(
                    "正文不完整：Content-Length 说有 {declared} 字节，只收到 \
                     {received} 字节，服务器就关闭了连接"
                ),
                format!(
                    "the body is incomplete: {received} of {declared} bytes \
                     (Content-Length) came before the server closed the connection"
                ),
            ))
        }
        _ => Ok(()),
    }
}

/// Splits the answer at the first empty line (`\r\n\r\n`, or `\n\n` from a
/// sloppy server). `None` for the body: no empty line came.
fn split_head(answer: &[u8]) -> (&[u8], Option<&[u8]>) {
    let crlf = answer.windows(4).position(|w| w == b"\r\n\r\n");
    let lf = answer.windows(2).position(|w| w == b"\n\n");
    match (crlf, lf) {
        (Some(c), Some(l)) if l < c => (&answer[..l], Some(&answer[l + 2..])),
        (Some(c), _) => (&answer[..c], Some(&answer[c + 4..])),
        (None, Some(l)) => (&answer[..l], Some(&answer[l + 2..])),
        (None, None) => (answer, None),
    }
}

/// The value of the first header called `name` (any case), trimmed.
fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().skip(1).find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim().eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

/// The body for the terminal: decoded as UTF-8 (bad bytes become U+FFFD),
/// control characters escaped, lines and tabs kept. A compressed or binary
/// body becomes one line with its size and first bytes.
fn body_text(body: &[u8], encoding: Option<&str>) -> String {
    let compressed =
        encoding.is_some_and(|e| !e.eq_ignore_ascii_case("identity"));
    if compressed || body[..body.len().min(1024)].contains(&0) {
        let first: Vec<String> =
            body.iter().take(8).map(|b| format!("{b:02x}")).collect();
        let first = first.join(" ");
        let n = body.len();
        return format!(
            "（二进制数据 {n} 字节，开头是 {first} …，不显示 \
             / binary body, {n} bytes, starting {first} …, not shown）\n"
        );
    }
    let text = String::from_utf8_lossy(body);
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        let line = line.strip_suffix('\n').unwrap_or(line);
        let line = line.strip_suffix('\r').unwrap_or(line);
        let parts: Vec<_> = line.split('\t').map(escape_control).collect();
        out += &parts.join("\t");
        out.push('\n');
    }
    out
}

/// 对照 http-get：这个回答里有哪些事是 urllib/ureq 会替我们做的。
fn what_a_library_does(head: &str, body: &[u8]) -> Vec<Bilingual> {
    let mut notes = Vec::new();
    let chunked = header(head, "transfer-encoding")
        .is_some_and(|t| t.to_ascii_lowercase().contains("chunked"));
    if chunked {
        notes.push(Bilingual::new(
            "正文是分块发送的（chunked）：每块前一行是十六进制的长度，0 表示结束；\
             http-get 会把块拼回原文",
            "the body came in chunks: a hex length line before each, 0 at the \
             end; http-get joins them",
        ));
    }
    if let Some(encoding) = header(head, "content-encoding") {
        let encoding = escape_control(encoding);
        notes.push(Bilingual::new(
            format!("正文是压缩过的（{encoding}）：http-get 会自动解压"),
            format!("the body is compressed ({encoding}): http-get undoes it"),
        ));
    }
    let status = head.split_whitespace().nth(1).unwrap_or_default();
    if let (true, Some(to)) =
        (status.starts_with('3'), header(head, "location"))
    {
        let to = escape_control(to);
        notes.push(Bilingual::new(
            format!("服务器要求跳转到 {to}（重定向）：http-get 会自动跟过去"),
            format!("a redirect to {to}: http-get follows it by itself"),
        ));
    }
    let binary = body.iter().take(1024).any(|&b| b == 0);
    if !binary && std::str::from_utf8(body).is_err() {
        let kind = header(head, "content-type").unwrap_or("?");
        let kind = escape_control(kind);
        notes.push(Bilingual::new(
            format!(
                "正文不是 UTF-8（Content-Type: {kind}），解不开的字节显示为 �；\
                 http-get 会按网页声明的字符集（如 GBK）解码"
            ),
            format!(
                "the body is not UTF-8 (Content-Type: {kind}); http-get decodes \
                 it with the charset the page declares"
            ),
        ));
    }
    notes
}

/// 找不到主机（DNS 查不到）。
fn not_found(url: &Url) -> io::Error {
    let host = escape_control(&url.host);
    explained(
        ErrorKind::NotFound,
        format!(
            "找不到主机 {host}：这台机器可能没有联网，或主机名写错了。\
             没有网络时可以在本机试：python3 -m http.server 8000，\
             再运行 cargo run -p http-raw -- http://127.0.0.1:8000/"
        ),
        format!(
            "cannot resolve {host}: this machine seems offline, or the name is \
             wrong; try a local server: python3 -m http.server 8000"
        ),
    )
}

/// 连不上服务器。
fn cannot_connect(err: io::Error, url: &str, addr: SocketAddr) -> io::Error {
    let url = escape_control(url);
    let (zh, en) = match err.kind() {
        ErrorKind::ConnectionRefused => (
            format!(
                "无法连接 {url}（{addr}）：连接被拒绝，那个端口上没有服务器在运行。\
                 本机试验可先运行 python3 -m http.server 8000"
            ),
            format!(
                "connection refused by {addr} ({url}): no server is listening on that port"
            ),
        ),
        ErrorKind::TimedOut | ErrorKind::WouldBlock => (
            format!(
                "连接 {url}（{addr}）超时：主机没有回应，网络不通或被防火墙挡住了"
            ),
            format!(
                "connecting to {addr} ({url}) timed out: no answer (network or firewall)"
            ),
        ),
        _ => return explain::connect(err, addr, "http-raw"),
    };
    explained(err.kind(), zh, en)
}

/// 收回答时出了错：超时，或者对方断开。
fn stopped(err: io::Error, args: &Args, addr: SocketAddr) -> io::Error {
    if !matches!(err.kind(), ErrorKind::TimedOut | ErrorKind::WouldBlock) {
        return explain::talk(err, addr);
    }
    let url = escape_control(&args.url);
    let secs = args.timeout.as_secs_f64();
    explained(
        ErrorKind::TimedOut,
        format!(
            "{secs} 秒内 {url} 没有答完（没有关闭连接）：服务器太慢或没有响应，\
             可用 --timeout 加长等待"
        ),
        format!(
            "{url} did not finish its answer within {secs} s (the connection \
             stayed open); see --timeout"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_and_body_split_at_the_first_empty_line() {
        let (head, body) =
            split_head(b"HTTP/1.1 200 OK\r\nA: b\r\n\r\nx\r\n\r\ny");
        assert_eq!(head, b"HTTP/1.1 200 OK\r\nA: b");
        assert_eq!(body, Some(&b"x\r\n\r\ny"[..]));
        let (head, body) = split_head(b"HTTP/1.0 200 OK\nA: b\n\nbody");
        assert_eq!(
            (head, body),
            (&b"HTTP/1.0 200 OK\nA: b"[..], Some(&b"body"[..]))
        );
        assert_eq!(split_head(b"HTTP/1.1 200 OK\r\n").1, None);
    }

    #[test]
    fn headers_are_found_in_any_case() {
        let head = "HTTP/1.1 302 Found\r\nLOCATION:  /there \r\nX: y";
        assert_eq!(header(head, "location"), Some("/there"));
        assert_eq!(header(head, "x"), Some("y"));
        assert_eq!(header(head, "HTTP/1.1 302 Found"), None);
    }

    #[test]
    fn bodies_are_safe_to_print() {
        let text = body_text(b"a\tb\x1b[2J\r\n\xffz", None);
        assert_eq!(text, "a\tb\\x1b[2J\n\u{fffd}z\n");
        let gz = body_text(b"\x1f\x8b\x08\x00\x01\x02\x03\x04\x05", None);
        assert!(gz.contains("9 字节") && gz.contains("1f 8b 08 00"), "{gz}");
        assert!(body_text(b"text", Some("gzip")).contains("binary"));
    }

    #[test]
    fn a_short_body_is_incomplete() {
        let short = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345";
        let err = check_length(short).unwrap_err();
        let text = common::explain::lines(&err);
        assert!(text.contains("5 of 10 bytes"), "{text}");
        assert!(text.contains("不完整") && text.contains("incomplete"));
        for fine in [
            &b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n12345"[..],
            b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\
              Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            b"HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n",
            b"HTTP/1.1 200 OK\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Length: 9",
        ] {
            assert!(check_length(fine).is_ok(), "{fine:?}");
        }
    }

    #[test]
    fn only_http_answers_pass() {
        assert!(looks_like_http(b"HT"));
        assert!(looks_like_http(b"HTTP/1.1 200"));
        assert!(!looks_like_http("服务端".as_bytes()));
    }

    #[test]
    fn notes_name_what_a_library_does() {
        let head = "HTTP/1.1 301 Moved\r\nLocation: /new\r\n\
                    Transfer-Encoding: chunked\r\nContent-Encoding: gzip";
        let notes = what_a_library_does(head, b"");
        let all: String = notes
            .iter()
            .map(|note| note.zh.clone() + &note.en)
            .collect();
        for word in ["chunked", "gzip", "/new"] {
            assert!(all.contains(word), "{word}: {all}");
        }
        let gbk = what_a_library_does("HTTP/1.1 200 OK", b"\xd6\xd0\xce\xc4");
        assert!(gbk[0].en.contains("not UTF-8"));
    }
}
