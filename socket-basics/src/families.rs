//! 地址族：`socket()` 的第一个参数，决定地址长什么样。

use std::io::{self, Read, Write};
use std::net::{Ipv6Addr, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};

use socket2::{Domain, SockAddr, Socket, Type};

use crate::server::Walk;
use crate::server::socket_addr;
use common::println; // 同 std 的 println!，但 stdout 被关掉时不 panic

/// AF_INET：IPv4，地址是 (ip, port)，例如 127.0.0.1:8080。
pub fn af_inet(_: &mut Walk) -> io::Result<()> {
    // Python: soc = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    let soc = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    // Python: soc.bind(('127.0.0.1', 0))
    soc.bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into())?;
    let addr = socket_addr(&soc.local_addr()?)?;
    println!("  => {:?} 套接字绑定到 / bound to {addr}", Domain::IPV4);
    Ok(())
}

/// AF_INET6：IPv6，地址写在方括号里，例如 [::1]:8080。
/// 有的机器（容器、关掉了 IPv6 的系统）没有 ::1：那就说一声，跳过。
pub fn af_inet6(_: &mut Walk) -> io::Result<()> {
    let ipv6 = || -> io::Result<Socket> {
        // Python: soc = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        let soc = Socket::new(Domain::IPV6, Type::STREAM, None)?;
        // Python: soc.bind(('::1', 0))
        soc.bind(&SocketAddr::from((Ipv6Addr::LOCALHOST, 0)).into())?;
        Ok(soc)
    };
    let soc = match ipv6() {
        Ok(soc) => soc,
        Err(err) => {
            println!(
                "  => 跳过：本机没有 IPv6 回环地址 ::1 / skipped: no ::1 here ({err})"
            );
            return Ok(());
        }
    };
    // Python: soc.listen(5)
    soc.listen(5)?;
    let listener = TcpListener::from(soc);
    let addr = listener.local_addr()?;
    println!("  => {:?} 套接字绑定到 / bound to {addr}", Domain::IPV6);
    let client = TcpStream::connect(addr)?;
    println!(
        "  => 客户端 / client {} 已连上 / connected",
        client.local_addr()?
    );
    Ok(())
}

/// AF_UNIX：同一台机器上的进程之间通信，地址是文件系统里的一个路径。
/// Linux、macOS 和 Windows 10 以后都有；用完删掉临时目录（出错时也删）。
pub fn af_unix(_: &mut Walk) -> io::Result<()> {
    let dir = TempDir::new()?;
    let path = dir.0.join("tour.sock");
    let addr = SockAddr::unix(&path)?;

    // Python: soc = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    let soc = Socket::new(Domain::UNIX, Type::STREAM, None)?;
    // Python: soc.bind(path); soc.listen(5)
    soc.bind(&addr)?;
    soc.listen(5)?;
    println!("  => 监听的路径 / listening on {}", path.display());

    // Python: client = socket.socket(socket.AF_UNIX, ...); client.connect(path)
    let mut client = Socket::new(Domain::UNIX, Type::STREAM, None)?;
    client.connect(&addr)?;
    // Python: conn, addr = soc.accept() —— 对方的地址也属于 AF_UNIX
    let (mut conn, peer) = soc.accept()?;
    println!(
        "  => 对方的地址是 AF_UNIX 地址 / peer is AF_UNIX: {}",
        peer.is_unix()
    );

    client.write_all("你好，AF_UNIX".as_bytes())?;
    drop(client); // 关闭，让对方读到结尾
    let mut text = String::new();
    conn.read_to_string(&mut text)?;
    println!("  => 收到 / received {text:?}");

    drop((conn, soc));
    drop(dir);
    println!(
        "  => 已删除临时目录 / removed: {}",
        !path.parent().is_some_and(|p| p.exists())
    );
    Ok(())
}

/// 一个临时目录，离开作用域时连同里面的套接字文件一起删掉。
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new() -> io::Result<Self> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!("socket-basics-{}-{nanos}", std::process::id());
        let path = std::env::temp_dir().join(name);
        std::fs::create_dir(&path)?;
        Ok(TempDir(path))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// AF_UNSPEC：不指定地址族，让名字解析给出所有地址，IPv4 和 IPv6 都算。
/// Rust 里按名字连接（`TcpStream::connect(("localhost", port))`）就是这样：
/// 依次试每个地址，直到连上一个。
pub fn af_unspec(_: &mut Walk) -> io::Result<()> {
    // Python: socket.getaddrinfo('localhost', 0, socket.AF_UNSPEC, socket.SOCK_STREAM)
    let mut addrs: Vec<SocketAddr> =
        ("localhost", 0).to_socket_addrs()?.collect();
    addrs.dedup();
    let shown: Vec<String> = addrs
        .iter()
        .map(|a| {
            format!(
                "{} ({})",
                a.ip(),
                if a.is_ipv4() { "AF_INET" } else { "AF_INET6" }
            )
        })
        .collect();
    println!("  => localhost 解析为 / resolves to: {}", shown.join(", "));

    // 在第一个能用的地址上监听，然后只用名字去连。
    let Some(listener) = addrs
        .iter()
        .find_map(|a| TcpListener::bind((a.ip(), 0)).ok())
    else {
        return Err(io::Error::other(
            "localhost 的地址都不能绑定 / cannot bind any address of localhost",
        ));
    };
    let port = listener.local_addr()?.port();
    // Python: socket.create_connection(('localhost', port))
    let client = TcpStream::connect(("localhost", port))?;
    println!(
        "  => 按名字 localhost:{port} 连上了 / connected by name to {}",
        client.peer_addr()?
    );
    Ok(())
}
