//! What http-get and http-post share (15.4): the command line, the ureq
//! agent, reading the body, printing a response the way the text's
//! `urlopen` program does, and the error messages.
//!
//! This crate is the only way ureq enters the workspace, so the socket
//! programs (which use `common`) never compile it.

pub mod charset;
pub mod cli;
pub mod explain;

use std::io::{self, ErrorKind, Read, Write};
use std::time::Duration;

use common::escape_control;
use ureq::http::{Response, header::CONTENT_TYPE};
use ureq::{Agent, Body, ResponseExt};

pub use cli::{Args, Spec};
pub use explain::check_url;

/// At most this much of a body is read (and printed): 10 MB.
pub const BODY_LIMIT: u64 = 10 * 1024 * 1024;

/// Name lookup and connecting get at most this long (or `--timeout`, if
/// shorter), so that an offline machine says so in seconds.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(10);

impl Args {
    /// The error for a failed request, worded for a student.
    pub fn explain(&self, err: ureq::Error) -> io::Error {
        explain::request(err, self)
    }
}

/// A ureq agent as the text's `urlopen` behaves: redirects are followed,
/// gzip is undone, and a 404 is a response to print, not an error.
pub fn agent(timeout: Duration) -> Agent {
    Agent::config_builder()
        // The whole request, body included, ends within --timeout.
        .timeout_global(Some(timeout))
        .timeout_resolve(Some(timeout.min(LOOKUP_TIMEOUT)))
        .timeout_connect(Some(timeout.min(LOOKUP_TIMEOUT)))
        .http_status_as_error(false)
        .save_redirect_history(true)
        .build()
        .new_agent()
}

/// A response body as read: its bytes, at most [`BODY_LIMIT`] of them.
pub struct Page {
    pub bytes: Vec<u8>,
    /// The body was longer than [`BODY_LIMIT`] and has been cut.
    pub cut: bool,
}

/// Reads the body — the text's `data = req.read()`, with a size limit.
pub fn read_body(response: &mut Response<Body>) -> Result<Page, ureq::Error> {
    let mut bytes = Vec::new();
    response
        .body_mut()
        .as_reader()
        .take(BODY_LIMIT + 1)
        .read_to_end(&mut bytes)?;
    let cut = bytes.len() as u64 > BODY_LIMIT;
    bytes.truncate(BODY_LIMIT as usize);
    Ok(Page { bytes, cut })
}

/// Prints the response as the text does, then says on stderr what a
/// student may wonder about (a redirect, a charset, a cut). A status of
/// 400 or more is printed too; [`explain::status`] turns it into exit 1.
pub fn print_response(req: &Response<Body>, data: &Page) -> io::Result<()> {
    let mut out = String::new();

    // Python: print(req.status, req.reason)
    out += &format!("{}\n", status_line(req.status().as_u16()));

    // Python: for k, v in req.getheaders(): print(k, '--', v)
    // （ureq 按 HTTP/2 的习惯把头名统一成小写。）
    for (k, v) in req.headers() {
        let v = String::from_utf8_lossy(v.as_bytes());
        out += &format!("{k} -- {}\n", escape_control(&v));
    }

    // Python: print(data.decode('utf8')) — 这里按浏览器的办法挑选字符集。
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let (text, charset_note) = body_text(content_type, &data.bytes);
    out += &text;
    out.push('\n');
    write_stdout(&out)?;

    // What happened on the way, after the page so that it stays in view.
    let redirects = req.get_redirect_history().map_or(0, |h| h.len());
    if redirects > 1 {
        note(
            &format!("已跟随重定向到 {}", req.get_uri()),
            &format!("followed a redirect to {}", req.get_uri()),
        );
    }
    if let Some((zh, en)) = charset_note {
        note(&zh, &en);
    }
    if data.cut {
        let mb = BODY_LIMIT / (1024 * 1024);
        note(
            &format!("正文超过 {mb} MB，只显示了前 {mb} MB"),
            &format!("the body is longer than {mb} MB and was cut"),
        );
    }
    Ok(())
}

/// `200 OK`. ureq keeps no reason phrase, so it comes from the status code.
pub fn status_line(code: u16) -> String {
    format!("{code} {}", reason(code)).trim_end().to_string()
}

/// The standard reason phrase of `code`, or "" for a code with none.
pub fn reason(code: u16) -> &'static str {
    ureq::http::StatusCode::from_u16(code)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

