//! 练习 http-get-by-hand（15.4.1 亲手写 HTTP）：按 Content-Length 读响应体。
//!
//! 请求已经写好了。现在的样子：读到连接关闭为止。可 HTTP/1.1 默认保持
//! 连接（keep-alive），服务端发完响应并不关，于是程序一直等下去。要改成：
//! 先读出响应头（到空行 `\r\n\r\n` 为止），从中找到 Content-Length，再读
//! 正好这么多字节的响应体。打印状态行，然后是响应体的每一行。响应体没
//! 读满连接就断了，报错退出（退出码 1）。
//!
//! 运行：cargo run -p exercises --bin http-get-by-hand -- 127.0.0.1:8000 /
//! 服务端：python3 tests/py/http_peer.py 8000
//! 检查：cargo run -p exercises -- check http-get-by-hand

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
    // 服务端地址和路径：第一、第二个参数（检查程序会传入它们）
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:8000".into());
    let path = args.next().unwrap_or_else(|| "/".into());

    // 1. 连接 — Python: soc.connect((host, 80))
    let mut soc = TcpStream::connect(&addr)?;

    // 2. 发请求：请求行、Host 头、一个空行，每行以 \r\n 结尾
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    soc.write_all(request.as_bytes())?;

    // 3. 读到连接关闭（这里不对：keep-alive 的服务端不关）
    let mut response = Vec::new();
    soc.read_to_end(&mut response)?;

    // 4. 打印状态行和响应体
    let text = String::from_utf8_lossy(&response);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    println!("{}", head.lines().next().unwrap_or(""));
    for line in body.lines() {
        println!("{}", line.escape_debug());
    }
    Ok(())
}
