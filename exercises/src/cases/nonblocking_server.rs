//! nonblocking-server: one thread serves everyone, with non-blocking
//! sockets.

use std::io::Write;
use std::net::TcpStream;
use std::path::Path;

use super::REPLY;
use crate::catalog::Case;
use crate::net::{self, STEP};
use crate::{Failure, Outcome, Verdict, fail};

pub static CASES: &[Case] = &[
    Case {
        zh: "一个客户端不说话，另一个照样得到回复",
        en: "a silent client does not hold up another",
        check: silent_first,
    },
    Case {
        zh: "五个客户端轮流说话",
        en: "five clients take turns",
        check: five,
    },
    Case {
        zh: "一个客户端重置了连接，服务端继续服务",
        en: "a client resets; the server goes on",
        check: reset,
    },
    Case {
        zh: "整个服务端只有一个线程",
        en: "the whole server is one thread",
        check: one_thread,
    },
];

const HINT: (&str, &str) = (
    "listener 和每个连接都 set_nonblocking(true)；循环里先试 accept，再挨个试 read，WouldBlock 表示“现在没有”，跳过。",
    "set_nonblocking(true) on the listener and each connection; in a loop try accept, then read each client: WouldBlock means \"nothing now\", skip it.",
);

fn talk(stream: &mut TcpStream) -> Result<(), Failure> {
    let message = format!("在吗 {}", net::nonce());
    stream
        .write_all(message.as_bytes())
        .map_err(net::server_gone)?;
    let want = format!("{REPLY}{message}");
    let got = net::read_len(stream, want.len(), STEP);
    if got == want.as_bytes() {
        return Ok(());
    }
    Err(net::step_failed(&want, "", &got, HINT))
}

fn silent_first(exe: &Path) -> Outcome {
    net::server_case(exe, |addr, _| {
        let _silent = net::connect(addr).map_err(net::server_gone)?;
        let mut talker = net::connect(addr).map_err(net::server_gone)?;
        talk(&mut talker)
    })
}

fn five(exe: &Path) -> Outcome {
    net::server_case(exe, |addr, _| {
        let mut clients = Vec::new();
        for _ in 0..5 {
            clients.push(net::connect(addr).map_err(net::server_gone)?);
        }
        for _round in 0..2 {
            for client in clients.iter_mut().rev() {
                talk(client)?;
            }
        }
        Ok(())
    })
}

fn reset(exe: &Path) -> Outcome {
    net::server_case(exe, |addr, _| {
        let mut rude = net::connect(addr).map_err(net::server_gone)?;
        rude.write_all("我马上走".as_bytes())
            .map_err(net::server_gone)?;
        net::reset(rude);
        let mut next = net::connect(addr).map_err(net::server_gone)?;
        talk(&mut next)?;
        talk(&mut next)
    })
}

fn one_thread(exe: &Path) -> Outcome {
    if !cfg!(target_os = "linux") {
        return Ok(Verdict::Skipped(
            "只有 Linux 上能数线程 / threads are counted on Linux only",
        ));
    }
    net::server_case(exe, |addr, pid| {
        let mut clients = Vec::new();
        for _ in 0..3 {
            let mut client = net::connect(addr).map_err(net::server_gone)?;
            talk(&mut client)?;
            clients.push(client);
        }
        let threads = std::fs::read_dir(format!("/proc/{pid}/task"))
            .map(|tasks| tasks.count())
            .map_err(net::server_gone)?;
        if threads == 1 {
            return Ok(());
        }
        Err(fail(
            "三个客户端在线时只有 1 个线程 / 1 thread with three clients online",
            format!("{threads} 个线程 / threads"),
            (
                "这个练习不用 thread::spawn：一个循环轮流照看所有套接字。",
                "no thread::spawn in this one: one loop looks after every socket in turn.",
            ),
        ))
    })
    .map(|_| Verdict::Passed)
}
