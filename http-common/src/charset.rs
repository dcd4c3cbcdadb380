//! 网页用的是哪种字符集：按浏览器的办法找出来。
//!
//! The text simply calls `data.decode('utf8')`; many Chinese sites still send
//! GBK, which then fails. So we look, in the order of the WHATWG encoding
//! sniffing algorithm, at a byte order mark, the `charset` of the
//! `Content-Type` header, a `<meta charset>` or `<meta http-equiv=
//! "Content-Type" content="…; charset=…">` in the first 1024 bytes. When
//! nothing declares a charset, a body that is valid UTF-8 is UTF-8; any
//! other is guessed with chardetng, as Firefox does.

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, UTF_8};

/// How far into the body a `<meta>` charset is looked for (as browsers do).
pub const META_SCAN: usize = 1024;

/// How much of an undeclared body the guess looks at.
pub const GUESS_SCAN: usize = 1024 * 1024;

/// 字符集的来历，写进 stderr 上的提示。
/// Where the character set came from, said in the note printed to stderr.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// A byte order mark at the start of the body (wins over the header).
    Bom,
    /// `Content-Type: text/html; charset=gbk`
    Header,
    /// `<meta charset>` or `<meta http-equiv>` in the page.
    Meta,
    /// Nothing said, and the body is UTF-8, as the text assumes.
    Default,
    /// Nothing said and the body is not UTF-8: guessed by chardetng.
    Guess,
}

/// 找出正文的字符集。
/// Picks the encoding of `body`, given the `charset` of the `Content-Type`
/// header if any (`charset`), and the top-level domain of the server
/// (`tld`, such as `cn`), which helps the guess. `cut` says the body was
/// cut short, so a character split at its end is no sign of another
/// charset.
pub fn sniff(
    charset: Option<&str>,
    body: &[u8],
    tld: Option<&str>,
    cut: bool,
) -> (&'static Encoding, Source) {
    if let Some((encoding, _)) = Encoding::for_bom(body) {
        return (encoding, Source::Bom);
    }
    if let Some(encoding) = charset
        .map(|c| c.trim().trim_matches(|c| c == '"' || c == '\''))
        .and_then(|label| Encoding::for_label(label.as_bytes()))
    {
        return (encoding, Source::Header);
    }
    let head = &body[..body.len().min(META_SCAN)];
    if let Some(encoding) = meta_charset(head) {
        // A page cannot declare itself UTF-16 in ASCII; browsers read
        // such a page as UTF-8, and `output_encoding` does the same.
        return (encoding.output_encoding(), Source::Meta);
    }
    match std::str::from_utf8(body) {
        Ok(_) => return (UTF_8, Source::Default),
        // Only the last character is incomplete, because of the cut.
        Err(e) if cut && e.error_len().is_none() => {
            return (UTF_8, Source::Default);
        }
        Err(_) => {}
    }
    (guess(body, tld), Source::Guess)
}

/// The legacy encoding chardetng finds most likely for `body`.
fn guess(body: &[u8], tld: Option<&str>) -> &'static Encoding {
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    let scan = &body[..body.len().min(GUESS_SCAN)];
    detector.feed(scan, scan.len() == body.len());
    let tld = tld
        .filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_alphabetic()))
        .map(|t| t.to_ascii_lowercase());
    detector.guess(tld.as_deref().map(str::as_bytes), Utf8Detection::Deny)
}

/// Decodes `body` in `encoding`. Bytes that do not fit become U+FFFD; a
/// byte order mark, if any, wins over `encoding` (as in a browser).
pub fn decode(encoding: &'static Encoding, body: &[u8]) -> String {
    encoding.decode(body).0.into_owned()
}

