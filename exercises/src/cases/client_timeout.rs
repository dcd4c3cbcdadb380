//! client-timeout: the text's client, with a timeout and a clear error.

use std::path::Path;
use std::time::Duration;

use super::{DEMO, REPLY};
use crate::catalog::Case;
use crate::net::{self, PAUSE, STEP};
use crate::{Outcome, Verdict, fail, run};

pub static CASES: &[Case] = &[
    Case {
        zh: "回复分三次到达，汉字被切开",
        en: "the reply comes in three pieces, a character cut",
        check: pieces,
    },
    Case {
        zh: "服务端收下消息却不回复",
        en: "the server takes the message and never answers",
        check: silent,
    },
    Case {
        zh: "没有服务端在听",
        en: "nobody listens",
        check: refused,
    },
];

fn pieces(exe: &Path) -> Outcome {
    let reply = format!("{REPLY}{DEMO}（编号 {}）", net::nonce());
    let sent = reply.clone();
    let (ran, received) = net::tcp_client_case(exe, &[], move |mut stream| {
        let got = net::read_len(&mut stream, DEMO.len(), STEP);
        let (head, tail) = net::cut_in_char(&sent);
        let (middle, end) = tail.split_at(tail.len() / 2);
        let _ = net::send_pieces(&mut stream, &[head, middle, end], PAUSE);
        got
    })?;
    if received != DEMO.as_bytes() {
        return Err(fail(
            format!("服务端收到 / the server receives: {DEMO}"),
            net::shown(&received),
            (
                "先把书里的消息发出去（write_all）。",
                "send the text's message first (write_all).",
            ),
        ));
    }
    net::expect_lines(
        &ran,
        &[reply],
        (
            "一次 read 不一定读到整条回复：一直读到服务端关闭连接（read 返回 0），再一起解码。",
            "one read may return part of the reply: read until the server closes (read returns 0), then decode it all.",
        ),
    )?;
    Ok(Verdict::Passed)
}

fn silent(exe: &Path) -> Outcome {
    let (ran, _) = net::tcp_client_case(exe, &[], |mut stream| {
        // Hold the connection open, answering nothing, until the client
        // gives up (or is stopped).
        net::read_to_close(
            &mut stream,
            run::CLIENT_DEADLINE + Duration::from_secs(1),
        )
        .0
    })?;
    net::expect_error(
        &ran,
        None,
        (
            "set_read_timeout(Some(Duration::from_secs(1)))，超时的 read 返回 WouldBlock 或 TimedOut：把它变成一句中英文的错误，退出码 1。",
            "set_read_timeout(Some(Duration::from_secs(1))); a read that times out returns WouldBlock or TimedOut: turn it into a two-language error, exit code 1.",
        ),
    )?;
    Ok(Verdict::Passed)
}

fn refused(exe: &Path) -> Outcome {
    let addr = net::closed_port().map_err(net::partner_error)?;
    let ran =
        run::client(exe, &[addr.to_string()]).map_err(net::start_error)?;
    net::expect_error(
        &ran,
        Some(&addr.to_string()),
        (
            "连接失败时说出连的是哪个地址，并提醒先启动服务端。",
            "when connect fails, name the address and suggest starting the server first.",
        ),
    )?;
    Ok(Verdict::Passed)
}
