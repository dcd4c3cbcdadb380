//! 15.2.2 TCP 服务端：每来一个客户端就开一个线程，把收到的话加上
//! `服务端接收到数据：` 回给它，直到对方发 `end` 或断开。
//!
//! 运行 `cargo run -p tcp-server`，然后在另一个终端运行客户端，
//! 或者用 nc 手动聊（每行一条，输入 end 结束）：
//!
//! ```text
//! cargo run -p tcp-client
//! nc -N $(hostname) 10000
//! ```
//!
//! 给全班用：`--host 0.0.0.0`；`--port 0` 让系统挑端口；`--delay-ms 0` 去掉
//! 原文的 `sleep(1)`；`--trace` 显示收发的每个字节；`--max-clients`、
//! `--idle-timeout` 限制连接数和空闲时间。全部选项见 `--help`，或本文件末尾的表。

use std::io::{self, Read};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use common::cli::{self, Initial, Net, Opt, Program, Set, Side};
use common::lan;
use common::println; // 同 std 的，但不会 panic，也不等终端
use common::trace::Trace;
use common::{BUFFER_SIZE, Utf8Stream, escape_control, explain, output};
use socket2::{Domain, Socket, Type};

mod classroom;
use classroom::Clients;

fn main() -> ExitCode {
    let args = PROGRAM.parse();
    common::exit_code(run(&args))
}

