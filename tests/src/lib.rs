//! Helpers for the end-to-end tests: find the programs, start them, wait
//! for a server's first line with a deadline, and kill whatever was started,
//! also when a test fails (every child sits in a guard that kills on drop).

// Test support: a failed assumption here should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

/// How long a server may take to print its first line.
pub const START_DEADLINE: Duration = Duration::from_secs(20);

/// The bound on every wait in a test: a client run, a reply, a log line.
pub const LIMIT: Duration = Duration::from_secs(30);

/// What both servers put before the message in their reply, as the text's
/// `'服务端接收到数据：%s' % data`.
pub const REPLY: &str = "服务端接收到数据：";

/// The text's TCP client sends this.
pub const DEMO: &str = "Python TCP 第一个DEMO";

/// 本章的程序：README 让学生 `cargo run -p` 的那些包。
///
/// The chapter's programs: the packages the README tells a student to
/// `cargo run -p`.
pub const PROGRAMS: [&str; 8] = [
    "socket-basics",
    "tcp-client",
    "tcp-server",
    "udp-client",
    "udp-server",
    "http-get",
    "http-post",
    "http-raw",
];

/// The reply a server of the chapter sends for `message`.
pub fn reply(message: &str) -> String {
    format!("{REPLY}{message}")
}

/// Bytes as lowercase hex, as the Python peers log them.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Connects with a read timeout so a broken server fails the test instead
/// of hanging it.
pub fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect_timeout(&addr, LIMIT).unwrap();
    stream.set_read_timeout(Some(LIMIT)).unwrap();
    stream
}

/// Reads until `want` bytes have arrived (replies may come in pieces).
pub fn read_exactly(stream: &mut TcpStream, want: usize) -> Vec<u8> {
    let mut got = vec![0; want];
    stream.read_exact(&mut got).unwrap();
    got
}

/// One round trip of the text's protocol on a raw stream.
pub fn round_trip(stream: &mut TcpStream, message: &str) -> String {
    stream.write_all(message.as_bytes()).unwrap();
    let want = REPLY.len() + message.len();
    String::from_utf8(read_exactly(stream, want)).unwrap()
}

/// Each session of the classroom and load tests must be answered within
/// this.
pub const SESSION: Duration = Duration::from_secs(2);

/// One session of the text's client ([`try_session`]); panics with what
/// went wrong.
pub fn tcp_session(
    addr: SocketAddr,
    message: &str,
    limit: Duration,
) -> Duration {
    try_session(addr, message, limit).unwrap_or_else(|e| panic!("{e}"))
}

/// Tries a session until one succeeds, for at most `deadline`.
pub fn served_within(addr: SocketAddr, deadline: Duration) -> Duration {
    let start = Instant::now();
    loop {
        match try_session(addr, "还在吗", SESSION) {
            Ok(_) => return start.elapsed(),
            Err(e) if start.elapsed() > deadline => {
                panic!("not served within {deadline:?}: {e}")
            }
            Err(_) => thread::sleep(Duration::from_millis(100)),
        }
    }
}

/// One session of the text's client: send, read the reply, send `end`.
/// Returns how long it took, or what went wrong; each step waits at most
/// `limit`.
pub fn try_session(
    addr: SocketAddr,
    message: &str,
    limit: Duration,
) -> Result<Duration, String> {
    let start = Instant::now();
    let mut stream = TcpStream::connect_timeout(&addr, limit)
        .map_err(|e| format!("connect {message}: {e}"))?;
    stream.set_read_timeout(Some(limit)).unwrap();
    stream
        .write_all(message.as_bytes())
        .map_err(|e| format!("send {message}: {e}"))?;
    let mut got = vec![0; REPLY.len() + message.len()];
    stream
        .read_exact(&mut got)
        .map_err(|e| format!("reply to {message}: {e}"))?;
    if got != format!("{REPLY}{message}").as_bytes() {
        return Err(format!("reply {:?}", String::from_utf8_lossy(&got)));
    }
    let _ = stream.write_all(b"end");
    Ok(start.elapsed())
}

/// Runs a chapter client against `server` with `extra` arguments.
pub fn client_of(name: &str, server: &Server, extra: &[&str]) -> Finished {
    let mut cmd = program(name);
    cmd.args(server.target()).args(extra);
    run(cmd, LIMIT)
}

