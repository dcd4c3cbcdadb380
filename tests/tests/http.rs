//! 15.4: http-get and http-post against a local HTTP server written for the
//! test (`tests/py/http_peer.py`, on 127.0.0.1 with a port the system
//! picks). Nothing leaves the machine: the only names looked up end in
//! `.invalid`, which never resolve.

// Test code: a failed step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::TcpListener;
use std::time::Duration;

use chapter_tests::{
    Finished, LIMIT, Server, assert_clean, program, python, run,
};

fn peer() -> Server {
    Server::start(python("http_peer.py"))
}

fn url(server: &Server, path: &str) -> String {
    format!("http://{}{path}", server.addr)
}

fn get(args: &[&str]) -> Finished {
    let mut cmd = program("http-get");
    cmd.args(args);
    let done = run(cmd, LIMIT);
    assert_clean(&done.stdout);
    assert_clean(&done.stderr);
    done
}

fn post(args: &[&str]) -> Finished {
    let mut cmd = program("http-post");
    cmd.args(args);
    let done = run(cmd, LIMIT);
    assert_clean(&done.stdout);
    assert_clean(&done.stderr);
    done
}

fn get_path(path: &str) -> Finished {
    let server = peer();
    get(&[&url(&server, path)])
}

/// Exit status 1 and an error of two lines (Chinese, English).
fn assert_error(done: &Finished) {
    assert_eq!(done.status.code(), Some(1), "{done:?}");
    assert_eq!(done.stderr.lines().count(), 2, "{}", done.stderr);
    assert!(
        !done.stderr.contains("出错了"),
        "unexplained: {}",
        done.stderr
    );
}

/// Exit status 2: a usage error.
fn assert_usage(done: &Finished) {
    assert_eq!(done.status.code(), Some(2), "{done:?}");
    assert!(done.stdout.is_empty(), "{}", done.stdout);
}

#[test]
fn utf8_page_prints_status_headers_and_body() {
    let done = get_path("/utf8");
    assert!(done.status.success(), "{done:?}");
    let mut lines = done.stdout.lines();
    assert_eq!(lines.next(), Some("200 OK"));
    assert!(
        done.stdout
            .contains("\ncontent-type -- text/html; charset=utf-8\n"),
        "{}",
        done.stdout
    );
    assert!(done.stdout.contains("\ncontent-length -- "));
    assert!(
        done.stdout.contains("<h1>你好，HTTP</h1>"),
        "{}",
        done.stdout
    );
    assert!(done.stderr.is_empty(), "{}", done.stderr);
}

#[test]
fn gbk_page_by_header_charset() {
    let done = get_path("/gbk-header");
    assert!(done.status.success(), "{done:?}");
    assert!(
        done.stdout.contains("\n中文网页：国标编码\n"),
        "{}",
        done.stdout
    );
    assert!(done.stderr.contains("GBK"), "{}", done.stderr);
    assert!(done.stderr.contains("Content-Type"), "{}", done.stderr);
}

#[test]
fn gbk_page_by_meta_http_equiv_only() {
    let done = get_path("/gbk-meta");
    assert!(done.status.success(), "{done:?}");
    assert!(done.stdout.contains("\ncontent-type -- text/html\n"));
    assert!(
        done.stdout.contains("<body>中文网页：国标编码</body>"),
        "{}",
        done.stdout
    );
    assert!(done.stderr.contains("<meta>"), "{}", done.stderr);
}

#[test]
fn not_found_prints_the_page_then_exits_1() {
    let server = peer();
    let address = url(&server, "/missing");
    let done = get(&[&address]);
    assert_error(&done);
    assert_eq!(done.stdout.lines().next(), Some("404 Not Found"));
    assert!(
        done.stdout.contains("<h1>404 页面不存在</h1>"),
        "{}",
        done.stdout
    );
    assert!(done.stderr.contains(&address), "{}", done.stderr);
    assert!(done.stderr.contains("404 Not Found"), "{}", done.stderr);
}

