//! 参考答案 nonblocking-server：一个线程、非阻塞套接字的服务端。
//!
//! 运行：cargo run -p exercises --example nonblocking-server-solution
//! 另外几个终端：nc 127.0.0.1 10000
//! 检查：cargo run -p exercises -- check nonblocking-server --solution

use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：{e}");
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> io::Result<()> {
    // 监听的地址：第一个参数（检查程序传入 127.0.0.1:0，让系统挑端口）
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:10000".into());

    // 1. 创建、绑定、监听 — Python: socket() + bind() + listen()
    let listener = TcpListener::bind(&addr)?;
    println!("正在监听 {}", listener.local_addr()?);
    // 2. 非阻塞：accept 没有新客户端时马上返回 WouldBlock
    //    — Python: soc.setblocking(False)
    listener.set_nonblocking(true)?;
    let mut clients: Vec<(TcpStream, SocketAddr)> = Vec::new();

    loop {
        let mut busy = false;
        // 3. 有新客户端就收下，同样设成非阻塞
        match listener.accept() {
            Ok((conn, peer)) => match conn.set_nonblocking(true) {
                Ok(()) => {
                    clients.push((conn, peer));
                    busy = true;
                }
                Err(e) => eprintln!("{peer}：{e}"),
            },
            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
            Err(e) => eprintln!("accept 失败：{e} / accept failed: {e}"),
        }
        // 4. 挨个看每个客户端；返回 false 的（关闭或出错）被移出列表
        clients.retain_mut(|(conn, peer)| match serve_once(conn) {
            Ok(Some(worked)) => {
                busy |= worked;
                true
            }
            Ok(None) => false,
            Err(e) => {
                eprintln!("{peer} 出错，断开：{e} / {peer} failed: {e}");
                false
            }
        });
        // 5. 这一圈谁都没动静：歇一下，别让 CPU 空转
        if !busy {
            thread::sleep(Duration::from_millis(2));
        }
    }
}

/// 试着读一次：`Some(true)` 收到并回复了，`Some(false)` 现在没有数据，
/// `None` 对方关闭了连接。
fn serve_once(conn: &mut TcpStream) -> io::Result<Option<bool>> {
    let mut buf = [0; 1024];
    let n = match conn.read(&mut buf) {
        Ok(0) => return Ok(None),
        Ok(n) => n,
        Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(Some(false)),
        Err(e) => return Err(e),
    };
    let data = String::from_utf8_lossy(&buf[..n]);
    let reply = format!("服务端接收到数据：{data}");
    // 回复很短，发送缓冲区装得下；写满时（WouldBlock）就当这个客户端出错
    conn.write_all(reply.as_bytes())?;
    Ok(Some(true))
}
