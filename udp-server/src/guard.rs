//! 哪些数据报不回复：自己发给自己的、本协议的回复、同一来源来得太快的。
//!
//! UDP has no connection, so the source address of a datagram is whatever
//! its sender wrote into the packet. A student with root can forge it: a
//! datagram "from" this server's own address makes it answer itself, and
//! the answer is again a datagram from its own address, forever (the
//! classic echo loop: a full core and a line per round in no time). One
//! "from" a second echo server makes the two answer each other forever.
//!
//! Three rules break every such loop, cheapest first:
//!
//! * never answer this server's own address (its port, at one of this
//!   machine's addresses);
//! * never answer a datagram that is itself a reply of this protocol
//!   (starts with `服务端接收到数据：`): a real client never sends that, a
//!   second server of this chapter always does;
//! * at most [`RATE`] replies a second to one source address, after a burst
//!   of [`BURST`] (a token bucket each, in a table of at most
//!   [`MAX_SOURCES`]), for loops with any other kind of answering program.
//!
//! udp-client on loopback is still answered: only the server's own address
//! is refused, not 127.0.0.1 as such.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

/// What this protocol's replies start with (the text's
/// `'服务端接收到数据：%s'`).
pub const REPLY_PREFIX: &str = "服务端接收到数据：";

/// Replies one source may receive in a burst. Generous: a client that waits
/// for each reply on loopback does a few thousand round trips a second.
pub const BURST: f64 = 5000.0;

/// Replies per second one source may receive after its burst.
pub const RATE: f64 = 2000.0;

/// How many source addresses the table remembers. Forged sources are free,
/// so the table is bounded; when it is full, sources idle for a second are
/// forgotten (their bucket would be full again by then anyway).
pub const MAX_SOURCES: usize = 4096;

/// 为什么不回复这个数据报。
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    /// The source is this server's own address.
    OwnAddress,
    /// The datagram is a reply of this protocol.
    AReply,
    /// The source had too many replies in too short a time.
    TooFast,
}

impl Refused {
    /// 这一类“不回复”的名字（成批时按它汇总）。
    ///
    /// The kind of line, for [`common::output::repeated`].
    pub fn kind(self) -> [&'static str; 2] {
        match self {
            Refused::OwnAddress => ["来自自己的地址", "from own address"],
            Refused::AReply => ["本身是回复", "itself a reply"],
            Refused::TooFast => ["来得太快", "too fast"],
        }
    }

    /// 不回复时打印的一行（中文在前）。
    pub fn line(self, from: SocketAddr) -> String {
        match self {
            Refused::OwnAddress => format!(
                "不回复：{from} 是本服务端自己的地址（伪造的来源），回复会发给\
                 自己、没完没了 / not answered: {from} is this server's own \
                 address (a forged source); answering would loop forever"
            ),
            Refused::AReply => format!(
                "不回复：{from} 发来的本身是一条回复（以“{REPLY_PREFIX}”开头），\
                 两个服务端会互相回复下去 / not answered: the datagram from \
                 {from} is itself a reply; two servers would answer each \
                 other forever"
            ),
            Refused::TooFast => format!(
                "不回复：{from} 每秒超过 {RATE} 个数据报，暂停回复它 / not \
                 answered: {from} sends more than {RATE} datagrams a second"
            ),
        }
    }
}

/// 决定每个数据报回不回复（见本文件开头的三条规则）。
pub struct Guard {
    bound: SocketAddr,
    /// This machine's addresses (with `bound`'s port they are "itself").
    local: Vec<IpAddr>,
    buckets: HashMap<SocketAddr, Bucket>,
}

#[derive(Clone, Copy)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

impl Guard {
    /// 服务端绑定在 `bound`，本机的地址是 `local`。
    ///
    /// A guard for a server bound to `bound` on a machine with the
    /// addresses `local`.
    pub fn new(bound: SocketAddr, local: Vec<IpAddr>) -> Self {
        Guard {
            bound,
            local,
            buckets: HashMap::new(),
        }
    }

    /// 回不回复 `from` 发来的 `data`；回复的话记在它的账上。
    ///
    /// Whether to answer `data` from `from`, at `now`; counts the reply.
    pub fn check(
        &mut self,
        from: SocketAddr,
        data: &[u8],
        now: Instant,
    ) -> Result<(), Refused> {
        if self.is_own(from) {
            return Err(Refused::OwnAddress);
        }
        if data.starts_with(REPLY_PREFIX.as_bytes()) {
            return Err(Refused::AReply);
        }
        self.take_token(from, now)
    }

    fn is_own(&self, from: SocketAddr) -> bool {
        if from.port() != self.bound.port() {
            return false;
        }
        // A server on `::` sees IPv4 sources as ::ffff:a.b.c.d.
        let ip = from.ip().to_canonical();
        ip.is_loopback()
            || ip.is_unspecified()
            || ip == self.bound.ip().to_canonical()
            || self.local.iter().any(|l| l.to_canonical() == ip)
    }

