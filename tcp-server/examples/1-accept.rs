//! 15.2.2 分步 1/5，接受连接：cargo run -p tcp-server --example 1-accept
//! [-- IP:端口]；另开终端：cargo run -p tcp-client 或 nc -N 127.0.0.1 10000
use socket2::{Domain, Socket, Type};
use std::net::{SocketAddr, TcpListener};
use std::{env, io, process::ExitCode};
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
            println!("接受到: {peer} 连接");
            drop(sock); // 6. 关闭连接 — Python: sock.close()
        }
    }
}
