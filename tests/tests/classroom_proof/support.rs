//! Helpers that classroom_proof.rs and load/classroom_proof.rs share.

// Test code: a failed step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use chapter_tests::REPLY;

/// Each session of the load tests must be answered within this.
pub const SESSION: Duration = Duration::from_secs(2);

pub fn tcp_session(
    addr: SocketAddr,
    message: &str,
    limit: Duration,
) -> Duration {
    try_session(addr, message, limit).unwrap_or_else(|e| panic!("{e}"))
}

/// Tries a session until one succeeds, for at most `deadline`.
pub fn served_within(addr: SocketAddr, deadline: Duration) -> Duration {
    let start = Instant::now();
    loop {
        match try_session(addr, "还在吗", SESSION) {
            Ok(_) => return start.elapsed(),
            Err(e) if start.elapsed() > deadline => {
                panic!("not served within {deadline:?}: {e}")
            }
            Err(_) => thread::sleep(Duration::from_millis(100)),
        }
    }
}

/// One session of the text's client: send, read the reply, send `end`.
/// Returns how long it took, or what went wrong; each step waits at most
/// `limit`.
pub fn try_session(
    addr: SocketAddr,
    message: &str,
    limit: Duration,
) -> Result<Duration, String> {
    let start = Instant::now();
    let mut stream = TcpStream::connect_timeout(&addr, limit)
        .map_err(|e| format!("connect {message}: {e}"))?;
    stream.set_read_timeout(Some(limit)).unwrap();
    stream
        .write_all(message.as_bytes())
        .map_err(|e| format!("send {message}: {e}"))?;
    let mut got = vec![0; REPLY.len() + message.len()];
    stream
        .read_exact(&mut got)
        .map_err(|e| format!("reply to {message}: {e}"))?;
    if got != format!("{REPLY}{message}").as_bytes() {
        return Err(format!("reply {:?}", String::from_utf8_lossy(&got)));
    }
    let _ = stream.write_all(b"end");
    Ok(start.elapsed())
}
