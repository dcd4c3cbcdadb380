//! Helpers that adversary.rs and load/adversary.rs share.

// Test code: a failed step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

use chapter_tests::{Server, reply};

/// Every line a server has printed, stdout and stderr.
pub fn lines(server: &Server) -> usize {
    server.stdout().lines().count() + server.stderr().lines().count()
}

/// Sends `message` to `server` from a fresh socket and waits for the reply.
pub fn answers(server: SocketAddr, message: &str) -> bool {
    let local = if server.is_ipv4() {
        "127.0.0.1:0"
    } else {
        "[::1]:0"
    };
    let soc = UdpSocket::bind(local).unwrap();
    soc.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    soc.send_to(message.as_bytes(), server).unwrap();
    let mut buf = [0; 2048];
    matches!(soc.recv_from(&mut buf),
        Ok((n, from)) if from == server && buf[..n] == *reply(message).as_bytes())
}