/// The workspace root.
pub fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace")
}

/// The path of one of the chapter's programs, built if needed.
///
/// `cargo test --workspace` only builds the binaries of packages that have
/// their own integration tests, so the first call per program runs
/// `cargo build -p NAME` (quick when it is up to date) into the same target
/// directory as this test.
pub fn bin(name: &str) -> PathBuf {
    built(&["-p", name, "--bin", name], Path::new(name))
}

/// The path of an example of a package (`cargo run -p PACKAGE --example
/// NAME`: tcp-server's live-coding stages, udp-client's retry answer),
/// built if needed: `cargo test` builds no examples of other packages.
pub fn example(package: &str, name: &str) -> PathBuf {
    let path = Path::new("examples").join(name);
    built(&["-p", package, "--example", name], &path)
}

/// Runs `cargo build ARGS` once per process, then gives the path of `file`
/// (without .exe) in the target directory of this test's profile.
fn built(args: &[&str], file: &Path) -> PathBuf {
    static BUILT: OnceLock<Mutex<HashSet<Vec<String>>>> = OnceLock::new();
    let exe = std::env::current_exe().expect("current exe");
    // target/<profile>/deps/<test> → target/<profile>
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("test binary lives in target/<profile>/deps");
    let key: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let mut built = BUILT.get_or_init(Default::default).lock().unwrap();
    if !built.contains(&key) {
        let mut cmd = cargo();
        cmd.args(["build", "--quiet"]).args(args);
        if profile_dir.file_name().is_some_and(|p| p == "release") {
            cmd.arg("--release");
        }
        let status = cmd.status().expect("run cargo build");
        assert!(status.success(), "cargo build {args:?} failed");
        built.insert(key);
    }
    let mut path = profile_dir.join(file).into_os_string();
    path.push(std::env::consts::EXE_SUFFIX);
    path.into()
}

/// `cargo` run in the workspace as a student runs it: without the
/// variables cargo sets for this test process. A build script that reads
/// one of them (ring's reads `CARGO_MANIFEST_DIR`) would otherwise see
/// another value than in `cargo run -p NAME`, and every program built here
/// would be built again, dependencies and all, by the student's next
/// `cargo run`.
pub fn cargo() -> Command {
    let exe = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(exe);
    cmd.current_dir(workspace());
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        let set_for_tests = ["CARGO_PKG_", "CARGO_MANIFEST_", "CARGO_CRATE_"]
            .iter()
            .any(|prefix| name.starts_with(prefix))
            || [
                "CARGO_BIN_NAME",
                "CARGO_PRIMARY_PACKAGE",
                "CARGO_TARGET_TMPDIR",
                "CARGO_RUSTC_CURRENT_DIR",
                "OUT_DIR",
            ]
            .contains(&name.as_ref());
        if set_for_tests {
            cmd.env_remove(name.as_ref());
        }
    }
    cmd
}

/// A command for one of the chapter's programs.
pub fn program(name: &str) -> Command {
    let mut cmd = Command::new(bin(name));
    cmd.env("RUST_BACKTRACE", "1"); // a panic would then be plain to see
    cmd
}

/// A command for a Python peer in `tests/py/`.
pub fn python(script: &str) -> Command {
    let mut cmd = Command::new(python_exe());
    cmd.arg("-u")
        .arg(workspace().join("tests/py").join(script))
        .env("PYTHONIOENCODING", "utf-8");
    cmd
}

fn python_exe() -> &'static str {
    static EXE: OnceLock<&'static str> = OnceLock::new();
    EXE.get_or_init(|| {
        for exe in ["python3", "python"] {
            let ok = Command::new(exe)
                .arg("--version")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if ok {
                return exe;
            }
        }
        panic!("these tests need Python 3 (python3 or python) on PATH")
    })
}

/// Text a child has written so far, shared with the thread that reads it.
#[derive(Clone, Default)]
pub struct Captured(Arc<(Mutex<String>, Condvar)>);

