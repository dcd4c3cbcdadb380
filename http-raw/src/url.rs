//! 把网址拆成主机、端口和路径，相当于 Python 的 `urllib.parse.urlsplit`。
//!
//! Only `http://` is taken: the program speaks plain HTTP over a TcpStream.
//! `https://` gets a message pointing to http-get; anything else (a missing
//! scheme, `ftp://`, no host, a bad port) a message saying what to write.

use std::io::{self, ErrorKind};

use common::escape_control;
use common::explain::explained;

/// A URL split into what the request needs.
#[derive(Debug, PartialEq)]
pub struct Url {
    /// The host to look up: a name, an IPv4 or an IPv6 address (no brackets).
    pub host: String,
    pub port: u16,
    /// What goes on the request line: the path and query, never empty;
    /// bytes outside printable ASCII are %-encoded, so a URL can never put
    /// a line break into the request.
    pub path: String,
    /// The value of the `Host:` header: the host as written, and the port
    /// if it is not 80.
    pub host_header: String,
}

impl Url {
    /// 拆开网址；不是 http:// 的网址给出说明。
    pub fn parse(url: &str) -> io::Result<Url> {
        let shown = escape_control(url);
        let bad =
            |zh: String, en: String| explained(ErrorKind::InvalidInput, zh, en);
        let Some((scheme, rest)) = url.trim().split_once("://") else {
            return Err(bad(
                format!(
                    "\"{shown}\" 缺少协议：网址要以 http:// 开头，如 http://{shown}"
                ),
                format!("\"{shown}\" has no scheme: start it with http://"),
            ));
        };
        if scheme.eq_ignore_ascii_case("https") {
            return Err(bad(
                format!(
                    "http-raw 只会明文的 http://，不会 https://：HTTPS 要先做 TLS \
                     加密握手，手写不了。请改用 cargo run -p http-get -- {shown}"
                ),
                format!(
                    "http-raw speaks plain http:// only; for https use \
                     cargo run -p http-get -- {shown}"
                ),
            ));
        }
        if !scheme.eq_ignore_ascii_case("http") {
            let scheme = escape_control(scheme);
            return Err(bad(
                format!(
                    "不支持 {scheme}:// 的网址 {shown}：http-raw 只会 http://"
                ),
                format!(
                    "cannot fetch {shown}: only http:// URLs are supported"
                ),
            ));
        }
        // The authority ends where the path, the query or the fragment starts.
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, target) = rest.split_at(end);
        // The fragment (`#part`) stays in the browser: it is never sent.
        let target = target.split('#').next().unwrap_or_default();
        let no_host = || {
            bad(
                format!(
                    "网址 {shown} 里没有主机名，应当像 http://www.baidu.com/"
                ),
                format!(
                    "{shown} names no host: expected e.g. http://www.baidu.com/"
                ),
            )
        };
        if authority.contains('@') {
            return Err(bad(
                format!(
                    "网址 {shown} 里带了用户名（@ 之前的部分），本程序不支持"
                ),
                format!(
                    "{shown}: user names in URLs (user@host) are not supported"
                ),
            ));
        }
        let (host, port) = split_port(authority).ok_or_else(|| {
            bad(
                format!(
                    "网址 {shown} 的端口不对：端口是 1 到 65535 的数，如 http://127.0.0.1:8000/"
                ),
                format!(
                    "{shown} has a bad port: expected 1-65535, e.g. http://127.0.0.1:8000/"
                ),
            )
        })?;
        if host.is_empty() {
            return Err(no_host());
        }
        // The host as written (`[::1]` keeps its brackets), for `Host:`.
        let written = &authority[..end - port.map_or(0, |p| p.len() + 1)];
        let port = port.and_then(|p| p.parse().ok()).unwrap_or(80);
        let host_header = match port {
            80 => written.to_string(),
            _ => format!("{written}:{port}"),
        };
        let path = match target {
            "" => "/".to_string(),
            t if t.starts_with('?') => format!("/{}", encode(t)),
            t => encode(t),
        };
        Ok(Url {
            host: host.to_string(),
            port,
            path,
            host_header,
        })
    }
}

/// `host:port` → (host, port text). `[::1]:8000` gives `::1`. `None` if the
/// port is there but not 1–65535.
fn split_port(authority: &str) -> Option<(&str, Option<&str>)> {
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => {
            let (host, after) = v6.split_once(']')?;
            match after {
                "" => (host, None),
                _ => (host, Some(after.strip_prefix(':')?)),
            }
        }
        None => match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    match port {
        Some(p) if !p.parse::<u16>().is_ok_and(|p| p > 0) => None,
        _ => Some((host, port)),
    }
}

/// %-encodes every byte that is not printable ASCII (`中文` → `%E4%B8%AD…`,
/// a space → `%20`), as a browser does before it sends the path.
fn encode(target: &str) -> String {
    let mut out = String::with_capacity(target.len());
    for &b in target.as_bytes() {
        if (0x21..0x7f).contains(&b) {
            out.push(b as char);
        } else {
            out += &format!("%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    fn error(text: &str) -> String {
        common::explain::lines(&Url::parse(text).unwrap_err())
    }

    #[test]
    fn the_texts_url() {
        let u = url("http://www.baidu.com");
        assert_eq!(u.host, "www.baidu.com");
        assert_eq!(u.port, 80);
        assert_eq!(u.path, "/");
        assert_eq!(u.host_header, "www.baidu.com");
    }

    #[test]
    fn port_path_query_fragment() {
        let u = url("HTTP://127.0.0.1:8000/a/b?x=1&y=2#top");
        assert_eq!((u.host.as_str(), u.port), ("127.0.0.1", 8000));
        assert_eq!(u.path, "/a/b?x=1&y=2");
        assert_eq!(u.host_header, "127.0.0.1:8000");
        assert_eq!(url("http://h?q").path, "/?q");
        assert_eq!(url("http://h:80/").host_header, "h");
    }

    #[test]
    fn ipv6_literals() {
        let u = url("http://[::1]:8000/x");
        assert_eq!((u.host.as_str(), u.port), ("::1", 8000));
        assert_eq!(u.host_header, "[::1]:8000");
        let u = url("http://[::1]/");
        assert_eq!((u.host.as_str(), u.port), ("::1", 80));
        assert_eq!(u.host_header, "[::1]");
    }

    #[test]
    fn paths_cannot_break_the_request() {
        let u = url("http://h/中 文\r\nX: y");
        assert_eq!(u.path, "/%E4%B8%AD%20%E6%96%87%0D%0AX:%20y");
        assert!(u.path.bytes().all(|b| (0x21..0x7f).contains(&b)));
    }

    #[test]
    fn mistakes_are_explained() {
        assert!(error("https://www.rust-lang.org").contains("http-get"));
        assert!(error("ftp://example.com/").contains("ftp://"));
        assert!(error("www.baidu.com").contains("http://www.baidu.com"));
        for bad in [
            "http://",
            "http:///path",
            "http://:8000/",
            "http://h:0/",
            "http://h:70000/",
            "http://h:x/",
            "http://[::1/",
            "http://[::1]x/",
            "http://u@h/",
        ] {
            let text = error(bad);
            assert_eq!(text.lines().count(), 2, "{bad}: {text}");
        }
    }
}
