//! 15.2.2 分步 5/5，非阻塞：cargo run -p tcp-server --example 5-nonblocking
//! [-- IP:端口] [--quiet]；另开终端：cargo run -p tcp-client 或 nc -N 127.0.0.1 10000
//! （--quiet：每条消息不打印一行，压测时用，这时只有一个线程）
//!
//! 一个线程服务所有客户端。套接字都设成非阻塞（Python: setblocking(False)），
//! mio 告诉我们哪个套接字现在能读、能写（Python: selectors 模块）。因为没有
//! 哪个线程会停在某个客户端身上，每个客户端说到哪儿了，要自己记在一个
//! Client 里：这就是“每个客户端一个状态机”。
use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token};
use socket2::{Domain, Socket, Type};
use std::collections::HashMap;
use std::io::{self, ErrorKind, Read, Write};
use std::net::SocketAddr;
use std::sync::mpsc::{self, SyncSender};
use std::time::Duration;
use std::{env, process::ExitCode, thread};

/// 监听套接字的记号；客户端的记号从 0 往上数。
const LISTENER: Token = Token(usize::MAX);

/// 一个客户端的状态：它是谁，还有哪些回复没发出去。
struct Client {
    sock: TcpStream,
    peer: SocketAddr,
    /// 还没发出去的回复。不空时先不读这个客户端的新消息。
    unsent: Vec<u8>,
    /// 它说了 end（或关闭了发送）：回复发完就断开。
    done: bool,
}

fn main() -> ExitCode {
    let Err(err) = run(); // run 只在启动失败时返回
    eprintln!("无法启动：地址写成 IP:端口；端口被占用就换一个 / {err}");
    ExitCode::FAILURE
}

fn run() -> io::Result<std::convert::Infallible> {
    let quiet = env::args().skip(1).any(|arg| arg == "--quiet");
    let arg = env::args().skip(1).find(|arg| arg != "--quiet");
    let arg = arg.unwrap_or("0.0.0.0:10000".into());
    let addr: SocketAddr = arg.parse().map_err(io::Error::other)?;
    // 1. 创建套接字 — Python: socket.socket(AF_INET, SOCK_STREAM)
    let soc = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    soc.set_reuse_address(cfg!(unix))?; // Unix：停掉后马上能在原端口重启
    soc.bind(&addr.into())?; // 2. 绑定 — Python: soc.bind((hostname, 10000))
    soc.listen(1024)?; // 3. 监听 — Python: soc.listen(5)；排满时有人多等约 1 秒
    soc.set_nonblocking(true)?; // Python: soc.setblocking(False)
    let mut listener = TcpListener::from_std(soc.into());
    let bound = listener.local_addr()?;
    let _ = writeln!(io::stdout(), "TCP 服务端已启动，正在监听 {bound}"); // 输出关了也不 panic
    let mut out = Printer::start(quiet)?;

    // 登记：监听套接字可读 = 有人连上来了 — Python: sel.register(soc, …)
    let mut poll = Poll::new()?;
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)?;
    let mut clients = HashMap::new();
    let mut next = 0;
    let mut accept_failed = false;
    let mut events = Events::with_capacity(1024);
    loop {
        // 等到有套接字能读或能写 — Python: events = sel.select()
        // accept 出错（如打开的文件太多）时，每 100 毫秒再试一次。
        let wait = accept_failed.then_some(Duration::from_millis(100));
        if let Err(err) = poll.poll(&mut events, wait)
            && err.kind() != ErrorKind::Interrupted
        {
            return Err(err);
        }
        if accept_failed || events.iter().any(|e| e.token() == LISTENER) {
            // 4. 接受所有等着的连接 — Python: sock, addr = soc.accept()
            accept_failed = false;
            loop {
                let (mut sock, peer) = match listener.accept() {
                    Ok(connection) => connection,
                    Err(err) if err.kind() == ErrorKind::WouldBlock => break,
                    Err(err) => {
                        out.error(format!("accept() 出错，稍后重试 / {err}"));
                        accept_failed = true;
                        break;
                    }
                };
                let token = Token(next);
                next += 1;
                let both = Interest::READABLE | Interest::WRITABLE;
                if poll.registry().register(&mut sock, token, both).is_ok() {
                    out.line(format!("接受到: {peer} 连接"));
                    let unsent = Vec::new();
                    let client = Client {
                        sock,
                        peer,
                        unsent,
                        done: false,
                    };
                    clients.insert(token, client);
                }
            }
        }
        for event in &events {
            let Some(client) = clients.get_mut(&event.token()) else {
                continue; // 监听套接字，或者刚断开的客户端
            };
            // 5. 这个客户端能读或能写了：能做多少做多少，做不了就记下来
            let ended = serve(client, &mut out).is_err() || client.finished();
            // 6. 关闭连接：从登记表里去掉，丢掉套接字 — Python: sock.close()
            if ended && let Some(mut gone) = clients.remove(&event.token()) {
                let _ = poll.registry().deregister(&mut gone.sock);
                out.line("服务端处理完成".to_string());
            }
        }
    }
}

