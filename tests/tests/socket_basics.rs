//! 15.1: socket-basics runs every row of the text's socket table on
//! loopback and prints what really happened after `=> `.

// Test code: a failed assumption should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::SocketAddr;
use std::time::Duration;

use chapter_tests::{Finished, LIMIT, bin, program_clean, run};

/// Every row the tour must show: the six steps, the four address families
/// and the text's method table.
const ROWS: &[&str] = &[
    "AF_INET",
    "AF_INET6",
    "AF_UNIX",
    "AF_UNSPEC",
    "socket",
    "bind",
    "listen",
    "accept",
    "connect",
    "connect_ex",
    "recv",
    "send",
    "sendall",
    "recvfrom",
    "sendto",
    "close",
    "getpeername",
    "getsockname",
    "setsockopt",
    "getsockopt",
    "settimeout",
    "gettimeout",
    "fileno",
    "setblocking",
    "makefile",
];

fn tour(args: &[&str]) -> Finished {
    program_clean("socket-basics", args)
}

/// The rows in the output, in order: (name, the lines after `=> `).
fn rows(stdout: &str) -> Vec<(String, Vec<String>)> {
    let mut rows: Vec<(String, Vec<String>)> = Vec::new();
    for line in stdout.lines() {
        if let Some(rest) = line.strip_prefix('[')
            && let Some((name, _)) = rest.split_once(']')
        {
            rows.push((name.to_string(), Vec::new()));
        } else if let Some(value) = line.trim_start().strip_prefix("=> ")
            && let Some((_, values)) = rows.last_mut()
        {
            values.push(value.to_string());
        }
    }
    rows
}

fn values<'a>(rows: &'a [(String, Vec<String>)], name: &str) -> &'a [String] {
    let (_, values) = rows
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no row [{name}]"));
    values
}

/// The socket addresses written in `text` (`127.0.0.1:80`, `[::1]:80`).
fn addrs(text: &str) -> Vec<SocketAddr> {
    let addr_char = |c: char| c.is_ascii_hexdigit() || ".:[]".contains(c);
    text.split(|c| !addr_char(c))
        .filter_map(|word| word.trim_end_matches(':').parse().ok())
        .collect()
}

/// Whether some line of the row names an address with a non-zero port.
fn has_real_addr(values: &[String]) -> bool {
    values.iter().flat_map(|v| addrs(v)).any(|a| a.port() != 0)
}

/// The number right after `marker` in `text`.
fn number_after(text: &str, marker: &str) -> Option<u64> {
    let (_, rest) = text.split_once(marker)?;
    let digits: String =
        rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    digits.parse().ok()
}

