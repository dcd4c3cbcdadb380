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

use std::io::{self, ErrorKind};
use std::net::{SocketAddr, UdpSocket};
use std::process::ExitCode;
use std::thread;
use std::time::{Duration, Instant};

use common::cli::{Args, Spec};
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
    timeout: Duration,
    trace: Trace,
) -> io::Result<()> {
    // ANCHOR: socket
    // 1. 创建套接字，类型为数据报
    //    — Python: soc = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    let soc = Socket::new(Domain::for_address(adds), Type::DGRAM, None)?;
    let soc = UdpSocket::from(soc);
    // 原文没有这一步：收不到回答时最多等 timeout，而不是永远等下去。
    soc.set_read_timeout(Some(timeout))?;
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
    let mut buf = vec![0; DATAGRAM_MAX];
    let deadline = Instant::now() + timeout;
    let n = loop {
        let (n, from) = soc
            .recv_from(&mut buf)
            .map_err(|e| no_answer(e, adds, timeout))?;
        trace.received(from, &buf[..n]);
        if reply::is_reply_from(from, adds) {
            break n;
        }
        // 不是服务端发来的：报告一行（来得太多时只报几行），只在剩下的时间里接着等。
        reply::ignore(from, adds, &buf[..n]);
        let left = reply::time_left(deadline)
            .ok_or_else(|| explain::no_reply(adds, timeout, "udp-server"))?;
        soc.set_read_timeout(Some(left))?;
    };
    println!("{}", escape_control(&String::from_utf8_lossy(&buf[..n])));
    // ANCHOR_END: recv

    // 4. 关闭 — Python: soc.close()；Rust 在 soc 离开作用域时自动关闭。
    Ok(())
}

fn main() -> ExitCode {
    let args = SPEC.parse();
    common::exit_code(run(&args))
}

fn run(args: &Args) -> io::Result<()> {
    // Python: adds = (hostname, 10000)
    let adds = common::resolve(&args.host, args.port)?;
    if args.send_all_first {
        return send_all_first(args, adds);
    }
    // ANCHOR: loop
    // Python: for i in ['123', '234', '53']: star_c_udp(i); sleep(1)
    let trace = Trace::new(args.trace); // --trace：把收发的字节打印到 stderr
    for c_name in args.messages() {
        star_c_udp(&c_name?, adds, args.timeout, trace)?;
        thread::sleep(args.delay);
    }
    // ANCHOR_END: loop
    Ok(())
}
// ANCHOR_END: steps

/// `--send-all-first`：一个套接字先把数据报全发出去，再收回复，看 UDP 保留边界。
fn send_all_first(args: &Args, adds: SocketAddr) -> io::Result<()> {
    let soc = Socket::new(Domain::for_address(adds), Type::DGRAM, None)?;
    let soc = UdpSocket::from(soc);
    let trace = Trace::new(args.trace);
    let mut sends = 0;
    for c_name in args.messages() {
        let c_name = c_name?;
        if c_name.len() > reply::datagram_max(adds) {
            return Err(reply::too_long(c_name.len(), adds));
        }
        // Python: soc.sendto(c_name.encode('utf-8'), adds)，这次不等回复
        soc.send_to(c_name.as_bytes(), adds)
            .map_err(|e| explain::talk(e, adds))?;
        trace.sent(adds, c_name.as_bytes());
        sends += 1;
    }
    // 每个数据报各有一个回复：收 sends 次，每次最多等 --timeout。
    // 和逐条发送时一样，只算 adds 发来的回复，别的报告一行后丢掉。
    let mut buf = vec![0; DATAGRAM_MAX];
    for _ in 0..sends {
        let deadline = Instant::now() + args.timeout;
        soc.set_read_timeout(Some(args.timeout))?;
        let n = loop {
            // Python: print(soc.recv(1024).decode('utf-8'))
            let (n, from) = soc
                .recv_from(&mut buf)
                .map_err(|e| no_answer(e, adds, args.timeout))?;
            trace.received(from, &buf[..n]);
            if reply::is_reply_from(from, adds) {
                break n;
            }
            reply::ignore(from, adds, &buf[..n]);
            let left = reply::time_left(deadline).ok_or_else(|| {
                explain::no_reply(adds, args.timeout, "udp-server")
            })?;
            soc.set_read_timeout(Some(left))?;
        };
        println!("{}", escape_control(&String::from_utf8_lossy(&buf[..n])));
    }
    println!(
        "发送 {sends} 次，收到回复 {sends} 次 / sends: {sends}, replies: {sends}"
    );
    Ok(())
}

/// recv 没等到回答时的说明：超时；或者系统收到“端口不可达”，报成拒绝/重置
/// ——都是没人回答。
fn no_answer(err: io::Error, adds: SocketAddr, timeout: Duration) -> io::Error {
    match err.kind() {
        ErrorKind::WouldBlock
        | ErrorKind::TimedOut
        | ErrorKind::ConnectionRefused
        | ErrorKind::ConnectionReset => {
            explain::no_reply(adds, timeout, "udp-server")
        }
        _ => explain::talk(err, adds),
    }
}

/// 这个程序接受的选项：客户端的预设，加上下面几项。
const SPEC: Spec = Spec {
    name: env!("CARGO_PKG_NAME"),
    version: env!("CARGO_PKG_VERSION"),
    about: "15.3.1 UDP 客户端 / UDP client",
    delay_ms: Some(1000), // --delay-ms：原文两条消息之间的 sleep(1)
    timeout_s: Some(5),   // --timeout：等回答最多几秒（原文会一直等）
    messages: Some(&["123", "234", "53"]), // 不给消息时发原文这三条
    send_all_first: true, // --send-all-first：演示数据报的边界
    ..Spec::CLIENT
};

/// 回复比消息多一个前缀，可能超过原文的 1024 字节：整个数据报都收下。
const DATAGRAM_MAX: usize = 65_536;
