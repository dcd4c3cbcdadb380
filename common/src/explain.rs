//! Error messages a student can act on: one line in Chinese, one in English,
//! naming the address and the likely fix. `exit_code` prints them and turns
//! them into exit status 1 — never a panic, never a backtrace.

use std::fmt;
use std::io::{self, ErrorKind};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use crate::eprintln;

/// 一句中英文对照的话：中文一半，英文一半，直到打印时才放在一起。
///
/// A message in two languages, kept as two parts from where it is made to
/// where it is printed: an error's two lines, a usage error, a log line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bilingual {
    pub zh: String,
    pub en: String,
}

impl Bilingual {
    /// 由中文、英文两句组成。
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Bilingual {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// 写成一行（中文 / English），给服务端的日志用。
    pub fn one_line(&self) -> String {
        format!("{} / {}", self.zh, self.en)
    }
}

impl fmt::Display for Bilingual {
    /// The two lines, Chinese first.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\n{}", self.zh, self.en)
    }
}

impl std::error::Error for Bilingual {}

/// 把一条中英文说明包成同类的 `io::Error`。
///
/// Wraps a message in an `io::Error` of the same kind.
pub fn explained(kind: ErrorKind, zh: String, en: String) -> io::Error {
    io::Error::new(kind, Bilingual::new(zh, en))
}

/// 提示学生先启动服务端的命令，带上他给客户端的 --host/--port：
/// `cargo run -p tcp-server -- --port 33099`.
///
/// `options` are the client's `--host`/`--port` as given (see
/// [`crate::cli::Net::start_server`]).
pub(crate) fn server_command(server: &str, options: &[String]) -> String {
    if options.is_empty() {
        format!("cargo run -p {server}")
    } else {
        format!("cargo run -p {server} -- {}", options.join(" "))
    }
}

/// connect 失败：说明原因，并告诉学生先启动哪个服务端。
///
/// `connect()` failed. `start` is the command that starts the server
/// (from [`crate::cli::Net::start_server`]).
pub fn connect(err: io::Error, addr: SocketAddr, start: &str) -> io::Error {
    let (zh, en) = match err.kind() {
        ErrorKind::ConnectionRefused => (
            format!(
                "无法连接 {addr}，服务端启动了吗？先在另一个终端运行 {start}"
            ),
            format!("connection refused by {addr}: is the server running?"),
        ),
        ErrorKind::TimedOut | ErrorKind::WouldBlock => (
            format!("连接 {addr} 超时：地址对吗？防火墙放行端口了吗？"),
            format!(
                "connecting to {addr} timed out: check --host and the firewall"
            ),
        ),
        ErrorKind::NetworkUnreachable | ErrorKind::HostUnreachable => (
            format!("无法到达 {addr}：网络不通，请检查 --host"),
            format!("{addr} is unreachable: check the network and --host"),
        ),
        _ => (
            format!("无法连接 {addr}：{err}"),
            format!("cannot connect to {addr}: {err}"),
        ),
    };
    explained(err.kind(), zh, en)
}

/// bind 失败：端口被占、地址不是本机的、没有权限……
///
/// `bind()` failed.
pub fn bind(err: io::Error, addr: SocketAddr) -> io::Error {
    let port = addr.port();
    let ip = addr.ip();
    let (zh, en) = match err.kind() {
        ErrorKind::AddrInUse => (
            format!(
                "端口 {port} 已被占用（{addr}）：另一个服务端还在运行吗？\
                 先停掉它，或换个端口，如 --port 0 让系统挑选"
            ),
            format!(
                "address {addr} is already in use: is another server running? \
                 stop it or pick another --port"
            ),
        ),
        ErrorKind::AddrNotAvailable => (
            format!(
                "无法绑定 {addr}：{ip} 不是本机的地址，--host 请用本机地址或 0.0.0.0"
            ),
            format!(
                "cannot bind {addr}: {ip} is not an address of this machine"
            ),
        ),
        ErrorKind::PermissionDenied => (
            format!(
                "没有权限绑定 {addr}：1024 以下的端口需要管理员权限，换个 --port"
            ),
            format!(
                "permission denied binding {addr}: ports below 1024 need \
                 root, use a higher --port"
            ),
        ),
        _ => (
            format!("无法绑定 {addr}：{err}"),
            format!("cannot bind {addr}: {err}"),
        ),
    };
    explained(err.kind(), zh, en)
}

