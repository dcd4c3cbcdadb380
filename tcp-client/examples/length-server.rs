//! 消息的边界，办法二：每条消息前面放 4 字节的长度（见书中“消息的边界”一页）。
//! cargo run -p tcp-client --example length-server [-- IP:端口]
//! 另开终端：cargo run -p tcp-client --example length-client
//!
//! 先读 4 字节，按大端序（网络字节序）算出长度 n，再正好读 n 字节：
//! 这就是一条消息，不管它在线上被拆成几块、和别的消息粘成几块。
//! Python: n, = struct.unpack('!I', header)；Rust: u32::from_be_bytes。
use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::{env, process::ExitCode, thread};

/// 一条消息最长这么多字节：长度字段写着 40 亿时，不会真去分配 4 GB。
const MAX_MESSAGE: u32 = 1 << 20;

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

// ANCHOR: framing
/// 读一条消息：4 字节长度（大端序），再正好读那么多字节。
/// 对方在两条消息之间关闭了发送的一头时返回 None。
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
        let why = format!("消息长 {len} 字节，超过 {MAX_MESSAGE} / too long");
        return Err(io::Error::new(ErrorKind::InvalidData, why));
    }
    // read_exact 读满为止，中途断开就报错 — Python: 循环 recv 到够数
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
// ANCHOR_END: framing

/// 对方在一条消息中间断开了。
fn cut_short(what: &str, got: usize) -> io::Error {
    let why = format!("{what}只收到 {got} 字节就断开了 / cut short");
    io::Error::new(ErrorKind::UnexpectedEof, why)
}
