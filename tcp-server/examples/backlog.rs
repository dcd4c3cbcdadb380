//! 15.2.2 演示：每次 accept 之前先停一会儿，让 listen() 的队列真的排满。
//!
//! ```text
//! cargo run -p tcp-server --example backlog                 # 原文的 listen(5)，每次 accept 前停 10 秒
//! ss -ltn 'sport = :10000'                                  # 另一个终端：Recv-Q 是排着的连接数
//! cargo run -p tcp-server --example backlog -- --accept-delay-ms 1000   # 给 tcp-client 的 merge 示例用
//! ```
//!
//! 和 tcp-server 的清单相比：`listen` 的默认值是原文的 5，accept 之前多了一次
//! `sleep`，没有课堂层（连接数上限、超时）。每个连接仍然一个线程。

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use common::cli::{self, Initial, Net, Opt, Program, Set, Side};
use common::{BUFFER_SIZE, Utf8Stream, escape_control, explain};
use common::{eprintln, println}; // 同 std 的，但输出被关掉时不 panic
use socket2::{Domain, Socket, Type};

fn main() -> ExitCode {
    let args = PROGRAM.parse();
    common::exit_code(run(&args))
}

fn run(args: &Args) -> io::Result<()> {
    let addr = common::resolve(&args.net.host, args.net.port)?;
    // 1. 创建套接字；2. 绑定地址
    let soc = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    if cfg!(unix) {
        soc.set_reuse_address(true)?; // 停掉后能马上在同一端口重启
    }
    soc.bind(&addr.into()).map_err(|e| explain::bind(e, addr))?;
    // 3. 开始监听，队列最多 --backlog 个 — Python: soc.listen(5)
    soc.listen(args.backlog)?;
    let listener = TcpListener::from(soc);
    println!("TCP 服务端已启动，正在监听 {}", listener.local_addr()?);
    let ms = args.accept_delay.as_millis();
    println!("每次 accept 之前先等 {ms} 毫秒 / {ms} ms before each accept");

    loop {
        // 故意晚一点 accept：这段时间里来的连接在队列里排着。
        thread::sleep(args.accept_delay);
        // 4. 接受一个排队的连接 — Python: sock, addr = soc.accept()
        let (sock, peer) = match listener.accept() {
            Ok(connection) => connection,
            Err(err) => {
                eprintln!("accept() 出错，继续 / accept failed: {err}");
                continue;
            }
        };
        // 每个连接一个线程 — Python: threading.Thread(target=do_tcp, ...).start()
        if let Err(err) =
            thread::Builder::new().spawn(move || do_tcp(sock, peer))
        {
            eprintln!("无法为 {peer} 开线程，已断开 / cannot spawn: {err}");
        }
    }
}

/// 和 tcp-server 一样的对话（没有 sleep(1)）：收到什么，回“服务端接收到数据：”加上它。
fn do_tcp(mut sock: TcpStream, peer: SocketAddr) {
    println!("接受到: {peer} 连接");
    let mut buf = [0; BUFFER_SIZE];
    let mut decoder = Utf8Stream::new();
    // 5. 收发数据，直到收到 end 或对方断开
    loop {
        let n = match sock.read(&mut buf) {
            Ok(n) => n,
            Err(err) => {
                eprintln!("{}", explain::one_line(&explain::talk(err, peer)));
                break;
            }
        };
        let data_val = decoder.decode(&buf[..n]);
        if n == 0 || data_val.trim() == "end" {
            break;
        }
        println!("<&[u8]> {n} 字节\n<String> {}", escape_control(&data_val));
        let answer = format!("服务端接收到数据：{data_val}");
        if let Err(err) = sock.write_all(answer.as_bytes()) {
            eprintln!("{}", explain::one_line(&explain::talk(err, peer)));
            break;
        }
    }
    // 6. 关闭连接 — Python: sock.close()
    drop(sock);
    println!("服务端处理完成");
}

#[derive(Default)]
struct Args {
    net: Net,
    backlog: i32,
    accept_delay: Duration,
}

/// 本示例的选项：`--host`/`--port`，队列长度和 accept 前的停顿。
#[rustfmt::skip] // 排成一张表（不超过 100 列）
const PROGRAM: Program<Args> = Program {
    name: "tcp-server --example backlog", version: env!("CARGO_PKG_VERSION"),
    about: "15.2.2 演示：accept 之前先停一会儿，看 listen() 的队列 / backlog demo",
    net: Some((Side::Server, |args| &mut args.net)),
    options: &[
        cli::backlog(|args| &mut args.backlog, "5"), // 原文的 listen(5)
        Opt::new("--accept-delay-ms <MS>", ["每次 accept 前先等这么多毫秒，让排队的连接堆起来",
                                            "pause before each accept, so the queue fills"],
            Initial::Value("10000"), Set::Millis(|args| &mut args.accept_delay)),
    ],
    ..Program::NONE
};
