//! 告诉学生怎样连上服务端：服务端打印完第一行（绑定的地址）之后，
//! 再打印这几行。
//!
//! * Bound to `0.0.0.0` or `::`: the exact command students run, once per
//!   LAN address of this machine (`学生运行 / students run: cargo run -p
//!   tcp-client -- --host 192.168.1.10`, and the same with `nc`). On `::`
//!   a first line says whether IPv4 clients can connect too (both servers
//!   make it so, turning `IPV6_V6ONLY` off; Windows has it on by default).
//! * Bound to a loopback address (the default hostname resolves to
//!   `127.0.0.1` or `127.0.1.1` on many machines): only this machine can
//!   connect, and how to open the server to the class (`--host 0.0.0.0`).
//! * Bound to one LAN address: the commands for that address.
//!
//! [`hints_for`] is a pure function over a list of addresses, so it is
//! tested without touching the machine's interfaces; [`hints`] feeds it the
//! addresses of the interfaces that are up.

use std::net::{IpAddr, SocketAddr};

use crate::DEFAULT_PORT;

/// 服务端的种类：决定学生运行哪个客户端、nc 用哪个选项。
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Tcp,
    Udp,
}

impl Kind {
    fn server(self) -> &'static str {
        match self {
            Kind::Tcp => "tcp-server",
            Kind::Udp => "udp-server",
        }
    }

    fn client(self) -> &'static str {
        match self {
            Kind::Tcp => "tcp-client",
            Kind::Udp => "udp-client",
        }
    }

    /// `nc -N` closes its sending side at the end of input (so the TCP
    /// server sees the end); `nc -u` sends each line as a datagram.
    fn nc_flag(self) -> &'static str {
        match self {
            Kind::Tcp => "-N",
            Kind::Udp => "-u",
        }
    }
}

/// The prefix of every line that gives students a command to run.
pub(crate) const STUDENTS_RUN: &str = "学生运行 / students run: ";

/// 服务端第一行之后要打印的提示：学生该运行的命令，或者“只有本机能连”。
///
/// Reads this machine's interface addresses; if they cannot be read, the
/// hint says no LAN address was found. `dual_stack`: whether the socket,
/// if bound to `::`, also takes IPv4 (both servers turn `IPV6_V6ONLY` off,
/// which Windows has on by default).
pub fn hints(bound: SocketAddr, kind: Kind, dual_stack: bool) -> Vec<String> {
    hints_for(bound, kind, &local_addrs(), dual_stack)
}

/// 本机各个已启用网卡的地址（读不到时为空）。
///
/// The addresses of this machine's interfaces that are up, loopback
/// included; empty if they cannot be read.
pub fn local_addrs() -> Vec<IpAddr> {
    if_addrs::get_if_addrs()
        .map(|interfaces| {
            interfaces
                .into_iter()
                .filter(|i| i.is_oper_up())
                .map(|i| i.ip())
                .collect()
        })
        .unwrap_or_default()
}

/// [`hints`] over a given list of this machine's addresses. `dual_stack`:
/// whether a socket bound to `::` also accepts IPv4.
pub(crate) fn hints_for(
    bound: SocketAddr,
    kind: Kind,
    addrs: &[IpAddr],
    dual_stack: bool,
) -> Vec<String> {
    let ip = bound.ip();
    let port = bound.port();
    if ip.is_loopback() {
        return loopback(ip, port, kind);
    }
    if !ip.is_unspecified() {
        return commands(ip, port, kind);
    }
    let mut reachable: Vec<IpAddr> = Vec::new();
    for &a in addrs {
        let family_ok = match ip {
            IpAddr::V4(_) => a.is_ipv4(),
            IpAddr::V6(_) => a.is_ipv6() || dual_stack,
        };
        if family_ok && shareable(a) && !reachable.contains(&a) {
            reachable.push(a);
        }
    }
    reachable.sort_by_key(|a| a.is_ipv6()); // stable: IPv4 first
    if reachable.is_empty() {
        return vec![
            "没有找到本机的局域网地址：学生暂时连不上，先接入网络\
             （ip addr 或 ipconfig 可以查看） / no LAN address found: \
             students cannot reach this machine until it joins a network"
                .to_string(),
        ];
    }
    let mut lines = Vec::new();
    if ip.is_ipv6() {
        let note = if dual_stack {
            "绑定在 :: 上，IPv4 和 IPv6 的客户端都能连 \
             / bound to ::, IPv4 and IPv6 clients can both connect"
        } else {
            "绑定在 :: 上，但这个系统只让 IPv6 客户端连；IPv4 客户端请用 \
             --host 0.0.0.0 另开一个 / bound to ::, IPv6 clients only on \
             this system; for IPv4 start another with --host 0.0.0.0"
        };
        lines.push(note.to_string());
    }
    lines.extend(reachable.into_iter().flat_map(|a| commands(a, port, kind)));
    lines
}

