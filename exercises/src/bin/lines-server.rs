//! 练习 lines-server（消息的边界）：按换行分消息的服务端。
//!
//! 现在的样子：书里的服务端，把每次 read 到的东西当成一条消息。要改成：
//! 每收到完整的一行（以 `\n` 结尾，去掉 `\r`）回复一行
//! `服务端接收到数据：这一行` 加 `\n`；一行是 `end` 就关闭这个连接；
//! 一个客户端出错或半行就走，服务端接着服务下一个。
//!
//! 运行：cargo run -p exercises --bin lines-server
//! 另一个终端：nc 127.0.0.1 10000
//! 检查：cargo run -p exercises -- check lines-server

use std::io::{self, Read, Write};
use std::net::TcpListener;
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
    // 监听的地址：第一个参数（检查程序传入 127.0.0.1:0，让系统挑端口）
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:10000".into());

    // 1. 创建、绑定、监听 — Python: socket() + bind() + listen()
    let listener = TcpListener::bind(&addr)?;
    println!("正在监听 {}", listener.local_addr()?);

    loop {
        // 2. 等一个客户端 — Python: conn, address = soc.accept()
        let (mut conn, _) = listener.accept()?;
        let mut buf = [0; 1024];
        loop {
            // 3. 接收 — Python: data = conn.recv(1024)
            let n = conn.read(&mut buf)?;
            let data = String::from_utf8_lossy(&buf[..n]);
            if n == 0 || data == "end" {
                break;
            }
            // 4. 回复 — Python: conn.sendall(...)
            conn.write_all(format!("服务端接收到数据：{data}").as_bytes())?;
        }
    }
}
