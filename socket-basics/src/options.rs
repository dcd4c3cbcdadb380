//! 方法表的其余各行：地址、选项、超时、描述符、阻塞和 makefile。

use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::time::{Duration, Instant};

use socket2::{Domain, Socket, Type};

use crate::server::Walk;
use crate::tcp_pair;
use common::println; // 同 std 的 println!，但 stdout 被关掉时不 panic

/// getpeername：连接另一头的地址。
pub fn getpeername(_: &mut Walk) -> io::Result<()> {
    let (conn, client) = tcp_pair()?;

    // Python: conn.getpeername()
    let peer = conn.peer_addr()?;
    let same = peer == client.local_addr()?;
    println!("  => conn 的对方 / peer of conn: {peer}");
    println!("  => 正是客户端自己的地址 / is the client's own address: {same}");

    // 没有连接的套接字没有对方。
    let udp = UdpSocket::bind(("127.0.0.1", 0))?;
    match udp.peer_addr() {
        Ok(addr) => println!("  => 没连接的 UDP 套接字 / unconnected: {addr}"),
        Err(err) => println!(
            "  => 没连接的 UDP 套接字 / unconnected: Err({:?})",
            err.kind()
        ),
    }
    Ok(())
}

/// getsockname：自己这头的地址。
pub fn getsockname(_: &mut Walk) -> io::Result<()> {
    let listener = TcpListener::bind(("127.0.0.1", 0))?;
    // Python: soc.getsockname()
    let addr = listener.local_addr()?;
    println!("  => 监听套接字 / listener: {addr}（端口是系统挑的）");

    let client = TcpStream::connect(addr)?;
    // Python: client.getsockname() —— 客户端没有 bind，端口是 connect 时分到的
    println!("  => 客户端 / client: {}", client.local_addr()?);
    Ok(())
}

/// setsockopt：设置选项，再读回来看看生效了没有。
pub fn setsockopt(_: &mut Walk) -> io::Result<()> {
    let soc = Socket::new(Domain::IPV4, Type::STREAM, None)?;

    // Python: soc.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    soc.set_reuse_address(true)?;
    show_set("SO_REUSEADDR", true, soc.reuse_address()?);

    // Python: soc.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    soc.set_tcp_nodelay(true)?;
    show_set("TCP_NODELAY", true, soc.tcp_nodelay()?);

    // Python: soc.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    soc.set_keepalive(true)?;
    show_set("SO_KEEPALIVE", true, soc.keepalive()?);

    println!("  （socket2 为每个选项提供一对 set_xxx / xxx 方法，不用记数字）");
    Ok(())
}

fn show_set(option: &str, set: bool, read_back: bool) {
    println!(
        "  => {option} 设为 {set}，读回 {read_back} \
         / set {set}, read back {read_back}"
    );
}

