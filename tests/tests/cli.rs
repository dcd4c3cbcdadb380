//! The command line of every program: each usage error in both languages
//! (Chinese first, quoting what was wrong, "did you mean" for a near miss),
//! `--help=x` refused, the help's layout, and the program named as it was
//! started.

// Test code: a failed step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::ffi::OsString;

use chapter_tests::{Finished, LIMIT, program, run, run_clean};

const PROGRAMS: [&str; 7] = [
    "tcp-client",
    "tcp-server",
    "udp-client",
    "udp-server",
    "http-get",
    "http-post",
    "http-raw",
];

/// Runs `name` as a student would run the binary itself (not under cargo).
fn direct(name: &str, args: &[OsString]) -> Finished {
    let mut cmd = program(name);
    cmd.args(args)
        .env_remove("CARGO")
        .env_remove("CARGO_PKG_NAME");
    run_clean(cmd)
}

fn args(list: &[&str]) -> Vec<OsString> {
    list.iter().map(OsString::from).collect()
}

/// A usage error: exit 2, nothing on stdout, and three lines on stderr —
/// Chinese, English, where the help is. Returns the first two.
fn usage_error(name: &str, given: &[OsString]) -> (String, String) {
    let done = direct(name, given);
    assert_eq!(done.status.code(), Some(2), "{name} {given:?}: {done:?}");
    assert!(done.stdout.is_empty(), "{}", done.stdout);
    let lines: Vec<_> = done.stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{name} {given:?}: {}", done.stderr);
    let zh = lines[0].strip_prefix("用法错误：").unwrap_or_else(|| {
        panic!("{name} {given:?}: not Chinese first: {}", done.stderr)
    });
    assert!(zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
    let en = lines[1].strip_prefix("usage error: ").unwrap();
    assert_eq!(lines[2], format!("全部选项见 / see: {name} --help"));
    (zh.to_string(), en.to_string())
}

#[test]
fn a_near_miss_gets_did_you_mean_everywhere() {
    for name in PROGRAMS {
        let (typo, meant) = if name.starts_with("http") {
            ("--timout", "--timeout")
        } else {
            ("--prot", "--port")
        };
        let (zh, en) = usage_error(name, &args(&[typo, "5"]));
        assert_eq!(
            zh,
            format!("不认识的选项 \"{typo}\"，你是想写 {meant} 吗？")
        );
        assert_eq!(
            en,
            format!("unknown option \"{typo}\"; did you mean {meant}?")
        );
    }
}

#[test]
fn each_usage_error_of_the_issue_in_both_languages() {
    let (zh, en) = usage_error("tcp-client", &args(&["--prot", "1"]));
    assert_eq!(zh, "不认识的选项 \"--prot\"，你是想写 --port 吗？");
    assert_eq!(en, "unknown option \"--prot\"; did you mean --port?");

    let (zh, en) = usage_error("tcp-client", &args(&["--port"]));
    assert!(zh.starts_with("选项 --port 后面缺少值"), "{zh}");
    assert_eq!(en, "missing value for option --port");

    let (zh, en) = usage_error("tcp-server", &args(&["extra"]));
    assert!(zh.starts_with("多余的参数 \"extra\""), "{zh}");
    assert!(en.starts_with("unexpected argument \"extra\""), "{en}");

    let (zh, en) = usage_error("tcp-server", &args(&["--port", "abc"]));
    assert_eq!(zh, "--port 需要一个数（0–65535），收到 \"abc\"");
    assert_eq!(en, "--port needs a number, got \"abc\"");

    for name in PROGRAMS {
        let (zh, en) = usage_error(name, &args(&["--help=x"]));
        assert_eq!(zh, "选项 --help 不带值，却收到了 \"x\"", "{name}");
        assert_eq!(en, "option --help takes no value, got \"x\"", "{name}");
    }

    let (zh, en) = usage_error("http-get", &args(&["http://a/", "http://b/"]));
    assert!(zh.contains("\"http://b/\""), "{zh}");
    assert!(en.starts_with("only one URL"), "{en}");
}

#[cfg(unix)]
#[test]
fn an_argument_that_is_not_unicode_is_quoted_escaped() {
    use std::os::unix::ffi::OsStringExt;
    let bad = OsString::from_vec(b"caf\xe9\x1b".to_vec());
    let (zh, en) = usage_error("tcp-client", &[OsString::from("--host"), bad]);
    assert!(zh.contains("\"caf\\xE9\\u{1b}\""), "{zh}");
    assert!(zh.contains("不是合法的 Unicode"), "{zh}");
    assert_eq!(en, "argument \"caf\\xE9\\u{1b}\" is not valid Unicode");
}

#[test]
fn help_has_the_conventional_layout() {
    for name in PROGRAMS {
        let done = direct(name, &args(&["--help"]));
        assert!(done.status.success(), "{done:?}");
        let help = &done.stdout;
        let usage = format!("\n用法 / Usage: {name} [OPTIONS]");
        assert!(help.contains(&usage), "{name}:\n{help}");
        assert!(help.contains("\n选项 / Options:\n"), "{name}:\n{help}");
        assert!(help.contains("  -h, --help "), "{name}:\n{help}");
        // No defaults written as Rust values.
        assert!(!help.contains("[\""), "{name}:\n{help}");
        let with_value = if name.starts_with("http") {
            "--timeout <SECS>"
        } else {
            "--port <PORT>"
        };
        assert!(help.contains(with_value), "{name}:\n{help}");
        // Every default is said in Chinese and in English.
        let zh = help.matches("（默认：").count();
        let en = help.matches("[default: ").count();
        assert!(zh >= 1 && zh == en, "{name}: {zh} vs {en}:\n{help}");
    }
    let done = direct("tcp-client", &args(&["--help"]));
    assert!(
        done.stdout.contains("[MESSAGE]...")
            && done.stdout.contains("（默认：\"Python TCP 第一个DEMO\"）"),
        "{}",
        done.stdout
    );
    assert!(done.stdout.contains("[default: 10000]"), "{}", done.stdout);
}

#[test]
fn the_program_is_named_as_it_was_started() {
    // Run directly: the binary's name.
    let done = direct("udp-client", &args(&["--help"]));
    assert!(done.stdout.contains("用法 / Usage: udp-client [OPTIONS]"));
    // Run by `cargo run -p udp-client`, which sets these two for it.
    let mut cmd = program("udp-client");
    cmd.arg("--bogus")
        .env("CARGO", "cargo")
        .env("CARGO_PKG_NAME", "udp-client");
    let done = run(cmd, LIMIT);
    assert_eq!(done.status.code(), Some(2));
    assert!(
        done.stderr
            .ends_with("全部选项见 / see: cargo run -p udp-client -- --help\n"),
        "{}",
        done.stderr
    );
    // cargo running another package (a test, say) is not `cargo run -p`.
    let mut cmd = program("udp-client");
    cmd.arg("-h")
        .env("CARGO", "cargo")
        .env("CARGO_PKG_NAME", "chapter-tests");
    let done = run(cmd, LIMIT);
    assert!(done.stdout.contains("用法 / Usage: udp-client [OPTIONS]"));
}

#[test]
fn socket_basics_speaks_the_same_way() {
    let (zh, en) = usage_error("socket-basics", &args(&["--stpe", "bind"]));
    assert_eq!(zh, "不认识的选项 \"--stpe\"，你是想写 --step 吗？");
    assert_eq!(en, "unknown option \"--stpe\"; did you mean --step?");
    let (zh, en) = usage_error("socket-basics", &args(&["--step", "bnid"]));
    assert!(zh.starts_with("没有叫 \"bnid\" 的项目，你是想写 bind 吗？"));
    assert!(en.starts_with("unknown step \"bnid\"; did you mean bind?"));
    let (_, en) = usage_error("socket-basics", &args(&["--list=x"]));
    assert_eq!(en, "option --list takes no value, got \"x\"");
    let (_, en) = usage_error("socket-basics", &args(&["--help=x"]));
    assert_eq!(en, "option --help takes no value, got \"x\"");
    let done = direct("socket-basics", &args(&["--help"]));
    assert!(
        done.stdout
            .contains("用法 / Usage: socket-basics [OPTIONS]\n")
    );
    assert!(done.stdout.contains("\n选项 / Options:\n  --step <NAME>"));
}

#[test]
fn a_duration_under_one_millisecond_is_refused_and_the_minimum_named() {
    // Anything under 1 ms would become a zero timeout, which a socket
    // refuses: every client would then be reset.
    for (name, option, value) in [
        ("tcp-server", "--idle-timeout", "1e-10"),
        ("tcp-server", "--idle-timeout", "0.0004"),
        ("tcp-client", "--timeout", "1e-12"),
        ("udp-client", "--timeout", "0.0009"),
        ("http-get", "--timeout", "1e-12"),
    ] {
        let (zh, en) = usage_error(name, &args(&[option, value]));
        assert!(zh.starts_with(option) && zh.contains("1 毫秒"), "{zh}");
        assert!(en.contains("(1 ms)"), "{en}");
        assert!(zh.contains(&format!("\"{value}\"")), "{zh}");
    }
    // The smallest allowed, and 0 = never for the idle timeout, still run:
    // --help after them shows they parsed.
    for (name, option, value) in [
        ("tcp-server", "--idle-timeout", "0.001"),
        ("tcp-server", "--idle-timeout", "0"),
        ("tcp-client", "--timeout", "0.001"),
    ] {
        let done = direct(name, &args(&[option, value, "--help"]));
        assert!(done.status.success(), "{name} {option} {value}: {done:?}");
    }
}
