//! 15.4: http-get and http-post against a local HTTP server written for the
//! test (`tests/py/http_peer.py`, on 127.0.0.1 with a port the system
//! picks). Nothing leaves the machine: the only names looked up end in
//! `.invalid`, which never resolve.

// Test code: a failed step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chapter_tests::{
    Finished, LIMIT, Server, assert_error, http_peer, program_clean, python,
    run,
};

fn url(server: &Server, path: &str) -> String {
    format!("http://{}{path}", server.addr)
}

fn get(args: &[&str]) -> Finished {
    program_clean("http-get", args)
}

fn post(args: &[&str]) -> Finished {
    program_clean("http-post", args)
}

fn get_path(path: &str) -> Finished {
    let server = http_peer();
    get(&[&url(&server, path)])
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
    let server = http_peer();
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
    let server = http_peer();
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
    let server = http_peer();
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
    let server = http_peer();
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
    let server = http_peer();
    let done = post(&[&url(&server, "/echo")]);
    assert!(done.status.success(), "{done:?}");
    assert!(done.stdout.contains("form received: []"), "{}", done.stdout);
}

#[test]
fn post_errors_are_explained() {
    let server = http_peer();
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
    let server = http_peer();
    let done = get(&[&format!("https://{}/utf8", server.addr)]);
    assert_error(&done);
    assert!(done.stderr.contains("https://"), "{}", done.stderr);
    let plain = format!("use http://{}/utf8", server.addr);
    assert!(done.stderr.contains(&plain), "{}", done.stderr);
    assert!(done.stderr.contains("普通 HTTP"), "{}", done.stderr);
}

#[test]
fn https_to_a_port_that_speaks_neither_does_not_say_http() {
    // A server that answers every connection with one line of nonsense.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    // Two connections: the HTTPS attempt, then the plain-HTTP check. The
    // thread is not joined: the test ends with its process either way.
    std::thread::spawn(move || {
        for conn in listener.incoming().take(2) {
            let _ = conn.and_then(|mut c| c.write_all(b"garbage\r\n\r\n"));
        }
    });
    let done = get(&["--timeout", "5", &format!("https://{addr}/")]);
    assert_error(&done);
    assert!(
        done.stderr.contains("neither HTTPS nor HTTP"),
        "{}",
        done.stderr
    );
    assert!(!done.stderr.contains("use http://"), "{}", done.stderr);
}

/// A self-signed certificate for `localhost` made by openssl, as a
/// teacher would make one, in a fresh folder that is removed on drop.
struct SelfSigned {
    dir: PathBuf,
}

impl SelfSigned {
    /// Whether openssl is here (CI installs it; a student's Windows
    /// machine may not have it).
    fn available() -> bool {
        Command::new("openssl")
            .arg("version")
            .output()
            .is_ok_and(|o| o.status.success())
    }

    fn make(extra: &[&str]) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "chapter15-tls-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let mut cmd = Command::new("openssl");
        cmd.args(["req", "-x509", "-newkey", "rsa:2048", "-nodes"])
            .args(["-subj", "/CN=localhost", "-days", "1"])
            .args(extra)
            .arg("-keyout")
            .arg(dir.join("key.pem"))
            .arg("-out")
            .arg(dir.join("cert.pem"));
        let done = run(cmd, LIMIT);
        assert!(
            done.status.success(),
            "openssl req failed (these tests need openssl on PATH): {}",
            done.stderr
        );
        SelfSigned { dir }
    }

    fn serve(&self) -> Server {
        let mut cmd = python("https_peer.py");
        cmd.arg(self.dir.join("cert.pem"))
            .arg(self.dir.join("key.pem"));
        Server::start(cmd)
    }
}

