//! 服务端的第 1～4 步（socket、bind、listen、accept），
//! 和客户端的 connect、connect_ex。

use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};

use common::println; // 同 std 的 println!，但 stdout 被关掉时不 panic
use socket2::{Domain, SockAddr, Socket, Type};

/// 服务端六个步骤共用的套接字：第 1 步创建，第 2 步绑定，第 3 步监听，
/// 第 4 步接受，第 5 步收发，第 6 步关闭——从头到尾是同一个套接字、同一个端口。
///
/// 单独运行某一步（`--step accept`）时，先用同样的调用悄悄做完它前面的几步。
#[derive(Default)]
pub struct Walk {
    /// 服务端的套接字，第 1 步（`socket`）创建。
    soc: Option<Socket>,
    /// 第 2 步绑定到的地址。
    bound: Option<SocketAddr>,
    /// 第 3 步（`listen`）之后连上来的客户端。
    client: Option<TcpStream>,
    /// 第 4 步（`accept`）返回的连接。
    conn: Option<TcpStream>,
}

impl Walk {
    /// 第 1 步的套接字；第 1 步没运行过就现在创建。
    fn created(&mut self) -> io::Result<&Socket> {
        let soc = match self.soc.take() {
            Some(soc) => soc,
            None => Socket::new(Domain::IPV4, Type::STREAM, None)?,
        };
        Ok(self.soc.insert(soc))
    }

    /// 做完第 1～2 步：返回绑定的地址。
    fn bound(&mut self) -> io::Result<SocketAddr> {
        if let Some(addr) = self.bound {
            return Ok(addr);
        }
        let soc = self.created()?;
        soc.bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into())?;
        let addr = socket_addr(&soc.local_addr()?)?;
        self.bound = Some(addr);
        Ok(addr)
    }

    /// 做完第 1～3 步，并让一个客户端连上来。
    fn listening(&mut self) -> io::Result<SocketAddr> {
        let addr = self.bound()?;
        if self.client.is_none() {
            self.created()?.listen(5)?;
            self.client = Some(TcpStream::connect(addr)?);
        }
        Ok(addr)
    }

    /// 做完第 1～4 步：返回服务端这一头和客户端那一头。
    pub fn accepted(&mut self) -> io::Result<(&mut TcpStream, &mut TcpStream)> {
        if self.conn.is_none() {
            self.listening()?;
            let (conn, _) = self.created()?.accept()?;
            self.conn = Some(TcpStream::from(conn));
        }
        match (self.conn.as_mut(), self.client.as_mut()) {
            (Some(conn), Some(client)) => Ok((conn, client)),
            _ => Err(io::Error::other("no connection")),
        }
    }

    /// 第 6 步：把连接交出来，由调用者关闭。
    pub fn take_accepted(&mut self) -> io::Result<(TcpStream, TcpStream)> {
        self.accepted()?;
        match (self.conn.take(), self.client.take()) {
            (Some(conn), Some(client)) => Ok((conn, client)),
            _ => Err(io::Error::other("no connection")),
        }
    }
}

