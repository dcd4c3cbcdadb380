//! 15.3.2 UDP 服务端：不建立连接，来一个数据报就打印一行，再把
//! `服务端接收到数据：` 加上收到的内容回给发送方。
//!
//! 运行 `cargo run -p udp-server`，然后在另一个终端运行客户端，
//! 或者用 nc 发数据报（每行一个，Ctrl-C 退出）：
//!
//! ```text
//! cargo run -p udp-client
//! nc -u $(hostname) 10000
//! ```
//!
//! 给全班用：`--host 0.0.0.0`；`--port 0` 让系统挑一个空闲端口；
//! `--trace` 在 stderr 显示收发的每个字节；`--quiet` 不逐条打印收到的数据报。
//! `--drop 0.3` 故意丢掉三成收到的数据报，在本机上也能看见 UDP 丢包。
//! 全部选项见 `--help`。

use std::io;
use std::net::UdpSocket;
use std::process::ExitCode;
use std::thread;
use std::time::{Duration, Instant};

use common::cli::{self, Net, Opt, Program, Set, Side};
use common::lan;
use common::println; // 同 std 的 println!，但不会 panic，也不等终端
use common::trace::Trace;
use common::{BUFFER_SIZE, escape_control, explain, output};
use common::{Bilingual, cli::Initial};
use socket2::{Domain, Socket, Type};

mod guard; // 不回复自己、别的服务端的回复、来得太快的来源，见 guard.rs
mod loss; // --drop：故意丢包，见 loss.rs

fn main() -> ExitCode {
    let args = PROGRAM.parse();
    common::exit_code(run(&args))
}

// ANCHOR: steps
fn run(args: &Args) -> io::Result<()> {
    let addr = common::resolve(&args.net.host, args.net.port)?;

    // ANCHOR: socket
    // 1. 创建套接字，类型为数据报
    //    — Python: soc = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    let soc = Socket::new(Domain::for_address(addr), Type::DGRAM, None)?;
    // ANCHOR_END: socket

    // ANCHOR: dual_stack
    // 原文没有这一步：绑定 `::` 时也接受 IPv4 客户端（双栈）。Linux、macOS
    // 默认如此，Windows 默认只收 IPv6，所以明说；个别系统不支持，就只收 IPv6。
    //    — Python: soc.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    let dual_stack = addr.is_ipv6() && soc.set_only_v6(false).is_ok();
    // ANCHOR_END: dual_stack

    // ANCHOR: bind
    // 2. 绑定地址 — Python: soc.bind(adds)，adds = (hostname, 10000)
    //    UDP 没有 TIME_WAIT，重启不需要 SO_REUSEADDR；不设它，端口被占时
    //    bind 才会报错，而不是两个服务端悄悄共用一个端口。
    soc.bind(&addr.into()).map_err(|e| explain::bind(e, addr))?;
    // ANCHOR_END: bind

    let soc = UdpSocket::from(soc);
    // 第一行以实际绑定的地址结尾（--port 0 时就能看到系统挑的端口）。
    println!("UDP 服务端已启动，正在监听 {}", soc.local_addr()?);
    // 此后的输出交给一个写线程：终端按了 Ctrl-S、或输出管道没人读时，
    // 照常收发数据报，来不及显示的行丢掉并计数。
    output::start();
    // 再告诉学生怎么连：每个局域网地址一条命令，或者“只有本机能连”。
    for line in lan::hints(soc.local_addr()?, lan::Kind::Udp, dual_stack) {
        println!("{line}");
    }

    // UDP 没有 listen/accept：绑定之后直接收数据报。
    let mut buf = vec![0; DATAGRAM_MAX];
    let trace = Trace::new(args.trace); // --trace：把收发的字节打印到 stderr
    let mut loss = loss::Loss::new(args.drop, args.seed); // --drop P
    // 伪造来源的数据报不能让服务端回复自己、或和另一个服务端互相回复到永远。
    let mut guard = guard::Guard::new(soc.local_addr()?, lan::local_addrs());
    // ANCHOR: recvfrom
    loop {
        // 3. 接收数据和发送方地址 — Python: data, add = soc.recvfrom(1024)
        let (n, add) = match soc.recv_from(&mut buf) {
            Ok(received) => received,
            // Windows 报告先前某次回复没送达（WSAECONNRESET，10054）：
            // 与本次无关，接着收。
            Err(e) if cfg!(windows) && e.raw_os_error() == Some(10054) => {
                continue;
            }
            Err(e) => {
                // 一个坏数据报不能让服务端退出：记一行（成批时只记几行），稍等再收。
                let line =
                    format!("recvfrom() 出错，继续 / recvfrom failed: {e}");
                output::repeated(["recvfrom()", "recvfrom()"], line);
                thread::sleep(Duration::from_millis(100));
                continue;
            }
        };
        trace.received(add, &buf[..n]);
        // 原文 recvfrom(1024) 只取前 1024 字节，多出的部分被丢掉。
        let data = &buf[..n.min(BUFFER_SIZE)];

        // Python: val = data.decode('utf-8')（非法字节变成 �，不会出错）
        let val = String::from_utf8_lossy(data);

        // 原文没有这一步：--drop 时假装一部分数据报在路上丢了，不回复。
        if loss.drop_this() {
            if args.quiet {
                // --quiet：不逐条打印，只在 stderr 汇总丢了多少个。
                output::counted(["故意丢弃", "dropped on purpose"]);
                continue;
            }
            let val = escape_control(&val);
            println!(
                "（故意丢弃 {add} 发来的数据报 {val}，不回复 \
                 / dropped the datagram from {add} on purpose: no reply）"
            );
            continue;
        }

        // 原文没有这一步：来源是自己、内容本身是回复、或同一来源太快时不回复，
        // 否则一个伪造来源的数据报就能让服务端回复到永远（见 guard.rs）。
        if let Err(why) = guard.check(add, data, Instant::now()) {
            output::repeated(why.kind(), why.line(add));
            continue;
        }

        // Python: print('客户端地址：', add, '客户端数据', val)；控制字符转义后才打印
        if !args.quiet {
            println!("客户端地址： {add} 客户端数据 {}", escape_control(&val));
        }
        if n > BUFFER_SIZE {
            println!(
                "（数据报 {n} 字节，只处理前 {BUFFER_SIZE} 字节，其余 {} 字节被截断 \
                 / datagram of {n} bytes truncated to {BUFFER_SIZE}）",
                n - BUFFER_SIZE
            );
        }

        // ANCHOR_END: recvfrom
        // ANCHOR: sendto
        // 4. 回复发送方
        //    — Python: soc.sendto(('服务端接收到数据：%s' % val).encode('utf-8'), add)
        let answer = format!("服务端接收到数据：{val}");
        match soc.send_to(answer.as_bytes(), add) {
            Ok(_) => trace.sent(add, answer.as_bytes()),
            Err(e) => output::repeated(
                ["sendto()", "sendto()"],
                explain::one_line(&explain::talk(e, add)),
            ),
        }
        // ANCHOR_END: sendto
    }
}
// ANCHOR_END: steps

