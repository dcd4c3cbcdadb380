//! Nothing one student does stops the class: output that never blocks a
//! server, a connection cap, timeouts, replies taken only from the server,
//! and no log floods. Each test is one "must hold" item; loopback only,
//! every loop bounded in count and time, every child killed on drop.

// Test code: a failed step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use chapter_tests::{
    LIMIT, REPLY, SESSION, Server, assert_clean, bin, program, run,
    served_within, tcp_session, threads,
};
use socket2::SockRef;

/// `2>&1 | head -1`: after the first line both stdout and stderr are a
/// closed pipe. Running out of descriptors and clients that reset make the
/// server write errors into it; it must go on serving.
#[cfg(unix)]
#[test]
fn closed_stdout_and_stderr_with_emfile_and_resets() {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(
            r#"ulimit -n 48 && exec 3>&1; "$0" --host 127.0.0.1 --port 0 --delay-ms 0 --max-clients 1000 2>&1 | head -n 1 >&3"#,
        )
        .arg(bin("tcp-server"));
    let mut server = Server::start_pipeline(cmd);
    for round in 0..3 {
        // More connections than descriptors: accept fails with EMFILE.
        let hogs: Vec<TcpStream> = (0..80)
            .filter_map(|_| {
                TcpStream::connect_timeout(&server.addr, SESSION).ok()
            })
            .collect();
        thread::sleep(Duration::from_millis(300));
        for hog in hogs {
            // SO_LINGER 0: the close is a reset.
            SockRef::from(&hog)
                .set_linger(Some(Duration::ZERO))
                .unwrap();
            let _ = (&hog).write_all(b"x");
        }
        // The server serves the next client once descriptors are free.
        served_within(server.addr, Duration::from_secs(10));
        assert!(server.process.is_running(), "round {round}");
    }
    assert_clean(&server.stderr());
}

fn hold(addr: SocketAddr, n: usize) -> Vec<TcpStream> {
    (0..n)
        .map(|i| {
            let mut s = TcpStream::connect_timeout(&addr, LIMIT).unwrap();
            s.set_read_timeout(Some(LIMIT)).unwrap();
            // A round trip: the server has surely taken this one in.
            let message = format!("idle{i}");
            s.write_all(message.as_bytes()).unwrap();
            let mut got = vec![0; REPLY.len() + message.len()];
            s.read_exact(&mut got).unwrap();
            s
        })
        .collect()
}

#[test]
fn the_51st_client_is_told_the_server_is_full() {
    let server = Server::chapter(
        "tcp-server",
        &["--delay-ms", "0", "--max-clients", "50"],
    );
    let held = hold(server.addr, 50);

    let start = Instant::now();
    let mut extra = TcpStream::connect_timeout(&server.addr, LIMIT).unwrap();
    extra
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut said = Vec::new();
    extra.read_to_end(&mut said).unwrap(); // ends: the server closed it
    let took = start.elapsed();
    let said = String::from_utf8(said).unwrap();
    assert_eq!(
        said,
        "服务端已满（50 个连接），请稍后再试 / server full (50 clients), try again later\n"
    );
    assert!(took < Duration::from_secs(1), "closed after {took:?}");
    let log = server
        .process
        .stderr
        .wait_for(LIMIT, |t| t.contains("server full"));
    assert!(log.contains("server full"), "{log}");

    drop(held);
    // Once the 50 have closed, a normal client is served again.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let mut cmd = program("tcp-client");
        cmd.args(server.target());
        let out = run(cmd, LIMIT);
        if out.status.success() && out.stdout.starts_with(REPLY) {
            break;
        }
        assert!(Instant::now() < deadline, "{out:?}");
        thread::sleep(Duration::from_millis(100));
    }
}