/// 第 1 步：创建套接字。刚创建的套接字还没有地址，只有地址族和类型。
pub fn socket(walk: &mut Walk) -> io::Result<()> {
    // Python: soc = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    let soc = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    // 类型是从系统读回来的（getsockopt SO_TYPE），不是抄的参数。
    println!("  => 流式套接字 / a stream socket: {:?}", soc.r#type()?);
    walk.soc = Some(soc); // 后面几步接着用这个套接字

    // Python: udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    let udp = Socket::new(Domain::IPV4, Type::DGRAM, None)?;
    println!("  => 数据报套接字 / a datagram socket: {:?}", udp.r#type()?);
    println!(
        "  （TCP 用 SOCK_STREAM，UDP 用 SOCK_DGRAM；第三个参数 None 即 0）"
    );
    Ok(())
}

/// 第 2 步：绑定地址。端口 0 的意思是“请系统挑一个空闲端口”。
pub fn bind(walk: &mut Walk) -> io::Result<()> {
    let soc = walk.created()?; // 第 1 步创建的套接字
    let addr = SocketAddr::from(([127, 0, 0, 1], 0));
    // Python: soc.bind(('127.0.0.1', 0))
    soc.bind(&addr.into())?;
    // Python: soc.getsockname() —— 看看系统挑了哪个端口
    let bound = socket_addr(&soc.local_addr()?)?;
    walk.bound = Some(bound);
    println!("  => 要求 / asked for {addr}，绑定到 / bound to {bound}");
    Ok(())
}

/// 第 3 步：开始监听。之后客户端就能连进来，哪怕还没人调用 accept：
/// 连接先在队列里排着，队列最多 backlog 个。
pub fn listen(walk: &mut Walk) -> io::Result<()> {
    let addr = walk.bound()?; // 第 2 步绑定的地址
    // Python: soc.listen(5)
    walk.created()?.listen(5)?;
    println!("  => 正在监听 / listening on {addr}，backlog 5");

    // 还没有 accept，客户端的 connect 已经成功了：连接在队列里等着。
    let client = TcpStream::connect(addr)?;
    println!(
        "  => 客户端 {} 已连上，正在队列里等 accept / queued, waiting for accept",
        client.local_addr()?
    );
    walk.client = Some(client);
    Ok(())
}

/// 第 4 步：接受一个客户端，得到一个新的套接字和对方的地址。
pub fn accept(walk: &mut Walk) -> io::Result<()> {
    let listening = walk.listening()?; // 第 3 步：监听着，客户端在排队
    let soc = walk.created()?;

    // Python: conn, addr = soc.accept() —— 没有客户端时会一直等（阻塞）
    let (conn, addr) = soc.accept()?;
    let conn = TcpStream::from(conn);
    println!("  => 接受了 / accepted {}", socket_addr(&addr)?);
    println!(
        "  => 新套接字 conn 的两头 / conn connects {} <-> {}",
        conn.local_addr()?,
        conn.peer_addr()?
    );
    println!(
        "  （监听的套接字 {listening} 继续等下一个客户端；\
         和这个客户端说话用 conn / the listener keeps listening）"
    );
    walk.conn = Some(conn);
    Ok(())
}

/// 客户端：主动连接服务端。
pub fn connect(_: &mut Walk) -> io::Result<()> {
    let listener = TcpListener::bind(("127.0.0.1", 0))?;
    let server = listener.local_addr()?;

    let soc = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    // Python: soc.connect(('127.0.0.1', port))
    soc.connect(&server.into())?;
    // 客户端通常不 bind：connect 时系统自动给它一个临时端口。
    let local = socket_addr(&soc.local_addr()?)?;
    println!("  => 已连接 / connected {local} -> {server}");
    Ok(())
}

/// 客户端：connect_ex 出错时不抛异常，而是返回错误码（成功返回 0）。
/// Rust 没有这个函数：connect 返回 `io::Result`，错误码在
/// `io::Error::raw_os_error()` 里。
pub fn connect_ex(_: &mut Walk) -> io::Result<()> {
    // 一个绑定了但没有监听的端口：向它连接一定被拒绝，也不会被别人占去。
    let closed = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    closed.bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into())?;
    let closed_addr = closed.local_addr()?;

    let listener = TcpListener::bind(("127.0.0.1", 0))?;
    let open_addr = SockAddr::from(listener.local_addr()?);

    let soc = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    // Python: code = soc.connect_ex(('127.0.0.1', open_port))
    let code = connect_ex_like(&soc, &open_addr);
    println!(
        "  => 开着的端口 / open port {} -> 返回 / returns {code}",
        socket_addr(&open_addr)?
    );

    let soc = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    // Python: code = soc.connect_ex(('127.0.0.1', closed_port))
    let code = connect_ex_like(&soc, &closed_addr);
    let err = io::Error::from_raw_os_error(code);
    println!(
        "  => 关着的端口 / closed port {} -> 返回 / returns {code}（{:?}: {err}）",
        socket_addr(&closed_addr)?,
        err.kind()
    );
    if code == 0 {
        return Err(io::Error::other(
            "连接一个没有监听的端口居然成功了 / connecting a closed port succeeded",
        ));
    }
    println!("  （数字因系统而异：Linux 111，macOS 61，Windows 10061）");
    Ok(())
}

/// Python 的 connect_ex：成功是 0，失败是系统的错误码。
fn connect_ex_like(soc: &Socket, addr: &SockAddr) -> i32 {
    match soc.connect(addr) {
        Ok(()) => 0,
        // 没有系统错误码的错误（很少见）记为 -1。
        Err(err) => err.raw_os_error().unwrap_or(-1),
    }
}

/// socket2 的地址（`SockAddr`）转成 IP 地址 + 端口。
pub fn socket_addr(addr: &SockAddr) -> io::Result<SocketAddr> {
    addr.as_socket()
        .ok_or_else(|| io::Error::other("不是 IP 地址 / not an IP address"))
}
