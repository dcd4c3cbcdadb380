//! 15.2.2 分步 4/5，线程池：cargo run -p tcp-server --example 4-pool
//! [-- IP:端口]；另开终端：cargo run -p tcp-client 或 nc -N 127.0.0.1 10000
//!
//! 线程数固定（WORKERS），全都在忙时新连接排队（QUEUE），队伍也满了就告诉
//! 对方“已满”并断开：不管来多少客户端，线程数都是 1 + WORKERS。
use socket2::{Domain, Socket, Type};
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc::{self, Receiver, TrySendError};
use std::sync::{Arc, Mutex};
use std::{env, process::ExitCode, thread};

/// 线程池里的线程数：最多同时服务这么多个客户端。
const WORKERS: usize = 8;
/// 最多这么多个连接排队等空闲的线程；再来的被告知“已满”。
const QUEUE: usize = 32;
/// 队伍满时发给新客户端的话。
const FULL: &str = "服务端已满，请稍后再试 / server full, try again later";

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

    // 先开好 WORKERS 个线程，它们从同一个队列里取连接来服务。
    let (queue, jobs) = mpsc::sync_channel::<(TcpStream, SocketAddr)>(QUEUE);
    let jobs = Arc::new(Mutex::new(jobs));
    for _ in 0..WORKERS {
        let jobs = Arc::clone(&jobs);
        thread::Builder::new().spawn(move || worker(&jobs))?;
    }
    loop {
        // 4. 等客户端连上来（会阻塞；出错就接着等）— Python: soc.accept()
        if let Ok((sock, peer)) = listener.accept() {
            // 放进队列，由空闲的线程来服务；队伍满了就说一声，断开这一个。
            if let Err(TrySendError::Full((mut sock, peer))) =
                queue.try_send((sock, peer))
            {
                let _ = sock.write_all(FULL.as_bytes());
                eprintln!(
                    "队伍已满，拒绝了 {peer} / queue full, refused {peer}"
                );
            }
        }
    }
}

/// 线程池里的一个线程：一个接一个地服务排队的客户端。
fn worker(jobs: &Mutex<Receiver<(TcpStream, SocketAddr)>>) {
    loop {
        // 取下一个连接。锁只在这一句里持有，服务时别的线程照样能取。
        let job = jobs.lock().map(|jobs| jobs.recv());
        let Ok(Ok((sock, peer))) = job else {
            return; // 队列关闭了：服务端在退出
        };
        do_tcp(sock, peer);
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
