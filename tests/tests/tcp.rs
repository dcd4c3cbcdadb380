//! 15.2: tcp-client and tcp-server, against each other and against Python
//! peers that behave as the text's programs. Loopback only, `--port 0`.

// Test code: a failed step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use chapter_tests::{
    DEMO, LIMIT, REPLY, Server, assert_clean, client_of, connect, hex, program,
    python, read_exactly, round_trip, run,
};
use socket2::SockRef;

fn rust_server(extra: &[&str]) -> Server {
    let mut args = vec!["--delay-ms", "0"];
    args.extend_from_slice(extra);
    Server::chapter("tcp-server", &args)
}

fn client(server: &Server, extra: &[&str]) -> chapter_tests::Finished {
    client_of("tcp-client", server, extra)
}

#[test]
fn rust_client_sends_the_texts_bytes_to_a_python_server() {
    let server = Server::start(python("tcp_server.py"));
    let out = client(&server, &[]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(out.stdout, format!("{REPLY}{DEMO}\n"));
    let log = server
        .process
        .stdout
        .wait_for(LIMIT, |text| text.contains("done"));
    let received: Vec<&str> = log
        .lines()
        .filter_map(|line| line.strip_prefix("recv "))
        .collect();
    // Exactly the text's two sends, then the close (an empty recv is not
    // logged, the server stops at `end`).
    assert_eq!(received, [hex(DEMO.as_bytes()), hex(b"end")], "{log}");
}

#[test]
fn python_client_gets_the_texts_reply_from_the_rust_server() {
    let server = rust_server(&[]);
    let mut cmd = python("tcp_client.py");
    cmd.args([server.host(), server.port()]);
    let out = run(cmd, LIMIT);
    assert!(out.status.success(), "{out:?}");
    let expected = format!("{REPLY}{DEMO}");
    assert_eq!(
        out.stdout,
        format!("{expected}\nhex {}\n", hex(expected.as_bytes()))
    );
    let log = server
        .process
        .stdout
        .wait_for(LIMIT, |text| text.contains("服务端处理完成"));
    assert!(log.contains("接受到: 127.0.0.1:"), "{log}");
    assert!(log.contains("<&[u8]> 24 字节\n"), "{log}");
    assert!(log.contains(&format!("<String> {DEMO}\n")), "{log}");
}

#[test]
fn rust_client_and_server_with_given_messages() {
    let server = rust_server(&[]);
    let out = client(&server, &["你好", "second one"]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        out.stdout,
        format!("{REPLY}你好\n{REPLY}second one\n"),
        "{out:?}"
    );
    assert_clean(&out.stderr);
}

#[test]
fn ipv6_loopback_works_for_both() {
    let server = rust_server(&["--host", "::1"]);
    assert_eq!(server.addr.ip().to_string(), "::1");
    let out = client(&server, &[]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(out.stdout, format!("{REPLY}{DEMO}\n"));
    assert!(server.stdout().starts_with("TCP"));
    let first = server.stdout().lines().next().unwrap().to_string();
    assert!(
        first.ends_with(&format!("[::1]:{}", server.port())),
        "{first}"
    );
}

#[test]
fn a_character_split_at_1024_bytes_comes_back_whole() {
    let server = rust_server(&[]);
    let mut stream = connect(server.addr);
    let message = format!("{}中文", "a".repeat(1023));
    stream.write_all(message.as_bytes()).unwrap();
    // The server answers each recv(1024) on its own; collect the answers
    // until the whole message is back.
    let mut body = String::new();
    let mut raw = Vec::new();
    let deadline = Instant::now() + LIMIT;
    while body.len() < message.len() && Instant::now() < deadline {
        let mut buf = [0; 4096];
        let n = stream.read(&mut buf).unwrap();
        assert!(n > 0, "server closed early");
        raw.extend_from_slice(&buf[..n]);
        body = String::from_utf8(raw.clone())
            .map(|text| text.replace(REPLY, ""))
            .unwrap_or_default();
    }
    assert!(!body.contains('\u{fffd}'), "{body}");
    assert_eq!(body, message);
}

#[test]
fn invalid_utf8_is_answered_and_the_server_goes_on() {
    let server = rust_server(&[]);
    let mut bad = connect(server.addr);
    bad.write_all(b"ok \xff\xfe end?").unwrap();
    let want = REPLY.len() + "ok \u{fffd}\u{fffd} end?".len();
    let reply = String::from_utf8(read_exactly(&mut bad, want)).unwrap();
    assert_eq!(reply, format!("{REPLY}ok \u{fffd}\u{fffd} end?"));
    // Another client is served while the first is still open.
    let out = client(&server, &[]);
    assert!(out.status.success(), "{out:?}");
    assert_clean(&server.stderr());
}

#[test]
fn control_characters_never_reach_the_servers_stdout_raw() {
    let server = rust_server(&[]);
    let mut stream = connect(server.addr);
    let sneaky = "\x1b[2J\x1b]0;pwned\x07\r\nhi";
    let reply = round_trip(&mut stream, sneaky);
    // The reply is byte for byte what the text's server would send ...
    assert_eq!(reply, format!("{REPLY}{sneaky}"));
    // ... but the terminal only ever sees it escaped.
    let log = server
        .process
        .stdout
        .wait_for(LIMIT, |text| text.contains("hi\n"));
    assert!(
        log.contains(r"<String> \x1b[2J\x1b]0;pwned\x07\r\nhi"),
        "{log}"
    );
    assert_clean(&log);
}

#[test]
fn end_with_a_newline_from_nc_ends_the_session() {
    let server = rust_server(&[]);
    let mut stream = connect(server.addr);
    assert_eq!(
        round_trip(&mut stream, "hello\n"),
        format!("{REPLY}hello\n")
    );
    stream.write_all(b"end\r\n").unwrap();
    // The server closes its side: the next read sees end of stream.
    let mut buf = [0; 16];
    assert_eq!(stream.read(&mut buf).unwrap(), 0);
    let log = server
        .process
        .stdout
        .wait_for(LIMIT, |text| text.contains("服务端处理完成"));
    assert!(log.contains("服务端处理完成"), "{log}");
}

#[test]
fn clients_that_reset_do_not_hurt_the_server() {
    let server = rust_server(&[]);
    for _ in 0..20 {
        let stream = connect(server.addr);
        SockRef::from(&stream)
            .set_linger(Some(Duration::ZERO))
            .unwrap();
        (&stream).write_all(b"bye").unwrap();
        drop(stream); // SO_LINGER 0: close sends RST instead of FIN
    }
    let out = client(&server, &[]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(out.stdout, format!("{REPLY}{DEMO}\n"));
    let mut server = server;
    assert!(server.process.is_running());
    let stderr = server.stderr();
    assert_clean(&stderr);
    // At most one line per reset client.
    assert!(stderr.lines().count() <= 20, "{stderr}");
}

#[test]
fn two_hundred_idle_connections_do_not_block_the_next_client() {
    let server = rust_server(&[]);
    let idle: Vec<TcpStream> = (0..200).map(|_| connect(server.addr)).collect();
    let out = client(&server, &[]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(out.stdout, format!("{REPLY}{DEMO}\n"));
    drop(idle);
}

#[test]
fn three_hundred_concurrent_clients_five_round_trips_each() {
    let server = rust_server(&[]);
    let addr = server.addr;
    let workers: Vec<_> = (0..300)
        .map(|i| {
            thread::spawn(move || -> Result<(), String> {
                let mut stream = TcpStream::connect_timeout(&addr, LIMIT)
                    .map_err(|e| format!("connect {i}: {e}"))?;
                stream.set_read_timeout(Some(LIMIT)).unwrap();
                for j in 0..5 {
                    let message = format!("客户端 {i} 第 {j} 条");
                    stream
                        .write_all(message.as_bytes())
                        .map_err(|e| format!("send {i}/{j}: {e}"))?;
                    let mut got = vec![0; REPLY.len() + message.len()];
                    stream
                        .read_exact(&mut got)
                        .map_err(|e| format!("recv {i}/{j}: {e}"))?;
                    if got != format!("{REPLY}{message}").as_bytes() {
                        return Err(format!("wrong reply {i}/{j}"));
                    }
                }
                stream.write_all(b"end").map_err(|e| e.to_string())?;
                stream.shutdown(Shutdown::Write).ok();
                Ok(())
            })
        })
        .collect();
    let failures: Vec<String> = workers
        .into_iter()
        .filter_map(|w| w.join().unwrap().err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} failed: {failures:?}",
        failures.len()
    );
}

#[test]
fn ten_clients_with_the_texts_one_second_delay_overlap() {
    // Default --delay-ms 1000: one client takes about a second. Served one
    // after another, ten would take ten; threads make it about one.
    let server = Server::chapter("tcp-server", &[]);
    let start = Instant::now();
    let clients: Vec<_> = (0..10)
        .map(|_| {
            let (host, port) = (server.host(), server.port());
            thread::spawn(move || {
                let mut cmd = program("tcp-client");
                cmd.args(["--host", &host, "--port", &port]);
                run(cmd, LIMIT)
            })
        })
        .collect();
    for c in clients {
        let out = c.join().unwrap();
        assert!(out.status.success(), "{out:?}");
        assert_eq!(out.stdout, format!("{REPLY}{DEMO}\n"));
    }
    let elapsed = start.elapsed();
    assert!(elapsed < Duration::from_secs(4), "took {elapsed:?}");
}

#[test]
fn restarting_on_the_same_port_right_after_serving_works() {
    let server = rust_server(&[]);
    let port = server.port();
    // A finished session leaves the port in TIME_WAIT on the server side.
    let out = client(&server, &[]);
    assert!(out.status.success(), "{out:?}");
    server
        .process
        .stdout
        .wait_for(LIMIT, |text| text.contains("服务端处理完成"));
    drop(server);
    let again = rust_server(&["--port", &port]);
    assert_eq!(again.port(), port);
    let out = client(&again, &[]);
    assert!(out.status.success(), "{out:?}");
}

#[test]
fn a_second_server_on_a_busy_port_exits_1_naming_the_port() {
    let server = rust_server(&[]);
    let mut cmd = program("tcp-server");
    cmd.args(server.target());
    let out = run(cmd, LIMIT);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(out.stderr.contains(&server.port()), "{}", out.stderr);
    assert!(out.stderr.lines().count() <= 2, "{}", out.stderr);
    assert_clean(&out.stderr);
}

#[test]
fn a_client_with_no_server_exits_1_at_once() {
    // A port nobody listens on: bind one, note it, close it.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
        .to_string();
    let mut cmd = program("tcp-client");
    cmd.args(["--host", "127.0.0.1", "--port", &port]);
    let out = run(cmd, LIMIT);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(out.elapsed < Duration::from_secs(1), "{:?}", out.elapsed);
    assert!(
        out.stderr.contains(&format!("127.0.0.1:{port}")),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("tcp-server"), "{}", out.stderr);
    assert_eq!(out.stderr.lines().count(), 2, "{}", out.stderr);
    assert_clean(&out.stderr);
    assert!(out.stdout.is_empty());
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    for (name, args) in [
        ("tcp-client", &["--port", "abc"][..]),
        ("tcp-client", &["--bogus"]),
        ("tcp-server", &["--backlog", "0"]),
        ("tcp-server", &["extra"]),
    ] {
        let mut cmd = program(name);
        cmd.args(args);
        let out = run(cmd, LIMIT);
        assert_eq!(out.status.code(), Some(2), "{name} {args:?}: {out:?}");
        assert!(out.stderr.contains("--help"), "{}", out.stderr);
        assert_clean(&out.stderr);
    }
    for name in ["tcp-client", "tcp-server"] {
        let mut cmd = program(name);
        cmd.arg("--help");
        let out = run(cmd, LIMIT);
        assert!(out.status.success());
        assert!(out.stdout.contains("--port"), "{}", out.stdout);
    }
}

#[test]
fn an_unknown_host_is_one_clear_error() {
    let mut cmd = program("tcp-client");
    cmd.args(["--host", "no-such-host.invalid"]);
    let out = run(cmd, LIMIT);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        out.stderr.contains("no-such-host.invalid"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stderr.lines().count(), 2, "{}", out.stderr);
    assert_clean(&out.stderr);
}

/// Too many open files (EMFILE): `accept` fails while a class holds every
/// descriptor. The server says so once, keeps going, and serves the next
/// client once descriptors are free again.
#[cfg(unix)]
#[test]
fn running_out_of_descriptors_is_survived() {
    let bin = chapter_tests::bin("tcp-server");
    let mut cmd = std::process::Command::new("sh");
    cmd.arg("-c")
        // --max-clients given: kept, so accept() itself runs out.
        .arg(r#"ulimit -n 40 && exec "$0" --host 127.0.0.1 --port 0 --delay-ms 0 --max-clients 1000"#)
        .arg(bin);
    let mut server = Server::start(cmd);
    let hogs: Vec<TcpStream> = (0..60).map(|_| connect(server.addr)).collect();
    let report = server
        .process
        .stderr
        .wait_for(LIMIT, |text| text.contains("accept"));
    assert!(report.contains("accept"), "{report}");
    drop(hogs);
    let out = client(&server, &[]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(out.stdout, format!("{REPLY}{DEMO}\n"));
    assert!(server.process.is_running());
    let stderr = server.stderr();
    let reports = stderr.lines().filter(|l| l.contains("accept")).count();
    assert_eq!(reports, 1, "reported once, not per retry: {stderr}");
}

#[test]
fn quiet_server_still_answers_but_prints_no_line_per_message() {
    let server = rust_server(&["--quiet"]);
    let out = client(&server, &["一", "二"]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(out.stdout, format!("{REPLY}一\n{REPLY}二\n"));
    let log = server
        .process
        .stdout
        .wait_for(LIMIT, |text| text.contains("服务端处理完成"));
    assert!(log.contains("接受到: 127.0.0.1:"), "{log}");
    assert!(
        !log.contains("<String>") && !log.contains("<&[u8]>"),
        "{log}"
    );
}

/// `tcp-server --port 0 | head -1` is how a script learns the port; after
/// that the server's stdout is closed and it must go on serving.
#[cfg(unix)]
#[test]
fn a_server_whose_stdout_is_closed_goes_on_serving() {
    let bin = chapter_tests::bin("tcp-server");
    let mut cmd = std::process::Command::new("sh");
    cmd.arg("-c")
        .arg(r#"exec 3>&1; "$0" --host 127.0.0.1 --port 0 --delay-ms 0 | head -n 1 >&3"#)
        .arg(bin);
    let server = Server::start_pipeline(cmd);
    // head has exited: the server now writes into a closed pipe.
    for _ in 0..3 {
        let out = client(&server, &[]);
        assert!(out.status.success(), "{out:?}");
        assert_eq!(out.stdout, format!("{REPLY}{DEMO}\n"));
    }
    assert_clean(&server.stderr());
}

#[cfg(unix)]
#[test]
fn a_client_piped_into_head_exits_cleanly() {
    let server = rust_server(&[]);
    let mut cmd = std::process::Command::new("sh");
    cmd.arg("-c")
        .arg(r#""$0" --host 127.0.0.1 --port "$1" a b c d e | head -n 1"#)
        .arg(chapter_tests::bin("tcp-client"))
        .arg(server.port());
    let out = chapter_tests::run_pipeline(cmd, LIMIT);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(out.stdout, format!("{REPLY}a\n"));
    assert_clean(&out.stderr);
}
