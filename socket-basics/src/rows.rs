//! 导游的表：原文的地址族、服务端的六个步骤和 socket 方法表，一项一行。
//!
//! The data of the tour, in the text's order; each row names the function
//! (in `families.rs`, `server.rs`, `data.rs`, `options.rs`, `raw.rs`) that
//! shows it.

use std::io;

use common::Bilingual;
use common::usage;

use crate::{data, families, options, raw, server};

/// 导游里的一项：原文里叫什么，Rust 里怎么写，由哪个函数来演示。
pub struct Row {
    /// Python 里的名字，也是 `--step` 接受的名字。
    pub name: &'static str,
    /// 属于原文的哪一部分。
    pub part: Part,
    /// 它做什么（中文 / English）。
    pub what: &'static str,
    /// Python 的写法。
    pub python: &'static str,
    /// 对应的 Rust 调用（socket2 或 std）。
    pub rust: &'static str,
    /// 演示它的函数：打印 `=>` 开头的结果行。
    pub run: fn(&mut server::Walk) -> io::Result<()>,
}

#[derive(Clone, Copy, PartialEq)]
pub enum Part {
    Families,
    Server,
    Client,
    Common,
}

impl Part {
    pub fn title(self) -> &'static str {
        match self {
            Part::Families => "一、地址族 / address families",
            Part::Server => "二、服务端函数：第 1～4 步 / server: steps 1-4",
            Part::Client => "三、客户端函数 / client",
            Part::Common => {
                "四、公共函数：第 5、6 步及其他 / common: steps 5-6 and more"
            }
        }
    }
}

