//! 15.1 套接字导游：把服务端的六个步骤、四个地址族和 socket 方法表的每一行，
//! 在一个进程里真的跑一遍。
//!
//! 运行：
//!
//! ```text
//! cargo run -p socket-basics                    # 从头到尾走一遍
//! cargo run -p socket-basics -- --list          # 列出所有项目的名字
//! cargo run -p socket-basics -- --step accept   # 只看其中一项
//! ```
//!
//! 全程只用本机回环地址（127.0.0.1、::1），端口都由系统挑选（绑定端口 0），
//! 不需要第二个终端。每一项先打印 Python 的写法和它在 Rust 里对应的调用，
//! 再在 `=>` 后面打印实际发生的事：绑定的地址、对方的地址、读回的选项值、
//! 观察到的超时错误……
//!
//! 每一项是下面几个文件里的一个函数，函数里的每个套接字调用都有一行注释，
//! 写明它对应的 Python 调用：
//!
//! - `families.rs`：地址族 AF_INET、AF_INET6、AF_UNIX、AF_UNSPEC
//! - `server.rs`：第 1～4 步（socket、bind、listen、accept）和客户端的
//!   connect、connect_ex；六个步骤接力用同一个套接字（`Walk`）
//! - `data.rs`：收发数据和关闭（第 5、6 步，以及 UDP 的 sendto、recvfrom）
//! - `options.rs`：地址、选项、超时、阻塞、描述符和 makefile
//! - `raw.rs`：原始套接字（`--step raw`，不在导游里：结果取决于权限）

mod data;
mod families;
mod options;
mod raw;
mod rows;
mod server;

use std::io;
use std::net::{TcpListener, TcpStream};
use std::process::ExitCode;

use common::cli::{Opt, Program, Set};
use common::explain;
use common::println; // 同 std 的 println!，但 stdout 被关掉时不 panic
use common::{Bilingual, cli::Initial};
use rows::{ALONE, ROWS};

fn main() -> ExitCode {
    let args = PROGRAM.parse();
    if args.list {
        list();
        return ExitCode::SUCCESS;
    }
    common::exit_code(run(&args.steps))
}

/// Runs the given rows, or all of them in the text's order.
fn run(steps: &[&str]) -> io::Result<()> {
    let tour = steps.is_empty();
    if tour {
        println!("15.1 套接字导游：本机回环地址，端口由系统挑选。");
        println!("每项的 => 后面是实际发生的事 / after => is what happened.");
    }
    let mut part = None;
    // 第 1～6 步接力用同一个服务端套接字：端口从 bind 到 close 都不变。
    let mut walk = server::Walk::default();
    for row in ROWS.iter().chain(ALONE) {
        let alone = ALONE.iter().any(|a| a.name == row.name);
        if (tour && alone) || (!tour && !steps.contains(&row.name)) {
            continue;
        }
        if tour && part != Some(row.part) {
            part = Some(row.part);
            println!("\n===== {} =====", row.part.title());
        }
        println!("\n[{}] {}", row.name, row.what);
        println!("  Python: {}", row.python);
        println!("  Rust:   {}", row.rust);
        (row.run)(&mut walk).map_err(|err| failed(row.name, &err))?;
    }
    if tour {
        println!(
            "\n全部 {} 项都走完了 / all {} rows done.",
            ROWS.len(),
            ROWS.len()
        );
        println!(
            "原始套接字要单独运行 / raw sockets on their own: \
             cargo run -p socket-basics -- --step raw"
        );
    }
    Ok(())
}

/// Says which row failed and why: two lines, Chinese then English.
fn failed(step: &str, err: &io::Error) -> io::Error {
    explain::explained(
        err.kind(),
        format!("[{step}] 这一步失败了：{err}"),
        format!("step {step} failed: {err}"),
    )
}

