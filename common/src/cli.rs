//! 命令行：每个程序把自己的选项列成一张表，这里照表来读。
//!
//! A program defines each option once, in a [`Program`] table below its
//! `run()`. [`Program::parse`] reads the command line against it with
//! lexopt, adds what every program shares (`--host`/`--port`, the clients'
//! messages and `-i`, `-h`, `-V`) and turns mistakes into usage errors
//! (exit 2, see [`crate::usage`]). Options several programs have are the
//! `const fn`s below ([`trace`]…), each written once.

use std::ffi::{OsStr, OsString};
use std::str::FromStr;
use std::time::Duration;

use lexopt::prelude::*;

use crate::explain::Bilingual;
pub use crate::messages::Messages;
use crate::usage::{self, Entry};

/// Where an option's value is kept: `|args| &mut args.trace`.
pub type Field<A, T> = fn(&mut A) -> &mut T;

/// 一个程序：名字、版本、一句介绍，和它的选项表。
pub struct Program<A: 'static> {
    /// The crate name (`cargo run -p NAME`), for an example with
    /// `--example NAME` after it.
    pub name: &'static str,
    pub version: &'static str,
    /// First line of `--help`: the section and what the program does.
    pub about: &'static str,
    /// `--host`/`--port`, and where they are kept.
    pub net: Option<(Side, Field<A, Net>)>,
    /// `[MESSAGE]...` and `-i`: the text's messages, and where they go.
    pub messages: Option<(&'static [&'static str], Field<A, Messages>)>,
    /// The program's own options, in the order `--help` lists them.
    pub options: &'static [Opt<A>],
    /// Positional arguments: the n-th value to the n-th, the rest to the last.
    pub arguments: &'static [Opt<A>],
    /// Checks of the whole command line, once it is read.
    pub finish: fn(&mut A) -> Result<(), Bilingual>,
    /// Shown after the options; `{program}` is how the program was started.
    pub examples: &'static str,
}

/// 服务端还是客户端：决定 --host 的说明，以及能不能用端口 0。
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Server,
    /// A client of the server crate named here (for "start it first").
    Client(&'static str),
}

