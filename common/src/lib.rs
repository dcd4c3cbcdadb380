//! What the chapter's socket programs share.
//!
//! Only things two or more listings need live here. Socket calls the text
//! teaches (`socket`, `bind`, `listen`, `accept`, `connect`, `send`, `recv`,
//! `sendto`, `recvfrom`, `close`) stay visible in each program's `main.rs`.

pub mod cli;
pub mod explain;
pub mod host;
pub mod lan;
pub mod text;
pub mod trace;
pub mod usage;

pub use explain::exit_code;
pub use host::{default_host, resolve};
pub use text::{Utf8Stream, escape_control};

/// 本章所有程序默认的端口：10000。
pub const DEFAULT_PORT: u16 = 10000;

/// 每次最多收多少字节：原文的 `recv(1024)` / `recvfrom(1024)`。
pub const BUFFER_SIZE: usize = 1024;

/// 同 std 的 `println!`，但 stdout 被关掉时不 panic。
///
/// `println!` that never panics. The standard one panics when stdout is
/// closed (a server started as `tcp-server --port 0 | head -1`, a client piped
/// into `head`); this one drops the line instead, so a server goes on
/// serving its clients. The listings import it with `use common::println;`
/// and so still read like ordinary Rust.
#[macro_export]
macro_rules! println {
    () => {
        $crate::println!("")
    };
    ($($arg:tt)*) => {{
        use ::std::io::Write as _;
        // One write_fmt: the whole line under one lock, so lines printed by
        // two threads never mix.
        let _ = ::std::writeln!(::std::io::stdout(), $($arg)*);
    }};
}