/// 推进一个客户端的状态机：先把欠它的回复发出去，再读它的新消息，
/// 直到 mio 说“现在不能再读写了”（WouldBlock）。
fn serve(client: &mut Client, out: &mut Printer) -> io::Result<()> {
    let mut buf = [0; 1024];
    loop {
        // 先发欠着的回复；发不完就等下次“能写”— Python: sock.send(…)
        while !client.unsent.is_empty() {
            match client.sock.write(&client.unsent) {
                Ok(n) => drop(client.unsent.drain(..n)),
                Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(()),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        if client.done {
            return Ok(());
        }
        // Python: data = sock.recv(1024)；没有数据时立刻返回 WouldBlock
        let n = match client.sock.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(()),
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let data_val = String::from_utf8_lossy(&buf[..n]);
        if n == 0 || data_val.trim() == "end" {
            client.done = true;
            continue;
        }
        let peer = client.peer;
        out.line(format!("{peer} 说: {}", data_val.escape_debug()));
        let reply = format!("服务端接收到数据：{data_val}");
        client.unsent.extend_from_slice(reply.as_bytes());
    }
}

impl Client {
    /// 说完了，回复也都发出去了：可以关闭了。
    fn finished(&self) -> bool {
        self.done && self.unsent.is_empty()
    }
}

/// 打印线程：输出交给它，服务的线程从不等终端。终端暂停（Ctrl-S）或
/// 输出管道没人读时，来不及打印的行丢掉、计数，之后说一声丢了几行。
/// --quiet 时没有打印线程：只有出错的那几行直接写到 stderr。
struct Printer {
    lines: Option<SyncSender<(bool, String)>>,
    dropped: u64,
}

impl Printer {
    fn start(quiet: bool) -> io::Result<Printer> {
        let mut out = Printer {
            lines: None,
            dropped: 0,
        };
        if quiet {
            return Ok(out);
        }
        let (lines, queue) = mpsc::sync_channel::<(bool, String)>(1024);
        thread::Builder::new().spawn(move || {
            for (is_error, line) in queue {
                // 输出被关掉（比如 | head）也不要紧：不 panic，忽略就好。
                let _ = if is_error {
                    writeln!(io::stderr(), "{line}")
                } else {
                    writeln!(io::stdout(), "{line}")
                };
            }
        })?;
        out.lines = Some(lines);
        Ok(out)
    }

    /// 打印一行到 stdout（满了就丢掉并计数）。
    fn line(&mut self, line: String) {
        self.send(false, line);
    }

    /// 打印一行到 stderr（满了就丢掉并计数）。
    fn error(&mut self, line: String) {
        self.send(true, line);
    }

    fn send(&mut self, is_error: bool, line: String) {
        let Some(lines) = &self.lines else {
            if is_error {
                let _ = writeln!(io::stderr(), "{line}");
            }
            return;
        };
        if self.dropped > 0 {
            let n = self.dropped;
            let note =
                format!("（{n} 行来不及显示，已丢掉 / {n} lines dropped）");
            if lines.try_send((true, note)).is_ok() {
                self.dropped = 0;
            }
        }
        if lines.try_send((is_error, line)).is_err() {
            self.dropped += 1;
        }
    }
}
