//! 15.1 套接字导游：把服务端的六个步骤、四个地址族和 socket 方法表的每一行，
//! 在一个进程里真的跑一遍。
//!
//! 运行：
//!
//! ```text
//! cargo run -p socket-basics                    # 从头到尾走一遍
//! cargo run -p socket-basics -- --list          # 列出所有项目的名字
//! cargo run -p socket-basics -- --step accept   # 只看其中一项
//! ```
//!
//! 全程只用本机回环地址（127.0.0.1、::1），端口都由系统挑选（绑定端口 0），
//! 不需要第二个终端。每一项先打印 Python 的写法和它在 Rust 里对应的调用，
//! 再在 `=>` 后面打印实际发生的事：绑定的地址、对方的地址、读回的选项值、
//! 观察到的超时错误……
//!
//! 每一项是下面几个文件里的一个函数，函数里的每个套接字调用都有一行注释，
//! 写明它对应的 Python 调用：
//!
//! - `families.rs`：地址族 AF_INET、AF_INET6、AF_UNIX、AF_UNSPEC
//! - `server.rs`：第 1～4 步（socket、bind、listen、accept）和客户端的
//!   connect、connect_ex；六个步骤接力用同一个套接字（`Walk`）
//! - `data.rs`：收发数据和关闭（第 5、6 步，以及 UDP 的 sendto、recvfrom）
//! - `options.rs`：地址、选项、超时、阻塞、描述符和 makefile
//! - `raw.rs`：原始套接字（`--step raw`，不在导游里：结果取决于权限）

mod data;
mod families;
mod options;
mod raw;
mod server;

use std::ffi::OsString;
use std::io;
use std::net::{TcpListener, TcpStream};
use std::process::ExitCode;

use common::explain;
use common::println; // 同 std 的 println!，但 stdout 被关掉时不 panic
use common::usage::{self, Entry, Usage};

/// 导游里的一项：原文里叫什么，Rust 里怎么写，由哪个函数来演示。
struct Row {
    /// Python 里的名字，也是 `--step` 接受的名字。
    name: &'static str,
    /// 属于原文的哪一部分。
    part: Part,
    /// 它做什么（中文 / English）。
    what: &'static str,
    /// Python 的写法。
    python: &'static str,
    /// 对应的 Rust 调用（socket2 或 std）。
    rust: &'static str,
    /// 演示它的函数：打印 `=>` 开头的结果行。
    run: fn(&mut server::Walk) -> io::Result<()>,
}

#[derive(Clone, Copy, PartialEq)]
enum Part {
    Families,
    Server,
    Client,
    Common,
}

impl Part {
    fn title(self) -> &'static str {
        match self {
            Part::Families => "一、地址族 / address families",
            Part::Server => "二、服务端函数：第 1～4 步 / server: steps 1-4",
            Part::Client => "三、客户端函数 / client",
            Part::Common => {
                "四、公共函数：第 5、6 步及其他 / common: steps 5-6 and more"
            }
        }
    }
}

