//! Received text made safe to print, through the public API: UTF-8 split
//! across reads kept whole, control and invisible characters escaped.

// Test code: a failed step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::borrow::Cow;

use common::{Utf8Stream, escape_control};

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

#[test]
fn invisible_format_characters_are_shown() {
    for (raw, shown) in [
        ("a\u{200b}b", "a\\u{200b}b"),
        ("\u{feff}end", "\\u{feff}end"),
        ("\u{e0041}\u{e007f}", "\\u{e0041}\\u{e007f}"),
        ("soft\u{ad}hyphen", "soft\\xadhyphen"),
        ("\u{2060}\u{2066}x\u{2069}", "\\u{2060}\\u{2066}x\\u{2069}"),
        ("\u{200e}\u{200f}\u{61c}", "\\u{200e}\\u{200f}\\u{61c}"),
        ("\u{3164}", "\\u{3164}"),
    ] {
        assert_eq!(escape_control(raw), shown);
    }
    // Two messages that differ only by an invisible character no
    // longer print the same.
    assert_ne!(escape_control("end"), escape_control("en\u{200b}d"));
    // What a student types every day is left alone.
    for text in ["中文，标点。", "emoji ❤️ 👍🏽", "C:\\path", "café"]
    {
        assert!(matches!(escape_control(text), Cow::Borrowed(_)));
    }
}

/// Reverses `escape_control` for text that had no backslash of its
/// own: if this gives the input back, no two such texts print alike.
fn unescape(shown: &str) -> String {
    let code = |hex: &str| {
        char::from_u32(u32::from_str_radix(hex, 16).unwrap()).unwrap()
    };
    let mut out = String::new();
    let mut rest = shown;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 1..];
        let (c, used) = match tail.as_bytes()[0] {
            b'n' => ('\n', 1),
            b'r' => ('\r', 1),
            b't' => ('\t', 1),
            b'0' => ('\0', 1),
            b'x' => (code(&tail[1..3]), 3),
            b'u' => {
                let end = tail.find('}').unwrap();
                (code(&tail[2..end]), end + 1)
            }
            other => panic!("unknown escape {other}"),
        };
        out.push(c);
        rest = &tail[used..];
    }
    out + rest
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
        // Nothing left that would need escaping: escaping again changes nothing.
        prop_assert!(matches!(escape_control(&escaped), Cow::Borrowed(_)));
    }

    #[test]
    fn different_texts_never_print_the_same(
        text in "[a\\u{0}-\\u{7f}\\u{ad}\\u{200b}-\\u{200f}\\u{2028}-\\u{206f}\\u{feff}\\u{e0000}-\\u{e007f}中]{0,24}",
        more in any::<String>(),
    ) {
        // Without a backslash of its own, the printed text gives the
        // received text back: nothing is lost or merged.
        for text in [text, more] {
            let text = text.replace('\\', "");
            prop_assert_eq!(unescape(&escape_control(&text)), text);
        }
    }
}
