//! 动手练习的检查程序 / the exercises' checker.
//!
//! ```text
//! cargo run -p exercises -- list                   列出练习 / list them
//! cargo run -p exercises -- check NAME             检查你的程序 / check yours
//! cargo run -p exercises -- check NAME --solution  检查参考答案 / the answer
//! cargo run -p exercises -- check --all            检查全部 / check all
//! ```
//!
//! `check` builds the student's file (`exercises/src/bin/NAME.rs`), runs it
//! against a partner started here on loopback that behaves like an unkind
//! network, and prints ✓ or ✗ per case. Exit 0 when every case passes, 1
//! otherwise, 2 for a usage error.

mod cases;
mod catalog;
mod net;
mod run;

use std::collections::HashMap;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use catalog::{EXERCISES, Exercise};
use run::Which;

/// What a case found wrong: shown under its ✗.
pub struct Failure {
    pub expected: String,
    pub got: String,
    /// Chinese, then English.
    pub hint: (&'static str, &'static str),
}

/// A case that passed, or could not run on this system.
pub enum Verdict {
    Passed,
    Skipped(&'static str),
}

pub type Outcome = Result<Verdict, Failure>;

/// A failure with what was expected, what came, and a hint.
pub fn fail(
    expected: impl Into<String>,
    got: impl Into<String>,
    hint: (&'static str, &'static str),
) -> Failure {
    Failure {
        expected: expected.into(),
        got: got.into(),
        hint,
    }
}

/// Text with control characters shown escaped (`\u{1b}`), newlines kept.
pub fn escape(text: &str) -> String {
    let mut shown = String::new();
    for c in text.chars() {
        if c.is_control() && c != '\n' {
            shown.extend(c.escape_default());
        } else {
            shown.push(c);
        }
    }
    shown
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["list"] => {
            list();
            ExitCode::SUCCESS
        }
        ["-h" | "--help"] | [] => {
            println!("{}", USAGE);
            ExitCode::SUCCESS
        }
        ["check", rest @ ..] => match parse_check(rest) {
            Ok((chosen, which)) => check(&chosen, which),
            Err(message) => usage_error(&message),
        },
        [other, ..] => usage_error(&format!(
            "未知的命令 {0}，可用的有 list 和 check \
             / unknown command {0}: use list or check",
            escape(other)
        )),
    }
}

const USAGE: &str = "\
动手练习 / exercises

用法 / usage:
  cargo run -p exercises -- list
  cargo run -p exercises -- check NAME [--solution]
  cargo run -p exercises -- check --all [--solution]

list        列出练习、要改的文件和标题 / name, file to edit, title
check NAME  编译并检查 exercises/src/bin/NAME.rs / build and check it
--solution  检查参考答案，而不是你的文件 / check the reference answer
--all       检查全部练习 / check every exercise";

fn usage_error(message: &str) -> ExitCode {
    eprintln!("{message}");
    eprintln!("用法 / usage: cargo run -p exercises -- check NAME|--all");
    ExitCode::from(2)
}

/// `check` arguments: one NAME or `--all`, and maybe `--solution`.
fn parse_check(
    args: &[&str],
) -> Result<(Vec<&'static Exercise>, Which), String> {
    let mut which = Which::Starter;
    let mut all = false;
    let mut names = Vec::new();
    for arg in args {
        match *arg {
            "--solution" => which = Which::Solution,
            "--all" => all = true,
            flag if flag.starts_with('-') => {
                return Err(format!(
                    "未知的选项 {0}，可用的有 --all 和 --solution \
                     / unknown option {0}: use --all or --solution",
                    escape(flag)
                ));
            }
            name => names.push(name),
        }
    }
    match (all, names.as_slice()) {
        (true, []) => Ok((EXERCISES.iter().collect(), which)),
        (false, [name]) => match catalog::find(name) {
            Some(exercise) => Ok((vec![exercise], which)),
            None => Err(unknown(name)),
        },
        (false, []) => Err(format!(
            "要检查哪个练习？给出名字或 --all。\n\
             which exercise? give a NAME or --all.\n{}",
            names_list()
        )),
        _ => Err("只能给一个名字，或者 --all \
                  / give one NAME, or --all"
            .into()),
    }
}

/// The error for an unknown exercise name: the nearest, and all names.
fn unknown(name: &str) -> String {
    let nearest = EXERCISES
        .iter()
        .map(|e| (distance(name, e.name), e.name))
        .min();
    let suggestion = match nearest {
        Some((d, near)) if d <= 3 || near.contains(name) => {
            format!("是不是 {near}？/ did you mean {near}?\n")
        }
        _ => String::new(),
    };
    format!(
        "没有叫 {0} 的练习 / no exercise named {0}\n{suggestion}{1}",
        escape(name),
        names_list()
    )
}

fn names_list() -> String {
    let names: Vec<&str> = EXERCISES.iter().map(|e| e.name).collect();
    format!("练习有 / the exercises are: {}", names.join(", "))
}

