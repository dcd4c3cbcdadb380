//! http-get 和 http-post 共用的部分（15.4）：命令行、ureq 的 agent、跟随
//! 重定向、读取正文、像原文的 `urlopen` 程序那样打印回答，以及出错提示。
//!
//! What http-get and http-post share (15.4): the command line, the ureq
//! agent, following redirects, reading the body, printing a response the
//! way the text's `urlopen` program does, and the error messages.
//!
//! This crate is the only way ureq enters the workspace, so the socket
//! programs (which use `common`) never compile it.

pub mod charset;
pub mod cli;
pub mod explain;
pub mod redirect;

use std::io::{self, BufWriter, ErrorKind, Read, Write};
use std::time::Duration;

use common::escape_control;
use encoding_rs::{CoderResult, Encoding};
use ureq::http::{Response, header::LOCATION};
use ureq::{Agent, Body, ResponseExt};

pub use cli::{Args, Spec};
pub use explain::check_url;

/// 最多读取（并打印）这么多正文：10 MB。
/// At most this much of a body is read (and printed): 10 MB.
pub const BODY_LIMIT: u64 = 10 * 1024 * 1024;

/// 最多跟随这么多次重定向，与 urllib 相同。
/// At most this many redirects are followed, as urllib does.
pub const MAX_REDIRECTS: usize = 10;

/// Name lookup and connecting get at most this long (or `--timeout`, if
/// shorter), so that an offline machine says so in seconds.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(10);

/// 一个像 `urlopen` 那样工作的 ureq agent：解压 gzip；404 也是回答。
/// A ureq agent as the text's `urlopen` behaves: gzip is undone, and a 404
/// is a response to print, not an error. Redirects are left to
/// [`follow_redirects`], which reports each one.
pub fn agent(timeout: Duration) -> Agent {
    Agent::config_builder()
        // The whole request, body included, ends within --timeout.
        .timeout_global(Some(timeout))
        .timeout_resolve(Some(timeout.min(LOOKUP_TIMEOUT)))
        .timeout_connect(Some(timeout.min(LOOKUP_TIMEOUT)))
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .new_agent()
}

/// 跟随重定向（`urlopen` 也会跟随），每一跳都在 stderr 上说一声。
/// Follows redirects from the answer to the first request (`first`), as
/// `urlopen` does, saying each hop on stderr. A failure names the URL that
/// failed. Only `http://` and `https://` are followed; after a POST, a
/// 301/302/303 is followed with a GET (as urllib does) and a 307/308, which
/// would need the form sent again, is an error.
pub fn follow_redirects(
    agent: &Agent,
    first: Result<Response<Body>, ureq::Error>,
    args: &Args,
) -> io::Result<Response<Body>> {
    let mut url = args.url.clone();
    let mut response = first.map_err(|e| explain::request(e, &url, args))?;
    for _ in 0..MAX_REDIRECTS {
        let status = response.status().as_u16();
        let location = match response.headers().get(LOCATION) {
            Some(location) if redirect::is_redirect(status) => location,
            _ => return Ok(response),
        };
        let next = redirect::resolve(response.get_uri(), location.as_bytes())
            .map_err(|refused| explain::redirect(&url, &refused))?;
        if args.spec.post && matches!(status, 307 | 308) {
            return Err(explain::post_redirect(&url, &next));
        }
        note_line(&format!("重定向 / redirect → {}", escape_control(&next)));
        url = next;
        response = agent
            .get(&url)
            .call()
            .map_err(|e| explain::request(e, &url, args))?;
    }
    Err(explain::too_many_redirects(&url))
}

/// 读到的正文：最多 [`BODY_LIMIT`] 字节。
/// A response body as read: its bytes, at most [`BODY_LIMIT`] of them.
pub struct Page {
    pub bytes: Vec<u8>,
    /// The body was longer than [`BODY_LIMIT`] and has been cut.
    pub cut: bool,
}

