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

/// 把收到的文本变成可以安全打印的样子：控制字符和看不见的格式字符转义显示。
///
/// Makes received text safe to print: control characters (ESC, BEL, CR, a
/// newline, …) are shown escaped, so a peer cannot clear, retitle or rewrite
/// the terminal; so are invisible format characters (zero-width spaces,
/// U+FEFF, bidirectional marks, tag characters), so two different messages
/// never look the same. Everything else, Chinese and emoji included, is
/// printed as it is.
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

/// Whether `c` is shown escaped: a control character, or a character a
/// terminal draws as nothing at all.
fn needs_escape(c: char) -> bool {
    c.is_control() || invisible(c)
}

/// Format characters (Unicode category Cf, as of Unicode 15.1: std has no
/// category table, and these ranges change rarely), the line and paragraph
/// separators, and the other default-ignorable characters a terminal draws
/// as nothing. Variation selectors (U+FE00–FE0F, U+E0100–E01EF) stay: an
/// emoji such as ❤️ needs them and they change nothing on their own.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'                          // soft hyphen
        | '\u{34f}'                       // combining grapheme joiner
        | '\u{600}'..='\u{605}'           // Arabic number signs
        | '\u{61c}'                       // Arabic letter mark (bidi)
        | '\u{6dd}' | '\u{70f}' | '\u{890}'..='\u{891}' | '\u{8e2}'
        | '\u{115f}' | '\u{1160}' | '\u{3164}' | '\u{ffa0}' // Hangul fillers
        | '\u{17b4}'..='\u{17b5}'         // Khmer inherent vowels
        | '\u{180e}'                      // Mongolian vowel separator
        | '\u{200b}'..='\u{200f}'         // zero-width space, joiners, LRM/RLM
        | '\u{2028}'..='\u{202e}'         // line/paragraph separator, bidi embeddings
        | '\u{2060}'..='\u{206f}'         // word joiner, invisible operators, bidi isolates
        | '\u{feff}'                      // zero-width no-break space (BOM)
        | '\u{fff0}'..='\u{fffb}'         // interlinear annotation
        | '\u{110bd}' | '\u{110cd}'
        | '\u{13430}'..='\u{1343f}'       // Egyptian hieroglyph format controls
        | '\u{1bca0}'..='\u{1bca3}'       // shorthand format controls
        | '\u{1d173}'..='\u{1d17a}'       // musical symbol format controls
        | '\u{e0000}'..='\u{e00ff}'       // tag characters
        | '\u{e01f0}'..='\u{e0fff}'       // reserved default-ignorable
    )
}
