//! The command-line contract every socket program shares (see the README):
//! `--host`, `--port`, and the options each program opts into.
//! `-h/--help` and `-V/--version` work everywhere; a wrong option is a usage
//! error: exit status 2 with a line saying what was wrong.

use std::ffi::OsString;
use std::io::{self, BufRead, IsTerminal};
use std::process;
use std::time::Duration;

use crate::usage::{self, Entry, Usage};
use crate::{eprintln, println};

use lexopt::prelude::*;

/// Default of `--max-clients` (tcp-server's classroom layer).
pub const MAX_CLIENTS: usize = 1000;

/// Default of `--idle-timeout`, in seconds (`0` = never).
pub const IDLE_TIMEOUT_S: u64 = 600;

/// 一个程序接受哪些选项：没打开的选项一律算用法错误。
///
/// What one program accepts. Options left `None`/`false` are rejected.
#[derive(Clone, Copy, Debug, Default)]
pub struct Spec {
    /// The crate name, as in `cargo run -p NAME`.
    pub name: &'static str,
    pub version: &'static str,
    /// First line of `--help`: the section and what the program does.
    pub about: &'static str,
    /// Servers bind `--host` and accept `--port 0`.
    pub server: bool,
    /// Default of `--delay-ms`, if the program has it.
    pub delay_ms: Option<u64>,
    /// Default of `--backlog`, if the program has it.
    pub backlog: Option<i32>,
    /// Default of `--timeout` in seconds, if the program has it.
    pub timeout_s: Option<u64>,
    /// The messages sent when none are given, if the program takes them.
    pub messages: Option<&'static [&'static str]>,
    /// Whether `--trace` (print every send/recv as bytes) is accepted.
    pub trace: bool,
    /// Whether `-i/--interactive` (read messages from stdin) is accepted.
    pub interactive: bool,
    /// Whether `-q/--quiet` (a server prints no line per message) is accepted.
    pub quiet: bool,
    /// Whether `--drop P` and `--seed N` (lose datagrams on purpose) are
    /// accepted.
    pub drop: bool,
    /// Default of `--accept-delay-ms` (pause before each accept), if any.
    pub accept_delay_ms: Option<u64>,
    /// Whether `--send-all-first` (send every message, then read) is accepted.
    pub send_all_first: bool,
    /// Whether `--max-clients` and `--idle-timeout` are accepted (defaults
    /// in tcp-server's classroom layer).
    pub limits: bool,
}

/// 读好的命令行选项，没给的用默认值。
///
/// The options after parsing, defaults filled in.
#[derive(Clone, Debug, PartialEq)]
pub struct Args {
    pub host: String,
    pub port: u16,
    pub delay: Duration,
    pub backlog: i32,
    pub timeout: Duration,
    pub messages: Vec<String>,
    pub trace: bool,
    pub interactive: bool,
    pub quiet: bool,
    /// `--drop`: the fraction of datagrams to lose on purpose, `0 <= P < 1`.
    pub drop: f64,
    /// `--seed`: fixes which datagrams `--drop` loses.
    pub seed: Option<u64>,
    pub accept_delay: Duration,
    pub send_all_first: bool,
    /// `--max-clients` as given; `None`: the default, fitted to the
    /// open-files limit (see tcp-server's `Clients::new`).
    pub max_clients: Option<usize>,
    /// `--idle-timeout`; `None` with `--idle-timeout 0` (never).
    pub idle_timeout: Option<Duration>,
}

impl Args {
    /// 要发送的消息：命令行给的，或者 `-i` 时从终端逐行读的。
    ///
    /// The messages to send: those of the command line, or with `-i` the
    /// lines typed (or piped) on stdin, until a line `end` or end of input.
    pub fn messages(&self) -> Messages {
        if !self.interactive {
            return Messages::Given(self.messages.clone().into_iter());
        }
        let terminal = io::stdin().is_terminal();
        if terminal {
            eprintln!(
                "逐行输入消息，回车发送；输入 end 或按 Ctrl-D 结束 \
                 / type a message per line; end or Ctrl-D to finish"
            );
        }
        Messages::Typed {
            stdin: io::stdin().lock(),
            prompt: terminal,
        }
    }
}