/// 原文的顺序：地址族，服务端的六个步骤，然后是方法表。
const ROWS: &[Row] = &[
    Row {
        name: "AF_INET",
        part: Part::Families,
        what: "IPv4 地址族，地址是 (ip, port) / IPv4",
        python: "socket.socket(socket.AF_INET, socket.SOCK_STREAM)",
        rust: "Socket::new(Domain::IPV4, Type::STREAM, None)",
        run: families::af_inet,
    },
    Row {
        name: "AF_INET6",
        part: Part::Families,
        what: "IPv6 地址族 / IPv6",
        python: "socket.socket(socket.AF_INET6, socket.SOCK_STREAM)",
        rust: "Socket::new(Domain::IPV6, Type::STREAM, None)",
        run: families::af_inet6,
    },
    Row {
        name: "AF_UNIX",
        part: Part::Families,
        what: "Unix 域：本机进程之间，地址是一个文件路径 / local, a path",
        python: "socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)",
        rust: "Socket::new(Domain::UNIX, Type::STREAM, None)",
        run: families::af_unix,
    },
    Row {
        name: "AF_UNSPEC",
        part: Part::Families,
        what: "不限地址族：IPv4、IPv6 都行 / either family",
        python: "socket.getaddrinfo('localhost', port, socket.AF_UNSPEC)",
        rust: "(\"localhost\", port).to_socket_addrs()",
        run: families::af_unspec,
    },
    Row {
        name: "socket",
        part: Part::Server,
        what: "第 1 步：创建套接字 / step 1: create a socket",
        python: "soc = socket.socket(socket.AF_INET, socket.SOCK_STREAM)",
        rust: "let soc = Socket::new(Domain::IPV4, Type::STREAM, None)?",
        run: server::socket,
    },
    Row {
        name: "bind",
        part: Part::Server,
        what: "第 2 步：绑定地址和端口 / step 2: bind an address",
        python: "soc.bind(('127.0.0.1', 0))",
        rust: "soc.bind(&addr.into())?",
        run: server::bind,
    },
    Row {
        name: "listen",
        part: Part::Server,
        what: "第 3 步：开始监听 TCP 连接 / step 3: listen",
        python: "soc.listen(5)",
        rust: "soc.listen(5)?",
        run: server::listen,
    },
    Row {
        name: "accept",
        part: Part::Server,
        what: "第 4 步：等待并接受一个客户端 / step 4: accept a client",
        python: "conn, addr = soc.accept()",
        rust: "let (conn, addr) = soc.accept()?",
        run: server::accept,
    },
    Row {
        name: "connect",
        part: Part::Client,
        what: "主动连接服务端 / connect to a server",
        python: "soc.connect(('127.0.0.1', port))",
        rust: "soc.connect(&addr.into())?",
        run: server::connect,
    },
    Row {
        name: "connect_ex",
        part: Part::Client,
        what: "connect，但出错时返回错误码 / connect returning an error code",
        python: "code = soc.connect_ex(('127.0.0.1', port))",
        rust: "soc.connect(..) 的 Err(e) => e.raw_os_error()",
        run: server::connect_ex,
    },
    Row {
        name: "recv",
        part: Part::Common,
        what: "第 5 步：接收 TCP 数据 / step 5: receive",
        python: "data = conn.recv(1024)",
        rust: "let n = conn.read(&mut buf)?",
        run: data::recv,
    },
    Row {
        name: "send",
        part: Part::Common,
        what: "第 5 步：发送 TCP 数据 / step 5: send",
        python: "n = conn.send(data)",
        rust: "let n = conn.write(data)?",
        run: data::send,
    },
    Row {
        name: "sendall",
        part: Part::Common,
        what: "把数据全部发完 / send everything",
        python: "conn.sendall(data)",
        rust: "conn.write_all(data)?",
        run: data::sendall,
    },
    Row {
        name: "recvfrom",
        part: Part::Common,
        what: "接收 UDP 数据和发送方地址 / receive a datagram",
        python: "data, addr = udp.recvfrom(1024)",
        rust: "let (n, addr) = udp.recv_from(&mut buf)?",
        run: data::recvfrom,
    },
    Row {
        name: "sendto",
        part: Part::Common,
        what: "向一个地址发送 UDP 数据 / send a datagram",
        python: "udp.sendto(data, addr)",
        rust: "udp.send_to(data, addr)?",
        run: data::sendto,
    },
    Row {
        name: "close",
        part: Part::Common,
        what: "第 6 步：关闭套接字 / step 6: close",
        python: "conn.close()",
        rust: "drop(conn)  // 离开作用域时也会自动关闭",
        run: data::close,
    },
    Row {
        name: "getpeername",
        part: Part::Common,
        what: "对方的地址 / the remote address",
        python: "conn.getpeername()",
        rust: "conn.peer_addr()?",
        run: options::getpeername,
    },
    Row {
        name: "getsockname",
        part: Part::Common,
        what: "自己的地址 / the local address",
        python: "soc.getsockname()",
        rust: "soc.local_addr()?",
        run: options::getsockname,
    },
    Row {
        name: "setsockopt",
        part: Part::Common,
        what: "设置套接字选项 / set an option",
        python: "soc.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
        rust: "soc.set_reuse_address(true)?",
        run: options::setsockopt,
    },
    Row {
        name: "getsockopt",
        part: Part::Common,
        what: "读取套接字选项 / read an option",
        python: "soc.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)",
        rust: "soc.recv_buffer_size()?",
        run: options::getsockopt,
    },
    Row {
        name: "settimeout",
        part: Part::Common,
        what: "设置超时 / set a timeout",
        python: "conn.settimeout(0.2)",
        rust: "conn.set_read_timeout(Some(Duration::from_millis(200)))?",
        run: options::settimeout,
    },
    Row {
        name: "gettimeout",
        part: Part::Common,
        what: "读取超时 / read the timeout",
        python: "conn.gettimeout()",
        rust: "conn.read_timeout()?",
        run: options::gettimeout,
    },
    Row {
        name: "fileno",
        part: Part::Common,
        what: "套接字的文件描述符 / the descriptor number",
        python: "conn.fileno()",
        rust: "conn.as_raw_fd()  (Windows: conn.as_raw_socket())",
        run: options::fileno,
    },
    Row {
        name: "setblocking",
        part: Part::Common,
        what: "切换阻塞 / 非阻塞 / blocking or not",
        python: "conn.setblocking(False)",
        rust: "conn.set_nonblocking(true)?",
        run: options::setblocking,
    },
    Row {
        name: "makefile",
        part: Part::Common,
        what: "把套接字当文件读写 / use it as a file",
        python: "f = conn.makefile('rw')",
        rust: "BufReader::new(&conn) / BufWriter::new(&conn)",
        run: options::makefile,
    },
];

