//! 练习 udp-retry（15.3 UDP）：在丢包的网络上重试的 UDP 客户端。
//!
//! 现在的样子：发一次 `123`，然后一直等，谁发来的都当成回复。UDP 会丢包，
//! 也可能有别人往你的端口发数据报。要改成：每次最多等 300 毫秒，没等到就
//! 重发，最多发 5 次，都没有回复就报错退出（退出码 1）；只有从服务端地址
//! 来的数据报才算回复，别的说一句就忽略。
//!
//! 运行：cargo run -p exercises --bin udp-retry -- 127.0.0.1:10000
//! 服务端：cargo run -p udp-server -- --host 127.0.0.1 --drop 0.5
//! 检查：cargo run -p exercises -- check udp-retry

use std::io;
use std::net::UdpSocket;
use std::process::ExitCode;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：{e}");
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> io::Result<()> {
    // 服务端地址：第一个参数（检查程序会传入它）
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:10000".into());

    // 1. 创建 UDP 套接字，端口由系统挑 — Python: socket(AF_INET, SOCK_DGRAM)
    let soc = UdpSocket::bind("0.0.0.0:0")?;

    // 2. 发送 — Python: soc.sendto(b'123', (hostname, 10000))
    soc.send_to(b"123", &addr)?;

    // 3. 接收（一直等，谁发的都收）— Python: data, addr = soc.recvfrom(1024)
    let mut buf = [0; 1024];
    let (n, _from) = soc.recv_from(&mut buf)?;

    // 4. 打印回复（控制字符转义后再打印）
    let reply = String::from_utf8_lossy(&buf[..n]);
    println!("{}", reply.escape_debug());
    Ok(())
}
