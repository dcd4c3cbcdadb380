//! tcp-server 分步 2/4：一问一答，直到客户端说 end；一次只服务一个客户端。
//!
//! ```text
//! cargo run -p tcp-server --example 2-echo
//! cargo run -p tcp-client          # 在另一个终端；再开第三个终端试试同时连
//! ```
//!
//! 下一步 3-threads：每个客户端一个线程，大家不用排队。

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use common::cli::{Args, Spec};
use common::{BUFFER_SIZE, Utf8Stream, escape_control, explain};
use common::{eprintln, println}; // 同 std 的，但输出被关掉时不 panic
use socket2::{Domain, Socket, Type};

fn main() -> ExitCode {
    let args = Spec::stage("tcp-server --example 2-echo").parse();
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

    loop {
        // 4. 等待客户端连接，这里会阻塞 — Python: sock, addr = soc.accept()
        let (sock, peer) = match listener.accept() {
            Ok(connection) => connection,
            Err(err) => {
                // 例如打开的连接太多：说一声，稍等再试，服务端不退出。
                eprintln!("accept() 出错，稍后重试 / accept failed: {err}");
                thread::sleep(Duration::from_millis(100));
                continue;
            }
        };
        // 一次只服务一个：do_tcp 返回之前，下一个客户端只能排队。
        do_tcp(sock, peer);
    }
}

/// 一个客户端的整段对话 — Python: def do_tcp(sock, addr)
fn do_tcp(mut sock: TcpStream, peer: SocketAddr) {
    println!("接受到: {peer} 连接");

    // 5. 收发数据，直到收到 end 或对方断开
    if let Err(err) = talk(&mut sock, peer) {
        // 对方重置了连接之类：记一行，服务端照常运行。
        eprintln!("{}", explain::one_line(&explain::talk(err, peer)));
    }

    // 6. 关闭连接 — Python: sock.close()
    drop(sock);
    println!("服务端处理完成");
}

/// 第 5 步的循环：recv 一次，回复一次。
fn talk(sock: &mut TcpStream, peer: SocketAddr) -> io::Result<()> {
    let mut buf = [0; BUFFER_SIZE];
    let mut decoder = Utf8Stream::new(); // 被切开的汉字留到下次拼好
    loop {
        // Python: data = sock.recv(1024)
        let n = sock.read(&mut buf)?;
        let data_val = decoder.decode(&buf[..n]);
        // 0 字节：对方关闭了连接 — Python: if not data or data_val == 'end'
        if n == 0 || data_val.trim() == "end" {
            return Ok(());
        }
        println!("{peer} 说: {}", escape_control(&data_val));
        // Python: sock.send(('服务端接收到数据：%s' % data_val).encode('utf-8'))
        let answer = format!("服务端接收到数据：{data_val}");
        sock.write_all(answer.as_bytes())?;
    }
}