/// 只能单独运行的项：结果取决于权限（普通用户会被拒绝），所以不在导游里。
const ALONE: &[Row] = &[Row {
    name: "raw",
    part: Part::Server,
    what: "原始套接字：直接收发 IP 包 / raw socket: whole IP packets",
    python: "socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)",
    rust: "Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::ICMPV4))",
    run: raw::raw,
}];

/// 命令行要做的事。
#[derive(Debug, PartialEq)]
enum Command {
    /// 全部走一遍（没有给 --step），或者只走给出的几项。
    Run(Vec<&'static str>),
    List,
    Help,
    Version,
}

fn main() -> ExitCode {
    let name = env!("CARGO_PKG_NAME");
    match parse(std::env::args_os().skip(1)) {
        Ok(Command::Run(steps)) => common::exit_code(run(&steps)),
        Ok(Command::List) => {
            list();
            ExitCode::SUCCESS
        }
        Ok(Command::Help) => {
            println!("{}", help());
            ExitCode::SUCCESS
        }
        Ok(Command::Version) => {
            println!("{name} {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Err(message) => usage::exit(name, &message),
    }
}

/// 读命令行：`--step NAME`（可以给几次）、`--list`、`--help`、`--version`。
fn parse<I>(args: I) -> Result<Command, String>
where
    I: IntoIterator,
    I::Item: Into<OsString>,
{
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_args(args);
    let mut steps = Vec::new();
    let mut list = false;
    let mut next = || -> Result<Option<Command>, lexopt::Error> {
        while let Some(arg) = parser.next()? {
            match arg {
                Short('h') | Long("help") => {
                    usage::reject_value(&mut parser, "--help")?;
                    return Ok(Some(Command::Help));
                }
                Short('V') | Long("version") => {
                    usage::reject_value(&mut parser, "--version")?;
                    return Ok(Some(Command::Version));
                }
                Long("list") => list = true,
                Long("step") => {
                    let value = parser.value()?.string()?;
                    steps.push(find(&value)?.name);
                }
                _ => return Err(arg.unexpected()),
            }
        }
        Ok(None)
    };
    match next() {
        Ok(Some(command)) => Ok(command),
        Ok(None) if list => Ok(Command::List),
        Ok(None) => Ok(Command::Run(steps)),
        Err(err) => {
            let options = options();
            Err(Usage::from_lexopt(err, &usage::known(&options)).to_string())
        }
    }
}

/// The row called `name` (case does not matter: `af_inet` finds `AF_INET`).
fn find(name: &str) -> Result<&'static Row, String> {
    let name = name.trim();
    ROWS.iter()
        .chain(ALONE)
        .find(|row| row.name.eq_ignore_ascii_case(name))
        .ok_or_else(|| {
            let valid: Vec<&str> =
                ROWS.iter().chain(ALONE).map(|row| row.name).collect();
            let shown = usage::quote(name.as_ref());
            let (zh, en) = match usage::nearest(name, &valid) {
                Some(near) => (
                    format!("，你是想写 {near} 吗？"),
                    format!("; did you mean {near}?"),
                ),
                None => ("。".to_string(), ".".to_string()),
            };
            let all = valid.join(", ");
            Usage::new(
                format!("没有叫 {shown} 的项目{zh}可用的有：{all}"),
                format!("unknown step {shown}{en} Valid steps: {all}"),
            )
            .to_string()
        })
}

fn help() -> String {
    usage::help(
        "15.1 套接字导游：六个步骤和 socket 方法表，在本机真的跑一遍 \
         / a tour of the socket calls",
        &usage::invocation(env!("CARGO_PKG_NAME")),
        "[OPTIONS]",
        &[],
        &options(),
        "",
    )
}

/// 本程序的选项，`--help` 照此列出。
fn options() -> Vec<Entry> {
    vec![
        Entry::new(
            "--step <NAME>",
            "只运行这一项（可给多次），例如 --step accept",
            "run only this row (may be given more than once)",
        ),
        Entry::new("--list", "列出所有项目", "list the rows"),
        Entry::new("-h, --help", "显示本帮助", "show this help"),
        Entry::new("-V, --version", "显示版本", "show the version"),
    ]
}

/// `--list`: one row per line, name first, so a script can take the names.
fn list() {
    for row in ROWS.iter().chain(ALONE) {
        println!("{:<12} {}", row.name, row.what);
    }
}

/// Runs the given rows, or all of them in the text's order.
fn run(steps: &[&str]) -> io::Result<()> {
    let tour = steps.is_empty();
    if tour {
        println!("15.1 套接字导游：本机回环地址，端口由系统挑选。");
        println!("每项的 => 后面是实际发生的事 / after => is what happened.");
    }
    let mut part = None;
    // 第 1～6 步接力用同一个服务端套接字：端口从 bind 到 close 都不变。
    let mut walk = server::Walk::default();
    for row in ROWS.iter().chain(ALONE) {
        let alone = ALONE.iter().any(|a| a.name == row.name);
        if (tour && alone) || (!tour && !steps.contains(&row.name)) {
            continue;
        }
        if tour && part != Some(row.part) {
            part = Some(row.part);
            println!("\n===== {} =====", row.part.title());
        }
        println!("\n[{}] {}", row.name, row.what);
        println!("  Python: {}", row.python);
        println!("  Rust:   {}", row.rust);
        (row.run)(&mut walk).map_err(|err| failed(row.name, &err))?;
    }
    if tour {
        println!(
            "\n全部 {} 项都走完了 / all {} rows done.",
            ROWS.len(),
            ROWS.len()
        );
        println!(
            "原始套接字要单独运行 / raw sockets on their own: \
             cargo run -p socket-basics -- --step raw"
        );
    }
    Ok(())
}

/// Says which row failed and why: two lines, Chinese then English.
fn failed(step: &str, err: &io::Error) -> io::Error {
    explain::explained(
        err.kind(),
        format!("[{step}] 这一步失败了：{err}"),
        format!("step {step} failed: {err}"),
    )
}

/// 一对连好的 TCP 套接字（服务端那头，客户端那头），给后面各项用。
/// 这里用 std 一次做完第 1～4 步：`TcpListener::bind` 等于
/// socket() + bind() + listen()，这些步骤单独的样子见上面几项。
fn tcp_pair() -> io::Result<(TcpStream, TcpStream)> {
    let listener = TcpListener::bind(("127.0.0.1", 0))?;
    let client = TcpStream::connect(listener.local_addr()?)?;
    let (conn, _) = listener.accept()?;
    Ok((conn, client))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_has_a_unique_name() {
        for (i, row) in ROWS.iter().enumerate() {
            assert_eq!(find(row.name).unwrap().name, row.name);
            assert!(
                ROWS[..i].iter().all(|r| r.name != row.name),
                "{}",
                row.name
            );
        }
        assert_eq!(ROWS.len(), 25);
    }

    #[test]
    fn options_are_read() {
        assert_eq!(parse(Vec::<String>::new()), Ok(Command::Run(vec![])));
        assert_eq!(
            parse(["--step", "bind", "--step=af_inet"]),
            Ok(Command::Run(vec!["bind", "AF_INET"]))
        );
        assert_eq!(
            parse(["--step", "RAW"]),
            Ok(Command::Run(vec!["raw"])),
            "raw is found, though not in the tour"
        );
        assert_eq!(parse(["--list"]), Ok(Command::List));
        assert_eq!(parse(["-h"]), Ok(Command::Help));
        assert_eq!(parse(["-V"]), Ok(Command::Version));
    }

    #[test]
    fn a_failure_names_the_step() {
        let err = io::Error::from(io::ErrorKind::AddrInUse);
        let text = explain::lines(&failed("bind", &err));
        assert_eq!(text.lines().count(), 2, "{text}");
        assert!(text.lines().all(|line| line.contains("bind")), "{text}");
    }

    #[test]
    fn mistakes_are_usage_errors() {
        let err = parse(["--step", "bnid"]).unwrap_err();
        assert!(err.contains("bnid") && err.contains("connect_ex"), "{err}");
        for bad in [&["--step"][..], &["--nope"], &["stray"]] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}
