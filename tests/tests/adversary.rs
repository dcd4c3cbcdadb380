//! What a mischievous class sends: forged datagrams that would start an
//! endless echo loop, floods, clients that never read, strays. Each test
//! is loopback only, bounded in count and time, and measures what the
//! servers and clients still do; the figures are printed for the record.

// Test code: a failed step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{ErrorKind, Write};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, TcpStream, UdpSocket};
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use chapter_tests::{
    LIMIT, Server, assert_clean, bin, connect, cpu_seconds, reply, round_trip,
    run,
};
use socket2::{Domain, Protocol, SockAddr, Socket, Type};

mod support;
use support::*;

/// An IPv4 + UDP packet with any source address, for a raw socket with
/// `IP_HDRINCL`. Checksums are left 0: the kernel fills the IP one, and
/// UDP over IPv4 may go without.
fn forged_udp(from: SocketAddrV4, to: SocketAddrV4, payload: &[u8]) -> Vec<u8> {
    let udp_len = 8 + payload.len();
    let total = 20 + udp_len;
    let mut p = Vec::with_capacity(total);
    p.extend_from_slice(&[0x45, 0]);
    p.extend_from_slice(&(total as u16).to_be_bytes());
    p.extend_from_slice(&[0, 0, 0x40, 0, 64, 17, 0, 0]); // id, DF, ttl, UDP
    p.extend_from_slice(&from.ip().octets());
    p.extend_from_slice(&to.ip().octets());
    p.extend_from_slice(&from.port().to_be_bytes());
    p.extend_from_slice(&to.port().to_be_bytes());
    p.extend_from_slice(&(udp_len as u16).to_be_bytes());
    p.extend_from_slice(&[0, 0]);
    p.extend_from_slice(payload);
    p
}

fn v4(addr: SocketAddr) -> SocketAddrV4 {
    match addr {
        SocketAddr::V4(a) => a,
        SocketAddr::V6(_) => panic!("{addr} is not IPv4"),
    }
}

#[test]
fn a_forged_datagram_starts_no_echo_loop() {
    let raw = match Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::UDP))
        .and_then(|raw| raw.set_header_included_v4(true).map(|()| raw))
    {
        Ok(raw) => raw,
        Err(e) => {
            eprintln!("skipped: a raw socket with IP_HDRINCL needs root: {e}");
            return;
        }
    };
    let a = Server::chapter("udp-server", &[]);
    let b = Server::chapter("udp-server", &[]);
    let (a_addr, b_addr) = (v4(a.addr), v4(b.addr));
    let cpu_before = [a.process.id(), b.process.id()].map(cpu_seconds);
    let start = Instant::now();
    // From A to A: A would answer itself forever.
    let to_itself = forged_udp(a_addr, a_addr, "我是你自己".as_bytes());
    raw.send_to(&to_itself, &SockAddr::from(a.addr)).unwrap();
    // From B to A: A answers B, B would answer A, and so on forever.
    let ping_pong = forged_udp(b_addr, a_addr, "乒乓".as_bytes());
    raw.send_to(&ping_pong, &SockAddr::from(a.addr)).unwrap();

    // Both refusals are seen (events), then the rest of the 3 s window.
    let a_err = a
        .process
        .stderr
        .wait_for(LIMIT, |t| t.contains("own address"));
    assert!(a_err.contains("不回复"), "{a_err}");
    let b_err = b
        .process
        .stderr
        .wait_for(LIMIT, |t| t.contains("itself a reply"));
    assert!(b_err.contains("不回复"), "{b_err}");
    thread::sleep(Duration::from_secs(3).saturating_sub(start.elapsed()));

    for (name, server, before) in
        [("A", &a, cpu_before[0]), ("B", &b, cpu_before[1])]
    {
        let printed = lines(server);
        let cpu = cpu_seconds(server.process.id())
            .zip(before)
            .map(|(now, before)| now - before);
        eprintln!("server {name}: {printed} lines, {cpu:?} CPU-s in 3 s");
        assert!(printed < 60, "{name}: {printed} lines\n{}", server.stdout());
        if let Some(cpu) = cpu {
            assert!(cpu < 0.5, "{name}: {cpu} CPU-s");
        }
        assert_clean(&server.stdout());
        assert_clean(&server.stderr());
        // A client on loopback is still answered.
        assert!(answers(server.addr, "还在吗"), "{name} no longer answers");
    }
    // A answered B exactly once; B refused that reply.
    assert_eq!(
        a.stdout().matches("客户端数据 乒乓").count(),
        1,
        "{}",
        a.stdout()
    );
    assert!(!a.stdout().contains("我是你自己"), "{}", a.stdout());
}

/// Whether this machine can bind IPv6 loopback.
fn ipv6_available() -> bool {
    UdpSocket::bind("[::1]:0").is_ok()
}

