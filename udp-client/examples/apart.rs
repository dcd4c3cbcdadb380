//! 15.3 演示：一个套接字先把数据报全发出去，再收回复，看 UDP 保留每次发送的边界。
//!
//! ```text
//! cargo run -p udp-server                                   # 终端 1
//! cargo run -p udp-client --example apart -- one two three  # 终端 2
//! ```
//!
//! 和 tcp-client 的 `merge` 示例对照：TCP 把三次发送合成一次回复，UDP 的三个
//! 数据报各得一个回复。只认服务端发来的回复（见 `src/reply.rs`）；整个等待
//! 最多 `--timeout` 秒，不管中途来了多少别的数据报。

use std::io;
use std::net::UdpSocket;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use common::cli::{self, Messages, Net, Program, Side};
use common::println; // 同 std 的 println!，但 stdout 被关掉时不 panic
use common::{escape_control, explain, trace::Trace};
use socket2::{Domain, Socket, Type};

#[path = "../src/reply.rs"]
mod reply; // 和 udp-client 共用：认回复、太长的消息、没有回复的说明

fn main() -> ExitCode {
    let args = PROGRAM.parse();
    common::exit_code(run(&args))
}

fn run(args: &Args) -> io::Result<()> {
    let adds = common::resolve(&args.net.host, args.net.port)?;
    let trace = Trace::new(args.trace);
    // 1. 只创建一个套接字 — Python: soc = socket.socket(..., socket.SOCK_DGRAM)
    let soc = Socket::new(Domain::for_address(adds), Type::DGRAM, None)?;
    let soc = UdpSocket::from(soc);

    // 2. 把数据报全发出去，这次不等回复 — Python: soc.sendto(...)
    let mut sends = 0;
    for c_name in &args.messages {
        let c_name = c_name?;
        if c_name.len() > reply::datagram_max(adds) {
            return Err(reply::too_long(c_name.len(), adds));
        }
        soc.send_to(c_name.as_bytes(), adds)
            .map_err(|e| explain::talk(e, adds))?;
        trace.sent(adds, c_name.as_bytes());
        sends += 1;
    }

    // 3. 每个数据报各有一个回复：收 sends 次 — Python: soc.recv(1024)
    //    整个等待一个期限；不是 adds 发来的数据报报告一行后丢掉。
    let deadline = Instant::now() + args.timeout;
    let mut buf = vec![0; reply::DATAGRAM_MAX];
    let mut replies = 0;
    while replies < sends {
        let left = reply::time_left(deadline).ok_or_else(|| {
            explain::no_reply(adds, args.timeout, &args.net.start_server())
        })?;
        soc.set_read_timeout(Some(left))?;
        let (n, from) = soc
            .recv_from(&mut buf)
            .map_err(|e| reply::no_answer(e, adds, args.timeout, &args.net))?;
        trace.received(from, &buf[..n]);
        if !reply::is_reply_from(from, adds) {
            reply::ignore(from, adds, &buf[..n]); // 来得太多时只报几行
            continue;
        }
        replies += 1;
        println!("{}", escape_control(&String::from_utf8_lossy(&buf[..n])));
    }
    println!(
        "发送 {sends} 次，收到回复 {replies} 次 / sends: {sends}, replies: {replies}"
    );
    Ok(())
}

#[derive(Default)]
struct Args {
    net: Net,
    messages: Messages,
    timeout: Duration,
    trace: bool,
}

/// 选项和 udp-client 一样（没有 --delay-ms：这里一口气发完）。
const PROGRAM: Program<Args> = Program {
    name: "udp-client --example apart",
    version: env!("CARGO_PKG_VERSION"),
    about: "15.3 演示：先发完再收，数据报各自独立 / send all, then read",
    net: Some((Side::Client("udp-server"), |args| &mut args.net)),
    messages: Some((&["123", "234", "53"], |args| &mut args.messages)),
    options: &[
        cli::timeout(|args| &mut args.timeout, "5"),
        cli::trace(|args| &mut args.trace),
    ],
    ..Program::NONE
};
