//! 练习 greet-peer（15.2.2 服务端）：用对方的地址问候每个客户端。
//!
//! 现在的样子：每个客户端都收到同一句“你好！”。要改成：问候里写出对方的
//! 地址，格式是 `你好，127.0.0.1:54321！` 加换行，然后关闭这个连接。
//! 一个客户端出错（比如连上就走），服务端报告一句，接着服务下一个。
//!
//! 运行：cargo run -p exercises --bin greet-peer
//! 另一个终端：nc 127.0.0.1 10000
//! 检查：cargo run -p exercises -- check greet-peer

use std::io::{self, Write};
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
    // 第一行以实际绑定的地址结尾（检查程序从这里找到端口）
    println!("正在监听 {}", listener.local_addr()?);

    loop {
        // 2. 等一个客户端 — Python: conn, address = soc.accept()
        let (mut conn, _peer) = listener.accept()?;

        // 3. 发问候 — Python: conn.sendall(...)
        conn.write_all("你好！\n".as_bytes())?;
        // 4. conn 在这里被丢弃，连接随之关闭 — Python: conn.close()
    }
}