/// 一对连好的 TCP 套接字（服务端那头，客户端那头），给后面各项用。
/// 这里用 std 一次做完第 1～4 步：`TcpListener::bind` 等于
/// socket() + bind() + listen()，这些步骤单独的样子见上面几项。
fn tcp_pair() -> io::Result<(TcpStream, TcpStream)> {
    let listener = TcpListener::bind(("127.0.0.1", 0))?;
    let client = TcpStream::connect(listener.local_addr()?)?;
    let (conn, _) = listener.accept()?;
    Ok((conn, client))
}

/// `--list`: one row per line, name first, so a script can take the names.
fn list() {
    for row in ROWS.iter().chain(ALONE) {
        println!("{:<12} {}", row.name, row.what);
    }
}

#[derive(Default)]
struct Args {
    /// `--step NAME`, in the order given; none: the whole tour.
    steps: Vec<&'static str>,
    list: bool,
}

/// 本程序的选项，每个一项：写法、[中文, 英文] 说明、默认值、值放在哪里。
#[rustfmt::skip] // 排成一张表，一项一行（不超过 100 列）
const PROGRAM: Program<Args> = Program {
    name: env!("CARGO_PKG_NAME"), version: env!("CARGO_PKG_VERSION"),
    about: "15.1 套接字导游：六个步骤和 socket 方法表，在本机真的跑一遍 \
            / a tour of the socket calls",
    options: &[
        Opt::new("--step <NAME>", ["只运行这一项（可给多次），例如 --step accept",
                                   "run only this row (may be given more than once)"],
            Initial::None, Set::With(|args, v| step(&v.text()?).map(|s| args.steps.push(s)))),
        Opt::new("--list", ["列出所有项目", "list the rows"], Initial::None,
            Set::Flag(|args| &mut args.list)),
    ],
    ..Program::NONE
};

/// The name of the row `--step` asks for.
fn step(name: &str) -> Result<&'static str, Bilingual> {
    rows::find(name).map(|row| row.name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use common::cli::Parsed;
    use rows::find;

    fn parse(args: &[&str]) -> Result<Vec<&'static str>, Bilingual> {
        match PROGRAM.parse_from(args)? {
            Parsed::Run(args) => Ok(args.steps),
            other => panic!("{:?}", matches!(other, Parsed::Help(_))),
        }
    }

    #[test]
    fn every_row_has_a_unique_name() {
        for (i, row) in ROWS.iter().enumerate() {
            assert_eq!(find(row.name).unwrap().name, row.name);
            assert!(
                ROWS[..i].iter().all(|r| r.name != row.name),
                "{}",
                row.name
            );
        }
        assert_eq!(ROWS.len(), 25);
    }

    #[test]
    fn options_are_read() {
        assert_eq!(parse(&[]), Ok(vec![]));
        assert_eq!(
            parse(&["--step", "bind", "--step=af_inet"]),
            Ok(vec!["bind", "AF_INET"])
        );
        assert_eq!(
            parse(&["--step", "RAW"]),
            Ok(vec!["raw"]),
            "raw is found, though not in the tour"
        );
        let Ok(Parsed::Run(args)) = PROGRAM.parse_from(["--list"]) else {
            panic!()
        };
        assert!(args.list);
        assert!(matches!(PROGRAM.parse_from(["-h"]), Ok(Parsed::Help(_))));
        assert!(matches!(PROGRAM.parse_from(["-V"]), Ok(Parsed::Version(_))));
    }

    #[test]
    fn a_failure_names_the_step() {
        let err = io::Error::from(io::ErrorKind::AddrInUse);
        let text = explain::lines(&failed("bind", &err));
        assert_eq!(text.lines().count(), 2, "{text}");
        assert!(text.lines().all(|line| line.contains("bind")), "{text}");
    }

    #[test]
    fn mistakes_are_usage_errors() {
        let err = parse(&["--step", "bnid"]).unwrap_err().to_string();
        assert!(err.contains("bnid") && err.contains("connect_ex"), "{err}");
        for bad in [&["--step"][..], &["--nope"], &["stray"]] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}