/// 读取正文，即原文的 `data = req.read()`，但有大小上限。
/// Reads the body — the text's `data = req.read()`, with a size limit. An
/// error names the URL the body came from.
pub fn read_body(
    response: &mut Response<Body>,
    args: &Args,
) -> io::Result<Page> {
    let url = response.get_uri().to_string();
    let body = response.body_mut();
    // Reserve what the server announced, so the buffer does not double.
    let announced = body.content_length().unwrap_or(0).min(BODY_LIMIT + 1);
    let mut bytes = Vec::with_capacity(announced as usize);
    body.as_reader()
        .take(BODY_LIMIT + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| explain::request(e.into(), &url, args))?;
    let cut = bytes.len() as u64 > BODY_LIMIT;
    bytes.truncate(BODY_LIMIT as usize);
    Ok(Page { bytes, cut })
}

/// 像原文那样打印回答：状态、响应头、正文。
/// Prints the response as the text does, then says on stderr what a
/// student may wonder about (a charset, a cut). A status of 400 or more is
/// printed too; [`explain::status`] turns it into exit 1. The body is
/// decoded and written piece by piece, so memory stays near the body's size.
pub fn print_response(req: &Response<Body>, data: &Page) -> io::Result<()> {
    let mut out = BufWriter::with_capacity(64 * 1024, io::stdout().lock());
    let note = match write_response(&mut out, req, data).and_then(|n| {
        out.flush()?;
        Ok(n)
    }) {
        Ok(note) => note,
        // A reader that went away (`| head`) is no error.
        Err(e) if e.kind() == ErrorKind::BrokenPipe => return Ok(()),
        Err(e) => return Err(e),
    };

    // What happened on the way, after the page so that it stays in view.
    if let Some((zh, en)) = note {
        self::note(&zh, &en);
    }
    if data.cut {
        let mb = BODY_LIMIT / (1024 * 1024);
        self::note(
            &format!("正文超过 {mb} MB，只显示了前 {mb} MB"),
            &format!("the body is longer than {mb} MB and was cut"),
        );
    }
    Ok(())
}

fn write_response(
    out: &mut impl Write,
    req: &Response<Body>,
    data: &Page,
) -> io::Result<Option<(String, String)>> {
    // Python: print(req.status, req.reason)
    writeln!(out, "{}", status_line(req.status().as_u16()))?;

    // Python: for k, v in req.getheaders(): print(k, '--', v)
    // （ureq 按 HTTP/2 的习惯把头名统一成小写。）
    for (k, v) in req.headers() {
        let v = String::from_utf8_lossy(v.as_bytes());
        writeln!(out, "{} -- {}", k, escape_control(&v))?;
    }

    // Python: print(data.decode('utf8')) — 这里按浏览器的办法挑选字符集。
    let body = req.body();
    let host = req.get_uri().host().unwrap_or("");
    let tld = host.rsplit('.').next();
    let kind = BodyKind {
        mime: body.mime_type(),
        charset: body.charset(),
        tld,
        cut: data.cut,
    };
    let note = write_body(out, &kind, &data.bytes)?;
    writeln!(out)?;
    Ok(note)
}

/// What is known about a body besides its bytes.
#[derive(Clone, Copy, Debug, Default)]
pub struct BodyKind<'a> {
    /// The MIME type of the `Content-Type` header (`text/html`).
    pub mime: Option<&'a str>,
    /// Its `charset` parameter (`gbk`).
    pub charset: Option<&'a str>,
    /// The server's top-level domain (`cn`), a hint for the guess.
    pub tld: Option<&'a str>,
    /// The body was cut at [`BODY_LIMIT`].
    pub cut: bool,
}