/// 原文的顺序：地址族，服务端的六个步骤，然后是方法表。
pub const ROWS: &[Row] = &[
    Row {
        name: "AF_INET",
        part: Part::Families,
        what: "IPv4 地址族，地址是 (ip, port) / IPv4",
        python: "socket.socket(socket.AF_INET, socket.SOCK_STREAM)",
        rust: "Socket::new(Domain::IPV4, Type::STREAM, None)",
        run: families::af_inet,
    },
    Row {
        name: "AF_INET6",
        part: Part::Families,
        what: "IPv6 地址族 / IPv6",
        python: "socket.socket(socket.AF_INET6, socket.SOCK_STREAM)",
        rust: "Socket::new(Domain::IPV6, Type::STREAM, None)",
        run: families::af_inet6,
    },
    Row {
        name: "AF_UNIX",
        part: Part::Families,
        what: "Unix 域：本机进程之间，地址是一个文件路径 / local, a path",
        python: "socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)",
        rust: "Socket::new(Domain::UNIX, Type::STREAM, None)",
        run: families::af_unix,
    },
    Row {
        name: "AF_UNSPEC",
        part: Part::Families,
        what: "不限地址族：IPv4、IPv6 都行 / either family",
        python: "socket.getaddrinfo('localhost', port, socket.AF_UNSPEC)",
        rust: "(\"localhost\", port).to_socket_addrs()",
        run: families::af_unspec,
    },
    Row {
        name: "socket",
        part: Part::Server,
        what: "第 1 步：创建套接字 / step 1: create a socket",
        python: "soc = socket.socket(socket.AF_INET, socket.SOCK_STREAM)",
        rust: "let soc = Socket::new(Domain::IPV4, Type::STREAM, None)?",
        run: server::socket,
    },
    Row {
        name: "bind",
        part: Part::Server,
        what: "第 2 步：绑定地址和端口 / step 2: bind an address",
        python: "soc.bind(('127.0.0.1', 0))",
        rust: "soc.bind(&addr.into())?",
        run: server::bind,
    },
    Row {
        name: "listen",
        part: Part::Server,
        what: "第 3 步：开始监听 TCP 连接 / step 3: listen",
        python: "soc.listen(5)",
        rust: "soc.listen(5)?",
        run: server::listen,
    },
    Row {
        name: "accept",
        part: Part::Server,
        what: "第 4 步：等待并接受一个客户端 / step 4: accept a client",
        python: "conn, addr = soc.accept()",
        rust: "let (conn, addr) = soc.accept()?",
        run: server::accept,
    },
    Row {
        name: "connect",
        part: Part::Client,
        what: "主动连接服务端 / connect to a server",
        python: "soc.connect(('127.0.0.1', port))",
        rust: "soc.connect(&addr.into())?",
        run: server::connect,
    },
    Row {
        name: "connect_ex",
        part: Part::Client,
        what: "connect，但出错时返回错误码 / connect returning an error code",
        python: "code = soc.connect_ex(('127.0.0.1', port))",
        rust: "soc.connect(..) 的 Err(e) => e.raw_os_error()",
        run: server::connect_ex,
    },
    Row {
        name: "recv",
        part: Part::Common,
        what: "第 5 步：接收 TCP 数据 / step 5: receive",
        python: "data = conn.recv(1024)",
        rust: "let n = conn.read(&mut buf)?",
        run: data::recv,
    },
    Row {
        name: "send",
        part: Part::Common,
        what: "第 5 步：发送 TCP 数据 / step 5: send",
        python: "n = conn.send(data)",
        rust: "let n = conn.write(data)?",
        run: data::send,
    },
    Row {
        name: "sendall",
        part: Part::Common,
        what: "把数据全部发完 / send everything",
        python: "conn.sendall(data)",
        rust: "conn.write_all(data)?",
        run: data::sendall,
    },
    Row {
        name: "recvfrom",
        part: Part::Common,
        what: "接收 UDP 数据和发送方地址 / receive a datagram",
        python: "data, addr = udp.recvfrom(1024)",
        rust: "let (n, addr) = udp.recv_from(&mut buf)?",
        run: data::recvfrom,
    },
    Row {
        name: "sendto",
        part: Part::Common,
        what: "向一个地址发送 UDP 数据 / send a datagram",
        python: "udp.sendto(data, addr)",
        rust: "udp.send_to(data, addr)?",
        run: data::sendto,
    },
    Row {
        name: "close",
        part: Part::Common,
        what: "第 6 步：关闭套接字 / step 6: close",
        python: "conn.close()",
        rust: "drop(conn)  // 离开作用域时也会自动关闭",
        run: data::close,
    },
    Row {
        name: "getpeername",
        part: Part::Common,
        what: "对方的地址 / the remote address",
        python: "conn.getpeername()",
        rust: "conn.peer_addr()?",
        run: options::getpeername,
    },
    Row {
        name: "getsockname",
        part: Part::Common,
        what: "自己的地址 / the local address",
        python: "soc.getsockname()",
        rust: "soc.local_addr()?",
        run: options::getsockname,
    },
    Row {
        name: "setsockopt",
        part: Part::Common,
        what: "设置套接字选项 / set an option",
        python: "soc.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
        rust: "soc.set_reuse_address(true)?",
        run: options::setsockopt,
    },
    Row {
        name: "getsockopt",
        part: Part::Common,
        what: "读取套接字选项 / read an option",
        python: "soc.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)",
        rust: "soc.recv_buffer_size()?",
        run: options::getsockopt,
    },
    Row {
        name: "settimeout",
        part: Part::Common,
        what: "设置超时 / set a timeout",
        python: "conn.settimeout(0.2)",
        rust: "conn.set_read_timeout(Some(Duration::from_millis(200)))?",
        run: options::settimeout,
    },
    Row {
        name: "gettimeout",
        part: Part::Common,
        what: "读取超时 / read the timeout",
        python: "conn.gettimeout()",
        rust: "conn.read_timeout()?",
        run: options::gettimeout,
    },
    Row {
        name: "fileno",
        part: Part::Common,
        what: "套接字的文件描述符 / the descriptor number",
        python: "conn.fileno()",
        rust: "conn.as_raw_fd()  (Windows: conn.as_raw_socket())",
        run: options::fileno,
    },
    Row {
        name: "setblocking",
        part: Part::Common,
        what: "切换阻塞 / 非阻塞 / blocking or not",
        python: "conn.setblocking(False)",
        rust: "conn.set_nonblocking(true)?",
        run: options::setblocking,
    },
    Row {
        name: "makefile",
        part: Part::Common,
        what: "把套接字当文件读写 / use it as a file",
        python: "f = conn.makefile('rw')",
        rust: "BufReader::new(&conn) / BufWriter::new(&conn)",
        run: options::makefile,
    },
];

/// 只能单独运行的项：结果取决于权限（普通用户会被拒绝），所以不在导游里。
pub const ALONE: &[Row] = &[Row {
    name: "raw",
    part: Part::Server,
    what: "原始套接字：直接收发 IP 包 / raw socket: whole IP packets",
    python: "socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)",
    rust: "Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::ICMPV4))",
    run: raw::raw,
}];

/// The row called `name` (case does not matter: `af_inet` finds `AF_INET`).
pub fn find(name: &str) -> Result<&'static Row, Bilingual> {
    let name = name.trim();
    ROWS.iter()
        .chain(ALONE)
        .find(|row| row.name.eq_ignore_ascii_case(name))
        .ok_or_else(|| {
            let valid: Vec<&str> =
                ROWS.iter().chain(ALONE).map(|row| row.name).collect();
            let shown = usage::quote(name.as_ref());
            let (zh, en) = match usage::nearest(name, &valid) {
                Some(near) => (
                    format!("，你是想写 {near} 吗？"),
                    format!("; did you mean {near}?"),
                ),
                None => ("。".to_string(), ".".to_string()),
            };
            let all = valid.join(", ");
            Bilingual::new(
                format!("没有叫 {shown} 的项目{zh}可用的有：{all}"),
                format!("unknown step {shown}{en} Valid steps: {all}"),
            )
        })
}
