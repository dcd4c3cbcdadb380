//! length-prefix: messages framed by a big-endian u32 length.

use std::io::Write;
use std::net::TcpStream;
use std::path::Path;

use crate::catalog::Case;
use crate::net::{self, PAUSE, STEP};
use crate::{Outcome, Verdict, fail, run};

pub static CASES: &[Case] = &[
    Case {
        zh: "两条消息在一次写里，其中一条带换行",
        en: "two messages in one write, one with a newline",
        check: together,
    },
    Case {
        zh: "一次只写一个字节，长度也被切开；还有一条空消息",
        en: "one byte per write, the length cut too; an empty message",
        check: bytewise,
    },
    Case {
        zh: "一条消息发到一半连接就关了",
        en: "closed in the middle of a message",
        check: unfinished,
    },
    Case {
        zh: "长度大得离谱（约 4 GB）",
        en: "an absurd length (about 4 GB)",
        check: absurd,
    },
];

/// What the program must send first: 你好 in one framed message.
const HELLO: &str = "你好";

const HINT: (&str, &str) = (
    "read_exact 读满 4 个字节的长度（u32::from_be_bytes），再 read_exact 读满这么多字节；只在两条消息之间遇到连接关闭才算正常结束。",
    "read_exact the 4-byte length (u32::from_be_bytes), then read_exact that many bytes; a close is normal only between messages.",
);

fn frame(text: &str) -> Vec<u8> {
    let mut bytes = (text.len() as u32).to_be_bytes().to_vec();
    bytes.extend_from_slice(text.as_bytes());
    bytes
}

/// Reads the program's framed 你好 and returns what came if it was not.
fn hello_from(stream: &mut TcpStream) -> Vec<u8> {
    let want = frame(HELLO);
    net::read_len(stream, want.len(), STEP)
}

/// Runs the program against a partner that checks its 你好, then does
/// `send`; returns how it ran, or a failure if the 你好 was wrong.
fn case(
    exe: &Path,
    send: impl FnOnce(&mut TcpStream) + Send + 'static,
) -> Result<run::Ran, crate::Failure> {
    let (ran, hello) = net::tcp_client_case(exe, &[], move |mut stream, _| {
        let hello = hello_from(&mut stream);
        if hello == frame(HELLO) {
            send(&mut stream);
        }
        hello
    })?;
    if hello != frame(HELLO) {
        return Err(fail(
            format!(
                "程序先发 {:02x?}（长度 6，大端）再加“你好” / first the 4-byte big-endian length 6, then 你好",
                frame(HELLO)
            ),
            format!("{hello:02x?}\n{}", ran.describe()),
            (
                "长度用 (len as u32).to_be_bytes()：网络字节序是大端。",
                "send the length as (len as u32).to_be_bytes(): network byte order is big-endian.",
            ),
        ));
    }
    Ok(ran)
}

fn together(exe: &Path) -> Outcome {
    let one = format!("第一条 {}", net::nonce());
    let two = format!("第二条\n还是第二条 {}", net::nonce());
    let wire = [frame(&one), frame(&two)].concat();
    let ran = case(exe, move |stream| {
        let _ = stream.write_all(&wire);
    })?;
    let lines = [one, two].map(|m| m.escape_debug().to_string());
    net::expect_lines(&ran, &lines, HINT)?;
    Ok(Verdict::Passed)
}

fn bytewise(exe: &Path) -> Outcome {
    let one = format!("一个字节一个字节 {}", net::nonce());
    let three = format!("空消息之后 {}", net::nonce());
    let wire = [frame(&one), frame(""), frame(&three)].concat();
    let ran = case(exe, move |stream| {
        let _ = net::send_bytewise(stream, &wire);
    })?;
    net::expect_lines(&ran, &[one, String::new(), three], HINT)?;
    Ok(Verdict::Passed)
}

fn unfinished(exe: &Path) -> Outcome {
    let whole = format!("完整 {}", net::nonce());
    let mut cut = 100u32.to_be_bytes().to_vec();
    cut.extend_from_slice("只有一点".as_bytes());
    let (frame_whole, cut_wire) = (frame(&whole), cut);
    let ran = case(exe, move |stream| {
        let _ = net::send_pieces(stream, &[&frame_whole, &cut_wire], PAUSE);
    })?;
    let lines_ok = ran.stdout.lines().collect::<Vec<_>>() == [whole.as_str()];
    net::expect_error(
        &ran,
        None,
        (
            "read_exact 在消息中途遇到关闭会返回 UnexpectedEof：把它报告成错误（退出码 1），前面完整的消息照样打印。",
            "read_exact returns UnexpectedEof on a close mid-message: report it as an error (exit code 1); print the whole messages before it.",
        ),
    )?;
    if !lines_ok {
        return Err(fail(format!("stdout:\n{whole}"), ran.describe(), HINT));
    }
    Ok(Verdict::Passed)
}

fn absurd(exe: &Path) -> Outcome {
    let ran = case(exe, |stream| {
        let _ = stream.write_all(&0xFFFF_FFF0u32.to_be_bytes());
        let _ = stream.write_all(b"abc");
        // Keep the connection open: a program that waits for 4 GB hangs.
        let _ = net::read_to_close(stream, run::CLIENT_DEADLINE);
    })?;
    net::expect_error(
        &ran,
        None,
        (
            "读到长度后先看它合不合理（比如不超过 1 MiB），太大就报错退出；不要先分配这么大的缓冲区。",
            "check the length first (say at most 1 MiB) and fail with an error if it is larger; never allocate that much up front.",
        ),
    )?;
    Ok(Verdict::Passed)
}
