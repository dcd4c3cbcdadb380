//! 15.2.1 演示：先把消息一口气发完再读回复，看 TCP 怎样把几次发送合在一起。
//!
//! 服务端晚一点才 accept，这段时间里几条消息都已经到了它的接收缓冲区：
//!
//! ```text
//! cargo run -p tcp-server --example backlog -- --accept-delay-ms 1000   # 终端 1
//! cargo run -p tcp-client --example merge -- one two three              # 终端 2
//! ```
//!
//! 和 tcp-client 的清单相比：发送的循环里不等回复，发完不发 `end`，
//! 而是关上发送方向，再一直读到服务端关闭连接。整个过程最多 `--timeout` 秒。

use std::io::{self, ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use common::cli::{self, Messages, Net, Program, Side};
use common::println; // 同 std 的 println!，但 stdout 被关掉时不 panic
use common::{BUFFER_SIZE, Utf8Stream, escape_control, explain, trace::Trace};
use socket2::{Domain, Socket, Type};

fn main() -> ExitCode {
    let args = PROGRAM.parse();
    common::exit_code(run(&args))
}

fn run(args: &Args) -> io::Result<()> {
    let addr = common::resolve(&args.net.host, args.net.port)?;
    // 整个过程一个期限：服务端一秒滴一行也拖不过 --timeout。
    let deadline = Instant::now() + args.timeout;
    let trace = Trace::new(args.trace);

    // 1. 创建套接字；2. 连接服务端
    let soc = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    soc.connect_timeout(&addr.into(), args.timeout)
        .map_err(|e| explain::connect(e, addr, &args.net.start_server()))?;
    let mut soc = TcpStream::from(soc);

    // 3. 一口气发完所有消息 — Python: soc.send(...)，这次不等回复
    let mut sends = 0;
    for message in &args.messages {
        let message = message?;
        soc.write_all(message.as_bytes())
            .map_err(|e| explain::talk(e, addr))?;
        trace.sent(addr, message.as_bytes());
        sends += 1;
    }
    // 不发 end：它会和前面的字节粘在一起。只关上发送方向，服务端读到 0 字节
    // 就结束 — Python: soc.shutdown(socket.SHUT_WR)
    soc.shutdown(Shutdown::Write)
        .map_err(|e| explain::talk(e, addr))?;

    // 4. 读回复，直到服务端关闭连接 — Python: soc.recv(1024)
    let mut buf = [0; BUFFER_SIZE];
    let mut decoder = Utf8Stream::new();
    let mut reads = 0;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(explain::talk(ErrorKind::TimedOut.into(), addr));
        }
        soc.set_read_timeout(Some(left.max(Duration::from_millis(1))))?;
        let n = soc.read(&mut buf).map_err(|e| explain::talk(e, addr))?;
        trace.received(addr, &buf[..n]);
        if n == 0 {
            break;
        }
        reads += 1;
        println!("{}", escape_control(&decoder.decode(&buf[..n])));
    }
    println!(
        "发送 {sends} 次，收到回复 {reads} 次 / sends: {sends}, replies: {reads}"
    );
    Ok(())
}

#[derive(Default)]
struct Args {
    net: Net,
    messages: Messages,
    timeout: Duration,
    trace: bool,
}

/// 选项和 tcp-client 一样。
const PROGRAM: Program<Args> = Program {
    name: "tcp-client --example merge",
    version: env!("CARGO_PKG_VERSION"),
    about: "15.2.1 演示：先发完再读，几次发送合成一次 / send all, then read",
    net: Some((Side::Client("tcp-server"), |args| &mut args.net)),
    messages: Some((&["Python TCP 第一个DEMO"], |args| &mut args.messages)),
    options: &[
        cli::timeout(|args| &mut args.timeout, "10"),
        cli::trace(|args| &mut args.trace),
    ],
    ..Program::NONE
};
