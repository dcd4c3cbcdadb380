//! 参考答案 client-timeout（15.2.1）：带超时、报错清楚的客户端。
//!
//! 服务端：cargo run -p tcp-server -- --host 127.0.0.1
//! 运行：cargo run -p exercises --example client-timeout-solution -- 127.0.0.1:10000
//! 检查：cargo run -p exercises -- check client-timeout --solution

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream, ToSocketAddrs};
use std::process::ExitCode;
use std::time::Duration;

/// 等回复最多等多久。
const TIMEOUT: Duration = Duration::from_secs(1);

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
    let server = resolve(&addr)?;

    // 1. 连接，最多等 TIMEOUT — Python: soc.settimeout(1); soc.connect(...)
    let mut soc =
        TcpStream::connect_timeout(&server, TIMEOUT).map_err(|e| {
            format!(
                "无法连接 {server}：{e}，服务端启动了吗？\n\
             cannot connect to {server}: {e}: is the server running?"
            )
        })?;
    // 之后的每次 read 也最多等 TIMEOUT
    soc.set_read_timeout(Some(TIMEOUT))
        .map_err(|e| e.to_string())?;

    // 2. 发送 — Python: soc.sendall(...)
    soc.write_all("Python TCP 第一个DEMO".as_bytes())
        .map_err(|e| format!("发送失败：{e}\nsend failed: {e}"))?;
    // 3. 说完了：关闭发送的一半，服务端的 read 返回 0，它回复后关闭连接
    //    — Python: soc.shutdown(socket.SHUT_WR)
    soc.shutdown(Shutdown::Write)
        .map_err(|e| format!("shutdown 失败：{e}\nshutdown failed: {e}"))?;

    // 4. 一直接收到服务端关闭连接（read 返回 0）
    let mut reply = Vec::new();
    soc.read_to_end(&mut reply).map_err(|e| match e.kind() {
        // 超时：Unix 上是 WouldBlock，Windows 上是 TimedOut
        ErrorKind::WouldBlock | ErrorKind::TimedOut => format!(
            "{server} 在 {0} 秒内没有回复完\n\
             no complete reply from {server} within {0} s",
            TIMEOUT.as_secs()
        ),
        _ => format!("接收失败：{e}\nreceive failed: {e}"),
    })?;

    // 5. 整条回复一起解码，再打印（控制字符转义）
    let reply = String::from_utf8_lossy(&reply);
    println!("{}", reply.escape_debug());
    Ok(())
}

/// 把 "主机:端口" 解析成一个地址。
fn resolve(addr: &str) -> Result<SocketAddr, String> {
    addr.to_socket_addrs()
        .ok()
        .and_then(|mut all| all.next())
        .ok_or_else(|| {
            format!(
                "无法解析地址 {addr}，写成 主机:端口\n\
                 cannot resolve {addr}: write it as host:port"
            )
        })
}
