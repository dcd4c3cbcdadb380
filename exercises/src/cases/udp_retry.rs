//! udp-retry: a UDP client that resends over a lossy server and takes its
//! reply only from the server's address.

use std::net::{SocketAddr, UdpSocket};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use super::REPLY;
use crate::catalog::Case;
use crate::net;
use crate::run::{self, Ran};
use crate::{Failure, Outcome, Verdict, fail};

pub static CASES: &[Case] = &[
    Case {
        zh: "不丢包：回复马上到",
        en: "no loss: the reply comes at once",
        check: no_loss,
    },
    Case {
        zh: "前两个数据报丢了",
        en: "the first two datagrams are lost",
        check: two_lost,
    },
    Case {
        zh: "先从别的地址来了一个假回复",
        en: "a fake reply from another address comes first",
        check: stray,
    },
    Case {
        zh: "服务端一直不回复",
        en: "the server never answers",
        check: silent,
    },
];

/// What the program sends, as the text's UDP client.
const MESSAGE: &str = "123";

/// The partner: `answer(n)` says whether to answer the n-th datagram
/// (from 1); `stray` sends a fake reply from another socket first.
/// Returns how the program ran and how many datagrams came.
fn case(
    exe: &Path,
    answer: fn(usize) -> bool,
    stray: Option<String>,
    reply: String,
) -> Result<(Ran, usize), Failure> {
    let socket = UdpSocket::bind("127.0.0.1:0").map_err(net::partner_error)?;
    let addr = socket.local_addr().map_err(net::partner_error)?;
    socket
        .set_read_timeout(Some(Duration::from_millis(50)))
        .map_err(net::partner_error)?;
    // Set when the program has ended: the partner stops listening then.
    let over = Arc::new(AtomicBool::new(false));
    let partner_over = over.clone();
    let partner = thread::spawn(move || {
        let end = Instant::now() + run::CLIENT_DEADLINE;
        let mut count = 0;
        let mut buf = [0; 2048];
        while Instant::now() < end && !partner_over.load(Ordering::SeqCst) {
            let Ok((n, from)) = socket.recv_from(&mut buf) else {
                continue; // a timeout: look at the clock again
            };
            count += 1;
            if &buf[..n] != MESSAGE.as_bytes() {
                continue;
            }
            if let Some(fake) = stray.as_deref().filter(|_| count == 1) {
                send_stray(fake, from);
            }
            if answer(count) {
                let _ = socket.send_to(reply.as_bytes(), from);
            }
        }
        count
    });
    let ran = run::client(exe, &[addr.to_string()]);
    over.store(true, Ordering::SeqCst);
    let ran = ran.map_err(net::start_error)?;
    let count = partner.join().unwrap_or(0);
    Ok((ran, count))
}

/// A datagram to `to` from a socket that is not the server.
fn send_stray(fake: &str, to: SocketAddr) {
    if let Ok(other) = UdpSocket::bind("127.0.0.1:0") {
        let _ = other.send_to(fake.as_bytes(), to);
        // Let the fake arrive well before the real reply.
        thread::sleep(Duration::from_millis(50));
    }
}

fn reply() -> String {
    format!("{REPLY}{MESSAGE}（编号 {}）", net::nonce())
}

const RETRY: (&str, &str) = (
    "set_read_timeout(Some(Duration::from_millis(300)))；recv_from 超时（WouldBlock 或 TimedOut）就重发，最多 5 次。",
    "set_read_timeout(Some(Duration::from_millis(300))); when recv_from times out (WouldBlock or TimedOut), send again, at most 5 times.",
);

fn no_loss(exe: &Path) -> Outcome {
    let reply = reply();
    let (ran, count) = case(exe, |_| true, None, reply.clone())?;
    if count == 0 {
        return Err(fail(
            format!("服务端收到 / the server receives: {MESSAGE}"),
            format!("什么也没收到 / nothing\n{}", ran.describe()),
            (
                "用 send_to 把 123 发到第一个参数给的地址。",
                "send_to the address of the first argument.",
            ),
        ));
    }
    net::expect_lines(&ran, &[reply], RETRY)?;
    Ok(Verdict::Passed)
}

fn two_lost(exe: &Path) -> Outcome {
    let reply = reply();
    let (ran, _) = case(exe, |n| n >= 3, None, reply.clone())?;
    net::expect_lines(&ran, &[reply], RETRY)?;
    Ok(Verdict::Passed)
}

fn stray(exe: &Path) -> Outcome {
    let reply = reply();
    let fake = format!("{REPLY}假的 {}", net::nonce());
    let (ran, _) = case(exe, |_| true, Some(fake), reply.clone())?;
    net::expect_lines(
        &ran,
        &[reply],
        (
            "recv_from 告诉你数据报从哪里来：不是服务端的地址，就说一句（stderr）然后接着等。",
            "recv_from says where a datagram came from: if not from the server, say so on stderr and keep waiting.",
        ),
    )?;
    Ok(Verdict::Passed)
}

fn silent(exe: &Path) -> Outcome {
    let (ran, count) = case(exe, |_| false, None, reply())?;
    net::expect_error(&ran, None, RETRY)?;
    if !(2..=10).contains(&count) {
        return Err(fail(
            "重发几次（2 到 10 个数据报），然后放弃 / a few tries (2 to 10 datagrams), then give up",
            format!(
                "服务端收到 {count} 个数据报 / the server got {count} datagrams"
            ),
            RETRY,
        ));
    }
    Ok(Verdict::Passed)
}
