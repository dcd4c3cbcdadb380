//! Which character set a page is in, found the way a browser finds it.
//!
//! The text simply calls `data.decode('utf8')`; many Chinese sites still send
//! GBK, which then fails. So we look, in this order, at the `charset=` of the
//! `Content-Type` header, a byte order mark, a `<meta charset>` or
//! `<meta http-equiv="Content-Type" content="…; charset=…">` in the first
//! 1024 bytes, and only then fall back to UTF-8.

use encoding_rs::{Encoding, UTF_8};

/// How far into the body a `<meta>` charset is looked for (as browsers do).
pub const META_SCAN: usize = 1024;

/// Where the character set came from, said in the note printed to stderr.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// `Content-Type: text/html; charset=gbk`
    Header,
    /// A byte order mark at the start of the body.
    Bom,
    /// `<meta charset>` or `<meta http-equiv>` in the page.
    Meta,
    /// Nothing said: UTF-8, as the text assumes.
    Default,
}

/// Picks the encoding of `body`, given the `Content-Type` header if any.
pub fn sniff(
    content_type: Option<&str>,
    body: &[u8],
) -> (&'static Encoding, Source) {
    if let Some(label) = content_type.and_then(header_charset)
        && let Some(encoding) = Encoding::for_label(label.as_bytes())
    {
        return (encoding, Source::Header);
    }
    if let Some((encoding, _)) = Encoding::for_bom(body) {
        return (encoding, Source::Bom);
    }
    let head = &body[..body.len().min(META_SCAN)];
    if let Some(encoding) = meta_charset(head) {
        // A page cannot declare itself UTF-16 in ASCII; browsers read
        // such a page as UTF-8, and `output_encoding` does the same.
        return (encoding.output_encoding(), Source::Meta);
    }
    (UTF_8, Source::Default)
}

/// Decodes `body` in `encoding`. Bytes that do not fit become U+FFFD; a
/// byte order mark, if any, wins over `encoding` (as in a browser).
pub fn decode(encoding: &'static Encoding, body: &[u8]) -> String {
    encoding.decode(body).0.into_owned()
}

/// The `charset` parameter of a `Content-Type` value.
pub fn header_charset(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches(|c| c == '"' || c == '\''))
            .filter(|v| !v.is_empty())
    })
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

    #[test]
    fn header_charset_is_read() {
        assert_eq!(header_charset("text/html; charset=GBK"), Some("GBK"));
        assert_eq!(
            header_charset("text/html;charset=\"utf-8\""),
            Some("utf-8")
        );
        assert_eq!(header_charset("text/html"), None);
        assert_eq!(header_charset("text/html; charset="), None);
    }

    #[test]
    fn header_wins() {
        let body = gbk("<meta charset=utf-8>中文");
        let (encoding, source) = sniff(Some("text/html; charset=gbk"), &body);
        assert_eq!((encoding, source), (GBK, Source::Header));
        assert!(decode(encoding, &body).ends_with("中文"));
    }

    #[test]
    fn unknown_header_label_falls_through() {
        let (encoding, source) = sniff(Some("text/html; charset=nope"), b"x");
        assert_eq!((encoding, source), (UTF_8, Source::Default));
    }

    #[test]
    fn bom_comes_next() {
        let mut body = vec![0xef, 0xbb, 0xbf];
        body.extend_from_slice("中文".as_bytes());
        assert_eq!(sniff(Some("text/html"), &body), (UTF_8, Source::Bom));
        assert_eq!(decode(UTF_8, &body), "中文");
        let body = [0xff, 0xfe, b'a', 0];
        assert_eq!(sniff(None, &body), (UTF_16LE, Source::Bom));
    }

    #[test]
    fn meta_http_equiv_is_found() {
        let page = "<html><head><META HTTP-EQUIV=\"Content-Type\" \
                    CONTENT=\"text/html; charset=gb2312\"></head>\
                    <body>中文网页</body></html>";
        let body = gbk(page);
        let (encoding, source) = sniff(Some("text/html"), &body);
        assert_eq!((encoding, source), (GBK, Source::Meta));
        assert_eq!(decode(encoding, &body), page);
    }

    #[test]
    fn meta_charset_is_found() {
        for tag in [
            "<meta charset=\"gb18030\">",
            "<meta charset='gb18030'/>",
            "<meta charset = gb18030>",
            "<meta name=x><meta charset=gb18030>",
        ] {
            assert_eq!(
                sniff(None, tag.as_bytes()),
                (GB18030, Source::Meta),
                "{tag}"
            );
        }
    }

    #[test]
    fn meta_after_1024_bytes_is_ignored() {
        let page = format!("{}<meta charset=gbk>", " ".repeat(META_SCAN));
        assert_eq!(sniff(None, page.as_bytes()), (UTF_8, Source::Default));
    }

    #[test]
    fn meta_utf16_means_utf8() {
        let page = b"<meta charset=utf-16le>";
        assert_eq!(sniff(None, page), (UTF_8, Source::Meta));
    }

    #[test]
    fn meta_windows_1252() {
        assert_eq!(
            sniff(None, b"<meta charset=iso-8859-1>\xe9"),
            (WINDOWS_1252, Source::Meta)
        );
        assert_eq!(decode(WINDOWS_1252, b"\xe9"), "é");
    }

    #[test]
    fn nothing_said_means_utf8() {
        assert_eq!(sniff(None, "中文".as_bytes()), (UTF_8, Source::Default));
        assert_eq!(decode(UTF_8, b"ok\xff"), "ok\u{fffd}");
    }

    #[test]
    fn broken_meta_does_not_panic() {
        for page in [
            &b"<meta"[..],
            b"<meta charset",
            b"<meta charset=",
            b"<meta charset='",
            b"<meta charset=>",
            b"<metacharset=gbk",
        ] {
            let _ = sniff(None, page);
        }
    }
}
