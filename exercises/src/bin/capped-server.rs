//! 练习 capped-server（15.2.2 服务端）：限制连接数的多线程服务端。
//!
//! 现在的样子：每个连接一个线程，来多少收多少。要改成：最多同时服务
//! `MAX_CLIENTS` 个客户端；再来的，发给它一行
//! `服务端已满，请稍后再试 / server full, try again later`，然后关闭它。
//! 有人离开后，空出来的位置又能给新来的人用。
//!
//! 运行：cargo run -p exercises --bin capped-server
//! 另外几个终端：nc 127.0.0.1 10000
//! 检查：cargo run -p exercises -- check capped-server

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::ExitCode;
use std::thread;

/// 最多同时服务几个客户端。
pub const MAX_CLIENTS: usize = 3;

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
        let (conn, _) = listener.accept()?;
        // 3. 交给一个新线程 — Python: threading.Thread(...).start()
        thread::spawn(move || serve(conn));
    }
}

/// 书里的协议：每收到一段就回复“服务端接收到数据：”加这一段。
fn serve(mut conn: TcpStream) {
    let mut buf = [0; 1024];
    // 4. 收到 0 字节表示对方关闭了连接 — Python: data = conn.recv(1024)
    while let Ok(n @ 1..) = conn.read(&mut buf) {
        let data = String::from_utf8_lossy(&buf[..n]);
        let reply = format!("服务端接收到数据：{data}");
        // 5. 回复 — Python: conn.sendall(...)
        if conn.write_all(reply.as_bytes()).is_err() {
            break;
        }
    }
}
