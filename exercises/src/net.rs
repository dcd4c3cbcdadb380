//! The partners' network moves: all on loopback, every wait bounded.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use crate::run::{self, Ran};
use crate::{Failure, fail};

/// How long a partner waits for the student's program at each step.
pub const STEP: Duration = Duration::from_secs(2);

/// A short pause between pieces, so that they arrive apart.
pub const PAUSE: Duration = Duration::from_millis(150);

/// Between single bytes: short, but enough to make separate segments.
pub const BYTE_PAUSE: Duration = Duration::from_millis(2);

/// A random token per run, so that a program cannot print the right text
/// without having talked over the network.
pub fn nonce() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::SeqCst));
    if let Ok(now) = std::time::SystemTime::now().elapsed() {
        hasher.write_u128(now.as_nanos());
    }
    format!("{:08x}", hasher.finish() as u32)
}

/// A TCP listener on 127.0.0.1 at a port the system picks.
pub fn listen() -> io::Result<(TcpListener, SocketAddr)> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    Ok((listener, addr))
}

/// A loopback address where nobody listens (bound, then closed).
pub fn closed_port() -> io::Result<SocketAddr> {
    let (listener, addr) = listen()?;
    drop(listener);
    Ok(addr)
}

/// Accepts one connection, waiting at most `deadline` or until the
/// program is `over`.
pub fn accept_within(
    listener: &TcpListener,
    deadline: Duration,
    over: &Over,
) -> Option<TcpStream> {
    listener.set_nonblocking(true).ok()?;
    let end = Instant::now() + deadline;
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                // Accepted sockets inherit non-blocking on some systems.
                stream.set_nonblocking(false).ok()?;
                stream.set_read_timeout(Some(STEP)).ok()?;
                stream.set_write_timeout(Some(STEP)).ok()?;
                stream.set_nodelay(true).ok()?;
                return Some(stream);
            }
            // Nobody yet; a program that has ended never will (one that
            // connected before it ended is in the queue, taken above).
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                if over.is_set() || Instant::now() >= end {
                    return None;
                }
                thread::sleep(Duration::from_millis(5));
            }
            Err(_) => return None,
        }
    }
}

