//! 参考答案 length-prefix（消息的边界）：用长度前缀分消息。
//!
//! 先在另一个终端开一个发一条消息就关的服务端（`!I` 是大端 u32）：
//!   python3 -c "import socket, struct; c, _ = socket.create_server(('127.0.0.1', 10000)).accept(); print(c.recv(100)); m = '你好，长度前缀'.encode(); c.sendall(struct.pack('!I', len(m)) + m)"
//! 运行：cargo run -p exercises --example length-prefix-solution -- 127.0.0.1:10000
//! 检查：cargo run -p exercises -- check length-prefix --solution

use std::io::{self, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;

/// 一条消息最长多少字节：更长的当作出错，不去分配。
pub const MAX_LEN: usize = 1 << 20;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    // 服务端地址：第一个参数（检查程序会传入它）
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:10000".into());
    let io_error = |e: io::Error| format!("{addr}：{e}\n{addr}: {e}");

    // 1. 连接 — Python: soc.connect((hostname, 10000))
    let mut soc = TcpStream::connect(&addr).map_err(io_error)?;

    // 2. 发一条消息：先发长度（大端），再发内容
    //    — Python: soc.sendall(struct.pack('!I', len(data)) + data)
    let hello = "你好".as_bytes();
    soc.write_all(&(hello.len() as u32).to_be_bytes())
        .map_err(io_error)?;
    soc.write_all(hello).map_err(io_error)?;

    loop {
        // 3. 收满 4 个字节的长度；在这里遇到关闭是正常结束
        let mut len = [0; 4];
        match soc.read_exact(&mut len) {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(io_error(e)),
        }
        let len = u32::from_be_bytes(len) as usize;
        // 4. 长度不合理就别分配：对方出错了，或者不怀好意
        if len > MAX_LEN {
            return Err(format!(
                "消息长度 {len} 超过上限 {MAX_LEN}\n\
                 message length {len} is over the limit {MAX_LEN}"
            ));
        }

        // 5. 收满 len 个字节；在这里遇到关闭是出错
        let mut body = vec![0; len];
        soc.read_exact(&mut body).map_err(|e| match e.kind() {
            ErrorKind::UnexpectedEof => format!(
                "连接在一条消息中途关闭（应有 {len} 字节）\n\
                 the connection closed in the middle of a {len}-byte message"
            ),
            _ => io_error(e),
        })?;
        let text = String::from_utf8_lossy(&body);
        println!("{}", text.escape_debug());
    }
}
