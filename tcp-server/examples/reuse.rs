//! 15.2.2 练习 4 的答案：`SO_REUSEADDR` 与 TIME_WAIT，在一个进程里对比。
//!
//! ```text
//! cargo run -p tcp-server --example reuse
//! ```
//!
//! 先造出一个 TIME_WAIT（服务端先关闭连接），再在同一个端口上重新 `bind`：
//! 不设置 `SO_REUSEADDR` 时失败，设置了就成功。只用 127.0.0.1。

use std::io::{self, Read};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;

use common::explain;

#[path = "../src/time_wait.rs"]
mod time_wait; // 和 tcp-server 共用：端口被占用时看看是不是 TIME_WAIT
use common::println; // 同 std 的 println!，但 stdout 被关掉时不 panic
use socket2::{Domain, Socket, Type};

fn main() -> ExitCode {
    common::exit_code(run())
}

fn run() -> io::Result<()> {
    for reuse in [false, true] {
        if reuse {
            println!("== 设置 SO_REUSEADDR / with SO_REUSEADDR ==");
        } else {
            println!("== 不设置 SO_REUSEADDR / without SO_REUSEADDR ==");
        }
        // ANCHOR: rebind
        // 服务端先关闭一个连接，它那一侧就停在 TIME_WAIT。
        let addr = leave_time_wait(reuse)?;
        println!("{addr} 上留下了 TIME_WAIT / a connection in TIME_WAIT");

        // 像重启的服务端那样，在同一个端口上再 bind 一次。
        let soc = Socket::new(Domain::IPV4, Type::STREAM, None)?;
        if reuse {
            soc.set_reuse_address(true)?;
        }
        match soc.bind(&addr.into()) {
            Ok(()) => println!("再次 bind 成功 / bind again: ok"),
            Err(e) => {
                println!("再次 bind 失败 / bind again failed:");
                println!(
                    "{}",
                    explain::lines(&time_wait::explain_bind(e, addr))
                );
            }
        }
        // ANCHOR_END: rebind
    }
    Ok(())
}

/// 造出一个 TIME_WAIT：监听、连上、服务端先关闭；返回服务端的地址。
///
/// The accepted socket inherits SO_REUSEADDR from the listener, and the
/// TIME_WAIT left behind keeps it: that is what a restarted server meets.
fn leave_time_wait(reuse: bool) -> io::Result<SocketAddr> {
    let soc = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    if reuse {
        soc.set_reuse_address(true)?;
    }
    soc.bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into())?;
    soc.listen(1)?;
    let listener = TcpListener::from(soc);
    let addr = listener.local_addr()?;

    let mut client = TcpStream::connect(addr)?;
    let (conn, _) = listener.accept()?;
    // 服务端先关闭：这个连接和监听的套接字都关掉，像按了 Ctrl-C。
    drop(conn);
    drop(listener);
    // 客户端读到 0 字节（服务端的 FIN）后也关闭，服务端那一侧进入 TIME_WAIT。
    let _eof = client.read(&mut [0; 16])?;
    drop(client);
    Ok(addr)
}
