//! What went wrong with a request, in words a student can act on: a Chinese
//! line, then an English line, naming the URL and the likely cause.
//! Offline is the normal state of a classroom VM, so that case says so and
//! suggests a local server.

use std::io::{self, ErrorKind};

use common::escape_control;
use common::explain::explained;
use ureq::Timeout;
use ureq::http::Uri;

use crate::cli::Args;

/// Checks that `url` is something the programs can fetch, before any
/// network traffic: `http://` or `https://` and a host.
pub fn check_url(url: &str) -> io::Result<Uri> {
    let shown = escape_control(url);
    let bad =
        |zh: String, en: String| explained(ErrorKind::InvalidInput, zh, en);
    let Ok(uri) = url.parse::<Uri>() else {
        return Err(bad(
            format!("{shown:?} 不是网址：网址应当像 http://www.baidu.com"),
            format!(
                "{shown:?} is not a URL: expected e.g. http://www.baidu.com"
            ),
        ));
    };
    match uri.scheme_str() {
        None => {
            let zh = format!(
                "{shown:?} 缺少协议：网址要以 http:// 或 https:// 开头，如 http://{shown}"
            );
            let en = format!(
                "{shown:?} has no scheme: start it with http:// or https://"
            );
            Err(bad(zh, en))
        }
        Some(scheme)
            if !scheme.eq_ignore_ascii_case("http")
                && !scheme.eq_ignore_ascii_case("https") =>
        {
            let scheme = escape_control(scheme);
            Err(bad(
                format!(
                    "不支持 {scheme}:// 的网址 {shown}：本程序只会 http:// 和 https://"
                ),
                format!(
                    "cannot fetch {shown}: only http:// and https:// URLs are supported"
                ),
            ))
        }
        Some(_) if uri.host().is_none_or(str::is_empty) => Err(bad(
            format!("网址 {shown} 里没有主机名，应当像 http://www.baidu.com/"),
            format!(
                "{shown} names no host: expected e.g. http://www.baidu.com/"
            ),
        )),
        Some(_) => Ok(uri),
    }
}

/// Turns a failed request (or body read) into the two lines for stderr.
pub fn request(err: ureq::Error, args: &Args) -> io::Error {
    let url = escape_control(&args.url);
    let host = args
        .url
        .parse::<Uri>()
        .ok()
        .and_then(|u| u.host().map(str::to_string))
        .unwrap_or_default();
    let host = escape_control(&host);
    let secs = args.timeout.as_secs_f64();
    let local = local_server(args);
    let (kind, zh, en) = match err {
        ureq::Error::HostNotFound | ureq::Error::Timeout(Timeout::Resolve) => {
            offline(&host, &local)
        }
        ureq::Error::Io(ref e) if is_lookup_failure(e) => {
            offline(&host, &local)
        }
        ureq::Error::Io(ref e) => match e.kind() {
            ErrorKind::ConnectionRefused => (
                ErrorKind::ConnectionRefused,
                format!(
                    "无法连接 {url}：连接被拒绝，那个端口上没有服务器在运行（端口写对了吗？）。\
                     本机试验可先运行 {}",
                    local.0
                ),
                format!(
                    "connection refused by {url}: no server is listening on that port"
                ),
            ),
            ErrorKind::NetworkUnreachable
            | ErrorKind::HostUnreachable
            | ErrorKind::NetworkDown => (
                e.kind(),
                format!(
                    "无法到达 {url}：网络不通，这台机器可能没有联网。本机试验可先运行 {}",
                    local.0
                ),
                format!(
                    "cannot reach {url}: the network is down or this machine is offline; try {}",
                    local.1
                ),
            ),
            ErrorKind::TimedOut => timed_out(&url, secs),
            ErrorKind::ConnectionReset
            | ErrorKind::ConnectionAborted
            | ErrorKind::BrokenPipe
            | ErrorKind::UnexpectedEof => (
                e.kind(),
                format!("{url} 的服务器中途断开了连接，没有给出完整的回答"),
                format!(
                    "the server of {url} closed the connection before answering in full"
                ),
            ),
            // rustls met a reply that is not TLS: plain HTTP on that port.
            ErrorKind::InvalidData
                if args.url.to_ascii_lowercase().starts_with("https://") =>
            {
                (
                    ErrorKind::InvalidData,
                    format!(
                        "{url} 那个端口说的不是 HTTPS（加密的 HTTP）：试试把 https:// 换成 http://"
                    ),
                    format!(
                        "{url}: the server on that port does not speak HTTPS; try http://"
                    ),
                )
            }
            _ => other(&url, &err),
        },
        ureq::Error::Timeout(Timeout::Connect) => (
            ErrorKind::TimedOut,
            format!("连接 {url} 超时：主机没有回应，网络不通或被防火墙挡住了"),
            format!(
                "connecting to {url} timed out: the host does not answer (network or firewall)"
            ),
        ),
        ureq::Error::Timeout(_) => timed_out(&url, secs),
        ureq::Error::BadUri(_) | ureq::Error::Http(_) => (
            ErrorKind::InvalidInput,
            format!("{url:?} 不是可以访问的网址，应当像 http://www.baidu.com"),
            format!(
                "{url:?} is not a URL that can be fetched: expected e.g. http://www.baidu.com"
            ),
        ),
        ureq::Error::Protocol(_) | ureq::Error::LargeResponseHeader(..) => (
            ErrorKind::InvalidData,
            format!(
                "{url} 的回答不是 HTTP：那个端口上运行的是网页服务器吗？（{err}）"
            ),
            format!(
                "the answer from {url} is not HTTP: is a web server on that port? ({err})"
            ),
        ),
        ureq::Error::TooManyRedirects => (
            ErrorKind::InvalidData,
            format!("{url} 重定向太多次（可能绕成了圈），已停止"),
            format!("{url} redirected too many times (a loop?)"),
        ),
        ureq::Error::RedirectFailed => (
            ErrorKind::InvalidData,
            format!(
                "{url} 要求把 POST 重定向到别处（307/308），本程序不会重发表单；请直接用新网址"
            ),
            format!(
                "{url} redirects the POST elsewhere (307/308): use the new URL directly"
            ),
        ),
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) | ureq::Error::Pem(_) => (
            ErrorKind::InvalidData,
            format!(
                "与 {url} 的 HTTPS 握手失败：证书不对，或系统时间不对（{err}）"
            ),
            format!(
                "the HTTPS handshake with {url} failed: bad certificate or wrong clock ({err})"
            ),
        ),
        ureq::Error::Decompress(..) => (
            ErrorKind::InvalidData,
            format!("{url} 发来的压缩正文无法解压（{err}）"),
            format!("cannot decompress the body sent by {url} ({err})"),
        ),
        _ => other(&url, &err),
    };
    explained(kind, zh, en)
}

