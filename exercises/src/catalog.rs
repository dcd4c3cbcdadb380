//! The exercises, in the book's order.

use crate::Outcome;
use crate::cases;
use std::path::Path;

/// One exercise: the file a student edits, its page, and its cases.
pub struct Exercise {
    pub name: &'static str,
    /// The section of the book, e.g. `15.2.1`.
    pub page: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    pub cases: &'static [Case],
}

/// One check against one partner behaviour.
pub struct Case {
    pub zh: &'static str,
    pub en: &'static str,
    pub check: fn(&Path) -> Outcome,
}

impl Exercise {
    /// The starter, relative to the workspace root.
    pub fn path(&self) -> String {
        format!("exercises/src/bin/{}.rs", self.name)
    }

    /// The reference answer, relative to the workspace root.
    pub fn solution_path(&self) -> String {
        format!("exercises/solutions/{}.rs", self.name)
    }
}

pub fn find(name: &str) -> Option<&'static Exercise> {
    EXERCISES.iter().find(|e| e.name == name)
}

pub static EXERCISES: &[Exercise] = &[
    Exercise {
        name: "client-timeout",
        page: "15.2.1",
        zh: "带超时、报错清楚的客户端",
        en: "a client with a timeout and a clear error",
        cases: cases::client_timeout::CASES,
    },
    Exercise {
        name: "greet-peer",
        page: "15.2.2",
        zh: "用对方地址问候每个客户端",
        en: "greet each client with its address",
        cases: cases::greet_peer::CASES,
    },
    Exercise {
        name: "capped-server",
        page: "15.2.2",
        zh: "限制连接数的多线程服务端",
        en: "a threaded server with a connection cap",
        cases: cases::capped_server::CASES,
    },
    Exercise {
        name: "nonblocking-server",
        page: "分步写出 TCP 服务端",
        zh: "一个线程、非阻塞套接字的服务端",
        en: "one thread, non-blocking sockets",
        cases: cases::nonblocking_server::CASES,
    },
    Exercise {
        name: "lines-client",
        page: "消息的边界",
        zh: "按换行分消息的客户端",
        en: "a client that reads newline-framed messages",
        cases: cases::lines_client::CASES,
    },
    Exercise {
        name: "lines-server",
        page: "消息的边界",
        zh: "按换行分消息的服务端",
        en: "a server that answers newline-framed messages",
        cases: cases::lines_server::CASES,
    },
    Exercise {
        name: "length-prefix",
        page: "消息的边界",
        zh: "长度前缀分消息（大端 u32）",
        en: "length-prefixed messages (big-endian u32)",
        cases: cases::length_prefix::CASES,
    },
    Exercise {
        name: "udp-retry",
        page: "15.3",
        zh: "在丢包的网络上重试的 UDP 客户端",
        en: "a UDP client that retries over a lossy server",
        cases: cases::udp_retry::CASES,
    },
    Exercise {
        name: "http-get-by-hand",
        page: "15.4.1",
        zh: "亲手写 GET，按 Content-Length 读响应体",
        en: "GET by hand, honouring Content-Length",
        cases: cases::http_get_by_hand::CASES,
    },
];