/// Under a small open-files limit the default cap is lowered to fit, and
/// the lines after the first say so.
#[cfg(target_os = "linux")]
#[test]
fn the_default_cap_fits_the_open_files_limit() {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(r#"ulimit -n 64 && exec "$0" --host 127.0.0.1 --port 0 --delay-ms 0"#)
        .arg(bin("tcp-server"));
    let server = Server::start(cmd);
    let log = server
        .process
        .stdout
        .wait_for(LIMIT, |t| t.contains("lowered"));
    assert!(
        log.contains("open-files limit 64: --max-clients lowered to 40"),
        "{log}"
    );
    let held = hold(server.addr, 40);
    let mut extra = TcpStream::connect_timeout(&server.addr, LIMIT).unwrap();
    extra
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut said = String::new();
    extra.read_to_string(&mut said).unwrap();
    assert!(said.contains("server full (40 clients)"), "{said}");
    drop(held);
    served_within(server.addr, Duration::from_secs(5));
}

#[test]
fn an_idle_connection_is_closed_and_a_talking_one_is_not() {
    let server = Server::chapter(
        "tcp-server",
        &["--delay-ms", "0", "--idle-timeout", "1"],
    );
    let talker = thread::spawn({
        let addr = server.addr;
        move || {
            let mut s = TcpStream::connect_timeout(&addr, LIMIT).unwrap();
            s.set_read_timeout(Some(LIMIT)).unwrap();
            for i in 0..8 {
                let message = format!("line{i}");
                s.write_all(message.as_bytes()).unwrap();
                let mut got = vec![0; REPLY.len() + message.len()];
                s.read_exact(&mut got).unwrap();
                thread::sleep(Duration::from_millis(500));
            }
        }
    });
    let start = Instant::now();
    let mut idle = TcpStream::connect_timeout(&server.addr, LIMIT).unwrap();
    idle.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut said = Vec::new();
    idle.read_to_end(&mut said).unwrap();
    let took = start.elapsed();
    let said = String::from_utf8(said).unwrap();
    assert!(took < Duration::from_secs(3), "closed after {took:?}");
    assert!(
        said.contains("1 秒没有收到数据") && said.contains("idle"),
        "{said}"
    );
    talker.join().expect("the talking client was cut");
    let log = server
        .process
        .stderr
        .wait_for(LIMIT, |t| t.contains("idle"));
    assert!(log.contains("idle"), "{log}");
}

/// A client that sends 10 MB and never reads: the replies fill its buffer,
/// the server's write times out and the connection's thread is gone.
#[cfg(target_os = "linux")]
#[test]
fn a_client_that_never_reads_frees_its_thread() {
    // The write timeout is 30 s, or the idle timeout when that is shorter.
    let server = Server::chapter(
        "tcp-server",
        &["--delay-ms", "0", "--quiet", "--idle-timeout", "2"],
    );
    let pid = server.process.id();
    tcp_session(server.addr, "warm-up", SESSION);
    thread::sleep(Duration::from_millis(300));
    let before = threads(pid).unwrap();

    let stream = TcpStream::connect_timeout(&server.addr, LIMIT).unwrap();
    stream
        .set_write_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let sender = thread::spawn(move || {
        let chunk = vec![b'x'; 64 * 1024];
        let mut sent = 0;
        while sent < 10 << 20 {
            match (&stream).write(&chunk) {
                Ok(n) => sent += n,
                Err(_) => break, // blocked, or reset by the server
            }
        }
        (stream, sent)
    });
    let start = Instant::now();
    let mut most = before;
    while start.elapsed() < Duration::from_secs(20) {
        let now = threads(pid).unwrap();
        most = most.max(now);
        if most > before && now <= before {
            break;
        }
        thread::sleep(Duration::from_millis(100));
    }
    let took = start.elapsed();
    assert!(most > before, "the connection never had a thread");
    assert!(
        threads(pid).unwrap() <= before,
        "still {} threads after {took:?}",
        threads(pid).unwrap()
    );
    // 2 s of write timeout, plus the time to fill the buffers, plus slack.
    assert!(took < Duration::from_secs(15), "{took:?}");
    let (_stream, sent) = sender.join().unwrap();
    eprintln!("sent {sent} bytes; thread gone after {took:?}");
    tcp_session(server.addr, "after", SESSION);
}

/// A server that accepts and never answers (what a class sees when the
/// server is out of descriptors or paused).
fn silent_server() -> (SocketAddr, thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    let handle = thread::spawn(move || {
        let mut held = Vec::new();
        let end = Instant::now() + Duration::from_secs(40);
        while Instant::now() < end && held.len() < 4 {
            match listener.accept() {
                Ok((s, _)) => held.push(s),
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    thread::sleep(Duration::from_millis(20));
                }
                Err(e) => panic!("{e}"),
            }
        }
        thread::sleep(Duration::from_secs(15).min(end - Instant::now()));
    });
    (addr, handle)
}

