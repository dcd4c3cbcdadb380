//! lines-client: read newline-framed messages, whatever the chunking.

use std::io::Write;
use std::path::Path;

use crate::catalog::Case;
use crate::net::{self, PAUSE};
use crate::{Outcome, Verdict, fail};

pub static CASES: &[Case] = &[
    Case {
        zh: "三行在一次写里（有一行以 \\r\\n 结尾）",
        en: "three lines in one write (one ends in \\r\\n)",
        check: together,
    },
    Case {
        zh: "一次只写一个字节",
        en: "one byte per write",
        check: bytewise,
    },
    Case {
        zh: "一个汉字被切成两半，中间停一下",
        en: "a character cut in two, with a pause",
        check: cut,
    },
    Case {
        zh: "最后一行没写完连接就关了",
        en: "closed in the middle of the last line",
        check: unfinished,
    },
    Case {
        zh: "一行里有清屏的控制字符",
        en: "a line with a clear-screen control sequence",
        check: control,
    },
];

const HINT: (&str, &str) = (
    "收到的字节先攒进一个 Vec<u8>，只有遇到 b'\\n' 才切出一行、去掉 \\r、再解码打印；剩下的留到下次。",
    "collect the bytes in a Vec<u8>; only at b'\\n' cut a line, drop a \\r, decode and print it; keep the rest for later.",
);

/// Runs the client against a partner that writes `pieces` and closes;
/// it must print exactly `lines`.
fn case(
    exe: &Path,
    pieces: Vec<Vec<u8>>,
    bytewise: bool,
    lines: Vec<String>,
) -> Outcome {
    let (ran, _) = net::tcp_client_case(exe, &[], move |mut stream, _| {
        if bytewise {
            let _ = net::send_bytewise(&mut stream, &pieces.concat());
        } else {
            let pieces: Vec<&[u8]> = pieces.iter().map(Vec::as_slice).collect();
            let _ = net::send_pieces(&mut stream, &pieces, PAUSE);
        }
    })?;
    net::expect_lines(&ran, &lines, HINT)?;
    Ok(Verdict::Passed)
}

fn together(exe: &Path) -> Outcome {
    let lines: Vec<String> = ["第一行", "第二行", "第三行"]
        .iter()
        .map(|l| format!("{l} {}", net::nonce()))
        .collect();
    let wire = format!("{}\n{}\r\n{}\n", lines[0], lines[1], lines[2]);
    case(exe, vec![wire.into_bytes()], false, lines)
}

fn bytewise(exe: &Path) -> Outcome {
    let lines = vec![
        format!("一个字节 {}", net::nonce()),
        format!("又一行 {}", net::nonce()),
    ];
    let wire = format!("{}\n{}\n", lines[0], lines[1]);
    case(exe, vec![wire.into_bytes()], true, lines)
}

fn cut(exe: &Path) -> Outcome {
    let line = format!("你好，世界 {}", net::nonce());
    let wire = format!("{line}\n");
    let (head, tail) = net::cut_in_char(&wire);
    case(exe, vec![head.to_vec(), tail.to_vec()], false, vec![line])
}

fn unfinished(exe: &Path) -> Outcome {
    let line = format!("完整的一行 {}", net::nonce());
    let wire = format!("{line}\n没写完的一");
    case(exe, vec![wire.into_bytes()], false, vec![line])
}

/// A peer that sends ESC [2J must not clear the terminal: the line is
/// printed, its control characters escaped (in any visible form).
fn control(exe: &Path) -> Outcome {
    let token = net::nonce();
    let wire = format!("清屏\u{1b}[2J {token}\n");
    let (ran, _) = net::tcp_client_case(exe, &[], move |mut stream, _| {
        let _ = stream.write_all(wire.as_bytes());
    })?;
    let raw = ran.stdout.chars().any(|c| c.is_control() && c != '\n');
    let lines = ran.stdout.lines().count();
    if ran.code() == Some(0)
        && !raw
        && lines == 1
        && ran.stdout.contains(&token)
    {
        return Ok(Verdict::Passed);
    }
    Err(fail(
        format!(
            "一行，控制字符转义显示，例如 / one line, its control characters escaped, e.g.:\n清屏\\u{{1b}}[2J {token}"
        ),
        ran.describe(),
        (
            "打印收到的文字之前转义控制字符，比如 line.escape_debug()，免得对方清掉你的屏幕。",
            "escape control characters before printing received text, e.g. line.escape_debug(), so a peer cannot clear your screen.",
        ),
    ))
}