/// The charset named by the first `<meta …charset=…>` in `head`.
fn meta_charset(head: &[u8]) -> Option<&'static Encoding> {
    let lower = head.to_ascii_lowercase();
    let mut rest = &lower[..];
    while let Some(start) = find(rest, b"<meta") {
        let after = &rest[start + 5..];
        let end = after.iter().position(|&b| b == b'>').unwrap_or(after.len());
        let tag = &after[..end];
        if let Some(at) = find(tag, b"charset") {
            let value = tag[at + 7..].trim_ascii_start();
            if let Some(value) = value.strip_prefix(b"=") {
                let value = value.trim_ascii_start();
                let value = match value.first() {
                    Some(b'"' | b'\'') => &value[1..],
                    _ => value,
                };
                let len = value
                    .iter()
                    .position(|b| b" \t\r\n\"';>/".contains(b))
                    .unwrap_or(value.len());
                if let Some(encoding) = Encoding::for_label(&value[..len]) {
                    return Some(encoding);
                }
            }
        }
        rest = &after[end..];
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{GB18030, GBK, UTF_16LE, WINDOWS_1252};

    fn gbk(text: &str) -> Vec<u8> {
        GBK.encode(text).0.into_owned()
    }

    fn sniff2(
        charset: Option<&str>,
        body: &[u8],
    ) -> (&'static Encoding, Source) {
        sniff(charset, body, None, false)
    }

    #[test]
    fn header_wins_over_meta() {
        let body = gbk("<meta charset=utf-8>中文");
        assert_eq!(sniff2(Some("gbk"), &body), (GBK, Source::Header));
        assert_eq!(sniff2(Some("\"GBK\""), &body), (GBK, Source::Header));
        assert!(decode(GBK, &body).ends_with("中文"));
    }

    #[test]
    fn unknown_header_label_falls_through() {
        assert_eq!(sniff2(Some("nope"), b"x"), (UTF_8, Source::Default));
    }

    #[test]
    fn bom_wins_over_the_header() {
        let mut body = vec![0xef, 0xbb, 0xbf];
        body.extend_from_slice("中文".as_bytes());
        assert_eq!(sniff2(Some("gbk"), &body), (UTF_8, Source::Bom));
        assert_eq!(decode(UTF_8, &body), "中文");
        let body = [0xff, 0xfe, b'a', 0];
        assert_eq!(sniff2(None, &body), (UTF_16LE, Source::Bom));
    }

    #[test]
    fn meta_http_equiv_is_found() {
        let page = "<html><head><META HTTP-EQUIV=\"Content-Type\" \
                    CONTENT=\"text/html; charset=gb2312\"></head>\
                    <body>中文网页</body></html>";
        let body = gbk(page);
        assert_eq!(sniff2(None, &body), (GBK, Source::Meta));
        assert_eq!(decode(GBK, &body), page);
    }

    #[test]
    fn meta_charset_is_found() {
        for tag in [
            "<meta charset=\"gb18030\">",
            "<meta charset='gb18030'/>",
            "<meta charset = gb18030>",
            "<meta name=x><meta charset=gb18030>",
        ] {
            assert_eq!(sniff2(None, tag.as_bytes()), (GB18030, Source::Meta));
        }
    }

    #[test]
    fn meta_after_1024_bytes_is_ignored() {
        let page = format!("{}<meta charset=gbk>", " ".repeat(META_SCAN));
        assert_eq!(sniff2(None, page.as_bytes()), (UTF_8, Source::Default));
    }

    #[test]
    fn meta_utf16_means_utf8() {
        let page = b"<meta charset=utf-16le>";
        assert_eq!(sniff2(None, page), (UTF_8, Source::Meta));
    }

    #[test]
    fn meta_windows_1252() {
        assert_eq!(
            sniff2(None, b"<meta charset=iso-8859-1>\xe9"),
            (WINDOWS_1252, Source::Meta)
        );
        assert_eq!(decode(WINDOWS_1252, b"\xe9"), "é");
    }

    #[test]
    fn undeclared_utf8_is_utf8() {
        assert_eq!(sniff2(None, "中文".as_bytes()), (UTF_8, Source::Default));
        // Cut inside a character: still UTF-8, but only when it was cut.
        let cut = &"中文".as_bytes()[..4];
        assert_eq!(sniff(None, cut, None, true), (UTF_8, Source::Default));
        assert_eq!(sniff(None, cut, None, false).1, Source::Guess);
    }

    #[test]
    fn undeclared_gbk_is_guessed() {
        let page =
            gbk("<html><body><p>网络编程是指编写运行在多个设备上的程序，\
             这些设备都通过网络连接起来。</p><p>套接字是网络通信的基础。\
             </p></body></html>");
        assert_eq!(sniff2(None, &page), (GBK, Source::Guess));
        assert_eq!(sniff(None, &page, Some("cn"), false).0, GBK);
        // A declared charset still wins over the guess.
        let (encoding, source) = sniff2(Some("windows-1252"), &page);
        assert_eq!((encoding, source), (WINDOWS_1252, Source::Header));
    }

    #[test]
    fn odd_bodies_do_not_panic() {
        for page in [
            &b"<meta"[..],
            b"<meta charset",
            b"<meta charset=",
            b"<meta charset='",
            b"<meta charset=>",
            b"<metacharset=gbk",
            b"\xff",
            b"",
        ] {
            let _ = sniff(None, page, Some("\u{1b}"), true);
        }
    }
}
