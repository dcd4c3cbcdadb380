//! The command line of http-get and http-post: `--timeout S`, `-h/--help`,
//! `-V/--version`, the URL, and (http-post only) `KEY=VALUE` form fields.
//! A mistake is a usage error: exit status 2 and a line saying what was
//! wrong, as for the socket programs (`common::cli`).

use std::ffi::OsString;
use std::io::{self, Write};
use std::time::Duration;

use common::usage::{self, Entry};
use lexopt::prelude::*;

/// 原文取的网页。
///
/// The page the text fetches.
pub const DEFAULT_URL: &str = "http://www.baidu.com";

/// `--timeout` 的默认秒数。
///
/// Default of `--timeout`, in seconds.
pub const DEFAULT_TIMEOUT_S: u64 = 30;

/// http-get 或 http-post 接受什么。
///
/// What one of the two programs accepts.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    /// The crate name, as in `cargo run -p NAME`.
    pub name: &'static str,
    pub version: &'static str,
    /// First line of `--help`: the section and what the program does.
    pub about: &'static str,
    /// http-post: the URL is required and `KEY=VALUE` fields follow it.
    pub post: bool,
}

/// 读好的命令行选项，没给的用默认值。
///
/// The options after parsing, defaults filled in.
#[derive(Clone, Debug)]
pub struct Args {
    pub spec: Spec,
    pub url: String,
    /// Form fields in the order given (http-post).
    pub fields: Vec<(String, String)>,
    /// How long the whole request may take, body included.
    pub timeout: Duration,
}

/// 命令行要做的事：运行、帮助或版本。
///
/// What the command line asked for.
pub type Parsed = common::cli::Parsed<Args>;

impl Spec {
    /// 读本程序的命令行；`--help` 打印帮助，用错了说明原因并以 2 退出。
    ///
    /// Parses the process's arguments. Prints help or version and exits 0,
    /// or prints a usage error and exits 2.
    pub fn parse(&self) -> Args {
        match self.parse_from(std::env::args_os().skip(1)) {
            Ok(parsed) => parsed.or_exit(),
            Err(Usage::MissingUrl) => {
                let _ = writeln!(io::stderr(), "{}\n", self.help());
                usage::exit(
                    self.name,
                    "缺少网址，见上面的例子\na URL is required, see the examples above",
                )
            }
            Err(Usage::Message(message)) => usage::exit(self.name, &message),
            Err(Usage::Lex(err)) => {
                usage::exit(self.name, &self.lexopt_message(err))
            }
        }
    }

    /// 读给定的参数（不含程序名）。
    ///
    /// Parses `args` (without the program name).
    pub fn parse_from<I>(&self, args: I) -> Result<Parsed, Usage>
    where
        I: IntoIterator,
        I::Item: Into<OsString>,
    {
        self.parse_inner(args).map_err(|e| match e {
            Usage::Lex(err) => Usage::Message(self.lexopt_message(err)),
            other => other,
        })
    }

    fn parse_inner<I>(&self, args: I) -> Result<Parsed, Usage>
    where
        I: IntoIterator,
        I::Item: Into<OsString>,
    {
        let mut parser = lexopt::Parser::from_args(args);
        let mut url = None;
        let mut fields = Vec::new();
        let mut timeout_s = DEFAULT_TIMEOUT_S as f64;
        while let Some(arg) = parser.next()? {
            match arg {
                Short('h') | Long("help") => {
                    usage::reject_value(&mut parser, "--help")?;
                    return Ok(Parsed::Help(self.help()));
                }
                Short('V') | Long("version") => {
                    usage::reject_value(&mut parser, "--version")?;
                    let version = format!("{} {}", self.name, self.version);
                    return Ok(Parsed::Version(version));
                }
                Long("timeout") => {
                    timeout_s = common::cli::timeout_secs(&parser.value()?)
                        .map_err(Usage::Message)?;
                }
                Value(value) if url.is_none() => {
                    let value = value.string()?;
                    if self.post
                        && !value.contains("://")
                        && value.contains('=')
                    {
                        return Err(Usage::MissingUrl);
                    }
                    url = Some(value);
                }
                Value(value) if self.post => {
                    fields.push(field(value.string()?)?);
                }
                Value(value) => {
                    let value = usage::quote(&value);
                    return Err(Usage::Message(format!(
                        "只能给一个网址，多出来的是 {value}\n\
                         only one URL can be given, {value} is one too many"
                    )));
                }
                _ => return Err(arg.unexpected().into()),
            }
        }
        let url = match url {
            Some(url) => url,
            None if self.post => return Err(Usage::MissingUrl),
            None => DEFAULT_URL.to_string(),
        };
        Ok(Parsed::Run(Args {
            spec: *self,
            url,
            fields,
            timeout: Duration::from_secs_f64(timeout_s),
        }))
    }

