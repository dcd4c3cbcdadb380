//! http-get 和 http-post 共用的部分（15.4）：命令行、ureq 的 agent（它自己跟随
//! 重定向）、读取正文、解码并打印正文，以及出错提示。
//!
//! What http-get and http-post share (15.4): the command line, the ureq
//! agent (which follows redirects itself; this crate notes each hop and
//! words each failure), reading the body, decoding and printing it, and the
//! error messages. http-get prints the status line and the headers in its
//! own `main.rs`, as the text does.
//!
//! This crate is the only way ureq enters the workspace, so the socket
//! programs (which use `common`) never compile it.

pub mod charset;
pub mod cli;
pub mod explain;

use std::io::{self, Read, Write};
use std::ops::Deref;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use common::{Bilingual, eprintln, escape_control, output};
use encoding_rs::{CoderResult, Encoding};
use ureq::config::Config;
use ureq::http::header::CONTENT_ENCODING;
use ureq::http::{HeaderValue, Response, StatusCode, Uri};
use ureq::unversioned::resolver::{
    DefaultResolver, ResolvedSocketAddrs, Resolver,
};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};
use ureq::{Body, ResponseExt};

pub use cli::{Args, Spec};
pub use explain::check_url;

/// 最多读取（并打印）这么多正文：10 MB。
/// At most this much of a body is read (and printed): 10 MB.
pub const BODY_LIMIT: u64 = 10 * 1024 * 1024;

/// 最多跟随这么多次重定向，与 urllib 相同。
/// At most this many redirects are followed, as urllib does.
pub const MAX_REDIRECTS: u32 = 10;

/// Name lookup and connecting get at most this long (or `--timeout`, if
/// shorter), so that an offline machine says so in seconds.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(10);

/// 一个像 `urlopen` 那样工作的 ureq agent。
///
/// A ureq agent that behaves as the text's `urlopen`: it follows up to
/// [`MAX_REDIRECTS`] redirects itself (after a POST, 301/302/303 become a
/// GET and 307/308 are not followed: the form is never sent twice), undoes
/// gzip, and takes a 404 as a response to print, not an error. It also
/// notes every URL it fetches (see [`Trail`]), so that a failure can name
/// the hop that failed, and it never connects to a port a URL cannot have.
/// It derefs to [`ureq::Agent`]: `agent.get(url).call()`.
pub struct Agent {
    agent: ureq::Agent,
    trail: Arc<Trail>,
}

impl Deref for Agent {
    type Target = ureq::Agent;

    fn deref(&self) -> &ureq::Agent {
        &self.agent
    }
}

/// 发出请求的 agent：跟随重定向，整个请求（每一跳和正文）在 `timeout` 内结束。
/// The agent for one run of http-get or http-post: the whole request,
/// every redirect and the body included, ends within `timeout`.
pub fn agent(timeout: Duration) -> Agent {
    let config = ureq::Agent::config_builder()
        // One budget for everything: ureq does not restart it on a redirect.
        .timeout_global(Some(timeout))
        .timeout_resolve(Some(timeout.min(LOOKUP_TIMEOUT)))
        .timeout_connect(Some(timeout.min(LOOKUP_TIMEOUT)))
        .http_status_as_error(false)
        .max_redirects(MAX_REDIRECTS)
        .save_redirect_history(true)
        .build();
    let trail = Arc::new(Trail::default());
    let resolver = Noting {
        trail: Arc::clone(&trail),
        inner: DefaultResolver::default(),
    };
    let agent =
        ureq::Agent::with_parts(config, DefaultConnector::default(), resolver);
    Agent { agent, trail }
}

impl Agent {
    /// The URLs fetched so far, in order: the first request, then each hop.
    fn fetched(&self) -> Vec<Uri> {
        lock(&self.trail.fetched).clone()
    }

    /// The hop refused before connecting, if one was.
    fn refused(&self) -> Option<explain::Refused> {
        lock(&self.trail.refused).take()
    }
}

/// Every URL the agent looked up, in order. ureq resolves the host of each
/// request, redirects included (also when it reuses a connection), so this
/// is the list of hops even when one fails, which the response's own
/// redirect history cannot tell: there is no response then.
#[derive(Debug, Default)]
struct Trail {
    fetched: Mutex<Vec<Uri>>,
    /// A hop refused before connecting.
    refused: Mutex<Option<explain::Refused>>,
}

