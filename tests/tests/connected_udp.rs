//! `cargo run -p udp-client --example connected`: a UDP socket that
//! `connect()`s talks with send/recv, takes datagrams only from the address
//! it connected to, and on Linux hears of a closed port (ConnectionRefused)
//! where an unconnected socket only times out. All on 127.0.0.1.

// Test code: a failed step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::ErrorKind;
use std::net::UdpSocket;
use std::process::Command;
use std::time::Duration;

use chapter_tests::{
    LIMIT, Running, Server, assert_clean, example, program, run,
};

fn connected() -> Command {
    let mut cmd = Command::new(example("udp-client", "connected"));
    cmd.env("RUST_BACKTRACE", "1");
    cmd
}

/// A UDP port on 127.0.0.1 that nothing listens on (bound, then closed).
fn closed_port() -> String {
    let soc = UdpSocket::bind("127.0.0.1:0").unwrap();
    soc.local_addr().unwrap().to_string()
}

#[test]
fn talks_to_udp_server_with_send_and_recv() {
    let mut cmd = program("udp-server");
    cmd.args(["--host", "127.0.0.1", "--port", "0"]);
    let server = Server::start(cmd);
    let mut cmd = connected();
    cmd.args([&server.addr.to_string(), "123", "数据报"]);
    let done = run(cmd, LIMIT);
    assert!(done.status.success(), "{done:?}");
    assert!(
        done.stdout.contains("\n服务端接收到数据：123\n"),
        "{}",
        done.stdout
    );
    assert!(
        done.stdout.ends_with("\n服务端接收到数据：数据报\n"),
        "{}",
        done.stdout
    );
}

#[test]
fn a_closed_port_is_reported_as_refused_on_linux() {
    if !cfg!(target_os = "linux") {
        eprintln!("skipped: the refusal is checked on Linux only");
        return;
    }
    let target = closed_port();
    let mut cmd = connected();
    cmd.arg(&target);
    let done = run(cmd, LIMIT);
    assert_eq!(done.status.code(), Some(1), "{done:?}");
    assert!(done.stderr.contains("拒绝了"), "{}", done.stderr);
    assert!(done.stderr.contains("refused"), "{}", done.stderr);
    // At once, not after the 5 s a lost datagram waits.
    assert!(done.elapsed < Duration::from_secs(4), "{:?}", done.elapsed);
    assert_eq!(done.stderr.lines().count(), 2, "{}", done.stderr);
    assert_clean(&done.stderr);

    // The same datagram from an unconnected socket: no error, only silence.
    let soc = UdpSocket::bind("127.0.0.1:0").unwrap();
    soc.set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    soc.send_to(b"123", &target).unwrap();
    let err = soc.recv_from(&mut [0; 64]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WouldBlock, "{err}");
}

#[test]
fn datagrams_from_another_address_are_not_delivered() {
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    peer.set_read_timeout(Some(LIMIT)).unwrap();
    let stranger = UdpSocket::bind("127.0.0.1:0").unwrap();
    let mut cmd = connected();
    cmd.args([&peer.local_addr().unwrap().to_string(), "你好"]);
    let mut client = Running::spawn(cmd);
    let mut buf = [0; 64];
    let (n, from) = peer.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], "你好".as_bytes());
    // A stranger writes first; the kernel drops it for the connected
    // socket, which takes only the reply from the address it connected to.
    stranger.send_to("陌生人".as_bytes(), from).unwrap();
    peer.send_to("服务端接收到数据：你好".as_bytes(), from)
        .unwrap();
    let (status, _) = client.wait(LIMIT);
    assert!(status.success(), "{}", client.stderr.text());
    let out = client.stdout.text();
    assert!(out.ends_with("\n服务端接收到数据：你好\n"), "{out}");
    assert!(!out.contains("陌生人"), "{out}");
}
