//! 15.3 连接的 UDP：cargo run -p udp-client --example connected
//! [-- 地址:端口 [消息…]]，默认 127.0.0.1:10000；先在另一个终端运行
//! cargo run -p udp-server -- --host 127.0.0.1（不运行它，就能看到“拒绝”）。
//!
//! UDP 套接字也能 connect()：不握手、不发任何包，只是让系统记住对方的地址。
//! 之后用 send/recv 代替 sendto/recvfrom，系统只把从那个地址来的数据报交给
//! 我们。对方端口上没有程序时，对方系统回的 ICMP“端口不可达”会让下一次
//! recv 报 ConnectionRefused（Linux、macOS）；没 connect 的套接字收不到这个
//! 报告，只能等到超时（Windows 例外：没 connect 也会报 WSAECONNRESET）。
use std::io::{self, ErrorKind};
use std::net::{ToSocketAddrs, UdpSocket};
use std::time::Duration;
use std::{env, process::ExitCode};

/// 每条消息最多等这么久的回复。
const TIMEOUT: Duration = Duration::from_secs(5);

fn main() -> ExitCode {
    let mut args = env::args().skip(1);
    let target = args.next().unwrap_or("127.0.0.1:10000".into());
    let mut messages: Vec<String> = args.collect();
    if messages.is_empty() {
        messages = ["123", "234", "53"].map(String::from).to_vec();
    }
    let Err(err) = run(&target, &messages) else {
        return ExitCode::SUCCESS;
    };
    match err.kind() {
        ErrorKind::ConnectionRefused => {
            let server = "cargo run -p udp-server -- --host 127.0.0.1";
            eprintln!(
                "{target} 拒绝了：那个端口上没有程序在收，先运行 {server}"
            );
            eprintln!("refused: nothing listens on {target}; start the server");
        }
        ErrorKind::WouldBlock | ErrorKind::TimedOut => {
            let secs = TIMEOUT.as_secs();
            eprintln!("{secs} 秒内没有回复：数据报丢了，或对方不回");
            eprintln!("no reply from {target} within {secs} s: {err}");
        }
        _ => {
            eprintln!("无法和 {target} 通信：地址写成 主机:端口 / {err}");
        }
    }
    ExitCode::FAILURE
}

fn run(target: &str, messages: &[String]) -> io::Result<()> {
    let not_found = || io::Error::new(ErrorKind::NotFound, "no address");
    let addr = target.to_socket_addrs()?.next().ok_or_else(not_found)?;
    // 1. 创建 UDP 套接字 — Python: soc = socket.socket(AF_INET, SOCK_DGRAM)
    //    （std 在 bind 时创建；端口 0：系统挑一个临时端口）
    let any = if addr.is_ipv4() {
        "0.0.0.0:0"
    } else {
        "[::]:0"
    };
    let soc = UdpSocket::bind(any)?;
    // 2. 连接：只记下对方的地址，不发任何包 — Python: soc.connect(adds)
    soc.connect(addr)?;
    soc.set_read_timeout(Some(TIMEOUT))?;
    println!("已连接 {addr}，本地地址 {}", soc.local_addr()?);
    let mut buf = [0; 65_536];
    for message in messages {
        // 3. 发送：不用再写地址 — Python: soc.send(msg.encode())
        soc.send(message.as_bytes())?;
        // 4. 接收：只会收到 addr 发来的 — Python: soc.recv(1024)
        let n = soc.recv(&mut buf)?;
        let reply = String::from_utf8_lossy(&buf[..n]);
        println!("{}", reply.escape_debug()); // 控制字符转义后再打印
    }
    Ok(())
}
