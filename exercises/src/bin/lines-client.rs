//! 练习 lines-client（消息的边界）：按换行分消息的客户端。
//!
//! 服务端发来若干行，每行以 `\n` 结尾（也可能是 `\r\n`），然后关闭连接。
//! 现在的样子：把每次 read 到的东西当成完整的几行。TCP 是字节流，一次
//! read 可能只有半行、一个字节，甚至半个汉字。要改成：每个完整的行打印
//! 一次（不带 `\r`）；连接关闭时没写完的最后一行不打印。
//! 打印前照旧转义控制字符（`escape_debug`），免得对方清掉你的屏幕。
//!
//! 先在另一个终端开一个发几行就关的服务端：
//!   python3 -c "import socket; c, _ = socket.create_server(('127.0.0.1', 10000)).accept(); c.sendall('第一行\n第二行\n半行'.encode())"
//! 运行：cargo run -p exercises --bin lines-client -- 127.0.0.1:10000
//! 检查：cargo run -p exercises -- check lines-client

use std::io::{self, Read};
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
    let mut buf = [0; 1024];
    loop {
        // 2. 接收 — Python: data = soc.recv(1024)
        let n = soc.read(&mut buf)?;
        if n == 0 {
            return Ok(()); // 服务端关闭了连接
        }
        // 3. 把这一次收到的当成完整的几行（这里不对）
        let text = String::from_utf8_lossy(&buf[..n]);
        for line in text.lines() {
            println!("{}", line.escape_debug());
        }
    }
}
