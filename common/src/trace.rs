//! `--trace`: every `send`/`recv` also shown as bytes on stderr, so a student
//! sees what is really on the wire — that `中文` is six bytes, that two quick
//! sends can arrive as one recv, that UDP keeps message boundaries.
//!
//! ```text
//! → 127.0.0.1:10000  24 bytes
//!   0000  50 79 74 68 6f 6e 20 54 43 50 20 e7-ac-ac e4-b8- Python TCP .....
//!   0010  80 e4-b8-aa 44 45 4d 4f                          ....DEMO
//!         UTF-8: 第 = e7 ac ac, 一 = e4 b8 80, 个 = e4 b8 aa
//! ```
//!
//! Bytes of one multi-byte UTF-8 character are joined with `-` (a `-` at
//! the end of a row: the character goes on in the next row); the text
//! column shows printable ASCII and `.` for anything else, so the dump never
//! contains a raw control character.

use std::fmt::Write as _;
use std::net::SocketAddr;

const ROW: usize = 16;
/// At most this many characters are spelled out on the `UTF-8:` line.
const MAX_SPELLED: usize = 4;

/// `--trace`：把每次收发的字节以十六进制和文字打印到 stderr。
///
/// Prints dumps when `--trace` was given, and nothing otherwise.
#[derive(Clone, Copy, Debug)]
pub struct Trace {
    on: bool,
}

impl Trace {
    /// `on` 为真时打印，否则什么也不做。
    pub fn new(on: bool) -> Self {
        Self { on }
    }

    /// 发出之后调用：显示发给 `peer` 的字节。
    ///
    /// After a `send`/`sendall`/`sendto` of `bytes` to `peer`.
    pub fn sent(&self, peer: SocketAddr, bytes: &[u8]) {
        if self.on {
            show(dump('→', peer, bytes));
        }
    }

    /// 收到之后调用：显示从 `peer` 收到的字节。
    ///
    /// After a `recv`/`recvfrom` that returned `bytes` from `peer`.
    pub fn received(&self, peer: SocketAddr, bytes: &[u8]) {
        if self.on {
            show(dump('←', peer, bytes));
        }
    }
}

/// On stderr, through the server's output queue when there is one.
fn show(mut block: String) {
    if block.ends_with('\n') {
        block.pop();
    }
    crate::output::line(crate::output::To::Stderr, block);
}

/// The block for one socket call: a header line, then hex and text rows.
pub(crate) fn dump(arrow: char, peer: SocketAddr, bytes: &[u8]) -> String {
    let mut out = format!("{arrow} {peer}  {} bytes", bytes.len());
    if bytes.is_empty() {
        out += if arrow == '←' {
            "（对方关闭了连接 / end of stream）"
        } else {
            ""
        };
    }
    out.push('\n');
    let (joined, chars) = utf8_groups(bytes);
    for (row, chunk) in bytes.chunks(ROW).enumerate() {
        let start = row * ROW;
        let mut hex = String::new();
        for (i, byte) in chunk.iter().enumerate() {
            let at = start + i;
            let _ = write!(hex, "{byte:02x}");
            // A trailing `-` at the end of a row: the character goes on below.
            hex.push(if joined[at] { '-' } else { ' ' });
        }
        let text: String = chunk
            .iter()
            .map(|&b| {
                if (0x20..0x7f).contains(&b) {
                    b as char
                } else {
                    '.'
                }
            })
            .collect();
        let _ = writeln!(out, "  {start:04x}  {hex:<48} {text}");
    }
    if !chars.is_empty() {
        let mut spelled: Vec<String> = Vec::new();
        for (c, seq) in chars.iter().take(MAX_SPELLED) {
            let hex: Vec<String> =
                seq.iter().map(|b| format!("{b:02x}")).collect();
            // A format or control character (U+009B, U+202E, …) is spelled
            // escaped, never sent to the terminal as it is.
            let mut utf8 = [0; 4];
            let c = crate::escape_control(c.encode_utf8(&mut utf8));
            spelled.push(format!("{c} = {}", hex.join(" ")));
        }
        let more = if chars.len() > MAX_SPELLED {
            ", …"
        } else {
            ""
        };
        let _ = writeln!(out, "        UTF-8: {}{more}", spelled.join(", "));
    }
    out
}

