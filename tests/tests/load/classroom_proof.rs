//! The load half of classroom_proof.rs: 3,000 sessions and datagrams with
//! stdout unread, a terminal paused with Ctrl-S, a connection flood, a
//! burst of resets. Each holds `heavy()`.

// Test code: a failed step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use chapter_tests::{
    LIMIT, REPLY, Running, SESSION, Server, UnreadServer, assert_clean, bin,
    heavy, python, run, served_within, tcp_session,
};
use socket2::SockRef;

#[test]
fn tcp_server_with_stdout_unread_answers_3000_sessions() {
    let _heavy = heavy();
    for quiet in [false, true] {
        let args: &[&str] = if quiet {
            &["--delay-ms", "0", "--quiet"]
        } else {
            &["--delay-ms", "0"]
        };
        let server = unread("tcp-server", args);
        let worst = sequential_sessions(server.addr, 3000);
        eprintln!("quiet={quiet}: worst session {worst:?}");
    }
}

#[test]
fn udp_server_with_stdout_unread_answers_3000_datagrams() {
    let _heavy = heavy();
    let server = unread("udp-server", &[]);
    let soc = UdpSocket::bind("127.0.0.1:0").unwrap();
    soc.set_read_timeout(Some(SESSION)).unwrap();
    let mut buf = [0; 2048];
    for i in 0..3000 {
        let message = format!("数据报{i}");
        let start = Instant::now();
        soc.send_to(message.as_bytes(), server.addr).unwrap();
        let (n, from) = soc
            .recv_from(&mut buf)
            .unwrap_or_else(|e| panic!("datagram {i} unanswered: {e}"));
        assert_eq!(from, server.addr);
        assert_eq!(&buf[..n], format!("{REPLY}{message}").as_bytes());
        assert!(start.elapsed() <= SESSION);
    }
}

/// Ctrl-S in the instructor's terminal pauses its output; the class must
/// go on being served, and after Ctrl-Q a note says what was left out.
#[cfg(unix)]
#[test]
fn a_terminal_paused_with_ctrl_s_stops_no_client() {
    let _heavy = heavy();
    let mut cmd = python("xoff.py");
    cmd.arg(bin("tcp-server")).arg("600");
    let mut driver = Running::spawn_pipeline(cmd);
    let (status, _) = driver.wait(Duration::from_secs(120));
    let out = driver.stdout.text();
    assert!(status.success(), "{out}\n{}", driver.stderr.text());
    assert!(out.contains("answered 600\n"), "{out}");
    let note = out
        .lines()
        .find(|l| l.starts_with("screen:"))
        .unwrap_or_else(|| panic!("no skipped-lines note:\n{out}"));
    assert!(
        note.contains("……省略了 ") && note.contains(" 行输出 / "),
        "{note}"
    );
    eprintln!("{}", out.trim());
}

/// A flood of connections, as many as this side can open under the raised
/// open-files limit: the server never has more than --max-clients threads,
/// so it never dies, and it serves again as soon as the flood is over.
#[cfg(target_os = "linux")]
#[test]
fn a_connection_flood_never_kills_the_server() {
    let _heavy = heavy();
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(concat!(
            r#"h=$(ulimit -Hn); [ "$h" = unlimited ] && h=65536; "#,
            r#"ulimit -n "$h" && exec "$0" --host 127.0.0.1 --port 0 --delay-ms 0"#
        ))
        .arg(bin("tcp-server"));
    let mut server = Server::start(cmd);
    let mut flood = python("flood.py");
    flood.args([server.host(), server.port(), "25".into()]);
    let flooded = run(flood, Duration::from_secs(60));
    assert!(flooded.status.success(), "{flooded:?}");
    let opened: usize = flooded
        .stdout
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{flooded:?}"));
    assert!(server.process.is_running(), "the flood killed the server");
    eprintln!("flood: {}", flooded.stdout.trim());
    assert!(opened > 0, "{flooded:?}");

    let took = served_within(server.addr, Duration::from_secs(5));
    eprintln!("served {took:?} after the flood closed");
    assert!(server.process.is_running());
    let stderr = server.stderr();
    assert_clean(&stderr);
    // More than the cap (1000, or less when lowered to fit the open-files
    // limit) were opened: the rest were turned away.
    assert!(stderr.contains("server full"), "{stderr}");
}

#[test]
fn a_burst_of_1000_resets_is_a_few_lines() {
    let heavy_part = heavy();
    let server = Server::chapter("tcp-server", &["--delay-ms", "0"]);
    for _ in 0..1000 {
        let stream = TcpStream::connect_timeout(&server.addr, LIMIT).unwrap();
        SockRef::from(&stream)
            .set_linger(Some(Duration::ZERO))
            .unwrap();
        let _ = (&stream).write_all(b"bye");
        drop(stream); // SO_LINGER 0: close sends RST
    }
    // The burst is over: the rest only waits for the server's summary.
    drop(heavy_part);
    server
        .process
        .stderr
        .wait_for(LIMIT, |t| t.contains("more like this"));
    // The summary comes once the burst is over; give stragglers a moment.
    thread::sleep(Duration::from_millis(1500));
    let stderr = server.stderr();
    let lines = stderr.lines().count();
    assert!(stderr.contains("more like this"), "{stderr}");
    assert!(lines <= 20, "{lines} lines:\n{stderr}");
    assert_clean(&stderr);
    eprintln!("1000 resets: {lines} stderr lines");
    tcp_session(server.addr, "还好", SESSION);
}

fn sequential_sessions(addr: SocketAddr, n: usize) -> Duration {
    let mut worst = Duration::ZERO;
    for i in 0..n {
        let took = tcp_session(addr, &format!("第{i}次"), SESSION);
        assert!(took <= SESSION, "session {i} took {took:?}");
        worst = worst.max(took);
    }
    worst
}

/// A chapter server on 127.0.0.1 with its stdout a pipe nobody reads
/// after the first line.
fn unread(name: &str, args: &[&str]) -> UnreadServer {
    let args = ["--host 127.0.0.1 --port 0"].iter().chain(args);
    let args: Vec<&str> = args.copied().collect();
    UnreadServer::start(Command::new(bin(name)), &args.join(" "))
}
