//! 消息的边界，办法二：每条消息前面放 4 字节的长度（见书中“消息的边界”一页）。
//! cargo run -p tcp-client --example length-server [-- IP:端口]
//! 另开终端：cargo run -p tcp-client --example length-client
//!
//! 先读 4 字节，按大端序（网络字节序）算出长度 n，再正好读 n 字节：
//! 这就是一条消息，不管它在线上被拆成几块、和别的消息粘成几块。
//! Python: n, = struct.unpack('!I', header)；Rust: u32::from_be_bytes。
use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::{env, process::ExitCode, thread};

// 读写一条带长度的消息，见 framing/length.rs（两边共用）。
#[path = "framing/length.rs"]
mod length;
use length::{read_message, write_message};

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
fn do_tcp(mut sock: TcpStream, peer: SocketAddr) {
    println!("接受到: {peer} 连接");
    if let Err(err) = talk(&mut sock, peer) {
        eprintln!("{peer} 的连接出错 / connection error with {peer}: {err}");
    }
    println!("服务端处理完成"); // 6. 套接字随后丢掉，连接关闭
}

/// 第 5 步：读一条消息，回一条消息，直到 end 或对方关闭发送的一头。
fn talk(sock: &mut TcpStream, peer: SocketAddr) -> io::Result<()> {
    // 5. 收一条完整的消息 — Python: data = recv_message(sock)
    while let Some(data) = read_message(sock)? {
        let text = String::from_utf8_lossy(&data);
        if text.trim() == "end" {
            break;
        }
        let preview: String = text.chars().take(40).collect();
        let size = data.len();
        println!("{peer} 说（{size} 字节）: {}", preview.escape_debug());
        // 回复也带长度 — Python: send_message(sock, '服务端接收到数据：' + …)
        let reply = ["服务端接收到数据：".as_bytes(), &data].concat();
        write_message(sock, &reply)?;
    }
    Ok(())
}