/// 一条一条取出要发送的消息，见 [`Args::messages`]。
pub enum Messages {
    Given(std::vec::IntoIter<String>),
    Typed {
        stdin: io::StdinLock<'static>,
        prompt: bool,
    },
}

impl Iterator for Messages {
    type Item = io::Result<String>;

    fn next(&mut self) -> Option<Self::Item> {
        let (stdin, prompt) = match self {
            Messages::Given(given) => return given.next().map(Ok),
            Messages::Typed { stdin, prompt } => (stdin, *prompt),
        };
        loop {
            if prompt {
                use io::Write as _;
                let _ = io::stderr().write_all(b"> ");
            }
            let mut line = Vec::new();
            match stdin.read_until(b'\n', &mut line) {
                Ok(0) => return None, // Ctrl-D or the end of a pipe
                Ok(_) => {}
                Err(err) => return Some(Err(err)),
            }
            let line = String::from_utf8_lossy(&line);
            let line = line.trim_end_matches(['\r', '\n']);
            if line.trim() == "end" {
                return None;
            }
            // An empty line would be a send of 0 bytes: nothing to send.
            if !line.is_empty() {
                return Some(Ok(line.to_string()));
            }
        }
    }
}

/// What the command line asked for. `A` is a program's own options (the
/// HTTP programs have their own).
#[derive(Debug, PartialEq)]
pub enum Parsed<A = Args> {
    Run(A),
    Help(String),
    Version(String),
}

impl<A> Parsed<A> {
    /// The options to run with; for `--help`/`--version`, prints the text
    /// and exits 0.
    pub fn or_exit(self) -> A {
        match self {
            Parsed::Run(args) => args,
            Parsed::Help(text) | Parsed::Version(text) => {
                println!("{text}");
                process::exit(0)
            }
        }
    }
}

impl Spec {
    /// 服务端的预设：`--host`/`--port 0`、`--trace`、`--quiet`；清单里只写不同的地方。
    ///
    /// What both servers accept; a listing states only what differs
    /// (`..Spec::SERVER`).
    pub const SERVER: Spec = Spec {
        name: "",
        version: "",
        about: "",
        server: true,
        delay_ms: None,
        backlog: None,
        timeout_s: None,
        messages: None,
        trace: true,
        interactive: false,
        quiet: true,
        drop: false,
        accept_delay_ms: None,
        send_all_first: false,
        limits: false,
    };

    /// 客户端的预设：`--host`/`--port`、`--trace`、`-i`；清单里只写不同的地方。
    ///
    /// What both clients accept; a listing states only what differs
    /// (`..Spec::CLIENT`).
    pub const CLIENT: Spec = Spec {
        server: false,
        interactive: true,
        quiet: false,
        ..Spec::SERVER
    };

    /// 课堂分步示例的预设：只有 `--host`/`--port`（`--port 0` 由系统挑选）。
    ///
    /// The live-coding stages of tcp-server (`cargo run -p tcp-server
    /// --example 1-accept`) take only the host and the port; `command` is
    /// what follows `cargo run -p` in `--help`.
    pub const fn stage(command: &'static str) -> Spec {
        Spec {
            name: command,
            version: env!("CARGO_PKG_VERSION"),
            about: "tcp-server 分步示例 / a live-coding stage of tcp-server",
            trace: false,
            quiet: false,
            ..Spec::SERVER
        }
    }

