//! 参考答案 lines-client（消息的边界）：按换行分消息的客户端。
//!
//! 先在另一个终端开一个发几行就关的服务端：
//!   python3 -c "import socket; c, _ = socket.create_server(('127.0.0.1', 10000)).accept(); c.sendall('第一行\n第二行\n半行'.encode())"
//! 运行：cargo run -p exercises --example lines-client-solution -- 127.0.0.1:10000
//! 检查：cargo run -p exercises -- check lines-client --solution

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
    // 还没凑成一行的字节
    let mut pending: Vec<u8> = Vec::new();
    loop {
        // 2. 接收 — Python: data = soc.recv(1024)
        let n = soc.read(&mut buf)?;
        if n == 0 {
            break; // 服务端关闭了连接
        }
        pending.extend_from_slice(&buf[..n]);
        // 3. 切出每个完整的行：到 \n 为止，去掉 \r，再解码
        while let Some(end) = pending.iter().position(|&b| b == b'\n') {
            let mut line: Vec<u8> = pending.drain(..=end).collect();
            line.pop(); // \n
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            let line = String::from_utf8_lossy(&line);
            println!("{}", line.escape_debug());
        }
    }
    // 4. 没写完的最后一行不算一条消息
    if !pending.is_empty() {
        eprintln!(
            "最后 {0} 个字节不成一行，已丢弃 / the last {0} bytes are no \
             whole line: dropped",
            pending.len()
        );
    }
    Ok(())
}