/// 命令行选项：`--host`/`--port`，加上下面表里的几项。
#[derive(Default)]
struct Args {
    net: Net,
    trace: bool,
    quiet: bool,
    /// `--drop`: the fraction of datagrams to lose on purpose, `0 <= P < 1`.
    drop: f64,
    /// `--seed`: fixes which datagrams `--drop` loses.
    seed: Option<u64>,
}

/// 本程序的选项，每个一项：写法、[中文, 英文] 说明、默认值、值放在哪里。
#[rustfmt::skip] // 排成一张表，一项一行（不超过 100 列）
const PROGRAM: Program<Args> = Program {
    name: env!("CARGO_PKG_NAME"), version: env!("CARGO_PKG_VERSION"),
    about: "15.3.2 UDP 服务端 / UDP server",
    net: Some((Side::Server, |args| &mut args.net)),
    options: &[
        cli::trace(|args| &mut args.trace),
        cli::quiet(|args| &mut args.quiet),
        Opt::new("--drop <P>", ["故意丢掉这个比例的数据报，0 ≤ P < 1",
                                "drop this fraction of datagrams on purpose, 0 ≤ P < 1"],
            Initial::Value("0"), Set::With(|args, v| fraction(v).map(|p| args.drop = p))),
        Opt::new("--seed <N>", ["--drop 的随机种子：同一个种子丢同一批",
                                "random seed for --drop: the same seed drops the same ones"],
            Initial::None, Set::With(|args, v| v.number("≥ 0").map(|n| args.seed = Some(n)))),
    ],
    ..Program::NONE
};

/// `--drop` 的值：一个比例，0 ≤ P < 1（1 就谁也不回复了）。
fn fraction(value: &cli::Value) -> Result<f64, Bilingual> {
    let got = value.quoted();
    match value.raw.to_string_lossy().trim().parse::<f64>() {
        Ok(p) if (0.0..1.0).contains(&p) => Ok(p),
        _ => Err(Bilingual::new(
            format!(
                "--drop 是要丢掉的比例，应满足 0 ≤ P < 1（例如 0.3），收到 {got}"
            ),
            format!("--drop takes a fraction 0 ≤ P < 1 (e.g. 0.3), got {got}"),
        )),
    }
}

/// 一个 UDP 数据报最大不到 64 KiB：整个收下来，才知道超过 1024 的部分有多少。
const DATAGRAM_MAX: usize = 65_536;
