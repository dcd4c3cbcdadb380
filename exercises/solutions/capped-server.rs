//! 参考答案 capped-server（15.2.2）：限制连接数的多线程服务端。
//!
//! 运行：cargo run -p exercises --example capped-server-solution
//! 另外几个终端：nc 127.0.0.1 10000
//! 检查：cargo run -p exercises -- check capped-server --solution

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

/// 最多同时服务几个客户端。
pub const MAX_CLIENTS: usize = 3;

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
    // 在线的客户端数，所有线程共用
    let online = Arc::new(AtomicUsize::new(0));

    loop {
        // 2. 等一个客户端 — Python: conn, address = soc.accept()
        let (mut conn, peer) = match listener.accept() {
            Ok(client) => client,
            Err(e) => {
                eprintln!("accept 失败：{e} / accept failed: {e}");
                continue;
            }
        };
        // 3. 满了：说一句，关闭这个连接（conn 被丢弃），接着 accept
        let Some(place) = Place::take(&online) else {
            let _ = conn.write_all(
                "服务端已满，请稍后再试 / server full, try again later\n"
                    .as_bytes(),
            );
            eprintln!("已满，拒绝 {peer} / full, refused {peer}");
            continue;
        };
        // 4. 交给一个新线程；place 随线程结束而归还
        let spawned = thread::Builder::new().spawn(move || {
            let _place = place;
            serve(conn);
        });
        if let Err(e) = spawned {
            eprintln!("无法创建线程：{e} / cannot spawn a thread: {e}");
        }
    }
}

/// 一个占用的位置：被丢弃时（线程怎么结束都一样）把计数减一。
struct Place(Arc<AtomicUsize>);

impl Place {
    /// 还有空位就占一个。
    fn take(online: &Arc<AtomicUsize>) -> Option<Place> {
        let before = online.fetch_add(1, Ordering::SeqCst);
        let place = Place(online.clone());
        // 超过上限：place 在这里被丢弃，计数随之减回去
        (before < MAX_CLIENTS).then_some(place)
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// 书里的协议：每收到一段就回复“服务端接收到数据：”加这一段。
fn serve(mut conn: TcpStream) {
    let mut buf = [0; 1024];
    // 5. 收到 0 字节表示对方关闭了连接 — Python: data = conn.recv(1024)
    while let Ok(n @ 1..) = conn.read(&mut buf) {
        let data = String::from_utf8_lossy(&buf[..n]);
        let reply = format!("服务端接收到数据：{data}");
        // 6. 回复 — Python: conn.sendall(...)
        if conn.write_all(reply.as_bytes()).is_err() {
            break;
        }
    }
}
