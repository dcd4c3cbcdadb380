//! 参考答案 greet-peer（15.2.2）：用对方的地址问候每个客户端。
//!
//! 运行：cargo run -p exercises --example greet-peer-solution
//! 另一个终端：nc 127.0.0.1 10000
//! 检查：cargo run -p exercises -- check greet-peer --solution

use std::io::{self, Write};
use std::net::{TcpListener, TcpStream};
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
        match listener.accept() {
            Ok((conn, _)) => {
                // 一个客户端出错只影响它自己：报告，然后接着 accept
                if let Err(e) = greet(conn) {
                    eprintln!("问候失败：{e} / greeting failed: {e}");
                }
            }
            Err(e) => eprintln!("accept 失败：{e} / accept failed: {e}"),
        }
    }
}

/// 用对方的地址问候一个客户端，然后关闭连接。
fn greet(mut conn: TcpStream) -> io::Result<()> {
    // 3. 对方的地址 — Python: conn.getpeername()
    let peer = conn.peer_addr()?;
    // 4. 发问候 — Python: conn.sendall(...)
    conn.write_all(format!("你好，{peer}！\n").as_bytes())?;
    // 5. conn 在这里被丢弃，连接随之关闭 — Python: conn.close()
    Ok(())
}
