//! 参考答案 lines-server（消息的边界）：按换行分消息的服务端。
//!
//! 运行：cargo run -p exercises --example lines-server-solution
//! 另一个终端：nc 127.0.0.1 10000
//! 检查：cargo run -p exercises -- check lines-server --solution

use std::io::{self, BufRead, BufReader, Write};
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
    println!("正在监听 {}", listener.local_addr()?);

    loop {
        // 2. 等一个客户端 — Python: conn, address = soc.accept()
        let (conn, peer) = match listener.accept() {
            Ok(client) => client,
            Err(e) => {
                eprintln!("accept 失败：{e} / accept failed: {e}");
                continue;
            }
        };
        // 一个客户端出错只影响它自己：报告，然后接着 accept
        if let Err(e) = serve(conn) {
            eprintln!("{peer} 出错：{e} / {peer} failed: {e}");
        }
    }
}

/// 一行一行地读，每行回复一行，直到 end 或对方关闭。
fn serve(conn: TcpStream) -> io::Result<()> {
    // BufReader 攒字节，read_until 凑够一整行才返回
    let mut reader = BufReader::new(&conn);
    let mut writer = &conn;
    let mut line = Vec::new();
    loop {
        line.clear();
        // 3. 读一行（含 \n）；返回 0 表示对方关闭了连接
        if reader.read_until(b'\n', &mut line)? == 0 {
            return Ok(());
        }
        // 没有 \n 就结束：对方在一行中途关了连接，这半行不算
        if line.pop() != Some(b'\n') {
            return Ok(());
        }
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        let text = String::from_utf8_lossy(&line);
        if text.trim() == "end" {
            return Ok(());
        }
        // 4. 回复一行 — Python: conn.sendall(...)
        writer.write_all(format!("服务端接收到数据：{text}\n").as_bytes())?;
    }
}
