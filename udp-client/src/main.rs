//! 15.3.1 UDP 客户端：每条消息新建一个套接字，发一个数据报，打印回复，
//! 歇一秒再发下一条。
//!
//! 先在一个终端启动服务端，再在另一个终端运行客户端：
//!
//! ```text
//! cargo run -p udp-server
//! cargo run -p udp-client
//! cargo run -p udp-client -- 你好 "第二句"       # 发自己的消息
//! cargo run -p udp-client -- --host 192.168.1.10  # 发给老师的机器
//! cargo run -p udp-client -- -i                   # 逐行输入，end 结束
//! cargo run -p udp-client -- --trace              # 在 stderr 看每个字节
//! ```
//!
//! 没有服务端时，原文的客户端会一直等下去；这里最多等 `--timeout` 秒
//! （默认 5），然后说明原因并退出。全部选项见 `--help`。

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::process::ExitCode;
use std::thread;
use std::time::{Duration, Instant};

use common::cli::{self, Messages, Net, Program, Side};
use common::println; // 同 std 的，但输出被关掉时不 panic
use common::trace::Trace;
use common::{escape_control, explain};
use socket2::{Domain, Socket, Type};

mod reply;

// ANCHOR: steps
/// 发一条消息并打印回复 — Python: def star_c_udp(c_name)
fn star_c_udp(
    c_name: &str,
    adds: SocketAddr,
    args: &Args,
    trace: Trace,
) -> io::Result<()> {
    // ANCHOR: socket
    // 1. 创建套接字，类型为数据报
    //    — Python: soc = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    let soc = Socket::new(Domain::for_address(adds), Type::DGRAM, None)?;
    let soc = UdpSocket::from(soc);
    // 原文没有这一步：收不到回答时最多等 --timeout，而不是永远等下去。
    soc.set_read_timeout(Some(args.timeout))?;
    // ANCHOR_END: socket

    // ANCHOR: sendto
    // 2. 发送，不需要先连接 — Python: soc.sendto(c_name.encode('utf-8'), adds)
    //    一个数据报装不下的消息（IPv4 最多 65,507 字节）先拦下，说明上限。
    if c_name.len() > reply::datagram_max(adds) {
        return Err(reply::too_long(c_name.len(), adds));
    }
    soc.send_to(c_name.as_bytes(), adds)
        .map_err(|e| explain::talk(e, adds))?;
    trace.sent(adds, c_name.as_bytes());
    // ANCHOR_END: sendto

    // ANCHOR: recv
    // 3. 接收并打印 — Python: print(soc.recv(1024).decode('utf-8'))
    //    Python 的 recv 收下任何地址发来的数据报；这里用 recv_from 看来源，
    //    不是 adds 发来的就报告一行、丢掉，在剩下的时间里接着等。
    let mut buf = vec![0; reply::DATAGRAM_MAX];
    let deadline = Instant::now() + args.timeout;
    let n = loop {
        let (n, from) = soc
            .recv_from(&mut buf)
            .map_err(|e| reply::no_answer(e, adds, args.timeout, &args.net))?;
        trace.received(from, &buf[..n]);
        if reply::is_reply_from(from, adds) {
            break n;
        }
        // 不是服务端发来的：报告一行（来得太多时只报几行），只在剩下的时间里接着等。
        reply::ignore(from, adds, &buf[..n]);
        let left = reply::time_left(deadline).ok_or_else(|| {
            explain::no_reply(adds, args.timeout, &args.net.start_server())
        })?;
        soc.set_read_timeout(Some(left))?;
    };
    println!("{}", escape_control(&String::from_utf8_lossy(&buf[..n])));
    // ANCHOR_END: recv

    // 4. 关闭 — Python: soc.close()；Rust 在 soc 离开作用域时自动关闭。
    Ok(())
}

fn main() -> ExitCode {
    let args = PROGRAM.parse();
    common::exit_code(run(&args))
}

fn run(args: &Args) -> io::Result<()> {
    // Python: adds = (hostname, 10000)
    let adds = common::resolve(&args.net.host, args.net.port)?;
    // ANCHOR: loop
    // Python: for i in ['123', '234', '53']: star_c_udp(i); sleep(1)
    let trace = Trace::new(args.trace); // --trace：把收发的字节打印到 stderr
    for c_name in &args.messages {
        star_c_udp(&c_name?, adds, args, trace)?;
        thread::sleep(args.delay);
    }
    // ANCHOR_END: loop
    Ok(())
}
// ANCHOR_END: steps

#[derive(Default)]
struct Args {
    net: Net,
    messages: Messages,
    delay: Duration,
    timeout: Duration,
    trace: bool,
}

/// 本程序的选项，每个一项：写法、中英文说明、默认值、值放在哪里。
const PROGRAM: Program<Args> = Program {
    name: env!("CARGO_PKG_NAME"),
    version: env!("CARGO_PKG_VERSION"),
    about: "15.3.1 UDP 客户端 / UDP client",
    net: Some((Side::Client("udp-server"), |args| &mut args.net)),
    messages: Some((&["123", "234", "53"], |args| &mut args.messages)),
    options: &[
        cli::delay_ms(|args| &mut args.delay, "1000"), // 两条消息之间的 sleep(1)
        cli::timeout(|args| &mut args.timeout, "5"),   // 原文会一直等回答
        cli::trace(|args| &mut args.trace),
    ],
    ..Program::NONE
};
