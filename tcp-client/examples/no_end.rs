//! 15.2.1 练习 4 的答案：不发 `end`，直接关闭连接，服务端照样结束这段对话。
//!
//! ```text
//! cargo run -p tcp-server -- --trace               # 终端 1
//! cargo run -p tcp-client --example no_end         # 终端 2
//! ```
//!
//! 服务端的 `--trace` 里，最后一次接收是 0 字节：这就是“对方关闭了连接”。

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;
use std::time::Duration;

use common::cli::{Messages, Net, Program, Side};
use common::println; // 同 std 的 println!，但 stdout 被关掉时不 panic
use common::{BUFFER_SIZE, Utf8Stream, escape_control, explain};
use socket2::{Domain, Socket, Type};

fn main() -> ExitCode {
    let args = PROGRAM.parse();
    common::exit_code(run(&args))
}

fn run(args: &Args) -> io::Result<()> {
    let addr = common::resolve(&args.net.host, args.net.port)?;
    // 1. 创建套接字；2. 连接服务端
    let soc = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    soc.connect_timeout(&addr.into(), Duration::from_secs(5))
        .map_err(|e| explain::connect(e, addr, &args.net.start_server()))?;
    let mut soc = TcpStream::from(soc);

    let mut buf = [0; BUFFER_SIZE];
    let mut decoder = Utf8Stream::new();
    for message in &args.messages {
        // 3. 发送；4. 接收并打印
        soc.write_all(message?.as_bytes())
            .map_err(|e| explain::talk(e, addr))?;
        let n = soc.read(&mut buf).map_err(|e| explain::talk(e, addr))?;
        println!("{}", escape_control(&decoder.decode(&buf[..n])));
    }
    // ANCHOR: no_end
    // 5. 不发 end（原来这里是 soc.write_all(b"end")）。
    // 6. 关闭：soc 在这里被丢弃，服务端的 recv 随即返回 0 字节。
    drop(soc);
    // ANCHOR_END: no_end
    Ok(())
}

#[derive(Default)]
struct Args {
    net: Net,
    messages: Messages,
}

/// 选项：`--host`/`--port`、要发的消息和 `-i`，和 tcp-client 一样。
const PROGRAM: Program<Args> = Program {
    name: "tcp-client --example no_end",
    version: env!("CARGO_PKG_VERSION"),
    about: "15.2.1 练习 4：不发 end 就关闭 / close without sending end",
    net: Some((Side::Client("tcp-server"), |args| &mut args.net)),
    messages: Some((&["Python TCP 第一个DEMO"], |args| &mut args.messages)),
    ..Program::NONE
};
