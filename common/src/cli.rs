//! 命令行：每个程序在自己的 main.rs 里把选项列成一张表，这里照表来读。
//!
//! Each program defines each of its options once, in a table below its
//! `run()` ([`Opt`]: the name and value placeholder, help in Chinese and
//! English, the default, and where the value goes). [`Program::parse`]
//! reads the command line against that table with lexopt and handles what
//! every program shares: `--host`/`--port` ([`Net`]), the clients'
//! messages and `-i` ([`Messages`]), `-h/--help`, `-V/--version`, and usage
//! errors (exit 2, see [`crate::usage`]). A few options several programs
//! have (`--delay-ms`, `--timeout`, `--trace`, `--quiet`) are defined here
//! once, and a program's table takes them by name ([`trace`]…).

use std::ffi::{OsStr, OsString};
use std::process;
use std::str::FromStr;
use std::time::Duration;

use lexopt::prelude::*;

use crate::explain::Bilingual;
pub use crate::messages::Messages;
use crate::println;
use crate::usage::{self, Entry};

/// Where an option's value is kept: `|args| &mut args.trace`.
pub type Field<A, T> = fn(&mut A) -> &mut T;

/// 一个程序：名字、版本、一句介绍，和它的选项表。
pub struct Program<A: 'static> {
    /// The crate name, as in `cargo run -p NAME` (an example adds
    /// `--example NAME`).
    pub name: &'static str,
    pub version: &'static str,
    /// First line of `--help`: the section and what the program does.
    pub about: &'static str,
    /// `--host`/`--port`, and where they are kept.
    pub net: Option<(Side, Field<A, Net>)>,
    /// The clients' `[MESSAGE]...` and `-i`: the text's messages, sent
    /// when none are given, and where the messages are kept.
    pub messages: Option<(&'static [&'static str], Field<A, Messages>)>,
    /// The program's own options, in the order `--help` lists them.
    pub options: &'static [Opt<A>],
    /// Positional arguments (a URL…): the n-th value goes to the n-th entry,
    /// every value after the last to the last one.
    pub arguments: &'static [Opt<A>],
    /// Checks of the whole command line, once it is read.
    pub finish: fn(&mut A) -> Result<(), Bilingual>,
    /// Shown after the options in `--help`; `{program}` becomes the
    /// command that started the program.
    pub examples: &'static str,
}

/// 服务端还是客户端：决定 --host 的说明，以及能不能用端口 0。
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Server,
    /// A client of the server crate named here (for "start it first").
    Client(&'static str),
}

/// 选项表里的一项。
///
/// One option: `flags` as `--help` shows it (`--delay-ms <MS>`,
/// `-q, --quiet`; a `<VALUE>` means it takes one), its help, its default,
/// and where its value goes.
pub struct Opt<A> {
    pub flags: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    pub default: Initial,
    pub set: Set<A>,
}

/// 默认值：没有；一个值（先照它设好，`--help` 里也这样写）；或只是一句说明。
#[derive(Clone, Copy, Debug)]
pub enum Initial {
    None,
    /// Stored before the command line is read (for an argument: when none
    /// is given), and shown in `--help`.
    Value(&'static str),
    /// Only shown (Chinese, English): the program works it out itself.
    Said(&'static str, &'static str),
}

/// 选项的值放到哪里、怎样检查。
pub enum Set<A> {
    /// A switch: `true` when given.
    Flag(Field<A, bool>),
    /// Milliseconds, a whole number.
    Millis(Field<A, Duration>),
    /// Seconds, 0.001 to 86400 (a timeout of 0 cannot be set).
    Seconds(Field<A, Duration>),
    /// A whole number, at least 1.
    Count(Field<A, i32>),
    /// A URL (http-get, http-raw): given at most once.
    Url(Field<A, String>),
    /// Anything else: read and checked by the program's own function.
    With(fn(&mut A, &Value) -> Result<(), Bilingual>),
}

/// `--host` 和 `--port`：每个套接字程序都有。
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Net {
    pub host: String,
    pub port: u16,
    /// A client's server crate, and the options given, for
    /// [`Net::start_server`].
    server: &'static str,
    given: Vec<String>,
}

impl Default for Net {
    fn default() -> Self {
        Net {
            host: String::new(),
            port: crate::DEFAULT_PORT,
            server: "",
            given: Vec::new(),
        }
    }
}

impl Net {
    /// 提示学生先启动服务端的命令，带上他给客户端的 --host/--port：
    /// `cargo run -p tcp-server -- --port 33099`.
    pub fn start_server(&self) -> String {
        crate::explain::server_command(self.server, &self.given)
    }
}

/// 命令行要做的事：运行、显示帮助或版本。
#[derive(Debug, PartialEq)]
pub enum Parsed<A> {
    Run(A),
    Help(String),
    Version(String),
}

/// 一个选项的值，连同选项名（出错时要说是哪个选项）。
pub struct Value<'a> {
    pub option: &'a str,
    pub raw: &'a OsStr,
}

