//! The command line of http-get and http-post: `--timeout S`, `-h/--help`,
//! `-V/--version`, the URL, and (http-post only) `KEY=VALUE` form fields.
//! A mistake is a usage error: exit status 2 and a line saying what was
//! wrong, as for the socket programs (`common::cli`).

use std::ffi::OsString;
use std::process;
use std::time::Duration;

use lexopt::prelude::*;

/// The page the text fetches.
pub const DEFAULT_URL: &str = "http://www.baidu.com";

/// Default of `--timeout`, in seconds.
pub const DEFAULT_TIMEOUT_S: u64 = 30;

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

/// What the command line asked for.
pub type Parsed = common::cli::Parsed<Args>;

impl Spec {
    /// Parses the process's arguments. Prints help or version and exits 0,
    /// or prints a usage error and exits 2.
    pub fn parse(&self) -> Args {
        match self.parse_from(std::env::args_os().skip(1)) {
            Ok(parsed) => parsed.or_exit(),
            Err(Usage::MissingUrl) => {
                eprintln!("{}\n", self.help());
                eprintln!(
                    "用法错误：缺少网址，见上面的例子 \
                     / usage error: a URL is required, see the examples above"
                );
                process::exit(2)
            }
            Err(Usage::Message(message)) => {
                common::cli::usage_exit(self.name, &message)
            }
        }
    }

    /// Parses `args` (without the program name).
    pub fn parse_from<I>(&self, args: I) -> Result<Parsed, Usage>
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
                    return Ok(Parsed::Help(self.help()));
                }
                Short('V') | Long("version") => {
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

    /// The `--help` text, Chinese and English side by side.
    pub fn help(&self) -> String {
        let name = self.name;
        let (what, examples) = if self.post {
            (
                "网址/URL [键=值/KEY=VALUE…]".to_string(),
                format!(
                    "例子（先在另一个终端启动本项目的测试服务器）\n\
                     examples (start the test server in another terminal first):\n\
                     \x20 python3 tests/py/http_peer.py 8000\n\
                     \x20 cargo run -p {name} -- http://127.0.0.1:8000/echo name=张三 \"lang=rust & c\"\n"
                ),
            )
        } else {
            (
                format!("[网址/URL]  (默认/default: {DEFAULT_URL})"),
                format!(
                    "例子 / examples:\n\
                     \x20 cargo run -p {name}\n\
                     \x20 cargo run -p {name} -- https://www.rust-lang.org\n\
                     没有网络时，在本机起一个服务器 / offline? serve a folder locally:\n\
                     \x20 python3 -m http.server 8000\n\
                     \x20 cargo run -p {name} -- http://127.0.0.1:8000/\n"
                ),
            )
        };
        format!(
            "{about}\n\n\
             用法 / usage: cargo run -p {name} -- [选项/options] {what}\n\n\
             选项 / options:\n\
             \x20 --timeout S      整个请求最多等待的秒数，默认 {DEFAULT_TIMEOUT_S} \
             / seconds the whole request may take\n\
             \x20 -h, --help       显示本帮助 / show this help\n\
             \x20 -V, --version    显示版本 / show the version\n\n\
             {examples}",
            about = self.about,
        )
        .trim_end()
        .to_string()
    }
}

/// A usage error.
#[derive(Debug, PartialEq)]
pub enum Usage {
    /// http-post was given no URL: show the help with its example.
    MissingUrl,
    Message(String),
}

impl From<lexopt::Error> for Usage {
    fn from(err: lexopt::Error) -> Self {
        Usage::Message(err.to_string())
    }
}

/// `KEY=VALUE` → `(KEY, VALUE)`. The value may be empty and may itself
/// contain `=`; the key may not be empty.
fn field(arg: String) -> Result<(String, String), Usage> {
    match arg.split_once('=') {
        Some((key, value)) if !key.is_empty() => {
            Ok((key.to_string(), value.to_string()))
        }
        _ => Err(Usage::Message(format!(
            "表单字段要写成 键=值，收到 {arg:?} \
             / form fields are KEY=VALUE, got {arg:?}"
        ))),
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
        assert_eq!(POST.parse_from([""; 0]).unwrap_err(), Usage::MissingUrl);
        assert_eq!(POST.parse_from(["name=x"]).unwrap_err(), Usage::MissingUrl);
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
