//! 参考答案 udp-retry（15.3）：在丢包的网络上重试的 UDP 客户端。
//!
//! 运行：cargo run -p exercises --example udp-retry-solution -- 127.0.0.1:10000
//! 服务端：cargo run -p udp-server -- --host 127.0.0.1 --drop 0.5
//! 检查：cargo run -p exercises -- check udp-retry --solution

use std::io::ErrorKind;
use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// 最多发几次。
const TRIES: u32 = 5;
/// 每次最多等多久。
const WAIT: Duration = Duration::from_millis(300);

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    // 服务端地址：第一个参数（检查程序会传入它）
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:10000".into());
    let server: SocketAddr = addr
        .to_socket_addrs()
        .ok()
        .and_then(|mut all| all.next())
        .ok_or(format!(
            "无法解析地址 {addr}，写成 主机:端口\n\
             cannot resolve {addr}: write it as host:port"
        ))?;
    let failed = |e: std::io::Error| format!("{server}：{e}\n{server}: {e}");

    // 1. 创建 UDP 套接字，和服务端同一个地址族，端口由系统挑
    let any = if server.is_ipv4() {
        "0.0.0.0:0"
    } else {
        "[::]:0"
    };
    let soc = UdpSocket::bind(any).map_err(failed)?;
    let mut buf = [0; 65536];

    for attempt in 1..=TRIES {
        // 2. 发送 — Python: soc.sendto(b'123', (hostname, 10000))
        soc.send_to(b"123", server).map_err(failed)?;
        let deadline = Instant::now() + WAIT;
        // 3. 等到这一次的时间用完：只有服务端发来的才算回复
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            soc.set_read_timeout(Some(left.max(Duration::from_millis(1))))
                .map_err(failed)?;
            match soc.recv_from(&mut buf) {
                Ok((n, from)) if from == server => {
                    // 4. 打印回复（控制字符转义后再打印）
                    let reply = String::from_utf8_lossy(&buf[..n]);
                    println!("{}", reply.escape_debug());
                    return Ok(());
                }
                Ok((_, from)) => eprintln!(
                    "忽略来自 {from} 的数据报（不是服务端）\n\
                     ignored a datagram from {from}: not the server"
                ),
                // 超时（Unix: WouldBlock，Windows: TimedOut）：重发
                // Windows 还会把上一次的“端口不可达”报成 ConnectionReset
                Err(e) if is_timeout(e.kind()) => break,
                Err(e) => return Err(failed(e)),
            }
        }
        if attempt < TRIES {
            eprintln!(
                "第 {attempt} 次没有回复，重发 / no reply to try {attempt}, \
                 sending again"
            );
        }
    }
    Err(format!(
        "{server} 发了 {TRIES} 次都没有回复：服务端启动了吗？\n\
         no reply from {server} after {TRIES} tries: is the server running?"
    ))
}

/// 这次等待没有结果：超时，或 Windows 报来的上一次“端口不可达”。
fn is_timeout(kind: ErrorKind) -> bool {
    matches!(
        kind,
        ErrorKind::WouldBlock
            | ErrorKind::TimedOut
            | ErrorKind::ConnectionReset
            | ErrorKind::ConnectionRefused
    )
}
