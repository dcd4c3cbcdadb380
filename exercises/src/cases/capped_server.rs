//! capped-server: a thread per client, at most three at once.

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use super::REPLY;
use crate::catalog::Case;
use crate::net::{self, STEP};
use crate::{Failure, Outcome, fail};

pub static CASES: &[Case] = &[
    Case {
        zh: "三个客户端同时在线，后连的先说话",
        en: "three clients at once, the last to come speaks first",
        check: three,
    },
    Case {
        zh: "第四个客户端被告知已满，然后断开",
        en: "a fourth client is told the server is full, then closed",
        check: fourth,
    },
    Case {
        zh: "有人离开后，新的客户端又能进来",
        en: "when one leaves, a new client gets in",
        check: frees,
    },
];

const FULL: &str = "server full";

/// One message and its reply, the text's protocol (a reply per read).
fn talk(
    stream: &mut TcpStream,
    hint: (&'static str, &'static str),
) -> Result<(), Failure> {
    let message = format!("你好 {}", net::nonce());
    stream
        .write_all(message.as_bytes())
        .map_err(net::server_gone)?;
    let want = format!("{REPLY}{message}");
    let got = net::read_len(stream, want.len(), STEP);
    if got == want.as_bytes() {
        return Ok(());
    }
    Err(net::step_failed(&want, "", &got, hint))
}

const THREADS: (&str, &str) = (
    "每个连接交给一个线程（thread::spawn），主线程马上回去 accept。",
    "hand each connection to a thread (thread::spawn); the main thread goes back to accept at once.",
);

fn three_connected(addr: SocketAddr) -> Result<Vec<TcpStream>, Failure> {
    let mut clients = Vec::new();
    for _ in 0..3 {
        clients.push(net::connect(addr).map_err(net::server_gone)?);
    }
    for client in clients.iter_mut().rev() {
        talk(client, THREADS)?;
    }
    Ok(clients)
}

fn three(exe: &Path) -> Outcome {
    net::server_case(exe, |addr, _| three_connected(addr).map(drop))
}

fn fourth(exe: &Path) -> Outcome {
    net::server_case(exe, |addr, _| {
        let _three = three_connected(addr)?;
        let mut fourth = net::connect(addr).map_err(net::server_gone)?;
        let (got, closed) = net::read_to_close(&mut fourth, STEP);
        let text = String::from_utf8_lossy(&got);
        if text.contains("已满") && text.contains(FULL) && closed {
            return Ok(());
        }
        Err(fail(
            "服务端已满，请稍后再试 / server full, try again later\\n\n\
             （然后连接关闭 / then closed）",
            net::shown_and_close(&got, closed),
            (
                "数一数在线的连接（Arc<AtomicUsize>）；到了上限就给新来的发一句说明，然后关闭它。",
                "count the live connections (Arc<AtomicUsize>); at the cap, send the newcomer a line and close it.",
            ),
        ))
    })
}

fn frees(exe: &Path) -> Outcome {
    net::server_case(exe, |addr, _| {
        let mut clients = three_connected(addr)?;
        drop(clients.remove(0));
        // The server notices the close a moment later: try for a while.
        let end = Instant::now() + STEP;
        let mut last = Vec::new();
        while Instant::now() < end {
            let mut newcomer = net::connect(addr).map_err(net::server_gone)?;
            let message = format!("我来了 {}", net::nonce());
            let _ = newcomer.write_all(message.as_bytes());
            let want = format!("{REPLY}{message}");
            last = net::read_len(&mut newcomer, want.len(), STEP);
            if last == want.as_bytes() {
                return Ok(());
            }
            thread::sleep(Duration::from_millis(50));
        }
        Err(net::step_failed(
            "",
            "离开一个以后，新客户端得到回复 / after one leaves, a newcomer gets replies",
            &last,
            (
                "客户端的线程结束时把计数减一（哪怕它是出错结束的）：放一个在 Drop 里减一的值最稳。",
                "decrement the count when a client's thread ends, also on error: a value that decrements in Drop is safest.",
            ),
        ))
    })
}
