//! 收发数据（第 5 步）和关闭（第 6 步）：TCP 的 send、sendall、recv，
//! UDP 的 sendto、recvfrom。

use std::io::{self, Read, Write};
use std::net::{Shutdown, UdpSocket};
use std::thread;
use std::time::Duration;

use common::BUFFER_SIZE;

use crate::server::Walk;
use crate::tcp_pair;
use common::println; // 同 std 的 println!，但 stdout 被关掉时不 panic

/// 第 5 步：接收。recv 最多读 1024 字节，返回实际读到多少。
pub fn recv(walk: &mut Walk) -> io::Result<()> {
    let (conn, client) = walk.accepted()?; // 第 4 步 accept 得到的连接
    client.write_all("你好，服务端".as_bytes())?;

    let mut buf = [0; BUFFER_SIZE];
    // Python: data = conn.recv(1024)
    let n = conn.read(&mut buf)?;
    // Python: data.decode('utf-8')
    let text = String::from_utf8_lossy(&buf[..n]);
    println!("  => 收到 / received {n} 字节 / bytes: {text:?}");
    println!("  （一个汉字在 UTF-8 里占 3 个字节；读到 0 字节表示对方关闭了）");
    Ok(())
}

/// 第 5 步：发送。send 返回实际发出的字节数，可能比要求的少。
pub fn send(walk: &mut Walk) -> io::Result<()> {
    let (conn, client) = walk.accepted()?; // 还是第 4 步的那个连接
    let data = "你好，客户端".as_bytes();

    // Python: n = conn.send('你好，客户端'.encode('utf-8'))
    let n = conn.write(data)?;
    println!(
        "  => send 返回 / returned {n}（要发 / of {} 字节 / bytes）",
        data.len()
    );

    let mut buf = [0; BUFFER_SIZE];
    let got = client.read(&mut buf)?;
    println!(
        "  => 客户端收到 / the client got {:?}",
        String::from_utf8_lossy(&buf[..got])
    );
    println!(
        "  （大块数据时 send 可能只发出一部分，剩下的要自己再发：见 sendall）"
    );
    Ok(())
}

/// sendall：一直发，直到全部发完或出错。Rust 里是 `write_all`。
pub fn sendall(_: &mut Walk) -> io::Result<()> {
    let (mut conn, mut client) = tcp_pair()?;
    // 万一出了岔子，读的一方最多等 2 秒，不会永远卡住。
    client.set_read_timeout(Some(Duration::from_secs(2)))?;
    let data = vec![b'x'; 1 << 20]; // 1 MiB，比套接字的缓冲区大

    // 对方得边读我们才能发完，所以客户端在另一个线程里一直读到结尾。
    let received = thread::scope(|s| {
        let reader = s.spawn(move || -> io::Result<usize> {
            let mut total = 0;
            let mut buf = [0; 64 * 1024];
            loop {
                match client.read(&mut buf)? {
                    0 => return Ok(total),
                    n => total += n,
                }
            }
        });
        // Python: conn.sendall(data)
        let sent = conn.write_all(&data);
        // 告诉对方发完了，对方的 read 才会返回 0。
        let _ = conn.shutdown(Shutdown::Write);
        sent?;
        reader.join().unwrap_or_else(|_| {
            Err(io::Error::other("读数据的线程意外结束 / the reader died"))
        })
    })?;
    println!(
        "  => write_all 发完 / sent {} 字节 / bytes，对方收到 / received {received}",
        data.len()
    );
    Ok(())
}

/// recvfrom：UDP 没有连接，每收到一个数据报都要知道是谁发来的。
pub fn recvfrom(_: &mut Walk) -> io::Result<()> {
    // UdpSocket::bind 一步做了 socket(AF_INET, SOCK_DGRAM) + bind()。
    let server = UdpSocket::bind(("127.0.0.1", 0))?;
    let client = UdpSocket::bind(("127.0.0.1", 0))?;
    client.send_to("123".as_bytes(), server.local_addr()?)?;

    let mut buf = [0; BUFFER_SIZE];
    // Python: data, addr = server.recvfrom(1024)
    let (n, addr) = server.recv_from(&mut buf)?;
    println!(
        "  => 收到 / received {:?}，来自 / from {addr}",
        String::from_utf8_lossy(&buf[..n])
    );
    Ok(())
}

/// sendto：UDP 每次发送都要写上对方的地址。
pub fn sendto(_: &mut Walk) -> io::Result<()> {
    let server = UdpSocket::bind(("127.0.0.1", 0))?;
    let client = UdpSocket::bind(("127.0.0.1", 0))?;
    let to = server.local_addr()?;

    // Python: n = client.sendto(b'234', addr)
    let n = client.send_to("234".as_bytes(), to)?;
    println!("  => 发给 / sent to {to}: {n} 字节 / bytes");

    let mut buf = [0; BUFFER_SIZE];
    let (got, from) = server.recv_from(&mut buf)?;
    println!(
        "  => 对方收到 / the server got {:?}，来自 / from {from}",
        String::from_utf8_lossy(&buf[..got])
    );
    Ok(())
}

// ANCHOR: close
/// 第 6 步：关闭。Rust 没有 close()：套接字在离开作用域时自动关闭，
/// 想早点关就 drop 它。
pub fn close(walk: &mut Walk) -> io::Result<()> {
    let (conn, mut client) = walk.take_accepted()?; // 第 4 步的连接
    let peer = conn.peer_addr()?;

    // Python: conn.close()
    drop(conn);

    let mut buf = [0; BUFFER_SIZE];
    let n = client.read(&mut buf)?;
    println!("  => 服务端关闭了和 {peer} 的连接 / closed the connection");
    println!(
        "  => 客户端的 recv 返回 / the client's read returned {n} 字节 / bytes（EOF）"
    );
    if n != 0 {
        return Err(io::Error::other(format!(
            "关闭后还读到了 {n} 字节 / read {n} bytes after close"
        )));
    }
    Ok(())
}
// ANCHOR_END: close
