//! 消息的边界，办法二的客户端：每条消息前面放 4 字节的长度（大端序）。
//! cargo run -p tcp-client --example length-client [-- IP:端口 [消息…]]
//! 先在另一个终端运行 cargo run -p tcp-client --example length-server。
//!
//! 几条消息一口气发出去，再一条一条地读回复：长度字段说清楚了每条在哪儿
//! 结束，所以粘在一起、被拆开都不怕，消息里也可以有换行。
use std::io::{self, ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::Duration;
use std::{env, process::ExitCode};

/// 一条回复最长这么多字节（和 length-server 的上限一样）。
const MAX_MESSAGE: u32 = 1 << 20;

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

/// 读一条消息：4 字节长度（大端序），再正好读那么多字节。
/// 对方在两条消息之间关闭连接时返回 None。
fn read_message(sock: &mut impl Read) -> io::Result<Option<Vec<u8>>> {
    let mut header = [0; 4];
    let mut filled = 0;
    while filled < header.len() {
        // recv 可能只给 1 个字节：一直读到 4 个 — Python: sock.recv(4 - filled)
        match sock.read(&mut header[filled..]) {
            Ok(0) if filled == 0 => return Ok(None),
            Ok(0) => return Err(cut_short("长度", filled)),
            Ok(n) => filled += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    // 网络字节序是大端序 — Python: n, = struct.unpack('!I', header)
    let len = u32::from_be_bytes(header);
    if len > MAX_MESSAGE {
        let why = format!("回复长 {len} 字节，超过 {MAX_MESSAGE} / too long");
        return Err(io::Error::new(ErrorKind::InvalidData, why));
    }
    let mut data = vec![0; len as usize];
    sock.read_exact(&mut data)?;
    Ok(Some(data))
}

/// 写一条消息：4 字节长度（大端序）加内容，一次写出
/// — Python: sock.sendall(struct.pack('!I', len(data)) + data)
fn write_message(sock: &mut impl Write, data: &[u8]) -> io::Result<()> {
    let too_long = |_| io::Error::new(ErrorKind::InvalidInput, "too long");
    let len = u32::try_from(data.len()).map_err(too_long)?;
    // to_be_bytes 就是 C 的 htonl：高位字节在前
    let frame = [&len.to_be_bytes()[..], data].concat();
    sock.write_all(&frame)
}

/// 对方在一条消息中间断开了。
fn cut_short(what: &str, got: usize) -> io::Error {
    let why = format!("{what}只收到 {got} 字节就断开了 / cut short");
    io::Error::new(ErrorKind::UnexpectedEof, why)
}