impl Value<'_> {
    /// The value, quoted and escaped, for an error message.
    pub fn quoted(&self) -> String {
        usage::quote(self.raw)
    }

    /// 值的文字（不是合法 Unicode 时是用法错误）。
    pub fn text(&self) -> Result<String, Bilingual> {
        let text = self.raw.to_str().map(str::to_string);
        text.ok_or_else(|| {
            let value = lexopt::Error::NonUnicodeValue(self.raw.into());
            usage::from_lexopt(value, &[])
        })
    }

    /// 一个数；`range` 说明应在什么范围（中文，放进错误里）。
    pub fn number<T: FromStr>(&self, range: &str) -> Result<T, Bilingual> {
        let (option, got) = (self.option, self.quoted());
        let text = self.raw.to_string_lossy();
        text.trim().parse().map_err(|_| {
            Bilingual::new(
                format!("{option} 需要一个数（{range}），收到 {got}"),
                format!("{option} needs a number, got {got}"),
            )
        })
    }

    /// 至少为 1 的整数（--backlog、--max-clients）。
    pub fn at_least_one<T: FromStr + PartialOrd + From<u8>>(
        &self,
    ) -> Result<T, Bilingual> {
        let n: T = self.number("≥ 1")?;
        if n < T::from(1) {
            let option = self.option;
            return Err(Bilingual::new(
                format!("{option} 至少为 1"),
                format!("{option} must be at least 1"),
            ));
        }
        Ok(n)
    }

    /// 秒数，0.001（1 毫秒）到 86400：比 1 毫秒短的超时会变成 0，无法设置。
    pub fn seconds(&self) -> Result<Duration, Bilingual> {
        let (option, got) = (self.option, self.quoted());
        let text = self.raw.to_string_lossy();
        match text.trim().parse::<f64>() {
            Ok(s) if (0.001..=86_400.0).contains(&s) => {
                Ok(Duration::from_secs_f64(s))
            }
            _ => Err(Bilingual::new(
                format!(
                    "{option} 应在 0.001（1 毫秒）到 86400 秒之间，收到 {got}"
                ),
                format!(
                    "{option} must be 0.001 (1 ms) to 86400 seconds, got {got}"
                ),
            )),
        }
    }
}

impl<A> Opt<A> {
    /// The long name, `--delay-ms`.
    fn long(&self) -> &str {
        let word = self.flags.split([',', ' ']).find(|w| w.starts_with("--"));
        word.unwrap_or(self.flags)
    }

    /// The short name, `q` of `-q, --quiet`.
    fn short(&self) -> Option<char> {
        let first = self.flags.strip_prefix('-')?;
        let mut chars = first.chars();
        let c = chars.next().filter(|c| *c != '-')?;
        matches!(chars.next(), None | Some(',')).then_some(c)
    }

    fn takes_value(&self) -> bool {
        self.flags.contains('<')
    }

    fn store(&self, args: &mut A, raw: &OsStr) -> Result<(), Bilingual> {
        let value = Value {
            option: self.long(),
            raw,
        };
        match self.set {
            Set::Flag(field) => *field(args) = true,
            Set::Millis(field) => {
                *field(args) = Duration::from_millis(value.number("毫秒数")?);
            }
            Set::Seconds(field) => *field(args) = value.seconds()?,
            Set::Count(field) => *field(args) = value.at_least_one()?,
            Set::Url(field) if field(args).is_empty() => {
                *field(args) = value.text()?;
            }
            Set::Url(_) => {
                let value = value.quoted();
                return Err(Bilingual::new(
                    format!("只能给一个网址，多出来的是 {value}"),
                    format!(
                        "only one URL can be given, {value} is one too many"
                    ),
                ));
            }
            Set::With(store) => store(args, &value)?,
        }
        Ok(())
    }

    /// The entry of `--help`.
    fn entry(&self) -> Entry {
        let entry = Entry::new(self.flags, self.zh, self.en);
        match self.default {
            Initial::None => entry,
            Initial::Value(v) => entry.default(v, v),
            Initial::Said(zh, en) => entry.default(zh, en),
        }
    }
}