impl Captured {
    fn spawn_reader(stream: impl Read + Send + 'static) -> Self {
        let captured = Captured::default();
        let sink = captured.clone();
        thread::spawn(move || {
            let mut reader = BufReader::new(stream);
            let mut line = Vec::new();
            loop {
                line.clear();
                match reader.read_until(b'\n', &mut line) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        let (text, ready) = &*sink.0;
                        *text.lock().unwrap() +=
                            &String::from_utf8_lossy(&line);
                        ready.notify_all();
                    }
                }
            }
        });
        captured
    }

    /// Everything so far.
    pub fn text(&self) -> String {
        self.0.0.lock().unwrap().clone()
    }

    /// Waits until the text satisfies `done`, at most `deadline`; returns
    /// the text either way.
    pub fn wait_for(
        &self,
        deadline: Duration,
        done: impl Fn(&str) -> bool,
    ) -> String {
        let end = Instant::now() + deadline;
        let (text, ready) = &*self.0;
        let mut guard = text.lock().unwrap();
        while !done(&guard) {
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            guard = ready.wait_timeout(guard, left).unwrap().0;
        }
        guard.clone()
    }
}

/// A running child, killed and reaped when dropped.
pub struct Running {
    child: Child,
    /// The child leads its own process group (a shell pipeline): kill all.
    group: bool,
    pub stdout: Captured,
    pub stderr: Captured,
}

impl Running {
    /// Starts `cmd` with stdout and stderr captured and stdin closed.
    pub fn spawn(mut cmd: Command) -> Self {
        cmd.stdin(Stdio::null());
        Self::spawn_with_stdin(cmd)
    }

    /// Starts `cmd` with stdout and stderr captured; stdin as `cmd` says.
    pub fn spawn_with_stdin(mut cmd: Command) -> Self {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
        let stdout = Captured::spawn_reader(child.stdout.take().unwrap());
        let stderr = Captured::spawn_reader(child.stderr.take().unwrap());
        Running {
            child,
            group: false,
            stdout,
            stderr,
        }
    }

    /// Starts a shell pipeline (`sh -c "a | b"`) in its own process group,
    /// so that dropping it kills every process of the pipeline, not only
    /// the shell.
    #[cfg(unix)]
    pub fn spawn_pipeline(mut cmd: Command) -> Self {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0).stdin(Stdio::null());
        let mut running = Self::spawn_with_stdin(cmd);
        running.group = true;
        running
    }

    /// The child's stdin, if it was piped.
    pub fn stdin(&mut self) -> Option<std::process::ChildStdin> {
        self.child.stdin.take()
    }

    /// Waits for the child to exit, at most `deadline`; kills it and panics
    /// if it does not. Returns the status and how long it took.
    pub fn wait(&mut self, deadline: Duration) -> (ExitStatus, Duration) {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Let the reader threads take the last output.
                self.stdout.wait_for(Duration::from_millis(200), |_| false);
                return (status, start.elapsed());
            }
            if start.elapsed() > deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!(
                    "still running after {deadline:?}\nstdout:\n{}\nstderr:\n{}",
                    self.stdout.text(),
                    self.stderr.text()
                );
            }
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// Whether the child is still running.
    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// The child's process id.
    pub fn id(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if self.group {
            let _ = Command::new("kill")
                .args(["-KILL", "--"])
                .arg(format!("-{}", self.child.id()))
                .stderr(Stdio::null()) // the group may be gone already
                .status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `tests/py/http_peer.py` (the local web server of the HTTP tests) on
/// 127.0.0.1, at a port the system picks.
pub fn http_peer() -> Server {
    Server::start(python("http_peer.py"))
}

/// A finished run of a program.
#[derive(Debug)]
pub struct Finished {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

/// Runs `cmd` to the end (stdin closed), killing it after `deadline`.
pub fn run(cmd: Command, deadline: Duration) -> Finished {
    finish(Running::spawn(cmd), deadline)
}

/// Runs a shell pipeline to the end; see [`Running::spawn_pipeline`].
#[cfg(unix)]
pub fn run_pipeline(cmd: Command, deadline: Duration) -> Finished {
    finish(Running::spawn_pipeline(cmd), deadline)
}

/// Runs `cmd` to the end within [`LIMIT`]; its stdout and stderr must be
/// clean (see [`assert_clean`]).
pub fn run_clean(cmd: Command) -> Finished {
    let done = run(cmd, LIMIT);
    assert_clean(&done.stdout);
    assert_clean(&done.stderr);
    done
}

/// Runs the chapter program `name` with `args`; see [`run_clean`].
pub fn program_clean(name: &str, args: &[&str]) -> Finished {
    let mut cmd = program(name);
    cmd.args(args);
    run_clean(cmd)
}

/// Exit status 1 and an error of two lines (Chinese, English), none of
/// them the catch-all for an error nobody explained.
pub fn assert_error(done: &Finished) {
    assert_eq!(done.status.code(), Some(1), "{done:?}");
    assert_eq!(done.stderr.lines().count(), 2, "{}", done.stderr);
    assert!(
        !done.stderr.contains("出错了"),
        "unexplained: {}",
        done.stderr
    );
}

/// How many threads process `pid` has now (Linux only: `None` elsewhere).
pub fn threads(pid: u32) -> Option<usize> {
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).ok()?;
    Some(tasks.count())
}

/// CPU time (user + system) process `pid` has used so far, in seconds
/// (Linux only: `None` elsewhere).
pub fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may hold
    // spaces: state is field 3, utime 14, stime 15.
    let fields: Vec<&str> =
        stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()?
        + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / clock_ticks())
}

