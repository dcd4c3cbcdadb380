//! 命令行：网址、`--timeout`、`--trace`、`-h`、`-V`。
//!
//! The same contract as http-get (a URL, default the text's page;
//! `--timeout S`) plus `--trace` as the socket programs have it. A mistake
//! is a usage error: exit status 2 and a line saying what was wrong.

use std::ffi::OsString;
use std::time::Duration;

use common::cli::{Parsed, timeout_secs};
use common::usage::{self, Entry, Usage};
use lexopt::prelude::*;

/// The page the text fetches.
pub const DEFAULT_URL: &str = "http://www.baidu.com";

/// Default of `--timeout`, in seconds, as for http-get.
pub const DEFAULT_TIMEOUT_S: u64 = 30;

const NAME: &str = env!("CARGO_PKG_NAME");

/// 解析后的命令行选项。
#[derive(Debug, PartialEq)]
pub struct Args {
    pub url: String,
    /// How long connecting and the whole answer may take.
    pub timeout: Duration,
    /// Show every send/recv as bytes on stderr.
    pub trace: bool,
}

/// 读取命令行；`--help`/`--version` 打印后退出，写错了以状态 2 退出。
pub fn parse() -> Args {
    match parse_from(std::env::args_os().skip(1)) {
        Ok(parsed) => parsed.or_exit(),
        Err(message) => usage::exit(NAME, &message),
    }
}

/// Parses `args` (without the program name). `Err` is the usage error.
pub fn parse_from<I>(args: I) -> Result<Parsed<Args>, String>
where
    I: IntoIterator,
    I::Item: Into<OsString>,
{
    let mut parser = lexopt::Parser::from_args(args);
    let mut url = None;
    let mut timeout_s = DEFAULT_TIMEOUT_S as f64;
    let mut trace = false;
    let lex = |e: lexopt::Error| {
        let options = options();
        Usage::from_lexopt(e, &usage::known(&options)).to_string()
    };
    while let Some(arg) = parser.next().map_err(lex)? {
        match arg {
            Short('h') | Long("help") => {
                usage::reject_value(&mut parser, "--help").map_err(lex)?;
                return Ok(Parsed::Help(help()));
            }
            Short('V') | Long("version") => {
                usage::reject_value(&mut parser, "--version").map_err(lex)?;
                let version = env!("CARGO_PKG_VERSION");
                return Ok(Parsed::Version(format!("{NAME} {version}")));
            }
            Long("timeout") => {
                timeout_s = timeout_secs(&parser.value().map_err(lex)?)?;
            }
            Long("trace") => trace = true,
            Value(value) if url.is_none() => {
                url = Some(value.string().map_err(lex)?);
            }
            Value(value) => {
                let value = usage::quote(&value);
                return Err(format!(
                    "只能给一个网址，多出来的是 {value}\n\
                     only one URL can be given, {value} is one too many"
                ));
            }
            _ => return Err(lex(arg.unexpected())),
        }
    }
    Ok(Parsed::Run(Args {
        url: url.unwrap_or_else(|| DEFAULT_URL.to_string()),
        timeout: Duration::from_secs_f64(timeout_s),
        trace,
    }))
}

/// The `--help` text, in the layout every program of the chapter uses.
pub fn help() -> String {
    let program = usage::invocation(NAME);
    usage::help(
        "15.4 ⇄ 15.2 手写 HTTP：在 TCP 连接上亲手发 GET，原样打印回答 \
         / HTTP GET by hand over a TcpStream",
        &program,
        "[OPTIONS] [URL]",
        &[Entry::new(
            "[URL]",
            "要取的网页，只会明文的 http://（https:// 请用 http-get）",
            "the page to fetch, plain http:// only (for https use http-get)",
        )
        .default(DEFAULT_URL, DEFAULT_URL)],
        &options(),
        &format!(
            "例子 / Examples:\n\
             \x20 {program}\n\
             没有网络时，在本机起一个服务器 / Offline? Serve a folder locally:\n\
             \x20 python3 -m http.server 8000\n\
             \x20 {program} http://127.0.0.1:8000/"
        ),
    )
}

/// The options, as `--help` lists them.
fn options() -> Vec<Entry> {
    vec![
        Entry::new(
            "--timeout <SECS>",
            "连接和整个回答最多等待的秒数",
            "seconds to wait for the connection and the whole answer",
        )
        .default(DEFAULT_TIMEOUT_S, DEFAULT_TIMEOUT_S),
        Entry::new(
            "--trace",
            "在 stderr 显示每次收发的字节",
            "show every send and recv as bytes on stderr",
        ),
        Entry::new("-h, --help", "显示本帮助", "show this help"),
        Entry::new("-V, --version", "显示版本", "show the version"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Args {
        match parse_from(args) {
            Ok(Parsed::Run(args)) => args,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn defaults_and_options() {
        let args = run(&[]);
        assert_eq!(args.url, DEFAULT_URL);
        assert_eq!(args.timeout, Duration::from_secs(30));
        assert!(!args.trace);
        let args = run(&["--trace", "http://x/", "--timeout", "0.5"]);
        assert_eq!(args.url, "http://x/");
        assert_eq!(args.timeout, Duration::from_millis(500));
        assert!(args.trace);
    }

    #[test]
    fn mistakes_are_usage_errors() {
        for bad in [
            &["http://x/", "http://y/"][..],
            &["--timeout", "0"],
            &["--timeout"],
            &["--port", "1"],
            &["-x"],
        ] {
            assert!(parse_from(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn help_and_version() {
        let Ok(Parsed::Help(help)) = parse_from(["-h"]) else {
            panic!()
        };
        for word in ["--timeout", "--trace", DEFAULT_URL, "http-get"] {
            assert!(help.contains(word), "{word}");
        }
        assert_eq!(
            parse_from(["-V"]),
            Ok(Parsed::Version(format!("http-raw {}", "0.1.0")))
        );
    }
}
