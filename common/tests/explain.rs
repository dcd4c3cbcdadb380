//! Error explanations through the public API: two lines, Chinese first,
//! naming the address and the fix.

// Test code: a failed step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{self, ErrorKind};
use std::net::SocketAddr;

use common::explain::{bind, connect, lines, talk};

fn addr() -> SocketAddr {
    "127.0.0.1:10000".parse().unwrap()
}

#[test]
fn refused_names_address_and_fix() {
    let start = "cargo run -p tcp-server";
    let err = connect(ErrorKind::ConnectionRefused.into(), addr(), start);
    let text = lines(&err);
    assert_eq!(text.lines().count(), 2);
    assert!(text.contains("127.0.0.1:10000"));
    assert!(text.contains("cargo run -p tcp-server"));
    assert_eq!(err.kind(), ErrorKind::ConnectionRefused);
}

#[test]
fn a_read_timeout_names_the_likely_causes() {
    let text = lines(&talk(ErrorKind::WouldBlock.into(), addr()));
    for cause in ["127.0.0.1:10000", "已满", "Ctrl-S", "--delay-ms"] {
        assert!(text.contains(cause), "{cause}: {text}");
    }
}

#[test]
fn busy_port_names_the_port() {
    let text = lines(&bind(ErrorKind::AddrInUse.into(), addr()));
    assert!(text.contains("端口 10000"));
    assert!(text.contains("already in use"));
}

#[test]
fn unexplained_errors_still_get_two_lines() {
    let text = lines(&io::Error::other("boom"));
    assert_eq!(text, "出错了：boom\nerror: boom");
}