#[test]
fn a_server_on_any_ipv6_address_answers_ipv4_clients() {
    if !ipv6_available() {
        eprintln!("skipped: IPv6 is not available on this machine");
        return;
    }
    let tcp =
        Server::chapter("tcp-server", &["--host", "::", "--delay-ms", "0"]);
    assert!(
        tcp.addr.ip().is_unspecified() && tcp.addr.is_ipv6(),
        "{}",
        tcp.addr
    );
    let v4 = SocketAddr::from((Ipv4Addr::LOCALHOST, tcp.addr.port()));
    let mut stream = connect(v4);
    assert_eq!(round_trip(&mut stream, "你好"), reply("你好"));
    // The LAN hint, printed after the first line, says so.
    let hint = "IPv4 和 IPv6 的客户端都能连";
    let out = tcp.process.stdout.wait_for(LIMIT, |t| t.contains(hint));
    assert!(out.contains(hint), "{out}");

    let udp = Server::chapter("udp-server", &["--host", "::"]);
    let v4 = SocketAddr::from((Ipv4Addr::LOCALHOST, udp.addr.port()));
    assert!(answers(v4, "你好"), "{}", udp.stderr());
    let hint = "IPv4 and IPv6 clients can both connect";
    let out = udp.process.stdout.wait_for(LIMIT, |t| t.contains(hint));
    assert!(out.contains(hint), "{out}");
}

/// The same on a system where a socket on `::` is IPv6-only unless the
/// program says otherwise, as on Windows: a network namespace of its own
/// with `net.ipv6.bindv6only=1` (this machine's setting is untouched), the
/// server started in it and the chapter's client run in it by `nsenter`.
#[cfg(target_os = "linux")]
#[test]
fn a_server_on_any_ipv6_address_is_dual_stack_where_v6_only_is_the_default() {
    let ready = Command::new("unshare")
        .args(["-n", "sh", "-c"])
        .arg("ip link set lo up && sysctl -qw net.ipv6.bindv6only=1")
        .status();
    if !ready.is_ok_and(|s| s.success()) {
        eprintln!(
            "skipped: needs root, unshare and sysctl for a network namespace"
        );
        return;
    }
    let pairs = [
        ("tcp-server", "--delay-ms 0", "tcp-client"),
        ("udp-server", "", "udp-client"),
    ];
    for (server, server_args, client) in pairs {
        let mut cmd = Command::new("unshare");
        cmd.args(["-n", "sh", "-c"])
            .arg(format!(
                "ip link set lo up && sysctl -qw net.ipv6.bindv6only=1 && \
                 exec \"$0\" --host :: --port 0 {server_args}"
            ))
            .arg(bin(server));
        let running = Server::start(cmd);
        let mut talk = Command::new("nsenter");
        talk.args(["-t", &running.process.id().to_string(), "-n"])
            .arg(bin(client))
            .args(["--host", "127.0.0.1", "--port", &running.port()])
            .args(["--timeout", "3", "你好"]);
        let done = run(talk, LIMIT);
        assert!(done.status.success(), "{server}: {done:?}");
        assert!(done.stdout.contains(&reply("你好")), "{server}: {done:?}");
    }
}

/// Sends to `server` without ever reading, until the server cuts the
/// connection off; returns how long that took from the connect, and how
/// long after the last byte the server still took.
fn flood_without_reading(server: &Server) -> (Duration, Duration) {
    let stream = TcpStream::connect_timeout(&server.addr, LIMIT).unwrap();
    stream
        .set_write_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let chunk = vec![b'x'; 64 * 1024];
    let start = Instant::now();
    let mut last_taken = start;
    loop {
        assert!(
            start.elapsed() < Duration::from_secs(40),
            "not cut off within 40 s\n{}",
            server.stderr()
        );
        match (&stream).write(&chunk) {
            Ok(_) => last_taken = Instant::now(),
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::WouldBlock | ErrorKind::TimedOut
                ) => {}
            // Reset or closed by the server: cut off.
            Err(_) => {
                let now = Instant::now();
                return (now - start, now - last_taken);
            }
        }
    }
}

#[test]
fn a_client_that_never_reads_is_cut_off_within_one_write_timeout() {
    // --idle-timeout 3: every reply waits 3 s at most in total (the default
    // is 30 s; the unit test of classroom::send_all proves that total).
    let server = Server::chapter(
        "tcp-server",
        &["--delay-ms", "0", "--quiet", "--idle-timeout", "3"],
    );
    let (took, stalled) = flood_without_reading(&server);
    eprintln!("cut off after {took:?}, {stalled:?} after its last byte");
    assert!(stalled <= Duration::from_millis(4500), "{stalled:?}");
    let log = server
        .process
        .stderr
        .wait_for(LIMIT, |t| t.contains("does not read its replies"));
    assert!(log.contains("一直不读回复"), "{log}");
    assert_clean(&log);
    // The server still serves.
    let mut stream = connect(server.addr);
    assert_eq!(round_trip(&mut stream, "还在吗"), reply("还在吗"));
}

#[test]
fn invisible_characters_a_client_sends_are_shown_escaped() {
    // Two messages that would print alike: "end" and "en<ZWSP>d".
    let sneaky = "en\u{200b}d\u{feff}\u{e0041}";
    let shown = r"en\u{200b}d\u{feff}\u{e0041}";
    let tcp = Server::chapter("tcp-server", &["--delay-ms", "0"]);
    let mut stream = connect(tcp.addr);
    assert_eq!(round_trip(&mut stream, sneaky), reply(sneaky));
    let out = tcp.process.stdout.wait_for(LIMIT, |t| t.contains(shown));
    assert!(out.contains(shown), "{out}");
    let udp = Server::chapter("udp-server", &[]);
    assert!(answers(udp.addr, sneaky));
    let out = udp.process.stdout.wait_for(LIMIT, |t| t.contains(shown));
    assert!(out.contains(shown), "{out}");
    for out in [tcp.stdout(), udp.stdout()] {
        assert!(
            !out.contains('\u{200b}') && !out.contains('\u{feff}'),
            "{out:?}"
        );
    }
}