#[test]
fn the_tour_shows_every_row_with_real_values() {
    let out = tour(&[]);
    assert!(out.status.success(), "{out:?}");
    assert!(out.stderr.is_empty(), "stderr: {}", out.stderr);
    assert!(out.elapsed < Duration::from_secs(5), "slow: {out:?}");

    let rows = rows(&out.stdout);
    let names: Vec<&str> = rows.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ROWS, "rows in the text's order");
    for (name, values) in &rows {
        assert!(
            !values.is_empty(),
            "[{name}] shows no value:\n{}",
            out.stdout
        );
    }

    for name in [
        "AF_INET",
        "AF_UNSPEC",
        "bind",
        "listen",
        "accept",
        "connect",
        "connect_ex",
        "recvfrom",
        "sendto",
        "close",
        "getpeername",
        "getsockname",
    ] {
        assert!(
            has_real_addr(values(&rows, name)),
            "[{name}] names no address with a port: {:?}",
            values(&rows, name)
        );
    }
    // ::1 may be missing on the machine: then the row says it skipped.
    let v6 = values(&rows, "AF_INET6");
    assert!(
        v6.iter()
            .flat_map(|v| addrs(v))
            .any(|a| a.is_ipv6() && a.port() != 0)
            || v6[0].contains("skipped"),
        "{v6:?}"
    );

    // The bound address is the one asked for, with the port the system chose.
    let bind = values(&rows, "bind");
    let bound = addrs(&bind[0]);
    assert_eq!(bound.len(), 2, "{bind:?}");
    assert_eq!(bound[0].port(), 0);
    assert_eq!(bound[1].ip(), bound[0].ip());
    // Steps 2 to 4 build one server: listen and accept use the bound port.
    let listening = addrs(&values(&rows, "listen")[0]);
    assert_eq!(listening, [bound[1]], "{:?}", values(&rows, "listen"));
    let accept = values(&rows, "accept").join("\n");
    assert!(
        accept.contains(&format!("conn connects {} <->", bound[1])),
        "{accept}"
    );

    // Every option set reads back as set.
    let set = values(&rows, "setsockopt");
    assert!(set.len() >= 2, "{set:?}");
    for line in set {
        let (_, pair) = line.split_once(" / set ").expect(line);
        let (wanted, read_back) = pair.split_once(", read back ").expect(line);
        assert_eq!(wanted, read_back, "{line}");
    }
    let get = values(&rows, "getsockopt");
    assert!(get.iter().any(|v| v.contains("SOCK_STREAM")), "{get:?}");

    // A real timeout, observed after about 200 ms, well under 2 s.
    let timeout = values(&rows, "settimeout").join("\n");
    let ms = number_after(&timeout, "after ").expect(&timeout);
    assert!((150..2000).contains(&ms), "{timeout}");
    assert!(
        timeout.contains("WouldBlock") || timeout.contains("TimedOut"),
        "{timeout}"
    );
    let gettimeout = values(&rows, "gettimeout").join("\n");
    assert!(gettimeout.contains("None"), "{gettimeout}");
    assert!(gettimeout.contains("Some(1.5s)"), "{gettimeout}");

    // connect_ex: 0 for an open port, an error code for a closed one.
    let ex = values(&rows, "connect_ex");
    assert_eq!(number_after(&ex[0], "returns "), Some(0), "{ex:?}");
    let code = number_after(&ex[1], "returns ").expect("a code");
    assert_ne!(code, 0, "{ex:?}");
    assert!(ex[1].contains("ConnectionRefused"), "{ex:?}");

    let recv = values(&rows, "recv").join("\n");
    assert!(
        recv.contains("18") && recv.contains("你好，服务端"),
        "{recv}"
    );
    let sendall = values(&rows, "sendall").join("\n");
    assert!(
        sendall.contains("sent 1048576")
            && sendall.contains("received 1048576"),
        "{sendall}"
    );
    let close = values(&rows, "close").join("\n");
    assert!(close.contains("returned 0"), "{close}");
    let peer = values(&rows, "getpeername").join("\n");
    assert!(peer.contains("own address: true"), "{peer}");
    let fileno = values(&rows, "fileno");
    for line in fileno {
        let number = line.rsplit(' ').next().unwrap_or_default();
        assert!(number.parse::<u64>().is_ok(), "{line}");
    }
    let blocking = values(&rows, "setblocking").join("\n");
    assert!(blocking.contains("WouldBlock"), "{blocking}");
    let makefile = values(&rows, "makefile").join("\n");
    assert!(
        makefile.contains("\"第一行\"") && makefile.contains("\"第二行\""),
        "{makefile}"
    );
    #[cfg(unix)]
    {
        let unix = values(&rows, "AF_UNIX").join("\n");
        assert!(unix.contains("你好，AF_UNIX"), "{unix}");
        assert!(unix.contains("removed: true"), "{unix}");
    }
    assert!(
        out.stdout.contains("25"),
        "the closing line counts the rows"
    );
}

#[test]
fn list_names_every_row() {
    let out = tour(&["--list"]);
    assert!(out.status.success(), "{out:?}");
    let names: Vec<&str> = out
        .stdout
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    // The tour's rows, then raw, which runs only on its own.
    assert_eq!(names[..ROWS.len()], *ROWS);
    assert_eq!(names[ROWS.len()..], ["raw"]);
}

/// Whether this process may open raw sockets (CAP_NET_RAW is bit 13 of
/// CapEff); a child started from here inherits the same.
#[cfg(target_os = "linux")]
fn may_open_raw_sockets() -> bool {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let caps = status
        .lines()
        .find_map(|line| line.strip_prefix("CapEff:"))
        .expect("CapEff in /proc/self/status");
    let caps = u64::from_str_radix(caps.trim(), 16).unwrap();
    caps & (1 << 13) != 0
}

