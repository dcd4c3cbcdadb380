//! Helpers that stages.rs and load/stages.rs share.

// Test code: a failed step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

use chapter_tests::{Server, example};

pub fn stage(name: &str) -> Server {
    let mut cmd = stage_command(name);
    cmd.arg("127.0.0.1:0");
    let server = Server::start(cmd);
    let first = server.stdout();
    assert!(
        first.starts_with("TCP 服务端已启动，正在监听 127.0.0.1:"),
        "{first}"
    );
    server
}

pub fn stage_command(name: &str) -> Command {
    let mut cmd = Command::new(example("tcp-server", name));
    cmd.env("RUST_BACKTRACE", "1");
    cmd
}
