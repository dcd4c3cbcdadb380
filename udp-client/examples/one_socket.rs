//! 15.3 练习 3 的答案：所有消息共用一个套接字，服务端看到的客户端端口就不再变。
//!
//! ```text
//! cargo run -p udp-server                            # 终端 1
//! cargo run -p udp-client --example one_socket       # 终端 2
//! ```
//!
//! 选项和 udp-client 一样（`--host`、`--port`、`--delay-ms`、消息……）。

use std::io::{self, ErrorKind};
use std::net::UdpSocket;
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use common::cli::{self, Messages, Net, Program, Side};
use common::println; // 同 std 的 println!，但 stdout 被关掉时不 panic
use common::{escape_control, explain};
use socket2::{Domain, Socket, Type};

fn main() -> ExitCode {
    let args = PROGRAM.parse();
    common::exit_code(run(&args))
}

fn run(args: &Args) -> io::Result<()> {
    let adds = common::resolve(&args.net.host, args.net.port)?;
    // ANCHOR: one_socket
    // 套接字只创建一次，放在循环外面 — Python: soc = socket.socket(...)
    let soc = Socket::new(Domain::for_address(adds), Type::DGRAM, None)?;
    let soc = UdpSocket::from(soc);
    soc.set_read_timeout(Some(args.timeout))?;

    let mut buf = vec![0; 65_536];
    for c_name in &args.messages {
        let c_name = c_name?;
        // 每条消息都从同一个套接字发出 — Python: soc.sendto(...)
        soc.send_to(c_name.as_bytes(), adds)
            .map_err(|e| explain::talk(e, adds))?;
        // Python: print(soc.recv(1024).decode('utf-8'))
        let n = soc.recv(&mut buf).map_err(|e| match e.kind() {
            ErrorKind::WouldBlock
            | ErrorKind::TimedOut
            | ErrorKind::ConnectionRefused
            | ErrorKind::ConnectionReset => {
                explain::no_reply(adds, args.timeout, &args.net.start_server())
            }
            _ => explain::talk(e, adds),
        })?;
        println!("{}", escape_control(&String::from_utf8_lossy(&buf[..n])));
        thread::sleep(args.delay);
    }
    // ANCHOR_END: one_socket
    // 第一次 sendto 时系统给它挑了端口，之后一直用这一个。
    let port = soc.local_addr()?.port();
    println!(
        "每条消息都从端口 {port} 发出 / every message left from port {port}"
    );
    Ok(())
}

#[derive(Default)]
struct Args {
    net: Net,
    messages: Messages,
    delay: Duration,
    timeout: Duration,
}

/// 选项和 udp-client 一样。
const PROGRAM: Program<Args> = Program {
    name: "udp-client --example one_socket",
    version: env!("CARGO_PKG_VERSION"),
    about: "15.3 练习 3：所有消息共用一个套接字 / one socket for all messages",
    net: Some((Side::Client("udp-server"), |args| &mut args.net)),
    messages: Some((&["123", "234", "53"], |args| &mut args.messages)),
    options: &[
        cli::delay_ms(|args| &mut args.delay, "1000"),
        cli::timeout(|args| &mut args.timeout, "5"),
    ],
    ..Program::NONE
};