/// An address another machine on the LAN can use: not loopback, not
/// unspecified, not IPv6 link-local (`fe80::`, which needs an interface
/// name students would not know).
fn shareable(addr: IpAddr) -> bool {
    let link_local_v6 = match addr {
        IpAddr::V6(v6) => (v6.segments()[0] & 0xffc0) == 0xfe80,
        IpAddr::V4(_) => false,
    };
    !addr.is_loopback() && !addr.is_unspecified() && !link_local_v6
}

/// `--port P` when P is not the default, else nothing.
fn port_option(port: u16) -> String {
    if port == DEFAULT_PORT {
        String::new()
    } else {
        format!(" --port {port}")
    }
}

/// The two commands a student runs to reach `ip:port`.
fn commands(ip: IpAddr, port: u16, kind: Kind) -> Vec<String> {
    vec![
        format!(
            "{STUDENTS_RUN}cargo run -p {} -- --host {ip}{}",
            kind.client(),
            port_option(port)
        ),
        format!("{STUDENTS_RUN}nc {} {ip} {port}", kind.nc_flag()),
    ]
}

fn loopback(ip: IpAddr, port: u16, kind: Kind) -> Vec<String> {
    vec![
        format!(
            "注意：{ip} 是回环地址，只有本机能连接，别的电脑连不上 \
             / note: {ip} is loopback: only this machine can connect"
        ),
        format!(
            "给全班用，请这样启动 / to serve the class, start it as: \
             cargo run -p {} -- --host 0.0.0.0{}",
            kind.server(),
            port_option(port)
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ips(list: &[&str]) -> Vec<IpAddr> {
        list.iter().map(|a| a.parse().unwrap()).collect()
    }

    fn at(addr: &str) -> SocketAddr {
        addr.parse().unwrap()
    }

    /// A laptop: loopback, Wi-Fi with IPv4, a global and a link-local IPv6.
    fn laptop() -> Vec<IpAddr> {
        ips(&[
            "127.0.0.1",
            "::1",
            "192.168.1.10",
            "fe80::1c2b:3dff:fe4e:5f60",
            "2001:db8::10",
        ])
    }

    #[test]
    fn any_v4_lists_each_lan_address_once() {
        let mut addrs = laptop();
        addrs.push("10.0.0.5".parse().unwrap());
        addrs.push("192.168.1.10".parse().unwrap()); // a second label
        let lines = hints_for(at("0.0.0.0:10000"), Kind::Tcp, &addrs, true);
        assert_eq!(
            lines,
            [
                "学生运行 / students run: cargo run -p tcp-client -- --host 192.168.1.10",
                "学生运行 / students run: nc -N 192.168.1.10 10000",
                "学生运行 / students run: cargo run -p tcp-client -- --host 10.0.0.5",
                "学生运行 / students run: nc -N 10.0.0.5 10000",
            ]
        );
    }

    #[test]
    fn a_port_other_than_10000_is_named() {
        let lines =
            hints_for(at("0.0.0.0:8080"), Kind::Udp, &ips(&["10.1.2.3"]), true);
        assert_eq!(
            lines,
            [
                "学生运行 / students run: cargo run -p udp-client -- --host 10.1.2.3 --port 8080",
                "学生运行 / students run: nc -u 10.1.2.3 8080",
            ]
        );
    }

    #[test]
    fn any_v6_lists_v4_first_when_dual_stack_and_never_link_local() {
        let lines = hints_for(at("[::]:10000"), Kind::Udp, &laptop(), true);
        let hosts: Vec<&str> = lines
            .iter()
            .filter_map(|l| l.split("--host ").nth(1))
            .collect();
        assert_eq!(hosts, ["192.168.1.10", "2001:db8::10"]);
        assert!(lines.iter().all(|l| !l.contains("fe80")), "{lines:?}");
        assert!(lines.iter().all(|l| !l.contains("::1 ")), "{lines:?}");
        // The first line says IPv4 clients are welcome too.
        assert!(
            lines[0].contains("IPv4 和 IPv6 的客户端都能连"),
            "{lines:?}"
        );
        assert!(lines[0].contains("IPv4 and IPv6 clients"), "{lines:?}");

        let v6_only = hints_for(at("[::]:10000"), Kind::Udp, &laptop(), false);
        assert_eq!(
            v6_only,
            [
                "绑定在 :: 上，但这个系统只让 IPv6 客户端连；IPv4 客户端请用 \
                 --host 0.0.0.0 另开一个 / bound to ::, IPv6 clients only on \
                 this system; for IPv4 start another with --host 0.0.0.0",
                "学生运行 / students run: cargo run -p udp-client -- --host 2001:db8::10",
                "学生运行 / students run: nc -u 2001:db8::10 10000",
            ]
        );
    }

    #[test]
    fn loopback_says_only_this_machine_and_how_to_open_it() {
        for bound in ["127.0.0.1:10000", "127.0.1.1:10000", "[::1]:10000"] {
            let lines = hints_for(at(bound), Kind::Tcp, &laptop(), true);
            let ip = at(bound).ip().to_string();
            assert_eq!(lines.len(), 2, "{lines:?}");
            assert!(lines[0].contains(&ip), "{lines:?}");
            assert!(lines[0].contains("只有本机"), "{lines:?}");
            assert!(lines[0].contains("only this machine"), "{lines:?}");
            assert!(
                lines[1].ends_with("cargo run -p tcp-server -- --host 0.0.0.0"),
                "{lines:?}"
            );
            // Nothing tells students to connect to a loopback address.
            assert!(lines.iter().all(|l| !l.starts_with(STUDENTS_RUN)));
        }
        let lines = hints_for(at("127.0.0.1:4000"), Kind::Udp, &laptop(), true);
        assert!(
            lines[1].ends_with(
                "cargo run -p udp-server -- --host 0.0.0.0 --port 4000"
            ),
            "{lines:?}"
        );
    }

    #[test]
    fn one_lan_address_bound_is_the_one_shared() {
        let lines =
            hints_for(at("192.168.1.10:10000"), Kind::Tcp, &laptop(), true);
        assert_eq!(
            lines,
            [
                "学生运行 / students run: cargo run -p tcp-client -- --host 192.168.1.10",
                "学生运行 / students run: nc -N 192.168.1.10 10000",
            ]
        );
    }

    #[test]
    fn no_lan_address_says_so() {
        let only_loopback = ips(&["127.0.0.1", "::1", "fe80::1"]);
        for bound in ["0.0.0.0:10000", "[::]:10000"] {
            let lines = hints_for(at(bound), Kind::Tcp, &only_loopback, true);
            assert_eq!(lines.len(), 1, "{lines:?}");
            assert!(lines[0].contains("没有找到本机的局域网地址"));
            assert!(lines[0].contains("no LAN address"));
        }
        // An IPv4 bind does not offer IPv6 addresses, and vice versa.
        let v6_lan = ips(&["2001:db8::10"]);
        let lines = hints_for(at("0.0.0.0:10000"), Kind::Tcp, &v6_lan, true);
        assert!(lines[0].contains("no LAN address"), "{lines:?}");
        let v4_lan = ips(&["10.0.0.5"]);
        let lines = hints_for(at("[::]:10000"), Kind::Tcp, &v4_lan, false);
        assert!(lines[0].contains("no LAN address"), "{lines:?}");
    }

    #[test]
    fn this_machine_gives_lines_without_panicking() {
        let lines = hints(at("0.0.0.0:10000"), Kind::Tcp, true);
        assert!(!lines.is_empty());
        for line in &lines {
            assert!(!line.contains("127.0.0.1"), "{lines:?}");
        }
    }
}