#[test]
fn gzip_body_is_decompressed() {
    let done = get_path("/gzip");
    assert!(done.status.success(), "{done:?}");
    assert_eq!(done.stdout.matches("压缩过的页面\n").count(), 50);
}

#[test]
fn chunked_body_is_joined() {
    let done = get_path("/chunked");
    assert!(done.status.success(), "{done:?}");
    assert!(done.stdout.contains("transfer-encoding -- chunked\n"));
    assert!(done.stdout.contains("\n分块传输完成\n"), "{}", done.stdout);
}

#[test]
fn redirect_is_followed() {
    let server = peer();
    let done = get(&[&url(&server, "/redirect")]);
    assert!(done.status.success(), "{done:?}");
    assert_eq!(done.stdout.lines().next(), Some("200 OK"));
    assert!(done.stdout.contains("你好，HTTP"), "{}", done.stdout);
    assert!(!done.stdout.contains("moved"), "{}", done.stdout);
    assert!(
        done.stderr.contains(&url(&server, "/utf8")),
        "{}",
        done.stderr
    );
}

#[test]
fn binary_body_is_summarised() {
    let done = get_path("/binary");
    assert!(done.status.success(), "{done:?}");
    let last = done.stdout.lines().last().unwrap();
    assert!(last.contains("image/png") && last.contains("264"), "{last}");
    assert!(!done.stdout.contains("PNG"), "{}", done.stdout);
}

#[test]
fn control_characters_in_a_page_are_escaped() {
    // `get` checks that no raw control character reaches the terminal.
    let done = get_path("/control");
    assert!(done.status.success(), "{done:?}");
    assert!(
        done.stdout.contains("before\\x1b[2J\\x07after\nline2\n"),
        "{}",
        done.stdout
    );
}

#[test]
fn a_huge_body_is_cut_at_10_mb() {
    let done = get_path("/big");
    assert!(done.status.success(), "{done:?}");
    let body = done.stdout.lines().last().unwrap();
    assert_eq!(body.len(), 10 * 1024 * 1024);
    assert!(done.stderr.contains("10 MB"), "{}", done.stderr);
}

#[test]
fn a_server_that_never_answers_times_out() {
    let server = peer();
    let address = url(&server, "/silent");
    let done = get(&["--timeout", "2", &address]);
    assert_error(&done);
    assert!(done.elapsed < Duration::from_secs(6), "{:?}", done.elapsed);
    assert!(done.stderr.contains("2 秒"), "{}", done.stderr);
    assert!(done.stderr.contains(&address), "{}", done.stderr);
    assert!(done.stdout.is_empty(), "{}", done.stdout);
}

#[test]
fn refused_port_says_no_server_is_there() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let address = format!("http://127.0.0.1:{port}/");
    let done = get(&[&address]);
    assert_error(&done);
    assert!(done.stderr.contains(&address), "{}", done.stderr);
    assert!(done.stderr.contains("连接被拒绝"), "{}", done.stderr);
    assert!(
        done.stderr.contains("connection refused"),
        "{}",
        done.stderr
    );
}

#[test]
fn bad_urls_are_explained() {
    for (bad, zh, en) in [
        ("not a url", "不是网址", "is not a URL"),
        ("ftp://x", "ftp://", "only http:// and https://"),
        (
            "www.example.invalid",
            "http://www.example.invalid",
            "no scheme",
        ),
        ("http://", "不是网址", "not a URL"),
    ] {
        let done = get(&[bad]);
        assert_error(&done);
        assert!(done.stderr.contains(zh), "{bad}: {}", done.stderr);
        assert!(done.stderr.contains(en), "{bad}: {}", done.stderr);
        assert!(done.elapsed < Duration::from_secs(5), "{bad}");
    }
}

