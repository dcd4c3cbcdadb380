//! 15.2.2 TCP 服务端：每来一个客户端就开一个线程，把收到的话加上
//! `服务端接收到数据：` 回给它，直到对方发 `end` 或断开。
//! 运行 `cargo run -p tcp-server`，另一个终端运行 `cargo run -p tcp-client`，或用 nc 聊：
//! `nc -N $(hostname) 10000`（每行一条，end 结束）。给全班用：`--host 0.0.0.0`；
//! `--port 0` 让系统挑端口；`--delay-ms 0` 去掉 `sleep(1)`；全部选项见 `--help`。
//! 课堂上才需要的东西（连接数上限、超时……）在 `classroom.rs` 里。

use std::io::{self, Read};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::thread;

use common::cli::{self, Net, Program, Side};
use common::println; // 同 std 的，但不会 panic，也不等终端
use common::{BUFFER_SIZE, Utf8Stream, escape_control, trace::Trace};
use socket2::{Domain, Socket, Type};

mod classroom; // 课堂层：连接数上限、超时、出错时的说明
use classroom::Settings;
mod time_wait; // 端口被占用时，看看是不是 TIME_WAIT 造成的

fn main() -> ExitCode {
    let args = PROGRAM.parse();
    common::exit_code(run(args))
}

// ANCHOR: steps
fn run(args: Args) -> io::Result<()> {
    let addr = common::resolve(&args.net.host, args.net.port)?;

    // ANCHOR: socket
    // 1. 创建套接字 — Python: socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    //    地址族跟着地址走：IPv4 地址用 AF_INET，IPv6 地址用 AF_INET6。
    let soc = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    // ANCHOR_END: socket

    // ANCHOR: reuse
    // 停掉服务端后能马上在同一端口重启，不必等 TIME_WAIT 过去。
    // 只在 Unix 上设置：在 Windows 上它会让别的程序抢用同一端口。
    if cfg!(unix) {
        soc.set_reuse_address(true)?;
    }
    // ANCHOR_END: reuse
    classroom::dual_stack(&soc, addr); // 绑定 `::` 时也接受 IPv4 客户端

    // ANCHOR: bind
    // 2. 绑定地址 — Python: soc.bind((hostname, 10000))
    soc.bind(&addr.into())
        .map_err(|e| time_wait::explain_bind(e, addr))?;
    // ANCHOR_END: bind

    // ANCHOR: listen
    // 3. 开始监听 — Python: soc.listen(5)
    //    全班同一秒连上来时 5 个名额会排满：多出的连接请求被丢掉，客户端约 1 秒后重发，
    //    队列一直满着才会超时（实测见 bench/results.md）。所以默认 1024（Linux 5.4
    //    之前和 macOS 上系统还会把它限到 somaxconn = 128）；重现原文用 --backlog 5。
    soc.listen(args.backlog)?;
    // ANCHOR_END: listen

    let listener = TcpListener::from(soc);
    // 第一行以实际绑定的地址结尾（--port 0 时就能看到系统挑的端口）。
    println!("TCP 服务端已启动，正在监听 {}", listener.local_addr()?);
    // 课堂层：输出交给写线程，告诉学生怎么连，按 --max-clients 计数。
    let clients = classroom::open(&listener, args.max_clients)?;

    // ANCHOR: accept
    loop {
        // 4. 等待客户端连接，这里会阻塞 — Python: sock, addr = soc.accept()
        //    已满（--max-clients）或 accept 出错时说明一行，接着等下一个。
        let Some((sock, peer, slot)) = clients.admit(listener.accept()) else {
            continue;
        };

        // 每个连接一个线程 — Python: threading.Thread(target=do_tcp, ...).start()
        let spawned = classroom::thread().spawn(move || {
            do_tcp(sock, peer, args.settings);
            drop(slot); // 这个连接结束了，空出一个位置
        });
        if let Err(err) = spawned {
            classroom::cannot_spawn(peer, &err); // 这个连接就此关闭
        }
    }
    // ANCHOR_END: accept
}

