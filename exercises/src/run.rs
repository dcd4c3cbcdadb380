//! Building a student's program and running it under a deadline.
//!
//! Every child is held by a guard that kills and reaps it when dropped, so
//! a case that fails early, or panics inside the checker, leaves nothing
//! running. The child stays in the checker's process group: Ctrl-C in the
//! terminal then reaches both (std cannot catch SIGINT without unsafe code
//! or a dependency, so a child in a group of its own would outlive it).

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// How long a client may run before it is stopped.
pub const CLIENT_DEADLINE: Duration = Duration::from_secs(4);

/// How long a server may take to print its first line.
pub const START_DEADLINE: Duration = Duration::from_secs(3);

/// Which file to build: the student's starter or the reference answer.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Which {
    Starter,
    Solution,
}

impl Which {
    /// The cargo target for exercise `name`: `--bin NAME` or
    /// `--example NAME-solution`.
    pub fn target(self, name: &str) -> (&'static str, String) {
        match self {
            Which::Starter => ("--bin", name.to_string()),
            Which::Solution => ("--example", format!("{name}-solution")),
        }
    }
}

/// Builds the given targets of this crate with one `cargo build`; the
/// compiler's messages go to stderr as a student would see them. Returns
/// the executable of each target that built, by target name.
pub fn build(targets: &[(&str, String)]) -> (bool, HashMap<String, PathBuf>) {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let mut cmd = Command::new(cargo);
    cmd.arg("build")
        .arg("--manifest-path")
        .arg(&manifest)
        // Artifacts as JSON on stdout (to find each executable), the
        // compiler's messages rendered for humans on stderr.
        .arg("--message-format=json-render-diagnostics")
        // One exercise that does not compile must not stop the others.
        .arg("--keep-going")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    for (kind, name) in targets {
        cmd.arg(kind).arg(name);
    }
    let output = match cmd.output() {
        Ok(output) => output,
        Err(e) => {
            eprintln!("无法运行 cargo：{e} / cannot run cargo: {e}");
            return (false, HashMap::new());
        }
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let executables = stdout.lines().filter_map(artifact).collect();
    (output.status.success(), executables)
}

/// The target name and executable of one `compiler-artifact` JSON line.
pub fn artifact(line: &str) -> Option<(String, PathBuf)> {
    if !line.contains(r#""reason":"compiler-artifact""#) {
        return None;
    }
    let target = &line[line.find(r#""target":{"#)?..];
    let name = json_string(target, "name")?;
    let executable = json_string(line, "executable")?;
    Some((name, PathBuf::from(executable)))
}

/// The string value of the first `"key":"…"` in `json`, unescaped.
fn json_string(json: &str, key: &str) -> Option<String> {
    let start = json.find(&format!("\"{key}\":\""))? + key.len() + 4;
    let mut value = String::new();
    let mut chars = json[start..].chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(value),
            '\\' => match chars.next()? {
                'n' => value.push('\n'),
                't' => value.push('\t'),
                other => value.push(other), // \\ \" \/
            },
            c => value.push(c),
        }
    }
    None
}

/// A student's program while it runs, killed and reaped when dropped.
pub struct Running {
    child: Child,
    pub pid: u32,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
    first_line: Receiver<String>,
    readers: Vec<thread::JoinHandle<()>>,
}

/// How a program ended.
pub struct Ran {
    /// `None`: stopped at the deadline.
    pub status: Option<ExitStatus>,
    pub deadline: Duration,
    pub stdout: String,
    pub stderr: String,
}

impl Ran {
    pub fn code(&self) -> Option<i32> {
        self.status.and_then(|s| s.code())
    }

    /// How it ended, for a report: the exit code, or the deadline.
    pub fn ending(&self) -> String {
        match self.status {
            None if self.deadline.is_zero() => {
                "检查结束时仍在运行，已停止 / still running at the end, \
                 stopped"
                    .into()
            }
            None => format!(
                "{0} 秒内没有结束，已停止 / did not finish within {0} s",
                self.deadline.as_secs()
            ),
            Some(status) => match status.code() {
                Some(code) => format!("退出码 / exit code {code}"),
                None => format!("被信号终止 / killed by a signal ({status})"),
            },
        }
    }

    /// The ending, stdout and stderr, for a report.
    pub fn describe(&self) -> String {
        format!(
            "{}\nstdout:\n{}\nstderr:\n{}",
            self.ending(),
            indent(&self.stdout),
            indent(&self.stderr)
        )
    }

    /// Whether the output shows a Rust panic.
    pub fn panicked(&self) -> bool {
        self.stderr.contains("panicked")
    }
}

fn indent(text: &str) -> String {
    if text.is_empty() {
        return "  （空 / empty）".into();
    }
    text.lines()
        .map(|line| format!("  {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

impl Running {
    /// Starts `exe` with `args`, stdin closed, stdout and stderr captured.
    pub fn start(exe: &Path, args: &[String]) -> std::io::Result<Self> {
        let mut child = Command::new(exe)
            .args(args)
            .env("RUST_BACKTRACE", "0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let stdout = Arc::new(Mutex::new(String::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        let (tx, first_line) = mpsc::channel();
        let mut readers = Vec::new();
        if let Some(out) = child.stdout.take() {
            readers.push(collect(out, stdout.clone(), Some(tx)));
        }
        if let Some(err) = child.stderr.take() {
            readers.push(collect(err, stderr.clone(), None));
        }
        Ok(Running {
            pid: child.id(),
            child,
            stdout,
            stderr,
            first_line,
            readers,
        })
    }

    /// The first line on stdout, waited for at most `deadline`.
    pub fn first_line(&self, deadline: Duration) -> Option<String> {
        self.first_line.recv_timeout(deadline).ok()
    }

    /// Whether the program is still running.
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Waits for the end, at most `deadline`; stops the program then.
    pub fn finish(mut self, deadline: Duration) -> Ran {
        let end = Instant::now() + deadline;
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if Instant::now() < end => {
                    thread::sleep(Duration::from_millis(5));
                }
                _ => break None,
            }
        };
        self.stop(status, deadline)
    }

    /// Stops the program now (a server at the end of its case).
    pub fn kill(mut self) -> Ran {
        let status = self.child.try_wait().ok().flatten();
        self.stop(status, Duration::ZERO)
    }

    fn stop(&mut self, status: Option<ExitStatus>, deadline: Duration) -> Ran {
        if status.is_none() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
        // The pipes close with the program: the readers end at once.
        for reader in self.readers.drain(..) {
            let _ = reader.join();
        }
        let take = |text: &Arc<Mutex<String>>| {
            text.lock().map(|t| t.clone()).unwrap_or_default()
        };
        Ran {
            status,
            deadline,
            stdout: take(&self.stdout),
            stderr: take(&self.stderr),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Copies `stream` into `text` (lossy UTF-8), sending the first line on.
fn collect(
    stream: impl Read + Send + 'static,
    text: Arc<Mutex<String>>,
    mut first_line: Option<mpsc::Sender<String>>,
) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        let mut reader = BufReader::new(stream);
        let mut line = Vec::new();
        // Bounded: a program that prints without end is cut at 64 KiB.
        let mut total = 0;
        while let Ok(n) = reader.read_until(b'\n', &mut line) {
            if n == 0 {
                break;
            }
            let piece = String::from_utf8_lossy(&line).into_owned();
            total += n;
            if total <= 64 * 1024
                && let Ok(mut text) = text.lock()
            {
                text.push_str(&piece);
            }
            // Only the first line is waited for (a server's address).
            if let Some(first) = first_line.take() {
                let _ = first.send(piece.trim_end().to_string());
            }
            line.clear();
        }
    })
}

/// Runs a client program to its end (or the deadline).
pub fn client(exe: &Path, args: &[String]) -> Result<Ran, String> {
    let running = Running::start(exe, args).map_err(|e| e.to_string())?;
    Ok(running.finish(CLIENT_DEADLINE))
}

/// A student's server that has printed the address it bound.
pub struct Server {
    pub running: Running,
    pub addr: SocketAddr,
}

impl Server {
    /// Starts the server on `127.0.0.1:0` and reads its first line, which
    /// must end with the bound address.
    pub fn start(exe: &Path) -> Result<Server, String> {
        let running = Running::start(exe, &["127.0.0.1:0".to_string()])
            .map_err(|e| e.to_string())?;
        let Some(first) = running.first_line(START_DEADLINE) else {
            let ran = running.finish(Duration::ZERO);
            return Err(format!(
                "{} 秒内没有打印第一行（以地址结尾）/ no first line ending \
                 with the address within {0} s\n{}",
                START_DEADLINE.as_secs(),
                ran.describe()
            ));
        };
        let addr = first
            .rsplit(' ')
            .next()
            .and_then(|word| word.trim().parse::<SocketAddr>().ok());
        match addr {
            Some(addr) if addr.ip().is_loopback() => {
                Ok(Server { running, addr })
            }
            // Bound to every address: reach it through loopback.
            Some(mut addr) if addr.ip().is_unspecified() => {
                addr.set_ip(match addr {
                    SocketAddr::V4(_) => Ipv4Addr::LOCALHOST.into(),
                    SocketAddr::V6(_) => Ipv6Addr::LOCALHOST.into(),
                });
                Ok(Server { running, addr })
            }
            // The checker talks to loopback only.
            Some(addr) => Err(format!(
                "服务端绑定了 {addr}，不是第一个参数给的 127.0.0.1:0 \
                 / the server bound {addr}, not 127.0.0.1:0 as given"
            )),
            None => Err(format!(
                "第一行没有以地址结尾 / the first line ends in no \
                 address: {}",
                crate::escape(&first)
            )),
        }
    }
}
