//! 15.2.2 分步 2/5，一问一答：cargo run -p tcp-server --example 2-echo
//! [-- IP:端口]；另开终端：cargo run -p tcp-client 或 nc -N 127.0.0.1 10000
use socket2::{Domain, Socket, Type};
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::{env, process::ExitCode};
fn main() -> ExitCode {
    let Err(err) = run(); // run 只在启动失败时返回
    eprintln!("无法启动：地址写成 IP:端口；端口被占用就换一个 / {err}");
    ExitCode::FAILURE
}
fn run() -> io::Result<std::convert::Infallible> {
    let arg = env::args().nth(1).unwrap_or("0.0.0.0:10000".into());
    let addr: SocketAddr = arg.parse().map_err(io::Error::other)?;
    // 1. 创建套接字 — Python: socket.socket(AF_INET, SOCK_STREAM)
    let soc = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    soc.set_reuse_address(cfg!(unix))?; // Unix：停掉后马上能在原端口重启
    soc.bind(&addr.into())?; // 2. 绑定 — Python: soc.bind((hostname, 10000))
    soc.listen(1024)?; // 3. 监听 — Python: soc.listen(5)；排满时有人多等约 1 秒
    let listener = TcpListener::from(soc);
    println!("TCP 服务端已启动，正在监听 {}", listener.local_addr()?);
    loop {
        // 4. 等客户端连上来（会阻塞；出错就接着等）— Python: soc.accept()
        if let Ok((sock, peer)) = listener.accept() {
            do_tcp(sock, peer); // 一次只服务一个：别人在队列里等
        }
    }
}
/// 和一个客户端的整段对话 — Python: def do_tcp(sock, addr)
fn do_tcp(mut sock: TcpStream, peer: SocketAddr) {
    println!("接受到: {peer} 连接");
    let mut buf = [0; 1024];
    // 5. 收发，直到 end 或对方关闭 — Python: data = sock.recv(1024)
    while let Ok(n @ 1..) = sock.read(&mut buf)
        && buf[..n].trim_ascii() != b"end"
    {
        let data_val = String::from_utf8_lossy(&buf[..n]);
        println!("{peer} 说: {}", data_val.escape_debug()); // 控制字符转义
        // 回复；写失败时下一次 recv 也会失败 — Python: sock.send(…)
        let reply = format!("服务端接收到数据：{data_val}");
        let _ = sock.write_all(reply.as_bytes());
    }
    println!("服务端处理完成"); // 6. sock 在此丢掉即关闭 — Python: sock.close()
}