    /// 读本程序的命令行；`--help` 打印帮助，用错了说明原因并以 2 退出。
    ///
    /// Parses the process's arguments. Prints help or version and exits 0,
    /// or prints a usage error and exits 2.
    pub fn parse(&self) -> Args {
        match self.parse_from(std::env::args_os().skip(1)) {
            Ok(parsed) => parsed.or_exit(),
            Err(message) => usage::exit(self.name, &message),
        }
    }

    /// Parses `args` (without the program name). `Err` is the usage error.
    pub fn parse_from<I>(&self, args: I) -> Result<Parsed, String>
    where
        I: IntoIterator,
        I::Item: Into<OsString>,
    {
        self.parse_inner(args).map_err(|e| {
            let entries = self.entries();
            Usage::from_lexopt(e, &usage::known(&entries)).to_string()
        })
    }

    fn parse_inner<I>(&self, args: I) -> Result<Parsed, lexopt::Error>
    where
        I: IntoIterator,
        I::Item: Into<OsString>,
    {
        let mut parser = lexopt::Parser::from_args(args);
        let mut host = None;
        let mut port = crate::DEFAULT_PORT;
        let mut delay_ms = self.delay_ms.unwrap_or(0);
        let mut backlog = self.backlog.unwrap_or(1);
        let mut timeout_s = self.timeout_s.map_or(0.0, |s| s as f64);
        let mut messages = Vec::new();
        let mut trace = false;
        let mut interactive = false;
        let mut quiet = false;
        let mut drop_fraction = 0.0;
        let mut seed = None;
        let mut accept_delay_ms = self.accept_delay_ms.unwrap_or(0);
        let mut send_all_first = false;
        let mut max_clients = None;
        let mut idle_s = IDLE_TIMEOUT_S as f64;
        // --host/--port as given, for hints such as "start the server first".
        let mut given = Vec::new();
        while let Some(arg) = parser.next()? {
            match arg {
                Short('h') | Long("help") => {
                    usage::reject_value(&mut parser, "--help")?;
                    return Ok(Parsed::Help(self.help()));
                }
                Short('V') | Long("version") => {
                    usage::reject_value(&mut parser, "--version")?;
                    return Ok(Parsed::Version(format!(
                        "{} {}",
                        self.name, self.version
                    )));
                }
                Long("host") => {
                    let value = parser.value()?.string()?;
                    let value = value.trim();
                    if value.is_empty() {
                        return Err("--host 不能为空 / --host is empty".into());
                    }
                    host = Some(value.to_string());
                    given.extend(["--host".to_string(), value.to_string()]);
                }
                Long("port") => {
                    let value = parser.value()?;
                    port = number(&value, "--port", "0–65535")?;
                    if port == 0 && !self.server {
                        return Err(
                            "客户端不能连接端口 0，请给出服务端的端口 \
                                    / a client cannot connect to port 0"
                                .into(),
                        );
                    }
                    given.extend(["--port".to_string(), port.to_string()]);
                }
                Long("delay-ms") if self.delay_ms.is_some() => {
                    delay_ms =
                        number(&parser.value()?, "--delay-ms", "毫秒数")?;
                }
                Long("backlog") if self.backlog.is_some() => {
                    backlog = number(&parser.value()?, "--backlog", "≥ 1")?;
                    if backlog < 1 {
                        return Err(
                            "--backlog 至少为 1 / --backlog must be at least 1"
                                .into(),
                        );
                    }
                }
                Long("timeout") if self.timeout_s.is_some() => {
                    timeout_s = timeout_secs(&parser.value()?)?;
                }
                Long("trace") if self.trace => trace = true,
                Short('i') | Long("interactive") if self.interactive => {
                    interactive = true;
                }
                Short('q') | Long("quiet") if self.quiet => quiet = true,
                Long("drop") if self.drop => {
                    drop_fraction = fraction(&parser.value()?)?;
                }
                Long("seed") if self.drop => {
                    seed = Some(number(&parser.value()?, "--seed", "≥ 0")?);
                }
                Long("accept-delay-ms") if self.accept_delay_ms.is_some() => {
                    let value = parser.value()?;
                    accept_delay_ms =
                        number(&value, "--accept-delay-ms", "毫秒数")?;
                }
                Long("send-all-first") if self.send_all_first => {
                    send_all_first = true;
                }
                Long("max-clients") if self.limits => {
                    let n = number(&parser.value()?, "--max-clients", "≥ 1")?;
                    if n < 1 {
                        return Err("--max-clients 至少为 1 \
                                    / --max-clients must be at least 1"
                            .into());
                    }
                    max_clients = Some(n);
                }
                Long("idle-timeout") if self.limits => {
                    idle_s = number(&parser.value()?, "--idle-timeout", "秒")?;
                    if !(0.0..=86_400.0).contains(&idle_s) {
                        return Err("--idle-timeout 应在 0 到 86400 秒之间 \
                                    / --idle-timeout must be 0 to 86400 s"
                            .into());
                    }
                }
                Value(value) if self.messages.is_some() => {
                    let message = value.string()?;
                    if message.is_empty() {
                        return Err(
                            "消息不能为空 / a message cannot be empty".into()
                        );
                    }
                    messages.push(message);
                }
                _ => return Err(arg.unexpected()),
            }
        }
        if interactive && !messages.is_empty() {
            return Err("-i 从终端读消息，不能再在命令行给出消息 \
                        / -i reads the messages from stdin: give none here"
                .into());
        }
        if messages.is_empty() && !interactive {
            let defaults = self.messages.unwrap_or_default();
            messages = defaults.iter().map(|m| m.to_string()).collect();
        }
        crate::explain::remember_options(given);
        Ok(Parsed::Run(Args {
            host: host.unwrap_or_else(crate::default_host),
            port,
            delay: Duration::from_millis(delay_ms),
            backlog,
            timeout: Duration::from_secs_f64(timeout_s),
            messages,
            trace,
            interactive,
            quiet,
            drop: drop_fraction,
            seed,
            accept_delay: Duration::from_millis(accept_delay_ms),
            send_all_first,
            max_clients,
            idle_timeout: (idle_s > 0.0)
                .then(|| Duration::from_secs_f64(idle_s)),
        }))
    }

