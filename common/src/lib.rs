//! What the chapter's socket programs share.
//!
//! Only things two or more listings need live here. Socket calls the text
//! teaches (`socket`, `bind`, `listen`, `accept`, `connect`, `send`, `recv`,
//! `sendto`, `recvfrom`, `close`) stay visible in each program's `main.rs`.

pub mod cli;
pub mod explain;
pub mod host;
pub mod lan;
pub mod messages;
pub mod output;
pub mod text;
pub mod trace;
pub mod usage;

pub use explain::{Bilingual, exit_code};
pub use host::resolve;
pub use text::{Utf8Stream, escape_control};

/// 本章所有程序默认的端口：10000。
pub(crate) const DEFAULT_PORT: u16 = 10000;

/// 每次最多收多少字节：原文的 `recv(1024)` / `recvfrom(1024)`。
pub const BUFFER_SIZE: usize = 1024;
