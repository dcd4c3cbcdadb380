//! The book's page on message boundaries: the two framings of
//! `tcp-client/examples/` (lines-server/-client: a newline after each
//! message; length-server/-client: a 4-byte big-endian length before it),
//! each against a partner that delivers one byte per send, one that merges
//! three messages into one send, and a Python peer doing the same framing
//! plainly (`tests/py/framing_peer.py`). All on 127.0.0.1.

// Test code: a failed step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::thread;
use std::time::Duration;

use chapter_tests::{
    LIMIT, REPLY, Server, assert_clean, connect, example, python, reply, run,
};

const MODES: [&str; 3] = ["plain", "split", "merge"];
/// Each message has a character whose bytes a split send cuts apart.
const MESSAGES: [&str; 3] = ["你好", "第二句 two", "三"];

fn framing_server(framing: &str) -> Server {
    let mut cmd =
        Command::new(example("tcp-client", &format!("{framing}-server")));
    cmd.arg("127.0.0.1:0").env("RUST_BACKTRACE", "1");
    Server::start(cmd)
}

fn python_server(framing: &str, mode: &str) -> Server {
    let mut cmd = python("framing_peer.py");
    cmd.args(["server", framing, mode]);
    Server::start(cmd)
}

/// The Python peer as a client: sends `messages` the way `mode` says,
/// then `shutdown(SHUT_WR)`, and returns the replies it read.
fn python_client(
    framing: &str,
    server: &Server,
    mode: &str,
    messages: &[&str],
) -> Vec<String> {
    let mut cmd = python("framing_peer.py");
    cmd.args(["client", framing, &server.addr.to_string(), mode])
        .args(messages);
    let done = run(cmd, LIMIT);
    assert!(done.status.success(), "{done:?}");
    assert!(done.stdout.ends_with("closed\n"), "{}", done.stdout);
    done.stdout
        .lines()
        .filter_map(|l| l.strip_prefix("reply "))
        .map(String::from)
        .collect()
}

fn expected(messages: &[&str]) -> Vec<String> {
    messages.iter().map(|m| reply(m)).collect()
}

#[test]
fn each_server_takes_split_and_merged_messages_whole() {
    for framing in ["lines", "length"] {
        let server = framing_server(framing);
        for mode in MODES {
            let got = python_client(framing, &server, mode, &MESSAGES);
            assert_eq!(
                got,
                expected(&MESSAGES),
                "{framing} server, {mode} client"
            );
        }
        let out = server
            .process
            .stdout
            .wait_for(LIMIT, |t| t.matches("服务端处理完成").count() == 3);
        // One line per message, whole: never a piece of one.
        assert_eq!(out.matches("说").count(), 9, "{framing}: {out}");
        assert_clean(&out);
        assert!(server.stderr().is_empty(), "{framing}: {}", server.stderr());
    }
}

#[test]
fn each_client_reads_split_and_merged_replies_whole() {
    for framing in ["lines", "length"] {
        for mode in MODES {
            let peer = python_server(framing, mode);
            let mut cmd = Command::new(example(
                "tcp-client",
                &format!("{framing}-client"),
            ));
            cmd.arg(peer.addr.to_string()).args(MESSAGES);
            let done = run(cmd, LIMIT);
            assert!(done.status.success(), "{framing} {mode}: {done:?}");
            let replies: Vec<&str> = done
                .stdout
                .lines()
                .filter(|l| l.starts_with("收到回复"))
                .map(|l| l.split_once(": ").unwrap().1)
                .collect();
            assert_eq!(replies, expected(&MESSAGES), "{framing} {mode}");
            assert!(
                done.stdout.ends_with("共收到 3 条回复\n"),
                "{}",
                done.stdout
            );
            // The peer saw each message whole, as this framing sent it.
            let got: Vec<String> = peer
                .process
                .stdout
                .wait_for(LIMIT, |t| t.contains("done"))
                .lines()
                .filter_map(|l| l.strip_prefix("got "))
                .map(String::from)
                .collect();
            let sent: Vec<String> = MESSAGES
                .iter()
                .map(|m| chapter_tests::hex(m.as_bytes()))
                .collect();
            assert_eq!(got, sent, "{framing} {mode}");
        }
    }
}

