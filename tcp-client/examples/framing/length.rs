//! 长度前缀的两半，length-server 和 length-client 共用（两边都用
//! `#[path = "framing/length.rs"] mod length;` 把它包含进来）。
use std::io::{self, ErrorKind, Read, Write};

/// 一条消息最长这么多字节：长度字段来自网络，不可轻信。
pub const MAX_MESSAGE: u32 = 1 << 20;

// ANCHOR: framing
/// 读一条消息：4 字节长度（大端序），再正好读那么多字节。
/// 对方在两条消息之间关闭了发送的一头时返回 None。
pub fn read_message(sock: &mut impl Read) -> io::Result<Option<Vec<u8>>> {
    let mut header = [0; 4];
    let mut filled = 0;
    while filled < header.len() {
        // recv 可能只给 1 个字节：一直读到 4 个 — Python: sock.recv(4 - filled)
        match sock.read(&mut header[filled..]) {
            Ok(0) if filled == 0 => return Ok(None),
            Ok(0) => return Err(cut_short("长度", filled)),
            Ok(n) => filled += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    // 网络字节序是大端序 — Python: n, = struct.unpack('!I', header)
    let len = u32::from_be_bytes(header);
    if len > MAX_MESSAGE {
        let why = format!("消息长 {len} 字节，超过 {MAX_MESSAGE} / too long");
        return Err(io::Error::new(ErrorKind::InvalidData, why));
    }
    // read_exact 读满为止，中途断开就报错 — Python: 循环 recv 到够数
    let mut data = vec![0; len as usize];
    sock.read_exact(&mut data)?;
    Ok(Some(data))
}

/// 写一条消息：4 字节长度（大端序）加内容，一次写出
/// — Python: sock.sendall(struct.pack('!I', len(data)) + data)
pub fn write_message(sock: &mut impl Write, data: &[u8]) -> io::Result<()> {
    let too_long = |_| io::Error::new(ErrorKind::InvalidInput, "too long");
    let len = u32::try_from(data.len()).map_err(too_long)?;
    // to_be_bytes 就是 C 的 htonl：高位字节在前
    let frame = [&len.to_be_bytes()[..], data].concat();
    sock.write_all(&frame)
}
// ANCHOR_END: framing

/// 对方在一条消息中间断开了。
fn cut_short(what: &str, got: usize) -> io::Error {
    let why = format!("{what}只收到 {got} 字节就断开了 / cut short");
    io::Error::new(ErrorKind::UnexpectedEof, why)
}
