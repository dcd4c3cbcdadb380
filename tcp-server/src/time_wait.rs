//! 端口被占用时，看看是不是 TIME_WAIT 造成的（Linux 上读 /proc/net/tcp）。
//!
//! Used by the listing (step 2, bind) and by its `reuse` example, which
//! includes this file.

use std::io::{self, ErrorKind};
use std::net::SocketAddr;

use common::explain::{self, explained};

/// TCP 的 `bind()` 失败了：端口被占用时，看看是不是 TIME_WAIT 造成的。
///
/// As `common::explain::bind`, but a port held only by connections that are closing
/// (TIME_WAIT and friends, left by a server stopped while clients were
/// connected) is named as such, with the fix.
pub fn explain_bind(err: io::Error, addr: SocketAddr) -> io::Error {
    if err.kind() != ErrorKind::AddrInUse || !closing_only(addr.port()) {
        return explain::bind(err, addr);
    }
    let port = addr.port();
    explained(
        err.kind(),
        format!(
            "端口 {port} 上还有刚关闭的连接停在 TIME_WAIT（{addr}），多半是服务端停掉时\
             还有客户端连着：等一分钟再试，或在 bind 之前设置 SO_REUSEADDR，或换个端口，如 --port 0"
        ),
        format!(
            "address {addr} is held by closed connections in TIME_WAIT \
             (a server stopped while clients were connected): wait a minute, \
             set SO_REUSEADDR before bind, or pick another --port"
        ),
    )
}

/// Whether every TCP socket on `port` is a closing connection (TIME_WAIT,
/// FIN_WAIT, CLOSING) and none listens. Reads Linux's /proc/net/tcp and
/// tcp6; where they do not exist the answer is false (the generic message).
fn closing_only(port: u16) -> bool {
    let mut closing = false;
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(table) else {
            continue;
        };
        // Rows: sl local_address rem_address st …, addresses as HEX:PORT.
        for row in text.lines().skip(1) {
            let fields: Vec<&str> = row.split_whitespace().collect();
            let (Some(local), Some(state)) = (fields.get(1), fields.get(3))
            else {
                continue;
            };
            let on_port = local
                .rsplit_once(':')
                .and_then(|(_, p)| u16::from_str_radix(p, 16).ok())
                == Some(port);
            if !on_port {
                continue;
            }
            match *state {
                // FIN_WAIT1, FIN_WAIT2, TIME_WAIT, CLOSING
                "04" | "05" | "06" | "0B" => closing = true,
                _ => return false,
            }
        }
    }
    closing
}