/// Edit distance (Levenshtein), for the did-you-mean.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == *cb {
                diagonal
            } else {
                1 + diagonal.min(above).min(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

fn list() {
    let name_width = EXERCISES.iter().map(|e| e.name.len()).max();
    let path_width = EXERCISES.iter().map(|e| e.path().len()).max();
    let (name_width, path_width) =
        (name_width.unwrap_or(0) + 2, path_width.unwrap_or(0) + 2);
    for e in EXERCISES {
        println!(
            "{:<name_width$}{:<path_width$}{} / {}（{}）",
            e.name,
            e.path(),
            e.zh,
            e.en,
            e.page
        );
    }
}

/// Builds the chosen exercises, runs all their cases in parallel, prints
/// the results in order.
fn check(chosen: &[&'static Exercise], which: Which) -> ExitCode {
    let targets: Vec<(&str, String)> =
        chosen.iter().map(|e| which.target(e.name)).collect();
    let (_, built) = run::build(&targets);

    let jobs: Vec<(usize, usize)> = chosen
        .iter()
        .enumerate()
        .filter(|(_, e)| built.contains_key(&which.target(e.name).1))
        .flat_map(|(i, e)| (0..e.cases.len()).map(move |c| (i, c)))
        .collect();
    let results = run_jobs(chosen, &built, which, &jobs);

    let mut passed_all = 0;
    for (i, exercise) in chosen.iter().enumerate() {
        let exe = built.get(&which.target(exercise.name).1);
        if report(exercise, which, exe, i, &results) {
            passed_all += 1;
        }
    }
    if chosen.len() > 1 {
        println!(
            "全部 / all: {passed_all}/{} 个练习通过 / exercises passed",
            chosen.len()
        );
    }
    if passed_all == chosen.len() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

type Results = HashMap<(usize, usize), Outcome>;

/// Runs every job on a few worker threads (the cases share nothing: each
/// has its own partner on its own port).
fn run_jobs(
    chosen: &[&'static Exercise],
    built: &HashMap<String, PathBuf>,
    which: Which,
    jobs: &[(usize, usize)],
) -> Results {
    let next = AtomicUsize::new(0);
    let results = Mutex::new(HashMap::new());
    let workers = jobs.len().clamp(1, 16);
    thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some(&(i, c)) =
                    jobs.get(next.fetch_add(1, Ordering::SeqCst))
                {
                    let exercise = chosen[i];
                    let Some(exe) = built.get(&which.target(exercise.name).1)
                    else {
                        continue;
                    };
                    let outcome = run_case(exercise, c, exe);
                    if let Ok(mut results) = results.lock() {
                        results.insert((i, c), outcome);
                    }
                }
            });
        }
    });
    results.into_inner().unwrap_or_default()
}

fn run_case(exercise: &Exercise, case: usize, exe: &Path) -> Outcome {
    let check = exercise.cases[case].check;
    panic::catch_unwind(AssertUnwindSafe(|| check(exe))).unwrap_or_else(|_| {
        Err(fail(
            "检查程序正常运行 / the checker runs",
            "检查程序内部出错 / the checker itself failed",
            ("请报告这个问题。", "please report this."),
        ))
    })
}

/// Prints one exercise's cases; whether all passed.
fn report(
    exercise: &Exercise,
    which: Which,
    exe: Option<&PathBuf>,
    index: usize,
    results: &Results,
) -> bool {
    let file = match which {
        Which::Starter => exercise.path(),
        Which::Solution => exercise.solution_path(),
    };
    println!(
        "练习 {}（{}）：{} / {}\n文件 / file: {file}",
        exercise.name, exercise.page, exercise.zh, exercise.en
    );
    if exe.is_none() {
        println!(
            "  ✗ 编译失败，编译器的信息在上面 \
             / does not compile: the compiler's message is above"
        );
        return false;
    }
    let mut passed = 0;
    for (c, case) in exercise.cases.iter().enumerate() {
        match results.get(&(index, c)) {
            Some(Ok(Verdict::Passed)) => {
                passed += 1;
                println!("  ✓ {} / {}", case.zh, case.en);
            }
            Some(Ok(Verdict::Skipped(why))) => {
                passed += 1;
                println!("  - {} / {}：skipped: {why}", case.zh, case.en);
            }
            Some(Err(failure)) => {
                println!("  ✗ {} / {}", case.zh, case.en);
                print_failure(failure);
            }
            None => {
                println!("  ✗ {} / {}：没有运行 / not run", case.zh, case.en)
            }
        }
    }
    let total = exercise.cases.len();
    println!("  结果 / result: {passed}/{total} 通过 / passed\n");
    passed == total
}

fn print_failure(failure: &Failure) {
    // A long output is cut: the first lines say enough.
    const SHOWN: usize = 24;
    let block = |text: &str| {
        let text = escape(text);
        let mut lines: Vec<String> = text
            .lines()
            .take(SHOWN)
            .map(|line| format!("        {line}"))
            .collect();
        let more = text.lines().count().saturating_sub(SHOWN);
        if more > 0 {
            lines.push(format!(
                "        …（还有 {more} 行 / {more} more lines）"
            ));
        }
        lines.join("\n")
    };
    println!("      期望 / expected:\n{}", block(&failure.expected));
    println!("      实际 / got:\n{}", block(&failure.got));
    println!("      提示：{}", failure.hint.0);
    println!("      hint: {}", failure.hint.1);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_shows_control_characters() {
        assert_eq!(escape("a\u{1b}[2J\r\nb"), "a\\u{1b}[2J\\r\nb");
    }

    #[test]
    fn suggests_the_nearest_name() {
        assert!(unknown("udp-rety").contains("did you mean udp-retry?"));
        assert!(!unknown("zzzzzzzzzz").contains("did you mean"));
    }

    #[test]
    fn finds_executables_in_cargo_json() {
        let line = r#"{"reason":"compiler-artifact","package_id":"x","target":{"kind":["bin"],"name":"greet-peer","src_path":"C:\\a\\b.rs"},"executable":"C:\\t\\greet-peer.exe","fresh":true}"#;
        let (name, exe) = run::artifact(line).unwrap();
        assert_eq!(name, "greet-peer");
        assert_eq!(exe, PathBuf::from(r"C:\t\greet-peer.exe"));
    }

    #[test]
    fn every_exercise_has_cases_and_a_page() {
        for e in EXERCISES {
            assert!(e.cases.len() >= 3, "{}", e.name);
            assert!(!e.page.is_empty(), "{}", e.name);
        }
    }
}