/// Writes the body as text, decoded as a browser would; binary content
/// becomes a one-line summary. Control characters are escaped; lines and
/// tabs stay. Returns a note (Chinese, English) saying which charset was
/// used, if not UTF-8.
pub fn write_body(
    out: &mut impl Write,
    kind: &BodyKind,
    body: &[u8],
) -> io::Result<Option<(String, String)>> {
    let mime = kind
        .mime
        .map(|m| m.trim().to_ascii_lowercase())
        .filter(|m| !m.is_empty());
    if !is_text(mime.as_deref(), body) {
        let mime = escape_control(mime.as_deref().unwrap_or("?")).into_owned();
        let n = body.len();
        write!(
            out,
            "（二进制内容 {mime}，{n} 字节，不显示 / binary body: {mime}, {n} bytes, not shown）"
        )?;
        return Ok(None);
    }
    let (encoding, source) =
        charset::sniff(kind.charset, body, kind.tld, kind.cut);
    write_decoded(out, encoding, body)?;
    if encoding == encoding_rs::UTF_8 {
        return Ok(None);
    }
    let name = encoding.name();
    let (zh, en) = match source {
        charset::Source::Guess => (
            format!(
                "正文没有声明字符集，也不是 UTF-8；猜测是 {name}，按它解码（chardetng）"
            ),
            format!(
                "the body declares no charset and is not UTF-8: guessed {name} (chardetng)"
            ),
        ),
        _ => {
            let from = match source {
                charset::Source::Header => "Content-Type",
                charset::Source::Bom => "BOM",
                charset::Source::Meta => "<meta>",
                _ => "default",
            };
            (
                format!("正文按 {name} 解码（依据 {from}）"),
                format!("body decoded as {name} (from {from})"),
            )
        }
    };
    Ok(Some((zh, en)))
}

