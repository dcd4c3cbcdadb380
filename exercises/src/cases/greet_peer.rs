//! greet-peer: a server that greets each client with the client's address.

use std::net::{SocketAddr, TcpStream};
use std::path::Path;

use crate::catalog::Case;
use crate::net::{self, STEP};
use crate::{Failure, Outcome, fail};

pub static CASES: &[Case] = &[
    Case {
        zh: "一个客户端：问候里是它自己的地址",
        en: "one client: the greeting names its own address",
        check: one,
    },
    Case {
        zh: "三个客户端同时连上，各自收到自己的地址",
        en: "three clients at once, each greeted with its own address",
        check: three,
    },
    Case {
        zh: "一个客户端连上就走，下一个照样被问候",
        en: "a client leaves at once; the next is still greeted",
        check: leaver,
    },
];

const HINT: (&str, &str) = (
    "accept 返回 (stream, peer)，peer 就是对方的地址（Python: getpeername）；发完问候就关闭连接。",
    "accept returns (stream, peer): peer is the client's address (Python: getpeername); close after the greeting.",
);

/// The greeting a client at `me` should get, then the close.
fn greeted(mut stream: TcpStream) -> Result<(), Failure> {
    let me = stream.local_addr().map_err(net::partner_error)?;
    let want = format!("你好，{me}！\n");
    let (got, closed) = net::read_to_close(&mut stream, STEP);
    if got == want.as_bytes() && closed {
        return Ok(());
    }
    Err(fail(
        format!("{}\n（然后连接关闭 / then closed）", net::wire(&want)),
        net::shown_and_close(&got, closed),
        HINT,
    ))
}

fn one(exe: &Path) -> Outcome {
    net::server_case(exe, |addr: SocketAddr, _| {
        greeted(net::connect(addr).map_err(net::server_gone)?)
    })
}

fn three(exe: &Path) -> Outcome {
    net::server_case(exe, |addr, _| {
        let mut clients = Vec::new();
        for _ in 0..3 {
            clients.push(net::connect(addr).map_err(net::server_gone)?);
        }
        // Read them last first: each greeting must match its own client.
        for client in clients.into_iter().rev() {
            greeted(client)?;
        }
        Ok(())
    })
}

fn leaver(exe: &Path) -> Outcome {
    net::server_case(exe, |addr, _| {
        drop(net::connect(addr).map_err(net::server_gone)?);
        let early = net::connect(addr).map_err(net::server_gone)?;
        net::reset(early);
        greeted(net::connect(addr).map_err(net::server_gone)?)
    })
}