impl Drop for SelfSigned {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[test]
fn a_self_signed_certificate_is_called_a_certificate_problem() {
    if !SelfSigned::available() {
        eprintln!("skipped: openssl is not installed to make a certificate");
        return;
    }
    // openssl's default (a CA certificate used by the server itself), and
    // a leaf certificate that no authority signed.
    for extra in [&[][..], &["-addext", "basicConstraints=critical,CA:FALSE"]] {
        let cert = SelfSigned::make(extra);
        let server = cert.serve();
        let address = format!("https://{}/utf8", server.addr);
        let done = get(&[&address]);
        assert_error(&done);
        let err = &done.stderr;
        assert!(err.contains(&address), "{err}");
        assert!(err.contains("证书不可信"), "{err}");
        assert!(err.contains("自签名"), "{err}");
        assert!(err.contains("self-signed"), "{err}");
        assert!(err.contains("school or company network"), "{err}");
        // The port does speak HTTPS: no advice to switch to http://.
        assert!(!err.contains("http://"), "{err}");
        assert!(!err.contains("不是 HTTPS"), "{err}");
        assert!(done.stdout.is_empty(), "{}", done.stdout);
    }
}

#[test]
fn post_to_python_http_server_says_it_does_not_accept_post() {
    // Python's own `python3 -m http.server` handler, which the README
    // suggests for offline use: it answers POST with 501.
    let mut cmd = python("http_peer.py");
    cmd.args(["0", "--static"]);
    let server = Server::start(cmd);
    let address = url(&server, "/");
    let done = post(&[&address, "name=张三"]);
    assert_error(&done);
    assert!(
        done.stdout.starts_with("501 Not Implemented\n"),
        "{}",
        done.stdout
    );
    let err = &done.stderr;
    assert!(err.contains("不接受 POST"), "{err}");
    assert!(err.contains("does not accept POST here"), "{err}");
    assert!(err.contains("http_peer.py"), "{err}");
    assert!(!err.contains("服务器内部出错"), "{err}");
    assert!(!err.contains("the server failed"), "{err}");
    // GET works on that same server.
    let done = get(&[&address]);
    assert!(done.status.success(), "{done:?}");
}

#[test]
fn method_not_allowed_says_which_method() {
    let server = http_peer();
    let done = post(&[&url(&server, "/get-only"), "a=b"]);
    assert_error(&done);
    assert!(done.stdout.starts_with("405 Method Not Allowed\n"));
    assert!(done.stderr.contains("不接受 POST"), "{}", done.stderr);
    assert!(done.stderr.contains("accept POST"), "{}", done.stderr);
}

#[test]
fn oversized_headers_are_called_too_large() {
    let server = http_peer();
    for path in ["/big-header", "/many-headers"] {
        let address = url(&server, path);
        let done = get(&[&address]);
        assert_error(&done);
        assert!(done.stderr.contains(&address), "{}", done.stderr);
        assert!(done.stderr.contains("头太大"), "{}", done.stderr);
        assert!(done.stderr.contains("too large"), "{}", done.stderr);
        assert!(!done.stderr.contains("not HTTP"), "{}", done.stderr);
    }
}

#[test]
fn each_redirect_is_reported_and_the_error_names_the_last_url() {
    let server = http_peer();
    let done = get(&[&url(&server, "/chain")]);
    assert_error_after_hops(&done, 2);
    let hops: Vec<_> = done.stderr.lines().take(2).collect();
    assert_eq!(
        hops,
        [
            format!("重定向 / redirect → {}", url(&server, "/chain2")),
            format!("重定向 / redirect → {}", url(&server, "/missing")),
        ]
    );
    let error = done.stderr.lines().nth(2).unwrap();
    assert!(error.starts_with(&url(&server, "/missing")), "{error}");
    assert!(error.contains("404"), "{error}");
    assert!(!done.stderr.contains("/chain 回答"), "{}", done.stderr);
}

#[test]
fn a_redirect_to_another_port_is_said_and_its_error_names_that_port() {
    let server = http_peer();
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let target = format!("http://127.0.0.1:{port}/gone");
    let done = get(&[&url(&server, &format!("/goto?to={target}"))]);
    assert_error_after_hops(&done, 1);
    assert!(
        done.stderr
            .starts_with(&format!("重定向 / redirect → {target}\n")),
        "{}",
        done.stderr
    );
    assert!(done.stderr.contains(&format!("refused by {target}:")));
}

#[test]
fn a_redirect_to_a_file_url_is_refused() {
    let server = http_peer();
    let address = url(&server, "/goto?to=file:///etc/passwd");
    let done = get(&[&address]);
    assert_error(&done);
    assert!(done.stdout.is_empty(), "{}", done.stdout);
    assert!(
        done.stderr.contains("file:///etc/passwd"),
        "{}",
        done.stderr
    );
    assert!(done.stderr.contains("only http:// and https://"));
    assert!(!done.stderr.contains("redirect →"), "{}", done.stderr);
    assert!(!done.stderr.contains("404"), "{}", done.stderr);
}

#[test]
fn a_file_location_is_refused_not_fetched_as_a_path() {
    // ureq alone would fetch http://host/file:///etc/passwd.
    let server = http_peer();
    let address = url(&server, "/to-file");
    let done = get(&[&address]);
    assert_error_after_hops(&done, 0);
    assert!(done.stdout.is_empty(), "{}", done.stdout);
    let refusal = format!("{address} redirects to a file: URL: refused");
    assert!(done.stderr.contains(&refusal), "{}", done.stderr);
    assert!(
        done.stderr.contains("不会打开 file: 的地址"),
        "{}",
        done.stderr
    );
}

#[test]
fn a_hostile_location_never_reaches_the_terminal_raw() {
    let server = http_peer();
    let done = get(&[&url(&server, "/hostile")]);
    // `get` has checked for control characters; bidi marks are not
    // control characters, so look for them here.
    assert!(!done.stderr.contains('\u{202e}'), "{:?}", done.stderr);
    assert!(!done.stderr.contains('\u{9b}'), "{:?}", done.stderr);
    assert!(
        done.stderr.contains("/ok%E2%80%AEevil%C2%9B"),
        "{}",
        done.stderr
    );
    // ureq follows no Location that holds bytes a URL may not hold.
    assert!(done.stderr.contains("not a URL that can be fetched"));
    assert_error_after_hops(&done, 0);
}

#[test]
fn a_redirect_loop_stops_after_10_hops() {
    let server = http_peer();
    let address = url(&server, "/loop");
    let done = get(&[&address]);
    assert_error_after_hops(&done, 10);
    assert!(done.stderr.contains("more than 10 redirects"));
    assert!(done.stderr.contains(&format!("stopped at {address}")));
}

#[test]
fn a_post_is_not_sent_again_on_307() {
    let server = http_peer();
    let address = url(&server, "/moved307");
    let done = post(&[&address, "a=b"]);
    assert_error_after_hops(&done, 0);
    assert!(done.stderr.contains("不会重发表单"), "{}", done.stderr);
    assert!(done.stderr.contains(&address), "{}", done.stderr);
    // The server saw one form: the first POST, none to /echo.
    let log = server.stdout();
    assert_eq!(log.matches("FORM").count(), 1, "{log}");
}

#[test]
fn timeout_bounds_the_whole_request_with_its_redirects() {
    // 6 hops of 1.2 s each would take 7.2 s; --timeout 3 ends it at 3 s.
    let server = http_peer();
    let address = url(&server, "/slow-redirect/6");
    let (get_run, post_run) = std::thread::scope(|s| {
        let post_run = s.spawn(|| post(&["--timeout", "3", &address, "a=b"]));
        let get_run = get(&["--timeout", "3", &address]);
        (get_run, post_run.join().unwrap())
    });
    for done in [&get_run, &post_run] {
        assert_eq!(done.status.code(), Some(1), "{done:?}");
        assert!(done.elapsed < Duration::from_secs(5), "{:?}", done.elapsed);
        assert!(done.stderr.contains("3 秒"), "{}", done.stderr);
        assert!(done.stdout.is_empty(), "{}", done.stdout);
    }
    println!(
        "6 redirects of 1.2 s, --timeout 3: http-get {:?}, http-post {:?}",
        get_run.elapsed, post_run.elapsed
    );
}

#[test]
fn a_port_above_65535_is_refused_and_nothing_connects_to_port_80() {
    // Were the port dropped, ureq would fetch port 80: listen there if
    // this machine lets us, and check that nothing came.
    let port_80 = TcpListener::bind("127.0.0.1:80").ok();
    if port_80.is_none() {
        eprintln!(
            "note: cannot listen on port 80 here; checking messages only"
        );
    }
    let server = http_peer();
    for port in ["99999", "65536"] {
        // On the command line: a usage error.
        let address = format!("http://127.0.0.1:{port}/");
        let done = get(&[&address]);
        assert_usage(&done);
        assert!(done.stderr.contains(&format!("端口 {port}")));
        assert!(
            done.stderr
                .contains(&format!("port {port} is out of range"))
        );
        let done = post(&[&address, "a=b"]);
        assert_usage(&done);
        assert!(
            done.stderr
                .contains(&format!("port {port} is out of range"))
        );
        // In a redirect: not followed, exit 1.
        let target = format!("http://127.0.0.1:{port}/x");
        let done = get(&[&url(&server, &format!("/goto?to={target}"))]);
        assert_error_after_hops(&done, 0);
        assert!(
            done.stderr
                .contains(&format!("redirects to {target}: port {port}")),
            "{}",
            done.stderr
        );
        assert!(!done.stderr.contains("refused by"), "{}", done.stderr);
    }
    if let Some(listener) = port_80 {
        listener.set_nonblocking(true).unwrap();
        assert!(listener.accept().is_err(), "something connected to port 80");
    }
}

#[test]
fn deflate_is_undone_and_brotli_is_named() {
    let done = get_path("/deflate");
    assert!(done.status.success(), "{done:?}");
    assert_eq!(done.stdout.matches("压缩过的页面\n").count(), 50);
    // As for gzip: the headers about the compressed bytes are gone.
    assert!(!done.stdout.contains("content-encoding"), "{}", done.stdout);
    let done = get_path("/brotli");
    assert!(done.status.success(), "{done:?}");
    assert!(done.stdout.contains("content-encoding -- br\n"));
    assert!(done.stdout.contains("not shown"), "{}", done.stdout);
    assert!(
        done.stderr.contains("compressed with br"),
        "{}",
        done.stderr
    );
    assert!(!done.stderr.contains("windows-1252"), "{}", done.stderr);
}

#[test]
fn a_malformed_response_is_blamed_on_the_web_server() {
    let server = http_peer();
    for path in ["/bad-length", "/chunk-overflow"] {
        let address = url(&server, path);
        let done = get(&[&address]);
        assert_error(&done);
        assert!(
            done.stderr.contains("malformed response"),
            "{}",
            done.stderr
        );
        assert!(done.stderr.contains(&address), "{}", done.stderr);
        assert!(!done.stderr.contains("is a web server"), "{}", done.stderr);
    }
}

#[test]
fn a_gbk_page_with_no_declared_charset_is_guessed() {
    let done = get_path("/gbk-plain");
    assert!(done.status.success(), "{done:?}");
    assert!(done.stdout.contains("\ncontent-type -- text/html\n"));
    assert!(
        done.stdout
            .contains("<p>套接字是网络通信的基础，服务端先绑定地址"),
        "{}",
        done.stdout
    );
    assert!(!done.stdout.contains('\u{fffd}'), "{}", done.stdout);
    assert!(done.stderr.contains("猜测是 GBK"), "{}", done.stderr);
    assert!(done.stderr.contains("guessed GBK"), "{}", done.stderr);
}

/// Peak memory for a 10 MB body of any bytes is at most 3× the body.
/// Measured by a wrapper that reads the child's `ru_maxrss` (Linux).
#[cfg(target_os = "linux")]
#[test]
fn peak_memory_for_a_10_mb_body_is_at_most_three_times_the_body() {
    let server = http_peer();
    let body_kb = 10 * 1024;
    let mut report = Vec::new();
    for (hex, what) in [
        ("090a", "tabs and line feeds"),
        ("01", "control characters"),
        ("ff", "bytes that are not UTF-8"),
    ] {
        let mut cmd = python("peak_rss.py");
        cmd.arg(chapter_tests::bin("http-get"))
            .arg(url(&server, &format!("/fill/{hex}")));
        let done = run(cmd, LIMIT);
        let last = done.stdout.lines().last().unwrap_or_default();
        let fields: Vec<_> = last.split(' ').collect();
        assert_eq!(fields.len(), 4, "{last}\n{}", done.stderr);
        assert_eq!(fields[3], "0", "http-get failed: {}", done.stderr);
        let peak_kb: u64 = fields[1].parse().unwrap();
        report.push(format!("{what}: {peak_kb} KiB"));
        assert!(
            peak_kb <= 3 * body_kb,
            "{what}: peak {peak_kb} KiB for a {body_kb} KiB body"
        );
    }
    // Shown with --nocapture: the figures for the record.
    println!("peak resident memory, 10 MB body: {}", report.join(", "));
}

/// An error after `hops` redirect lines: exit 1, the hops, two lines.
fn assert_error_after_hops(done: &Finished, hops: usize) {
    assert_eq!(done.status.code(), Some(1), "{done:?}");
    let lines: Vec<_> = done.stderr.lines().collect();
    assert_eq!(lines.len(), hops + 2, "{}", done.stderr);
    for hop in &lines[..hops] {
        assert!(hop.starts_with("重定向 / redirect → "), "{hop}");
    }
}
