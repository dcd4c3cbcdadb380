//! 练习 nonblocking-server（分步写出 TCP 服务端）：一个线程服务所有客户端。
//!
//! 现在的样子：书里的阻塞服务端，服务完一个客户端才 accept 下一个；
//! 一个不说话的客户端就让别人都等着。要改成：只用一个线程，把套接字设成
//! 非阻塞（Python: soc.setblocking(False)），在一个循环里轮流照看
//! listener 和每个客户端。一个客户端出错只断开它自己。
//!
//! 运行：cargo run -p exercises --bin nonblocking-server
//! 另外几个终端：nc 127.0.0.1 10000
//! 检查：cargo run -p exercises -- check nonblocking-server

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
        // 2. 等一个客户端（阻塞）— Python: conn, address = soc.accept()
        let (mut conn, _) = listener.accept()?;
        let mut buf = [0; 1024];
        // 3. 一直服务它，直到它关闭连接（这时别人只能等）
        loop {
            let n = conn.read(&mut buf)?;
            if n == 0 {
                break;
            }
            let data = String::from_utf8_lossy(&buf[..n]);
            // 4. 回复 — Python: conn.sendall(...)
            conn.write_all(format!("服务端接收到数据：{data}").as_bytes())?;
        }
    }
}
