//! 练习答案（“UDP 丢包看得见”一节）：给 UDP 客户端加上重试。
//!
//! 没等到回答就把同一条消息再发一次，最多发 `TRIES` 次；每次最多等
//! `--timeout` 秒（默认 1）。和会丢包的服务端一起试：
//!
//! ```text
//! cargo run -p udp-server -- --drop 0.5
//! cargo run -p udp-client --example retry
//! ```
//!
//! 和 `udp-client` 的清单相比，只有 `star_c_udp` 里多了一个循环。

use std::io::{self, ErrorKind};
use std::net::{SocketAddr, UdpSocket};
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use common::cli::{self, Messages, Net, Program, Side};
use common::println; // 同 std 的 println!，但 stdout 被关掉时不 panic
use common::trace::Trace;
use common::{escape_control, explain};
use socket2::{Domain, Socket, Type};

/// 一条消息最多发几次。
const TRIES: u32 = 5;

fn main() -> ExitCode {
    let args = PROGRAM.parse();
    common::exit_code(run(&args))
}

fn run(args: &Args) -> io::Result<()> {
    let adds = common::resolve(&args.net.host, args.net.port)?;
    let trace = Trace::new(args.trace);
    for c_name in &args.messages {
        star_c_udp(&c_name?, adds, args, trace)?;
        thread::sleep(args.delay);
    }
    Ok(())
}

/// 发一条消息并打印回复；没有回答就重发，最多 `TRIES` 次。
fn star_c_udp(
    c_name: &str,
    adds: SocketAddr,
    args: &Args,
    trace: Trace,
) -> io::Result<()> {
    let (timeout, start) = (args.timeout, args.net.start_server());
    let soc = Socket::new(Domain::for_address(adds), Type::DGRAM, None)?;
    let soc = UdpSocket::from(soc);
    soc.set_read_timeout(Some(timeout))?;
    let mut buf = vec![0; DATAGRAM_MAX];

    for attempt in 1..=TRIES {
        soc.send_to(c_name.as_bytes(), adds)
            .map_err(|e| explain::talk(e, adds))?;
        trace.sent(adds, c_name.as_bytes());

        match soc.recv(&mut buf) {
            Ok(n) => {
                trace.received(adds, &buf[..n]);
                let answer = String::from_utf8_lossy(&buf[..n]);
                println!("{}", escape_control(&answer));
                return Ok(());
            }
            Err(e) => match e.kind() {
                // 等满 timeout 也没有回答：数据报（或回答）丢了，再发一次。
                ErrorKind::WouldBlock | ErrorKind::TimedOut => println!(
                    "（第 {attempt} 次发送 {c_name} 没有回答，重发 \
                     / no answer to try {attempt} of {c_name}, sending again）"
                ),
                // “端口不可达”：服务端没有运行，重发也没用。
                ErrorKind::ConnectionRefused | ErrorKind::ConnectionReset => {
                    return Err(explain::no_reply(adds, timeout, &start));
                }
                _ => return Err(explain::talk(e, adds)),
            },
        }
    }
    Err(explain::no_reply(adds, timeout * TRIES, &start))
}

#[derive(Default)]
struct Args {
    net: Net,
    messages: Messages,
    delay: Duration,
    timeout: Duration,
    trace: bool,
}

/// 和 udp-client 一样的选项，只是每次等待默认 1 秒。
const PROGRAM: Program<Args> = Program {
    name: "udp-client --example retry",
    version: env!("CARGO_PKG_VERSION"),
    about: "练习答案：带重试的 UDP 客户端 / UDP client that retries",
    net: Some((Side::Client("udp-server"), |args| &mut args.net)),
    messages: Some((&["123", "234", "53"], |args| &mut args.messages)),
    options: &[
        cli::delay_ms(|args| &mut args.delay, "1000"),
        cli::timeout(|args| &mut args.timeout, "1"),
        cli::trace(|args| &mut args.trace),
    ],
    ..Program::NONE
};

/// 回复比消息多一个前缀：整个数据报都收下。
const DATAGRAM_MAX: usize = 65_536;
