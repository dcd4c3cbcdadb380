//! client-timeout: the text's client, with a timeout and a clear error.

use std::path::Path;

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
    let (ran, (received, said_done)) =
        net::tcp_client_case(exe, &[], move |mut stream, _| {
            // As the chapter's server: the session ends on an empty read.
            let (got, said_done) = net::read_to_close(&mut stream, STEP);
            if said_done {
                let (head, tail) = net::cut_in_char(&sent);
                let (middle, end) = tail.split_at(tail.len() / 2);
                let pieces = [head, middle, end];
                let _ = net::send_pieces(&mut stream, &pieces, PAUSE);
            }
            (got, said_done)
        })?;
    if received != DEMO.as_bytes() || !said_done {
        let done = if said_done {
            "然后 EOF / then EOF"
        } else {
            "没有等到 EOF / no EOF came"
        };
        return Err(fail(
            format!(
                "服务端收到 / the server receives: {DEMO}\n然后 EOF / then EOF"
            ),
            format!("{}\n{done}", net::shown(&received)),
            (
                "write_all 发完消息后 soc.shutdown(Shutdown::Write)：告诉服务端“我说完了”，它才会回复并关闭连接。",
                "after write_all, soc.shutdown(Shutdown::Write) tells the server you are done: then it replies and closes.",
            ),
        ));
    }
    net::expect_lines(
        &ran,
        &[reply],
        (
            "一次 read 不一定读到整条回复：一直读到服务端关闭连接（read 返回 0，read_to_end 就是这样），再一起解码。",
            "one read may return part of the reply: read until the server closes (read returns 0; read_to_end does it), then decode it all.",
        ),
    )?;
    Ok(Verdict::Passed)
}

fn silent(exe: &Path) -> Outcome {
    let (ran, _) = net::tcp_client_case(exe, &[], |mut stream, over| {
        // Take the message, answer nothing, keep the connection open
        // until the client gives up (or is stopped).
        let _ = net::read_to_close(&mut stream, STEP);
        over.wait(run::CLIENT_DEADLINE);
        drop(stream);
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
