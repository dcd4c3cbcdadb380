//! tcp-server 分步 1/4：接受一个客户端，打印它的地址，然后结束。
//!
//! ```text
//! cargo run -p tcp-server --example 1-accept
//! nc -N $(hostname) 10000          # 在另一个终端连上来
//! ```
//!
//! 下一步 2-echo：和客户端一问一答。

use std::io;
use std::net::TcpListener;
use std::process::ExitCode;

use common::cli::{Args, Spec};
use common::explain;
use common::println; // 同 std 的 println!，但 stdout 被关掉时不 panic
use socket2::{Domain, Socket, Type};

fn main() -> ExitCode {
    let args = Spec::stage("tcp-server --example 1-accept").parse();
    common::exit_code(run(&args))
}

fn run(args: &Args) -> io::Result<()> {
    let addr = common::resolve(&args.host, args.port)?;

    // 1. 创建套接字 — Python: socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    let soc = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    if cfg!(unix) {
        soc.set_reuse_address(true)?; // 停掉后能马上在同一端口重启
    }

    // 2. 绑定地址 — Python: soc.bind((hostname, 10000))
    soc.bind(&addr.into()).map_err(|e| explain::bind(e, addr))?;

    // 3. 开始监听 — Python: soc.listen(5)（一个班同时连时会排满，有人多等约 1 秒）
    soc.listen(1024)?;
    let listener = TcpListener::from(soc);
    println!("TCP 服务端已启动，正在监听 {}", listener.local_addr()?);

    // 4. 等一个客户端连上来，这里会阻塞 — Python: sock, addr = soc.accept()
    let (sock, peer) = listener.accept()?;
    println!("接受到: {peer} 连接");

    // 6. 关闭连接 — Python: sock.close()
    drop(sock);
    Ok(())
}