/// A `send`/`recv` with a connected peer failed.
pub fn talk(err: io::Error, peer: SocketAddr) -> io::Error {
    let (zh, en) = match err.kind() {
        ErrorKind::ConnectionReset
        | ErrorKind::ConnectionAborted
        | ErrorKind::BrokenPipe => (
            format!("{peer} 断开了连接"),
            format!("{peer} closed the connection ({err})"),
        ),
        ErrorKind::ConnectionRefused => (
            format!(
                "{peer} 拒绝了数据：那个端口上没有程序在收（服务端启动了吗？）"
            ),
            format!("{peer} refused the data: is the server running?"),
        ),
        // A client's read ran into its --timeout.
        ErrorKind::WouldBlock | ErrorKind::TimedOut => (
            format!(
                "等了 --timeout 秒，{peer} 还没有回答：服务端可能已满、正忙、\
                 被 Ctrl-S 暂停（按 Ctrl-Q 继续），或者 --delay-ms 设得很长"
            ),
            format!(
                "no answer from {peer} within --timeout: the server may be \
                 full, busy, paused with Ctrl-S, or slowed by a long --delay-ms"
            ),
        ),
        _ => (
            format!("与 {peer} 通信出错：{err}"),
            format!("talking to {peer} failed: {err}"),
        ),
    };
    explained(err.kind(), zh, en)
}

/// 超时内没有收到回答（UDP 没有连接，没人回答时只能等）。
///
/// No answer came back before the receive timeout (UDP has no connection,
/// so silence is all a client sees when no server is there). `start` is
/// the command that starts the server.
pub fn no_reply(peer: SocketAddr, timeout: Duration, start: &str) -> io::Error {
    let secs = timeout.as_secs_f64();
    explained(
        ErrorKind::TimedOut,
        format!(
            "超时：{secs} 秒内没有收到 {peer} 的回答。UDP 不保证送达：数据报可能丢了，\
             也可能服务端没有运行（先运行 {start}）"
        ),
        format!(
            "timed out: no answer from {peer} within {secs} s. UDP does not \
             guarantee delivery: the datagram may be lost, or the server is not running"
        ),
    )
}

/// 一个错误的两行说明：中文一行，英文一行。
///
/// The two lines of an error, whether or not it was explained.
pub fn lines(err: &io::Error) -> String {
    bilingual(err).to_string()
}

/// 一个错误的中英文两半：已有说明的原样取出，其余的套上“出错了”。
pub(crate) fn bilingual(err: &io::Error) -> Bilingual {
    match err.get_ref().and_then(|e| e.downcast_ref::<Bilingual>()) {
        Some(said) => said.clone(),
        None => {
            Bilingual::new(format!("出错了：{err}"), format!("error: {err}"))
        }
    }
}

/// 同样的说明写成一行（中文 / English），给服务端的日志用。
///
/// The same message on one line (Chinese / English), for a server's log.
pub fn one_line(err: &io::Error) -> String {
    bilingual(err).one_line()
}

/// 每个 main 的结尾：成功退出 0；出错就在 stderr 打印说明，退出 1。
///
/// The end of every `main`: success, or the error on stderr and exit 1.
pub fn exit_code(result: io::Result<()>) -> ExitCode {
    // Lines left out by output::repeated are counted before the last word.
    crate::output::flush_summaries();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{}", lines(&err));
            ExitCode::FAILURE
        }
    }
}