/// One length-prefixed frame: `u32::to_be_bytes`, then the bytes.
fn frame(data: &[u8]) -> Vec<u8> {
    let len = u32::try_from(data.len()).unwrap();
    [&len.to_be_bytes()[..], data].concat()
}

fn read_frame(stream: &mut TcpStream) -> Vec<u8> {
    let mut header = [0; 4];
    stream.read_exact(&mut header).unwrap();
    let mut data = vec![0; u32::from_be_bytes(header) as usize];
    stream.read_exact(&mut data).unwrap();
    data
}

#[test]
fn the_length_prefix_round_trips_0_1_and_65536_bytes_and_a_cut_character() {
    let server = framing_server("length");
    let mut stream = connect(server.addr);
    stream.set_nodelay(true).unwrap();
    let big = "a".repeat(65_536);
    for message in ["", "x", big.as_str()] {
        stream.write_all(&frame(message.as_bytes())).unwrap();
        let got = read_frame(&mut stream);
        assert_eq!(got.len(), REPLY.len() + message.len());
        assert_eq!(got, reply(message).into_bytes());
    }
    // 汉 is e6 b1 89: send the frame in two pieces cut after e6 b1.
    let framed = frame("汉字".as_bytes());
    let cut = 4 + 2;
    stream.write_all(&framed[..cut]).unwrap();
    thread::sleep(Duration::from_millis(50)); // let the first piece leave alone
    stream.write_all(&framed[cut..]).unwrap();
    assert_eq!(read_frame(&mut stream), reply("汉字").into_bytes());
    let out = server
        .process
        .stdout
        .wait_for(LIMIT, |t| t.contains("说（6 字节）: 汉字"));
    assert!(out.contains("说（65536 字节）: aaaa"), "{out}");
    assert!(out.contains("说（0 字节）: \n"), "{out}");
}

#[test]
fn a_length_past_the_limit_is_refused_and_the_server_goes_on() {
    let server = framing_server("length");
    let mut rude = connect(server.addr);
    rude.write_all(&u32::MAX.to_be_bytes()).unwrap();
    // The server closes this connection instead of allocating 4 GB.
    assert_eq!(rude.read(&mut [0; 16]).unwrap_or(0), 0);
    let err = server
        .process
        .stderr
        .wait_for(LIMIT, |t| t.contains("too long"));
    assert!(err.contains("超过"), "{err}");
    assert_clean(&err);
    let mut polite = connect(server.addr);
    polite.write_all(&frame("还在吗".as_bytes())).unwrap();
    assert_eq!(read_frame(&mut polite), reply("还在吗").into_bytes());
}

#[test]
fn a_client_with_no_server_says_what_to_run() {
    // A port nobody listens on: bind one, note it, close it.
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    for framing in ["lines", "length"] {
        let mut cmd =
            Command::new(example("tcp-client", &format!("{framing}-client")));
        cmd.arg(addr.to_string());
        let done = run(cmd, LIMIT);
        assert_eq!(done.status.code(), Some(1), "{done:?}");
        let server = format!("--example {framing}-server");
        assert!(done.stderr.contains(&server), "{}", done.stderr);
        assert!(done.stderr.contains("cannot talk to"), "{}", done.stderr);
        assert_clean(&done.stderr);
    }
    // A line break inside a message of the lines framing is a usage error.
    let mut cmd = Command::new(example("tcp-client", "lines-client"));
    cmd.args([&addr.to_string(), "一行\n两行"]);
    let done = run(cmd, LIMIT);
    assert_eq!(done.status.code(), Some(2), "{done:?}");
    assert!(done.stderr.contains("换行"), "{}", done.stderr);
}
