//! 命令行：网址、`--timeout`、`--trace`、`-h`、`-V`。
//!
//! The same contract as http-get (a URL, default the text's page;
//! `--timeout S`) plus `--trace` as the socket programs have it, read by
//! `common::cli` from the table below. A mistake is a usage error: exit
//! status 2 and a line saying what was wrong.

use std::time::Duration;

use common::cli::{self, Program};

/// The page the text fetches.
pub const DEFAULT_URL: &str = "http://www.baidu.com";

/// 解析后的命令行选项。
#[derive(Debug, Default, PartialEq)]
pub struct Args {
    pub url: String,
    /// How long connecting and the whole answer may take.
    pub timeout: Duration,
    /// Show every send/recv as bytes on stderr.
    pub trace: bool,
}

/// 读取命令行；`--help`/`--version` 打印后退出，写错了以状态 2 退出。
pub fn parse() -> Args {
    PROGRAM.parse()
}

/// 本程序的选项，每个一项：写法、[中文, 英文] 说明、默认值、值放在哪里。
#[rustfmt::skip] // 排成一张表，一项一行（不超过 100 列）
pub const PROGRAM: Program<Args> = Program {
    name: env!("CARGO_PKG_NAME"), version: env!("CARGO_PKG_VERSION"),
    about: "15.4 ⇄ 15.2 手写 HTTP：在 TCP 连接上亲手发 GET，原样打印回答 \
            / HTTP GET by hand over a TcpStream",
    options: &[
        cli::timeout_for(|args| &mut args.timeout, "30", ["连接和整个回答最多等待的秒数",
                         "seconds to wait for the connection and the whole answer"]),
        cli::trace(|args| &mut args.trace),
    ],
    arguments: &[cli::url(|args| &mut args.url, DEFAULT_URL,
        ["要取的网页，只会明文的 http://（https:// 请用 http-get）",
         "the page to fetch, plain http:// only (for https use http-get)"])],
    examples: "例子 / Examples:\n\
               \x20 {program}\n\
               没有网络时，在本机起一个服务器 / Offline? Serve a folder locally:\n\
               \x20 python3 -m http.server 8000\n\
               \x20 {program} http://127.0.0.1:8000/",
    ..Program::NONE
};

#[cfg(test)]
mod tests {
    use super::*;
    use common::cli::Parsed;

    fn run(args: &[&str]) -> Args {
        match PROGRAM.parse_from(args) {
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
            &["--timeout", "1e-12"],
            &["--timeout"],
            &["--port", "1"],
            &["-x"],
        ] {
            assert!(PROGRAM.parse_from(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn help_and_version() {
        let Ok(Parsed::Help(help)) = PROGRAM.parse_from(["-h"]) else {
            panic!()
        };
        for word in ["--timeout", "--trace", DEFAULT_URL, "http-get"] {
            assert!(help.contains(word), "{word}");
        }
        assert_eq!(
            PROGRAM.parse_from(["-V"]),
            Ok(Parsed::Version(format!("http-raw {}", "0.1.0")))
        );
    }
}