/// 选项表里的一项：写法（`--delay-ms <MS>`，`<…>` 表示带值）、中英文说明、
/// 默认值、值放在哪里。
pub struct Opt<A> {
    pub flags: &'static str,
    pub help: [&'static str; 2],
    pub default: Initial,
    pub set: Set<A>,
}

/// 默认值：没有；一个值（先照它设好，`--help` 里也这样写）；或只是一句说明。
#[derive(Clone, Copy, Debug)]
pub enum Initial {
    None,
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
    /// A URL: given at most once.
    Url(Field<A, String>),
    /// Anything else: read and checked by the program's own function.
    With(fn(&mut A, &Value) -> Result<(), Bilingual>),
}

/// `--host` 和 `--port`：每个套接字程序都有。
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Net {
    pub host: String,
    pub port: u16,
    /// A client's server crate and the `--host`/`--port` given, for
    /// [`Net::start_server`].
    server: &'static str,
    given: Vec<String>,
}

impl Default for Net {
    fn default() -> Self {
        let port = crate::DEFAULT_PORT;
        Net {
            host: String::new(),
            port,
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
        let wrong = || lexopt::Error::NonUnicodeValue(self.raw.into());
        text.ok_or_else(|| usage::from_lexopt(wrong(), &[]))
    }

    /// 一个数；`range` 说明应在什么范围（中文，放进错误里）。
    pub fn number<T: FromStr>(&self, range: &str) -> Result<T, Bilingual> {
        let (option, got) = (self.option, self.quoted());
        self.raw.to_string_lossy().trim().parse().map_err(|_| {
            let zh = format!("{option} 需要一个数（{range}），收到 {got}");
            Bilingual::new(zh, format!("{option} needs a number, got {got}"))
        })
    }

    /// 至少为 1 的整数（--backlog、--max-clients）。
    pub fn at_least_one<T>(&self) -> Result<T, Bilingual>
    where
        T: FromStr + PartialOrd + From<u8>,
    {
        let (n, option) = (self.number("≥ 1")?, self.option);
        let (zh, en) = ("至少为 1", "must be at least 1");
        let wrong =
            Bilingual::new(format!("{option} {zh}"), format!("{option} {en}"));
        if n < T::from(1) { Err(wrong) } else { Ok(n) }
    }

    /// 秒数，0.001（1 毫秒）到 86400：比 1 毫秒短的超时会变成 0，无法设置。
    pub fn seconds(&self) -> Result<Duration, Bilingual> {
        let (option, got) = (self.option, self.quoted());
        match self.raw.to_string_lossy().trim().parse::<f64>() {
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
    /// 表里的一项：写法、[中文, 英文] 说明、默认值、值放在哪里。
    pub const fn new(
        flags: &'static str,
        help: [&'static str; 2],
        default: Initial,
        set: Set<A>,
    ) -> Self {
        Opt {
            flags,
            help,
            default,
            set,
        }
    }

    /// The long name (`--delay-ms`), or the argument as written (`[URL]`).
    fn long(&self) -> &str {
        let mut words = self.flags.split([',', ' ']);
        words.find(|w| w.starts_with("--")).unwrap_or(self.flags)
    }

    /// The short name, `q` of `-q, --quiet`.
    fn short(&self) -> Option<char> {
        let mut chars = self.flags.strip_prefix('-')?.chars();
        let c = chars.next().filter(|c| *c != '-')?;
        matches!(chars.next(), None | Some(',')).then_some(c)
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

    fn entry(&self) -> Entry {
        let [zh, en] = self.help;
        match self.default {
            Initial::None => Entry::new(self.flags, zh, en, None),
            Initial::Value(v) => Entry::new(self.flags, zh, en, Some((v, v))),
            Initial::Said(dz, de) => {
                Entry::new(self.flags, zh, en, Some((dz, de)))
            }
        }
    }
}

/// `--delay-ms <MS>`：原文的 sleep(1)。
pub const fn delay_ms<A>(
    field: Field<A, Duration>,
    default: &'static str,
) -> Opt<A> {
    let zh = "等待的毫秒数，即原文的 sleep(1)";
    let help = [zh, "pause in milliseconds (the text's sleep(1))"];
    Opt::new(
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
    Opt::new("--timeout <SECS>", help, default, set)
}

/// `[URL]`：要取的网页，只能给一个（http-get、http-raw）。
pub const fn url<A>(
    field: Field<A, String>,
    default: &'static str,
    help: [&'static str; 2],
) -> Opt<A> {
    Opt::new("[URL]", help, Initial::Value(default), Set::Url(field))
}

/// `--backlog <N>`：listen() 的排队上限（tcp-server 和它的 backlog 示例）。
pub const fn backlog<A>(field: Field<A, i32>, default: &'static str) -> Opt<A> {
    let help = ["listen() 的排队上限", "listen() backlog"];
    Opt::new(
        "--backlog <N>",
        help,
        Initial::Value(default),
        Set::Count(field),
    )
}

/// `--trace`：在 stderr 显示每次收发的字节。
pub const fn trace<A>(field: Field<A, bool>) -> Opt<A> {
    let zh = "在 stderr 显示每次收发的字节";
    let help = [zh, "show every send and recv as bytes on stderr"];
    Opt::new("--trace", help, Initial::None, Set::Flag(field))
}

/// `-q, --quiet`：服务端不逐条打印收到的消息。
pub const fn quiet<A>(field: Field<A, bool>) -> Opt<A> {
    let help = ["不逐条打印收到的消息", "no line per message received"];
    Opt::new("-q, --quiet", help, Initial::None, Set::Flag(field))
}

impl<A: Default> Program<A> {
    /// Nothing but `-h` and `-V`: the start of a table (`..Program::NONE`).
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
                crate::println!("{text}");
                std::process::exit(0)
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
        let defaults = |args: &mut A, opts: &[Opt<A>]| {
            for opt in opts {
                if let Initial::Value(value) = opt.default {
                    opt.store(args, value.as_ref())?;
                }
            }
            Ok::<(), Bilingual>(())
        };
        defaults(&mut args, self.options)?;
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
                    if let Some((side, net)) = self.net {
                        let value = parser.value()?;
                        net(&mut args).set(side, is_host, &value)?;
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
                        let en = "a message cannot be empty";
                        return Err(Bilingual::new("消息不能为空", en).into());
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
            match opt.flags.contains('<') {
                true => opt.store(&mut args, &parser.value()?)?,
                false => opt.store(&mut args, "".as_ref())?,
            }
        }
        let unused = self.arguments.get(positionals..).unwrap_or_default();
        defaults(&mut args, unused)?;
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
        let usage = format!("{} {line}", program);
        usage::help(self.about, &usage, &arguments, &options, &examples)
    }

    /// The entries of `--help`: the arguments, and the options.
    fn entries(&self) -> (Vec<Entry>, Vec<Entry>) {
        let mut arguments = Vec::new();
        let mut options = Vec::new();
        if let Some((side, _)) = self.net {
            let port = crate::DEFAULT_PORT.to_string();
            let [host_zh, host_en, port_zh, port_en] = match side {
                Side::Server => [
                    "绑定的地址，0.0.0.0 = 所有网卡",
                    "address to bind, 0.0.0.0 = all",
                    "端口，0 = 由系统挑选",
                    "port, 0 lets the system pick",
                ],
                Side::Client(_) => [
                    "服务端的地址",
                    "the server to reach",
                    "服务端的端口",
                    "the server's port",
                ],
            };
            let hostname = ("本机主机名", "this machine's hostname");
            options.push(Entry::new(
                "--host <HOST>",
                host_zh,
                host_en,
                Some(hostname),
            ));
            let port = Some((port.as_str(), port.as_str()));
            options.push(Entry::new("--port <PORT>", port_zh, port_en, port));
        }
        options.extend(self.options.iter().map(Opt::entry));
        if let Some((defaults, _)) = self.messages {
            let quoted = defaults.iter().map(|m| match m.contains(' ') {
                true => format!("\"{m}\""),
                false => m.to_string(),
            });
            let shown = quoted.collect::<Vec<_>>().join(" ");
            let (zh, en) = ("要发送的消息", "messages to send");
            let shown = Some((shown.as_str(), shown.as_str()));
            arguments.push(Entry::new("[MESSAGE]...", zh, en, shown));
            options.push(Entry::new(
                "-i, --interactive",
                "从终端逐行读取消息，end 或 Ctrl-D 结束",
                "read messages line by line, until end or Ctrl-D",
                None,
            ));
        }
        arguments.extend(self.arguments.iter().map(Opt::entry));
        let help = ("显示本帮助", "show this help");
        options.push(Entry::new("-h, --help", help.0, help.1, None));
        let version = ("显示版本", "show the version");
        options.push(Entry::new("-V, --version", version.0, version.1, None));
        (arguments, options)
    }
}

impl Net {
    /// Stores `--host` or `--port`.
    fn set(
        &mut self,
        side: Side,
        is_host: bool,
        raw: &OsStr,
    ) -> Result<(), Bilingual> {
        let option = if is_host { "--host" } else { "--port" };
        let value = Value { option, raw };
        let given = if is_host {
            self.host = value.text()?.trim().to_string();
            if self.host.is_empty() {
                return Err(Bilingual::new(
                    "--host 不能为空",
                    "--host is empty",
                ));
            }
            self.host.clone()
        } else {
            self.port = value.number("0–65535")?;
            if self.port == 0 && side != Side::Server {
                return Err(Bilingual::new(
                    "客户端不能连接端口 0，请给出服务端的端口",
                    "a client cannot connect to port 0",
                ));
            }
            self.port.to_string()
        };
        self.given.extend([option.to_string(), given]);
        Ok(())
    }
}