/// One entry of the table, for the options several programs share.
const fn opt<A>(
    flags: &'static str,
    help: [&'static str; 2],
    default: Initial,
    set: Set<A>,
) -> Opt<A> {
    let [zh, en] = help;
    Opt {
        flags,
        zh,
        en,
        default,
        set,
    }
}

/// `--delay-ms <MS>`：原文的 sleep(1)。
pub const fn delay_ms<A>(
    field: Field<A, Duration>,
    default: &'static str,
) -> Opt<A> {
    let help = [
        "等待的毫秒数，即原文的 sleep(1)",
        "pause in milliseconds (the text's sleep(1))",
    ];
    opt(
        "--delay-ms <MS>",
        help,
        Initial::Value(default),
        Set::Millis(field),
    )
}

/// `--timeout <SECS>`：客户端最多等回答几秒。
pub const fn timeout<A>(
    field: Field<A, Duration>,
    default: &'static str,
) -> Opt<A> {
    let help = ["最多等待回答的秒数", "seconds to wait for an answer"];
    timeout_for(field, default, help)
}

/// `--timeout <SECS>`，说明由程序给出（HTTP 程序：整个请求的期限）。
pub const fn timeout_for<A>(
    field: Field<A, Duration>,
    default: &'static str,
    help: [&'static str; 2],
) -> Opt<A> {
    let (default, set) = (Initial::Value(default), Set::Seconds(field));
    opt("--timeout <SECS>", help, default, set)
}

/// `[URL]`：要取的网页，只能给一个（http-get、http-raw）。
pub const fn url<A>(
    field: Field<A, String>,
    default: &'static str,
    help: [&'static str; 2],
) -> Opt<A> {
    opt("[URL]", help, Initial::Value(default), Set::Url(field))
}

/// `--backlog <N>`：listen() 的排队上限（tcp-server 和它的 backlog 示例）。
pub const fn backlog<A>(field: Field<A, i32>, default: &'static str) -> Opt<A> {
    let help = ["listen() 的排队上限", "listen() backlog"];
    opt(
        "--backlog <N>",
        help,
        Initial::Value(default),
        Set::Count(field),
    )
}

/// `--trace`：在 stderr 显示每次收发的字节。
pub const fn trace<A>(field: Field<A, bool>) -> Opt<A> {
    let help = [
        "在 stderr 显示每次收发的字节",
        "show every send and recv as bytes on stderr",
    ];
    opt("--trace", help, Initial::None, Set::Flag(field))
}

/// `-q, --quiet`：服务端不逐条打印收到的消息。
pub const fn quiet<A>(field: Field<A, bool>) -> Opt<A> {
    let help = ["不逐条打印收到的消息", "no line per message received"];
    opt("-q, --quiet", help, Initial::None, Set::Flag(field))
}

impl<A: Default> Program<A> {
    /// Nothing but `-h` and `-V`: the start of a program's definition
    /// (`..Program::NONE`).
    pub const NONE: Program<A> = Program {
        name: "",
        version: "",
        about: "",
        net: None,
        messages: None,
        options: &[],
        arguments: &[],
        finish: |_| Ok(()),
        examples: "",
    };

    /// 读本程序的命令行；`--help` 打印帮助，用错了说明原因并以 2 退出。
    pub fn parse(&self) -> A {
        match self.parse_from(std::env::args_os().skip(1)) {
            Ok(Parsed::Run(args)) => args,
            Ok(Parsed::Help(text) | Parsed::Version(text)) => {
                println!("{text}");
                process::exit(0)
            }
            Err(wrong) => usage::exit(self.name, &wrong),
        }
    }

    /// Parses `args` (without the program name). `Err` is the usage error.
    pub fn parse_from<I>(&self, args: I) -> Result<Parsed<A>, Bilingual>
    where
        I: IntoIterator,
        I::Item: Into<OsString>,
    {
        self.read(args).map_err(|err| {
            let options = self.entries().1;
            usage::from_lexopt(err, &usage::known(&options))
        })
    }

    fn read<I>(&self, args: I) -> Result<Parsed<A>, lexopt::Error>
    where
        I: IntoIterator,
        I::Item: Into<OsString>,
    {
        let mut parser = lexopt::Parser::from_args(args);
        let mut args = A::default();
        for opt in self.options {
            if let Initial::Value(value) = opt.default {
                opt.store(&mut args, value.as_ref())?;
            }
        }
        let mut positionals = 0;
        while let Some(arg) = parser.next()? {
            let opt = match arg {
                Short('h') | Long("help") => {
                    usage::reject_value(&mut parser, "--help")?;
                    return Ok(Parsed::Help(self.help()));
                }
                Short('V') | Long("version") => {
                    usage::reject_value(&mut parser, "--version")?;
                    let version = format!("{} {}", self.name, self.version);
                    return Ok(Parsed::Version(version));
                }
                Long(name @ ("host" | "port")) if self.net.is_some() => {
                    let is_host = name == "host";
                    let value = parser.value()?;
                    if let Some((side, net)) = self.net {
                        set_net(net(&mut args), side, is_host, &value)?;
                    }
                    continue;
                }
                Short('i') | Long("interactive") if self.messages.is_some() => {
                    if let Some((_, messages)) = self.messages {
                        messages(&mut args).interactive = true;
                    }
                    continue;
                }
                Value(value) if self.messages.is_some() => {
                    let message = value.string()?;
                    if message.is_empty() {
                        let empty =
                            ("消息不能为空", "a message cannot be empty");
                        return Err(Bilingual::new(empty.0, empty.1).into());
                    }
                    if let Some((_, messages)) = self.messages {
                        messages(&mut args).given.push(message);
                    }
                    continue;
                }
                Value(value) if !self.arguments.is_empty() => {
                    let last = self.arguments.len() - 1;
                    let opt = &self.arguments[positionals.min(last)];
                    positionals += 1;
                    opt.store(&mut args, &value)?;
                    continue;
                }
                Short(c) => self.options.iter().find(|o| o.short() == Some(c)),
                Long(name) => {
                    self.options.iter().find(|o| o.long()[2..] == *name)
                }
                Value(_) => None,
            };
            let Some(opt) = opt else {
                return Err(arg.unexpected());
            };
            match opt.takes_value() {
                true => opt.store(&mut args, &parser.value()?)?,
                false => opt.store(&mut args, "".as_ref())?,
            }
        }
        for opt in self.arguments.iter().skip(positionals) {
            if let Initial::Value(value) = opt.default {
                opt.store(&mut args, value.as_ref())?;
            }
        }
        self.finish_shared(&mut args)?;
        (self.finish)(&mut args)?;
        Ok(Parsed::Run(args))
    }

    /// The defaults and checks of `--host` and of the messages.
    fn finish_shared(&self, args: &mut A) -> Result<(), Bilingual> {
        if let Some((side, net)) = self.net {
            let net = net(args);
            if net.host.is_empty() {
                net.host = crate::host::default_host();
            }
            if let Side::Client(server) = side {
                net.server = server;
            }
        }
        if let Some((defaults, messages)) = self.messages {
            let messages = messages(args);
            if messages.interactive && !messages.given.is_empty() {
                return Err(Bilingual::new(
                    "-i 从终端读消息，不能再在命令行给出消息",
                    "-i reads the messages from stdin: give none here",
                ));
            }
            if messages.given.is_empty() && !messages.interactive {
                messages.given =
                    defaults.iter().map(|m| m.to_string()).collect();
            }
        }
        Ok(())
    }

    /// The `--help` text: usage line, arguments, options, examples.
    pub fn help(&self) -> String {
        let program = usage::invocation(self.name);
        let (arguments, options) = self.entries();
        let mut line = "[OPTIONS]".to_string();
        for entry in &arguments {
            line = line + " " + &entry.flags;
        }
        let examples = self.examples.replace("{program}", &program);
        let help = (self.about, &program, &line);
        usage::help(help.0, help.1, help.2, &arguments, &options, &examples)
    }

    /// The entries of `--help`: the arguments, and the options.
    fn entries(&self) -> (Vec<Entry>, Vec<Entry>) {
        let mut arguments = Vec::new();
        let mut options = Vec::new();
        if let Some((side, _)) = self.net {
            let port = crate::DEFAULT_PORT;
            let ((zh, en), (port_zh, port_en)) = match side {
                Side::Server => (
                    (
                        "绑定的地址，0.0.0.0 = 所有网卡",
                        "address to bind, 0.0.0.0 = all",
                    ),
                    ("端口，0 = 由系统挑选", "port, 0 lets the system pick"),
                ),
                Side::Client(_) => (
                    ("服务端的地址", "the server to reach"),
                    ("服务端的端口", "the server's port"),
                ),
            };
            let host = Entry::new("--host <HOST>", zh, en);
            options.push(host.default("本机主机名", "this machine's hostname"));
            let port_entry = Entry::new("--port <PORT>", port_zh, port_en);
            options.push(port_entry.default(port, port));
        }
        options.extend(self.options.iter().map(Opt::entry));
        if let Some((defaults, _)) = self.messages {
            let quoted = defaults.iter().map(|m| match m.contains(' ') {
                true => format!("\"{m}\""),
                false => m.to_string(),
            });
            let shown = quoted.collect::<Vec<_>>().join(" ");
            let entry =
                Entry::new("[MESSAGE]...", "要发送的消息", "messages to send");
            arguments.push(entry.default(&shown, &shown));
            options.push(Entry::new(
                "-i, --interactive",
                "从终端逐行读取消息，end 或 Ctrl-D 结束",
                "read messages line by line, until end or Ctrl-D",
            ));
        }
        arguments.extend(self.arguments.iter().map(Opt::entry));
        options.push(Entry::new("-h, --help", "显示本帮助", "show this help"));
        options.push(Entry::new(
            "-V, --version",
            "显示版本",
            "show the version",
        ));
        (arguments, options)
    }
}

/// Stores `--host` or `--port`.
fn set_net(
    net: &mut Net,
    side: Side,
    is_host: bool,
    value: &OsStr,
) -> Result<(), Bilingual> {
    let option = if is_host { "--host" } else { "--port" };
    let value = Value { option, raw: value };
    let given = if is_host {
        let host = value.text()?.trim().to_string();
        if host.is_empty() {
            return Err(Bilingual::new("--host 不能为空", "--host is empty"));
        }
        net.host = host;
        net.host.clone()
    } else {
        net.port = value.number("0–65535")?;
        if net.port == 0 && side != Side::Server {
            return Err(Bilingual::new(
                "客户端不能连接端口 0，请给出服务端的端口",
                "a client cannot connect to port 0",
            ));
        }
        net.port.to_string()
    };
    net.given.extend([option.to_string(), given]);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, PartialEq)]
    struct Args {
        net: Net,
        messages: Messages,
        delay: Duration,
        timeout: Duration,
        trace: bool,
        quiet: bool,
        count: i32,
    }

    const SERVER: Program<Args> = Program {
        name: "tcp-server",
        version: "0.1.0",
        net: Some((Side::Server, |args| &mut args.net)),
        options: &[
            delay_ms(|args| &mut args.delay, "1000"),
            trace(|args| &mut args.trace),
            quiet(|args| &mut args.quiet),
            Opt {
                flags: "--count <N>",
                zh: "个数",
                en: "how many",
                default: Initial::Value("7"),
                set: Set::With(|args, v| {
                    v.at_least_one().map(|n| args.count = n)
                }),
            },
        ],
        ..Program::NONE
    };

    const CLIENT: Program<Args> = Program {
        name: "tcp-client",
        net: Some((Side::Client("tcp-server"), |args| &mut args.net)),
        messages: Some((&["a b", "c"], |args| &mut args.messages)),
        options: &[timeout(|args| &mut args.timeout, "5")],
        ..Program::NONE
    };

    fn run(program: &Program<Args>, args: &[&str]) -> Args {
        match program.parse_from(args) {
            Ok(Parsed::Run(args)) => args,
            other => panic!("{other:?}"),
        }
    }

    fn help(program: &Program<Args>) -> String {
        match program.parse_from(["--help"]) {
            Ok(Parsed::Help(help)) => help,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn defaults_come_from_the_table() {
        let args = run(&SERVER, &["--host", "127.0.0.1"]);
        assert_eq!(
            (args.net.host.as_str(), args.net.port),
            ("127.0.0.1", 10000)
        );
        assert_eq!((args.delay, args.count), (Duration::from_secs(1), 7));
        assert!(!args.trace && !args.quiet);
        let args = run(&CLIENT, &["--host", "::1"]);
        assert_eq!(args.messages.given, ["a b", "c"]);
        assert_eq!(args.timeout, Duration::from_secs(5));
        assert!(!run(&SERVER, &[]).net.host.is_empty(), "the hostname");
    }

    #[test]
    fn options_are_read() {
        let args = run(
            &SERVER,
            &[
                "--host=::1",
                "--port",
                "0",
                "--delay-ms",
                "0",
                "--trace",
                "-q",
            ],
        );
        assert_eq!((args.net.host.as_str(), args.net.port), ("::1", 0));
        assert_eq!(args.delay, Duration::ZERO);
        assert!(args.trace && args.quiet);
        assert_eq!(run(&SERVER, &["--host", "h", "--count=3"]).count, 3);
        let args = run(&CLIENT, &["--host", "h", "x", "y", "--timeout", "0.5"]);
        assert_eq!(args.messages.given, ["x", "y"]);
        assert_eq!(args.timeout, Duration::from_millis(500));
        let args = run(&CLIENT, &["--host", "h", "-i"]);
        assert!(args.messages.interactive && args.messages.given.is_empty());
    }

    #[test]
    fn the_hint_repeats_a_clients_host_and_port() {
        let args = run(&CLIENT, &["--host", "127.0.0.1", "--port", "33099"]);
        assert_eq!(
            args.net.start_server(),
            "cargo run -p tcp-server -- --host 127.0.0.1 --port 33099"
        );
        let args = run(&CLIENT, &[]);
        assert_eq!(args.net.start_server(), "cargo run -p tcp-server");
    }

    #[test]
    fn mistakes_are_usage_errors() {
        for (program, bad) in [
            (&SERVER, &["--port", "abc"][..]),
            (&SERVER, &["--port", "70000"]),
            (&SERVER, &["--port"]),
            (&SERVER, &["--nope"]),
            (&SERVER, &["--timeout", "1"]),
            (&SERVER, &["-i"]),
            (&SERVER, &["stray"]),
            (&SERVER, &["--count", "0"]),
            (&SERVER, &["--host", ""]),
            (&SERVER, &["--trace=1"]),
            (&SERVER, &["-x"]),
            (&CLIENT, &["--port", "0"]),
            (&CLIENT, &["ok", ""]),
            (&CLIENT, &["--timeout", "0"]),
            (&CLIENT, &["--timeout", "nan"]),
            (&CLIENT, &["--timeout", "1e-12"]),
            (&CLIENT, &["--timeout", "86401"]),
            (&CLIENT, &["-i", "given"]),
            (&CLIENT, &["--quiet"]),
        ] {
            let wrong = program.parse_from(bad).unwrap_err();
            assert!(!wrong.zh.is_empty() && !wrong.en.is_empty(), "{bad:?}");
        }
        let wrong = SERVER.parse_from(["--count", "0"]).unwrap_err();
        assert_eq!(
            wrong,
            Bilingual::new("--count 至少为 1", "--count must be at least 1")
        );
        let wrong = SERVER.parse_from(["--count", "x\u{1b}"]).unwrap_err();
        assert_eq!(wrong.zh, "--count 需要一个数（≥ 1），收到 \"x\\u{1b}\"");
        let wrong = SERVER.parse_from(["--cuont", "1"]).unwrap_err();
        assert!(wrong.en.ends_with("did you mean --count?"), "{wrong}");
    }

    #[test]
    fn help_is_drawn_from_the_table() {
        let text = help(&SERVER);
        for entry in [
            "--host <HOST>",
            "--port <PORT>",
            "--delay-ms <MS>",
            "--count <N>",
            "-q, --quiet",
            "（默认：7）",
            "[default: 7]",
            "0 = 由系统挑选",
        ] {
            assert!(text.contains(entry), "{entry}:\n{text}");
        }
        assert!(!text.contains("--timeout") && !text.contains("MESSAGE"));
        let text = help(&CLIENT);
        assert!(text.contains(" [OPTIONS] [MESSAGE]...\n"), "{text}");
        assert!(text.contains("（默认：\"a b\" c）"), "{text}");
        assert!(text.contains("-i, --interactive"), "{text}");
        assert_eq!(
            SERVER.parse_from(["-V"]),
            Ok(Parsed::Version("tcp-server 0.1.0".into()))
        );
    }

    #[test]
    fn a_program_may_take_host_and_port_only() {
        let stage = Program::<Net> {
            // an example that needs nothing else
            name: "tcp-server --example 1-accept",
            net: Some((Side::Server, |net| net)),
            ..Program::NONE
        };
        let Ok(Parsed::Run(net)) =
            stage.parse_from(["--host", "127.0.0.1", "--port", "0"])
        else {
            panic!()
        };
        assert_eq!((net.host.as_str(), net.port), ("127.0.0.1", 0));
        for other in ["--trace", "-q", "--delay-ms", "-i", "--timeout"] {
            assert!(stage.parse_from([other]).is_err(), "{other}");
        }
        let under_cargo =
            usage::started_as(stage.name, Some("tcp-server".as_ref()), None);
        assert_eq!(
            under_cargo,
            "cargo run -p tcp-server --example 1-accept --"
        );
    }
}
