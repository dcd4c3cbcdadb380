//! udp-client 自己的帮手：认出服务端的回复，说明没有回复的原因，拦下装不进
//! 一个数据报的消息。
//!
//! Only udp-client needs these, so they live beside its listing (its
//! `apart` example includes this file too).

use std::io::{self, ErrorKind};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::cli::Net;
use common::explain::{self, explained};

/// 回复比消息多一个前缀，可能超过原文的 1024 字节：整个数据报都收下。
pub const DATAGRAM_MAX: usize = 65_536;

/// recv 没等到回答时的说明：超时；或者系统收到“端口不可达”，报成拒绝/重置
/// ——都是没人回答。
pub fn no_answer(
    err: io::Error,
    adds: SocketAddr,
    timeout: Duration,
    net: &Net,
) -> io::Error {
    match err.kind() {
        ErrorKind::WouldBlock
        | ErrorKind::TimedOut
        | ErrorKind::ConnectionRefused
        | ErrorKind::ConnectionReset => {
            explain::no_reply(adds, timeout, &net.start_server())
        }
        _ => explain::talk(err, adds),
    }
}

/// 这个数据报是不是从我们发往的地址回来的（udp-client 只认它的回答）。
///
/// The same address, or, on loopback, the same port: a server bound to
/// `0.0.0.0` answers a datagram sent to `127.0.1.1` (what many machines'
/// hostnames resolve to) from `127.0.0.1`, and that answer is its own.
pub fn is_reply_from(from: SocketAddr, sent_to: SocketAddr) -> bool {
    from == sent_to
        || (from.port() == sent_to.port()
            && from.ip().is_loopback()
            && sent_to.ip().is_loopback())
}

/// 一行说明：收到一个不是服务端发来的数据报，已忽略（内容转义后只显示开头）。
///
/// The line udp-client prints for a datagram that did not come from the
/// address it sent to: its real source and the start of its content.
pub fn stray(from: SocketAddr, sent_to: SocketAddr, bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut shown: String = text.chars().take(40).collect();
    if shown.len() < text.len() {
        shown.push('…');
    }
    let shown = common::escape_control(&shown);
    format!(
        "忽略了来自 {from} 的数据报（不是 {sent_to} 发来的）：{shown} \
         / ignored a datagram from {from}, not from {sent_to}"
    )
}

/// 报告一个不是服务端发来的数据报：每秒最多几行，其余的最后汇总成一行。
///
/// Strays can come by the hundred a second (a student flooding the
/// client's port): [`common::output::repeated`] prints a few and counts
/// the rest.
pub fn ignore(from: SocketAddr, sent_to: SocketAddr, bytes: &[u8]) {
    common::output::repeated(
        ["忽略的数据报", "ignored datagrams"],
        stray(from, sent_to, bytes),
    );
}

/// 离 `deadline` 还剩多少时间；不到 1 毫秒就算已经到了（返回 None）。
///
/// One deadline for the whole wait, however many strays come: each
/// receive gets only what is left. Under a millisecond counts as none, as
/// a zero timeout is an error to `set_read_timeout`.
pub fn time_left(deadline: Instant) -> Option<Duration> {
    deadline
        .checked_duration_since(Instant::now())
        .filter(|left| *left >= Duration::from_millis(1))
}

/// 一个 UDP 数据报最多装多少字节：IPv4 是 65,507，IPv6 是 65,527。
pub fn datagram_max(peer: SocketAddr) -> usize {
    if peer.is_ipv4() { 65_507 } else { 65_527 }
}

/// A message too long for one UDP datagram, refused before sending.
pub fn too_long(len: usize, peer: SocketAddr) -> io::Error {
    let max = datagram_max(peer);
    explained(
        ErrorKind::InvalidInput,
        format!(
            "消息有 {len} 字节，超过一个 UDP 数据报的上限 {max} 字节，没有发送：请拆成几条"
        ),
        format!(
            "a message of {len} bytes exceeds the UDP limit of {max} bytes \
             for {peer}: not sent, split it"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr() -> SocketAddr {
        "127.0.0.1:10000".parse().unwrap()
    }

    #[test]
    fn replies_count_only_from_where_the_request_went() {
        let to: SocketAddr = "127.0.1.1:10000".parse().unwrap();
        let ok = |from: &str| is_reply_from(from.parse().unwrap(), to);
        assert!(ok("127.0.1.1:10000"));
        assert!(ok("127.0.0.1:10000"), "a server bound to 0.0.0.0");
        assert!(!ok("127.0.0.2:40000"));
        assert!(!ok("192.168.1.5:10000"));
        let lan: SocketAddr = "192.168.1.10:10000".parse().unwrap();
        assert!(!is_reply_from("192.168.1.11:10000".parse().unwrap(), lan));
    }

    #[test]
    fn a_stray_datagram_is_one_escaped_line() {
        let from = "127.0.0.2:5000".parse().unwrap();
        let text = stray(from, addr(), b"\x1b[2Jhello\n");
        assert_eq!(text.lines().count(), 1);
        assert!(text.contains("127.0.0.2:5000") && text.contains("\\x1b"));
        assert!(!text.contains('\x1b'));
    }

    #[test]
    fn time_left_ends_at_the_deadline() {
        let now = Instant::now();
        let left = time_left(now + Duration::from_secs(2)).unwrap();
        assert!(
            left <= Duration::from_secs(2) && left > Duration::from_secs(1)
        );
        assert_eq!(time_left(now), None);
        assert_eq!(time_left(now + Duration::from_micros(500)), None);
    }

    #[test]
    fn too_long_names_the_limit() {
        let text = explain::lines(&too_long(70_000, addr()));
        assert!(
            text.contains("65507 字节") || text.contains("65507"),
            "{text}"
        );
        assert_eq!(datagram_max("[::1]:1".parse().unwrap()), 65_527);
    }
}