/// Clock ticks per second of /proc's times (`getconf CLK_TCK`, 100 on
/// every common Linux).
fn clock_ticks() -> f64 {
    static TICKS: OnceLock<f64> = OnceLock::new();
    *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| {
                String::from_utf8_lossy(&o.stdout).trim().parse().ok()
            })
            .unwrap_or(100.0)
    })
}

fn finish(mut running: Running, deadline: Duration) -> Finished {
    let (status, elapsed) = running.wait(deadline);
    Finished {
        status,
        stdout: running.stdout.text(),
        stderr: running.stderr.text(),
        elapsed,
    }
}

/// 书里展示的一段输出：`docs/src/output/NAME`，由跑这个演示的测试核对。
///
/// The book includes `docs/src/output/NAME`; the test that runs the demo
/// calls this with what the program printed, so that the demo runs once
/// (here) and not again in docs/check.py. The two are compared with every
/// `127.0.0.1:PORT` masked (ports change from run to run); with
/// `UPDATE_BOOK=1` the file is rewritten instead. `server_port` is shown
/// as the default 10000, as in the book's commands (docs/check.py's
/// `as_default_port` does the same).
pub fn book_output(name: &str, printed: &str, server_port: Option<u16>) {
    let path = workspace().join("docs/src/output").join(name);
    let mut shown = printed.to_string();
    if let Some(port) = server_port {
        // As the reader sees it with the default port, which no command names.
        shown = shown.replace(&format!(" --port {port}"), "");
        shown = shown.replace(&format!(":{port}"), ":10000");
    }
    if std::env::var_os("UPDATE_BOOK").is_some() {
        std::fs::write(&path, &shown).unwrap();
        return;
    }
    let book = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(
        mask_ports(&book),
        mask_ports(&shown),
        "docs/src/output/{name} is not what the program prints now; \
         rewrite it with UPDATE_BOOK=1 and the same cargo test"
    );
}

/// `127.0.0.1:54684` → `127.0.0.1:PORT`.
fn mask_ports(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("127.0.0.1:") {
        let (head, tail) = rest.split_at(at + "127.0.0.1:".len());
        out.push_str(head);
        let digits = tail.len()
            - tail.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        out.push_str(if digits > 0 { "PORT" } else { "" });
        rest = &tail[digits..];
    }
    out.push_str(rest);
    out
}

/// A server that has printed its first line, which ends with its address.
pub struct Server {
    pub process: Running,
    pub addr: SocketAddr,
}

impl Server {
    /// Starts `cmd` and waits (with a deadline) for the first line.
    pub fn start(cmd: Command) -> Self {
        Self::started(Running::spawn(cmd))
    }

    /// The same for a shell pipeline (see [`Running::spawn_pipeline`]).
    #[cfg(unix)]
    pub fn start_pipeline(cmd: Command) -> Self {
        Self::started(Running::spawn_pipeline(cmd))
    }