    fn take_token(
        &mut self,
        from: SocketAddr,
        now: Instant,
    ) -> Result<(), Refused> {
        if self.buckets.len() >= MAX_SOURCES
            && !self.buckets.contains_key(&from)
        {
            self.forget_idle(now);
        }
        let bucket = self.buckets.entry(from).or_insert(Bucket {
            tokens: BURST,
            last: now,
        });
        let waited = now.saturating_duration_since(bucket.last);
        bucket.tokens =
            (bucket.tokens + waited.as_secs_f64() * RATE).min(BURST);
        bucket.last = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Refused::TooFast)
        }
    }

    /// Makes room in a full table: forgets sources idle for a second, or,
    /// if every one is busy (a flood of forged sources), all of them: a
    /// forgotten source only gets a fresh burst, and clearing costs O(1) a
    /// datagram spread over the next [`MAX_SOURCES`].
    fn forget_idle(&mut self, now: Instant) {
        let idle = Duration::from_secs(1);
        self.buckets
            .retain(|_, b| now.saturating_duration_since(b.last) < idle);
        if self.buckets.len() >= MAX_SOURCES {
            self.buckets.clear();
        }
    }

    /// How many sources the table holds now.
    #[cfg(test)]
    fn sources(&self) -> usize {
        self.buckets.len()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn at(addr: &str) -> SocketAddr {
        addr.parse().unwrap()
    }

    fn guard(bound: &str) -> Guard {
        Guard::new(at(bound), vec!["192.168.1.10".parse().unwrap()])
    }

    #[test]
    fn its_own_address_is_refused_at_every_address_of_the_machine() {
        let now = Instant::now();
        let mut g = guard("0.0.0.0:10000");
        for own in [
            "127.0.0.1:10000",
            "127.0.1.1:10000",
            "192.168.1.10:10000",
            "0.0.0.0:10000",
            "[::ffff:127.0.0.1]:10000",
            "[::1]:10000",
        ] {
            assert_eq!(g.check(at(own), b"x", now), Err(Refused::OwnAddress));
        }
        let mut v6 = guard("[::]:4000");
        let mapped = at("[::ffff:192.168.1.10]:4000");
        assert_eq!(v6.check(mapped, b"x", now), Err(Refused::OwnAddress));
    }

    #[test]
    fn a_client_on_loopback_and_another_machine_are_answered() {
        let now = Instant::now();
        let mut g = guard("127.0.0.1:10000");
        for client in [
            "127.0.0.1:50000",
            "127.0.0.1:10001",
            "192.168.1.20:10000", // another machine, same port: not us
            "[::1]:50000",
        ] {
            assert_eq!(g.check(at(client), b"123", now), Ok(()), "{client}");
        }
    }

    #[test]
    fn a_reply_of_this_protocol_is_refused() {
        let now = Instant::now();
        let mut g = guard("127.0.0.1:10000");
        let reply = format!("{REPLY_PREFIX}123");
        let from = at("127.0.0.1:40000");
        assert_eq!(g.check(from, reply.as_bytes(), now), Err(Refused::AReply));
        // The prefix alone, anywhere but at the start, is a message.
        let quoted = format!("他说 {REPLY_PREFIX}");
        assert_eq!(g.check(from, quoted.as_bytes(), now), Ok(()));
    }

    #[test]
    fn one_source_gets_its_burst_then_the_rate() {
        let t0 = Instant::now();
        let mut g = guard("127.0.0.1:10000");
        let from = at("127.0.0.1:40000");
        let answered = |g: &mut Guard, n: usize, now: Instant| {
            (0..n).filter(|_| g.check(from, b"m", now).is_ok()).count()
        };
        assert_eq!(answered(&mut g, 10_000, t0), BURST as usize);
        // Half a second later: half a second's worth, no more.
        let later = t0 + Duration::from_millis(500);
        assert_eq!(answered(&mut g, 10_000, later), (RATE / 2.0) as usize);
        // Another source is not held back by the first.
        let other = at("127.0.0.1:40001");
        assert_eq!(g.check(other, b"m", later), Ok(()));
        // A long pause refills the bucket, up to the burst only.
        let much_later = t0 + Duration::from_secs(60);
        assert_eq!(answered(&mut g, 10_000, much_later), BURST as usize);
    }

    #[test]
    fn the_table_stays_bounded_under_forged_sources() {
        let t0 = Instant::now();
        let mut g = guard("127.0.0.1:10000");
        for i in 0..50_000u32 {
            let ip = std::net::Ipv4Addr::from(0x0a00_0000 + i);
            let from = SocketAddr::new(ip.into(), 5000);
            let now = t0 + Duration::from_micros(u64::from(i));
            assert_eq!(g.check(from, b"m", now), Ok(()));
            assert!(g.sources() <= MAX_SOURCES);
        }
    }

    #[test]
    fn every_refusal_says_why_in_both_languages() {
        let from = at("127.0.0.1:10000");
        for why in [Refused::OwnAddress, Refused::AReply, Refused::TooFast] {
            let line = why.line(from);
            assert!(line.starts_with("不回复："), "{line}");
            assert!(line.contains("not answered"), "{line}");
            assert!(line.contains("127.0.0.1:10000"), "{line}");
            assert!(why.kind().iter().all(|half| !half.is_empty()));
        }
    }
}