/// For each byte, whether it belongs to the same multi-byte character as
/// the next one; and the multi-byte characters found, in order.
fn utf8_groups(bytes: &[u8]) -> (Vec<bool>, Vec<(char, &[u8])>) {
    let mut joined = vec![false; bytes.len()];
    let mut chars = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let len = match bytes[i] {
            0xc2..=0xdf => 2,
            0xe0..=0xef => 3,
            0xf0..=0xf4 => 4,
            _ => 1,
        };
        let seq = bytes.get(i..i + len);
        let valid = seq
            .and_then(|s| std::str::from_utf8(s).ok())
            .and_then(|s| s.chars().next());
        match (len, seq, valid) {
            (2.., Some(seq), Some(c)) => {
                joined[i..i + len - 1].fill(true);
                chars.push((c, seq));
                i += len;
            }
            _ => i += 1,
        }
    }
    (joined, chars)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer() -> SocketAddr {
        "127.0.0.1:10000".parse().unwrap()
    }

    #[test]
    fn the_texts_message_dumps_exactly() {
        let expected = "\
→ 127.0.0.1:10000  24 bytes
  0000  50 79 74 68 6f 6e 20 54 43 50 20 e7-ac-ac e4-b8- Python TCP .....
  0010  80 e4-b8-aa 44 45 4d 4f                          ....DEMO
        UTF-8: 第 = e7 ac ac, 一 = e4 b8 80, 个 = e4 b8 aa
";
        let got = dump('→', peer(), "Python TCP 第一个DEMO".as_bytes());
        assert_eq!(got, expected);
    }

    #[test]
    fn chinese_is_six_bytes() {
        let got = dump('←', peer(), "中文".as_bytes());
        assert_eq!(
            got,
            format!(
                "← 127.0.0.1:10000  6 bytes\n  0000  {:<48} ......\n        \
                 UTF-8: 中 = e4 b8 ad, 文 = e6 96 87\n",
                "e4-b8-ad e6-96-87"
            )
        );
    }

    #[test]
    fn control_and_invalid_bytes_are_dots_and_single() {
        let got = dump('←', peer(), b"\x1b[2J\x07\xff\xe4\xb8");
        assert!(got.contains("1b 5b 32 4a 07 ff e4 b8"), "{got}");
        assert!(got.contains(".[2J...."), "{got}");
        assert!(!got.contains("UTF-8"), "{got}");
        assert!(!got.chars().any(|c| c.is_control() && c != '\n'), "{got:?}");
    }

    #[test]
    fn multi_byte_controls_are_spelled_escaped() {
        let got = dump('←', peer(), "\u{9b}2J\u{202e}x\u{2028}".as_bytes());
        assert!(got.contains("\\x9b = c2 9b"), "{got}");
        assert!(got.contains("\\u{202e} = e2 80 ae"), "{got}");
        assert!(got.contains("\\u{2028} = e2 80 a8"), "{got}");
        assert!(!got.chars().any(|c| c.is_control() && c != '\n'), "{got:?}");
    }

    #[test]
    fn end_of_stream_is_named() {
        let got = dump('←', peer(), b"");
        assert_eq!(
            got,
            "← 127.0.0.1:10000  0 bytes（对方关闭了连接 / end of stream）\n"
        );
    }

    #[test]
    fn long_chinese_text_is_summarised() {
        let text = "网络编程".repeat(10);
        let got = dump('→', peer(), text.as_bytes());
        assert!(got.contains("120 bytes"), "{got}");
        assert!(got.ends_with(", …\n"), "{got}");
        assert_eq!(got.lines().count(), 1 + 8 + 1);
        assert!(
            got.contains(
                "  0000  e7-bd-91 e7-bb-9c e7-bc-96 e7-a8-8b e7-bd-91 e7- "
            ),
            "{got}"
        );
    }
}
