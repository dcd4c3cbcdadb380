//! The host every program talks to, and turning it into socket addresses.

use std::io;
use std::net::{SocketAddr, ToSocketAddrs};

use crate::eprintln;
use crate::explain::explained;

/// 默认的主机：原文的 `socket.gethostname()`，解析不了就改用 localhost。
///
/// The text's `socket.gethostname()`, checked: if this machine's name does
/// not resolve (common on fresh VMs and on some Macs), fall back to
/// `localhost` and say so on stderr, so that a server and a client started
/// with no options still meet.
pub(crate) fn default_host() -> String {
    let name = gethostname::gethostname().to_string_lossy().into_owned();
    if !name.is_empty() && (name.as_str(), 0).to_socket_addrs().is_ok() {
        return name;
    }
    eprintln!(
        "提示：本机主机名 {name:?} 无法解析，改用 localhost / \
         note: hostname {name:?} does not resolve, using localhost"
    );
    "localhost".to_string()
}

/// 把主机名和端口解析成地址：服务端绑定它，客户端连接它。
///
/// Resolves `host:port` to the address a server binds and a client reaches.
/// A name, an IPv4 or an IPv6 literal works; the socket's family then follows
/// the address. A name with both kinds of address gives its IPv4 one, as the
/// text's `AF_INET` sockets would, so a server and a client given the same
/// name always pick the same address.
pub fn resolve(host: &str, port: u16) -> io::Result<SocketAddr> {
    resolve_all(host, port).map(|addrs| addrs[0])
}

/// Every address of `host:port`, IPv4 first, never empty.
fn resolve_all(host: &str, port: u16) -> io::Result<Vec<SocketAddr>> {
    // `[::1]` is how addresses are printed; accept it back as input too.
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    let not_found = || {
        if let Ok(with_port) = host.parse::<SocketAddr>() {
            // `--host 127.0.0.1:80`: the port has an option of its own.
            let (ip, p) = (with_port.ip(), with_port.port());
            return explained(
                io::ErrorKind::InvalidInput,
                format!(
                    "--host 只写地址，端口另用 --port：--host {ip} --port {p}"
                ),
                format!("--host takes no port: use --host {ip} --port {p}"),
            );
        }
        // The name comes from the command line: shown with control
        // characters escaped, as everything else this program prints.
        let host = crate::escape_control(host);
        explained(
            io::ErrorKind::NotFound,
            format!(
                "无法解析主机名 {host}：请检查拼写，或改用 --host 127.0.0.1"
            ),
            format!(
                "cannot resolve host {host}: check the name or use --host 127.0.0.1"
            ),
        )
    };
    let mut addrs: Vec<SocketAddr> = (bare, port)
        .to_socket_addrs()
        .map_err(|_| not_found())?
        .collect();
    if addrs.is_empty() {
        return Err(not_found());
    }
    addrs.sort_by_key(|a| a.is_ipv6()); // stable: keeps the system's order
    addrs.dedup();
    Ok(addrs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_resolve_to_their_family() {
        let v4 = resolve("127.0.0.1", 7).unwrap();
        assert_eq!(v4, "127.0.0.1:7".parse().unwrap());
        let v6 = resolve("::1", 7).unwrap();
        assert_eq!(v6, "[::1]:7".parse().unwrap());
        assert_eq!(resolve("[::1]", 7).unwrap(), v6);
    }

    #[test]
    fn ipv4_comes_first() {
        let addrs = resolve_all("localhost", 1).unwrap();
        let first_v6 = addrs.iter().position(|a| a.is_ipv6());
        let last_v4 = addrs.iter().rposition(|a| a.is_ipv4());
        if let (Some(v6), Some(v4)) = (first_v6, last_v4) {
            assert!(v4 < v6, "{addrs:?}");
        }
    }

    #[test]
    fn unknown_name_says_which() {
        let err = resolve("no-such-host.invalid", 1).unwrap_err();
        let msg = crate::explain::lines(&err);
        assert!(msg.contains("no-such-host.invalid"), "{msg}");
        assert_eq!(msg.lines().count(), 2, "{msg}");
    }

    #[test]
    fn a_port_in_the_host_points_to_port() {
        let err = resolve("127.0.0.1:80", 1).unwrap_err();
        let msg = crate::explain::lines(&err);
        assert!(msg.contains("--host 127.0.0.1 --port 80"), "{msg}");
        assert_eq!(msg.lines().count(), 2, "{msg}");
    }

    #[test]
    fn default_host_resolves() {
        let host = default_host();
        assert!(resolve(&host, 1).is_ok(), "{host}");
    }
}