/// getsockopt：读取选项。读回的值不一定等于设的值：系统可以调整。
pub fn getsockopt(_: &mut Walk) -> io::Result<()> {
    let soc = Socket::new(Domain::IPV4, Type::STREAM, None)?;

    // Python: soc.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE)
    println!("  => SO_TYPE = {:?}", soc.r#type()?);
    // Python: soc.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR)
    println!(
        "  => SO_REUSEADDR 默认 / default = {}",
        soc.reuse_address()?
    );
    // Python: soc.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
    println!(
        "  => SO_RCVBUF 默认 / default = {} 字节",
        soc.recv_buffer_size()?
    );

    soc.set_recv_buffer_size(65_536)?;
    let got = soc.recv_buffer_size()?;
    println!("  => SO_RCVBUF 要 65536，系统给了 / asked 65536, got {got}");
    if got != 65_536 {
        println!(
            "  （系统调整了这个值：Linux 会翻倍，多出的一半留给内核记账）"
        );
    }
    Ok(())
}

// ANCHOR: settimeout
/// settimeout：让阻塞的调用最多等这么久，超时就报错。
pub fn settimeout(_: &mut Walk) -> io::Result<()> {
    let (mut conn, _client) = tcp_pair()?;

    // Python: conn.settimeout(0.2)
    // Rust 把读和写的超时分开设：set_read_timeout / set_write_timeout。
    // Python 的 settimeout(0) 等于 setblocking(False)；Rust 不接受 0 超时，
    // 要用 set_nonblocking(true)。settimeout(None) 是 set_read_timeout(None)。
    conn.set_read_timeout(Some(Duration::from_millis(200)))?;

    // 客户端什么都不发，recv 等满 200 ms 后报错。
    let start = Instant::now();
    let mut buf = [0; 16];
    let result = conn.read(&mut buf);
    let ms = start.elapsed().as_millis();
    match result {
        // Unix 上是 WouldBlock，Windows 上是 TimedOut。
        Err(err)
            if matches!(
                err.kind(),
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
            ) =>
        {
            println!(
                "  => recv 等了 {ms} ms 后报错 / recv gave up after {ms} ms: \
                 {:?} ({err})",
                err.kind()
            );
            println!("  （Python 在这里抛出 socket.timeout / TimeoutError）");
            Ok(())
        }
        Err(err) => Err(err),
        Ok(n) => Err(io::Error::other(format!(
            "本该超时，却读到了 {n} 字节 / expected a timeout, read {n} bytes"
        ))),
    }
}
// ANCHOR_END: settimeout

/// gettimeout：读回超时。None 表示一直等（阻塞模式）。
pub fn gettimeout(_: &mut Walk) -> io::Result<()> {
    let (conn, _client) = tcp_pair()?;

    // Python: conn.gettimeout()
    println!(
        "  => 默认 / default: {:?}（一直等 / blocks forever）",
        conn.read_timeout()?
    );

    conn.set_read_timeout(Some(Duration::from_millis(1500)))?;
    // Python: conn.settimeout(1.5); conn.gettimeout()
    println!(
        "  => 设为 1.5 s 后读回 / after 1.5 s: {:?}",
        conn.read_timeout()?
    );
    Ok(())
}

// ANCHOR: fileno
/// fileno：操作系统给套接字的编号。Unix 上是文件描述符（0、1、2 已被标准
/// 输入、输出、错误占用），Windows 上是 SOCKET 句柄。
pub fn fileno(_: &mut Walk) -> io::Result<()> {
    let (conn, client) = tcp_pair()?;

    // Python: conn.fileno()
    // 描述符和句柄是两个系统各自的类型，没有跨平台的写法：下面两段各只在
    // 自己的系统上编译（Linux 上检查不到 Windows 那段，所以它只有两行）。
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        println!("  => conn 的描述符 / fd: {}", conn.as_raw_fd());
        println!("  => client 的描述符 / fd: {}", client.as_raw_fd());
    }
    #[cfg(windows)]
    {
        use std::os::windows::io::AsRawSocket;
        println!("  => conn 的句柄 / SOCKET: {}", conn.as_raw_socket());
        println!("  => client 的句柄 / SOCKET: {}", client.as_raw_socket());
    }
    Ok(())
}
// ANCHOR_END: fileno

// ANCHOR: setblocking
/// setblocking：非阻塞模式下，没有数据的 recv 立刻返回错误，而不是等。
pub fn setblocking(_: &mut Walk) -> io::Result<()> {
    let (mut conn, mut client) = tcp_pair()?;

    // Python: conn.setblocking(False)
    conn.set_nonblocking(true)?;
    // 读回来看看。socket2 只在 Unix 上能读这个状态（Windows 没有对应的
    // 系统调用），所以这一行只在 Unix 上编译。
    #[cfg(unix)]
    println!(
        "  => 非阻塞 / nonblocking: {}",
        socket2::SockRef::from(&conn).nonblocking()?
    );

    let start = Instant::now();
    let mut buf = [0; 16];
    match conn.read(&mut buf) {
        Err(err) if err.kind() == io::ErrorKind::WouldBlock => println!(
            "  => 没有数据，recv 立刻返回 / returned at once ({} ms): {:?}",
            start.elapsed().as_millis(),
            err.kind()
        ),
        Err(err) => return Err(err),
        Ok(n) => {
            return Err(io::Error::other(format!(
                "没有人发数据，却读到了 {n} 字节 / read {n} unexpected bytes"
            )));
        }
    }
    println!("  （Python 在这里抛出 BlockingIOError）");

    // Python: conn.setblocking(True) —— 回到默认的阻塞模式，再等数据
    conn.set_nonblocking(false)?;
    client.write_all(b"ok")?;
    let n = conn.read(&mut buf)?;
    println!("  => 改回阻塞后等到了 / blocking again, got {n} 字节 / bytes");
    Ok(())
}
// ANCHOR_END: setblocking

/// makefile：把套接字包成带缓冲的读写对象，像文件一样按行读写。
pub fn makefile(_: &mut Walk) -> io::Result<()> {
    let (conn, client) = tcp_pair()?;

    // Python: f = client.makefile('w'); f.write('第一行\n第二行\n'); f.flush()
    let mut writer = BufWriter::new(&client);
    writeln!(writer, "第一行")?;
    writeln!(writer, "第二行")?;
    writer.flush()?;

    // Python: f = conn.makefile('r'); for line in f: ...
    let reader = BufReader::new(&conn);
    for line in reader.lines().take(2) {
        println!("  => 读到一行 / read a line: {:?}", line?);
    }
    println!("  （用 &conn 借用套接字：读写对象用完，conn 还在）");
    Ok(())
}