/// The body as text, decoded as a browser would; binary content becomes a
/// one-line summary. Control characters are escaped; lines and tabs stay.
/// Also a note (Chinese, English) saying which charset was used, if not
/// UTF-8.
pub fn body_text(
    content_type: Option<&str>,
    body: &[u8],
) -> (String, Option<(String, String)>) {
    let mime = content_type
        .and_then(|c| c.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
        .filter(|m| !m.is_empty());
    if !is_text(mime.as_deref(), body) {
        let mime = mime.as_deref().unwrap_or("?");
        let n = body.len();
        let summary = format!(
            "（二进制内容 {mime}，{n} 字节，不显示 / binary body: {mime}, {n} bytes, not shown）"
        );
        return (summary, None);
    }
    let (encoding, source) = charset::sniff(content_type, body);
    let text = printable(&charset::decode(encoding, body));
    if encoding == encoding_rs::UTF_8 {
        return (text, None);
    }
    let from = match source {
        charset::Source::Header => "Content-Type",
        charset::Source::Bom => "BOM",
        charset::Source::Meta => "<meta>",
        charset::Source::Default => "default",
    };
    let name = encoding.name();
    let zh = format!("正文按 {name} 解码（依据 {from}）");
    let en = format!("body decoded as {name} (from {from})");
    (text, Some((zh, en)))
}

/// Whether a body of this MIME type is text. With no type given, a body
/// with a NUL byte near its start is taken to be binary.
pub fn is_text(mime: Option<&str>, body: &[u8]) -> bool {
    let Some(mime) = mime else {
        return !body[..body.len().min(1024)].contains(&0);
    };
    mime.starts_with("text/")
        || mime.ends_with("+xml")
        || mime.ends_with("+json")
        || matches!(
            mime,
            "application/json"
                | "application/xml"
                | "application/javascript"
                | "application/ecmascript"
                | "application/x-javascript"
                | "application/x-www-form-urlencoded"
        )
}

/// Text from a server made safe for the terminal: a line ends in `\n` (a
/// `\r` before it is dropped), tabs stay, every other control character is
/// shown escaped (`\x1b`), so a page cannot clear or retitle the terminal.
pub fn printable(text: &str) -> String {
    text.split('\n')
        .map(|line| {
            let line = line.strip_suffix('\r').unwrap_or(line);
            line.split('\t')
                .map(escape_control)
                .collect::<Vec<_>>()
                .join("\t")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// One line on stderr, Chinese then English.
fn note(zh: &str, en: &str) {
    eprintln!("提示：{zh} / note: {en}");
}

/// Writes `text` to stdout. A reader that went away (`| head`) is no error.
pub fn write_stdout(text: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_line_has_the_reason() {
        assert_eq!(status_line(200), "200 OK");
        assert_eq!(status_line(404), "404 Not Found");
        assert_eq!(status_line(599), "599");
    }

    #[test]
    fn text_or_binary() {
        assert!(is_text(Some("text/html"), b""));
        assert!(is_text(Some("application/json"), b""));
        assert!(is_text(Some("image/svg+xml"), b""));
        assert!(!is_text(Some("image/png"), b"\x89PNG"));
        assert!(!is_text(Some("application/octet-stream"), b"abc"));
        assert!(is_text(None, "中文".as_bytes()));
        assert!(!is_text(None, b"a\0b"));
    }

    #[test]
    fn binary_is_summarised() {
        let (text, _) = body_text(Some("image/png; x=y"), &[0x89, b'P', 0, 1]);
        assert!(text.contains("image/png"), "{text}");
        assert!(text.contains("4 "), "{text}");
        assert_eq!(text.lines().count(), 1);
    }

    #[test]
    fn gbk_body_is_decoded() {
        let body = encoding_rs::GBK.encode("中文网页").0;
        let (text, note) = body_text(Some("text/html; charset=gb2312"), &body);
        assert_eq!(text, "中文网页");
        assert!(note.is_some_and(|(_, en)| en.contains("GBK")));
    }

    #[test]
    fn control_characters_are_escaped_but_lines_stay() {
        assert_eq!(printable("a\r\nb\tc\n"), "a\nb\tc\n");
        assert_eq!(printable("\x1b[2Jx\x07"), "\\x1b[2Jx\\x07");
        assert_eq!(printable("lone\rcr"), "lone\\rcr");
    }
}