#[test]
fn unresolvable_host_suggests_being_offline_quickly() {
    let done = get(&["--timeout", "20", "http://no-such-host.invalid/"]);
    assert_error(&done);
    assert!(
        done.stderr.contains("no-such-host.invalid"),
        "{}",
        done.stderr
    );
    assert!(done.stderr.contains("没有联网"), "{}", done.stderr);
    assert!(done.stderr.contains("offline"), "{}", done.stderr);
    assert!(done.stderr.contains("python3 -m http.server"));
    // Name lookups get 10 s at most, whatever --timeout says.
    assert!(done.elapsed < Duration::from_secs(12), "{:?}", done.elapsed);
}

#[test]
fn get_options() {
    let done = get(&["--help"]);
    assert!(done.status.success());
    assert!(done.stdout.contains("http://www.baidu.com"));
    assert!(done.stdout.contains("--timeout"));
    let done = get(&["-V"]);
    assert!(done.status.success());
    assert!(done.stdout.starts_with("http-get "));
    assert_usage(&get(&["http://a.invalid/", "http://b.invalid/"]));
    assert_usage(&get(&["--timeout", "0"]));
    assert_usage(&get(&["--port", "80"]));
}

#[test]
fn post_form_arrives_intact() {
    let server = peer();
    let done = post(&[
        &url(&server, "/echo"),
        "name=张三",
        "lang=rust & c",
        "sum=1+1=2",
        "empty=",
    ]);
    assert!(done.status.success(), "{done:?}");
    let fields = r#"[["name", "张三"], ["lang", "rust & c"], ["sum", "1+1=2"], ["empty", ""]]"#;
    // What the server decoded, from its own log.
    let log = server
        .process
        .stdout
        .wait_for(LIMIT, |t| t.contains("FORM"));
    let line = log.lines().find(|l| l.starts_with("FORM")).unwrap();
    assert_eq!(
        line,
        format!("FORM application/x-www-form-urlencoded {fields}")
    );
    // And the answer, printed as http-get prints one.
    assert_eq!(done.stdout.lines().next(), Some("200 OK"));
    assert!(done.stdout.contains("content-type -- text/plain"));
    assert!(done.stdout.contains(fields), "{}", done.stdout);
}

#[test]
fn post_with_no_fields_sends_an_empty_form() {
    let server = peer();
    let done = post(&[&url(&server, "/echo")]);
    assert!(done.status.success(), "{done:?}");
    assert!(done.stdout.contains("form received: []"), "{}", done.stdout);
}

#[test]
fn post_errors_are_explained() {
    let server = peer();
    let done = post(&[&url(&server, "/nowhere"), "a=b"]);
    assert_error(&done);
    assert!(
        done.stdout.starts_with("404 Not Found\n"),
        "{}",
        done.stdout
    );
    let done = post(&["ftp://x", "a=b"]);
    assert_error(&done);
    let done = post(&["http://no-such-host.invalid/", "a=b"]);
    assert_error(&done);
    assert!(done.stderr.contains("http_peer.py"), "{}", done.stderr);
}

#[test]
fn post_usage() {
    let done = post(&[]);
    assert_usage(&done);
    assert!(done.stderr.contains("python3 tests/py/http_peer.py 8000"));
    assert!(done.stderr.contains("/echo name=张三"), "{}", done.stderr);
    let done = post(&["name=张三"]);
    assert_usage(&done);
    assert!(done.stderr.contains("http_peer.py"), "{}", done.stderr);
    let done = post(&["http://127.0.0.1:1/echo", "novalue"]);
    assert_usage(&done);
    assert!(done.stderr.contains("KEY=VALUE"), "{}", done.stderr);
    let done = post(&["--help"]);
    assert!(done.status.success());
    assert!(done.stdout.contains("KEY=VALUE"));
}

#[test]
fn https_to_a_plain_http_port_says_to_use_http() {
    let server = peer();
    let done = get(&[&format!("https://{}/utf8", server.addr)]);
    assert_error(&done);
    assert!(done.stderr.contains("https://"), "{}", done.stderr);
    assert!(done.stderr.contains("try http://"), "{}", done.stderr);
}