/// The command to try against a local server, in Chinese and in English.
fn local_server(args: &Args) -> (String, String) {
    let name = args.spec.name;
    if args.spec.post {
        let zh = format!(
            "python3 tests/py/http_peer.py 8000，再运行 cargo run -p {name} -- \
             http://127.0.0.1:8000/echo name=张三"
        );
        let en = "a local server: python3 tests/py/http_peer.py 8000, \
                  then http://127.0.0.1:8000/echo"
            .to_string();
        (zh, en)
    } else {
        let zh = format!(
            "python3 -m http.server 8000，再运行 cargo run -p {name} -- \
             http://127.0.0.1:8000/"
        );
        let en = "a local server: python3 -m http.server 8000, \
                  then http://127.0.0.1:8000/"
            .to_string();
        (zh, en)
    }
}

fn offline(
    host: &str,
    local: &(String, String),
) -> (ErrorKind, String, String) {
    (
        ErrorKind::NotFound,
        format!(
            "找不到主机 {host}：这台机器可能没有联网，或主机名写错了。\
             没有网络时可以在本机试：{}",
            local.0
        ),
        format!(
            "cannot resolve {host}: this machine seems offline, or the name \
             is wrong; try {}",
            local.1
        ),
    )
}

fn timed_out(url: &str, secs: f64) -> (ErrorKind, String, String) {
    (
        ErrorKind::TimedOut,
        format!(
            "{secs} 秒内没有收到 {url} 的完整回答：服务器太慢或没有响应，可用 --timeout 加长等待"
        ),
        format!(
            "no complete answer from {url} within {secs} s: the server is slow \
             or not answering (see --timeout)"
        ),
    )
}

fn other(url: &str, err: &ureq::Error) -> (ErrorKind, String, String) {
    (
        ErrorKind::Other,
        format!("访问 {url} 出错：{err}"),
        format!("fetching {url} failed: {err}"),
    )
}

/// Whether an I/O error is the system's name lookup failing. ureq hands
/// over the error of `getaddrinfo` as it is, which std words as "failed to
/// lookup address information" on Unix and as a `WSAHOST_NOT_FOUND`-family
/// code on Windows.
fn is_lookup_failure(err: &io::Error) -> bool {
    if cfg!(windows) && matches!(err.raw_os_error(), Some(11001..=11004)) {
        return true;
    }
    err.to_string().contains("lookup address")
}

/// A status of 400 or more: the page has been printed; now say so and end
/// with exit status 1, as `urlopen` raises `HTTPError` for it.
pub fn status(code: u16, args: &Args) -> io::Result<()> {
    if code < 400 {
        return Ok(());
    }
    let url = escape_control(&args.url);
    let status = crate::status_line(code);
    let (zh_hint, en_hint) = match code {
        404 => ("页面不存在，检查网址的路径", "no such page, check the path"),
        405 => (
            "服务器不接受这种请求方法",
            "the server does not accept this method",
        ),
        400..=499 => ("请求有误", "the request was refused"),
        _ => ("服务器内部出错", "the server failed"),
    };
    Err(explained(
        ErrorKind::Other,
        format!("{url} 回答 {status}：{zh_hint}（上面是服务器发来的内容）"),
        format!("{url} answered {status}: {en_hint} (its page is above)"),
    ))
}