    /// A lexopt error as the two lines of a usage error.
    fn lexopt_message(&self, err: lexopt::Error) -> String {
        let options = self.options();
        common::usage::Usage::from_lexopt(err, &usage::known(&options))
            .to_string()
    }

    /// `--help` 的文字。
    ///
    /// The `--help` text, in the layout every program of the chapter uses.
    pub fn help(&self) -> String {
        let program = usage::invocation(self.name);
        let (line, arguments, examples) = if self.post {
            (
                "[OPTIONS] <URL> [KEY=VALUE]...",
                vec![
                    Entry::new(
                        "<URL>",
                        "表单提交到的网址",
                        "where to send the form",
                    ),
                    Entry::new(
                        "[KEY=VALUE]...",
                        "表单字段，按 UTF-8 百分号编码发送",
                        "form fields, sent urlencoded as UTF-8",
                    ),
                ],
                format!(
                    "例子（先在另一个终端启动本项目的测试服务器）\n\
                     Examples (start the test server in another terminal first):\n\
                     \x20 python3 tests/py/http_peer.py 8000\n\
                     \x20 {program} http://127.0.0.1:8000/echo name=张三 \"lang=rust & c\""
                ),
            )
        } else {
            (
                "[OPTIONS] [URL]",
                vec![
                    Entry::new("[URL]", "要取的网页", "the page to fetch")
                        .default(DEFAULT_URL, DEFAULT_URL),
                ],
                format!(
                    "例子 / Examples:\n\
                     \x20 {program} https://www.rust-lang.org\n\
                     没有网络时，在本机起一个服务器 / Offline? Serve a folder locally:\n\
                     \x20 python3 -m http.server 8000\n\
                     \x20 {program} http://127.0.0.1:8000/"
                ),
            )
        };
        usage::help(
            self.about,
            &program,
            line,
            &arguments,
            &self.options(),
            &examples,
        )
    }

    /// The options both programs accept, as `--help` lists them.
    fn options(&self) -> Vec<Entry> {
        vec![
            Entry::new(
                "--timeout <SECS>",
                "整个请求（含正文）最多等待的秒数",
                "seconds the whole request may take, body included",
            )
            .default(DEFAULT_TIMEOUT_S, DEFAULT_TIMEOUT_S),
            Entry::new("-h, --help", "显示本帮助", "show this help"),
            Entry::new("-V, --version", "显示版本", "show the version"),
        ]
    }
}

/// 用法错误。
///
/// A usage error.
#[derive(Debug)]
pub enum Usage {
    /// http-post was given no URL: show the help with its example.
    MissingUrl,
    /// The two lines of the error, Chinese then English.
    Message(String),
    /// An error of the parser, worded by `common::usage`.
    Lex(lexopt::Error),
}

impl From<lexopt::Error> for Usage {
    fn from(err: lexopt::Error) -> Self {
        Usage::Lex(err)
    }
}