#[test]
fn tcp_client_gives_up_on_a_silent_server() {
    let (addr, _server) = silent_server();
    let port = addr.port().to_string();
    // With no option, the default: 10 s. Started first, and beside the
    // run with --timeout 2, so the test waits 10 s, not 12.
    let mut cmd = program("tcp-client");
    cmd.args(["--host", "127.0.0.1", "--port", &port]);
    let default = thread::spawn(move || run(cmd, LIMIT));

    let mut cmd = program("tcp-client");
    cmd.args(["--host", "127.0.0.1", "--port", &port, "--timeout", "2"]);
    let out = run(cmd, LIMIT);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(out.elapsed < Duration::from_secs(4), "{out:?}");
    assert!(out.stderr.contains(&format!("127.0.0.1:{port}")), "{out:?}");
    assert!(out.stderr.contains("Ctrl-S"), "{out:?}");
    assert_clean(&out.stderr);

    let out = default.join().unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(out.elapsed < Duration::from_secs(12), "{out:?}");
    assert!(out.elapsed >= Duration::from_secs(9), "{out:?}");
}

#[cfg(target_os = "linux")] // 127.0.0.2 is loopback without setup on Linux
#[test]
fn udp_client_takes_its_reply_only_from_the_server() {
    let fake = UdpSocket::bind("127.0.0.1:0").unwrap();
    fake.set_read_timeout(Some(LIMIT)).unwrap();
    let port = fake.local_addr().unwrap().port().to_string();
    let stranger = UdpSocket::bind("127.0.0.2:0").unwrap();
    let stranger_addr = stranger.local_addr().unwrap();
    let peer = thread::spawn(move || {
        for _ in 0..2 {
            let mut buf = [0; 1024];
            let (n, client) = fake.recv_from(&mut buf).unwrap();
            // Someone else answers first, with an escape sequence.
            stranger.send_to(b"\x1b[2Jfake", client).unwrap();
            thread::sleep(Duration::from_millis(100));
            let reply = [REPLY.as_bytes(), &buf[..n]].concat();
            fake.send_to(&reply, client).unwrap();
        }
    });
    let mut cmd = program("udp-client");
    cmd.args(["--host", "127.0.0.1", "--port", &port, "--delay-ms", "0"]);
    cmd.args(["--trace", "真的", "second"]);
    let out = run(cmd, LIMIT);
    peer.join().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(out.stdout, format!("{REPLY}真的\n{REPLY}second\n"));
    let stranger_ip = stranger_addr.to_string();
    let reports: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.contains(&stranger_ip) && !l.starts_with('←'))
        .collect();
    assert_eq!(reports.len(), 2, "{}", out.stderr);
    assert!(
        reports[0].contains("\\x1b") || reports[0].contains("\\u{1b}"),
        "{}",
        out.stderr
    );
    // --trace labels each datagram with where it really came from.
    assert!(
        out.stderr.contains(&format!("← {stranger_ip}")),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&format!("← 127.0.0.1:{port}")),
        "{}",
        out.stderr
    );
    assert_clean(&out.stderr);
}

#[test]
fn a_udp_message_over_the_limit_is_refused_before_sending() {
    let fake = UdpSocket::bind("127.0.0.1:0").unwrap();
    fake.set_nonblocking(true).unwrap();
    let port = fake.local_addr().unwrap().port().to_string();
    let big = "x".repeat(65_508);
    let mut cmd = program("udp-client");
    cmd.args(["--host", "127.0.0.1", "--port", &port, &big]);
    let out = run(cmd, LIMIT);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(out.stderr.contains("65507"), "{}", out.stderr);
    assert_eq!(out.stderr.lines().count(), 2, "{}", out.stderr);
    let mut buf = [0; 16];
    assert!(fake.recv_from(&mut buf).is_err(), "it was sent anyway");
}

#[test]
fn start_the_server_hints_repeat_host_and_port() {
    // A port nobody listens on: bind one, note it, close it.
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port().to_string()
    };
    let mut cmd = program("tcp-client");
    cmd.args(["--host", "127.0.0.1", "--port", &port]);
    let out = run(cmd, LIMIT);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let want =
        format!("cargo run -p tcp-server -- --host 127.0.0.1 --port {port}");
    assert!(out.stderr.contains(&want), "{}", out.stderr);

    let mut cmd = program("udp-client");
    cmd.args(["--host", "127.0.0.1", "--port", &port, "--timeout", "0.5"]);
    let out = run(cmd, LIMIT);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let want =
        format!("cargo run -p udp-server -- --host 127.0.0.1 --port {port}");
    assert!(out.stderr.contains(&want), "{}", out.stderr);
}
