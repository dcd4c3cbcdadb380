//! What went wrong with a request, in words a student can act on: a Chinese
//! line, then an English line, naming the URL and the likely cause.
//! Offline is the normal state of a classroom VM, so that case says so and
//! suggests a local server.

use std::io::{self, ErrorKind};
use std::time::Duration;

use common::escape_control;
use common::explain::explained;
use ureq::http::{Response, Uri};
use ureq::{Body, ResponseExt, Timeout};
use ureq_proto::Error as Proto;

use crate::cli::Args;

/// 发请求之前先检查网址：要以 http:// 或 https:// 开头，有主机名，端口不超过 65535。
///
/// Checks that the command line's URL is something the programs can
/// fetch, before any network traffic: `http://` or `https://` and a host
/// (exit 1 if not), and no port above 65535 (a usage error, exit 2).
pub fn check_url(args: &Args) -> io::Result<()> {
    parse_url(&args.url)?;
    check_port(args);
    Ok(())
}

fn parse_url(url: &str) -> io::Result<Uri> {
    let shown = escape_control(url);
    let bad =
        |zh: String, en: String| explained(ErrorKind::InvalidInput, zh, en);
    let Ok(uri) = url.parse::<Uri>() else {
        return Err(bad(
            format!("\"{shown}\" 不是网址：网址应当像 http://www.baidu.com"),
            format!(
                "\"{shown}\" is not a URL: expected e.g. http://www.baidu.com"
            ),
        ));
    };
    match uri.scheme_str() {
        None => {
            let zh = format!(
                "\"{shown}\" 缺少协议：网址要以 http:// 或 https:// 开头，如 http://{shown}"
            );
            let en = format!(
                "\"{shown}\" has no scheme: start it with http:// or https://"
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

/// A port above 65535 in the command line's URL is a usage error (exit 2)
/// naming the port, before anything connects: ureq would take it as no
/// port at all and fetch port 80.
fn check_port(args: &Args) {
    let Some(port) = args.url.parse::<Uri>().ok().and_then(|u| bad_port(&u))
    else {
        return;
    };
    let url = escape_control(&args.url);
    common::usage::exit(
        args.spec.name,
        &common::Bilingual::new(
            format!(
                "网址 {url} 的端口 {port} 不对：端口是 1 到 65535 的数，如 http://127.0.0.1:8000/"
            ),
            format!(
                "{url}: port {port} is out of range: a port is 1 to 65535, e.g. http://127.0.0.1:8000/"
            ),
        ),
    )
}

/// The port of `uri` as written, if it is there but no port can be that
/// number (`99999`, `65536`). The `http` crate parses such a URL and
/// reports no port, so this reads the authority itself.
pub fn bad_port(uri: &Uri) -> Option<String> {
    let authority = uri.authority()?.as_str();
    // After an IPv6 literal's `]`, or the last `:` of a name or IPv4.
    let after_host = authority.rsplit(']').next().unwrap_or(authority);
    let (_, port) = after_host.rsplit_once(':')?;
    let fits = port.is_empty() || port.parse::<u16>().is_ok();
    (!fits).then(|| escape_control(port).into_owned())
}

/// 把失败的请求（或读正文时的错误）变成 stderr 上的两行。
/// Turns a failed request (or body read) of `url` into the two lines for
/// stderr.
pub fn request(err: ureq::Error, raw_url: &str, args: &Args) -> io::Error {
    let url = escape_control(raw_url).into_owned();
    let host = raw_url
        .parse::<Uri>()
        .ok()
        .and_then(|u| u.host().map(str::to_string))
        .unwrap_or_default();
    let host = escape_control(&host);
    let secs = args.timeout.as_secs_f64();
    let local = local_server(args);
    let tls = match &err {
        ureq::Error::Io(e) => tls_error(e),
        ureq::Error::Rustls(tls) => Some(tls),
        _ => None,
    };
    if let Some(tls) = tls {
        let (kind, zh, en) = tls_failure(tls, raw_url, args);
        return explained(kind, zh, en);
    }
    if let Some(refused) = redirect_refused(&err, raw_url) {
        return refused;
    }
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
        ureq::Error::LargeResponseHeader(..) => headers_too_large(&url),
        ureq::Error::Protocol(ref p)
            if p.to_string().contains("too many headers") =>
        {
            headers_too_large(&url)
        }
        ureq::Error::Protocol(ref p) if is_malformed(p) => {
            let why = escape_control(&err.to_string()).into_owned();
            (
                ErrorKind::InvalidData,
                format!(
                    "{url} 的网页服务器发来的响应格式有误（{why}）：毛病在那个服务器，\
                     不在本程序；请换一个网址，或告诉那个网站的管理员"
                ),
                format!(
                    "the web server of {url} sent a malformed response ({why}): \
                     the fault is that server's; try another URL or tell its admin"
                ),
            )
        }
        ureq::Error::Protocol(_) => {
            let why = escape_control(&err.to_string()).into_owned();
            (
                ErrorKind::InvalidData,
                format!(
                    "{url} 的回答不是 HTTP：那个端口上运行的是网页服务器吗？（{why}）"
                ),
                format!(
                    "the answer from {url} is not HTTP: is a web server on that port? ({why})"
                ),
            )
        }
        ureq::Error::TooManyRedirects => return too_many_redirects(raw_url),
        ureq::Error::Tls(_) | ureq::Error::Pem(_) => {
            let why = escape_control(&err.to_string()).into_owned();
            (
                ErrorKind::InvalidData,
                format!("与 {url} 的 HTTPS 握手失败（{why}）"),
                format!("the HTTPS handshake with {url} failed ({why})"),
            )
        }
        ureq::Error::Decompress(..) => {
            let why = escape_control(&err.to_string()).into_owned();
            (
                ErrorKind::InvalidData,
                format!("{url} 发来的压缩正文无法解压（{why}）"),
                format!("cannot decompress the body sent by {url} ({why})"),
            )
        }
        _ => other(&url, &err),
    };
    explained(kind, zh, en)
}

/// The rustls error inside an I/O error, if that is what it is.
fn tls_error(err: &io::Error) -> Option<&rustls::Error> {
    err.get_ref()?.downcast_ref::<rustls::Error>()
}

/// A TLS failure, by cause: the certificate (and which problem with it),
/// a port that does not speak TLS, or anything else the handshake met.
fn tls_failure(
    tls: &rustls::Error,
    url: &str,
    args: &Args,
) -> (ErrorKind, String, String) {
    use rustls::CertificateError as C;
    let shown = escape_control(url);
    let kind = ErrorKind::InvalidData;
    let (zh_why, en_why) = match tls {
        rustls::Error::InvalidCertificate(cert) => match cert {
            C::UnknownIssuer => (
                "颁发者不受信任（自签名证书，或由不认识的机构签发）",
                "unknown issuer (self-signed, or signed by an authority this program does not trust)",
            ),
            C::Expired | C::ExpiredContext { .. } => (
                "证书已过期（也可能是本机时钟不对）",
                "the certificate has expired (or this machine's clock is wrong)",
            ),
            C::NotValidYet | C::NotValidYetContext { .. } => (
                "证书尚未生效（也可能是本机时钟不对）",
                "the certificate is not valid yet (or this machine's clock is wrong)",
            ),
            C::NotValidForName | C::NotValidForNameContext { .. } => (
                "证书上的名字与网址的主机名不符",
                "the certificate is for another name than the URL's host",
            ),
            C::Revoked => ("证书已被吊销", "the certificate has been revoked"),
            // What `openssl req -x509` makes by default: a CA certificate
            // that the server uses as its own.
            C::Other(other)
                if other.to_string().contains("CaUsedAsEndEntity") =>
            {
                (
                    "这是一张自签名证书（服务器直接用了一张根证书）",
                    "a self-signed certificate (a CA certificate used as the server's own)",
                )
            }
            C::BadSignature | C::BadEncoding => (
                "证书已损坏或签名不对",
                "the certificate is damaged or badly signed",
            ),
            _ => ("证书无效", "the certificate is not valid"),
        },
        rustls::Error::InvalidMessage(_) => {
            return not_tls(url, args);
        }
        _ => {
            let why = escape_control(&tls.to_string()).into_owned();
            return (
                kind,
                format!("与 {shown} 的 HTTPS 握手失败（{why}）"),
                format!("the HTTPS handshake with {shown} failed ({why})"),
            );
        }
    };
    let detail = escape_control(&tls.to_string()).into_owned();
    (
        kind,
        format!(
            "{shown} 的 HTTPS 证书不可信：{zh_why}。学校或公司的网络若检查 HTTPS 流量，\
             也会换上这样的证书；请换个网络再试，或请管理员安装它的根证书（{detail}）"
        ),
        format!(
            "the HTTPS certificate of {shown} is not trusted: {en_why}; a school or \
             company network that inspects HTTPS causes this too ({detail})"
        ),
    )
}

/// The server's first bytes were not TLS. Say `http://` only when the
/// same port really answers plain HTTP.
fn not_tls(url: &str, args: &Args) -> (ErrorKind, String, String) {
    let shown = escape_control(url);
    let rest = url
        .get(..8)
        .filter(|s| s.eq_ignore_ascii_case("https://"))
        .and_then(|_| url.get(8..));
    let plain = format!("http://{}", rest.unwrap_or_default());
    let answers = rest.is_some()
        && crate::agent(args.timeout.min(PROBE_TIMEOUT))
            .get(&plain)
            .call()
            .is_ok();
    if answers {
        let plain = escape_control(&plain);
        (
            ErrorKind::InvalidData,
            format!(
                "{shown} 那个端口说的是普通 HTTP，不是 HTTPS（加密的 HTTP）：请改用 {plain}"
            ),
            format!(
                "the server on that port speaks plain HTTP, not HTTPS: use {plain}"
            ),
        )
    } else {
        (
            ErrorKind::InvalidData,
            format!(
                "{shown} 那个端口说的不是 HTTPS（加密的 HTTP），也不是 HTTP：端口写对了吗？"
            ),
            format!(
                "the server of {shown} speaks neither HTTPS nor HTTP on that port: check the port"
            ),
        )
    }
}

/// How long the check "does this port speak plain HTTP?" may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

fn headers_too_large(url: &str) -> (ErrorKind, String, String) {
    (
        ErrorKind::InvalidData,
        format!(
            "{url} 的回答头太大（某一行太长，或头的行数太多），已放弃；正常的网页服务器不会这样"
        ),
        format!(
            "the response headers from {url} are too large (a line too long, or too many lines)"
        ),
    )
}

/// 一次不跟随的重定向：为什么。
/// A redirect the agent refuses before connecting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// The URL it points to, and its port as written (`99999`).
    Port { url: String, port: String },
    /// The scheme (`file`) of a `Location` ureq took as a path.
    Scheme(String),
}

/// Whether the agent must not fetch `uri`: a port above 65535, or (for a
/// redirect) a path whose segment is a scheme and a colon (`/file:///etc`),
/// which is what ureq makes of `Location: file:///etc/passwd`.
pub fn refuse(uri: &Uri, is_hop: bool) -> Option<Refused> {
    if let Some(port) = bad_port(uri) {
        let url = uri.to_string();
        return Some(Refused::Port { url, port });
    }
    let scheme = uri.path().split('/').find_map(|segment| {
        let scheme = segment.strip_suffix(':')?;
        let mut chars = scheme.chars();
        let first = chars.next()?;
        let is_scheme = first.is_ascii_alphabetic()
            && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
        let scheme = scheme.to_ascii_lowercase();
        let web = scheme == "http" || scheme == "https";
        (is_scheme && !web).then_some(scheme)
    })?;
    is_hop.then_some(Refused::Scheme(scheme))
}

/// A redirect from `url` that was refused: two lines for stderr.
pub fn refused(url: &str, refused: &Refused) -> io::Error {
    let shown = escape_control(url);
    let (zh, en) = match refused {
        Refused::Port { url: to, port } => {
            let to = escape_control(to);
            (
                format!(
                    "{shown} 要求重定向到 {to}，但端口 {port} 超出范围（端口是 1 到 65535 的数），不跟随"
                ),
                format!(
                    "{shown} redirects to {to}: port {port} is out of range (a port is 1 to 65535), not followed"
                ),
            )
        }
        Refused::Scheme(scheme) => scheme_refused(&shown, scheme),
    };
    explained(ErrorKind::InvalidData, zh, en)
}

fn scheme_refused(shown: &str, scheme: &str) -> (String, String) {
    let scheme = escape_control(scheme);
    (
        format!(
            "{shown} 要求重定向到一个 {scheme}: 的地址，不跟随：本程序只访问 http:// 和 https://，不会打开 {scheme}: 的地址"
        ),
        format!(
            "{shown} redirects to a {scheme}: URL: refused, only http:// and https:// are followed"
        ),
    )
}

/// ureq 不跟随的重定向，用本程序的话说出来。
///
/// Where ureq stopped following a redirect, in this program's words; this
/// is the one place that maps ureq's redirect errors. `url` is the URL
/// that answered with the redirect (or, for a bad port, the one refused).
fn redirect_refused(err: &ureq::Error, url: &str) -> Option<io::Error> {
    let shown = escape_control(url);
    let (zh, en) = match err {
        // ureq follows only the schemes it knows a port for: http, https.
        ureq::Error::BadUri(why) if why.starts_with("unknown scheme") => {
            let scheme = why.rsplit(' ').next().unwrap_or_default();
            scheme_refused(&shown, &scheme.to_ascii_lowercase())
        }
        // A Location that is no URL, or holds bytes no URL may hold.
        ureq::Error::Protocol(Proto::BadLocationHeader(location)) => {
            let location = encode(location.as_bytes());
            (
                format!(
                    "{shown} 要求重定向到 {location}，但那不是可以访问的网址"
                ),
                format!(
                    "{shown} redirects to {location}, which is not a URL that can be fetched"
                ),
            )
        }
        // ureq does not send a POST again (307/308 would need that).
        ureq::Error::RedirectFailed => (
            format!(
                "{shown} 要求把 POST 重定向到别处（307/308），本程序不会重发表单；\
                 用 cargo run -p http-get -- {shown} 看它指向哪里，再直接用新网址"
            ),
            format!(
                "{shown} redirects the POST elsewhere (307/308): the form is not sent again; \
                 see where with http-get, then use that URL directly"
            ),
        ),
        _ => return None,
    };
    Some(explained(ErrorKind::InvalidData, zh, en))
}

/// `location` with every byte a URL may not hold percent-encoded, as
/// urllib does before following it.
fn encode(location: &[u8]) -> String {
    let mut out = String::with_capacity(location.len());
    for &b in location {
        if b.is_ascii_graphic() && !b"\"<>\\^`{|}".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A response from a server that speaks HTTP, but badly: its status line
/// came, then the framing of the body was wrong. Not a reason to ask
/// whether a web server is on that port.
fn is_malformed(err: &Proto) -> bool {
    matches!(
        err,
        Proto::BadContentLengthHeader
            | Proto::TooManyContentLengthHeaders
            | Proto::ConflictingBodyHeaders
            | Proto::ChunkLenNotAscii
            | Proto::ChunkLenNotANumber
            | Proto::ChunkExpectedCrLf
            | Proto::BodyContentAfterFinish
            | Proto::BodyLargerThanContentLength
            | Proto::NoLocationHeader
    )
}

/// More than [`crate::MAX_REDIRECTS`] hops; `url` is the last one.
pub fn too_many_redirects(url: &str) -> io::Error {
    let url = escape_control(url);
    let n = crate::MAX_REDIRECTS;
    explained(
        ErrorKind::InvalidData,
        format!("重定向超过 {n} 次（可能绕成了圈），在 {url} 停下"),
        format!("more than {n} redirects (a loop?), stopped at {url}"),
    )
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
    let why = escape_control(&err.to_string()).into_owned();
    (
        ErrorKind::Other,
        format!("访问 {url} 出错：{why}"),
        format!("fetching {url} failed: {why}"),
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

/// 状态码 ≥ 400：页面已经打印，现在说明原因并以 1 退出。
/// A status of 400 or more: the page has been printed; now say what the
/// status means and end with exit status 1, as `urlopen` raises
/// `HTTPError` for it. The URL named is the one that answered, after
/// redirects.
pub fn status(req: &Response<Body>, args: &Args) -> io::Result<()> {
    let code = req.status().as_u16();
    if code < 400 {
        return Ok(());
    }
    let url = req.get_uri().to_string();
    let url = escape_control(&url);
    let status = crate::status_line(req.status());
    let (zh, en) = meaning(code, args);
    Err(explained(
        ErrorKind::Other,
        format!("{url} 回答 {status}：{zh}（上面是服务器发来的内容）"),
        format!("{url} answered {status}: {en} (its page is above)"),
    ))
}

/// What a status of 400 or more means, in a few words (Chinese, English).
pub fn meaning(code: u16, args: &Args) -> (String, String) {
    let method = if args.spec.post { "POST" } else { "GET" };
    let fixed = |zh: &str, en: &str| (zh.to_string(), en.to_string());
    match code {
        400 => fixed(
            "请求格式有误，服务器看不懂",
            "the server could not understand the request",
        ),
        401 => fixed("需要先登录（身份验证）", "authentication is required"),
        403 => {
            fixed("服务器拒绝访问这个页面", "access to this page is forbidden")
        }
        404 => {
            fixed("页面不存在，检查网址的路径", "no such page, check the path")
        }
        405 | 501 => {
            let mut zh = format!("这个服务器在这个网址上不接受 {method} 请求");
            let mut en = format!("this server does not accept {method} here");
            if args.spec.post && code == 501 {
                zh += "（python3 -m http.server 只会 GET；\
                       试 POST 请运行 python3 tests/py/http_peer.py 8000，\
                       再用 http://127.0.0.1:8000/echo）";
                en += " (python3 -m http.server only serves GET; \
                       for POST run python3 tests/py/http_peer.py 8000)";
            }
            (zh, en)
        }
        408 => fixed(
            "服务器等请求等得超时了",
            "the server timed out waiting for the request",
        ),
        410 => fixed("页面已被永久删除", "the page is gone for good"),
        413 => fixed("发送的内容太大", "what was sent is too large"),
        414 => fixed("网址太长", "the URL is too long"),
        415 => fixed(
            "服务器不接受这种内容格式",
            "the server does not accept this content type",
        ),
        429 => fixed(
            "请求太频繁，请稍后再试",
            "too many requests, try again later",
        ),
        _ if code < 500 => fixed("请求被拒绝", "the request was refused"),
        500 => fixed("服务器内部出错", "the server failed"),
        502 => fixed(
            "网关或代理从上游服务器收到了错误的回答",
            "a gateway or proxy got a bad answer upstream",
        ),
        503 => fixed(
            "服务器暂时不可用（过载或维护中），请稍后再试",
            "the server is unavailable for now, try later",
        ),
        504 => fixed(
            "网关或代理等上游服务器超时",
            "a gateway or proxy timed out upstream",
        ),
        _ => fixed("服务器出错", "the server reported an error"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::CertificateError as C;

    fn args(post: bool) -> Args {
        let spec = crate::Spec {
            name: if post { "http-post" } else { "http-get" },
            version: "0",
            about: "",
            post,
        };
        Args {
            spec,
            url: "https://127.0.0.1:1/".into(),
            fields: Vec::new(),
            timeout: Duration::from_secs(1),
        }
    }

    #[test]
    fn each_certificate_problem_is_named() {
        for (cert, zh, en) in [
            (C::UnknownIssuer, "自签名", "unknown issuer"),
            (C::Expired, "过期", "expired"),
            (C::NotValidForName, "名字", "another name"),
            (C::NotValidYet, "尚未生效", "not valid yet"),
        ] {
            let tls = rustls::Error::InvalidCertificate(cert);
            let err = request(
                ureq::Error::Io(io::Error::new(ErrorKind::InvalidData, tls)),
                "https://x.invalid/\u{1b}",
                &args(false),
            );
            let text = common::explain::lines(&err);
            assert!(text.contains(zh) && text.contains(en), "{text}");
            assert!(text.contains("证书") && text.contains("school"), "{text}");
            assert!(!text.contains("http://"), "{text}");
            assert!(text.contains("x.invalid/\\x1b"), "{text}");
        }
    }

    #[test]
    fn library_text_is_escaped() {
        let err = request(
            ureq::Error::BadUri("\u{202e}x".into()),
            "http://h/\u{9b}",
            &args(false),
        );
        let text = common::explain::lines(&err);
        assert!(!text.contains('\u{9b}'), "{text}");
        let err = request(
            ureq::Error::Tls("bad\u{202e}\x07"),
            "https://h/",
            &args(false),
        );
        let text = common::explain::lines(&err);
        assert!(text.contains("bad\\u{202e}\\x07"), "{text}");
    }

    #[test]
    fn ports_above_65535_are_found_as_written() {
        let port = |url: &str| bad_port(&url.parse().unwrap());
        assert_eq!(port("http://127.0.0.1:99999/").as_deref(), Some("99999"));
        assert_eq!(port("http://h:65536").as_deref(), Some("65536"));
        assert_eq!(port("http://[::1]:70000/x").as_deref(), Some("70000"));
        for fine in [
            "http://h:65535/",
            "http://[::1]/",
            "http://h/",
            "http://h:/",
        ] {
            assert_eq!(port(fine), None, "{fine}");
        }
    }

    #[test]
    fn a_scheme_joined_as_a_path_is_refused_on_a_hop() {
        let refuse = |url: &str, hop| refuse(&url.parse().unwrap(), hop);
        let file = "http://h/file:///etc/passwd";
        assert_eq!(refuse(file, true), Some(Refused::Scheme("file".into())));
        assert_eq!(refuse(file, false), None);
        assert_eq!(refuse("http://h/wiki/Special:Random", true), None);
        assert_eq!(refuse("http://h/proxy/http://x/", true), None);
        assert!(matches!(
            refuse("http://h:99999/", false),
            Some(Refused::Port { port, .. }) if port == "99999"
        ));
    }

    #[test]
    fn statuses_have_a_meaning() {
        let (zh, en) = meaning(405, &args(true));
        assert!(zh.contains("不接受 POST") && en.contains("accept POST"));
        let (zh, en) = meaning(501, &args(true));
        assert!(zh.contains("不接受 POST") && en.contains("http_peer.py"));
        let (zh, en) = meaning(501, &args(false));
        assert!(zh.contains("不接受 GET") && !en.contains("http_peer"));
        for code in [400, 401, 403, 404, 408, 410, 413, 429, 500, 502, 503] {
            let (zh, en) = meaning(code, &args(false));
            assert!(!zh.is_empty() && !en.is_empty());
            assert_ne!(zh, meaning(418, &args(false)).0, "{code}");
        }
    }
}
