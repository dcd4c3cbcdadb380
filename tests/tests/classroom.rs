//! A classroom on one machine: a teacher and twenty students, each a Linux
//! network namespace with its own address on a private bridge. The
//! addresses (10.15.0.0/24) exist only inside the namespaces this test
//! creates, and every namespace is removed at the end, also when a step
//! fails (the `Lab` guard removes them on drop).
//!
//! Needs root and `ip` (iproute2); elsewhere each test prints a line
//! `skipped: <why>` and returns, and `.ci/run` counts those lines as
//! skipped, not passed.

// Test code: a failed step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{self, Write};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use chapter_tests::{DEMO, REPLY, Running, Server, assert_clean, bin};

const STUDENTS_RUN: &str = "学生运行 / students run: ";
const STUDENTS: usize = 20;
/// The teacher's address on the class bridge.
const TEACHER: &str = "10.15.0.1";
/// Every test here finishes within this, or fails.
const BUDGET: Duration = Duration::from_secs(50);

/// Says why a test did not run, where `.ci/run` sees it: straight to the
/// process's stderr, past the test harness's output capture.
fn skip(why: &str) {
    let _ = writeln!(io::stderr(), "skipped: {why}");
}

fn ip_cmd(args: &[&str], batch: Option<&str>) -> io::Result<Output> {
    let mut cmd = Command::new("ip");
    cmd.args(args)
        .stdin(if batch.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn()?;
    if let (Some(text), Some(mut stdin)) = (batch, child.stdin.take()) {
        stdin.write_all(text.as_bytes())?;
    }
    child.wait_with_output()
}

/// Runs `ip ARGS` (with `batch` on stdin, for `-batch -`); `Err` says
/// what failed. A machine that makes namespaces but no bridge or veth (a
/// container without those kernel modules) cannot host the class: that is
/// a reason to skip, not a failure of the programs.
fn ip(args: &[&str], batch: Option<&str>) -> Result<(), String> {
    let out = ip_cmd(args, batch).map_err(|e| format!("ip: {e}"))?;
    if out.status.success() {
        return Ok(());
    }
    Err(format!(
        "cannot set up the class network (ip {}): {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr).trim()
    ))
}

/// The namespaces of one test and the files it made; removed on drop.
struct Lab {
    /// `c15-PID-TAG-`: unique per process and test.
    prefix: String,
    namespaces: Vec<String>,
    etc_dirs: Vec<PathBuf>,
}

impl Lab {
    /// The teacher's namespace and `students` student namespaces, on one
    /// bridge that lives in a namespace of its own (the machine's own
    /// network is not touched). `Err` says why this machine cannot.
    fn new(tag: &str, students: usize) -> Result<Lab, String> {
        if !cfg!(target_os = "linux") {
            return Err("network namespaces exist only on Linux".into());
        }
        remove_stale();
        let prefix = format!("c15-{}-{tag}-", std::process::id());
        let mut lab = Lab {
            prefix,
            namespaces: Vec::new(),
            etc_dirs: Vec::new(),
        };
        // The first namespace is the probe: can this machine do it at all?
        let lan = lab.name("lan");
        match ip_cmd(&["netns", "add", &lan], None) {
            Err(e) => return Err(format!("no `ip` command (iproute2): {e}")),
            Ok(out) if !out.status.success() => {
                return Err(format!(
                    "cannot create a network namespace (needs root): {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                ));
            }
            Ok(_) => lab.namespaces.push(lan.clone()),
        }

        let hosts: Vec<String> = std::iter::once(lab.name("t"))
            .chain((1..=students).map(|i| lab.name(&format!("s{i:02}"))))
            .collect();
        let adds: String =
            hosts.iter().map(|h| format!("netns add {h}\n")).collect();
        // Recorded before they exist, so a failure half-way removes them.
        lab.namespaces.extend(hosts.iter().cloned());
        ip(&["-batch", "-"], Some(&adds))?;

        // The switch: a bridge, and a cable (veth pair) to each host.
        let mut switch = String::from("link add br0 type bridge\n");
        switch += "link set br0 up\n";
        for (i, host) in hosts.iter().enumerate() {
            switch += &format!(
                "link add p{i} type veth peer name eth0 netns {host}\n\
                 link set p{i} master br0\n\
                 link set p{i} up\n"
            );
        }
        ip(&["-n", &lan, "-batch", "-"], Some(&switch))?;

        // Each host: its address on the class network, cable plugged in.
        for (i, host) in hosts.iter().enumerate() {
            let setup = format!(
                "link set lo up\n\
                 addr add {} dev eth0\n\
                 link set eth0 up\n",
                format_args!("10.15.0.{}/24", host_number(i))
            );
            ip(&["-n", host, "-batch", "-"], Some(&setup))?;
        }
        Ok(lab)
    }

    fn name(&self, what: &str) -> String {
        format!("{}{what}", self.prefix)
    }

    fn teacher(&self) -> String {
        self.name("t")
    }

    fn student(&self, i: usize) -> String {
        self.name(&format!("s{i:02}"))
    }

    /// A command run inside namespace `ns`.
    fn exec(
        &self,
        ns: &str,
        program: impl AsRef<std::ffi::OsStr>,
        args: &[&str],
    ) -> Command {
        let mut cmd = Command::new("ip");
        cmd.args(["netns", "exec", ns]).arg(program).args(args);
        cmd.env("RUST_BACKTRACE", "1");
        cmd
    }

    /// Gives namespace `ns` an /etc/hosts of its own (`ip netns exec`
    /// mounts /etc/netns/NS/hosts over /etc/hosts).
    fn hosts_file(&mut self, ns: &str, text: &str) {
        let dir = PathBuf::from("/etc/netns").join(ns);
        self.etc_dirs.push(dir.clone());
        // Another test's guard may remove an empty /etc/netns just between
        // the two levels of create_dir_all: try again.
        for _ in 0..5 {
            if std::fs::create_dir_all(&dir).is_ok() {
                break;
            }
        }
        std::fs::write(dir.join("hosts"), text).unwrap();
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        // Deleting a namespace removes its cables and bridge with it.
        for ns in self.namespaces.iter().rev() {
            let _ = ip_cmd(&["netns", "delete", ns], None);
        }
        for dir in &self.etc_dirs {
            let _ = std::fs::remove_dir_all(dir);
        }
        let _ = std::fs::remove_dir("/etc/netns"); // only if now empty
    }
}

/// 10.15.0.1 for the teacher (host 0), 10.15.0.11… for the students.
fn host_number(i: usize) -> usize {
    if i == 0 { 1 } else { 10 + i }
}

/// Namespaces left by a run of this test that was killed (its guard never
/// ran): `c15-PID-…` whose process is gone.
fn remove_stale() {
    let Ok(out) = ip_cmd(&["netns", "list"], None) else {
        return;
    };
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let name = line.split_whitespace().next().unwrap_or("");
        let Some(pid) = name
            .strip_prefix("c15-")
            .and_then(|rest| rest.split('-').next())
        else {
            continue;
        };
        if !PathBuf::from("/proc").join(pid).exists() {
            let _ = ip_cmd(&["netns", "delete", name], None);
            let _ =
                std::fs::remove_dir_all(PathBuf::from("/etc/netns").join(name));
        }
    }
}

/// The arguments of the `cargo run -p CLIENT -- ARGS` line a server
/// printed for students, and that line.
fn printed_command(out: &str, client: &str) -> (Vec<String>, String) {
    let start = format!("{STUDENTS_RUN}cargo run -p {client} -- ");
    let line = out
        .lines()
        .find(|l| l.starts_with(&start))
        .unwrap_or_else(|| panic!("no `{start}` line:\n{out}"));
    let args = line[start.len()..]
        .split_whitespace()
        .map(String::from)
        .collect();
    (args, line.to_string())
}

/// Starts a server in the teacher's namespace, waiting for its first line
/// and then for the lines after it (the hints end with a line that names
/// a command, at most a moment after the first).
fn teacher_server(lab: &Lab, name: &str, args: &[&str]) -> Server {
    let server = Server::start(lab.exec(&lab.teacher(), bin(name), args));
    server
        .process
        .stdout
        .wait_for(Duration::from_secs(10), |t| t.lines().count() >= 3);
    server
}

fn wait_all(clients: &mut [(String, Running)], end: Instant) {
    for (who, client) in clients.iter_mut() {
        let left = end.saturating_duration_since(Instant::now());
        let (status, _) = client.wait(left.max(Duration::from_millis(1)));
        let (out, err) = (client.stdout.text(), client.stderr.text());
        assert_clean(&out);
        assert_clean(&err);
        assert!(status.success(), "{who}: {status}\n{out}{err}");
    }
}

/// Distinct client addresses in a server's log lines that start with
/// `prefix` and go on with `IP:PORT`.
fn peers(log: &str, prefix: &str) -> Vec<IpAddr> {
    let mut ips: Vec<IpAddr> = log
        .lines()
        .filter_map(|l| l.strip_prefix(prefix))
        .filter_map(|rest| rest.split_whitespace().next())
        .filter_map(|a| a.parse::<SocketAddr>().ok())
        .map(|a| a.ip())
        .collect();
    ips.sort();
    ips.dedup();
    ips
}

#[test]
fn twenty_students_reach_the_teacher_with_the_printed_command() {
    let begin = Instant::now();
    let lab = match Lab::new("class", STUDENTS) {
        Ok(lab) => lab,
        Err(why) => return skip(&format!("classroom test: {why}")),
    };
    // The teacher opens both servers to the class, default port 10000.
    let tcp = teacher_server(&lab, "tcp-server", &["--host", "0.0.0.0"]);
    let udp = teacher_server(&lab, "udp-server", &["--host", "0.0.0.0"]);
    assert_eq!(tcp.addr, "0.0.0.0:10000".parse().unwrap());
    assert_eq!(udp.addr, "0.0.0.0:10000".parse().unwrap());

    // What each server tells the students: the teacher's class address,
    // no --port (it is the default), and nothing on loopback.
    let (tcp_args, tcp_line) = printed_command(&tcp.stdout(), "tcp-client");
    let (udp_args, _) = printed_command(&udp.stdout(), "udp-client");
    assert_eq!(tcp_args, ["--host", TEACHER], "{}", tcp.stdout());
    assert_eq!(udp_args, ["--host", TEACHER], "{}", udp.stdout());
    for out in [tcp.stdout(), udp.stdout()] {
        assert!(!out.contains("127.0.0.1"), "{out}");
        assert!(!out.contains("fe80"), "{out}");
    }
    assert!(
        tcp.stdout()
            .contains(&format!("{STUDENTS_RUN}nc -N {TEACHER} 10000")),
        "{}",
        tcp.stdout()
    );
    assert!(
        udp.stdout()
            .contains(&format!("{STUDENTS_RUN}nc -u {TEACHER} 10000")),
        "{}",
        udp.stdout()
    );

    // Every student runs both printed commands at once.
    let tcp_args: Vec<&str> = tcp_args.iter().map(String::as_str).collect();
    let udp_args: Vec<&str> = udp_args.iter().map(String::as_str).collect();
    let mut clients = Vec::new();
    for i in 1..=STUDENTS {
        let me = lab.student(i);
        for (name, args) in
            [("tcp-client", &tcp_args), ("udp-client", &udp_args)]
        {
            let cmd = lab.exec(&me, bin(name), args);
            clients.push((format!("{me} {name}"), Running::spawn(cmd)));
        }
    }
    wait_all(&mut clients, begin + BUDGET);
    for (who, client) in &clients {
        let out = client.stdout.text();
        let want: &[&str] = if who.ends_with("tcp-client") {
            &[DEMO]
        } else {
            &["123", "234", "53"]
        };
        for message in want {
            let reply = format!("{REPLY}{message}");
            assert!(out.contains(&reply), "{who}: no {reply:?}\n{out}");
        }
    }

    // The servers saw twenty different machines, none of them the teacher.
    let students: Vec<IpAddr> = (1..=STUDENTS)
        .map(|i| format!("10.15.0.{}", host_number(i)).parse().unwrap())
        .collect();
    let tcp_log = tcp.process.stdout.wait_for(Duration::from_secs(10), |t| {
        t.matches("服务端处理完成").count() >= STUDENTS
    });
    assert_eq!(peers(&tcp_log, "接受到: "), students, "{tcp_log}");
    let udp_log = udp.stdout();
    assert_eq!(peers(&udp_log, "客户端地址： "), students, "{udp_log}");
    assert_eq!(udp_log.matches("客户端数据").count(), 3 * STUDENTS);
    assert_clean(&tcp_log);
    assert_clean(&udp_log);
    assert_clean(&tcp.stderr());
    assert_clean(&udp.stderr());

    // The nc line works too, where this machine's nc is the one the line
    // is written for (OpenBSD netcat, which has -N).
    let nc_help = Command::new("nc").arg("-h").output();
    let nc_has_n = nc_help.is_ok_and(|o| {
        let text = String::from_utf8_lossy(&o.stderr).into_owned()
            + &String::from_utf8_lossy(&o.stdout);
        text.lines().any(|l| l.trim_start().starts_with("-N"))
    });
    if nc_has_n {
        let nc = format!("{STUDENTS_RUN}nc -N ");
        let out = tcp.stdout();
        let line = out.lines().find(|l| l.starts_with(&nc)).unwrap();
        let command = &line[STUDENTS_RUN.len()..];
        let mut cmd = Command::new("ip");
        cmd.args(["netns", "exec", &lab.student(1), "sh", "-c"])
            .arg(format!("printf 'hello\\n' | {command}"));
        let mut nc_run = Running::spawn(cmd);
        let (status, _) = nc_run.wait(Duration::from_secs(15));
        let out = nc_run.stdout.text();
        assert!(status.success(), "{line}: {status}\n{out}");
        assert!(out.contains(&format!("{REPLY}hello")), "{line}:\n{out}");
    } else {
        let _ = writeln!(
            io::stderr(),
            "note: nc here has no -N (not OpenBSD netcat); only the cargo \
             line was run: {tcp_line}"
        );
    }
    assert!(begin.elapsed() < BUDGET, "took {:?}", begin.elapsed());
}

#[test]
fn a_server_on_the_default_host_is_out_of_the_students_reach_and_says_so() {
    let begin = Instant::now();
    let mut lab = match Lab::new("default", 2) {
        Ok(lab) => lab,
        Err(why) => return skip(&format!("classroom test: {why}")),
    };
    if Command::new("unshare").arg("--help").output().is_err() {
        return skip("classroom test: no `unshare` command (util-linux)");
    }
    // The teacher's machine as many are set up: its name resolves to
    // 127.0.1.1 (Debian and Ubuntu write that into /etc/hosts).
    let teacher = lab.teacher();
    lab.hosts_file(
        &teacher,
        "127.0.0.1 localhost\n127.0.1.1 teacher-pc\n::1 localhost\n",
    );
    // A hostname of its own (a UTS namespace), then the server with no
    // --host at all, as a student of the text would start it.
    let start = |name: &str, args: &[&str]| {
        let mut cmd = lab.exec(&teacher, "unshare", &["--uts", "sh", "-c"]);
        cmd.arg(
            "echo teacher-pc > /proc/sys/kernel/hostname && exec \"$0\" \"$@\"",
        )
        .arg(bin(name))
        .args(args);
        let server = Server::start(cmd);
        server
            .process
            .stdout
            .wait_for(Duration::from_secs(10), |t| t.lines().count() >= 3);
        server
    };

    for (server_name, client_name) in
        [("tcp-server", "tcp-client"), ("udp-server", "udp-client")]
    {
        let server = start(server_name, &[]);
        let out = server.stdout();
        assert_eq!(server.addr, "127.0.1.1:10000".parse().unwrap(), "{out}");
        // The hint: only this machine, and the command that opens it.
        let hint = format!("cargo run -p {server_name} -- --host 0.0.0.0");
        assert!(out.contains("127.0.1.1 是回环地址"), "{out}");
        assert!(out.contains("only this machine can connect"), "{out}");
        assert!(out.lines().any(|l| l.ends_with(&hint)), "{out}");
        assert!(!out.contains(STUDENTS_RUN), "{out}");

        // A student tries the teacher's address: nobody answers there.
        let mut cmd = lab.exec(
            &lab.student(1),
            bin(client_name),
            &["--host", TEACHER, "only-a-try"],
        );
        cmd.stdin(Stdio::null());
        let mut client = Running::spawn(cmd);
        let (status, _) = client.wait(Duration::from_secs(20));
        let err = client.stderr.text();
        assert_eq!(status.code(), Some(1), "{err}");
        assert!(err.contains(TEACHER), "{err}");
        assert_clean(&err);
        assert!(!server.stdout().contains("only-a-try"), "{}", out);
        drop(server);

        // Started the way the hint says, the same student gets through.
        let args: Vec<&str> =
            hint.split(" -- ").nth(1).unwrap().split(' ').collect();
        let open = start(server_name, &args);
        let (printed, _) = printed_command(&open.stdout(), client_name);
        assert_eq!(printed, ["--host", TEACHER]);
        let mut cmd = lab.exec(
            &lab.student(2),
            bin(client_name),
            &["--host", TEACHER, "hello"],
        );
        cmd.stdin(Stdio::null());
        let mut client = Running::spawn(cmd);
        let (status, _) = client.wait(Duration::from_secs(20));
        let reply = client.stdout.text();
        assert!(status.success(), "{reply}{}", client.stderr.text());
        assert!(reply.contains(&format!("{REPLY}hello")), "{reply}");
    }
    assert!(begin.elapsed() < BUDGET, "took {:?}", begin.elapsed());
}

/// On loopback (no namespaces needed): both servers say that only this
/// machine can connect, and give the command that opens them to the class,
/// with `--port` because it is not the default.
#[test]
fn a_server_on_loopback_says_only_this_machine_can_connect() {
    for name in ["tcp-server", "udp-server"] {
        for host in ["127.0.0.1", "::1"] {
            if host == "::1" && std::net::UdpSocket::bind("[::1]:0").is_err() {
                continue; // no IPv6 loopback on this machine
            }
            let server = Server::chapter(name, &["--host", host]);
            let out = server
                .process
                .stdout
                .wait_for(Duration::from_secs(10), |t| t.lines().count() >= 3);
            let lines: Vec<&str> = out.lines().collect();
            assert!(lines[0].ends_with(&server.addr.to_string()), "{out}");
            assert!(lines[1].starts_with("注意："), "{out}");
            assert!(lines[1].contains(&format!("{host} 是回环地址")), "{out}");
            assert!(lines[1].contains("only this machine can connect"));
            let open = format!(
                "cargo run -p {name} -- --host 0.0.0.0 --port {}",
                server.port()
            );
            assert!(lines[2].ends_with(&open), "{out}");
            assert!(!out.contains(STUDENTS_RUN), "{out}");
            assert_clean(&out);
        }
    }
}
