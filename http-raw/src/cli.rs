//! 命令行：网址、`--timeout`、`--trace`、`-h`、`-V`。
//!
//! The same contract as http-get (a URL, default the text's page;
//! `--timeout S`) plus `--trace` as the socket programs have it. A mistake
//! is a usage error: exit status 2 and a line saying what was wrong.

use std::ffi::OsString;
use std::time::Duration;

use common::cli::{Parsed, timeout_secs, usage_exit};
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
        Err(message) => usage_exit(NAME, &message),
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
    let lex = |e: lexopt::Error| e.to_string();
    while let Some(arg) = parser.next().map_err(lex)? {
        match arg {
            Short('h') | Long("help") => return Ok(Parsed::Help(help())),
            Short('V') | Long("version") => {
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
            _ => return Err(arg.unexpected().to_string()),
        }
    }
    Ok(Parsed::Run(Args {
        url: url.unwrap_or_else(|| DEFAULT_URL.to_string()),
        timeout: Duration::from_secs_f64(timeout_s),
        trace,
    }))
}

/// The `--help` text, Chinese and English side by side.
pub fn help() -> String {
    format!(
        "15.4 ⇄ 15.2 手写 HTTP：在 TCP 连接上亲手发 GET，原样打印回答 \
         / HTTP GET by hand over a TcpStream\n\n\
         用法 / usage: cargo run -p {NAME} -- [选项/options] [网址/URL]  \
         (默认/default: {DEFAULT_URL})\n\n\
         选项 / options:\n\
         \x20 --timeout S      连接和整个回答最多等待的秒数，默认 {DEFAULT_TIMEOUT_S} \
         / seconds to wait\n\
         \x20 --trace          在 stderr 显示每次收发的字节 / show every send and recv as bytes\n\
         \x20 -h, --help       显示本帮助 / show this help\n\
         \x20 -V, --version    显示版本 / show the version\n\n\
         只会明文的 http://；https:// 请用 http-get / plain http:// only; for https use http-get\n\n\
         例子 / examples:\n\
         \x20 cargo run -p {NAME}\n\
         没有网络时，在本机起一个服务器 / offline? serve a folder locally:\n\
         \x20 python3 -m http.server 8000\n\
         \x20 cargo run -p {NAME} -- http://127.0.0.1:8000/"
    )
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