/// 一个客户端的整段对话 — Python: def do_tcp(sock, addr)
fn do_tcp(mut sock: TcpStream, peer: SocketAddr, settings: Settings) {
    // Python: print('接受到:', addr, '连接')
    println!("接受到: {peer} 连接");
    // 5. 收发数据，直到收到 end 或对方断开（循环在下面的 talk 里）
    if let Err(err) = talk(&mut sock, peer, settings) {
        classroom::report(&sock, peer, err, settings.idle); // 记一行，照常服务
    }

    // ANCHOR: close
    // 6. 关闭连接 — Python: sock.close()
    //    Rust 里 sock 在离开作用域时自动关闭，这里显式 drop 让顺序一目了然。
    drop(sock);
    println!("服务端处理完成");
    // ANCHOR_END: close
}

/// 第 5 步的循环：recv 一次，回复一次。
fn talk(
    sock: &mut TcpStream,
    peer: SocketAddr,
    settings: Settings,
) -> io::Result<()> {
    let trace = Trace::new(settings.trace); // --trace：收发的字节打印到 stderr
    // 原文没有超时：空闲超过 --idle-timeout 秒、或一直不读回复的连接出错返回。
    let write_timeout = classroom::timeouts(sock, settings.idle)?;
    let mut buf = [0; BUFFER_SIZE];
    let mut decoder = Utf8Stream::new(); // 汉字被切开时，半个字留到下次再拼
    // ANCHOR: talk
    loop {
        // Python: data = sock.recv(1024)
        let n = sock.read(&mut buf)?;
        let data = &buf[..n];
        trace.received(peer, data);
        // Python: sleep(1)
        thread::sleep(settings.delay);
        // Python: data_val = data.decode('utf-8')（非法字节变成 �，不会出错）
        let data_val = decoder.decode(data);
        // 读到 0 字节表示对方关闭了连接 — Python: if not data or ... == 'end'
        // nc 发来的是 "end\n"，所以先去掉首尾空白再比较。
        if data.is_empty() || data_val.trim() == "end" {
            return Ok(());
        }
        // Python: print(type(data)) 和 print(type(data_val), data_val)
        // 两行用一次 println! 打印，别的线程的输出就插不到中间；控制字符转义后才打印。
        if !settings.quiet {
            println!(
                "<&[u8]> {n} 字节\n<String> {}",
                escape_control(&data_val)
            );
        }
        // Python: sock.send(('服务端接收到数据：%s' % data_val).encode('utf-8'))
        // send() 可能只发出一部分；send_all 像 sendall() 一样发完为止（总共最多等 30 秒）。
        let answer = format!("服务端接收到数据：{data_val}");
        classroom::send_all(sock, answer.as_bytes(), write_timeout)?;
        trace.sent(peer, answer.as_bytes());
    }
    // ANCHOR_END: talk
}
// ANCHOR_END: steps

#[derive(Default)]
struct Args {
    net: Net,
    backlog: i32,
    max_clients: Option<usize>,
    settings: Settings,
}

/// 本程序的选项，每个一项：写法、[中文, 英文] 说明、默认值、值放在哪里。
#[rustfmt::skip] // 排成一张表，一项一行
const PROGRAM: Program<Args> = Program {
    name: env!("CARGO_PKG_NAME"), version: env!("CARGO_PKG_VERSION"),
    about: "15.2.2 TCP 服务端：每个连接一个线程 / TCP server, a thread per client",
    net: Some((Side::Server, |args| &mut args.net)),
    options: &[
        cli::delay_ms(|args| &mut args.settings.delay, "1000"), // sleep(1)
        cli::backlog(|args| &mut args.backlog, "1024"),
        cli::trace(|args| &mut args.settings.trace),
        cli::quiet(|args| &mut args.settings.quiet),
        classroom::MAX_CLIENTS_OPTION,
        classroom::IDLE_TIMEOUT_OPTION,
    ],
    ..Program::NONE
};
