//! UDP loss you can see: `udp-server --drop P` loses datagrams on purpose,
//! udp-client says it timed out, and the exercise's answer
//! (`udp-client/examples/retry.rs`) gets every reply through. Loopback only;
//! every `--drop` run has a `--seed`, so which datagrams are lost is the
//! same on every run.

// Test code: a failed step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::UdpSocket;
use std::process::Command;
use std::time::{Duration, Instant};

use chapter_tests::{
    LIMIT, Server, assert_clean, example, program, reply, run,
};

const DROPPED: &str = "（故意丢弃 ";

fn lossy_server(drop: &str, seed: &str, extra: &[&str]) -> Server {
    let mut args = vec!["--drop", drop, "--seed", seed];
    args.extend_from_slice(extra);
    Server::chapter("udp-server", &args)
}

fn against(mut cmd: Command, server: &Server, extra: &[&str]) -> Command {
    cmd.args(server.target());
    cmd.args(["--delay-ms", "0"]).args(extra);
    cmd
}

/// Waits (bounded) until the server has printed `count` drop lines.
fn drops(server: &Server, count: usize) -> String {
    server
        .process
        .stdout
        .wait_for(LIMIT, |t| t.matches(DROPPED).count() >= count)
}

#[test]
fn a_drop_is_printed_and_the_client_says_it_timed_out() {
    // Seed 53 at one half: the 1st datagram passes, the 2nd is lost.
    let server = lossy_server("0.5", "53", &[]);
    let cmd = program("udp-client");
    let out = run(against(cmd, &server, &["--timeout", "0.5"]), LIMIT);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(out.stdout, reply("123") + "\n", "{out:?}");
    assert_clean(&out.stderr);
    assert_eq!(out.stderr.lines().count(), 2, "{}", out.stderr);
    for part in [
        "超时：0.5 秒内没有收到",
        "UDP 不保证送达",
        "timed out: no answer",
        "within 0.5 s",
        "may be lost",
        "cargo run -p udp-server",
    ] {
        assert!(out.stderr.contains(part), "{part} in {}", out.stderr);
    }
    // The server says which datagram it lost, and answered only the other.
    let log = drops(&server, 1);
    let lost: Vec<&str> =
        log.lines().filter(|l| l.starts_with(DROPPED)).collect();
    assert_eq!(lost.len(), 1, "{log}");
    assert!(lost[0].contains("数据报 234，不回复"), "{log}");
    assert!(lost[0].contains("on purpose: no reply"), "{log}");
    assert!(log.contains("客户端数据 123\n"), "{log}");
    assert!(!log.contains("客户端数据 234"), "{log}");
    assert_clean(&log);
}

#[test]
fn the_retry_answer_gets_every_reply_through_the_loss() {
    let messages: Vec<String> = (1..=12).map(|i| format!("m{i}")).collect();
    let messages: Vec<&str> = messages.iter().map(String::as_str).collect();
    for (drop, seed) in [("0.5", "53"), ("0.5", "1"), ("0.3", "2")] {
        let server = lossy_server(drop, seed, &[]);
        let mut extra = vec!["--timeout", "0.3"];
        extra.extend_from_slice(&messages);
        let cmd = against(
            Command::new(example("udp-client", "retry")),
            &server,
            &extra,
        );
        let out = run(cmd, LIMIT);
        assert!(out.status.success(), "--drop {drop} --seed {seed}: {out:?}");
        assert_clean(&out.stdout);
        for m in &messages {
            let want = reply(m) + "\n";
            assert_eq!(out.stdout.matches(&want).count(), 1, "{m}: {out:?}");
        }
        // Every datagram the server dropped was sent again (a reply slower
        // than --timeout on a busy machine may add a retry, never lose
        // one). The server printed the last message before answering it.
        let log = server
            .process
            .stdout
            .wait_for(LIMIT, |t| t.contains("客户端数据 m12\n"));
        let dropped = log.matches(DROPPED).count();
        let retries = out.stdout.matches("重发").count();
        assert!(dropped > 0, "--seed {seed} dropped nothing:\n{log}");
        assert!(retries >= dropped, "{retries} < {dropped}: {out:?}\n{log}");
    }
}

#[test]
fn the_retry_answer_still_stops_when_no_server_is_there() {
    let gone = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = gone.local_addr().unwrap().port().to_string();
    // A socket that holds the port and never answers: every try times out.
    let mut cmd = Command::new(example("udp-client", "retry"));
    cmd.args(["--host", "127.0.0.1", "--port", &port, "--timeout", "0.1"]);
    cmd.arg("x");
    let start = Instant::now();
    let out = run(cmd, LIMIT);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(out.stdout.matches("重发").count(), 5, "{out:?}");
    assert!(out.stderr.contains("超时"), "{out:?}");
    assert!(start.elapsed() < Duration::from_secs(10));
    assert_clean(&out.stderr);
}

#[test]
fn the_fraction_dropped_is_the_one_asked_for() {
    // A line per drop (without --quiet; with it drops are only counted,
    // see adversary.rs).
    let server = lossy_server("0.25", "9", &[]);
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_millis(50)))
        .unwrap();
    let total = 400;
    let mut answered = 0;
    let end = Instant::now() + LIMIT;
    // In rounds of 20, so no socket buffer overflows and loses more. Each
    // datagram is either answered or printed as dropped: wait for one of
    // the two for every datagram, no guessing with timeouts.
    for round in 1..=total / 20 {
        for i in 0..20 {
            let message = format!("d{}", round * 20 + i);
            socket.send_to(message.as_bytes(), server.addr).unwrap();
        }
        let mut buf = [0; 256];
        while answered + server.stdout().matches(DROPPED).count() < round * 20 {
            assert!(Instant::now() < end, "answered {answered}");
            if socket.recv(&mut buf).is_ok() {
                answered += 1;
            }
        }
    }
    let log = server.stdout();
    let dropped = log.matches(DROPPED).count();
    assert_eq!(answered + dropped, total, "{log}");
    assert_eq!(log.matches("客户端数据").count(), answered, "{log}");
    let fraction = dropped as f64 / total as f64;
    assert!((0.18..0.32).contains(&fraction), "dropped {fraction}");
}

#[test]
fn drop_outside_zero_to_one_is_a_usage_error() {
    for bad in ["1", "1.0", "-0.1", "abc", "NaN", "0,5"] {
        let mut cmd = program("udp-server");
        cmd.args(["--host", "127.0.0.1", "--port", "0", "--drop", bad]);
        let out = run(cmd, LIMIT);
        assert_eq!(out.status.code(), Some(2), "{bad}: {out:?}");
        assert_eq!(out.stdout, "", "{bad}: {out:?}");
        assert!(out.stderr.contains("0 ≤ P < 1"), "{bad}: {}", out.stderr);
        assert!(out.stderr.contains(bad), "{bad}: {}", out.stderr);
        assert_clean(&out.stderr);
    }
    // Only the UDP server loses datagrams on purpose.
    let mut cmd = program("tcp-server");
    cmd.args(["--host", "127.0.0.1", "--port", "0", "--drop", "0.5"]);
    let out = run(cmd, LIMIT);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}
