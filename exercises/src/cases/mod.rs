//! One module per exercise: its cases, each a partner behaviour.

pub mod capped_server;
pub mod client_timeout;
pub mod greet_peer;
pub mod http_get_by_hand;
pub mod length_prefix;
pub mod lines_client;
pub mod lines_server;
pub mod nonblocking_server;
pub mod udp_retry;

/// What the chapter's servers put before the message in their reply.
pub const REPLY: &str = "服务端接收到数据：";

/// What the text's TCP client sends.
pub const DEMO: &str = "Python TCP 第一个DEMO";