/// `KEY=VALUE` → `(KEY, VALUE)`. The value may be empty and may itself
/// contain `=`; the key may not be empty.
fn field(arg: String) -> Result<(String, String), Usage> {
    match arg.split_once('=') {
        Some((key, value)) if !key.is_empty() => {
            Ok((key.to_string(), value.to_string()))
        }
        _ => {
            let got = usage::quote(arg.as_ref());
            Err(Usage::Message(format!(
                "表单字段要写成 键=值，收到 {got}\n\
                 form fields are KEY=VALUE, got {got}"
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GET: Spec = Spec {
        name: "http-get",
        version: "0.1.0",
        about: "about",
        post: false,
    };
    const POST: Spec = Spec {
        post: true,
        name: "http-post",
        ..GET
    };

    fn run(spec: &Spec, args: &[&str]) -> Args {
        match spec.parse_from(args) {
            Ok(Parsed::Run(args)) => args,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn get_defaults_to_the_texts_page() {
        let args = run(&GET, &[]);
        assert_eq!(args.url, DEFAULT_URL);
        assert_eq!(args.timeout, Duration::from_secs(30));
        let args = run(&GET, &["--timeout", "2.5", "http://x/"]);
        assert_eq!(args.url, "http://x/");
        assert_eq!(args.timeout, Duration::from_millis(2500));
    }

    #[test]
    fn post_reads_fields() {
        let args =
            run(&POST, &["http://x/", "name=张三", "lang=rust & c", "e="]);
        assert_eq!(
            args.fields,
            [
                ("name".into(), "张三".into()),
                ("lang".into(), "rust & c".into()),
                ("e".into(), String::new()),
            ]
        );
        let args = run(&POST, &["http://x/?a=b", "k=v=w"]);
        assert_eq!(args.url, "http://x/?a=b");
        assert_eq!(args.fields, [("k".into(), "v=w".into())]);
    }

    #[test]
    fn mistakes_are_usage_errors() {
        assert!(matches!(POST.parse_from([""; 0]), Err(Usage::MissingUrl)));
        assert!(matches!(
            POST.parse_from(["name=x"]),
            Err(Usage::MissingUrl)
        ));
        for (spec, bad) in [
            (&POST, &["http://x/", "novalue"][..]),
            (&POST, &["http://x/", "=v"]),
            (&GET, &["http://x/", "http://y/"]),
            (&GET, &["--timeout", "0"]),
            (&GET, &["--timeout", "abc"]),
            (&GET, &["--timeout"]),
            (&GET, &["--port", "1"]),
        ] {
            assert!(
                matches!(spec.parse_from(bad), Err(Usage::Message(_))),
                "{bad:?}"
            );
        }
    }

    fn message(spec: &Spec, args: &[&str]) -> String {
        match spec.parse_from(args) {
            Err(Usage::Message(message)) => message,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn usage_errors_in_both_languages() {
        for (spec, args, zh, en) in [
            (
                &GET,
                &["--timout", "5"][..],
                "不认识的选项 \"--timout\"，你是想写 --timeout 吗？",
                "unknown option \"--timout\"; did you mean --timeout?",
            ),
            (
                &GET,
                &["--timeout"],
                "选项 --timeout 后面缺少值",
                "missing value for option --timeout",
            ),
            (
                &GET,
                &["--help=x"],
                "选项 --help 不带值，却收到了 \"x\"",
                "option --help takes no value, got \"x\"",
            ),
            (
                &GET,
                &["http://a/", "http://b/"],
                "只能给一个网址，多出来的是 \"http://b/\"",
                "only one URL can be given",
            ),
            (
                &POST,
                &["http://a/", "novalue"],
                "表单字段要写成 键=值，收到 \"novalue\"",
                "form fields are KEY=VALUE, got \"novalue\"",
            ),
            (
                &GET,
                &["--timeout", "0"],
                "--timeout 应在 0.001 到 86400 秒之间，收到 \"0\"",
                "--timeout must be 0.001 to 86400 seconds",
            ),
        ] {
            let text = message(spec, args);
            let (first, second) = text.split_once('\n').unwrap();
            assert!(first.starts_with(zh), "{args:?}: {text}");
            assert!(second.starts_with(en), "{args:?}: {text}");
        }
    }

    #[test]
    fn help_has_examples() {
        let Ok(Parsed::Help(help)) = POST.parse_from(["-h"]) else {
            panic!()
        };
        assert!(help.contains("http_peer.py 8000"));
        assert!(help.contains("--timeout"));
        let Ok(Parsed::Help(help)) = GET.parse_from(["--help"]) else {
            panic!()
        };
        assert!(help.contains(DEFAULT_URL));
        assert!(help.contains("python3 -m http.server"));
        assert!(matches!(
            GET.parse_from(["-V"]),
            Ok(Parsed::Version(v)) if v == "http-get 0.1.0"
        ));
    }
}
