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
use std::time::Duration;

use common::cli::{Args, Spec};
use common::println; // 同 std 的 println!，但 stdout 被关掉时不 panic
use common::trace::Trace;
use common::{BUFFER_SIZE, Utf8Stream, escape_control, explain};
use socket2::{Domain, Socket, Type};

fn main() -> ExitCode {
    let args = SPEC.parse();
    common::exit_code(run(&args))
}

fn run(args: &Args) -> io::Result<()> {
    let addr = common::resolve(&args.host, args.port)?;

    // 1. 创建套接字 — Python: soc = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    let soc = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;

    // 2. 连接服务端 — Python: soc.connect((hostname, 10000))
    soc.connect_timeout(&addr.into(), CONNECT_TIMEOUT)
        .map_err(|e| explain::connect(e, addr, "tcp-server"))?;
    let mut soc = TcpStream::from(soc);

    let mut buf = [0; BUFFER_SIZE];
    let mut decoder = Utf8Stream::new();
    let trace = Trace::new(args.trace); // --trace：把收发的字节打印到 stderr
    for message in args.messages() {
        let message = message?;
        // 3. 发送 — Python: soc.send('Python TCP 第一个DEMO'.encode('utf-8'))
        //    Rust 的字符串本来就是 UTF-8，as_bytes() 就是 encode('utf-8')。
        soc.write_all(message.as_bytes())
            .map_err(|e| explain::talk(e, addr))?;
        trace.sent(addr, message.as_bytes());

        // 4. 接收并打印 — Python: print(soc.recv(1024).decode('utf-8'))
        let n = soc.read(&mut buf).map_err(|e| explain::talk(e, addr))?;
        trace.received(addr, &buf[..n]);
        if n == 0 {
            println!("服务端已关闭连接 / the server closed the connection");
            return Ok(());
        }
        println!("{}", escape_control(&decoder.decode(&buf[..n])));
    }

    // 5. 告诉服务端说完了 — Python: soc.send(b'end')
    soc.write_all(b"end").map_err(|e| explain::talk(e, addr))?;
    trace.sent(addr, b"end");

    // 6. 关闭 — Python: soc.close()；Rust 在 soc 离开作用域时自动关闭。
    Ok(())
}

/// 这个程序接受的选项：客户端的预设，加上原文要发的消息。
const SPEC: Spec = Spec {
    name: env!("CARGO_PKG_NAME"),
    version: env!("CARGO_PKG_VERSION"),
    about: "15.2.1 TCP 客户端 / TCP client",
    messages: Some(&["Python TCP 第一个DEMO"]), // 不给消息时发原文这句
    ..Spec::CLIENT
};

/// 连不上时最多等这么久，免得一个写错的地址让全班干等两分钟。
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
