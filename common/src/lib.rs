//! What the chapter's socket programs share.
//!
//! Only things two or more listings need live here. Socket calls the text
//! teaches (`socket`, `bind`, `listen`, `accept`, `connect`, `send`, `recv`,
//! `sendto`, `recvfrom`, `close`) stay visible in each program's `main.rs`.

pub mod cli;
pub mod explain;
pub mod host;
pub mod text;
pub mod trace;

pub use explain::exit_code;
pub use host::{default_host, resolve, resolve_all};
pub use text::{Utf8Stream, escape_control, reply};

/// The port every program of the chapter uses: `10000`.
pub const DEFAULT_PORT: u16 = 10000;

/// The text's `recv(1024)` / `recvfrom(1024)`.
pub const BUFFER_SIZE: usize = 1024;

/// What both servers put before the received message in their reply.
pub const REPLY_PREFIX: &str = "服务端接收到数据：";
