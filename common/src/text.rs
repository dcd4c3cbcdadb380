//! 字节变文本、文本进终端：像 Python 的 `.decode('utf-8')`，但永不出错，
//! 也不让对方的控制字符直接进终端。
//!
//! Bytes → text the way Python's `.decode('utf-8')` does, but never failing,
//! and text → terminal without letting a peer's control characters through.
//! Only std: `str::from_utf8` and `Utf8Error::error_len` tell apart an
//! invalid byte from a character cut off at the end of a read.

use std::borrow::Cow;
use std::fmt::Write as _;

/// 一条 TCP 字节流的 UTF-8 解码器：被 `recv` 切开的汉字拼好再解码，坏字节变成 �。
///
/// A character whose bytes are split across two reads (1023 × `a` then
/// `中`: the 1024-byte buffer ends inside `中`) is kept back and decoded whole
/// with the next read. Invalid bytes become U+FFFD instead of an error.
#[derive(Default)]
pub struct Utf8Stream {
    /// The first bytes of a character whose end has not arrived yet (≤ 3).
    pending: Vec<u8>,
}

impl Utf8Stream {
    /// 新的解码器，还没有收到任何字节。
    pub fn new() -> Self {
        Self::default()
    }

    /// 解码一次 `recv` 收到的字节；末尾没收完的半个字留到下一次。
    ///
    /// Decodes one read's bytes; an unfinished character at the end waits
    /// for the next call.
    pub fn decode(&mut self, bytes: &[u8]) -> String {
        // Only a character cut at the end of the last read (at most 3
        // bytes) needs joining; the usual read is decoded where it lies.
        let joined;
        let mut rest = if self.pending.is_empty() {
            bytes
        } else {
            let mut input = std::mem::take(&mut self.pending);
            input.extend_from_slice(bytes);
            joined = input;
            &joined[..]
        };
        let mut out = String::with_capacity(rest.len());
        loop {
            match std::str::from_utf8(rest) {
                Ok(text) => {
                    out.push_str(text);
                    return out;
                }
                Err(err) => {
                    let (good, bad) = rest.split_at(err.valid_up_to());
                    // valid_up_to() guarantees `good` is UTF-8.
                    out.push_str(&String::from_utf8_lossy(good));
                    match err.error_len() {
                        // An invalid sequence: one U+FFFD, go on after it.
                        Some(len) => {
                            out.push('\u{fffd}');
                            rest = &bad[len..];
                        }
                        // The input ends inside a character: keep it.
                        None => {
                            self.pending = bad.to_vec();
                            return out;
                        }
                    }
                }
            }
        }
    }

    /// 流结束：还没收完的半个字变成 �。
    ///
    /// Ends the stream: a character still unfinished becomes U+FFFD.
    pub fn finish(&mut self) -> String {
        if std::mem::take(&mut self.pending).is_empty() {
            String::new()
        } else {
            "\u{fffd}".to_string()
        }
    }
}

/// 把收到的文本变成可以安全打印的样子：控制字符转义显示。
///
/// Makes received text safe to print: control characters (ESC, BEL, CR, a
/// newline, …) and bidirectional overrides are shown escaped, so a peer
/// cannot clear, retitle or rewrite the terminal. Everything else, Chinese
/// included, is printed as it is.
pub fn escape_control(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            c if (c as u32) < 0x100 && needs_escape(c) => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        // bidirectional marks and overrides: they reorder what follows
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        // line and paragraph separators: some terminals break the line
        || matches!(c, '\u{2028}' | '\u{2029}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn split_character_is_kept_whole() {
        let mut message = "a".repeat(1023).into_bytes();
        message.extend_from_slice("中文".as_bytes());
        let (first, second) = message.split_at(1024);
        let mut stream = Utf8Stream::new();
        assert_eq!(stream.decode(first), "a".repeat(1023));
        assert_eq!(stream.decode(second), "中文");
        assert_eq!(stream.finish(), "");
    }

    #[test]
    fn invalid_bytes_become_replacement() {
        let mut stream = Utf8Stream::new();
        assert_eq!(stream.decode(b"ok\xff\xfeok"), "ok\u{fffd}\u{fffd}ok");
        assert_eq!(stream.decode(&[0xe4, 0xb8]), "");
        assert_eq!(stream.finish(), "\u{fffd}");
    }

    #[test]
    fn escapes_what_a_terminal_obeys() {
        assert_eq!(escape_control("中文 ok"), "中文 ok");
        assert_eq!(
            escape_control("\x1b[2J\x07end\r\n"),
            "\\x1b[2J\\x07end\\r\\n"
        );
        assert_eq!(escape_control("\u{9b}\u{202e}"), "\\x9b\\u{202e}");
        assert_eq!(escape_control("a\u{2028}b"), "a\\u{2028}b");
    }

    proptest! {
        #[test]
        fn any_text_in_any_chunks_decodes_to_itself(
            text in "\\PC*",
            cuts in proptest::collection::vec(any::<usize>(), 0..8),
        ) {
            let bytes = text.as_bytes();
            let mut points: Vec<usize> =
                cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
            points.sort_unstable();
            let mut stream = Utf8Stream::new();
            let mut out = String::new();
            let mut start = 0;
            for p in points.into_iter().chain([bytes.len()]) {
                out += &stream.decode(&bytes[start..p]);
                start = p;
            }
            out += &stream.finish();
            prop_assert_eq!(out, text);
        }

        #[test]
        fn any_bytes_decode_without_panic(
            bytes in proptest::collection::vec(any::<u8>(), 0..2048),
            cut in any::<usize>(),
        ) {
            let cut = cut % (bytes.len() + 1);
            let mut stream = Utf8Stream::new();
            let mut out = stream.decode(&bytes[..cut]);
            out += &stream.decode(&bytes[cut..]);
            out += &stream.finish();
            prop_assert_eq!(out, String::from_utf8_lossy(&bytes));
        }

        #[test]
        fn escaped_text_has_no_control_characters(text in any::<String>()) {
            let escaped = escape_control(&text);
            prop_assert!(!escaped.chars().any(needs_escape));
        }
    }
}
