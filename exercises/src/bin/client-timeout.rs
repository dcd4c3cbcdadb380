//! 练习 client-timeout（15.2.1 客户端）：给书里的客户端加上超时和清楚的错误。
//!
//! 现在的样子：连上服务端，发一条消息，读一次就打印。要改成：
//! 1. 发完消息就关闭发送的一半（shutdown），告诉服务端“我说完了”；
//!    然后一直读到服务端关闭连接，回复分几次到达也完整打印；
//! 2. 服务端 1 秒不回复就报错退出（中文一句、英文一句，退出码 1），不要一直等；
//! 3. 连不上时，错误里说出连的是哪个地址。
//!
//! 服务端：cargo run -p tcp-server -- --host 127.0.0.1
//! 运行：cargo run -p exercises --bin client-timeout -- 127.0.0.1:10000
//! 检查：cargo run -p exercises -- check client-timeout

use std::io::{self, Read, Write};
use std::net::TcpStream;
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

    // 1. 连接 — Python: soc.connect((hostname, 10000))
    let mut soc = TcpStream::connect(&addr)?;

    // 2. 发送 — Python: soc.send(...)
    soc.write_all("Python TCP 第一个DEMO".as_bytes())?;

    // 3. 接收 — Python: data = soc.recv(1024)
    let mut buf = [0; 1024];
    let n = soc.read(&mut buf)?;

    // 4. 打印回复（控制字符转义后再打印）
    let reply = String::from_utf8_lossy(&buf[..n]);
    println!("{}", reply.escape_debug());
    Ok(())
}