    fn started(process: Running) -> Self {
        let text = process
            .stdout
            .wait_for(START_DEADLINE, |text| text.contains('\n'));
        let first = text.lines().next().unwrap_or_else(|| {
            panic!("no first line; stderr:\n{}", process.stderr.text())
        });
        let addr = first
            .rsplit(' ')
            .next()
            .and_then(|word| word.trim().parse().ok())
            .unwrap_or_else(|| {
                panic!("first line ends in no address: {first}")
            });
        Server { process, addr }
    }

    /// A server program of the chapter on loopback, `--port 0`.
    pub fn chapter(name: &str, args: &[&str]) -> Self {
        let mut cmd = program(name);
        cmd.args(["--port", "0"]).args(args);
        if !args.contains(&"--host") {
            cmd.args(["--host", "127.0.0.1"]);
        }
        Self::start(cmd)
    }

    /// An example of `package` run as a server on loopback, `--port 0`
    /// (`tcp-server --example backlog`).
    pub fn example(package: &str, name: &str, args: &[&str]) -> Self {
        let mut cmd = Command::new(example(package, name));
        cmd.args(["--host", "127.0.0.1", "--port", "0"]).args(args);
        Self::start(cmd)
    }

    pub fn port(&self) -> String {
        self.addr.port().to_string()
    }

    /// `--host H --port P` for this server's address: aims a client at
    /// it, or a second server at the same port.
    pub fn target(&self) -> [String; 4] {
        ["--host".into(), self.host(), "--port".into(), self.port()]
    }

    pub fn host(&self) -> String {
        self.addr.ip().to_string()
    }

    /// Everything the server has printed on stdout so far.
    pub fn stdout(&self) -> String {
        self.process.stdout.text()
    }

    pub fn stderr(&self) -> String {
        self.process.stderr.text()
    }
}

/// No panic, no backtrace, no raw control character in `output`.
pub fn assert_clean(output: &str) {
    assert!(!output.contains("panicked"), "a panic:\n{output}");
    assert!(!output.contains("RUST_BACKTRACE"), "a backtrace:\n{output}");
    assert!(
        !output
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t'),
        "a raw control character:\n{output:?}"
    );
}

/// A server whose stdout is a pipe nobody reads after its first line, as
/// when it runs `> fifo` and the reader is stuck, or the projector's
/// terminal is paused with Ctrl-S. Killed on drop.
pub struct UnreadServer {
    child: Child,
    _stdout: std::process::ChildStdout,
    pub addr: SocketAddr,
}

impl UnreadServer {
    /// Starts `cmd` with `args` and reads only its first line (with a
    /// deadline), which ends with the bound address.
    pub fn start(mut cmd: Command, args: &str) -> Self {
        let mut child = cmd
            .args(args.split(' '))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        // Read the first line in a thread, so a server that never prints
        // it fails the test instead of hanging it.
        let (tx, rx) = std::sync::mpsc::channel();
        thread::spawn(move || {
            let mut stdout = stdout;
            let mut line = Vec::new();
            let mut byte = [0];
            while stdout.read_exact(&mut byte).is_ok() && byte[0] != b'\n' {
                line.push(byte[0]);
            }
            let first = String::from_utf8_lossy(&line).into_owned();
            let _ = tx.send((first, stdout));
        });
        let Ok((first, stdout)) = rx.recv_timeout(START_DEADLINE) else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?}: no first line");
        };
        let addr = first.rsplit(' ').next().unwrap().parse().unwrap();
        UnreadServer {
            child,
            _stdout: stdout,
            addr,
        }
    }
}

impl Drop for UnreadServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The load tests (floods, thousands of clients, a listen queue filled to
/// the open-files limit) live in the `load` test binary, which cargo runs
/// after `suite`; they take the machine's two cores, its memory for
/// sockets and its ports for a few seconds each, so they also run one at a
/// time there.
static LOAD: Mutex<()> = Mutex::new(());

/// 压测用：独占机器，直到返回值被丢弃。
///
/// Held by a load test (tests/tests/load/): no other load test runs
/// meanwhile.
pub fn heavy() -> MutexGuard<'static, ()> {
    LOAD.lock().unwrap_or_else(|e| e.into_inner())
}