/// Decodes `body` in `encoding` (a BOM, if any, wins) and writes it
/// escaped for the terminal, a piece at a time.
fn write_decoded(
    out: &mut impl Write,
    encoding: &'static Encoding,
    body: &[u8],
) -> io::Result<()> {
    const PIECE: usize = 16 * 1024;
    let mut decoder = encoding.new_decoder();
    let mut text = String::with_capacity(3 * PIECE + 16);
    let mut printable = Printable::default();
    let mut shown = String::with_capacity(4 * text.capacity());
    let mut rest = body;
    loop {
        let take = rest.len().min(PIECE);
        let last = take == rest.len();
        let (result, read, _) =
            decoder.decode_to_string(&rest[..take], &mut text, last);
        rest = &rest[read..];
        printable.push(&text, &mut shown);
        text.clear();
        if last && result == CoderResult::InputEmpty {
            printable.finish(&mut shown);
        }
        out.write_all(shown.as_bytes())?;
        shown.clear();
        if last && result == CoderResult::InputEmpty {
            return Ok(());
        }
    }
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

/// Whether a body of this MIME type is text. With no type given, a body
/// with a binary byte (as the WHATWG sniffing algorithm counts them: a
/// control character other than tab, line feed, form feed, carriage return
/// and escape) near its start is taken to be binary.
pub fn is_text(mime: Option<&str>, body: &[u8]) -> bool {
    let Some(mime) = mime else {
        let head = &body[..body.len().min(1024)];
        return !head.iter().any(
            |&b| matches!(b, 0x00..=0x08 | 0x0b | 0x0e..=0x1a | 0x1c..=0x1f),
        );
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

/// 把服务器发来的文字变得对终端安全。
/// Text from a server made safe for the terminal, fed a piece at a time: a
/// line ends in `\n` (a `\r` before it is dropped), tabs stay, every other
/// control character is shown escaped (`\x1b`), so a page cannot clear or
/// retitle the terminal.
#[derive(Debug, Default)]
pub struct Printable {
    /// The last piece ended in `\r`: it depends on what comes next.
    pending_cr: bool,
}

impl Printable {
    /// Appends `text`, made safe, to `out`.
    pub fn push(&mut self, text: &str, out: &mut String) {
        let mut run = 0; // start of the characters not yet written
        for (i, c) in text.char_indices() {
            if self.pending_cr {
                self.pending_cr = false;
                if c != '\n' {
                    out.push_str("\\r");
                }
            }
            if matches!(c, '\n' | '\t' | '\r') {
                out.push_str(&escape_control(&text[run..i]));
                run = i + 1;
                match c {
                    '\r' => self.pending_cr = true,
                    c => out.push(c),
                }
            }
        }
        out.push_str(&escape_control(&text[run..]));
    }

    /// The end of the text: a `\r` at the very end is shown.
    pub fn finish(&mut self, out: &mut String) {
        if std::mem::take(&mut self.pending_cr) {
            out.push_str("\\r");
        }
    }
}

/// The whole of `text` made safe; see [`Printable`].
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut p = Printable::default();
    p.push(text, &mut out);
    p.finish(&mut out);
    out
}

/// One line on stderr, Chinese then English.
fn note(zh: &str, en: &str) {
    note_line(&format!("提示：{zh} / note: {en}"));
}

/// A line on stderr; a closed stderr is no reason to stop.
fn note_line(line: &str) {
    let _ = writeln!(io::stderr(), "{line}");
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

    fn body(
        kind: BodyKind,
        bytes: &[u8],
    ) -> (String, Option<(String, String)>) {
        let mut out = Vec::new();
        let note = write_body(&mut out, &kind, bytes).unwrap();
        (String::from_utf8(out).unwrap(), note)
    }

    fn typed<'a>(mime: &'a str, charset: Option<&'a str>) -> BodyKind<'a> {
        BodyKind {
            mime: Some(mime),
            charset,
            ..BodyKind::default()
        }
    }

    #[test]
    fn text_or_binary() {
        assert!(is_text(Some("text/html"), b""));
        assert!(is_text(Some("application/json"), b""));
        assert!(is_text(Some("image/svg+xml"), b""));
        assert!(!is_text(Some("image/png"), b"\x89PNG"));
        assert!(!is_text(Some("application/octet-stream"), b"abc"));
        assert!(is_text(None, "中文\r\n\t\x1b[1m".as_bytes()));
        assert!(!is_text(None, b"a\0b"));
        assert!(!is_text(None, b"a\x01b"));
    }

    #[test]
    fn binary_is_summarised() {
        let (text, _) = body(typed("image/png", None), &[0x89, b'P', 0, 1]);
        assert!(text.contains("image/png"), "{text}");
        assert!(text.contains("4 "), "{text}");
        assert_eq!(text.lines().count(), 1);
    }

    #[test]
    fn gbk_body_is_decoded() {
        let bytes = encoding_rs::GBK.encode("中文网页").0;
        let (text, note) = body(typed("text/html", Some("gb2312")), &bytes);
        assert_eq!(text, "中文网页");
        assert!(note.is_some_and(|(_, en)| en.contains("GBK")));
    }

    #[test]
    fn a_long_body_is_decoded_across_pieces() {
        // 中 is 3 bytes in UTF-8 and 2 in GBK: pieces of 16 KiB cut both.
        let page = "中\r\n\x1b".repeat(20_000);
        let want = "中\n\\x1b".repeat(20_000);
        let (text, note) = body(typed("text/plain", None), page.as_bytes());
        assert_eq!(text, want);
        assert!(note.is_none());
        let gbk = encoding_rs::GBK.encode(&page).0;
        let (text, _) = body(typed("text/plain", Some("gbk")), &gbk);
        assert_eq!(text, want);
    }

    #[test]
    fn control_characters_are_escaped_but_lines_stay() {
        assert_eq!(printable("a\r\nb\tc\n"), "a\nb\tc\n");
        assert_eq!(printable("\x1b[2Jx\x07"), "\\x1b[2Jx\\x07");
        assert_eq!(printable("lone\rcr\r"), "lone\\rcr\\r");
        assert_eq!(printable("a\r\r\nb"), "a\\r\nb");
        assert_eq!(printable("bidi\u{202e}x"), "bidi\\u{202e}x");
        // A \r\n split across two pieces is still one line end.
        let mut p = Printable::default();
        let mut out = String::new();
        p.push("a\r", &mut out);
        p.push("\nb", &mut out);
        p.finish(&mut out);
        assert_eq!(out, "a\nb");
    }
}
