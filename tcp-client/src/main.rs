//! 15.2.1 TCP 客户端：连上服务端，发一句话，打印回复，再发 `end` 告别。
//!
//! 先在一个终端启动服务端，再在另一个终端运行客户端：
//!
//! ```text
//! cargo run -p tcp-server
//! cargo run -p tcp-client
//! cargo run -p tcp-client -- 你好 "第二句"       # 发自己的消息
//! cargo run -p tcp-client -- --host 192.168.1.10  # 连老师的机器
//! cargo run -p tcp-client -- -i                   # 逐行输入，end 结束
//! cargo run -p tcp-client -- --trace              # 在 stderr 看每个字节
//! ```
//!
//! 全部选项见 `cargo run -p tcp-client -- --help`。

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;

use common::cli::{self, Messages, Net, Program, Side};
use common::println; // 同 std 的 println!，但 stdout 被关掉时不 panic
use common::{BUFFER_SIZE, Utf8Stream, escape_control, explain, trace::Trace};
use socket2::{Domain, Socket, Type};

fn main() -> ExitCode {
    let args = PROGRAM.parse();
    common::exit_code(run(&args))
}

// ANCHOR: steps
fn run(args: &Args) -> io::Result<()> {
    let addr = common::resolve(&args.net.host, args.net.port)?;

    // ANCHOR: socket
    // 1. 创建套接字 — Python: soc = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    let soc = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    // ANCHOR_END: socket

    // ANCHOR: connect
    // 2. 连接服务端 — Python: soc.connect((hostname, 10000))
    //    原文会一直等；这里连接和每次等回复最多 --timeout 秒（默认 10），
    //    免得写错的地址或停住的服务端让全班干等。
    soc.connect_timeout(&addr.into(), args.timeout)
        .map_err(|e| explain::connect(e, addr, &args.net.start_server()))?;
    let mut soc = TcpStream::from(soc);
    soc.set_read_timeout(Some(args.timeout))?;
    // ANCHOR_END: connect

    let mut buf = [0; BUFFER_SIZE];
    let mut decoder = Utf8Stream::new();
    let trace = Trace::new(args.trace); // --trace：把收发的字节打印到 stderr
    for message in &args.messages {
        let message = message?;
        // ANCHOR: send
        // 3. 发送 — Python: soc.send('Python TCP 第一个DEMO'.encode('utf-8'))
        //    Rust 的字符串本来就是 UTF-8，as_bytes() 就是 encode('utf-8')。
        soc.write_all(message.as_bytes())
            .map_err(|e| explain::talk(e, addr))?;
        trace.sent(addr, message.as_bytes());
        // ANCHOR_END: send

        // ANCHOR: recv
        // 4. 接收并打印 — Python: print(soc.recv(1024).decode('utf-8'))
        let n = soc.read(&mut buf).map_err(|e| explain::talk(e, addr))?;
        trace.received(addr, &buf[..n]);
        if n == 0 {
            println!("服务端已关闭连接 / the server closed the connection");
            return Ok(());
        }
        println!("{}", escape_control(&decoder.decode(&buf[..n])));
        // ANCHOR_END: recv
    }

    // ANCHOR: end
    // 5. 告诉服务端说完了 — Python: soc.send(b'end')
    soc.write_all(b"end").map_err(|e| explain::talk(e, addr))?;
    trace.sent(addr, b"end");
    // ANCHOR_END: end

    // ANCHOR: close
    // 6. 关闭 — Python: soc.close()；Rust 在 soc 离开作用域时自动关闭。
    Ok(())
    // ANCHOR_END: close
}
// ANCHOR_END: steps

/// 命令行选项：`--host`/`--port`、要发的消息和 `-i`，加上下面表里的几项。
#[derive(Default)]
struct Args {
    net: Net,
    messages: Messages,
    timeout: std::time::Duration,
    trace: bool,
}

/// 本程序的选项，每个一项：写法、中英文说明、默认值、值放在哪里。
const PROGRAM: Program<Args> = Program {
    name: env!("CARGO_PKG_NAME"),
    version: env!("CARGO_PKG_VERSION"),
    about: "15.2.1 TCP 客户端 / TCP client",
    net: Some((Side::Client("tcp-server"), |args| &mut args.net)),
    messages: Some((&["Python TCP 第一个DEMO"], |args| &mut args.messages)),
    options: &[
        // ANCHOR: timeout
        cli::timeout(|args| &mut args.timeout, "10"), // 连接和等回复最多几秒
        // ANCHOR_END: timeout
        cli::trace(|args| &mut args.trace),
    ],
    ..Program::NONE
};
