//! 分步 4 的练习答案：cargo run -p tcp-server --example 4-pool-idle
//! [-- IP:端口]；另开终端：cargo run -p tcp-client 或 nc -N 127.0.0.1 10000
//!
//! 线程池，外加两个上限：IDLE 秒不说话就断开，回复 IDLE 秒还发不出去
//! （对方一直不读）也断开，把线程让给排队的人。
use socket2::{Domain, Socket, Type};
use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc::{self, Receiver, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use std::{env, process::ExitCode, thread};

/// 线程池里的线程数：最多同时服务这么多个客户端。
const WORKERS: usize = 8;
/// 最多这么多个连接排队等空闲的线程；再来的被告知“已满”。
const QUEUE: usize = 32;
/// 客户端这么久不说话、或这么久不读回复，就断开它。
const IDLE: Duration = Duration::from_secs(10);
/// 队伍满时发给新客户端的话。
const FULL: &str = "服务端已满，请稍后再试 / server full, try again later";
/// 断开不说话的客户端时发给它的话。
const BYE: &str = "太久没说话，服务端断开了连接 / idle too long, disconnected";

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
    // 每次 recv、每次 send 最多等 IDLE 这么久 — Python: sock.settimeout(10)
    let timeouts = sock.set_read_timeout(Some(IDLE));
    if let Err(err) = timeouts.and(sock.set_write_timeout(Some(IDLE))) {
        eprintln!("无法设置超时，断开 {peer} / cannot set a timeout: {err}");
        return;
    }
    let mut buf = [0; 1024];
    // 5. 收发，直到 end、对方关闭或超时 — Python: data = sock.recv(1024)
    loop {
        let n = match sock.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(err) if timed_out(&err) => {
                let _ = sock.write_all(BYE.as_bytes());
                println!("{peer} {} 秒没说话，已断开", IDLE.as_secs());
                break;
            }
            Err(_) => break, // 对方重置了连接之类
        };
        let data_val = String::from_utf8_lossy(&buf[..n]);
        if data_val.trim() == "end" {
            break;
        }
        println!("{peer} 说: {}", data_val.escape_debug()); // 控制字符转义
        // 回复 — Python: n = sock.send(…)；n 比回复短 = IDLE 秒内没发完，断开。
        // 不用 write_all（sendall）：超时的 write 返回已发出的一部分，它会再等 IDLE。
        let reply = format!("服务端接收到数据：{data_val}");
        if sock.write(reply.as_bytes()).ok() != Some(reply.len()) {
            println!("{peer} 的回复发不出去（它一直不读？），已断开");
            break;
        }
    }
    println!("服务端处理完成"); // 6. sock 在此丢掉即关闭 — Python: sock.close()
}

/// 超时了吗？读写超时在 Unix 上报 WouldBlock，在 Windows 上报 TimedOut。
fn timed_out(err: &io::Error) -> bool {
    matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)
}
