//! 消息的边界，办法二的客户端：每条消息前面放 4 字节的长度（大端序）。
//! cargo run -p tcp-client --example length-client [-- IP:端口 [消息…]]
//! 先在另一个终端运行 cargo run -p tcp-client --example length-server。
//!
//! 几条消息一口气发出去，再一条一条地读回复：长度字段说清楚了每条在哪儿
//! 结束，所以粘在一起、被拆开都不怕，消息里也可以有换行。
use std::io::{self, ErrorKind};
use std::net::{Shutdown, TcpStream};
use std::time::Duration;
use std::{env, process::ExitCode};

// 读写一条带长度的消息，见 framing/length.rs（两边共用）。
#[path = "framing/length.rs"]
mod length;
use length::{read_message, write_message};

fn main() -> ExitCode {
    let mut args = env::args().skip(1);
    let addr = args.next().unwrap_or("127.0.0.1:10000".into());
    let mut messages: Vec<String> = args.collect();
    if messages.is_empty() {
        messages = ["你好", "第二句", "两行\n的一句"]
            .map(String::from)
            .to_vec();
    }
    let Err(err) = run(&addr, &messages) else {
        return ExitCode::SUCCESS;
    };
    if err.kind() == ErrorKind::ConnectionRefused {
        let server = "cargo run -p tcp-client --example length-server";
        eprintln!("无法连接 {addr}：服务端启动了吗？先运行 {server}");
    } else {
        eprintln!(
            "和 {addr} 的对话出错了：地址写成 IP:端口，或服务端太久没回复"
        );
    }
    eprintln!("cannot talk to {addr}: {err}");
    ExitCode::FAILURE
}

fn run(addr: &str, messages: &[String]) -> io::Result<()> {
    // 1. 创建套接字并连接 — Python: soc.connect((hostname, 10000))
    let mut sock = TcpStream::connect(addr)?;
    sock.set_read_timeout(Some(Duration::from_secs(10)))?; // 最多等 10 秒
    // ANCHOR: talk
    // 2. 每条消息前面加上长度发出去
    //    — Python: soc.sendall(struct.pack('!I', len(data)) + data)
    for message in messages {
        write_message(&mut sock, message.as_bytes())?;
    }
    // 3. 发完了：关闭发送的一头 — Python: soc.shutdown(socket.SHUT_WR)
    sock.shutdown(Shutdown::Write)?;
    // 4. 一条一条地读回复，直到服务端关闭连接
    let mut replies = 0;
    while let Some(reply) = read_message(&mut sock)? {
        let text = String::from_utf8_lossy(&reply);
        let preview: String = text.chars().take(60).collect();
        println!(
            "收到回复（{} 字节）: {}",
            reply.len(),
            preview.escape_debug()
        );
        replies += 1;
    }
    println!("服务端关闭了连接，共收到 {replies} 条回复");
    // ANCHOR_END: talk
    Ok(())
}
