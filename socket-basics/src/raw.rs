//! 原始套接字（raw）：跳过 TCP 和 UDP，直接收发 IP 包。
//! 这里用的是 ICMP，也就是 ping 用的协议。

use std::io::{self, Read};
use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use common::println; // 同 std 的 println!，但 stdout 被关掉时不 panic
use socket2::{Domain, Protocol, Socket, Type};

use crate::server::Walk;

// ANCHOR: raw
/// raw：创建一个 ICMP 原始套接字。普通用户会被系统拒绝，这是正常结果；
/// 有 root 或 CAP_NET_RAW 权限时，向 127.0.0.1 发一个 ping，看收到的 IP 包。
pub fn raw(_: &mut Walk) -> io::Result<()> {
    // Python: soc = socket.socket(socket.AF_INET, socket.SOCK_RAW,
    //                             socket.IPPROTO_ICMP)
    let created = Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::ICMPV4));
    let soc = match created {
        Ok(soc) => soc,
        Err(err) if err.kind() == io::ErrorKind::PermissionDenied => {
            println!("  => 系统拒绝了 / refused: {err}");
            println!(
                "  （这是预料之中的结果，不是程序出错：原始套接字能伪造任意 IP 包，\
                 所以普通用户不能创建；Linux 上要有 root 或 CAP_NET_RAW 权限，\
                 Windows 上要以管理员身份运行 / expected for a normal user: \
                 a raw socket needs root or CAP_NET_RAW, on Windows an \
                 administrator）"
            );
            return Ok(());
        }
        Err(err) => return Err(err),
    };
    println!(
        "  => 创建成功：这个进程有 root 或 CAP_NET_RAW 权限 \
         / created: this process may open raw sockets"
    );
    ping(&soc)
}
// ANCHOR_END: raw

/// Sends one ICMP echo request to 127.0.0.1 and shows the IP packets that
/// come back: the raw socket gets each one whole, IP header first. It sees
/// every ICMP packet of the host (port-unreachable notes from other
/// programs too), so it reads at most 64 packets or for one second.
fn ping(soc: &Socket) -> io::Result<()> {
    let lo = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
    // Python: soc.bind(('127.0.0.1', 0)) —— Windows 要先绑定才能接收
    soc.bind(&lo.into())?;
    let id = (std::process::id() & 0xffff) as u16;
    let request = echo_request(id, b"socket-basics");
    // Python: soc.sendto(request, ('127.0.0.1', 0))
    let sent = soc.send_to(&request, &lo.into())?;
    println!(
        "  => 向 127.0.0.1 发出一个 ICMP 回显请求（和 ping 一样）\
         / sent an ICMP echo request: {sent} 字节 / bytes"
    );

    let deadline = Instant::now() + Duration::from_secs(1);
    let mut buf = [0u8; 1500];
    for _ in 0..64 {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        soc.set_read_timeout(Some(left))?;
        // Python: data = soc.recv(1500)
        let n = match (&*soc).read(&mut buf) {
            Ok(n) => n,
            Err(err)
                if matches!(
                    err.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                break;
            }
            Err(err) => return Err(err),
        };
        let Some(packet) = Packet::parse(&buf[..n]) else {
            continue;
        };
        if packet.id != Some(id) {
            continue; // someone else's ping
        }
        println!(
            "  => 收到 / received {n} 字节 / bytes：前 {} 字节是 IP 首部\
             （版本 {}，协议号 {} = ICMP，来自 / from {}），\
             然后是 ICMP 类型 {}（{}）",
            packet.header_len,
            packet.version,
            packet.protocol,
            packet.source,
            packet.icmp_type,
            icmp_name(packet.icmp_type)
        );
        if packet.icmp_type == 0 {
            println!(
                "  （流套接字和数据报套接字只交给你数据；原始套接字连 IP 首部也交给你 \
                 / a raw socket hands you the IP header too）"
            );
            return Ok(());
        }
    }
    println!(
        "  => 1 秒内没有等到回显应答：这台机器可能关掉了对 ping 的回应 \
         / no echo reply within 1 s: this host may ignore pings"
    );
    Ok(())
}

fn icmp_name(icmp_type: u8) -> &'static str {
    match icmp_type {
        0 => "回显应答，对方回的 / echo reply",
        8 => "回显请求，就是我们发出的那个 / our echo request",
        _ => "别的 ICMP 消息 / other ICMP",
    }
}

/// An ICMP echo request: type 8, code 0, checksum, identifier, sequence 1.
fn echo_request(id: u16, payload: &[u8]) -> Vec<u8> {
    let mut packet = vec![8, 0, 0, 0];
    packet.extend_from_slice(&id.to_be_bytes());
    packet.extend_from_slice(&1u16.to_be_bytes());
    packet.extend_from_slice(payload);
    let sum = checksum(&packet);
    packet[2..4].copy_from_slice(&sum.to_be_bytes());
    packet
}

/// The Internet checksum (RFC 1071): ones' complement of the ones'
/// complement sum of the 16-bit words.
fn checksum(bytes: &[u8]) -> u16 {
    let mut sum: u32 = bytes
        .chunks(2)
        .map(|pair| {
            u32::from(u16::from_be_bytes([
                pair[0],
                pair.get(1).copied().unwrap_or(0),
            ]))
        })
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// What the tour shows of one IPv4 packet carrying ICMP.
struct Packet {
    version: u8,
    header_len: usize,
    protocol: u8,
    source: Ipv4Addr,
    icmp_type: u8,
    /// The echo identifier, for echo requests and replies.
    id: Option<u16>,
}

impl Packet {
    fn parse(bytes: &[u8]) -> Option<Packet> {
        let first = *bytes.first()?;
        let header_len = usize::from(first & 0x0f) * 4;
        let source: [u8; 4] = bytes.get(12..16)?.try_into().ok()?;
        let icmp = bytes.get(header_len..)?;
        let icmp_type = *icmp.first()?;
        let id = match (icmp_type, icmp.get(4..6)) {
            (0 | 8, Some(id)) => Some(u16::from_be_bytes([id[0], id[1]])),
            _ => None,
        };
        Some(Packet {
            version: first >> 4,
            header_len,
            protocol: *bytes.get(9)?,
            source: Ipv4Addr::from(source),
            icmp_type,
            id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_checks_out() {
        let request = echo_request(0x1234, b"abc");
        assert_eq!(&request[..2], [8, 0]);
        assert_eq!(&request[4..8], [0x12, 0x34, 0, 1]);
        // A packet with its checksum in place sums to zero.
        assert_eq!(checksum(&request), 0);
    }

    #[test]
    fn a_reply_is_read_from_behind_the_ip_header() {
        let mut packet = vec![0x45, 0, 0, 0, 0, 0, 0, 0, 64, 1, 0, 0];
        packet.extend_from_slice(&[127, 0, 0, 1, 127, 0, 0, 1]);
        packet.extend_from_slice(&[0, 0, 0, 0, 0x12, 0x34, 0, 1]);
        let p = Packet::parse(&packet).unwrap();
        assert_eq!((p.version, p.header_len, p.protocol), (4, 20, 1));
        assert_eq!((p.icmp_type, p.id), (0, Some(0x1234)));
        assert_eq!(p.source, Ipv4Addr::LOCALHOST);
        // Cut short or empty: no packet, no panic.
        for len in 0..packet.len() - 1 {
            let _ = Packet::parse(&packet[..len]);
        }
    }
}