    /// The `--help` text: usage line, arguments, options (see
    /// [`usage::help`]).
    pub fn help(&self) -> String {
        let mut arguments = Vec::new();
        let mut usage_line = "[OPTIONS]".to_string();
        if let Some(defaults) = self.messages {
            usage_line += " [MESSAGE]...";
            let shown = defaults
                .iter()
                .map(|m| match m.contains(' ') {
                    true => format!("\"{m}\""),
                    false => m.to_string(),
                })
                .collect::<Vec<_>>()
                .join(" ");
            arguments.push(
                Entry::new("[MESSAGE]...", "要发送的消息", "messages to send")
                    .default(&shown, &shown),
            );
        }
        usage::help(
            self.about,
            &usage::invocation(self.name),
            &usage_line,
            &arguments,
            &self.entries(),
            "",
        )
    }

    /// The options this program accepts, as `--help` lists them.
    fn entries(&self) -> Vec<Entry> {
        let mut entries = Vec::new();
        let (zh, en) = if self.server {
            (
                "绑定的地址，0.0.0.0 = 所有网卡",
                "address to bind, 0.0.0.0 = all",
            )
        } else {
            ("服务端的地址", "the server to reach")
        };
        entries.push(
            Entry::new("--host <HOST>", zh, en)
                .default("本机主机名", "this machine's hostname"),
        );
        let (zh, en) = if self.server {
            ("端口，0 = 由系统挑选", "port, 0 lets the system pick")
        } else {
            ("服务端的端口", "the server's port")
        };
        let port = crate::DEFAULT_PORT;
        entries.push(Entry::new("--port <PORT>", zh, en).default(port, port));
        if let Some(ms) = self.delay_ms {
            entries.push(
                Entry::new(
                    "--delay-ms <MS>",
                    "等待的毫秒数，即原文的 sleep(1)",
                    "pause in milliseconds (the text's sleep(1))",
                )
                .default(ms, ms),
            );
        }
        if let Some(n) = self.backlog {
            entries.push(
                Entry::new(
                    "--backlog <N>",
                    "listen() 的排队上限",
                    "listen() backlog",
                )
                .default(n, n),
            );
        }
        if let Some(s) = self.timeout_s {
            entries.push(
                Entry::new(
                    "--timeout <SECS>",
                    "最多等待回答的秒数",
                    "seconds to wait for an answer",
                )
                .default(s, s),
            );
        }
        if self.trace {
            entries.push(Entry::new(
                "--trace",
                "在 stderr 显示每次收发的字节",
                "show every send and recv as bytes on stderr",
            ));
        }
        if self.interactive {
            entries.push(Entry::new(
                "-i, --interactive",
                "从终端逐行读取消息，end 或 Ctrl-D 结束",
                "read messages line by line, until end or Ctrl-D",
            ));
        }
        if self.quiet {
            entries.push(Entry::new(
                "-q, --quiet",
                "不逐条打印收到的消息",
                "no line per message received",
            ));
        }
        if self.drop {
            entries.push(
                Entry::new(
                    "--drop <P>",
                    "故意丢掉这个比例的数据报，0 ≤ P < 1",
                    "drop this fraction of datagrams on purpose, 0 ≤ P < 1",
                )
                .default(0, 0),
            );
            entries.push(Entry::new(
                "--seed <N>",
                "--drop 的随机种子：同一个种子丢同一批",
                "random seed for --drop: the same seed drops the same ones",
            ));
        }
        if let Some(ms) = self.accept_delay_ms {
            entries.push(
                Entry::new(
                    "--accept-delay-ms <MS>",
                    "每次 accept 前先等这么多毫秒，让排队的连接堆起来（演示 backlog）",
                    "pause before each accept, so the queue fills (backlog demo)",
                )
                .default(ms, ms),
            );
        }
        if self.send_all_first {
            entries.push(Entry::new(
                "--send-all-first",
                "先发完所有消息再读回复（演示字节流和数据报）",
                "send every message first, then read the replies",
            ));
        }
        if self.limits {
            let max = MAX_CLIENTS;
            entries.push(
                Entry::new(
                    "--max-clients <N>",
                    "最多同时服务的连接数，多出的被告知“已满”",
                    "most clients at once; more are told it is full",
                )
                .default(
                    format!("{max}，不超过 ulimit -n"),
                    format!("{max}, within ulimit -n"),
                ),
            );
            let idle = IDLE_TIMEOUT_S;
            entries.push(
                Entry::new(
                    "--idle-timeout <SECS>",
                    "连接空闲多少秒后断开，0 = 不断开",
                    "close a connection silent that long, 0 = never",
                )
                .default(idle, idle),
            );
        }
        entries.push(Entry::new("-h, --help", "显示本帮助", "show this help"));
        entries.push(Entry::new(
            "-V, --version",
            "显示版本",
            "show the version",
        ));
        entries
    }
}

