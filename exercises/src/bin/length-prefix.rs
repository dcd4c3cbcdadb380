//! 练习 length-prefix（消息的边界）：用长度前缀分消息。
//!
//! 每条消息是 4 个字节的长度（u32，大端，即网络字节序）加这么多字节的
//! UTF-8 文字。客户端先发一条“你好”，然后收服务端发来的消息，每条打印
//! 一行，直到服务端关闭连接。发送已经写好了；接收现在假设一次 read 正好
//! 读到一整条。要改成：不管消息怎么被切开都能读对；连接在消息中途关闭、
//! 或者长度超过 `MAX_LEN`，就报错退出（退出码 1）。
//!
//! 先在另一个终端开一个发一条消息就关的服务端（`!I` 是大端 u32）：
//!   python3 -c "import socket, struct; c, _ = socket.create_server(('127.0.0.1', 10000)).accept(); print(c.recv(100)); m = '你好，长度前缀'.encode(); c.sendall(struct.pack('!I', len(m)) + m)"
//! 运行：cargo run -p exercises --bin length-prefix -- 127.0.0.1:10000
//! 检查：cargo run -p exercises -- check length-prefix

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;

/// 一条消息最长多少字节：更长的当作出错，不去分配。
pub const MAX_LEN: usize = 1 << 20;

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

    // 2. 发一条消息：先发长度（大端），再发内容
    //    — Python: soc.sendall(struct.pack('!I', len(data)) + data)
    let hello = "你好".as_bytes();
    soc.write_all(&(hello.len() as u32).to_be_bytes())?;
    soc.write_all(hello)?;

    loop {
        // 3. 收长度（这里不对：一次 read 不一定正好 4 个字节）
        let mut len = [0; 4];
        if soc.read(&mut len)? == 0 {
            return Ok(()); // 服务端关闭了连接
        }
        let len = u32::from_be_bytes(len) as usize;

        // 4. 收内容（这里也不对：可能只读到一部分）
        let mut body = [0; 1024];
        let n = soc.read(&mut body)?;
        let text = String::from_utf8_lossy(&body[..n.min(len)]);
        println!("{}", text.escape_debug());
    }
}
