//! The command line of http-get and http-post: `--timeout S`, `-h/--help`,
//! `-V/--version`, the URL, and (http-post only) `KEY=VALUE` form fields.
//! Parsed by `common::cli` from the tables below, so a mistake is a usage
//! error (exit 2) worded as for the socket programs.

use std::time::Duration;

use common::Bilingual;
use common::cli::{self, Initial, Opt, Parsed, Program, Set};
use common::{eprintln, usage};

/// 原文取的网页 / the page the text fetches.
pub const DEFAULT_URL: &str = "http://www.baidu.com";

/// http-get 或 http-post：名字、版本、一句介绍，是不是 POST。
#[derive(Clone, Copy, Debug, Default)]
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
#[derive(Clone, Debug, Default)]
pub struct Args {
    pub spec: Spec,
    pub url: String,
    /// Form fields in the order given (http-post).
    pub fields: Vec<(String, String)>,
    /// How long the whole request may take, body included.
    pub timeout: Duration,
}

impl Spec {
    /// 读本程序的命令行；`--help` 打印帮助，用错了说明原因并以 2 退出。
    /// http-post 没给网址时，先打印帮助里的例子。
    pub fn parse(&self) -> Args {
        let program = self.program();
        let given = program.parse_from(std::env::args_os().skip(1));
        if given.err() == Some(missing_url()) {
            eprintln!("{}\n", program.help());
        }
        Args {
            spec: *self,
            ..program.parse()
        }
    }

    /// 读给定的参数（不含程序名）。
    ///
    /// Parses `args` (without the program name).
    pub fn parse_from(&self, args: &[&str]) -> Result<Parsed<Args>, Bilingual> {
        let parsed = self.program().parse_from(args)?;
        Ok(match parsed {
            Parsed::Run(args) => Parsed::Run(Args {
                spec: *self,
                ..args
            }),
            other => other,
        })
    }

    /// The table of this program's options and arguments.
    pub fn program(&self) -> Program<Args> {
        let (name, version, about) = (self.name, self.version, self.about);
        let table = if self.post { POST } else { GET };
        Program {
            name,
            version,
            about,
            ..table
        }
    }
}

/// The option both programs have.
#[rustfmt::skip] // 一项一行的表（不超过 100 列）
const TIMEOUT: Opt<Args> = cli::timeout_for(|args| &mut args.timeout, "30",
    ["整个请求（含正文）最多等待的秒数", "seconds the whole request may take, body included"]);

/// http-get: the page, the text's by default.
#[rustfmt::skip]
const GET: Program<Args> = Program {
    options: &[TIMEOUT],
    arguments: &[cli::url(|args| &mut args.url, DEFAULT_URL, ["要取的网页", "the page to fetch"])],
    examples: "例子 / Examples:\n\
               \x20 {program} https://www.rust-lang.org\n\
               没有网络时，在本机起一个服务器 / Offline? Serve a folder locally:\n\
               \x20 python3 -m http.server 8000\n\
               \x20 {program} http://127.0.0.1:8000/",
    ..Program::NONE
};

/// http-post: a URL (required) and the form's fields.
#[rustfmt::skip]
const POST: Program<Args> = Program {
    options: &[TIMEOUT],
    arguments: &[
        Opt::new("<URL>", ["表单提交到的网址", "where to send the form"], Initial::None,
            Set::With(|args, v| post_url(v.text()?).map(|url| args.url = url))),
        Opt::new("[KEY=VALUE]...", ["表单字段，按 UTF-8 百分号编码发送",
                                    "form fields, sent urlencoded as UTF-8"], Initial::None,
            Set::With(|args, v| field(v.text()?).map(|kv| args.fields.push(kv)))),
    ],
    finish: |args| if args.url.is_empty() { Err(missing_url()) } else { Ok(()) },
    examples: "例子（先在另一个终端启动本项目的测试服务器）\n\
               Examples (start the test server in another terminal first):\n\
               \x20 python3 tests/py/http_peer.py 8000\n\
               \x20 {program} http://127.0.0.1:8000/echo name=张三 \"lang=rust & c\"",
    ..Program::NONE
};

/// http-post's URL: a field given first (`name=x`) means the URL is missing.
fn post_url(url: String) -> Result<String, Bilingual> {
    match !url.contains("://") && url.contains('=') {
        true => Err(missing_url()),
        false => Ok(url),
    }
}

/// The usage error of http-post without a URL (its help is shown first).
fn missing_url() -> Bilingual {
    Bilingual::new(
        "缺少网址，见上面的例子",
        "a URL is required, see the examples above",
    )
}

/// `KEY=VALUE` → `(KEY, VALUE)`. The value may be empty and may itself
/// contain `=`; the key may not be empty.
fn field(arg: String) -> Result<(String, String), Bilingual> {
    match arg.split_once('=') {
        Some((key, value)) if !key.is_empty() => {
            Ok((key.to_string(), value.to_string()))
        }
        _ => {
            let got = usage::quote(arg.as_ref());
            Err(Bilingual::new(
                format!("表单字段要写成 键=值，收到 {got}"),
                format!("form fields are KEY=VALUE, got {got}"),
            ))
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
        assert!(!args.spec.post);
        let args = run(&GET, &["--timeout", "2.5", "http://x/"]);
        assert_eq!(args.url, "http://x/");
        assert_eq!(args.timeout, Duration::from_millis(2500));
    }

    #[test]
    fn post_reads_fields() {
        let args =
            run(&POST, &["http://x/", "name=张三", "lang=rust & c", "e="]);
        assert!(args.spec.post);
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
        assert_eq!(POST.parse_from(&[]).unwrap_err(), missing_url());
        assert_eq!(POST.parse_from(&["name=x"]).unwrap_err(), missing_url());
        for (spec, bad) in [
            (&POST, &["http://x/", "novalue"][..]),
            (&POST, &["http://x/", "=v"]),
            (&GET, &["http://x/", "http://y/"]),
            (&GET, &["--timeout", "0"]),
            (&GET, &["--timeout", "abc"]),
            (&GET, &["--timeout"]),
            (&GET, &["--port", "1"]),
        ] {
            let wrong = spec.parse_from(bad).unwrap_err();
            assert_ne!(wrong, missing_url(), "{bad:?}");
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
                "--timeout 应在 0.001（1 毫秒）到 86400 秒之间，收到 \"0\"",
                "--timeout must be 0.001 (1 ms) to 86400 seconds",
            ),
        ] {
            let wrong = spec.parse_from(args).unwrap_err();
            assert!(wrong.zh.starts_with(zh), "{args:?}: {wrong}");
            assert!(wrong.en.starts_with(en), "{args:?}: {wrong}");
        }
    }

    #[test]
    fn help_has_examples() {
        let Ok(Parsed::Help(help)) = POST.parse_from(&["-h"]) else {
            panic!()
        };
        assert!(help.contains("http_peer.py 8000"));
        assert!(help.contains("--timeout"));
        assert!(help.contains("[OPTIONS] <URL> [KEY=VALUE]..."), "{help}");
        let Ok(Parsed::Help(help)) = GET.parse_from(&["--help"]) else {
            panic!()
        };
        assert!(help.contains(DEFAULT_URL));
        assert!(help.contains("python3 -m http.server"));
        assert!(help.contains("\n  python3 -m http.server 8000\n"), "{help}");
        assert!(matches!(
            GET.parse_from(&["-V"]),
            Ok(Parsed::Version(v)) if v == "http-get 0.1.0"
        ));
    }
}