/// ureq's own resolver, noting each URL in the [`Trail`] and refusing two
/// hops ureq would make: a port above 65535 (ureq takes it as no port, so
/// 80) and a `Location` with another scheme that `http::Uri` cannot parse
/// (`file:///etc/passwd`), which ureq joins as a path on the same server.
#[derive(Debug)]
struct Noting {
    trail: Arc<Trail>,
    inner: DefaultResolver,
}

impl Resolver for Noting {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let mut fetched = lock(&self.trail.fetched);
        let is_hop = !fetched.is_empty();
        if let Some(refused) = explain::refuse(uri, is_hop) {
            *lock(&self.trail.refused) = Some(refused);
            return Err(ureq::Error::BadUri(uri.to_string()));
        }
        fetched.push(uri.clone());
        drop(fetched);
        self.inner.resolve(uri, config, timeout)
    }
}

/// The value behind `mutex`, also after a panic elsewhere.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// 请求的结果：先在 stderr 上说出经过的每一次重定向；出错时说明原因。
/// The outcome of `agent.get(url).call()`: says each redirect followed on
/// stderr (from the response's redirect history, or, after a failure, from
/// the agent's trail), then gives the response, or the failure in words
/// naming the URL that failed.
pub fn followed(
    result: Result<Response<Body>, ureq::Error>,
    agent: &Agent,
    args: &Args,
) -> io::Result<Response<Body>> {
    let (hops, answer) = match result {
        Ok(response) => {
            let hops = response
                .get_redirect_history()
                .map(<[Uri]>::to_vec)
                .unwrap_or_default();
            (hops, Ok(response))
        }
        Err(err) => (agent.fetched(), Err(err)),
    };
    for hop in hops.iter().skip(1) {
        eprintln!("重定向 / redirect → {}", escape_control(&hop.to_string()));
    }
    answer.map_err(|err| {
        let last = hops.last().map_or(args.url.clone(), Uri::to_string);
        match agent.refused() {
            Some(refused) => explain::refused(&last, &refused),
            None => explain::request(err, &last, args),
        }
    })
}

/// 读到的正文：最多 [`BODY_LIMIT`] 字节。
/// A response body as read: its bytes, at most [`BODY_LIMIT`] of them.
pub struct Page {
    pub bytes: Vec<u8>,
    /// The body was longer than [`BODY_LIMIT`] and has been cut.
    pub cut: bool,
    /// A `Content-Encoding` that was not undone (`br`): the bytes are still
    /// compressed.
    pub compressed: Option<String>,
}

/// 读取正文，即原文的 `data = req.read()`，但有大小上限。
/// Reads the body — the text's `data = req.read()`, with a size limit. An
/// error names the URL the body came from. ureq has undone gzip (and then
/// removed `Content-Encoding` and `Content-Length`, which described the
/// compressed bytes); `deflate` is undone here the same way.
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
    let mut compressed = response
        .headers()
        .get(CONTENT_ENCODING)
        .map(|e| String::from_utf8_lossy(e.as_bytes()).trim().to_string())
        .filter(|e| !e.is_empty() && !e.eq_ignore_ascii_case("identity"));
    if compressed
        .as_deref()
        .is_some_and(|e| e.eq_ignore_ascii_case("deflate"))
    {
        bytes = inflate(&bytes).map_err(|e| {
            let err = ureq::Error::Decompress("deflate", e);
            explain::request(err, &url, args)
        })?;
        compressed = None;
        let headers = response.headers_mut();
        headers.remove(CONTENT_ENCODING);
        headers.remove(ureq::http::header::CONTENT_LENGTH);
    }
    let cut = bytes.len() as u64 > BODY_LIMIT;
    bytes.truncate(BODY_LIMIT as usize);
    Ok(Page {
        bytes,
        cut,
        compressed,
    })
}

/// Undoes `Content-Encoding: deflate`: zlib data as the standard says, or
/// raw deflate data, which some servers send instead. At most
/// [`BODY_LIMIT`] + 1 bytes come out, so a small bomb stays small.
fn inflate(compressed: &[u8]) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let zlib = flate2::read::ZlibDecoder::new(compressed)
        .take(BODY_LIMIT + 1)
        .read_to_end(&mut out);
    if zlib.is_ok() {
        return Ok(out);
    }
    out.clear();
    flate2::read::DeflateDecoder::new(compressed)
        .take(BODY_LIMIT + 1)
        .read_to_end(&mut out)?;
    Ok(out)
}