// ANCHOR: steps
fn run(args: &Args) -> io::Result<()> {
    let addr = common::resolve(&args.net.host, args.net.port)?;

    // ANCHOR: socket
    // 1. 创建套接字 — Python: socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    //    地址族跟着地址走：IPv4 地址用 AF_INET，IPv6 地址用 AF_INET6。
    let soc = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    // ANCHOR_END: socket

    // ANCHOR: dual_stack
    // 原文没有这一步：绑定 `::` 时也接受 IPv4 客户端（双栈）。Linux、macOS
    // 默认如此，Windows 默认只收 IPv6，所以明说；个别系统不支持，就只收 IPv6。
    //    — Python: soc.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    let dual_stack = addr.is_ipv6() && soc.set_only_v6(false).is_ok();
    // ANCHOR_END: dual_stack

    // ANCHOR: reuse
    // 停掉服务端后能马上在同一端口重启，不必等 TIME_WAIT 过去。
    // 只在 Unix 上设置：在 Windows 上它会让别的程序抢用同一端口。
    if cfg!(unix) {
        soc.set_reuse_address(true)?;
    }
    // ANCHOR_END: reuse

    // ANCHOR: bind
    // 2. 绑定地址 — Python: soc.bind((hostname, 10000))
    //    端口被占用时，explain::tcp_bind 会看看是不是 TIME_WAIT 造成的。
    soc.bind(&addr.into())
        .map_err(|e| explain::tcp_bind(e, addr))?;
    // ANCHOR_END: bind

    // ANCHOR: listen
    // 3. 开始监听 — Python: soc.listen(5)
    //    原文的 5 在全班同时连上来时会排满（500 个同时连接，每次实测都有
    //    上百个失败，见 bench/results.md），所以默认 1024；想重现原文的行为
    //    就用 --backlog 5。
    soc.listen(args.backlog)?;
    // ANCHOR_END: listen

    let listener = TcpListener::from(soc);
    let settings = Settings {
        delay: args.delay,
        trace: Trace::new(args.trace),
        quiet: args.quiet,
        idle: args.idle_timeout,
    };
    // 第一行以实际绑定的地址结尾（--port 0 时就能看到系统挑的端口）。
    println!("TCP 服务端已启动，正在监听 {}", listener.local_addr()?);
    // 此后的输出交给一个写线程：终端按了 Ctrl-S、或输出管道没人读时，
    // 各连接照常收发，来不及显示的行丢掉并计数。
    output::start();
    // 再告诉学生怎么连：每个局域网地址一条命令，或者“只有本机能连”。
    for line in lan::hints(listener.local_addr()?, lan::Kind::Tcp, dual_stack) {
        println!("{line}");
    }
    // 最多同时服务 --max-clients 个连接（打开文件数或本机能开的线程数不够时
    // 自动调低并说明）。
    let clients = Clients::new(args.max_clients);

    let mut failing = false; // accept() 出错时只报告一次
    // ANCHOR: accept
    loop {
        // 4. 等待客户端连接，这里会阻塞 — Python: sock, addr = soc.accept()
        let (sock, peer) = match listener.accept() {
            Ok(connection) => connection,
            Err(err) => {
                classroom::accept_failed(&err, &mut failing); // 稍等再试，不退出
                continue;
            }
        };
        failing = false;

        // 已有 --max-clients 个连接：不开线程，回一句“已满”就断开。
        let Some(slot) = clients.admit() else {
            clients.turn_away(sock, peer);
            continue;
        };

        // 每个连接一个线程 — Python: threading.Thread(target=do_tcp, ...).start()
        // 栈只要 256 KiB（默认 2 MiB）：全班连上来也占不了多少内存。
        let spawned = thread::Builder::new()
            .stack_size(classroom::THREAD_STACK)
            .spawn(move || {
                do_tcp(sock, peer, settings);
                drop(slot); // 这个连接结束了，空出一个位置
            });
        if let Err(err) = spawned {
            // 线程没开成：sock 已随闭包一起被丢弃，这个连接就此关闭（成批时只记几行）。
            classroom::cannot_spawn(peer, &err);
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
        // 对方重置了连接、空闲太久之类：记一行，别的客户端照常服务。
        classroom::report(&sock, peer, err, settings.idle);
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
    let Settings {
        delay,
        trace,
        quiet,
        idle,
    } = settings;
    // 原文没有超时：空闲超过 --idle-timeout 秒，或一直不读回复的连接，
    // recv/send 出错返回，线程就不会永远等下去。
    sock.set_read_timeout(idle)?;
    let write_timeout = classroom::write_timeout(idle);
    let mut buf = [0; BUFFER_SIZE];
    // 一个汉字被 1024 字节的边界切开时，解码器把半个字留到下一次再拼。
    let mut decoder = Utf8Stream::new();
    // ANCHOR: talk
    loop {
        // Python: data = sock.recv(1024)
        let n = sock.read(&mut buf)?;
        let data = &buf[..n];
        trace.received(peer, data);
        // Python: sleep(1)
        thread::sleep(delay);
        // Python: data_val = data.decode('utf-8')（非法字节变成 �，不会出错）
        let data_val = decoder.decode(data);
        // 读到 0 字节表示对方关闭了连接 — Python: if not data or ... == 'end'
        // nc 发来的是 "end\n"，所以先去掉首尾空白再比较。
        if data.is_empty() || data_val.trim() == "end" {
            return Ok(());
        }
        // Python: print(type(data)) 和 print(type(data_val), data_val)
        // 两行用一次 println! 打印，别的线程的输出就插不到中间；控制字符转义后才打印。
        if !quiet {
            println!(
                "<&[u8]> {n} 字节\n<String> {}",
                escape_control(&data_val)
            );
        }
        // Python: sock.send(('服务端接收到数据：%s' % data_val).encode('utf-8'))
        // send() 可能只发出一部分；send_all 像 Python 的 sendall() 一样发完为止，
        // 但整条回复总共最多等 30 秒（对方一直不读时）。
        let answer = format!("服务端接收到数据：{data_val}");
        classroom::send_all(sock, answer.as_bytes(), write_timeout)?;
        trace.sent(peer, answer.as_bytes());
    }
    // ANCHOR_END: talk
}
// ANCHOR_END: steps

/// 每个连接的线程都要用的设置（--delay-ms、--trace、--quiet、--idle-timeout）。
#[derive(Clone, Copy)]
struct Settings {
    delay: Duration,
    trace: Trace,
    quiet: bool,
    idle: Option<Duration>,
}

#[derive(Default)]
struct Args {
    net: Net,
    delay: Duration,
    backlog: i32,
    trace: bool,
    quiet: bool,
    max_clients: Option<usize>, // None: fitted to `ulimit -n` (Clients::new)
    idle_timeout: Option<Duration>, // None: never (--idle-timeout 0)
}

/// 本程序的选项，每个一项：写法、中英文说明、默认值、值放在哪里。
const PROGRAM: Program<Args> = Program {
    name: env!("CARGO_PKG_NAME"),
    version: env!("CARGO_PKG_VERSION"),
    about: "15.2.2 TCP 服务端：每个连接一个线程 / TCP server, a thread per client",
    net: Some((Side::Server, |args| &mut args.net)),
    options: &[
        cli::delay_ms(|args| &mut args.delay, "1000"), // 原文的 sleep(1)
        Opt {
            flags: "--backlog <N>",
            zh: "listen() 的排队上限",
            en: "listen() backlog",
            default: Initial::Value("1024"),
            set: Set::With(|args, v| {
                v.at_least_one().map(|n| args.backlog = n)
            }),
        },
        cli::trace(|args| &mut args.trace),
        cli::quiet(|args| &mut args.quiet),
        Opt {
            flags: "--max-clients <N>",
            zh: "最多同时服务的连接数，多出的被告知“已满”",
            en: "most clients at once; more are told it is full",
            default: Initial::Said(
                "1000，不超过 ulimit -n",
                "1000, within ulimit -n",
            ),
            set: Set::With(|args, v| {
                v.at_least_one().map(|n| args.max_clients = Some(n))
            }),
        },
        Opt {
            flags: "--idle-timeout <SECS>",
            zh: "连接空闲多少秒后断开，0 = 不断开",
            en: "close a connection silent that long, 0 = never",
            default: Initial::Value("600"),
            set: Set::With(|args, v| {
                classroom::idle_timeout(v).map(|idle| args.idle_timeout = idle)
            }),
        },
    ],
    ..Program::NONE
};
