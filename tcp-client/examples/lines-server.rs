//! 消息的边界，办法一：每条消息以换行结尾（见书中“消息的边界”一页）。
//! cargo run -p tcp-client --example lines-server [-- IP:端口]
//! 另开终端：cargo run -p tcp-client --example lines-client，或
//! nc -N 127.0.0.1 10000（每输入一行就是一条消息）
//!
//! TCP 只管把字节按顺序送到，不管一次 recv 收到几条消息：对方的三次 send
//! 可能粘成一块，一条消息也可能被拆成好几块。这里一直读到换行为止，
//! 一行才算一条消息 — Python: sock.makefile().readline()。
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::{env, process::ExitCode, thread};

/// 一行最长这么多字节：对方一直不发换行，也不会把内存吃光。
const MAX_LINE: u64 = 1 << 20;

fn main() -> ExitCode {
    let Err(err) = run(); // run 只在启动失败时返回
    eprintln!("无法启动：地址写成 IP:端口；端口被占用就换一个 / {err}");
    ExitCode::FAILURE
}

fn run() -> io::Result<std::convert::Infallible> {
    let arg = env::args().nth(1).unwrap_or("0.0.0.0:10000".into());
    let addr: SocketAddr = arg.parse().map_err(io::Error::other)?;
    // 1–3. 创建、绑定、监听：std 一步做完 — Python: socket()、bind()、listen()
    let listener = TcpListener::bind(addr)?;
    println!("TCP 服务端已启动，正在监听 {}", listener.local_addr()?);
    loop {
        // 4. 等客户端连上来 — Python: sock, addr = soc.accept()
        if let Ok((sock, peer)) = listener.accept() {
            // 每人一个线程，开不成就断开 — Python: threading.Thread(…)
            let _ = thread::Builder::new().spawn(move || do_tcp(sock, peer));
        }
    }
}

/// 和一个客户端的整段对话 — Python: def do_tcp(sock, addr)
fn do_tcp(sock: TcpStream, peer: SocketAddr) {
    println!("接受到: {peer} 连接");
    if let Err(err) = talk(sock, peer) {
        eprintln!("{peer} 的连接出错 / connection error with {peer}: {err}");
    }
    println!("服务端处理完成"); // 6. 套接字已丢掉，连接关闭
}

// ANCHOR: talk
/// 第 5 步：读一行，回一行，直到 end 或对方关闭发送的一头。
fn talk(sock: TcpStream, peer: SocketAddr) -> io::Result<()> {
    // 同一个套接字的两个句柄：一个包上缓冲区按行读，一个用来写
    let mut writer = sock.try_clone()?;
    let mut reader = BufReader::new(sock); // Python: f = sock.makefile('rb')
    let mut line = Vec::new();
    loop {
        // 5. 读到换行为止 — Python: line = f.readline()
        //    （和 read_line 一样，只是非法的 UTF-8 不算错，变成 �）
        line.clear();
        let n = reader
            .by_ref()
            .take(MAX_LINE)
            .read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok(()); // 对方不再发送了（shutdown 或关闭）
        }
        if !line.ends_with(b"\n") && n as u64 == MAX_LINE {
            let why = format!("一行超过 {MAX_LINE} 字节 / line too long");
            return Err(io::Error::new(io::ErrorKind::InvalidData, why));
        }
        let text = String::from_utf8_lossy(&line);
        let message = text.trim_end_matches(['\r', '\n']);
        if message.trim() == "end" {
            return Ok(());
        }
        println!("{peer} 说: {}", message.escape_debug()); // 控制字符转义
        // 回复也是一行 — Python: sock.sendall(('…%s\n' % line).encode())
        let reply = format!("服务端接收到数据：{message}\n");
        writer.write_all(reply.as_bytes())?;
    }
}
// ANCHOR_END: talk
