//! tcp-server 分步 4 的练习答案：线程池，外加 IDLE 秒不说话就断开，
//! 把线程让给排队的人。
//!
//! ```text
//! cargo run -p tcp-server --example 4-pool-idle
//! cargo run -p tcp-client          # 开几个终端同时连
//! ```
//!
//! 线程池的大小和队伍的长度见下面的 WORKERS 和 QUEUE。

use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::sync::mpsc::{self, Receiver, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use common::cli::{Args, Spec};
use common::{BUFFER_SIZE, Utf8Stream, escape_control, explain};
use common::{eprintln, println}; // 同 std 的，但输出被关掉时不 panic
use socket2::{Domain, Socket, Type};

/// 线程池里的线程数：最多同时服务这么多个客户端。
const WORKERS: usize = 8;
/// 最多这么多个连接排队等空闲的线程；再来的被告知“已满”。
const QUEUE: usize = 32;
/// 客户端这么久不说话，就断开它。
const IDLE: Duration = Duration::from_secs(10);
/// 队伍满时发给新客户端的话。
const FULL: &str = "服务端已满，请稍后再试 / server full, try again later";
/// 断开不说话的客户端时发给它的话。
const BYE: &str = "太久没说话，服务端断开了连接 / idle too long, disconnected";

fn main() -> ExitCode {
    let args = Spec::stage("tcp-server --example 4-pool-idle").parse();
    common::exit_code(run(&args))
}

fn run(args: &Args) -> io::Result<()> {
    let addr = common::resolve(&args.host, args.port)?;

    // 1. 创建套接字 — Python: socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    let soc = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    if cfg!(unix) {
        soc.set_reuse_address(true)?; // 停掉后能马上在同一端口重启
    }

    // 2. 绑定地址 — Python: soc.bind((hostname, 10000))
    soc.bind(&addr.into()).map_err(|e| explain::bind(e, addr))?;

    // 3. 开始监听 — Python: soc.listen(5)（一个班同时连时会排满，有人多等约 1 秒）
    soc.listen(1024)?;
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
        // 4. 等待客户端连接，这里会阻塞 — Python: sock, addr = soc.accept()
        let (sock, peer) = match listener.accept() {
            Ok(connection) => connection,
            Err(err) => {
                // 例如打开的连接太多：说一声，稍等再试，服务端不退出。
                eprintln!("accept() 出错，稍后重试 / accept failed: {err}");
                thread::sleep(Duration::from_millis(100));
                continue;
            }
        };
        // 放进队列，由空闲的线程来服务；队伍满了就说一声，断开这一个。
        if let Err(TrySendError::Full((mut sock, peer))) =
            queue.try_send((sock, peer))
        {
            let _ = sock.write_all(FULL.as_bytes());
            eprintln!("队伍已满，拒绝了 {peer} / queue full, refused {peer}");
        }
    }
}

/// 线程池里的一个线程：一个接一个地服务排队的客户端。
fn worker(jobs: &Mutex<Receiver<(TcpStream, SocketAddr)>>) {
    loop {
        // 取下一个连接。锁只在取的这一句里持有，服务时别的线程照样能取。
        let job = match jobs.lock() {
            Ok(jobs) => jobs.recv(),
            Err(_) => return,
        };
        match job {
            Ok((sock, peer)) => do_tcp(sock, peer),
            Err(_) => return, // 队列关闭了：服务端在退出
        }
    }
}

/// 一个客户端的整段对话 — Python: def do_tcp(sock, addr)
fn do_tcp(mut sock: TcpStream, peer: SocketAddr) {
    println!("接受到: {peer} 连接");
    // 每次 recv 最多等 IDLE 这么久。
    if let Err(err) = sock.set_read_timeout(Some(IDLE)) {
        eprintln!("无法设置超时 / cannot set the timeout: {err}");
    }

    // 5. 收发数据，直到收到 end、对方断开，或者太久不说话
    if let Err(err) = talk(&mut sock, peer) {
        let kind = err.kind();
        // 超时：read 返回 WouldBlock（Unix）或 TimedOut（Windows）。
        if kind == ErrorKind::WouldBlock || kind == ErrorKind::TimedOut {
            let _ = sock.write_all(BYE.as_bytes());
            println!("{peer} {} 秒没说话，已断开", IDLE.as_secs());
            return;
        }
        // 对方重置了连接之类：记一行，服务端照常运行。
        eprintln!("{}", explain::one_line(&explain::talk(err, peer)));
    }

    // 6. 关闭连接 — Python: sock.close()
    drop(sock);
    println!("服务端处理完成");
}

/// 第 5 步的循环：recv 一次，回复一次。
fn talk(sock: &mut TcpStream, peer: SocketAddr) -> io::Result<()> {
    let mut buf = [0; BUFFER_SIZE];
    let mut decoder = Utf8Stream::new(); // 被切开的汉字留到下次拼好
    loop {
        // Python: data = sock.recv(1024)
        let n = sock.read(&mut buf)?;
        let data_val = decoder.decode(&buf[..n]);
        // 0 字节：对方关闭了连接 — Python: if not data or data_val == 'end'
        if n == 0 || data_val.trim() == "end" {
            return Ok(());
        }
        println!("{peer} 说: {}", escape_control(&data_val));
        // Python: sock.send(('服务端接收到数据：%s' % data_val).encode('utf-8'))
        let answer = format!("服务端接收到数据：{data_val}");
        sock.write_all(answer.as_bytes())?;
    }
}