/// The lines after `=> ` and the notes of `--step raw`, which must say
/// what happened and why, whichever way it went.
fn assert_raw_explained(out: &Finished, privileged: bool) {
    assert!(out.status.success(), "a refusal is no failure: {out:?}");
    assert!(out.stderr.is_empty(), "stderr: {}", out.stderr);
    assert_eq!(rows_named(&out.stdout), ["raw"], "{}", out.stdout);
    let text = &out.stdout;
    if privileged {
        assert!(
            text.contains("创建成功") && text.contains("created"),
            "{text}"
        );
        assert!(text.contains("sent an ICMP echo request"), "{text}");
        // The reply, read from behind a 20-byte IP header; or a clear word
        // that this host ignores pings.
        assert!(
            (text.contains("前 20 字节是 IP 首部")
                && text.contains("ICMP 类型 0")
                && text.contains("IP header too"))
                || text.contains("no echo reply within 1 s"),
            "{text}"
        );
        assert!(!text.contains("refused"), "{text}");
    } else {
        assert!(text.contains("系统拒绝了 / refused"), "{text}");
        assert!(
            text.contains("预料之中") && text.contains("expected"),
            "{text}"
        );
        assert!(text.contains("CAP_NET_RAW"), "{text}");
        assert!(!text.contains("created"), "{text}");
    }
}

#[test]
fn raw_is_refused_or_pings_and_says_which() {
    let out = tour(&["--step", "raw"]);
    #[cfg(target_os = "linux")]
    assert_raw_explained(&out, may_open_raw_sockets());
    #[cfg(not(target_os = "linux"))]
    assert_raw_explained(&out, !out.stdout.contains("refused"));
}

/// Run as root (as CI here is), the refusal a student sees is proved by
/// dropping to the user nobody: no capabilities, so EPERM.
#[cfg(target_os = "linux")]
#[test]
fn raw_as_a_normal_user_is_refused_and_explained() {
    if !may_open_raw_sockets() {
        // Already a normal user: the test above saw the refusal.
        return;
    }
    let mut cmd = std::process::Command::new("setpriv");
    cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(bin("socket-basics"))
        .args(["--step", "raw"]);
    let out = run(cmd, LIMIT);
    assert_raw_explained(&out, false);
    assert!(out.stdout.contains("os error 1"), "EPERM: {}", out.stdout);
}

#[test]
fn one_step_prints_only_that_row() {
    let out = tour(&["--step", "bind"]);
    assert!(out.status.success(), "{out:?}");
    let rows = rows(&out.stdout);
    assert_eq!(rows.len(), 1, "{}", out.stdout);
    assert_eq!(rows[0].0, "bind");
    assert!(has_real_addr(&rows[0].1), "{}", out.stdout);
    assert!(!out.stdout.contains("====="), "no part headings");

    // Names are matched regardless of case; each row runs on its own.
    for name in ["settimeout", "af_unix", "makefile"] {
        let out = tour(&["--step", name]);
        assert!(out.status.success(), "{name}: {out:?}");
        assert_eq!(rows_named(&out.stdout).len(), 1, "{}", out.stdout);
    }
}

fn rows_named(stdout: &str) -> Vec<String> {
    rows(stdout).into_iter().map(|(name, _)| name).collect()
}

#[test]
fn a_bad_step_is_a_usage_error() {
    let out = tour(&["--step", "bnid"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(out.stdout.is_empty(), "{out:?}");
    assert!(out.stderr.contains("bnid"), "{}", out.stderr);
    for name in ROWS {
        assert!(
            out.stderr.contains(name),
            "{name} not listed: {}",
            out.stderr
        );
    }

    let out = tour(&["--nope"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let out = tour(&["--step"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}

#[test]
fn help_and_version() {
    let out = tour(&["--help"]);
    assert!(out.status.success(), "{out:?}");
    assert!(out.stdout.contains("--step") && out.stdout.contains("--list"));
    let out = tour(&["-V"]);
    assert!(out.status.success(), "{out:?}");
    assert!(out.stdout.starts_with("socket-basics "), "{out:?}");
}