/// Connects to the student's server, with every wait bounded.
pub fn connect(addr: SocketAddr) -> io::Result<TcpStream> {
    let stream = TcpStream::connect_timeout(&addr, STEP)?;
    stream.set_read_timeout(Some(STEP))?;
    stream.set_write_timeout(Some(STEP))?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// Writes each piece on its own, with `pause` after each.
pub fn send_pieces(
    stream: &mut TcpStream,
    pieces: &[&[u8]],
    pause: Duration,
) -> io::Result<()> {
    for piece in pieces {
        stream.write_all(piece)?;
        stream.flush()?;
        thread::sleep(pause);
    }
    Ok(())
}

/// Writes `bytes` one byte per write.
pub fn send_bytewise(stream: &mut TcpStream, bytes: &[u8]) -> io::Result<()> {
    for byte in bytes {
        stream.write_all(&[*byte])?;
        thread::sleep(BYTE_PAUSE);
    }
    Ok(())
}

/// Cuts `text` inside its first multi-byte character: two pieces that are
/// not valid UTF-8 on their own.
pub fn cut_in_char(text: &str) -> (&[u8], &[u8]) {
    let bytes = text.as_bytes();
    let at = text
        .char_indices()
        .find(|(_, c)| c.len_utf8() > 1)
        .map_or(bytes.len() / 2, |(i, _)| i + 1);
    bytes.split_at(at)
}

/// Reads until the peer closes or `deadline` passes; whether it closed.
pub fn read_to_close(
    stream: &mut TcpStream,
    deadline: Duration,
) -> (Vec<u8>, bool) {
    let end = Instant::now() + deadline;
    let mut got = Vec::new();
    let mut buf = [0; 4096];
    while Instant::now() < end {
        let _ = stream.set_read_timeout(Some(
            end.saturating_duration_since(Instant::now())
                .max(Duration::from_millis(1)),
        ));
        match stream.read(&mut buf) {
            Ok(0) => return (got, true),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            // A reset is a close too.
            Err(e) if e.kind() == ErrorKind::ConnectionReset => {
                return (got, true);
            }
            Err(_) => break,
        }
        if got.len() > 1 << 20 {
            break;
        }
    }
    (got, false)
}

/// Reads until `want` bytes came, the peer closed, or `deadline` passed.
pub fn read_len(
    stream: &mut TcpStream,
    want: usize,
    deadline: Duration,
) -> Vec<u8> {
    let end = Instant::now() + deadline;
    let mut got = Vec::new();
    let mut buf = [0; 4096];
    while got.len() < want && Instant::now() < end {
        let _ = stream.set_read_timeout(Some(
            end.saturating_duration_since(Instant::now())
                .max(Duration::from_millis(1)),
        ));
        match stream.read(&mut buf[..(want - got.len()).min(4096)]) {
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    got
}

/// Bytes as they came, for a report: line ends shown (`\r`, `\n`), a
/// line break after each `\n`.
pub fn shown(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "（什么也没收到 / nothing）".into();
    }
    wire(&String::from_utf8_lossy(bytes))
}

/// Text on the wire, for a report: line ends shown as in [`shown`].
pub fn wire(text: &str) -> String {
    let shown = text.replace('\r', "\\r").replace('\n', "\\n\n");
    shown.trim_end_matches('\n').to_string()
}

/// Closes `stream` so that the peer sees a reset: on close, unread data
/// in our receive buffer makes the system send RST instead of FIN. Reads
/// one byte first so that the rest is known to be there.
pub fn reset(mut stream: TcpStream) {
    let mut one = [0; 1];
    let _ = stream.read(&mut one);
    thread::sleep(Duration::from_millis(30));
    drop(stream);
}

/// Set when the student's program has ended: a partner that holds a
/// connection open waits on it instead of a fixed time.
#[derive(Clone, Default)]
pub struct Over(Arc<AtomicBool>);

impl Over {
    /// Waits until the program has ended, at most `deadline`.
    pub fn wait(&self, deadline: Duration) {
        let end = Instant::now() + deadline;
        while !self.0.load(Ordering::SeqCst) && Instant::now() < end {
            thread::sleep(Duration::from_millis(5));
        }
    }

    fn set(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    fn is_set(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Runs a client exercise against a TCP partner: `script` gets the
/// accepted connection and returns what it found (what it received, say).
pub fn tcp_client_case<T: Send + 'static>(
    exe: &Path,
    extra: &[String],
    script: impl FnOnce(TcpStream, Over) -> T + Send + 'static,
) -> Result<(Ran, T), Failure> {
    let (listener, addr) = listen().map_err(partner_error)?;
    let over = Over::default();
    let partner_over = over.clone();
    let partner = thread::spawn(move || {
        let stream =
            accept_within(&listener, run::CLIENT_DEADLINE, &partner_over)?;
        Some(script(stream, partner_over))
    });
    let mut args = vec![addr.to_string()];
    args.extend_from_slice(extra);
    let ran = run::client(exe, &args);
    over.set();
    let ran = ran.map_err(start_error)?;
    let found = partner.join().ok().flatten();
    match found {
        Some(found) => Ok((ran, found)),
        None => Err(fail(
            format!("程序连接 {addr} / the program connects to {addr}"),
            format!("没有连接 / it never connected\n{}", ran.describe()),
            (
                "用第一个参数给的地址连接（检查程序会传入它）。",
                "connect to the address given as the first argument.",
            ),
        )),
    }
}

pub fn partner_error(e: io::Error) -> Failure {
    fail(
        "检查程序能在本机开端口 / the checker can open a loopback port",
        e.to_string(),
        (
            "本机的网络设置挡住了 127.0.0.1？",
            "is loopback blocked here?",
        ),
    )
}

pub fn start_error(e: String) -> Failure {
    fail(
        "程序能启动 / the program starts",
        e,
        ("先用 cargo build 看看能否编译。", "try cargo build first."),
    )
}

/// The program ended with exit code 0 and printed exactly `lines`.
pub fn expect_lines(
    ran: &Ran,
    lines: &[String],
    hint: (&'static str, &'static str),
) -> Result<(), Failure> {
    let got: Vec<&str> = ran.stdout.lines().map(str::trim_end).collect();
    if ran.code() == Some(0) && got == lines {
        return Ok(());
    }
    let shown: Vec<String> = lines.iter().map(|l| format!("  {l}")).collect();
    Err(fail(
        format!("退出码 / exit code 0\nstdout:\n{}", shown.join("\n")),
        ran.describe(),
        hint,
    ))
}

/// The program ended on its own with a non-zero exit code, an error on
/// stderr, and no panic.
pub fn expect_error(
    ran: &Ran,
    must_name: Option<&str>,
    hint: (&'static str, &'static str),
) -> Result<(), Failure> {
    let code_ok = matches!(ran.code(), Some(code) if code != 0 && code != 101);
    let named = must_name.is_none_or(|text| ran.stderr.contains(text));
    if code_ok && named && !ran.panicked() && !ran.stderr.trim().is_empty() {
        return Ok(());
    }
    let (zh, en) = must_name
        .map(|text| (format!("（说出 {text}）"), format!(" naming {text}")))
        .unwrap_or_default();
    Err(fail(
        format!(
            "及时结束，退出码 1，stderr 上有一句说明{zh}，没有 panic\n\
             ends in time, exit code 1, an error on stderr{en}, no panic"
        ),
        ran.describe(),
        hint,
    ))
}

/// Runs a server exercise: starts it, runs `steps` against its address,
/// then checks that it is still running (one client must not end it) and
/// stops it.
pub fn server_case(
    exe: &Path,
    steps: impl FnOnce(SocketAddr, u32) -> Result<(), Failure>,
) -> crate::Outcome {
    let server = run::Server::start(exe).map_err(|e| {
        fail(
            "服务端先打印一行，以绑定的地址结尾 / the server first prints a \
             line ending with the bound address",
            e,
            (
                "绑定第一个参数给的地址，然后马上 println! 实际的地址（local_addr）。",
                "bind the address of the first argument, then println! the real one (local_addr) at once.",
            ),
        )
    })?;
    let mut running = server.running;
    let result = steps(server.addr, running.pid);
    let alive = running.alive();
    let ran = running.kill();
    if let Err(mut failure) = result {
        // The server's side matters when it ended or said something.
        if !alive || !ran.stderr.trim().is_empty() {
            failure.got = format!(
                "{}\n服务端 / the server:\n{}",
                failure.got,
                ran.describe()
            );
        }
        return Err(failure);
    }
    if !alive {
        return Err(fail(
            "服务端一直运行 / the server keeps running",
            ran.describe(),
            (
                "一个客户端出错不该让服务端退出：报告这个错误，然后继续 accept。",
                "one client's error must not end the server: report it and go on accepting.",
            ),
        ));
    }
    Ok(crate::Verdict::Passed)
}

/// A failure of one step against a server: `want` (bytes on the wire,
/// then a note on what should follow) did not come.
pub fn step_failed(
    want: &str,
    then: &str,
    got: &[u8],
    hint: (&'static str, &'static str),
) -> Failure {
    let expected = match (want, then) {
        (want, "") => wire(want),
        ("", then) => then.to_string(),
        (want, then) => format!("{}\n{then}", wire(want)),
    };
    fail(expected, shown(got), hint)
}

/// Talking to the student's server failed: it stopped, or never listened.
pub fn server_gone(e: io::Error) -> Failure {
    fail(
        "服务端接受连接、收下数据 / the server accepts and takes data",
        format!("{e}（服务端退出了？/ did the server end?）"),
        (
            "一个客户端出错（比如重置连接）不该让服务端退出：在循环里报告这个错误，然后继续 accept。",
            "one client's error (a reset, say) must not end the server: report it in the loop and go on accepting.",
        ),
    )
}

/// Bytes as they came, then whether the peer closed within [`STEP`].
pub fn shown_and_close(bytes: &[u8], closed: bool) -> String {
    let close = if closed {
        "（然后连接关闭 / then closed）"
    } else {
        "（连接没有关闭 / not closed）"
    };
    format!("{}\n{close}", shown(bytes))
}