/// 像原文那样打印回答：状态、响应头、正文（http-post 用；http-get 把这三步写在自己的 main.rs 里）。
/// Prints the response as the text does: the status line, the headers,
/// then the body ([`print_body`]). http-get writes these three steps out in
/// its own `main.rs`.
pub fn print_response(req: &Response<Body>, data: &Page) -> io::Result<()> {
    common::println!("{}", status_line(req.status()));
    for (k, v) in req.headers() {
        common::println!("{k} -- {}", header_text(v));
    }
    print_body(req, data)
}

/// `200 OK`. ureq keeps no reason phrase, so it comes from the status code.
pub fn status_line(status: StatusCode) -> String {
    let reason = status.canonical_reason().unwrap_or("");
    format!("{} {reason}", status.as_u16())
        .trim_end()
        .to_string()
}

/// 响应头的值，可以安全地打印：控制字符转义显示。
/// A header value safe to print: not UTF-8 becomes U+FFFD, control
/// characters are shown escaped.
pub fn header_text(value: &HeaderValue) -> String {
    escape_control(&String::from_utf8_lossy(value.as_bytes())).into_owned()
}

/// 打印正文（原文的 `print(data.decode('utf8'))`），按浏览器的办法挑选字符集。
/// Prints the body, decoded as a browser would (the text's
/// `print(data.decode('utf8'))`), then says on stderr what a student may
/// wonder about (a charset, a cut, a compression not undone). The body is
/// decoded and written piece by piece, so memory stays near its size.
pub fn print_body(req: &Response<Body>, data: &Page) -> io::Result<()> {
    // A reader that went away (`| head`) is no error: nothing more to say.
    let printed = output::print_all(|mut out| write_page(&mut out, req, data));
    let Some(note) = printed? else {
        return Ok(());
    };

    // What happened on the way, after the page so that it stays in view.
    if let Some(note) = note {
        self::note(&note);
    }
    if data.cut {
        let mb = BODY_LIMIT / (1024 * 1024);
        self::note(&Bilingual::new(
            format!("正文超过 {mb} MB，只显示了前 {mb} MB"),
            format!("the body is longer than {mb} MB and was cut"),
        ));
    }
    Ok(())
}

fn write_page(
    out: &mut impl Write,
    req: &Response<Body>,
    data: &Page,
) -> io::Result<Option<Bilingual>> {
    if let Some(encoding) = &data.compressed {
        let encoding = escape_control(encoding);
        let n = data.bytes.len();
        writeln!(
            out,
            "（压缩过的正文 {n} 字节，不显示 / compressed body, {n} bytes, not shown）"
        )?;
        return Ok(Some(Bilingual::new(
            format!(
                "正文是用 {encoding} 压缩的（Content-Encoding: {encoding}），本程序不会解压它，所以没有显示；\
                 本程序会解压 gzip 和 deflate"
            ),
            format!(
                "the body is compressed with {encoding} (Content-Encoding), which this \
                 program does not undo (it undoes gzip and deflate): not shown"
            ),
        )));
    }
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
) -> io::Result<Option<Bilingual>> {
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
    let note = match source {
        charset::Source::Guess => Bilingual::new(
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
            Bilingual::new(
                format!("正文按 {name} 解码（依据 {from}）"),
                format!("body decoded as {name} (from {from})"),
            )
        }
    };
    Ok(Some(note))
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
fn note(note: &Bilingual) {
    eprintln!("提示：{} / note: {}", note.zh, note.en);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_line_has_the_reason() {
        let line = |code| status_line(StatusCode::from_u16(code).unwrap());
        assert_eq!(line(200), "200 OK");
        assert_eq!(line(404), "404 Not Found");
        assert_eq!(line(599), "599");
    }

    #[test]
    fn deflate_is_undone_as_zlib_or_raw() {
        use std::io::Write as _;
        let text = "压缩过的页面\n".repeat(50);
        let mut zlib = flate2::write::ZlibEncoder::new(
            Vec::new(),
            flate2::Compression::default(),
        );
        zlib.write_all(text.as_bytes()).unwrap();
        let zlib = zlib.finish().unwrap();
        assert_eq!(inflate(&zlib).unwrap(), text.as_bytes());
        let mut raw = flate2::write::DeflateEncoder::new(
            Vec::new(),
            flate2::Compression::default(),
        );
        raw.write_all(text.as_bytes()).unwrap();
        let raw = raw.finish().unwrap();
        assert_eq!(inflate(&raw).unwrap(), text.as_bytes());
        assert!(inflate(b"not compressed at all").is_err());
    }

    fn body(kind: BodyKind, bytes: &[u8]) -> (String, Option<Bilingual>) {
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
        assert!(note.is_some_and(|note| note.en.contains("GBK")));
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