fn number<T>(
    value: &std::ffi::OsStr,
    option: &str,
    range: &str,
) -> Result<T, lexopt::Error>
where
    T: std::str::FromStr,
{
    let text = value.to_string_lossy();
    text.trim().parse().map_err(|_| {
        let got = usage::quote(value);
        Usage::new(
            format!("{option} 需要一个数（{range}），收到 {got}"),
            format!("{option} needs a number, got {got}"),
        )
        .into()
    })
}

/// The value of `--drop`: a fraction, `0 <= P < 1` (1 would answer no one).
fn fraction(value: &std::ffi::OsStr) -> Result<f64, String> {
    let text = value.to_string_lossy();
    let got = usage::quote(value);
    match text.trim().parse::<f64>() {
        Ok(p) if (0.0..1.0).contains(&p) => Ok(p),
        _ => Err(format!(
            "--drop 是要丢掉的比例，应满足 0 ≤ P < 1（例如 0.3），收到 {got}\n\
             --drop takes a fraction 0 ≤ P < 1 (e.g. 0.3), got {got}"
        )),
    }
}

/// The value of `--timeout`: seconds, more than 0 and at most a day.
pub fn timeout_secs(value: &std::ffi::OsStr) -> Result<f64, String> {
    let text = value.to_string_lossy();
    let got = usage::quote(value);
    match text.trim().parse::<f64>() {
        Ok(s) if (0.001..=86_400.0).contains(&s) => Ok(s),
        _ => Err(format!(
            "--timeout 应在 0.001 到 86400 秒之间，收到 {got}\n\
             --timeout must be 0.001 to 86400 seconds, got {got}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERVER: Spec = Spec {
        name: "tcp-server",
        version: "0.1.0",
        delay_ms: Some(1000),
        backlog: Some(1024),
        limits: true,
        ..Spec::SERVER
    };

    const CLIENT: Spec = Spec {
        name: "tcp-client",
        timeout_s: Some(5),
        messages: Some(&["a", "b"]),
        trace: false,
        ..Spec::CLIENT
    };

    fn run(spec: &Spec, args: &[&str]) -> Args {
        match spec.parse_from(args) {
            Ok(Parsed::Run(args)) => args,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn defaults_follow_the_text() {
        let args = run(&SERVER, &["--host", "127.0.0.1"]);
        assert_eq!(args.port, 10000);
        assert_eq!(args.delay, Duration::from_secs(1));
        assert_eq!(args.backlog, 1024);
        let args = run(&CLIENT, &["--host", "::1"]);
        assert_eq!(args.messages, ["a", "b"]);
        assert_eq!(args.timeout, Duration::from_secs(5));
    }

    #[test]
    fn options_are_read() {
        let args = run(
            &SERVER,
            &["--host=::1", "--port", "0", "--delay-ms", "0", "--trace"],
        );
        assert_eq!((args.host.as_str(), args.port), ("::1", 0));
        assert_eq!(args.delay, Duration::ZERO);
        assert!(args.trace && !args.quiet);
        assert!(run(&SERVER, &["--host", "h", "-q"]).quiet);
        assert!(CLIENT.parse_from(["--quiet"]).is_err());
        let args = run(&CLIENT, &["--host", "h", "x", "y", "--timeout", "0.5"]);
        assert_eq!(args.messages, ["x", "y"]);
        assert_eq!(args.timeout, Duration::from_millis(500));
        let args = run(&CLIENT, &["--host", "h", "-i"]);
        assert!(args.interactive && args.messages.is_empty());
    }

    #[test]
    fn a_stage_takes_host_and_port_only() {
        let stage = Spec::stage("tcp-server --example 1-accept");
        let args = run(&stage, &["--host", "127.0.0.1", "--port", "0"]);
        assert_eq!((args.host.as_str(), args.port), ("127.0.0.1", 0));
        for other in ["--trace", "-q", "--delay-ms", "-i", "--timeout"] {
            assert!(stage.parse_from([other]).is_err(), "{other}");
        }
        let Ok(Parsed::Help(help)) = stage.parse_from(["-h"]) else {
            panic!()
        };
        assert!(
            help.contains("用法 / Usage:") && help.contains("--port <PORT>")
        );
        let under_cargo =
            usage::started_as(stage.name, Some("tcp-server".as_ref()), None);
        assert_eq!(
            under_cargo,
            "cargo run -p tcp-server --example 1-accept --"
        );
    }

    #[test]
    fn the_servers_limits() {
        let args = run(&SERVER, &["--host", "h"]);
        assert_eq!(args.max_clients, None, "the default, fitted later");
        assert_eq!(args.idle_timeout, Some(Duration::from_secs(600)));
        let args = run(
            &SERVER,
            &["--host", "h", "--max-clients", "50", "--idle-timeout", "0"],
        );
        assert_eq!((args.max_clients, args.idle_timeout), (Some(50), None));
        let args = run(&SERVER, &["--host", "h", "--idle-timeout", "1.5"]);
        assert_eq!(args.idle_timeout, Some(Duration::from_millis(1500)));
        for bad in [
            &["--max-clients", "0"][..],
            &["--max-clients", "-3"],
            &["--idle-timeout", "-1"],
            &["--idle-timeout", "nan"],
        ] {
            assert!(SERVER.parse_from(bad).is_err(), "{bad:?}");
        }
        assert!(CLIENT.parse_from(["--max-clients", "5"]).is_err());
        let Ok(Parsed::Help(help)) = SERVER.parse_from(["--help"]) else {
            panic!()
        };
        assert!(
            help.contains("--max-clients") && help.contains("--idle-timeout")
        );
    }

    #[test]
    fn mistakes_are_usage_errors() {
        for bad in [
            &["--port", "abc"][..],
            &["--port", "70000"],
            &["--port"],
            &["--nope"],
            &["--timeout", "1"],
            &["-i"],
            &["stray"],
            &["--backlog", "0"],
            &["--host", ""],
            &["-x"],
        ] {
            let err = SERVER.parse_from(bad).unwrap_err();
            assert!(!err.is_empty(), "{bad:?}");
        }
        assert!(CLIENT.parse_from(["--port", "0"]).is_err());
        assert!(CLIENT.parse_from(["ok", ""]).is_err());
        assert!(CLIENT.parse_from(["--timeout", "0"]).is_err());
        assert!(CLIENT.parse_from(["--timeout", "nan"]).is_err());
        assert!(CLIENT.parse_from(["--timeout", "1e-12"]).is_err());
        assert!(CLIENT.parse_from(["-i", "given"]).is_err());
    }

    #[test]
    fn drop_takes_a_fraction_below_one() {
        const UDP: Spec = Spec {
            drop: true,
            ..Spec::SERVER
        };
        let args = run(&UDP, &["--host", "h"]);
        assert_eq!((args.drop, args.seed), (0.0, None));
        let args = run(&UDP, &["--host", "h", "--drop", "0.3", "--seed", "7"]);
        assert_eq!((args.drop, args.seed), (0.3, Some(7)));
        assert_eq!(run(&UDP, &["--host", "h", "--drop", "0"]).drop, 0.0);
        for bad in ["1", "1.5", "-0.1", "nan", "inf", "abc", "", "50%"] {
            let err = UDP.parse_from(["--drop", bad]).unwrap_err();
            assert!(err.contains("0 ≤ P < 1"), "{bad}: {err}");
            assert!(err.contains(&format!("{bad:?}")), "{bad}: {err}");
        }
        assert!(UDP.parse_from(["--seed", "-1"]).is_err());
        // Only a program that opts in takes them.
        assert!(SERVER.parse_from(["--drop", "0.5"]).is_err());
        assert!(SERVER.parse_from(["--seed", "1"]).is_err());
        let Ok(Parsed::Help(help)) = UDP.parse_from(["--help"]) else {
            panic!()
        };
        assert!(help.contains("--drop <P>") && help.contains("--seed <N>"));
    }

    #[test]
    fn help_and_version() {
        let Ok(Parsed::Help(help)) = SERVER.parse_from(["--help"]) else {
            panic!()
        };
        for option in ["--host", "--port", "--delay-ms", "--backlog", "--trace"]
        {
            assert!(help.contains(option), "{option}");
        }
        assert!(!help.contains("--timeout"));
        assert_eq!(
            SERVER.parse_from(["-V"]),
            Ok(Parsed::Version("tcp-server 0.1.0".into()))
        );
    }
}
