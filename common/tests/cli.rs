//! The option layer through its public API: a table in, arguments or a
//! usage error (both languages, quoted and escaped, did-you-mean) out.

// Test code: a failed step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use common::Bilingual;
use common::cli::Side;
use common::cli::{self, Initial, Messages, Net, Opt, Parsed, Program, Set};

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
        cli::delay_ms(|args| &mut args.delay, "1000"),
        cli::trace(|args| &mut args.trace),
        cli::quiet(|args| &mut args.quiet),
        Opt::new(
            "--count <N>",
            ["个数", "how many"],
            Initial::Value("7"),
            Set::With(|args, v| v.at_least_one().map(|n| args.count = n)),
        ),
    ],
    ..Program::NONE
};

const CLIENT: Program<Args> = Program {
    name: "tcp-client",
    net: Some((Side::Client("tcp-server"), |args| &mut args.net)),
    messages: Some((&["a b", "c"], |args| &mut args.messages)),
    options: &[cli::timeout(|args| &mut args.timeout, "5")],
    ..Program::NONE
};

fn run(program: &Program<Args>, args: &[&str]) -> Args {
    match program.parse_from(args) {
        Ok(Parsed::Run(args)) => args,
        other => panic!("{other:?}"),
    }
}

fn messages(args: &Args) -> Vec<String> {
    args.messages.into_iter().map(Result::unwrap).collect()
}

fn help(program: &Program<Args>) -> String {
    match program.parse_from(["--help"]) {
        Ok(Parsed::Help(help)) => help,
        other => panic!("{other:?}"),
    }
}

fn wrong(program: &Program<Args>, args: &[&str]) -> Bilingual {
    program.parse_from(args).unwrap_err()
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
    assert_eq!(messages(&args), ["a b", "c"]);
    assert_eq!(args.timeout, Duration::from_secs(5));
    assert!(!run(&SERVER, &[]).net.host.is_empty(), "the hostname");
}

#[test]
fn options_are_read() {
    let given = [
        "--host=::1",
        "--port",
        "0",
        "--delay-ms",
        "0",
        "--trace",
        "-q",
    ];
    let args = run(&SERVER, &given);
    assert_eq!((args.net.host.as_str(), args.net.port), ("::1", 0));
    assert_eq!(args.delay, Duration::ZERO);
    assert!(args.trace && args.quiet);
    assert_eq!(run(&SERVER, &["--host", "h", "--count=3"]).count, 3);
    let args = run(&CLIENT, &["--host", "h", "x", "y", "--timeout", "0.5"]);
    assert_eq!(messages(&args), ["x", "y"]);
    assert_eq!(args.timeout, Duration::from_millis(500));
    let args = run(&CLIENT, &["--host", "h", "-i"]);
    let shown = format!("{:?}", args.messages);
    assert!(shown.contains("given: []") && shown.contains("interactive: true"));
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
        let wrong = wrong(program, bad);
        assert!(!wrong.zh.is_empty() && !wrong.en.is_empty(), "{bad:?}");
    }
    assert_eq!(
        wrong(&SERVER, &["--count", "0"]),
        Bilingual::new("--count 至少为 1", "--count must be at least 1")
    );
    let bad = wrong(&SERVER, &["--count", "x\u{1b}"]);
    assert_eq!(bad.zh, "--count 需要一个数（≥ 1），收到 \"x\\u{1b}\"");
    let bad = wrong(&SERVER, &["--cuont", "1"]);
    assert!(bad.en.ends_with("did you mean --count?"), "{bad}");
}

#[test]
fn near_misses_get_did_you_mean() {
    let u = wrong(&SERVER, &["--prot"]);
    assert_eq!(u.zh, "不认识的选项 \"--prot\"，你是想写 --port 吗？");
    assert_eq!(u.en, "unknown option \"--prot\"; did you mean --port?");
    assert!(wrong(&SERVER, &["--tarce"]).en.ends_with("mean --trace?"));
    assert!(wrong(&SERVER, &["--hots=x"]).en.ends_with("mean --host?"));
    assert_eq!(
        wrong(&SERVER, &["--verbose"]).en,
        "unknown option \"--verbose\""
    );
    assert_eq!(wrong(&SERVER, &["-x"]).zh, "不认识的选项 \"-x\"");
    assert_eq!(
        common::usage::nearest("--PROT", &["--port", "--host"]),
        Some("--port")
    );
    assert_eq!(common::usage::nearest("--hst", &["--host"]), Some("--host"));
    assert_eq!(common::usage::nearest("--xyzzy", &["--host"]), None);
}

#[test]
fn each_lexopt_error_in_both_languages() {
    let u = wrong(&SERVER, &["--port"]);
    assert_eq!(u.zh, "选项 --port 后面缺少值，写成 --port 值");
    assert_eq!(u.en, "missing value for option --port");
    let u = wrong(&SERVER, &["extra"]);
    assert!(u.zh.starts_with("多余的参数 \"extra\"："), "{}", u.zh);
    assert!(u.en.starts_with("unexpected argument \"extra\""));
    assert!(
        wrong(&SERVER, &["port"])
            .en
            .ends_with("did you mean --port?")
    );
    let u = wrong(&SERVER, &["--help=x"]);
    assert_eq!(u.zh, "选项 --help 不带值，却收到了 \"x\"");
    assert_eq!(u.en, "option --help takes no value, got \"x\"");
    let u = wrong(&SERVER, &["--trace=1"]);
    assert_eq!(u.en, "option --trace takes no value, got \"1\"");
    assert_eq!(wrong(&CLIENT, &["ok", ""]).zh, "消息不能为空");
}

#[cfg(unix)]
#[test]
fn non_unicode_is_quoted_escaped() {
    use std::ffi::OsString;
    use std::os::unix::ffi::OsStringExt;
    let bad = OsString::from_vec(b"a\xff\x1b".to_vec());
    let u = SERVER
        .parse_from([OsString::from("--host"), bad])
        .unwrap_err();
    assert_eq!(u.en, "argument \"a\\xFF\\u{1b}\" is not valid Unicode");
    assert!(u.zh.starts_with("参数 \"a\\xFF\\u{1b}\" 不是合法的 Unicode"));
}

#[test]
fn hostile_text_is_escaped() {
    let u = wrong(&SERVER, &["--\u{202e}x\u{1b}"]);
    assert!(!u.zh.contains('\u{202e}') && !u.zh.contains('\u{1b}'));
    assert!(u.en.contains("\\u{202e}"), "{}", u.en);
    assert_eq!(common::usage::quote("x\u{1b}".as_ref()), "\"x\\u{1b}\"");
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
fn help_layout() {
    let text = help(&SERVER);
    // Entries line up: flags, padding, Chinese; the English under it.
    let want = "\n  --port <PORT>     端口，0 = 由系统挑选（默认：10000）\n                    \
                port, 0 lets the system pick [default: 10000]\n";
    assert!(text.contains(want), "{text}");
    let quiet = "\n  -q, --quiet       不逐条打印收到的消息\n";
    assert!(text.contains(quiet), "{text}");
    assert!(text.starts_with("\n\n用法 / Usage: "), "{text:?}");
    assert!(text.contains("\n\n选项 / Options:\n"), "{text}");
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
}
