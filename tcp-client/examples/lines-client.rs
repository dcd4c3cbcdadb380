//! 消息的边界，办法一的客户端：每条消息后面加一个换行。
//! cargo run -p tcp-client --example lines-client [-- IP:端口 [消息…]]
//! 先在另一个终端运行 cargo run -p tcp-client --example lines-server。
//!
//! 几条消息一口气发出去（在线上很可能粘成一块），再一行一行地读回复：
//! 换行把它们分开，所以粘在一起也不怕。
use std::io::{self, BufRead, BufReader, Write};
use std::net::{Shutdown, TcpStream};
use std::time::Duration;
use std::{env, process::ExitCode};

fn main() -> ExitCode {
    let mut args = env::args().skip(1);
    let addr = args.next().unwrap_or("127.0.0.1:10000".into());
    let mut messages: Vec<String> = args.collect();
    if messages.is_empty() {
        messages = ["你好", "第二句", "第三句"].map(String::from).to_vec();
    }
    if let Some(bad) = messages.iter().find(|m| m.contains(['\n', '\r'])) {
        eprintln!("消息里不能有换行（换行就是边界）：{}", bad.escape_debug());
        eprintln!("a message cannot contain a line break: it is the boundary");
        return ExitCode::from(2);
    }
    let Err(err) = run(&addr, &messages) else {
        return ExitCode::SUCCESS;
    };
    if err.kind() == io::ErrorKind::ConnectionRefused {
        let server = "cargo run -p tcp-client --example lines-server";
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
    // 2. 每条消息加上换行发出去 — Python: soc.sendall((msg + '\n').encode())
    for message in messages {
        sock.write_all(format!("{message}\n").as_bytes())?;
    }
    // 3. 发完了：关闭发送的一头，服务端 recv 到 0 字节就知道不会再有消息
    //    — Python: soc.shutdown(socket.SHUT_WR)
    sock.shutdown(Shutdown::Write)?;
    // 4. 一行一行地读回复，直到服务端关闭连接 — Python: f.readline()
    let mut reader = BufReader::new(&sock);
    let mut line = Vec::new();
    let mut replies = 0;
    while reader.read_until(b'\n', &mut line)? > 0 {
        let reply = String::from_utf8_lossy(&line);
        println!("收到回复: {}", reply.trim_end().escape_debug());
        replies += 1;
        line.clear();
    }
    println!("服务端关闭了连接，共收到 {replies} 条回复");
    // ANCHOR_END: talk
    Ok(())
}
